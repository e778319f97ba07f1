"""Chinese text analysis: normalization, jieba word tokens and character n-gram tokens.

Two kinds of token share one normalization and one way of cutting text into *runs*; both
are plain ``(text, position, startchar, endchar)`` tuples here, and the Whoosh tokenizers of
the index's text fields (:mod:`searchapp.engine.whoosh.tokenizers`) wrap them:

* :func:`word_tokens` (fields ``title`` and ``body``) yields words. Han runs are cut by
  jieba's precise mode; Latin words, numbers and number + unit (``25.8万``) come from a
  regular expression, so ``GOIP``, ``APP``, ``12381``, ``A`` (of A级) and ``25.8万`` are whole
  tokens. Positions are consecutive word numbers (0, 1, 2 ...), so phrases of words work. At
  index time it adds, at the *same* position as the word they come from, the dictionary
  sub-words jieba's search mode would give (电信网络诈骗 → 电信, 网络, 诈骗 ...) and the bare
  number of a number + unit (25.8万 → 25.8), so a query for a part finds the whole.
* :func:`ngram_tokens` (fields ``title_ngram`` and ``body_ngram``) yields one token per Han
  character position: the bigram starting there (the character alone at the end of a run,
  and at index time also at its start), and one token per Latin/number run. A phrase query
  on this field matches exactly when the phrase's characters occur contiguously in the
  text, whatever jieba made of them in context; quotes and spaces inside Han text are
  transparent (“断卡”行动 matches 断卡行动).

Offsets (``startchar``/``endchar``) always index the *original* string, because
:func:`normalize` (width, case, Traditional → Simplified) maps each character to exactly one
character. Nothing is stemmed and no stop words are removed: 的, or and the are findable.

Only this module imports jieba. The jieba segmenter and our domain dictionary
(``searchapp/data/userdict.txt``) live in a module-level cache, not on the tokenizer, because
Whoosh pickles the schema (and with it every analyzer) into the index. Indexes built before
the tokenizers moved to the engine name them ``searchapp.analysis.JiebaTokenizer`` and
``NgramTokenizer``: this module's ``__getattr__`` still answers those two names. An index may be built
with an extra user dictionary (:class:`UserDictionary`, ``searchapp index --userdict``); it
is recorded in the index, and opening the index puts it in use for the whole process
(:func:`use_user_dictionary`).
"""

from __future__ import annotations

import codecs
import importlib
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import warnings

with warnings.catch_warnings():
    # jieba 0.42.1 is unmaintained: invalid escape sequences (SyntaxWarning on Python 3.12+)
    # and an import of the deprecated pkg_resources. Silence exactly those, only here.
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import jieba

USER_DICT_PATH = Path(__file__).parent / "data" / "userdict.txt"

#: Han ideographs (a regex character-class body): the basic block, extensions A-F (𠮷 is in B) and compatibility ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
#: Characters that do not break a run of Han text for n-grams: spaces, quotes, title marks
#: and middle dots, which Chinese writers put inside names (“断卡”行动, 《反诈法》).
TRANSPARENT = " \t\n\u3000“”‘’\"'「」『』《》〈〉·・"
#: Units that belong to the number before them: 25.8万, 36亿.
NUMBER_UNITS = "万亿"

_RUN_RE = re.compile(
    rf"(?P<han>[{HAN}]+)"
    r"|(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![a-z])(?P<unit>[" + NUMBER_UNITS + r"]{1,2})?"
    r"|(?P<latin>[a-z0-9]+)"
)


def normalize(text: str) -> str:
    """Fold width, case and script without changing the length of the text.

    1. Each character is replaced by its NFKC form when that form is exactly one character
       (full-width ``ＧＯＩＰ１２`` → ``GOIP12``, U+3000 → space, ``－`` → ``-``, compatibility
       ideographs → their unified form), then lower-cased when that too stays one character.
    2. Traditional characters become Simplified (OpenCC ``hk2s``: standard, Hong Kong and
       Taiwan forms; 詐騙 → 诈骗, 裏 → 里, 臺 → 台), character for character, so that
       Traditional documents and queries meet Simplified ones in one vocabulary.

    Offsets into the result are offsets into ``text``: every step maps one character to one
    character (:func:`to_simplified` guarantees it for OpenCC). Runs at C speed
    (``str.translate`` and OpenCC); the last result is cached, because the indexer analyses
    the same string for a word field and its n-gram sibling.

    >>> normalize("ＧＯＩＰ设备１２台，詐騙")
    'goip设备12台,诈骗'
    """
    cached = _last_normalized
    if cached[0] is text:
        return cached[1]
    folded = text.translate(_fold_table()) if not text.isascii() else text.lower()
    if not folded.isascii():
        folded = to_simplified(folded)
    globals()["_last_normalized"] = (text, folded)
    return folded


_last_normalized: tuple[str | None, str] = (None, "")
_FOLD_TABLE: dict[int, str] = {}
#: Code points whose NFKC or lower-case form may differ: all of the BMP except surrogates,
#: and the CJK Compatibility Ideographs Supplement (U+2F800-U+2FA1F).
_FOLDED_RANGES = ((0, 0xD800), (0xE000, 0x10000), (0x2F800, 0x2FA20))


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        return char
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


def _fold_table() -> dict[int, str]:
    """Return the ``str.translate`` table of :func:`_fold_char` (built once, about 60 ms)."""
    if not _FOLD_TABLE:
        table = {}
        for low, high in _FOLDED_RANGES:
            for code in range(low, high):
                char = chr(code)
                folded = _fold_char(char)
                if folded != char:
                    table[code] = folded
        _FOLD_TABLE.update(table)
    return _FOLD_TABLE


_converter = None
_converter_lock = threading.Lock()


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese to Simplified, one character for one character.

    OpenCC converts by phrases (乾隆 keeps its 乾, 乾淨 → 干净). Its phrase tables map
    phrases to phrases of the same length (checked on the 9.8 million characters of the
    hkcnews corpus); should a conversion ever change the length, the text is converted
    clause by clause and a clause that still changes length character by character, so
    offsets stay true whatever OpenCC's tables hold.
    """
    converter = _get_converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    pieces = []
    for clause in re.split(r"([^\w]+)", text):
        converted = converter.convert(clause)
        if len(converted) != len(clause):
            converted = "".join(
                c if len(c := converter.convert(char)) == 1 else char for char in clause
            )
        pieces.append(converted)
    return "".join(pieces)


def _get_converter():
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("hk2s")
    return _converter


@dataclass(frozen=True)
class Run:
    """A stretch of normalized text of one kind: ``han``, ``number`` or ``latin``.

    ``start``/``end`` are offsets (characters, end-exclusive) into the text; ``unit_end`` is
    where a number's unit (万, 亿) ends, equal to ``end`` when it has none.
    """

    kind: str
    start: int
    end: int
    unit_end: int


def iter_runs(normalized: str) -> Iterator[Run]:
    """Split normalized text into Han, number and Latin runs; everything else is dropped.

    A number takes a following unit (万 or 亿) into its run: ``25.8万起`` gives a number run
    ``25.8万`` and a Han run ``起``.
    """
    for match in _RUN_RE.finditer(normalized):
        if match.group("han"):
            yield Run("han", match.start(), match.end(), match.end())
        elif match.group("number"):
            number_end = match.end("number")
            yield Run("number", match.start(), number_end, match.end())
        else:
            yield Run("latin", match.start(), match.end(), match.end())


# --- jieba, loaded once per process --------------------------------------------------------

#: Environment variable naming an extra user dictionary (as ``searchapp index --userdict``).
USERDICT_ENV = "SEARCHAPP_USERDICT"

Entries = tuple[tuple[str, int | None], ...]

_base_segmenter: jieba.Tokenizer | None = None  # jieba's dictionary and ours
_segmenter: jieba.Tokenizer | None = None  # the one in use: the base, or base + extra words
_active_entries: Entries = ()
#: Segmenters with extra words, by their entries; least recently used first.
_overlays: dict[Entries, jieba.Tokenizer] = {}
_MAX_OVERLAYS = 2
_segmenter_lock = threading.Lock()


def _cache_dir() -> str | None:
    """Return a private, writable folder for jieba's prefix-dictionary cache, or ``None``.

    ``$XDG_CACHE_HOME/searchapp`` when that can be written, else ``~/.cache/searchapp``;
    never a shared temp folder.
    """
    bases = [os.environ.get("XDG_CACHE_HOME"), os.path.join(os.path.expanduser("~"), ".cache")]
    for base in filter(None, bases):
        path = os.path.join(base, "searchapp")
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    return None


def get_segmenter() -> jieba.Tokenizer:
    """Return the process-wide jieba segmenter: jieba's dictionary, the domain dictionary
    (:data:`USER_DICT_PATH`) and the extra user dictionary in use (:func:`use_user_dictionary`,
    set when an index is opened; none by default).

    The first call builds jieba's prefix dictionary (about 0.5 s with a warm cache file, 1.5 s
    without); later calls return the same object until another user dictionary is put in
    use. Thread-safe. The cache file lives in ``$XDG_CACHE_HOME/searchapp`` (or
    ``~/.cache/searchapp``); when neither can be written, no cache file is written at all
    (jieba would otherwise leave a 9 MB file in the temp folder on every run).
    """
    segmenter = _segmenter
    if segmenter is not None:
        return segmenter
    with _segmenter_lock:
        if _segmenter is None:
            globals()["_segmenter"] = _segmenter_with(_active_entries)
        return _segmenter


def use_user_dictionary(entries: Iterable[tuple[str, int | None]]) -> None:
    """Segment with the domain dictionary plus ``entries`` from now on, in this process.

    :param entries: ``(word, freq)`` pairs as :func:`read_user_dictionary` returns them
        (normalized words; ``freq`` ``None`` lets jieba choose one that keeps the word
        whole); empty for the domain dictionary alone.

    Opening an index (:func:`searchapp.engine.whoosh.generations.open_index`) calls this with
    the index's own dictionary, and an index run with the dictionary it writes with, so a process
    segments as the index it opened last was segmented. The segmenter of each dictionary
    is built once (a copy of the base one plus the words, about 20 ms) and the two most
    recent ones are kept; the switch itself is one assignment, so texts being analysed in
    other threads finish with the segmenter they started with.
    """
    entries = tuple((word, freq) for word, freq in entries)
    with _segmenter_lock:
        if entries == _active_entries:
            return
        globals()["_active_entries"] = entries
        globals()["_segmenter"] = None  # built on first use, by get_segmenter


def _segmenter_with(entries: Entries) -> jieba.Tokenizer:
    """Return the segmenter of the base dictionaries plus ``entries``; call with the lock."""
    global _base_segmenter
    if _base_segmenter is None:
        _base_segmenter = _load_base_segmenter()
    if not entries:
        return _base_segmenter
    overlay = _overlays.pop(entries, None)
    if overlay is None:
        overlay = jieba.Tokenizer()
        overlay.FREQ = dict(_base_segmenter.FREQ)
        overlay.total = _base_segmenter.total
        overlay.initialized = True
        for word, freq in entries:
            overlay.add_word(word, freq)
    _overlays[entries] = overlay
    while len(_overlays) > _MAX_OVERLAYS:
        del _overlays[next(iter(_overlays))]
    return overlay


def _load_base_segmenter() -> jieba.Tokenizer:
    """Build jieba's prefix dictionary (from the cache file when there is one) with ours."""
    # jieba logs its cache handling, with a traceback when the cache file cannot be written
    # (read-only or foreign temp folders, B07): a slower start, not an error for our users,
    # so keep it out of their terminals.
    logging.getLogger("jieba").setLevel(logging.CRITICAL)
    segmenter = jieba.Tokenizer()
    cache_dir = _cache_dir()
    if cache_dir is None:
        # No private cache folder: build the prefix dictionary without a cache file, which
        # jieba's initialize() would write to tempfile.gettempdir().
        segmenter.FREQ, segmenter.total = segmenter.gen_pfdict(segmenter.get_dict_file())
        segmenter.initialized = True
    else:
        segmenter.tmp_dir = cache_dir
        segmenter.initialize()
    for word, freq in read_user_dictionary(USER_DICT_PATH):
        segmenter.add_word(word, freq)
    return segmenter


def warm_up() -> None:
    """Load now what the first analysed text would otherwise wait for: jieba's dictionary
    with ours (0.5–1 s), the width/case fold table and OpenCC. For servers, before the first
    request."""
    get_segmenter()
    normalize("預熱ＡＢ")


class UserDictionaryError(ValueError):
    """A user dictionary file cannot be read; the message names the file and says why."""


def read_user_dictionary(path: Path) -> list[tuple[str, int | None]]:
    """Read a jieba user dictionary: one ``word [freq] [tag]`` entry per line.

    Tolerates a UTF-8 BOM, CRLF line ends, blank lines and ``#`` comments. A word may contain
    spaces (``天网 2024 10 nz`` is the word ``天网 2024``, frequency 10); like jieba, a last
    number is read as the frequency. Words are normalized like document text, so full-width
    and Traditional entries still match.

    :returns: ``(word, freq)`` pairs in file order; ``freq`` is ``None`` when not given.
    :raises UserDictionaryError: the file is missing, a folder, unreadable or not UTF-8.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        why = {FileNotFoundError: "no such file", IsADirectoryError: "it is a folder"}.get(
            type(exc), exc.strerror or str(exc)
        )
        raise UserDictionaryError(f"cannot read the user dictionary {path}: {why}") from None
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserDictionaryError(
            f"the user dictionary {path} is not UTF-8 text (byte 0x{data[bom + exc.start]:02x} "
            f"at offset {bom + exc.start}); save it as UTF-8"
        ) from None
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _USER_DICT_LINE.fullmatch(line)
        freq = int(match.group("freq")) if match.group("freq") else None
        entries.append((normalize(match.group("word")), freq))
    return entries


@dataclass(frozen=True)
class UserDictionary:
    """An extra user dictionary, loaded on top of the domain dictionary.

    :param entries: ``(word, freq)`` pairs as :func:`read_user_dictionary` returns them;
        two dictionaries segment alike exactly when their entries are equal.
    :param source: the file they were read from (absolute), for messages; ``None`` for none.
    """

    entries: Entries = ()
    source: str | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> "UserDictionary":
        """Read a dictionary file (see :func:`read_user_dictionary`).

        :raises UserDictionaryError: the file cannot be read; the message names it.
        """
        return cls(tuple(read_user_dictionary(Path(path))), os.path.abspath(path))

    def describe(self) -> str:
        """``/path/dict.txt (4 words)``, or ``none`` for no dictionary."""
        if self.source is None and not self.entries:
            return "none"
        count = len(self.entries)
        return f"{self.source or 'unnamed'} ({count} word{'' if count == 1 else 's'})"


_USER_DICT_LINE = re.compile(r"(?P<word>.+?)(?:\s+(?P<freq>\d+))?(?:\s+(?P<tag>[A-Za-z]+))?")


# --- tokens --------------------------------------------------------------------------------


def word_tokens(normalized: str, index_mode: bool) -> Iterator[tuple[str, int, int, int]]:
    """Cut normalized text into words with jieba; keep Latin words, numbers and number + unit.

    :param normalized: text as :func:`normalize` returns it.
    :param index_mode: also yield, at the same position, the dictionary words inside each
        word longer than two characters (as jieba's search mode finds them) and the bare
        number of a number + unit (25.8万 → 25.8).
    :returns: ``(text, position, startchar, endchar)`` per token; positions are consecutive
        word numbers, offsets are characters (end-exclusive) into ``normalized``.

    >>> [text for text, *_ in word_tokens(normalize("共侦破有关案件25.8万起，ＧＯＩＰ设备"), False)]
    ['共', '侦破', '有关', '案件', '25.8万', '起', 'goip', '设备']

    Stop words are not removed and nothing is stemmed.
    """
    segmenter = get_segmenter()
    pos = 0
    for run in iter_runs(normalized):
        if run.kind == "han":
            for word, start, end in segmenter.tokenize(normalized[run.start : run.end]):
                start += run.start
                end += run.start
                yield word, pos, start, end
                if index_mode and len(word) > 2:
                    yield from _subwords(segmenter, word, pos, start)
                pos += 1
        elif run.kind == "number":
            yield from _number_tokens(normalized, run, pos, index_mode, with_unit=True)
            pos += 1
        else:
            yield from _latin_tokens(normalized, run, pos, index_mode)
            pos += 1


def _number_tokens(
    normalized: str, run: Run, pos: int, index_mode: bool, with_unit: bool
) -> Iterator[tuple[str, int, int, int]]:
    """Tokens of a number run, all at one position: the number (with its unit when
    ``with_unit``), and at index time also the bare number and the number without
    thousands separators (1,200 → 1200)."""
    number = normalized[run.start : run.end]
    main_end = run.unit_end if with_unit else run.end
    main = normalized[run.start : main_end]
    yield main, pos, run.start, main_end
    if index_mode:
        for variant in sorted({number, number.replace(",", "")} - {main}):
            yield variant, pos, run.start, run.end


def _latin_tokens(
    normalized: str, run: Run, pos: int, index_mode: bool
) -> Iterator[tuple[str, int, int, int]]:
    """Tokens of a Latin run, all at one position: the run (``app3``, ``5g``, ``win10``),
    and at index time also its letter and digit parts (``app``, ``3``) when it mixes them,
    so that ＡＰＰ３个 is found by APP and by 3个."""
    text = normalized[run.start : run.end]
    yield text, pos, run.start, run.end
    if index_mode and not (text.isalpha() or text.isdigit()):
        for part in _LETTERS_OR_DIGITS.finditer(text):
            yield part.group(), pos, run.start + part.start(), run.start + part.end()


_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+")


def _subwords(
    segmenter: jieba.Tokenizer, word: str, pos: int, start: int
) -> Iterator[tuple[str, int, int, int]]:
    """Yield the 2- and 3-character dictionary words inside ``word`` (jieba's search mode)."""
    for size in (2, 3):
        if len(word) <= size:
            continue
        for offset in range(len(word) - size + 1):
            gram = word[offset : offset + size]
            if segmenter.FREQ.get(gram):
                yield gram, pos, start + offset, start + offset + size


def ngram_tokens(normalized: str, index_mode: bool) -> Iterator[tuple[str, int, int, int]]:
    """Cut normalized text into overlapping Han character bigrams; Latin and number runs
    stay whole.

    Every Han character gets one position. At that position it yields the bigram that starts
    there when the next Han character follows in the same run (transparent characters such
    as quotes and spaces do not end a run), otherwise the character alone. At index time
    (``index_mode``) the first character of a run is also yielded alone: a phrase whose last
    Han run is a single character (``25.8万``, ``第3天``) ends with that character as a
    unigram, and in the text the character starts a run (a number or Latin word stands
    before it in both) that may go on (``25.8万起``). Any other unigram a query needs stands
    at the end of a run in the text too; a query of one Han character alone is a prefix
    query on the field (:meth:`searchapp.engine.whoosh.schema.ChineseText.phrase_query`).
    Indexing every unigram would add a third of the field's postings for nothing.

    :returns: ``(text, position, startchar, endchar)`` per token, as :func:`word_tokens`.

    >>> [text for text, *_ in ngram_tokens(normalize("“断卡”行动"), False)]
    ['断卡', '卡行', '行动', '动']
    """
    pos = 0
    han_chars: list[int] = []  # offsets of the Han characters of the current run

    def flush():
        nonlocal pos
        for i, offset in enumerate(han_chars):
            char = normalized[offset]
            if i + 1 < len(han_chars):
                following = han_chars[i + 1]
                yield char + normalized[following], pos, offset, following + 1
                if index_mode and i == 0:
                    yield char, pos, offset, offset + 1
            else:
                yield char, pos, offset, offset + 1
            pos += 1
        han_chars.clear()

    last_end = 0
    for run in iter_runs(normalized):
        gap = normalized[last_end : run.start]
        if han_chars and (run.kind != "han" or any(c not in TRANSPARENT for c in gap)):
            yield from flush()
        last_end = run.unit_end
        if run.kind == "han":
            han_chars.extend(range(run.start, run.end))
        elif run.kind == "number":
            yield from _number_tokens(normalized, run, pos, index_mode, with_unit=False)
            pos += 1
            # The unit (万, 亿) is Han text too: 25.8万 must match a phrase "25.8万".
            han_chars.extend(range(run.end, run.unit_end))
        else:
            yield from _latin_tokens(normalized, run, pos, index_mode)
            pos += 1
    yield from flush()


def query_ngrams(text: str) -> list[str]:
    """Return the n-gram terms a phrase query needs to match ``text`` contiguously.

    The trailing single character that the last bigram already covers is dropped, since
    single characters have the longest posting lists.

    >>> query_ngrams("电信网络诈骗")
    ['电信', '信网', '网络', '络诈', '诈骗']
    """
    grams = [text for text, _pos, _start, _end in ngram_tokens(normalize(text), False)]
    if len(grams) > 1 and len(grams[-1]) == 1 and len(grams[-2]) == 2 and grams[-2][1] == grams[-1]:
        grams.pop()
    return grams


def query_words(text: str) -> list[str]:
    """Return the words jieba makes of a query string (precise mode, normalized)."""
    return [text for text, _pos, _start, _end in word_tokens(normalize(text), False)]


#: Tokenizer classes that indexes built before they moved to the engine pickled under this
#: module's name (``searchapp.analysis.JiebaTokenizer``), and the module they live in now.
_MOVED = {
    "JiebaTokenizer": "searchapp.engine.whoosh.tokenizers",
    "NgramTokenizer": "searchapp.engine.whoosh.tokenizers",
}


def __getattr__(name: str):
    """Resolve the tokenizer classes' old dotted path, so that existing indexes unpickle."""
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
