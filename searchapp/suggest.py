"""Suggestions for a search that found little: close operation names and index terms.

Whoosh's own corrector proposes nonsense for Chinese (it edits bytes of segmented words), so
we compare whole query terms with the index vocabulary ourselves: a term such as 杀珠盘 (a
homophone typo), 段卡 or 杀猪 盘 is compared with the Han words of the ``title``, ``body`` and
``operations`` fields and with the synonym lexicon's keys, by edit distance (substitution,
insertion, deletion and swap of neighbours each count 1). Domain words (operation names,
lexicon and user-dictionary entries) come first, then the most frequent.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from searchapp.analysis import HAN
from searchapp.analysis import USER_DICT_PATH
from searchapp.analysis import get_segmenter
from searchapp.analysis import normalize
from searchapp.analysis import read_user_dictionary
from searchapp.engine.whoosh import terms
from searchapp.lexicon import lexicon_table
from searchapp.search import fold_operators

if TYPE_CHECKING:
    from searchapp.engine.whoosh.generations import Searcher

#: Han words of this many characters are compared.
MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 8
#: Index words found in fewer documents than this are not offered (they are often typos).
MIN_DOC_FREQUENCY = 2
#: Suggestions returned at most.
MAX_SUGGESTIONS = 5
#: Fields whose words make the vocabulary of close words. Titles hold the names and terms
#: people search for; the bodies' vocabulary took 30 s to read on 32,000 documents.
VOCABULARY_FIELDS = ("title",)
#: Time the search for substitutions may take, seconds: suggestions are a help, and a
#: search that finds nothing must still answer quickly.
SUBSTITUTION_BUDGET_S = 1.0
#: Replacement characters tried per position, the most frequent bigrams first.
MAX_REPLACEMENTS = 40
#: Indexes with at least this many documents read their vocabulary in the background.
BACKGROUND_BUILD_DOCS = 5000

_HAN_WORD = re.compile(f"[{HAN}]+")
#: The query's plain terms: quoted text, or a word that is not an operator or field prefix.
_QUERY_TERM = re.compile(r'"(?P<quoted>[^"]+)"|(?<![^\s(])[-+]?(?:\w+:)?(?P<word>[^\s"()]+)')


@dataclass(frozen=True)
class Correction:
    """One way to change a query string.

    :param q: the changed query string.
    :param missing: whether every term it replaces occurs nowhere in the index, so that
        the typed query cannot mean what it says (the search may then use ``q`` instead).
    """

    q: str
    missing: bool


@dataclass
class _Vocabulary:
    by_length: dict[int, list[tuple[str, int]]]
    domain: set[str]


_cache: dict[str, _Vocabulary] = {}
_cache_lock = threading.Lock()


def suggest(searcher: Searcher, q: str, fieldnames=("title", "body")) -> list[Correction]:
    """Return corrected query strings for the rare or missing Han terms of ``q``.

    A term is rare when its characters stand together in fewer than
    :data:`MIN_DOC_FREQUENCY` documents; a word of jieba's or our dictionary is taken as
    spelled right, however rare (a corpus without 量子 gets no 分子 for it). The first correction replaces every rare term
    by its closest word; the others replace one term by another close word.

    :param q: a query string as typed; its full-width operators are read as the search
        reads them (:func:`searchapp.search.fold_operators`), and the corrections are
        written with half-width ones.
    :param fieldnames: the text fields searched (their n-gram siblings are checked).
    :returns: at most :data:`MAX_SUGGESTIONS` corrections, best first; ``[]`` when every
        term is common or nothing close is known.
    """
    q = fold_operators(q)
    vocabulary = None  # built only when a term is rare
    replacements = []  # (start, end, candidates, missing)
    for match in _QUERY_TERM.finditer(q):
        group = "quoted" if match.group("quoted") else "word"
        term = normalize(match.group(group))
        if not _HAN_WORD.fullmatch(term) or not MIN_TERM_CHARS <= len(term) <= MAX_TERM_CHARS:
            continue
        frequency = _contiguous_frequency(searcher, term, fieldnames)
        if frequency >= MIN_DOC_FREQUENCY or get_segmenter().FREQ.get(term):
            # Common here, or a real word this corpus just lacks (量子): spelled right.
            continue
        vocabulary = vocabulary or _ready_vocabulary(searcher)
        candidates = (
            close_words(term, vocabulary) if vocabulary else []
        ) or substitutions(searcher, term, fieldnames)
        if candidates:
            replacements.append((*match.span(group), candidates, frequency == 0))
    if not replacements:
        return []
    corrections = [
        Correction(_replace(q, [(s, e, c[0]) for s, e, c, _m in replacements]),
                   all(m for *_x, m in replacements))
    ]
    for start, end, candidates, missing in replacements:
        for candidate in candidates:
            corrections.append(Correction(_replace(q, [(start, end, candidate)]), missing))
    return list(dict.fromkeys(corrections))[:MAX_SUGGESTIONS]


def _replace(q: str, changes: list[tuple[int, int, str]]) -> str:
    for start, end, text in sorted(changes, reverse=True):
        q = q[:start] + text + q[end:]
    return q


def _contiguous_frequency(searcher: Searcher, term: str, fieldnames) -> int:
    """Documents in which ``term``'s characters stand together, in any of the fields."""
    return terms.contiguous_frequency(searcher, term, fieldnames)


def close_words(term: str, vocabulary: _Vocabulary) -> list[str]:
    """Return the words of ``vocabulary`` at edit distance 1 from ``term`` (2 when it has
    five or more characters), domain words first, then by document frequency."""
    limit = 1 if len(term) < 5 else 2
    found = []
    for length in range(len(term) - limit, len(term) + limit + 1):
        for word, frequency in vocabulary.by_length.get(length, ()):
            if word != term and _within(term, word, limit):
                found.append((word not in vocabulary.domain, -frequency, word))
    return [word for _d, _f, word in sorted(found)][:MAX_SUGGESTIONS]


def substitutions(searcher: Searcher, term: str, fieldnames=("title", "body")) -> list[str]:
    """Return texts differing from ``term`` in one character (not the first) whose characters
    stand together in at least :data:`MIN_DOC_FREQUENCY` documents, most frequent first.

    Bounded: at most :data:`MAX_REPLACEMENTS` characters per position, and what is found
    within :data:`SUBSTITUTION_BUDGET_S` seconds.

    For terms that are no single index word (勒锁软件 → 勒索软件, cut 勒索 / 软件): the
    replacement characters come from the n-gram fields' bigrams that start with the
    character before, and must also form a bigram with the character after.
    """
    ngram_fields = terms.ngram_fields(searcher, fieldnames)
    found: dict[str, int] = {}
    deadline = time.monotonic() + SUBSTITUTION_BUDGET_S
    for i in range(1, len(term)):
        weights: dict[str, int] = {}
        for fieldname in ngram_fields:
            for gram, frequency in terms.prefix_frequencies(searcher, fieldname, term[i - 1]):
                if time.monotonic() > deadline:
                    break
                if len(gram) == 2 and _HAN_WORD.fullmatch(gram[1]):
                    weights[gram[1]] = weights.get(gram[1], 0) + frequency
        weights.pop(term[i], None)
        replacements = sorted(weights, key=lambda char: -weights[char])[:MAX_REPLACEMENTS]
        for char in replacements:
            if time.monotonic() > deadline:
                break
            if i + 1 < len(term) and not any(
                terms.doc_frequency(searcher, f, char + term[i + 1]) for f in ngram_fields
            ):
                continue
            candidate = term[:i] + char + term[i + 1 :]
            frequency = _contiguous_frequency(searcher, candidate, fieldnames)
            if frequency >= MIN_DOC_FREQUENCY:
                found[candidate] = frequency
    return sorted(found, key=lambda c: -found[c])[:MAX_SUGGESTIONS]


def _within(a: str, b: str, limit: int) -> bool:
    """Whether the Damerau-Levenshtein distance of ``a`` and ``b`` is at most ``limit``."""
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diffs) <= limit:
            return True
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i = diffs[0]
            return a[i] == b[i + 1] and a[i + 1] == b[i]
        if limit < 2:
            return False
    return _distance(a, b) <= limit


def _distance(a: str, b: str) -> int:
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


_building: set[str] = set()


def _ready_vocabulary(searcher: Searcher) -> _Vocabulary | None:
    """Return the index's vocabulary when it is built; else start building it.

    Reading the title words of a large index takes seconds (about 5 s for 32,000
    documents), too long for the request that first needs it: small indexes (under
    :data:`BACKGROUND_BUILD_DOCS` documents) are read at once, larger ones in a background
    thread with its own searcher, and until then suggestions come from substitutions only.
    """
    if terms.doc_count_all(searcher) < BACKGROUND_BUILD_DOCS:
        return _vocabulary(searcher)
    folder = terms.index_folder(searcher)
    open_searcher = terms.searcher_opener(searcher)
    if folder is None or open_searcher is None:
        return _vocabulary(searcher)
    if folder in _cache:
        return _cache[folder]
    with _cache_lock:
        if folder in _building:
            return None
        _building.add(folder)

    def build():
        try:
            with open_searcher() as own:
                _vocabulary(own)
        finally:
            with _cache_lock:
                _building.discard(folder)

    threading.Thread(target=build, name="searchapp-vocabulary", daemon=True).start()
    return None


def _vocabulary(searcher: Searcher) -> _Vocabulary:
    """The Han words of the index's titles (:data:`VOCABULARY_FIELDS`) with their document
    frequencies, built once per index generation and kept for later searches."""
    folder = terms.index_folder(searcher)
    if folder and folder in _cache:
        return _cache[folder]
    frequencies: dict[str, int] = {}
    for fieldname in VOCABULARY_FIELDS:
        for word, frequency in terms.term_frequencies(searcher, fieldname):
            if MIN_TERM_CHARS <= len(word) <= MAX_TERM_CHARS and _HAN_WORD.fullmatch(word):
                if frequency > frequencies.get(word, 0):
                    frequencies[word] = frequency
    domain = set()
    for name in terms.field_terms(searcher, "operations"):
        domain.add(normalize(name))
        frequencies.setdefault(normalize(name), terms.doc_frequency(searcher, "operations", name))
    table, _keys = lexicon_table()
    domain.update(table)
    domain.update(word for word, _freq in read_user_dictionary(USER_DICT_PATH))
    # Domain words count wherever they occur, not only in titles (a term look-up each).
    for word in domain:
        if word not in frequencies:
            frequencies[word] = terms.doc_frequency(searcher, "body", word)
    by_length: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for word, frequency in frequencies.items():
        if frequency >= MIN_DOC_FREQUENCY or (word in domain and frequency > 0):
            by_length[len(word)].append((word, frequency))
    vocabulary = _Vocabulary(dict(by_length), domain)
    if folder:
        with _cache_lock:
            if len(_cache) >= 4:
                _cache.pop(next(iter(_cache)))
            _cache[folder] = vocabulary
    return vocabulary
