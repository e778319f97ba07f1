"""The synonym and abbreviation lexicon: which other texts a query term also searches.

Data: ``searchapp/data/synonyms.txt`` (versioned with the code; its header explains the
format). Entries are normalized like document text (:func:`searchapp.analysis.normalize`),
so width, case and Traditional forms need no entries of their own.

>>> [e.display for e in expansions("电诈案件")]
['电信网络诈骗案件', '电信诈骗案件']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from searchapp.analysis import normalize
from searchapp.analysis import word_tokens

SYNONYMS_PATH = Path(__file__).parent / "data" / "synonyms.txt"
#: Most alternatives one query term expands to.
MAX_EXPANSIONS = 4


class LexiconError(ValueError):
    """A line of the lexicon cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Expansion:
    """One alternative for a part of a query term.

    :param key: the normalized text found in the query term (``电诈``).
    :param alternative: the normalized texts searched instead, all required
        (``("电话卡", "银行卡")`` for 两卡).
    :param label: the alternative as written in the lexicon, shown to people
        (``国家反诈中心APP``); defaults to the normalized texts joined by spaces.
    """

    key: str
    alternative: tuple[str, ...]
    label: str = ""

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", " ".join(self.alternative))


def read_lexicon(path: Path = SYNONYMS_PATH) -> dict[str, list[Expansion]]:
    """Read the lexicon into ``{normalized key: [Expansion, ...]}``.

    :raises LexiconError: for a line with an empty term or a ``=>`` and ``=`` mixed.
    """
    table: dict[str, list[Expansion]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            parts = line.split("=>")
            if len(parts) != 2 or "=" in parts[0] + parts[1]:
                raise LexiconError(f"{path}:{number}: use one '=>' per line, not mixed with '='")
            sources, targets = [parts[0]], [parts[1]]
        else:
            sources = targets = line.split("=")
        terms = {term: _term(term) for term in sources + targets}
        if not all(terms.values()) or len(terms) < 2 and sources is targets:
            raise LexiconError(f"{path}:{number}: every term needs some text, and at least two")
        for source in sources:
            key = " ".join(terms[source])
            for target in targets:
                expansion = Expansion(key, terms[target], " ".join(target.split()))
                if target != source and expansion not in table.setdefault(key, []):
                    table[key].append(expansion)
    return table


def _term(text: str) -> tuple[str, ...]:
    return tuple(normalize(word) for word in text.split())


@functools.cache
def lexicon_table() -> tuple[dict[str, list[Expansion]], frozenset[str]]:
    """Return the lexicon (read once) and its one-word keys (those without a space)."""
    table = read_lexicon()
    return table, frozenset(key for key in table if " " not in key)


@dataclass(frozen=True)
class ExpandedTerm:
    """A query term with one lexicon key replaced by one of its alternatives.

    :param display: the term as shown in "also searched": the original characters with the
        key replaced by the alternative as the lexicon writes it (``电信网络诈骗案件``).
    :param parts: normalized texts that are all required: the rest of the term and the
        alternative's texts (``("电话卡", "银行卡", "犯罪")`` for 两卡犯罪).
    """

    display: str
    parts: tuple[str, ...]


#: Quote marks that may cling to a term when a query's quotes do not pair up.
QUOTES = "\"'“”‘’「」『』"


def expansions(term: str) -> list[ExpandedTerm]:
    """Return the lexicon's alternatives for one whitespace-free query term.

    A key counts only as whole query words: found in the normalized term where it starts
    and ends on boundaries of the term's jieba words (:func:`word_boundaries`), so 骗案 is
    a key of 一起骗案 (一起 | 骗案) but 诈骗案 is none of 诈骗案件 (诈骗 | 案件). From each
    boundary the longest key is taken (反诈APP before 反诈), without overlapping; each key
    found yields one :class:`ExpandedTerm` per alternative, at most :data:`MAX_EXPANSIONS`
    in all, in lexicon order.

    >>> [(e.display, e.parts) for e in expansions("兩卡犯罪")]
    [('电话卡 银行卡犯罪', ('犯罪', '电话卡', '银行卡'))]
    >>> expansions("诈骗案件")
    []

    :param term: a query term as typed (any width, case or script).
    """
    table, keys = lexicon_table()
    if not keys:
        return []
    term = term.strip(QUOTES)  # an unbalanced quote stays on the word it touches
    normalized = normalize(term)
    boundaries = word_boundaries(normalized)
    found = []
    covered = 0  # keys do not overlap: the next one starts at or after this offset
    for start in boundaries:
        if start < covered:
            continue
        end = next(
            (end for end in reversed(boundaries) if end > start and normalized[start:end] in keys),
            None,
        )
        if end is None:
            continue
        covered = end
        rest = tuple(p for p in (normalized[:start], normalized[end:]) if p.strip())
        for expansion in table[normalized[start:end]]:
            display = term[:start] + expansion.label + term[end:]
            found.append(ExpandedTerm(display, rest + expansion.alternative))
    return found[:MAX_EXPANSIONS]


def word_boundaries(normalized: str) -> list[int]:
    """Return the offsets where the jieba words of normalized text start or end, ascending.

    The words are those of :func:`searchapp.analysis.query_words` (precise mode; numbers
    and Latin words whole); characters between them (punctuation) belong to no word.

    >>> word_boundaries("诈骗案件")
    [0, 2, 4]
    """
    edges = set()
    for _text, _pos, start, end in word_tokens(normalized, False):
        edges.update((start, end))
    return sorted(edges)
