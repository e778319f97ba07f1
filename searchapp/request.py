"""What a search asks for: :class:`SearchRequest`, checked when made.

Every surface builds one (the page and the JSON API from the URL, :mod:`searchapp.web.params`;
the CLI from its options) and hands it to :func:`searchapp.search.search`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from searchapp.facets import MISSING_VALUES
from searchapp.query import MAX_QUERY_CHARS
from searchapp.query import QueryError

__all__ = ["MAX_QUERY_CHARS", "QueryError", "SearchRequest"]

#: Default and largest page size; larger requests are clamped to the largest.
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
#: Deepest result reachable by paging: page × per_page may not exceed it.
MAX_RESULT_WINDOW = 10_000
#: Most values one facet filter may hold.
MAX_FILTER_VALUES = 20
#: Sort orders: by score; newest first; oldest first. Undated documents are last in both.
SORTS = ("relevance", "date", "date_asc")
def _valid_text(text: str) -> str:
    """Replace lone surrogates (undecodable input bytes) with ``?`` and control characters
    (NUL and the like, never typed on purpose) with spaces."""
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL_CHARACTERS.sub(" ", text)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SearchRequest:
    """What to search for.

    :param q: the query string ("" lists every document, newest first).
    :param years: facet filter, e.g. ``("2022",)``; several values of one facet combine
        with OR, different facets with AND.
    :param sources: facet filter on ``source``.
    :param operations: facet filter on canonical operation names.
    :param sort: one of :data:`SORTS`.
    :param page: 1-based page number.
    :param per_page: hits per page, 1 to :data:`MAX_PER_PAGE` (larger values are clamped).
    :param title_only: search words in titles only (fields named in the query, such as
        ``source:``, still apply).
    :param expand: also search the synonym lexicon's alternatives of the query's terms.
    :param explain: return a readable account of how the query was read (``explain``).
    :raises QueryError: for a parameter out of range; the message names it.
    """

    q: str = ""
    years: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    title_only: bool = False
    expand: bool = True
    explain: bool = False

    def __post_init__(self):
        # Text that is not valid Unicode (lone surrogates: undecodable bytes from a terminal)
        # or holds control characters is cleaned, never raised on.
        object.__setattr__(self, "q", _valid_text(self.q))
        for name in ("years", "sources", "operations"):
            object.__setattr__(self, name, tuple(_valid_text(v) for v in getattr(self, name)))
        errors = []
        if len(self.q) > MAX_QUERY_CHARS:
            errors.append(f"the query is longer than {MAX_QUERY_CHARS} characters")
        if self.sort not in SORTS:
            errors.append(f"sort must be one of {', '.join(SORTS)}")
        if self.page < 1:
            errors.append("page must be 1 or more")
        if self.per_page < 1:
            errors.append("per_page must be 1 or more")
        for facet, values in self.filters().items():
            if len(values) > MAX_FILTER_VALUES:
                errors.append(f"at most {MAX_FILTER_VALUES} values of {facet} can be chosen")
        for year in self.years:
            if not (len(year) == 4 and year.isdigit()) and year != MISSING_VALUES["year"]:
                errors.append(f"year must be four digits, not {year!r}")
        if self.page * min(self.per_page, MAX_PER_PAGE) > MAX_RESULT_WINDOW:
            errors.append(
                f"page is too deep: page × per_page may not exceed {MAX_RESULT_WINDOW}; "
                "narrow the search instead"
            )
        if errors:
            raise QueryError("; ".join(errors))
        object.__setattr__(self, "per_page", min(self.per_page, MAX_PER_PAGE))

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Return the facet filters by facet name (``year``, ``source``, ``operation``)."""
        return {"year": self.years, "source": self.sources, "operation": self.operations}
