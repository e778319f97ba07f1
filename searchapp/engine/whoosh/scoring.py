"""BM25F relevance scores for whole posting lists at once, as NumPy arrays.

Whoosh scores a query one matching document at a time in Python, reading each document's
field length through a file read; a word in half of 100,000 documents costs about a second.
:func:`score_all` computes the same scores (Whoosh's ``BM25F`` formula, with its
idf, average field lengths, byte-quantized document lengths, posting weights and query
boosts) for all matching documents with array operations, then takes the best.

Supported query nodes: terms, ``And``, ``Or``, ``Not``, ``AndNot``, ``AndMaybe``, wrappers
(such as lexicon expansions), phrases, and constant-score multi-term queries on unscored
fields (``date:`` ranges). Anything else (a single Han character, a prefix over bigrams)
makes :func:`score_all` return ``None``, and the caller lets Whoosh score. The test suite
checks that every score equals Whoosh's own on real documents.
"""

from __future__ import annotations

import threading

import numpy as np
from whoosh import query
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.codec.whoosh3 import _lenfield
from whoosh.query.wrappers import WrappingQuery
from whoosh.util.numeric import byte_to_length

from searchapp.engine.whoosh.facet_columns import commit_key
from searchapp.engine.whoosh.matching import DocnumMatcher
from searchapp.engine.whoosh.matching import segment_postings

_EMPTY_DOCS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
#: byte → field length, as Whoosh decodes a document's stored length.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)
_lengths_lock = threading.Lock()


class Unsupported(Exception):
    """The query holds a node this module does not score; let Whoosh score it."""


def score_all(searcher, q: query.Query) -> tuple[np.ndarray, np.ndarray] | None:
    """Return every document matching ``q`` with its score: ``(docnums, scores)``, docnums
    ascending (int64, deleted documents included), scores float64; ``None`` when ``q``
    holds a node that is not supported here (see the module's documentation)."""
    if not isinstance(searcher.weighting, scoring.BM25F):
        return None
    try:
        return _Scorer(searcher).score(q)
    except Unsupported:
        return None


def best(docs: np.ndarray, scores: np.ndarray, allowed: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """Return the best ``limit`` of ``docs`` that are in ``allowed`` (sorted) as
    ``[(docnum, score), ...]``, best first, ties by document number."""
    keep = np.isin(docs, allowed, assume_unique=True)
    docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist()))


def all_scores(searcher, q: query.Query) -> dict[int, float]:
    """Return ``{docnum: score}`` for every document ``q`` matches (for tests and tools).

    :raises Unsupported: ``q`` holds a node that is not supported here.
    """
    docs, scores = _Scorer(searcher).score(q)
    return dict(zip(docs.tolist(), scores.tolist()))


class _Scorer:
    def __init__(self, searcher):
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.matcher = DocnumMatcher(searcher)
        self._terms: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}  # (field, text, boost)

    def score(self, node: query.Query) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, query.Term):
            return self.term(node.fieldname, node.text, node.boost)
        if isinstance(node, query.And):
            return self.intersection([self.score(child) for child in node.children()], node.boost)
        if isinstance(node, query.Not):
            # Whoosh's InverseMatcher: every document the child does not match, scoring 1.0
            # (so "a AND NOT b" scores a + 1).
            docs = self.matcher.docs(node)
            return docs, np.ones(len(docs))
        if isinstance(node, query.Or) and not getattr(node, "minmatch", 0) and not node.scale:
            return self.union([self.score(child) for child in node.children()], node.boost)
        if isinstance(node, query.AndNot):
            docs, scores = self.score(node.a)
            keep = ~np.isin(docs, self.matcher.docs(node.b))
            return docs[keep], scores[keep]
        if isinstance(node, query.AndMaybe):
            docs, scores = self.score(node.a)
            extra_docs, extra = self.score(node.b)
            return docs, scores + _aligned(docs, extra_docs, extra)
        if isinstance(node, WrappingQuery):
            return self.score(node.child)
        if isinstance(node, query.Phrase) and len(node.words) > 1 and not node.slop > 1:
            return self.phrase(node)
        if isinstance(node, query.MultiTerm) and node.constantscore:
            return self.multiterm(node)
        if node is query.NullQuery:
            return _EMPTY_DOCS, _EMPTY_SCORES
        raise Unsupported(type(node).__name__)

    def multiterm(self, node: query.MultiTerm) -> tuple[np.ndarray, np.ndarray]:
        """A constant-score multi-term query on an unscored field (``date:`` ranges): each
        matching document scores the query's boost, as in Whoosh. On scored fields Whoosh
        mixes weights and BM25F segment by segment: :class:`Unsupported`."""
        if node.fieldname in self.searcher.schema and self.searcher.schema[node.fieldname].scorable:
            raise Unsupported(f"multi-term query on scored field {node.fieldname}")
        docs = self.matcher.expanded(node)
        return docs, np.full(len(docs), float(node.boost))

    def term(self, fieldname: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, text, boost)
        if key not in self._terms:
            self._terms[key] = self._score_term(fieldname, text, boost)
        return self._terms[key]

    def _score_term(self, fieldname: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        pieces = []
        for subsearcher, offset in self.matcher.leaves:
            docs, weights = segment_postings(subsearcher.reader(), fieldname, text, weights=True)
            if len(docs):
                pieces.append((docs + offset, weights))
        if not pieces:
            return _EMPTY_DOCS, _EMPTY_SCORES
        docs = np.concatenate([docs for docs, _ in pieces])
        weights = np.concatenate([weights for _, weights in pieces])
        scores = self._bm25(fieldname, text, docs, weights)
        return docs, scores * boost if boost != 1.0 else scores

    def _bm25(self, fieldname: str, text, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's ``bm25()`` for one term over arrays of documents and posting weights."""
        searcher = self.searcher
        if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
            raise Unsupported(f"unscored field {fieldname}")
        B = self.weighting._field_B.get(fieldname, self.weighting.B)
        K1 = self.weighting.K1
        idf = searcher.idf(fieldname, text)
        avgfl = searcher.avg_field_length(fieldname) or 1
        lengths = field_lengths(searcher, fieldname)[docs]
        return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))

    def phrase(self, node: query.Phrase) -> tuple[np.ndarray, np.ndarray]:
        docs = self.matcher.phrase(node)
        total = np.zeros(len(docs))
        for word in node.words:
            word_docs, word_scores = self.term(node.fieldname, word, 1.0)
            total += _aligned(docs, word_docs, word_scores)
        return docs, total * node.boost

    @staticmethod
    def intersection(parts, boost: float) -> tuple[np.ndarray, np.ndarray]:
        docs = parts[0][0]
        for part_docs, _scores in parts[1:]:
            docs = np.intersect1d(docs, part_docs, assume_unique=True)
        total = np.zeros(len(docs))
        for part_docs, scores in parts:
            total += _aligned(docs, part_docs, scores)
        return docs, total * boost if boost != 1.0 else total

    @staticmethod
    def union(parts, boost: float) -> tuple[np.ndarray, np.ndarray]:
        parts = [part for part in parts if len(part[0])]
        if not parts:
            return _EMPTY_DOCS, _EMPTY_SCORES
        docs = np.unique(np.concatenate([part_docs for part_docs, _ in parts]))
        total = np.zeros(len(docs))
        for part_docs, scores in parts:
            total += _aligned(docs, part_docs, scores)
        return docs, total * boost if boost != 1.0 else total


def _aligned(docs: np.ndarray, part_docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Scores of ``part_docs`` placed at the positions of ``docs`` (0 where absent)."""
    out = np.zeros(len(docs))
    if not len(part_docs) or not len(docs):
        return out
    where = np.searchsorted(part_docs, docs)
    where[where == len(part_docs)] = 0
    present = part_docs[where] == docs
    out[present] = scores[where[present]]
    return out


def field_lengths(searcher, fieldname: str) -> np.ndarray:
    """Every document's length in ``fieldname`` as Whoosh scores it (float64 array indexed
    by document number), read once per searcher from the segments' length columns."""
    cache = getattr(searcher, "_searchapp_field_lengths", None)
    if cache is None:
        # Shared by every searcher of the same commit (one per web thread).
        key = commit_key(searcher)
        with _lengths_lock:
            cache = _recent_lengths.setdefault(key, {}) if key is not None else {}
            while len(_recent_lengths) > 4:
                _recent_lengths.pop(next(iter(_recent_lengths)))
        searcher._searchapp_field_lengths = cache
    if fieldname not in cache:
        with _lengths_lock:
            if fieldname not in cache:
                pieces = []
                for subsearcher, _offset in searcher.leaf_searchers():
                    pieces.append(_segment_lengths(subsearcher.reader(), fieldname))
                cache[fieldname] = np.concatenate(pieces) if pieces else _EMPTY_SCORES
    return cache[fieldname]


_recent_lengths: dict[tuple[str, int], dict[str, np.ndarray]] = {}


def _segment_lengths(reader, fieldname: str) -> np.ndarray:
    doccount = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    codes = np.zeros(doccount, dtype=np.uint8)
    if column is not None:
        stored = min(column._count, doccount)
        raw = column._dbfile.get(column._basepos, stored) if stored else b""
        codes[:stored] = np.frombuffer(raw, dtype=np.uint8)
        if stored < doccount:
            codes[stored:] = column._default
    return _LENGTH_OF_BYTE[codes]
