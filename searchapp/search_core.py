"""The search core: one data function behind the web page, the JSON API and the CLI.

``search(index, request)`` parses the query string once (:mod:`searchapp.query`), finds
the matching documents through the index boundary (:mod:`searchapp.engine`), filters and
counts them with the facet table, ranks and pages them, builds highlight spans, the date
histogram, suggestions and relaxed searches, and returns one :class:`SearchResults`. The
surfaces only render it. The core knows no surface and no engine: ``index`` is any object
with the boundary's methods (``facet_table``, ``matches``, ``top``, ``stored_document``,
``document``, ``more_like``, ``corrections``).
"""

from __future__ import annotations

import time
from collections import Counter

from searchapp.document import Document
from searchapp.facets import MISSING_VALUES
from searchapp.query import QueryError
from searchapp.query import explain
from searchapp.query import needles as query_needles
from searchapp.query import parse
from searchapp.query import tree
from searchapp.query.explain import describe
from searchapp.query.parser import droppable_words
from searchapp.request import SearchRequest
from searchapp.results import DateBucket
from searchapp.results import DateHistogram
from searchapp.results import FacetValue
from searchapp.results import Hit
from searchapp.results import Relaxation
from searchapp.results import SearchResults
from searchapp.snippets import highlight_spans
from searchapp.snippets import snippet_spans

#: How many values of each facet are returned, most frequent first.
FACET_SIZE = 30
#: Searches with fewer hits than this get spelling suggestions.
SUGGEST_BELOW = 5
#: A date histogram covering at most this many months is drawn per month, otherwise per year.
MONTHLY_SPAN_MONTHS = 24
#: Most relaxed searches offered when a search finds nothing.
MAX_RELAXATIONS = 4


def search(index, request: SearchRequest) -> SearchResults:
    """Run ``request`` against ``index`` (an open snapshot of the index boundary).

    When the search finds fewer than :data:`SUGGEST_BELOW` documents, ``suggestions`` lists
    close query strings; when a term of the query occurs nowhere and the correction finds
    more, the hits are the correction's and ``corrected`` says so (not when ``expand`` is
    off: then exactly what was typed is searched). When nothing is found, ``relaxations``
    lists nearby searches that find something, with their counts.

    :raises QueryError: the query string cannot be read; the message says what to change.
    """
    started = time.perf_counter()
    parsed = parse(request.q, request.title_only, request.expand)
    results, matches = _run(index, request, parsed)
    if request.q.strip() and results.total < SUGGEST_BELOW:
        corrections = index.corrections(request.q, request.title_only)
        results.suggestions = [c.q for c in corrections]
        if corrections and corrections[0].missing and request.expand:
            correction = parse(corrections[0].q, request.title_only, request.expand)
            corrected, corrected_matches = _run(index, request, correction)
            if corrected.total > results.total:
                corrected.suggestions = results.suggestions[1:]
                corrected.corrected = corrections[0].q
                results, matches = corrected, corrected_matches
    if not results.total:
        results.relaxations = relaxations(index, results, matches)
    results.took_ms = (time.perf_counter() - started) * 1000
    return results


def _run(index, request: SearchRequest, parsed: tree.Query):
    """Search for ``parsed`` with the rest of ``request``: filter, count, rank, page,
    highlight, histogram. Returns the results and the engine's matches (reused by
    :func:`relaxations`)."""
    table = index.facet_table()
    sort = request.sort
    if sort == "relevance" and parsed.is_everything:
        sort = "date"  # nothing to rank by: list every document newest first
    matches = index.matches(parsed, scored=sort == "relevance")
    allowed, counts = table.select(matches.docnums, request.filters())
    offset = (request.page - 1) * request.per_page
    end = offset + request.per_page
    if sort == "relevance":
        ranked = index.top(matches, allowed, limit=end)[offset:end]
    else:
        newest_first = sort == "date"
        ranked = [(int(d), None) for d in table.by_date(allowed, newest_first)[offset:end]]
    needles = query_needles(parsed)
    hits = [
        make_hit(index.stored_document(docnum), needles, rank=offset + i + 1, score=score)
        for i, (docnum, score) in enumerate(ranked)
    ]
    results = SearchResults(
        request=request,
        parsed="" if parsed.is_everything else describe(parsed),
        total=len(allowed),
        hits=hits,
        facets=facet_values(counts, request),
        histogram=date_histogram(*table.months(allowed)),
        needles=needles,
        expansions=expansions(parsed),
        explain=explain(parsed, request.expand) if request.explain else None,
    )
    return results, matches


def make_hit(document: Document, needles: list[str], rank: int, score: float | None) -> Hit:
    """The hit of a stored document: title and snippet highlighted with ``needles``."""
    return Hit(
        id=document.id,
        path=document.path,
        title=document.title,
        title_highlight=highlight_spans(document.title, needles),
        date=document.date,
        year=document.year,
        source=document.source,
        origin=document.origin,
        url=document.url,
        operations=list(document.operations),
        snippet=snippet_spans(document.body, needles),
        score=score,
        rank=rank,
    )


def expansions(parsed: tree.Query) -> list[str]:
    """The lexicon alternatives of the query ("also searched"), once each, in query order."""
    found: list[str] = []

    def visit(node: tree.Node) -> None:
        if isinstance(node, tree.Words):
            found.extend(alternative.display for alternative in node.alternatives)
        for child in _children(node):
            visit(child)

    visit(parsed.root)
    return list(dict.fromkeys(found))


def _children(node: tree.Node) -> tuple[tree.Node, ...]:
    if isinstance(node, (tree.All, tree.Any)):
        return node.children
    if isinstance(node, tree.Not):
        return (node.child,)
    if isinstance(node, tree.Exclude):
        return (node.include, node.exclude)
    if isinstance(node, tree.Prefer):
        return (node.required, node.optional)
    return ()


def facet_values(counts: dict[str, dict[str, int]], request: SearchRequest) -> dict[str, list[FacetValue]]:
    """Order counted facet values for display: the :data:`FACET_SIZE` most frequent (years
    newest first), then any selected value not among them, with its count, then the bucket
    of documents without the field (:data:`searchapp.facets.MISSING_VALUES`)."""
    facets = {}
    for facet in ("year", "source", "operation"):
        facet_counts = dict(counts.get(facet, {}))
        missing_value = MISSING_VALUES.get(facet)
        missing_count = facet_counts.pop(missing_value, 0)
        selected = set(request.filters()[facet])
        ordered = sorted(facet_counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        if facet == "year":
            ordered.sort(key=lambda item: item[0], reverse=True)
        shown = {value for value, _count in ordered} | {missing_value}
        ordered += [(value, facet_counts.get(value, 0)) for value in sorted(selected - shown)]
        values = [FacetValue(value, count, value in selected) for value, count in ordered]
        if missing_count or missing_value in selected:
            values.append(FacetValue(missing_value, missing_count, missing_value in selected, True))
        facets[facet] = values
    return facets


def date_histogram(
    months: dict[str, int], undated: int, monthly_span_months: int = MONTHLY_SPAN_MONTHS
) -> DateHistogram:
    """Lay out month counts (``{"2022-07": n}``, from the facet table) as a histogram: per
    month when the first and last dated matches are at most ``monthly_span_months`` months
    apart (inclusive), else per year; gaps are zeros.

    >>> date_histogram({"2022-07": 2, "2022-09": 1}, 0).buckets[1]
    DateBucket(key='2022-08', year='2022', count=0)
    """
    if not months:
        return DateHistogram("year", [], undated)
    first, last = _month_number(min(months)), _month_number(max(months))
    if last - first + 1 <= monthly_span_months:
        buckets = []
        for number in range(first, last + 1):
            key = f"{number // 12:04d}-{number % 12 + 1:02d}"
            buckets.append(DateBucket(key, key[:4], months.get(key, 0)))
        return DateHistogram("month", buckets, undated)
    years: Counter[str] = Counter()
    for month, count in months.items():
        years[month[:4]] += count
    buckets = [
        DateBucket(str(year), str(year), years[str(year)])
        for year in range(int(min(years)), int(max(years)) + 1)
    ]
    return DateHistogram("year", buckets, undated)


def _month_number(month: str) -> int:
    """``"2022-07"`` → months since year 0 (2022 × 12 + 6)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def relaxations(index, results: SearchResults, matches) -> list[Relaxation]:
    """Searches close to ``results``' one that do find something, most matches first.

    Tried: each active filter dropped; all filters dropped (when there are several); each
    word of a plain query of several words dropped; the spelling suggestions. Dropping
    filters reuses the query's matches; other candidates are parsed and matched once each.
    """
    import dataclasses

    r = results.request
    table = index.facet_table()
    filters = r.filters()
    names = {"year": "years", "source": "sources", "operation": "operations"}
    candidates: list[tuple[Relaxation, bool]] = []  # (relaxation without count, same query)
    chips = [(name, value) for name, values in filters.items() for value in values]
    for name, value in chips:
        kept = tuple(v for v in filters[name] if v != value)
        without = dataclasses.replace(r, page=1, **{names[name]: kept})
        candidates.append((Relaxation("drop_filter", without, 0, name, value), True))
    if len(chips) > 1:
        unfiltered = dataclasses.replace(r, page=1, years=(), sources=(), operations=())
        candidates.append((Relaxation("drop_filters", unfiltered, 0), True))
    words = droppable_words(r.q)
    for i, word in enumerate(words):
        rest = " ".join(words[:i] + words[i + 1 :])
        candidates.append((Relaxation("drop_word", dataclasses.replace(r, q=rest, page=1), 0, value=word), False))
    for text in results.suggestions:
        candidates.append((Relaxation("correction", dataclasses.replace(r, q=text, page=1), 0, value=text), False))
    found = []
    for relaxation, same_query in candidates:
        candidate = relaxation.request
        if same_query:
            docnums = matches.docnums
        else:
            try:
                parsed = parse(candidate.q, candidate.title_only, candidate.expand)
            except QueryError:
                continue
            docnums = index.matches(parsed, scored=False).docnums
        allowed, _counts = table.select(docnums, candidate.filters())
        if len(allowed):
            found.append(dataclasses.replace(relaxation, count=len(allowed)))
    found.sort(key=lambda relaxation: -relaxation.count)
    return found[:MAX_RELAXATIONS]


def get_document(index, doc_id: str) -> Document | None:
    """Return the document with ``doc_id`` (body and ``copies`` included), or ``None``."""
    return index.document(doc_id)


def more_like_this(index, doc_id: str, limit: int = 5) -> list[Hit]:
    """Return up to ``limit`` documents most like the one with ``doc_id``, best first, as
    hits whose snippets are the lead of the body (there is no query to highlight).
    Empty when the id is unknown or the document has no usable key terms."""
    return [
        make_hit(document, [], rank=i + 1, score=score)
        for i, (document, score) in enumerate(index.more_like(doc_id, limit))
    ]
