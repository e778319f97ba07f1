"""Which documents match a query, without scoring, as sorted arrays of document numbers.

Facet counts, filters and date sorts need *every* matching document but no scores. Whoosh
finds them by walking its matcher tree one document at a time in Python (``docs_for_query``),
which costs several Python calls per document per query node. :func:`matching_docnums`
instead reads each term's postings a block at a time into a NumPy array and combines the
arrays: ``And`` is an intersection, ``Or`` a union, ``AndNot`` a difference. Only a phrase
needs positions: its candidates (documents holding all of its terms) are checked with
Whoosh's phrase matcher, which skips straight to them. Any query type not handled here is
matched by Whoosh itself, so the result is always exactly what Whoosh would match.

Document numbers are the searcher's (global over its segments). Deleted documents may be in
the result of a term; :class:`searchapp.facets.FacetTable` drops them with the duplicates.
"""

from __future__ import annotations

import bisect
import pickle
from itertools import accumulate
from functools import reduce

import numpy as np
from whoosh import formats
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import wrappers
from whoosh.query.wrappers import WrappingQuery
from whoosh.system import _INT_SIZE

_EMPTY = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


def matching_docnums(searcher, q: query.Query) -> np.ndarray:
    """Return the document numbers matching ``q``, ascending, without repeats.

    :param searcher: an open Whoosh searcher.
    :param q: any Whoosh query (as parsed by :func:`searchapp.search.parse_query`).
    :returns: an int64 array.
    """
    return DocnumMatcher(searcher).docs(q)


class DocnumMatcher:
    """Matches query nodes of one searcher into sorted arrays of document numbers (see the
    module's documentation); :mod:`searchapp.engine.whoosh.scoring` builds on it."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves = searcher.leaf_searchers()
        self.size = searcher.doc_count_all()
        # A query repeats terms and phrases (each field, each lexicon alternative): read
        # each posting list and check each phrase once per query.
        self._terms: dict[tuple, np.ndarray] = {}
        self._phrases: dict[tuple, np.ndarray] = {}

    def docs(self, node: query.Query) -> np.ndarray:
        if isinstance(node, query.Term):
            return self.term(node.fieldname, node.text)
        if isinstance(node, query.MultiTerm):  # prefix, range (date:), wildcard …
            return self.expanded(node)
        if isinstance(node, query.And):
            return self.intersection(node.children())
        if isinstance(node, query.Or) and not getattr(node, "minmatch", 0):
            return self.union(node.children())
        if isinstance(node, query.AndNot):
            return np.setdiff1d(self.docs(node.a), self.docs(node.b), assume_unique=True)
        if isinstance(node, query.AndMaybe):
            return self.docs(node.a)
        if isinstance(node, query.Not):
            return np.setdiff1d(np.arange(self.size, dtype=np.int64), self.docs(node.query),
                                assume_unique=True)
        if isinstance(node, query.Every) and not node.fieldname:
            return np.arange(self.size, dtype=np.int64)
        if node is query.NullQuery:
            return _EMPTY
        if isinstance(node, (WrappingQuery, query.ConstantScoreQuery)):
            return self.docs(node.child)
        if self._is_phrase(node):
            return self.phrase(node)
        return self.whoosh(node)

    @staticmethod
    def _is_phrase(node: query.Query) -> bool:
        return isinstance(node, query.Phrase) and not node.slop > 1 and len(node.words) > 1

    def intersection(self, children) -> np.ndarray:
        arrays = []
        # Small sets first: an empty one ends the work early.
        for child in children:
            docs = self.docs(child)
            if not len(docs):
                return _EMPTY
            arrays.append(docs)
        arrays.sort(key=len)
        return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), arrays)

    def union(self, children) -> np.ndarray:
        """Documents matching any child. Phrases go last and only check the documents the
        other children did not match: a word typed without spaces is "its jieba words OR
        its characters as a phrase", and most phrase matches have all the words too."""
        children = list(children)
        phrases = [child for child in children if self._is_phrase(child)]
        found = _union([self.docs(child) for child in children if not self._is_phrase(child)])
        for phrase in phrases:
            found = _union([found, self.phrase(phrase, exclude=found)])
        return found

    def term(self, fieldname: str, text) -> np.ndarray:
        """All document numbers of one term, read a posting block at a time."""
        key = (fieldname, text)
        if key not in self._terms:
            self._terms[key] = self._read_term(fieldname, text)
        return self._terms[key]

    def _read_term(self, fieldname: str, text) -> np.ndarray:
        pieces = []
        for subsearcher, offset in self.leaves:
            ids, _weights = segment_postings(subsearcher.reader(), fieldname, text)
            if len(ids):
                pieces.append(ids + offset)
        return _union(pieces) if len(pieces) != 1 else pieces[0]

    def phrase(self, node: query.Phrase, exclude: np.ndarray = _EMPTY) -> np.ndarray:
        """Documents holding the phrase; those in ``exclude`` are not checked (nor returned)."""
        key = (node.fieldname, tuple(node.words))
        if key in self._phrases:
            found = self._phrases[key]
            return np.setdiff1d(found, exclude, assume_unique=True) if len(exclude) else found
        found = self._check_phrase(node, exclude)
        if not len(exclude):
            self._phrases[key] = found
        return found

    def _check_phrase(self, node: query.Phrase, exclude: np.ndarray) -> np.ndarray:
        candidates = self.intersection([query.Term(node.fieldname, word) for word in node.words])
        if len(exclude):
            candidates = np.setdiff1d(candidates, exclude, assume_unique=True)
        if not len(candidates):
            return _EMPTY
        found = []
        for subsearcher, offset in self.leaves:
            in_leaf = (candidates >= offset) & (candidates < offset + subsearcher.doc_count_all())
            local = (candidates[in_leaf] - offset).tolist()
            if not local:
                continue
            found += [docnum + offset for docnum in _spans(subsearcher.reader(), node, local)]
        return np.asarray(sorted(found), dtype=np.int64)

    def whoosh(self, node: query.Query) -> np.ndarray:
        return np.fromiter(self.searcher.docs_for_query(node), dtype=np.int64)

    def expanded(self, node: query.MultiTerm) -> np.ndarray:
        """Documents holding any of the terms a prefix, range or wildcard stands for."""
        pieces = []
        for subsearcher, offset in self.leaves:
            reader = subsearcher.reader()
            for btext in node._btexts(reader):
                pieces.append(segment_postings(reader, node.fieldname, btext)[0] + offset)
        return _union(pieces)


def near_docnums(searcher, parts: list[query.Query], slop: int, docnums: list[int]) -> set[int]:
    """Return those of ``docnums`` where ``parts`` occur in order, each starting 1 to
    ``slop`` positions after the previous one ends (Whoosh's ``SpanNear2(parts, slop,
    ordered=True)``), computed from the positions of the given documents only.

    :param parts: terms and phrases (``Term`` / ``Phrase``) on one positional field.
    :raises TypeError: a part is neither.
    """
    found = set()
    wanted = sorted(set(docnums))
    for subsearcher, offset in searcher.leaf_searchers():
        local = [d - offset for d in wanted if offset <= d < offset + subsearcher.doc_count_all()]
        if not local:
            continue
        reader = subsearcher.reader()
        spans_per_part = [_spans(reader, part, local) for part in parts]
        for docnum in local:
            ends = {end for _start, end in spans_per_part[0].get(docnum, ())}
            for spans in spans_per_part[1:]:
                if not ends:
                    break
                previous = sorted(ends)
                ends = {
                    end for start, end in spans.get(docnum, ())
                    if _any_within(previous, start - slop, start - 1)
                }
            if ends:
                found.add(docnum + offset)
    return found


def _decode_positions(value: bytes) -> list[int]:
    """``Positions.decode_positions`` of Whoosh 2.7 (a count, then the pickled list of
    position deltas), with the running sum in C (``accumulate``) instead of a Python loop."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(pickle.loads(value[_INT_SIZE:])))


def _any_within(values: list[int], low: int, high: int) -> bool:
    """Whether the sorted ``values`` hold one in ``[low, high]``."""
    index = bisect.bisect_left(values, low)
    return index < len(values) and values[index] <= high


def _spans(reader, part: query.Query, docnums: list[int]) -> dict[int, list[tuple[int, int]]]:
    """``{docnum: [(start, end), ...]}`` (positions, end inclusive) of a term or phrase."""
    if isinstance(part, query.Term):
        words = [part.text]
    elif isinstance(part, query.Phrase):
        words = list(part.words)
    else:
        raise TypeError(f"cannot find spans of {type(part).__name__}")
    per_word = []
    for word in words:
        matcher = _segment_matcher(reader, part.fieldname, word)
        if matcher is None:
            return {}
        per_word.append(_positions(matcher, docnums))
    spans = {}
    for docnum in docnums:
        # Start positions where word k stands at start + k, for every word.
        starts = set(per_word[0].get(docnum, ()))
        for k, positions in enumerate(per_word[1:], start=1):
            if not starts:
                break
            starts.intersection_update(p - k for p in positions.get(docnum, ()))
        if starts:
            spans[docnum] = [(start, start + len(words) - 1) for start in sorted(starts)]
    return spans


def segment_postings(reader, fieldname: str, text, weights: bool = False):
    """Return ``(document numbers, posting weights)`` of one term in one segment, as arrays
    (``weights`` is ``None`` unless asked for); empty when the term is absent.

    A Whoosh 3 posting list is read a block (up to 128 postings) at a time, its
    delta-coded document numbers decoded with ``cumsum`` (Whoosh decodes them one by one).
    Other matchers (a term's few postings kept inline in the term table) are walked.
    Deleted documents are included: callers drop them (:class:`searchapp.facets.FacetTable`).
    """
    matcher = _segment_matcher(reader, fieldname, text)
    if matcher is None:
        return _EMPTY, (_EMPTY_WEIGHTS if weights else None)
    if not isinstance(matcher, W3LeafMatcher):
        ids, found_weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            found_weights.append(matcher.weight())
            matcher.next()
        return (np.asarray(ids, dtype=np.int64),
                np.asarray(found_weights, dtype=np.float64) if weights else None)
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        ids = block_ids(matcher)
        id_blocks.append(ids)
        if weights:
            raw = matcher._data[1]  # None: all 1.0; a float: all the same
            weight_blocks.append(
                np.full(len(ids), 1.0 if raw is None else raw)
                if raw is None or isinstance(raw, float)
                else np.asarray(raw, dtype=np.float64)
            )
        matcher._next_block()
    if not id_blocks:
        return _EMPTY, (_EMPTY_WEIGHTS if weights else None)
    return np.concatenate(id_blocks), (np.concatenate(weight_blocks) if weights else None)


def _segment_matcher(reader, fieldname: str, text):
    """The postings matcher of a term in one segment, without Whoosh's deletion filter;
    ``None`` when the segment does not hold the term."""
    if (fieldname, text) not in reader:
        return None
    matcher = reader.postings(fieldname, text)
    while isinstance(matcher, wrappers.FilterMatcher):
        matcher = matcher.child
    return matcher


def block_ids(matcher: W3LeafMatcher) -> np.ndarray:
    """The document numbers of the matcher's current block, as an array."""
    if matcher._data is None:
        matcher._read_data()
    raw = matcher._data[0]
    if matcher._byteids:
        return np.asarray(matcher._ids if matcher._ids is not None else raw, dtype=np.int64)
    return np.cumsum(np.asarray(raw, dtype=np.int64))


def _positions(matcher, docnums: list[int]) -> dict[int, list[int]]:
    """Return ``{docnum: positions}`` of a phrase term for those of the sorted ``docnums``
    its postings hold; blocks without any of them are skipped unread."""
    found: dict[int, list[int]] = {}
    if not isinstance(matcher, W3LeafMatcher):
        for docnum in docnums:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found[docnum] = matcher.value_as("positions")
        return found
    decode = _decode_positions if type(matcher.format) is formats.Positions else matcher.format.decode_positions
    j = 0
    while j < len(docnums) and matcher.is_active():
        target = docnums[j]
        if matcher.block_max_id() < target:
            matcher._skip_to_block(lambda: target > matcher.block_max_id())
            continue
        ids = block_ids(matcher)
        k = bisect.bisect_right(docnums, int(ids[-1]), lo=j)
        wanted = np.asarray(docnums[j:k], dtype=np.int64)
        where = np.searchsorted(ids, wanted)
        if len(wanted):
            hits = where < len(ids)
            hits[hits] = ids[where[hits]] == wanted[hits]
            if hits.any():
                if matcher._values is None:
                    matcher._read_values()
                values = matcher._values
                for docnum, index in zip(wanted[hits].tolist(), where[hits].tolist()):
                    found[docnum] = decode(values[index])
        j = k
        matcher._next_block()
    return found


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return _EMPTY
    if len(arrays) == 1:
        return arrays[0]
    return np.unique(np.concatenate(arrays))
