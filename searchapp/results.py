"""What a search answers: :class:`SearchResults`, the one value every surface renders.

Text comes with spans, never HTML (:class:`searchapp.snippets.Snippet`); the page and the
JSON API mark the spans up, the CLI emphasises them (:mod:`searchapp.render`).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from searchapp.request import SearchRequest
from searchapp.snippets import Snippet


@dataclass(frozen=True)
class Hit:
    """One matching document as a result list shows it.

    :param title_highlight: the whole title with the query's matches as spans.
    :param snippet: fragments of the body that show the matches (its lead when only the
        title matched).
    :param score: BM25F (comparable within one query only); ``None`` when sorted by date.
    :param rank: 1-based place in the whole result list.
    """

    id: str
    path: str
    title: str
    title_highlight: Snippet
    date: str | None
    year: int | None
    source: str
    origin: str
    url: str
    operations: list[str]
    snippet: Snippet
    score: float | None
    rank: int


@dataclass(frozen=True)
class FacetValue:
    """One bucket of a facet: its value, how many matching documents it holds, and whether
    it is among the active filters. ``missing`` marks the bucket of documents without the
    field (value ``未注明日期`` or ``无来源``, :data:`searchapp.facets.MISSING_VALUES`)."""

    value: str
    count: int
    selected: bool
    missing: bool = False


@dataclass(frozen=True)
class DateBucket:
    """One bar of a date histogram.

    :param key: ``"2022"`` for a year, ``"2022-07"`` for a month.
    :param year: the year the bucket falls in, ``"2022"``.
    :param count: matching documents dated in it (0 for a gap between dated ones).
    """

    key: str
    year: str
    count: int


@dataclass(frozen=True)
class DateHistogram:
    """Matching documents per year or per month, oldest first, gaps included as zeros.

    :param unit: ``"year"`` or ``"month"``.
    :param buckets: consecutive years or months from the first to the last dated match.
    :param undated: matching documents without a date (in no bucket).
    """

    unit: str
    buckets: list[DateBucket]
    undated: int

    @property
    def max_count(self) -> int:
        """The tallest bar's count (0 when there are no buckets)."""
        return max((bucket.count for bucket in self.buckets), default=0)


@dataclass(frozen=True)
class Relaxation:
    """A nearby search that does find something, offered when a search finds nothing.

    :param kind: ``drop_filter`` (``facet``/``value`` removed), ``drop_filters`` (all of
        them), ``drop_word`` (``value`` is the word left out) or ``correction`` (``value``
        is the corrected query string).
    :param request: the search to run instead.
    :param count: how many documents it finds.
    """

    kind: str
    request: SearchRequest
    count: int
    facet: str = ""
    value: str = ""


@dataclass
class SearchResults:
    """The answer to a :class:`~searchapp.request.SearchRequest`: everything a surface shows.

    :param parsed: how the query was read, in the query language's words ("" for the empty
        query, which lists everything).
    :param total: matching documents (all pages, filters applied).
    :param hits: this page's hits.
    :param facets: facet name → values with counts, for the query with the *other* facets'
        filters applied (so choosing a year still shows the other years to add).
    :param histogram: the matches (every filter applied) per year, or per month when they
        span at most two years.
    :param relaxations: when nothing is found, nearby searches that find something, most
        matches first.
    :param needles: the strings highlighted in titles, snippets and document pages.
    :param took_ms: wall time of the search, milliseconds.
    :param expansions: texts the lexicon added ("also searched"), in query order.
    :param suggestions: query strings to try instead, for a search that found little.
    :param corrected: when the query as typed found nothing because a term occurs nowhere,
        the corrected query whose hits these are; ``None`` otherwise.
    :param explain: a readable account of the parsed query when the request asked for it.
    """

    request: SearchRequest
    parsed: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    histogram: DateHistogram | None = None
    relaxations: list[Relaxation] = field(default_factory=list)
    needles: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    expansions: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    corrected: str | None = None
    explain: str | None = None

    @property
    def page_count(self) -> int:
        """Number of pages the results fill (at least 1)."""
        return max(1, -(-self.total // self.request.per_page))
