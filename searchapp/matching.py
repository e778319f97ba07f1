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

from functools import reduce

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import wrappers
from whoosh.query.wrappers import WrappingQuery

_EMPTY = np.zeros(0, dtype=np.int64)


def matching_docnums(searcher, q: query.Query) -> np.ndarray:
    """Return the document numbers matching ``q``, ascending, without repeats.

    :param searcher: an open Whoosh searcher.
    :param q: any Whoosh query (as parsed by :func:`searchapp.search.parse_query`).
    :returns: an int64 array.
    """
    return _Matcher(searcher).docs(q)


class _Matcher:
    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves = searcher.leaf_searchers()
        self.size = searcher.doc_count_all()

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
        pieces = []
        for subsearcher, offset in self.leaves:
            reader = subsearcher.reader()
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            while isinstance(matcher, wrappers.FilterMatcher):  # deletions: dropped later
                matcher = matcher.child
            pieces.append(_leaf_ids(matcher) + offset)
        return _union(pieces) if len(pieces) != 1 else pieces[0]

    def phrase(self, node: query.Phrase, exclude: np.ndarray = _EMPTY) -> np.ndarray:
        """Documents holding the phrase; those in ``exclude`` are not checked (nor returned)."""
        candidates = self.intersection([query.Term(node.fieldname, word) for word in node.words])
        if len(exclude):
            candidates = np.setdiff1d(candidates, exclude, assume_unique=True)
        if not len(candidates):
            return _EMPTY
        found = []
        context = self.searcher.boolean_context()
        for subsearcher, offset in self.leaves:
            local = candidates[(candidates >= offset) & (candidates < offset + subsearcher.doc_count_all())] - offset
            if not len(local):
                continue
            matcher = node.matcher(subsearcher, context)
            for docnum in local.tolist():
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    found.append(docnum + offset)
        return np.asarray(found, dtype=np.int64)

    def whoosh(self, node: query.Query) -> np.ndarray:
        return np.fromiter(self.searcher.docs_for_query(node), dtype=np.int64)

    def expanded(self, node: query.MultiTerm) -> np.ndarray:
        """Documents holding any of the terms a prefix, range or wildcard stands for."""
        pieces = []
        for subsearcher, offset in self.leaves:
            reader = subsearcher.reader()
            for btext in node._btexts(reader):
                matcher = reader.postings(node.fieldname, btext)
                while isinstance(matcher, wrappers.FilterMatcher):
                    matcher = matcher.child
                pieces.append(_leaf_ids(matcher) + offset)
        return _union(pieces)


def _leaf_ids(matcher) -> np.ndarray:
    """The document numbers of a leaf matcher from its current position to its end."""
    if not isinstance(matcher, W3LeafMatcher):
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        blocks.append(np.asarray(matcher._ids[matcher._i :], dtype=np.int64))
        matcher._next_block()
    return np.concatenate(blocks) if blocks else _EMPTY


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return _EMPTY
    if len(arrays) == 1:
        return arrays[0]
    return np.unique(np.concatenate(arrays))
