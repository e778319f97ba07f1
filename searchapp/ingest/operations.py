"""Special operations and campaigns (专项行动) named in a press release.

Two sources of names, both folded to one canonical name per operation:

* The **known operations** of :file:`operations.yaml` (a versioned data file: canonical name,
  variants, yearly editions, literal phrases). They count wherever they appear quoted
  (“断卡”), quoted with a version (“断卡2.0”, “断卡行动2.0”), unquoted before 行动
  (断卡行动2.0, 净网2023专项行动) and, for literal phrases, anywhere (夏季治安打击整治“百日行动”).
* The **pattern rule** for other names: a quoted name (“…”, "…", 「…」, 『…』) directly
  followed by an operation word — 行动, 专项行动, 战役, 专案, 会战 — optionally with 等, a
  number word (三大, 两项) or a qualifier (系列, 集中, 集群) in between. Adjacent quoted names
  share the word: “斩链”“清源”“利剑”三大战役 names three, and so does a list joined by
  、，和 及 与 (“云剑”、“断流”和“拔钉”行动). A quoted name that itself ends in 行动 plus a
  version (“断卡行动2.0”) counts alone, and so does a quoted “Operation Serengeti”.

Canonical names (:func:`canonical_operation`): NFKC, Traditional folded to Simplified
(OpenCC), a version suffix such as 2.0 dropped; a known operation gets its name from the data
file, with the edition's year where one is written (云剑-2022, 净网2023); any other name
keeps its operation word, so “护航”行动, front matter ``operation: 护航行动`` and
“百日行动” give 护航行动 and 百日行动 — the word users read and filter by. Quoted slang that can
sit before such a word (“四大家族”专案) is in the data file's ``not_operations``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import yaml

from searchapp.ingest.script import to_simplified

#: Operation words after a quoted name (Simplified and Traditional).
_SUFFIX = r"(?P<word>专项行动|專項行動|行动|行動|战役|戰役|专案|專案|会战|會戰)"
_NAME = r"[^“”\"「」『』\n，。,、；;：:！？!?（）()]{1,24}"
_QUOTED = rf"“{_NAME}”|\"{_NAME}\"|「{_NAME}」|『{_NAME}』"
#: What may stand between the quoted names of a list: “云剑”、“断流”和“拔钉”行动.
_LIST_SEPARATOR = r"[、，,\s]*(?:以及|和|及|与|與)?\s*"
_BETWEEN = r"等?(?:[一二三四五六七八九十两兩几幾\d]+[大项項個个场場轮輪])?(?:系列|集中|集群)?"
_RUN_RE = re.compile(
    rf"(?P<names>(?:{_QUOTED})(?:{_LIST_SEPARATOR}(?:{_QUOTED}))*)(?P<suffix>{_BETWEEN}{_SUFFIX})?"
)
_QUOTED_NAME_RE = re.compile(r"[“\"「『](?P<name>[^”\"」』]+)[”\"」』]")
_VERSION = r"[\s\-—–－]*[VvＶｖ]?[\d０-９]+(?:[.．][\d０-９]+)+"
_VERSIONED_ACTION_RE = re.compile(rf"^.+行[动動]{_VERSION}$")
_VERSION_SUFFIX_RE = re.compile(rf"{_VERSION}$")
_YEAR_SUFFIX_RE = re.compile(r"^(?P<base>.+?)[\s\-—–]*(?P<year>(?:19|20)\d{2})$")
_ACTION_SUFFIX_RE = re.compile(r"(专项行动|行动)$")
_OPERATION_WORD_RE = re.compile(r"(行动|战役|专案|会战)$")
#: A quoted English operation name: “Operation Serengeti”.
_OPERATION_PREFIX_RE = re.compile(r"^Operation\s+\S")

#: The data file, shipped inside the package.
DATA_FILE = "operations.yaml"


@dataclass(frozen=True)
class KnownOperations:
    """The contents of :data:`DATA_FILE`, indexed for lookups.

    :param version: the data file's ``version`` (``YYYY-MM``).
    :param names: canonical names, in file order.
    :param lookup: every spelling (Simplified, NFKC) -> canonical name.
    :param year_separators: canonical name -> separator before an edition's year, for
        operations with yearly editions.
    :param phrases: literal phrases -> canonical name.
    :param not_operations: quoted words that never name an operation.
    """

    version: str
    names: tuple[str, ...]
    lookup: dict[str, str]
    year_separators: dict[str, str]
    phrases: dict[str, str]
    not_operations: frozenset[str]


@functools.cache
def known_operations() -> KnownOperations:
    """Load :data:`DATA_FILE` once (values stay strings: YAML's BaseLoader).

    :raises ValueError: for an entry without ``name``.
    """
    text = resources.files("searchapp.ingest").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.BaseLoader)
    names, lookup, separators, phrases = [], {}, {}, {}
    for entry in data["operations"]:
        if not entry.get("name"):
            raise ValueError(f"{DATA_FILE}: an operation without name: {entry}")
        name = entry["name"]
        names.append(name)
        for spelling in (name, *entry.get("variants", ())):
            lookup[_fold(spelling)] = name
        if entry.get("years"):
            separators[name] = entry.get("year_separator", "")
        for phrase in entry.get("phrases", ()):
            phrases[phrase] = name
    return KnownOperations(
        version=data["version"],
        names=tuple(names),
        lookup=lookup,
        year_separators=separators,
        phrases=phrases,
        not_operations=frozenset(_fold(word) for word in data.get("not_operations", ())),
    )


def canonical_operation(name: str, word: str = "") -> str:
    """Fold an operation's name to its canonical form.

    >>> [canonical_operation(n) for n in ("断卡2.0", "断卡行动2.0", "斷卡行動", "云剑－2023")]
    ['断卡', '断卡', '断卡', '云剑-2023']
    >>> canonical_operation("护航", "行动"), canonical_operation("护航行动")
    ('护航行动', '护航行动')

    :param name: a name as quoted in the text or given in front matter.
    :param word: the operation word that followed the quoted name in the text (行动,
        专项行动, 战役, …), ``""`` for a front-matter name.
    :return: for a known operation its canonical name (with ``-YYYY`` or ``YYYY`` for a
        yearly edition); otherwise the name in NFKC and Simplified, whitespace collapsed,
        without a version suffix, followed by ``word`` (专项行动 as 行动) unless the name
        already ends in an operation word.
    """
    folded = _VERSION_SUFFIX_RE.sub("", _fold(name)).strip() or _fold(name)
    known = _known_name(folded)
    if known:
        return known
    word = "行动" if _fold(word) == "专项行动" else _fold(word)
    if word and not _OPERATION_WORD_RE.search(folded):
        return folded + word
    return folded


def extract_operations(text: str, declared: tuple[str, ...] = ()) -> tuple[str, ...]:
    """List the operations a text names.

    >>> extract_operations("部署开展“断流”“拔钉”“斩链”等专项行动，抓获“金主”")
    ('断流', '拔钉', '斩链')

    :param text: plain text (title and body).
    :param declared: names given outside the text (front matter), listed first.
    :return: canonical names in order of first mention, without duplicates.
    """
    known = known_operations()
    mentions: list[tuple[int, str]] = []
    for run in _RUN_RE.finditer(text):
        for quoted in _QUOTED_NAME_RE.finditer(run["names"]):
            name = quoted["name"].strip()
            position = run.start() + quoted.start()
            if _fold(name) in known.not_operations:
                continue
            if run["suffix"]:
                mentions.append((position, canonical_operation(name, run["word"])))
            elif _VERSIONED_ACTION_RE.match(name) or _known_name(_fold(name)) or (
                _OPERATION_PREFIX_RE.match(name)
            ):
                mentions.append((position, canonical_operation(name)))
    for match in _known_unquoted_re().finditer(text):
        mentions.append((match.start(), canonical_operation(match["name"])))
    for phrase, name in known.phrases.items():
        start = text.find(phrase)
        if start >= 0:
            mentions.append((start, name))
    mentions.sort(key=lambda mention: mention[0])
    declared_names = [canonical_operation(name) for name in declared if name.strip()]
    names = [*declared_names, *(name for _, name in mentions)]
    return tuple(
        dict.fromkeys(name for name in names if name and _fold(name) not in known.not_operations)
    )


def _known_name(folded: str) -> str:
    """Return the canonical name of a known operation's spelling, or ``""``.

    Tries the spelling, then without a trailing 行动/专项行动, each also as a yearly edition.
    """
    known = known_operations()
    candidates = [folded]
    stripped = _ACTION_SUFFIX_RE.sub("", folded)
    if stripped and stripped != folded:
        candidates.append(stripped)
    for candidate in candidates:
        if candidate in known.lookup:
            return known.lookup[candidate]
        edition = _YEAR_SUFFIX_RE.match(candidate)
        if edition:
            base = known.lookup.get(edition["base"])
            if base in known.year_separators:
                return f"{base}{known.year_separators[base]}{edition['year']}"
    return ""


@functools.cache
def _known_unquoted_re() -> re.Pattern:
    """Known names (and their spellings) unquoted before 行动/专项行动: 断卡行动2.0."""
    spellings = sorted(
        {spelling for spelling in known_operations().lookup if not spelling.endswith("行动")},
        key=len,
        reverse=True,
    )
    alternatives = "|".join(map(re.escape, spellings))
    return re.compile(
        rf"(?P<name>(?:{alternatives})(?:{_VERSION}|[\s\-—–－]*(?:19|20)\d{{2}})?)"
        rf"(?:专项行动|專項行動|行动|行動)(?:{_VERSION})?"
    )


def _fold(name: str) -> str:
    """NFKC, whitespace collapsed to nothing between CJK, Traditional folded to Simplified."""
    name = " ".join(unicodedata.normalize("NFKC", name).split())
    name = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff\d])|(?<=\d) (?=[\u4e00-\u9fff])", "", name)
    return to_simplified(name)
