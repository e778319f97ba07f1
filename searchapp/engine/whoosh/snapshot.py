"""One commit of a Whoosh index, as the search core sees it (the index boundary).

:class:`WhooshIndex` wraps a Whoosh searcher and answers in the core's terms: document
numbers and scores as NumPy arrays for a :class:`searchapp.query.tree.Query`, the facet
table, stored :class:`~searchapp.document.Document` objects, related documents and spelling
corrections. Each query tree is compiled once per snapshot (:mod:`.compile`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from whoosh import query
from whoosh.query.spans import SpanNear2
from whoosh.searching import Searcher

from searchapp.document import Copy
from searchapp.document import Document
from searchapp.engine.whoosh.compile import TITLE_FIELDS
from searchapp.engine.whoosh.compile import WithAdjacencyBonus
from searchapp.engine.whoosh.compile import compile_query
from searchapp.engine.whoosh.matching import matching_docnums
from searchapp.engine.whoosh.matching import near_docnums
from searchapp.engine.whoosh.schema import SEARCH_FIELDS
from searchapp.engine.whoosh.schema import stored_document
from searchapp.engine.whoosh.scoring import best
from searchapp.engine.whoosh.scoring import score_all
from searchapp.facets import FacetTable
from searchapp.query import tree

#: Documents of a relevance ranking re-scored with the adjacency bonus (at least the page).
RESCORE_WINDOW = 100
#: Key terms of a document searched for to find related ones ("more like this").
MORE_LIKE_TERMS = 12
#: Characters of a body read for its key terms (the lead of a long article says what it is
#: about; analysing all of it costs ~20 ms per 1,000 characters).
MORE_LIKE_TEXT_CHARS = 5000


class Matches:
    """The documents a query matches: ``docnums`` (int64 array), and with ``scores`` (float
    array, BM25F) when they were scored; ``compiled`` is engine-private."""

    def __init__(self, docnums: np.ndarray, scores: np.ndarray | None, compiled):
        self.docnums, self.scores, self.compiled = docnums, scores, compiled


class WhooshIndex:
    """The index boundary over one Whoosh searcher (one commit; close it when done).

    :param searcher: an open :class:`whoosh.searching.Searcher`; ``self.searcher`` is for
        engine code only.
    """

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self._compiled: dict[tree.Query, query.Query] = {}

    def __enter__(self) -> WhooshIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the searcher."""
        self.searcher.close()

    @property
    def schema(self):
        """The Whoosh schema (engine code only)."""
        return self.searcher.schema

    def doc_count(self) -> int:
        """Live documents, duplicates included."""
        return self.searcher.doc_count()

    def facet_table(self) -> FacetTable:
        """The facet table of this commit (loaded once, shared by searchers of the commit)."""
        from searchapp.engine.whoosh.facet_columns import facet_table_for

        return facet_table_for(self.searcher)

    def compile(self, q: tree.Query) -> query.Query:
        """Return the Whoosh query of ``q``, compiled once per snapshot."""
        compiled = self._compiled.get(q)
        if compiled is None:
            compiled = self._compiled[q] = compile_query(q, self.searcher.schema)
        return compiled

    def matches(self, q: tree.Query, scored: bool) -> Matches:
        """Find the documents ``q`` matches: every searchable one for the empty query.

        :param scored: also score them (BM25F over all matches, one pass), for a ranking.
        """
        compiled = self.compile(q)
        core = compiled.a if isinstance(compiled, WithAdjacencyBonus) else compiled
        if scored and not isinstance(core, query.Every):
            result = score_all(self.searcher, core)
            if result is not None:
                return Matches(result[0], result[1], compiled)
        if isinstance(core, query.Every):
            return Matches(self.facet_table().all_docnums(), None, compiled)
        return Matches(matching_docnums(self.searcher, core), None, compiled)

    def top(self, matches: Matches, allowed: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """Return the best ``limit`` of the ``allowed`` documents of ``matches``, as
        ``(docnum, score)`` best first (BM25F; ties by document number).

        With an adjacency bonus, at least the best :data:`RESCORE_WINDOW` documents are
        scored for it too and re-ordered by the sum, like the ``AndMaybe`` it stands for.
        """
        if not len(allowed):
            return []  # (an empty filter set would mean "no filter" to Whoosh)
        compiled = matches.compiled
        core, bonus = (compiled.a, compiled.b) if isinstance(compiled, WithAdjacencyBonus) else (compiled, None)
        window = max(limit, RESCORE_WINDOW) if bonus is not None else limit
        if matches.scores is not None:
            ranked = best(matches.docnums, matches.scores, allowed, window)
        else:
            results = self.searcher.search(core, limit=window, filter=set(allowed.tolist()), terms=False)
            ranked = [(docnum, score) for score, docnum in results.top_n]
        if bonus is not None:
            extra = score_documents(self.searcher, bonus, [docnum for docnum, _score in ranked])
            ranked = [(docnum, score + extra.get(docnum, 0.0)) for docnum, score in ranked]
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked

    def stored_document(self, docnum: int) -> Document:
        """The document stored under ``docnum`` (body included, no ``copies``)."""
        return stored_document(self.searcher.stored_fields(docnum))

    def document(self, doc_id: str) -> Document | None:
        """Return the document with ``id`` (body included), or ``None`` when there is none.

        Its ``copies`` are the other files holding exactly the same text (reprints), in
        path order.
        """
        found = list(self.searcher.documents(id=doc_id))
        if not found:
            return None
        stored = min(found, key=lambda fields: (fields.get("duplicate") == "1", fields["key"]))
        copies = sorted(
            (fields["path"], fields.get("source", ""), fields.get("url", ""))
            for fields in self.searcher.documents(content_key=stored["content_key"])
            if fields["key"] != stored["key"]
        )
        return replace(stored_document(stored), copies=tuple(Copy(*copy) for copy in copies))

    def more_like(self, doc_id: str, limit: int) -> list[tuple[Document, float]]:
        """Return up to ``limit`` documents most like the one with id ``doc_id``, best first,
        with the BM25F score of the search that found them.

        Whoosh's ``more_like``, step by step: the key terms of the document's ``body`` (its
        first :data:`MORE_LIKE_TEXT_CHARS` characters; Bo1 model) are searched for with OR,
        the document and exact duplicates left out. Single characters and bare numbers are
        not key terms (in Chinese mostly particles and counts: 的, 名, 2024). A title
        already listed (or the document's own) is not listed again: reprints of one
        article have other ids but the same title. Empty when the id is unknown or the
        document has no usable key terms.
        """
        docnum = self.searcher.document_number(id=doc_id)
        if docnum is None or limit < 1:
            return []
        stored = self.searcher.stored_fields(docnum)
        candidates = self.searcher.key_terms_from_text(
            "body", stored.get("body", "")[:MORE_LIKE_TEXT_CHARS], numterms=MORE_LIKE_TERMS * 4
        )
        terms = [(term, weight) for term, weight in candidates if _is_key_term(term)][:MORE_LIKE_TERMS]
        if not terms:
            return []
        related = query.Or([query.Term("body", term, boost=weight) for term, weight in terms])
        hidden = {docnum, *self.facet_table().hidden_docnums()}
        seen_titles = {stored.get("title", "")}
        found = []
        for hit in self.searcher.search(related, limit=limit * 3, mask=hidden, terms=False):
            if hit.get("title", "") in seen_titles:
                continue
            seen_titles.add(hit.get("title", ""))
            found.append((stored_document(hit.fields()), hit.score))
            if len(found) == limit:
                break
        return found

    def corrections(self, q: str, title_only: bool):
        """Spelling corrections of query string ``q`` (:func:`searchapp.suggest.suggest`)."""
        from searchapp.suggest import suggest

        return suggest(self.searcher, q, TITLE_FIELDS if title_only else SEARCH_FIELDS)


def _is_key_term(term: str) -> bool:
    return len(term) > 1 and not term.replace(".", "").isdigit()


def score_documents(searcher: Searcher, q: query.Query, docnums: list[int]) -> dict[int, float]:
    """Return ``{docnum: score}`` of ``q`` for those of ``docnums`` it matches.

    Walks one matcher per segment forward through the document numbers (skipping between
    them), so the cost grows with ``len(docnums)``, not with everything ``q`` matches.
    """
    if isinstance(q, query.Or) and not q.minmatch and q.boost == 1.0:
        total: dict[int, float] = {}
        for child in q.children():  # an Or scores the sum of its matching children
            for docnum, score in score_documents(searcher, child, docnums).items():
                total[docnum] = total.get(docnum, 0.0) + score
        return total
    if isinstance(q, query.ConstantScoreQuery) and isinstance(q.child, SpanNear2):
        near = q.child  # the proximity bonus: Whoosh's span matcher walks every match
        if near.ordered and all(isinstance(part, (query.Term, query.Phrase)) for part in near.qs):
            found = near_docnums(searcher, near.qs, near.slop, docnums)
            return {docnum: q.score for docnum in found}
    scores: dict[int, float] = {}
    context = searcher.context()
    wanted = sorted(set(docnums))
    for subsearcher, offset in searcher.leaf_searchers():
        local = [d - offset for d in wanted if offset <= d < offset + subsearcher.doc_count_all()]
        if not local:
            continue
        matcher = q.matcher(subsearcher, context)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                scores[docnum + offset] = matcher.score()
    return scores
