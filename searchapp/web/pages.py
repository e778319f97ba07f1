"""The HTML pages: blueprint ``pages``.

``/`` and ``/search`` render :func:`searchapp.search.search`'s results with facets, filter
chips, sort switch and pagination; ``/doc/<id>`` shows one document with the query's words
highlighted. Every URL a page links to is computed here, Datasette style (each facet value
carries its ``toggle_url``), so the templates hold no URL logic.

Templates print ``Markup`` from :mod:`searchapp.snippets` as is and autoescape everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for

from searchapp.search import MAX_RESULT_WINDOW
from searchapp.search import QueryError
from searchapp.search import SearchRequest
from searchapp.search import SearchResults
from searchapp.search import get_document
from searchapp.search import parse_query
from searchapp.search import query_needles
from searchapp.search import search
from searchapp.snippets import highlight
from searchapp.web import get_searcher
from searchapp.web.params import args_for
from searchapp.web.params import request_from_args

bp = Blueprint("pages", __name__)

FACET_LABELS = {"year": "年份", "source": "来源", "operation": "专项行动"}
SORT_LABELS = {"relevance": "相关度", "date": "最新", "date_asc": "最早"}
DATE_SOURCE_LABELS = {"front_matter": "原文标注", "byline": "署名行", "inferred": "推断"}
ERROR_HEADINGS = {
    400: "查询有误",
    404: "找不到页面",
    405: "不支持的请求方法",
    503: "还没有建立索引",
}
#: Page numbers shown on each side of the current one.
PAGE_WINDOW = 2

_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n")


@dataclass(frozen=True)
class FacetLink:
    """One facet value as the sidebar shows it; ``toggle_url`` adds or removes it."""

    value: str
    count: int
    selected: bool
    toggle_url: str


@dataclass(frozen=True)
class Facet:
    """One facet of the sidebar: its name in URLs, its label and its values."""

    name: str
    label: str
    values: list[FacetLink]


@dataclass(frozen=True)
class FilterChip:
    """An active facet filter; ``remove_url`` is the same search without it."""

    facet: str
    label: str
    value: str
    remove_url: str


@dataclass(frozen=True)
class Link:
    """A labelled link; ``current`` marks the page or sort order being shown."""

    label: str
    url: str | None
    current: bool = False


@bp.app_template_test("http_url")
def is_http_url(url: str | None) -> bool:
    """Whether ``url`` may be linked to: only ``http://`` and ``https://`` (never
    ``javascript:``, ``data:`` ... which the data may hold)."""
    return bool(url) and url.strip().lower().startswith(("http://", "https://"))


# --- views --------------------------------------------------------------------------------


@bp.get("/")
@bp.get("/search")
def search_page():
    """The search page: form, results, facets; 400 with the message for a malformed query.

    :raise 503: no index (handled in :mod:`searchapp.web`).
    """
    try:
        search_request = request_from_args(request.args, per_page=current_app.config["PAGE_SIZE"])
        results = search(get_searcher(), search_request)
    except QueryError as error:
        return render_template("search.html", error=str(error)), 400
    links = search_links(results)
    alternate = f'<{links["api_url"]}>; rel="alternate"; type="application/json"'
    return render_template("search.html", results=results, **links), {"Link": alternate}


@bp.get("/doc/<doc_id>")
def document_page(doc_id: str):
    """One document, its body as paragraphs with the words of ``q`` highlighted.

    :raise 404: no document has this id. :raise 503: no index.
    """
    searcher = get_searcher()
    document = get_document(searcher, doc_id)
    if document is None:
        abort(404, description=f"没有编号为 {doc_id} 的文档（重建索引后编号可能已变）。")
    q = request.args.get("q", "").strip()
    needles = needles_for(q, searcher.schema)
    every = SearchRequest(per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "document.html",
        document=document,
        title_html=highlight(document.title, needles),
        paragraphs=[highlight(p, needles) for p in paragraphs(document.body)],
        date_source_label=DATE_SOURCE_LABELS.get(document.date_source or "", ""),
        operation_links=[
            Link(op, search_url(every, filters={"operation": (op,)}))
            for op in document.operations
        ],
        back_url=url_for("pages.search_page", q=q or None),
    )


def error_page(message: str, status: int):
    """Render the error page for ``status`` with ``message`` (the search box stays on top)."""
    heading = ERROR_HEADINGS.get(status, "出错了")
    return render_template("base.html", error=message, heading=heading, status=status), status


# --- helpers ------------------------------------------------------------------------------


def needles_for(q: str, schema) -> list[str]:
    """Return the strings to highlight for query string ``q``; none when it does not parse."""
    if not q:
        return []
    try:
        return query_needles(parse_query(q, schema))
    except QueryError:
        return []


def paragraphs(body: str) -> list[str]:
    """Split a body into paragraphs at blank lines, dropping empty ones.

    >>> paragraphs("第一段。\\n\\n第二段，\\n续行。\\n\\n\\n")
    ['第一段。', '第二段，\\n续行。']
    """
    return [p.strip() for p in _BLANK_LINES.split(body) if p.strip()]


def search_url(search_request: SearchRequest, **changes) -> str:
    """Return the URL of ``search_request`` with ``changes`` (see :func:`args_for`)."""
    args = args_for(search_request, default_per_page=current_app.config["PAGE_SIZE"], **changes)
    url = url_for("pages.search_page")
    return f"{url}?{urlencode(args)}" if args else url


def toggled(filters: dict[str, tuple[str, ...]], facet: str, value: str) -> dict:
    """Return ``filters`` with ``value`` of ``facet`` removed if present, else added.

    >>> toggled({"year": ("2021", "2022")}, "year", "2021")
    {'year': ('2022',)}
    """
    values = filters.get(facet, ())
    changed = tuple(v for v in values if v != value) if value in values else (*values, value)
    return {**filters, facet: changed}


def search_links(results: SearchResults) -> dict:
    """Compute every link the search page shows for ``results``.

    :returns: template variables ``facets`` (list of :class:`Facet`), ``chips`` (list of
        :class:`FilterChip`), ``clear_url``, ``sort_links`` and ``page_links`` (lists of
        :class:`Link`), ``previous_url`` / ``next_url`` (``None`` at the ends),
        ``first_page_url``, ``operation_urls`` (operation of a hit → URL of this search
        filtered by it too), ``api_url`` (the same search in JSON).
    """
    r = results.request
    filters = r.filters()

    def toggle_url(facet: str, value: str) -> str:
        return search_url(r, filters=toggled(filters, facet, value))

    facet_size = current_app.config["FACET_SIZE"]
    facets = []
    for name, values in results.facets.items():
        shown = values[:facet_size] + [v for v in values[facet_size:] if v.selected]
        links = [FacetLink(v.value, v.count, v.selected, toggle_url(name, v.value)) for v in shown]
        facets.append(Facet(name, FACET_LABELS.get(name, name), links))
    chips = [
        FilterChip(name, FACET_LABELS.get(name, name), value, toggle_url(name, value))
        for name, values in filters.items()
        for value in values
    ]
    operation_urls = {
        op: toggle_url("operation", op) if op not in r.operations else search_url(r)
        for hit in results.hits
        for op in hit.operations
    }
    # Do not link to pages the core refuses to serve (page × per_page > MAX_RESULT_WINDOW).
    last_page = max(1, min(results.page_count, MAX_RESULT_WINDOW // r.per_page))
    return {
        "facets": facets,
        "chips": chips,
        "clear_url": search_url(r, filters={}),
        "sort_links": [
            Link(label, search_url(r, sort=sort), sort == r.sort)
            for sort, label in SORT_LABELS.items()
        ],
        "page_links": _page_links(r, last_page),
        "previous_url": search_url(r, page=min(r.page, last_page + 1) - 1) if r.page > 1 else None,
        "next_url": search_url(r, page=r.page + 1) if r.page < last_page else None,
        "first_page_url": search_url(r),
        "operation_urls": operation_urls,
        "api_url": url_for("api.search_json") + _query_string(r),
    }


def _page_links(r: SearchRequest, last_page: int) -> list[Link]:
    """Page numbers around the current page, plus the first and last; gaps as ``…``."""
    numbers = {1, last_page, *range(r.page - PAGE_WINDOW, r.page + PAGE_WINDOW + 1)}
    links: list[Link] = []
    previous = 0
    for number in sorted(n for n in numbers if 1 <= n <= last_page):
        if number > previous + 1:
            links.append(Link("…", None))
        links.append(Link(str(number), search_url(r, page=number), number == r.page))
        previous = number
    return links


def _query_string(r: SearchRequest) -> str:
    args = args_for(r, page=r.page, default_per_page=current_app.config["PAGE_SIZE"])
    return f"?{urlencode(args)}" if args else ""
