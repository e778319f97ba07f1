"""Read a :class:`SearchRequest` from a URL's query string, and write one back.

URL grammar (shared by ``/search`` and ``/api/search``)::

    q=断卡 拔钉          the query string
    year=2022           facet filters, repeatable: year=2021&year=2022 means either
    source=新浪财经
    operation=断卡
    sort=date           relevance (default), date (newest first) or date_asc
    page=2              1-based
    per_page=20         1 to MAX_PER_PAGE; larger values are clamped
    title_only=1        search words in titles only (1/true/on; default off)
    expand=0            no synonym expansion or typo correction (default on)
    explain=1           include a readable account of how the query was read

Empty values (``year=``) are ignored, so a form with blank fields reads like one without them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from searchapp.search import DEFAULT_PER_PAGE
from searchapp.search import QueryError
from searchapp.search import SearchRequest

#: Facet filter parameter (URL and ``SearchRequest.filters()`` name) → ``SearchRequest`` field.
FILTER_FIELDS = {"year": "years", "source": "sources", "operation": "operations"}

_INTEGER = re.compile(r"[+-]?[0-9]+")


def request_from_args(args: MultiDict, per_page: int = DEFAULT_PER_PAGE) -> SearchRequest:
    """Build the search request a query string asks for.

    :param args: ``request.args`` (a MultiDict: filters may repeat).
    :param per_page: page size used when the URL gives none (the app's ``PAGE_SIZE``).
    :raises QueryError: ``page`` or ``per_page`` is not a whole number (the message names the
        parameter), or :class:`SearchRequest` rejects a value as out of range.
    """
    filters = {
        field: tuple(dict.fromkeys(v for v in (s.strip() for s in args.getlist(name)) if v))
        for name, field in FILTER_FIELDS.items()
    }
    return SearchRequest(
        q=args.get("q", "").strip(),
        sort=args.get("sort", "").strip() or "relevance",
        page=_integer(args, "page", 1),
        per_page=_integer(args, "per_page", per_page),
        title_only=_switch(args, "title_only", False),
        expand=_switch(args, "expand", True),
        explain=_switch(args, "explain", False),
        **filters,
    )


_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}


def _switch(args: Mapping[str, str], name: str, default: bool) -> bool:
    """Return ``args[name]`` as a bool (1/true/on/yes or 0/false/off/no), ``default`` when
    missing or empty.

    :raises QueryError: any other value; the message names the parameter.
    """
    value = args.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise QueryError(f"{name} must be 1 or 0, not {value[:20]!r}")


def _integer(args: Mapping[str, str], name: str, default: int) -> int:
    """Return ``args[name]`` as an int, ``default`` when missing or empty.

    :raises QueryError: the value is not a whole number written in ASCII digits.
    """
    value = args.get(name, "").strip()
    if not value:
        return default
    try:
        if not _INTEGER.fullmatch(value):
            raise ValueError(value)
        return int(value)
    except ValueError:  # also: more digits than Python converts
        raise QueryError(f"{name} must be a whole number, not {value[:20]!r}") from None


def args_for(
    search_request: SearchRequest,
    *,
    filters: Mapping[str, tuple[str, ...]] | None = None,
    sort: str | None = None,
    page: int = 1,
    default_per_page: int = DEFAULT_PER_PAGE,
) -> list[tuple[str, str]]:
    """Return the query-string pairs for ``search_request`` with some parts replaced.

    The inverse of :func:`request_from_args`: defaults are left out, so URLs stay short.

    >>> args_for(SearchRequest(q="断卡", years=("2022",), page=3), page=1)
    [('q', '断卡'), ('year', '2022')]

    :param filters: facet name → values, replacing the request's own filters.
    :param sort: replaces the request's sort order.
    :param page: the page to point at (1 by default: a changed search starts over).
    :param default_per_page: the page size that needs no ``per_page`` parameter.
    """
    filters = search_request.filters() if filters is None else filters
    sort = search_request.sort if sort is None else sort
    pairs = [("q", search_request.q)] if search_request.q else []
    pairs += [(name, value) for name in FILTER_FIELDS for value in filters.get(name, ())]
    if sort != "relevance":
        pairs.append(("sort", sort))
    if page != 1:
        pairs.append(("page", str(page)))
    if search_request.per_page != default_per_page:
        pairs.append(("per_page", str(search_request.per_page)))
    if search_request.title_only:
        pairs.append(("title_only", "1"))
    if not search_request.expand:
        pairs.append(("expand", "0"))
    return pairs
