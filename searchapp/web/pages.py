"""The HTML pages: blueprint ``pages``.

``/`` and ``/search`` render :func:`searchapp.search.search`'s results with facets, filter
chips, sort switch, a chart of matches per year (or month) and pagination; when nothing is
found, suggestions that do find something (each with its count); for a malformed query, what
to fix in it. ``/doc/<id>`` shows one document with the query's words highlighted (the first
match is ``#m1``, linked to from the results so the browser scrolls to it, no script needed)
and related documents. Every URL a page links to is computed here, Datasette style (each
facet value carries its ``toggle_url``), so the templates hold no URL logic.

Templates print ``Markup`` from :mod:`searchapp.snippets` as is and autoescape everything else.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from markupsafe import Markup

from searchapp.search import MAX_QUERY_CHARS
from searchapp.search import MAX_RESULT_WINDOW
from searchapp.search import DateHistogram
from searchapp.search import QueryError
from searchapp.search import SearchRequest
from searchapp.search import SearchResults
from searchapp.search import count_matches
from searchapp.search import date_histogram
from searchapp.search import get_document
from searchapp.search import more_like_this
from searchapp.search import parse_query
from searchapp.search import query_needles
from searchapp.search import search
from searchapp.snippets import highlight
from searchapp.web import get_searcher
from searchapp.web.params import FILTER_FIELDS
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
#: Facet values shown at once; the others are behind "更多" (selected ones are always shown).
FACET_VISIBLE = 8
#: Related documents listed under a document ("more like this").
RELATED_COUNT = 5
#: Most suggestions offered when a search finds nothing.
MAX_SUGGESTIONS = 4
#: Bar heights are drawn in this many steps (CSS classes ``bar-h0`` … ``bar-h20``).
BAR_STEPS = 20
#: Most year ticks shown under the chart on a narrow screen (the others are hidden there).
MAX_NARROW_TICKS = 8

_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n")
#: An operator word of the query language, standing alone.
_OPERATOR = re.compile(r"(?<!\S)(AND|OR|NOT)(?!\S)")


@dataclass(frozen=True)
class FacetLink:
    """One facet value as the sidebar shows it; ``toggle_url`` adds or removes it."""

    value: str
    count: int
    selected: bool
    toggle_url: str


@dataclass(frozen=True)
class Facet:
    """One facet of the sidebar: its name in URLs, its label and its values.

    ``values`` are shown at once (the most frequent, and every selected one); ``more`` are
    the rest, behind a "更多" disclosure (a ``<details>``: no script needed).
    """

    name: str
    label: str
    values: list[FacetLink]
    more: list[FacetLink] = dataclasses.field(default_factory=list)


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


@dataclass(frozen=True)
class Suggestion:
    """Another search that finds something: what it changes, its URL and its count."""

    label: str
    url: str
    count: int | None = None


@dataclass(frozen=True)
class Bar:
    """One bar of the date chart.

    :param label: what the bar counts, ``2022年`` or ``2022年7月``.
    :param tick: the text under the bar, ``2022`` or ``7月``; ``tick_year`` a second line
        under a month's tick (``2022``, on the first bar and on Januaries), else ``""``.
    :param count: matching documents in the bar.
    :param height: 0 … :data:`BAR_STEPS`, the bar's height class (never 0 for a count above 0).
    :param url: the search narrowed to this bar, ``None`` when the bar cannot narrow it.
    :param current: the search is already narrowed to exactly this bar.
    :param major_tick: the tick stays visible on a narrow screen (minor ones are hidden there).
    """

    label: str
    tick: str
    count: int
    height: int
    url: str | None
    current: bool = False
    tick_year: str = ""
    major_tick: bool = True


@dataclass(frozen=True)
class Chart:
    """The matches-per-year (or per-month) chart above the results."""

    unit: str
    caption: str
    bars: list[Bar]
    undated: int


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
        searcher = get_searcher()
        results = search(searcher, search_request)
    except QueryError as error:
        fixes = query_fixes(request.args.get("q", "").strip(), get_searcher().schema)
        return render_template("search.html", error=str(error), **fixes), 400
    links = search_links(results)
    chart = date_chart(searcher, search_request) if results.total else None
    suggestions = [] if results.total else suggestions_for(searcher, results)
    alternate = f'<{links["api_url"]}>; rel="alternate"; type="application/json"'
    return render_template(
        "search.html", results=results, chart=chart, suggestions=suggestions, **links
    ), {"Link": alternate}


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
    # The body's marks are numbered first, so #m1 is the first match in the text (the title
    # is at the top of the page anyway); the title's marks follow on.
    body_html, match_count = number_marks(
        [highlight(p, needles) for p in paragraphs(document.body)], first=1
    )
    (title_html,), title_matches = number_marks(
        [highlight(document.title, needles)], first=match_count + 1
    )
    related = more_like_this(searcher, doc_id, limit=RELATED_COUNT)
    return render_template(
        "document.html",
        document=document,
        title_html=title_html,
        paragraphs=body_html,
        match_count=match_count + title_matches,
        first_match_url="#m1" if match_count + title_matches else None,
        date_source_label=DATE_SOURCE_LABELS.get(document.date_source or "", ""),
        operation_links=[
            Link(op, search_url(every, filters={"operation": (op,)}))
            for op in document.operations
        ],
        related=[(hit, document_url(hit.id)) for hit in related],
        copies=[copy for copy in document.copies if copy.source or is_http_url(copy.url)],
        back_url=back_url(),
        q=q,
    )


def error_page(message: str, status: int):
    """Render the error page for ``status`` with ``message`` (the search box stays on top)."""
    heading = ERROR_HEADINGS.get(status, "出错了")
    return render_template("base.html", error=message, heading=heading, status=status), status


# --- helpers ------------------------------------------------------------------------------


def document_url(doc_id: str, search_request: SearchRequest | None = None) -> str:
    """Return the URL of a document's page, carrying the search it was found by.

    With a query string, the URL ends in ``#m1`` so the browser scrolls to the first match;
    the search's filters, sort and page ride along for the page's "back to results" link.
    """
    url = url_for("pages.document_page", doc_id=doc_id)
    if search_request is None:
        return url
    args = args_for(
        search_request,
        page=search_request.page,
        default_per_page=current_app.config["PAGE_SIZE"],
    )
    url = f"{url}?{urlencode(args)}" if args else url
    return f"{url}#m1" if search_request.q else url


def back_url() -> str:
    """Return the search a document page was reached from (its own query string), or ``/``.

    Parameters that do not make a valid search are dropped rather than turned into an error.
    """
    try:
        search_request = request_from_args(request.args, per_page=current_app.config["PAGE_SIZE"])
    except QueryError:
        return url_for("pages.search_page", q=request.args.get("q", "").strip() or None)
    return search_url(search_request, page=search_request.page)


def number_marks(fragments: list[Markup], first: int = 1) -> tuple[list[Markup], int]:
    """Give every ``<mark>`` in ``fragments`` an id ``m<first>``, ``m<first+1>``, … in order.

    Safe on our highlighter's output: its text is escaped, so a literal ``<mark>`` can only be
    one of ours.

    >>> number_marks([Markup("<mark>断卡</mark>与<mark>断流</mark>")], first=1)
    ([Markup('<mark id="m1">断卡</mark>与<mark id="m2">断流</mark>')], 2)

    :returns: the fragments with ids, and how many marks they hold.
    """
    counter = first
    numbered = []
    for fragment in fragments:
        pieces = str(fragment).split("<mark>")
        out = [pieces[0]]
        for piece in pieces[1:]:
            out.append(f'<mark id="m{counter}">{piece}')
            counter += 1
        numbered.append(Markup("".join(out)))
    return numbered, counter - first


def date_chart(searcher, search_request: SearchRequest) -> Chart | None:
    """Return the chart of matches per year (or per month for a short range), or ``None``.

    Each bar links to the search narrowed to it: a year bar sets the year filter to that year;
    a month bar adds ``date:YYYY-MM`` to the query when the query language has dates, and is
    not a link otherwise (monthly bars are then only drawn when every match is in one year).
    Bars with no matches, or for the year the search is already limited to, are not links.
    ``None`` when there are fewer than two bars (a single bar says nothing).
    """
    if month_queries_supported(searcher.schema):
        histogram = date_histogram(searcher, search_request)
    else:
        histogram = date_histogram(searcher, search_request, monthly_span_months=0)
        if len(histogram.buckets) == 1:
            histogram = date_histogram(searcher, search_request, monthly_span_months=12)
    if len(histogram.buckets) < 2:
        return None
    return Chart(
        unit=histogram.unit,
        caption=_chart_caption(histogram),
        bars=[
            _bar(histogram, index, search_request, searcher.schema)
            for index in range(len(histogram.buckets))
        ],
        undated=histogram.undated,
    )


def _chart_caption(histogram: DateHistogram) -> str:
    first, last = histogram.buckets[0].key, histogram.buckets[-1].key
    if histogram.unit == "year":
        return f"按年份分布（{first}—{last} 年）"
    return f"按月份分布（{_month_label(first)}—{_month_label(last)}）"


def _month_label(month: str) -> str:
    """``"2022-07"`` → ``"2022年7月"``."""
    return f"{month[:4]}年{int(month[5:7])}月"


def _bar(histogram: DateHistogram, index: int, search_request: SearchRequest, schema) -> Bar:
    bucket = histogram.buckets[index]
    height = 0
    if bucket.count:
        height = max(1, round(BAR_STEPS * bucket.count / histogram.max_count))
    if histogram.unit == "year":
        current = search_request.years == (bucket.year,)
        url = None
        if bucket.count and not current:
            narrowed = {**search_request.filters(), "year": (bucket.year,)}
            url = search_url(search_request, filters=narrowed)
        step = -(-len(histogram.buckets) // MAX_NARROW_TICKS)
        return Bar(
            label=f"{bucket.key}年",
            tick=bucket.key,
            count=bucket.count,
            height=height,
            url=url,
            current=current,
            major_tick=index % step == 0,
        )
    month = int(bucket.key[5:7])
    url = None
    if bucket.count and month_queries_supported(schema):
        narrowed = dataclasses.replace(search_request, q=with_month(search_request.q, bucket.key))
        url = search_url(narrowed)
    return Bar(
        label=_month_label(bucket.key),
        tick=f"{month}月",
        count=bucket.count,
        height=height,
        url=url,
        tick_year=bucket.year if month == 1 or index == 0 else "",
        major_tick=month in (1, 4, 7, 10) or index == 0,
    )


def with_month(q: str, month: str) -> str:
    """Return query string ``q`` narrowed to ``month`` (``YYYY-MM``) with the ``date:`` field.

    >>> with_month("断卡", "2022-07")
    '断卡 date:2022-07'
    >>> with_month("断卡 OR 断流", "2022-07")
    '(断卡 OR 断流) date:2022-07'
    """
    if not q:
        return f"date:{month}"
    if _OPERATOR.search(q):
        q = f"({q})"
    return f"{q} date:{month}"


def month_queries_supported(schema) -> bool:
    """Whether the query language reads ``date:YYYY-MM`` as that month (a date range).

    Asks the search core: ``date:2000-01`` must parse into ranges (clauses with a ``start``
    and an ``end``) on the ``date`` field. Without date syntax it is a plain term that no
    ``YYYY-MM-DD`` date equals.
    """
    try:
        parsed = parse_query("date:2000-01", schema)
    except QueryError:
        return False
    return all(
        getattr(leaf, "fieldname", None) == "date"
        and hasattr(leaf, "start")
        and hasattr(leaf, "end")
        for leaf in parsed.leaves()
    )


def suggestions_for(searcher, results: SearchResults) -> list[Suggestion]:
    """Return searches close to ``results``' one that do find something, most matches first.

    Tried: each active filter dropped; all filters dropped; each space-separated word of a
    plain query (no quotes, brackets or operators) dropped; the search core's own spelling
    suggestions (``results.suggestions``: query strings), when it offers them.
    """
    r = results.request
    filters = r.filters()
    candidates: list[tuple[str, SearchRequest]] = []
    chips = [(name, value) for name, values in filters.items() for value in values]
    for name, value in chips:
        kept = tuple(v for v in filters[name] if v != value)
        without = dataclasses.replace(r, page=1, **{FILTER_FIELDS[name]: kept})
        candidates.append((f"去掉筛选“{FACET_LABELS[name]}：{value}”", without))
    if len(chips) > 1:
        unfiltered = dataclasses.replace(r, page=1, years=(), sources=(), operations=())
        candidates.append(("去掉全部筛选", unfiltered))
    words = r.q.split()
    if len(words) > 1 and not re.search(r"[\"()“”]", r.q) and not _OPERATOR.search(r.q):
        for i, word in enumerate(words):
            rest = " ".join(words[:i] + words[i + 1 :])
            candidates.append((f"去掉“{word}”，搜索“{rest}”", dataclasses.replace(r, q=rest, page=1)))
    for text in getattr(results, "suggestions", None) or ():
        text = str(getattr(text, "query", text))
        candidates.append((f"搜索“{text}”", dataclasses.replace(r, q=text, page=1)))
    found = []
    for label, candidate in candidates:
        try:
            count = count_matches(searcher, candidate)
        except QueryError:
            continue
        if count:
            found.append(Suggestion(label, search_url(candidate), count))
    found.sort(key=lambda suggestion: -suggestion.count)
    return found[:MAX_SUGGESTIONS]


def query_fixes(q: str, schema) -> dict:
    """Explain what to change in query string ``q``, in Chinese, when it is at fault.

    :returns: template variables ``hints`` (list of sentences, most specific first) and
        ``fixed_query`` / ``fixed_url`` (the words of ``q`` without operators, quotes,
        brackets and wildcards, and its search URL; ``None`` when nothing is left, or it is
        ``q`` itself, or does not parse either). All empty when ``q`` parses and is not too
        long: then another parameter was refused (``page=abc``) and the query is fine.
    """
    nothing = {"hints": [], "fixed_query": None, "fixed_url": None}
    if len(q) <= MAX_QUERY_CHARS and _parses(q, schema):
        return nothing
    hints = []
    if len(q) > MAX_QUERY_CHARS:
        hints.append(f"查询最长 {MAX_QUERY_CHARS} 个字符，当前 {len(q)} 个：请删去一些词。")
    tokens = q.split()
    operators = [i for i, token in enumerate(tokens) if token in ("AND", "OR", "NOT")]
    if operators:
        dangling = tokens[-1] in ("AND", "OR", "NOT") or tokens[0] in ("AND", "OR")
        doubled = any(j == i + 1 for i, j in zip(operators, operators[1:]))
        if dangling or doubled:
            hints.append(
                "AND、OR、NOT 要写在两个词之间（NOT 也可写在词前），不能连用或放在末尾，"
                "例如：诈骗 OR 赌博、诈骗 NOT 赌博、诈骗 -赌博。"
            )
    if q.count('"') % 2:
        hints.append("英文引号 \" 不成对：精确短语要用一对引号括起来，例如 \"电信网络诈骗\"。")
    if q.count("(") != q.count(")"):
        hints.append("括号不成对：每个 ( 都要有对应的 )，例如 (断卡 OR 断流) 2022。")
    if re.search(r"[*?]", q):
        hints.append("不支持通配符 * 和 ?：直接输入词语即可，中文词会按字和词匹配。")
    fixed = " ".join(
        word for word in re.sub(r"[\"()*?\\\[\]{}^~]", " ", _OPERATOR.sub(" ", q)).split()
        if word.strip("-:")
    )
    if not fixed.strip():
        hints.append("查询里没有可搜索的文字：请输入中文词语、人名、机构名或数字。")
    fixed_ok = fixed and fixed != q and len(fixed) <= MAX_QUERY_CHARS and _parses(fixed, schema)
    return {
        "hints": hints,
        "fixed_query": fixed if fixed_ok else None,
        "fixed_url": url_for("pages.search_page", q=fixed) if fixed_ok else None,
    }



def _parses(q: str, schema) -> bool:
    try:
        parse_query(q, schema)
    except QueryError:
        return False
    return True


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
        filtered by it too), ``hit_urls`` (hit id → its document page, scrolled to the first
        match), ``api_url`` (the same search in JSON).
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
        visible = [link for i, link in enumerate(links) if i < FACET_VISIBLE or link.selected]
        more = [link for i, link in enumerate(links) if i >= FACET_VISIBLE and not link.selected]
        facets.append(Facet(name, FACET_LABELS.get(name, name), visible, more))
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
        "hit_urls": {hit.id: document_url(hit.id, r) for hit in results.hits},
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
