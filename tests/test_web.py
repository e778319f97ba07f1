"""The HTML pages: search results, facets, filter chips, sorting, pagination, the document
page, error pages, escaping of hostile data and the security headers."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
from conftest import assert_error

import searchapp
from searchapp import create_app
from searchapp.document import Document
from searchapp.indexer import index_documents
from searchapp.web import SECURITY_HEADERS


class Anchor:
    """One ``<a>``: its attributes, its text, and the text of each classed ``<span>`` in it."""

    def __init__(self, attrs):
        self.attrs = dict(attrs)
        self.text = ""
        self.spans: dict[str, str] = {}

    @property
    def href(self) -> str:
        return self.attrs.get("href", "")

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class Page(HTMLParser):
    """The links of an HTML page, parsed."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.anchors: list[Anchor] = []
        self.tags: list[tuple[str, dict]] = []  # every start tag with its attributes
        self._anchor: Anchor | None = None
        self._span: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._anchor = Anchor(attrs)
            self.anchors.append(self._anchor)
        elif tag == "span" and self._anchor:
            self._span = dict(attrs).get("class")

    def handle_endtag(self, tag):
        if tag == "a":
            self._anchor = None
        elif tag == "span":
            self._span = None

    def handle_data(self, data):
        if self._anchor:
            self._anchor.text += data.strip()
            if self._span:
                self._anchor.spans[self._span] = data.strip()

    def with_class(self, name: str) -> list[Anchor]:
        return [a for a in self.anchors if name in a.classes]

    def facet(self, facet: str) -> dict[str, Anchor]:
        """Facet values by value; the sidebar lists facets in the order year, source, operation."""
        ordered = ["year", "source", "operation"]
        sections = re.split(r'<section class="facet"', self.text)[1:]
        section = Page(sections[ordered.index(facet)])
        return {a.spans["facet-label"]: a for a in section.with_class("facet-value")}


def get(client, url: str, status: int = 200):
    """GET ``url`` (a path with query string, possibly HTML-escaped from a page)."""
    response = client.get(html.unescape(url))
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def seeds_listed(text: str, seed_ids: dict[str, str]) -> list[str]:
    """Seed numbers of the hits on a search page, in page order."""
    by_id = {doc_id: number for number, doc_id in seed_ids.items()}
    found = re.findall(r'<h2 class="hit-title"><a href="/doc/([^"?]+)', text)
    return [by_id[doc_id] for doc_id in found]


def args(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(html.unescape(url)).query)


def total(text: str) -> int:
    return int(re.search(r"找到 (\d+) 篇，用时 [\d.]+ 毫秒", text).group(1))


# --- the search page ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/search", "/"])
def test_search_lists_exactly_the_matching_seeds_with_highlights(client, seed_ids, path):
    text = get(client, f"{path}?q=断卡")
    assert sorted(seeds_listed(text, seed_ids)) == ["001", "003", "004"]
    assert total(text) == 3
    assert "<mark>断卡</mark>" in text
    assert 'value="断卡"' in text  # the query stays in the box
    assert '<html lang="zh-CN">' in text and 'name="viewport"' in text


@pytest.mark.parametrize(
    ("query_string", "seeds"),
    [
        ("q=断卡&operation=拔钉", {"003", "004"}),
        ("q=断卡&year=2022", {"003", "004"}),
        ("q=断卡&year=2021&year=2022&operation=断卡", {"001", "003", "004"}),
        ('q="电信网络诈骗"', {"000", "001", "002", "003", "004"}),
    ],
)
def test_filters(client, seed_ids, query_string, seeds):
    assert set(seeds_listed(get(client, f"/search?{query_string}"), seed_ids)) == seeds


@pytest.mark.parametrize(
    ("query_string", "seeds"),
    [
        ('q="电信网络诈骗"&sort=date', ["000", "002", "003", "004", "001"]),
        ("sort=date_asc", ["001", "004", "003", "002", "000"]),
        ("", ["000", "002", "003", "004", "001"]),  # no query: everything, newest first
    ],
)
def test_sorting(client, seed_ids, query_string, seeds):
    assert seeds_listed(get(client, f"/search?{query_string}"), seed_ids) == seeds


def test_hit_shows_metadata_and_operation_chips(client, seed_ids):
    text = get(client, "/search?q=断卡&year=2022")
    hit = text.split(f'href="/doc/{seed_ids["003"]}?q=', 1)[1].split("</li>\n", 1)[0]
    assert '<time datetime="2022-12-30">2022-12-30</time>' in hit
    assert "光明网" in hit and "原载 中国新闻网" in hit
    chips = {a.text: a.href for a in Page(text).with_class("chip")}
    assert sorted(seeds_listed(get(client, chips["拔钉"]), seed_ids)) == ["003", "004"]
    assert args(chips["拔钉"]) == [("q", "断卡"), ("year", "2022"), ("operation", "拔钉")]


def test_facet_links_toggle_their_filter(client, seed_ids):
    page = Page(get(client, "/search?q=断卡"))
    link = page.facet("operation")["拔钉"]
    assert "aria-current" not in link.attrs
    assert link.spans["facet-count"] == "2"

    page = Page(get(client, link.href))
    assert sorted(seeds_listed(page.text, seed_ids)) == ["003", "004"]
    selected = page.facet("operation")["拔钉"]
    assert selected.attrs["aria-current"] == "true" and "✓" in selected.text

    # Another value of the same facet widens (OR); a value of another facet narrows (AND).
    widened = get(client, page.facet("operation")["清源"].href)
    assert sorted(seeds_listed(widened, seed_ids)) == ["003", "004"]
    narrowed = get(client, page.facet("year")["2022"].href)
    assert sorted(seeds_listed(narrowed, seed_ids)) == ["003", "004"]
    only_sina = get(client, page.facet("source")["新浪财经"].href)
    assert seeds_listed(only_sina, seed_ids) == ["004"]

    # Following the selected value again removes it.
    back = get(client, selected.href)
    assert sorted(seeds_listed(back, seed_ids)) == ["001", "003", "004"]
    assert args(selected.href) == [("q", "断卡")]


@pytest.mark.parametrize("query_string", ["q=断卡", "", "q=拔钉&operation=断卡", "q=诈骗&year=2022"])
def test_facet_counts_add_up(client, query_string):
    text = get(client, f"/search?{query_string}")
    page = Page(text)
    for facet in ("year", "source"):  # one value per document (all seeds have both)
        counts = [int(a.spans["facet-count"]) for a in page.facet(facet).values()]
        selected = [a for a in page.facet(facet).values() if "aria-current" in a.attrs]
        if not selected:
            assert sum(counts) == total(text)
    counts = [int(a.spans["facet-count"]) for a in page.facet("operation").values()]
    if "operation=" not in query_string:  # else counted without that filter: may exceed total
        assert all(0 < count <= total(text) for count in counts)


def test_facet_values_beyond_the_first_few_are_behind_more(client, monkeypatch):
    from searchapp.web import pages

    monkeypatch.setattr(pages, "FACET_VISIBLE", 2)
    text = get(client, "/search?q=断卡&operation=利剑")
    section = text.split('<h2 id="facet-operation">', 1)[1].split("</section>", 1)[0]
    shown, more = section.split('<details class="facet-more">', 1)
    label = re.compile(r'<span class="facet-label">([^<]+)</span>')
    # 利剑 is selected, so shown although it is not among the two most frequent.
    assert label.findall(shown) == ["断卡", "拔钉", "利剑"]
    assert "<summary>更多（3）</summary>" in more
    assert sorted(label.findall(more)) == sorted(["斩链", "清源", "断流"])


def test_filter_chip_removes_only_its_filter(client, seed_ids):
    text = get(client, "/search?q=断卡&year=2022&operation=拔钉&operation=断流&sort=date")
    chips = {a.attrs["aria-label"]: a.href for a in Page(text).with_class("chip-remove")}
    assert args(chips["去掉筛选 年份 2022"]) == [
        ("q", "断卡"), ("operation", "拔钉"), ("operation", "断流"), ("sort", "date"),
    ]
    assert args(chips["去掉筛选 专项行动 拔钉"]) == [
        ("q", "断卡"), ("year", "2022"), ("operation", "断流"), ("sort", "date"),
    ]
    (clear,) = Page(text).with_class("clear-filters")
    assert args(clear.href) == [("q", "断卡"), ("sort", "date")]
    assert seeds_listed(get(client, clear.href), seed_ids) == ["003", "004", "001"]


def test_sort_links_keep_query_and_filters(client):
    page = Page(get(client, "/search?q=断卡&operation=拔钉&per_page=2&page=2"))
    sorts = {a.text: a for a in page.anchors if a.text in ("相关度", "最新", "最早")}
    assert sorts["相关度"].attrs.get("aria-current") == "true"
    assert args(sorts["最新"].href) == [
        ("q", "断卡"), ("operation", "拔钉"), ("sort", "date"), ("per_page", "2"),
    ]


def test_pagination_keeps_everything_but_the_page(client, seed_ids):
    first = get(client, "/search?q=断卡&sort=date&per_page=2")
    assert seeds_listed(first, seed_ids) == ["003", "004"]
    page = Page(first)
    (next_link,) = [a for a in page.anchors if a.text == "下一页"]
    assert args(next_link.href) == [("q", "断卡"), ("sort", "date"), ("page", "2"), ("per_page", "2")]
    assert not [a for a in page.anchors if a.text == "上一页"]

    second = get(client, next_link.href)
    assert seeds_listed(second, seed_ids) == ["001"]
    assert total(second) == 3
    page = Page(second)
    assert [a.text for a in page.with_class("page-number")] == ["1", "2"]
    assert page.with_class("current")[-1].attrs["aria-current"] == "page"
    (previous,) = [a for a in page.anchors if a.text == "上一页"]
    assert args(previous.href) == [("q", "断卡"), ("sort", "date"), ("per_page", "2")]
    assert not [a for a in page.anchors if a.text == "下一页"]


def test_a_page_past_the_end_is_empty_not_an_error(client, seed_ids):
    text = get(client, "/search?q=断卡&per_page=2&page=7")
    assert seeds_listed(text, seed_ids) == []
    assert total(text) == 3
    assert "第 7 页没有结果" in text
    (previous,) = [a for a in Page(text).anchors if a.text == "上一页"]
    assert ("page", "2") in args(previous.href)


def test_no_results_echo_the_query_and_suggest_what_to_try(client):
    text = get(client, "/search?q=量子纠缠&year=2021")
    assert total(text) == 0
    assert "没有找到与“<strong>量子纠缠</strong>”相关的通报" in text
    assert "减少关键词" in text
    (clear,) = [a for a in Page(text).anchors if a.text == "清除全部筛选"]
    assert args(clear.href) == [("q", "量子纠缠")]


UNREADABLE = (
    "could not read the query; check quotes, brackets and operators "
    "(AND, OR, NOT must stand between words)"
)
NO_WORDS = (
    "the query has no words to search for; type Chinese words, names or numbers "
    "(wildcards such as * are not supported)"
)


@pytest.mark.parametrize(
    ("q", "extra", "message"),
    [
        ("NOT NOT 诈骗", "", UNREADABLE),
        ("*", "", NO_WORDS),
        ("(", "", NO_WORDS),
        ("断卡", "&page=abc", "page must be a whole number, not 'abc'"),
        ("断卡", "&per_page=0", "per_page must be 1 or more"),
    ],
)
def test_malformed_query_is_400_with_the_message_and_the_query_kept(client, q, extra, message):
    response = client.get(f"/search?q={q}{extra}")
    assert assert_error(response, 400) == message
    assert f'value="{html.escape(q)}"' in response.get_data(as_text=True)


def test_missing_index_is_503_saying_how_to_build_one(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    for path in ("/search?q=断卡", "/doc/abc"):
        response = client.get(path)
        assert_error(response, 503)
        assert "searchapp index" in response.get_data(as_text=True)


def test_unknown_page_is_a_404_page(client):
    assert_error(client.get("/nowhere"), 404)


# --- the document page ----------------------------------------------------------------------


def test_document_page_shows_metadata_and_highlighted_paragraphs(client, seed_ids):
    text = get(client, f"/doc/{seed_ids['004']}?q=断卡 拔钉")
    assert re.findall(r'<mark id="m\d+">(.*?)</mark>', text) == ["断卡", "拔钉"]
    assert '<time datetime="2022-07-25">2022-07-25</time>' in text
    assert "新浪财经" in text and "澎湃新闻" in text
    assert text.count('<div class="document-body">') == 1
    body = text.split('<div class="document-body">', 1)[1].split("</div>", 1)[0]
    assert body.count("<p>") > 3  # paragraphs, split on blank lines
    chips = {a.text: a.href for a in Page(text).with_class("chip")}
    assert list(chips) == ["断卡", "断流", "拔钉"]
    assert args(chips["断流"]) == [("operation", "断流")]
    back = [a for a in Page(text).anchors if "返回检索结果" in a.text]
    assert back and args(back[0].href) == [("q", "断卡 拔钉")]


def test_document_page_says_how_the_date_was_known(client, seed_ids):
    text = get(client, f"/doc/{seed_ids['000']}")
    assert re.search(r"2026-01-08</time><span class=\"date-source\">（(原文标注|署名行|推断)）", text)
    assert "<mark>" not in text


@pytest.mark.parametrize("q", ["(", "NOT NOT 诈骗", "*"])
def test_document_page_with_a_bad_query_just_has_no_highlights(client, seed_ids, q):
    response = client.get(f"/doc/{seed_ids['001']}", query_string={"q": q})
    assert response.status_code == 200
    assert "<mark>" not in response.get_data(as_text=True)


def test_unknown_document_is_a_404_page(client):
    response = client.get("/doc/0000000000000000")
    assert "0000000000000000" in assert_error(response, 404)


def test_hit_links_open_the_document_at_its_first_match_keeping_the_search(client, seed_ids):
    text = get(client, "/search?q=断卡&year=2022&sort=date")
    links = [a.href for a in Page(text).anchors if a.href.startswith("/doc/")]
    assert len(links) == 2
    for href in links:
        url = urlsplit(html.unescape(href))
        assert url.fragment == "m1"
        assert parse_qsl(url.query) == [("q", "断卡"), ("year", "2022"), ("sort", "date")]
    # Without a query there is nothing to scroll to.
    links = [a.href for a in Page(get(client, "/search?year=2022")).anchors]
    assert [urlsplit(h).fragment for h in links if h.startswith("/doc/")] == ["", ""]


def test_document_page_numbers_its_marks_body_first(client, seed_ids):
    text = get(client, f"/doc/{seed_ids['004']}?q=电信网络诈骗")
    title = text.split('<h1 class="document-title">', 1)[1].split("</h1>", 1)[0]
    body = text.split('<div class="document-body">', 1)[1].split("</div>", 1)[0]
    body_ids = re.findall(r'<mark id="(m\d+)">', body)
    assert body_ids == [f"m{i}" for i in range(1, len(body_ids) + 1)] and len(body_ids) > 3
    # The title's mark is numbered after the body's, so #m1 is in the text.
    assert re.findall(r'<mark id="(m\d+)">', title) == [f"m{len(body_ids) + 1}"]
    ids = re.findall(r'<mark id="(m\d+)">', text)
    assert len(ids) == len(body_ids) + 1 == text.count("<mark")
    assert f"本文有 {len(ids)} 处与“电信网络诈骗”匹配" in text
    assert '<a href="#m1">跳到第一处</a>' in text


def test_document_page_without_a_match_says_so(client, seed_ids):
    text = get(client, f"/doc/{seed_ids['000']}?q=断卡")  # 000 does not name 断卡
    assert "<mark" not in text and 'href="#m1"' not in text
    assert "本文的标题和正文中没有可标出的“断卡”" in text


def test_document_page_back_link_returns_to_the_same_search(client, seed_ids):
    page = Page(get(client, f"/doc/{seed_ids['004']}?q=断卡&year=2022&sort=date&page=1"))
    (back, _again) = [a for a in page.anchors if "返回检索结果" in a.text]
    assert args(back.href) == [("q", "断卡"), ("year", "2022"), ("sort", "date")]
    page = Page(get(client, f"/doc/{seed_ids['004']}?q=断卡&page=abc"))  # bad: keep q only
    assert args([a for a in page.anchors if "返回检索结果" in a.text][0].href) == [("q", "断卡")]


def test_document_page_lists_related_releases(client, seed_ids):
    page = Page(get(client, f"/doc/{seed_ids['003']}"))
    related = page.text.split('<ul class="related-list">', 1)[1].split("</ul>", 1)[0]
    hrefs = re.findall(r'<a href="/doc/([0-9a-f]+)">', related)
    by_id = {doc_id: number for number, doc_id in seed_ids.items()}
    assert [by_id[h] for h in hrefs][0] == "001" and sorted(by_id[h] for h in hrefs) == [
        "000", "001", "002", "004"
    ]
    assert '<time datetime="2021-06-17">2021-06-17</time> · 新浪财经' in related


def chart_bars(text: str) -> list[tuple[str, str, str | None]]:
    """The chart's bars as (tick, count, href or None)."""
    chart = text.split('<ol class="bars">', 1)[1].split("</ol>", 1)[0]
    bars = []
    for slot in chart.split('<li class="bar-slot')[1:]:
        href = re.search(r'<a class="bar" href="([^"]+)"', slot)
        tick = re.search(r'<span class="bar-tick" aria-hidden="true">(.*?)</span>', slot).group(1)
        tick = re.sub(r"<[^>]+>", " ", tick).strip()
        count = re.search(r'<span class="bar-count" aria-hidden="true">([^<]*)', slot).group(1)
        bars.append((tick, count, html.unescape(href.group(1)) if href else None))
    return bars


def test_chart_of_years_links_bars_with_matches_to_their_year(client):
    text = get(client, "/search?q=拔钉&operation=拔钉")
    assert "按年份分布（2022—2026 年）" in text
    bars = chart_bars(text)
    assert [(tick, count) for tick, count, _href in bars] == [
        ("2022", "2"), ("2023", ""), ("2024", ""), ("2025", "1"), ("2026", "1")
    ]
    assert [href is None for _t, _c, href in bars] == [False, True, True, False, False]
    assert args(bars[0][2]) == [("q", "拔钉"), ("year", "2022"), ("operation", "拔钉")]
    # Two years chosen: each bar narrows to its own year.
    text = get(client, "/search?q=拔钉&year=2022&year=2025")
    bars = chart_bars(text)
    assert [(t, c) for t, c, _h in bars] == [("2022", "2"), ("2023", ""), ("2024", ""), ("2025", "1")]
    assert args(bars[0][2]) == [("q", "拔钉"), ("year", "2022")]


def test_chart_heights_are_classes_proportional_to_counts(client):
    text = get(client, "/search?q=拔钉")
    heights = re.findall(r'class="bar-fill bar-h(\d+)"', text)
    assert heights == ["20", "0", "0", "10", "10"]  # 2022: 2, 2023–2024: 0, 2025: 1, 2026: 1
    assert "style=" not in text


def test_chart_within_one_year_is_by_month_and_month_bars_narrow_by_date(client):
    text = get(client, "/search?q=断卡&year=2022")
    assert "按月份分布（2022年7月—2022年12月）" in text
    bars = chart_bars(text)
    assert [t for t, _c, _h in bars] == ["7月 2022", "8月", "9月", "10月", "11月", "12月"]
    assert [c for _t, c, _h in bars] == ["1", "", "", "", "", "1"]
    linked = [args(href) for _t, _c, href in bars if href]
    assert linked == [
        [("q", "断卡 date:2022-07"), ("year", "2022")],
        [("q", "断卡 date:2022-12"), ("year", "2022")],
    ]
    assert "点击柱条只看该月" in text


def test_chart_month_bars_add_a_date_query_when_the_grammar_has_dates(client, monkeypatch):
    from searchapp.web import pages

    monkeypatch.setattr(pages, "month_queries_supported", lambda schema: True)
    text = get(client, "/search?q=断卡")  # 2021-06 … 2022-12: 19 months
    bars = chart_bars(text)
    assert len(bars) == 19 and [b[0] for b in bars][:2] == ["6月 2021", "7月"]
    linked = [href for _t, _c, href in bars if href]
    assert [args(h) for h in linked] == [
        [("q", "断卡 date:2021-06")], [("q", "断卡 date:2022-07")], [("q", "断卡 date:2022-12")]
    ]
    assert "点击柱条只看该月" in text


def test_month_queries_are_in_the_grammar(app):
    from searchapp.web.pages import month_queries_supported

    with app.app_context():
        from searchapp.web import get_searcher

        assert month_queries_supported(get_searcher().schema) is True


@pytest.mark.parametrize(
    ("q", "expected"),
    [("断卡", "断卡 date:2022-07"), ("", "date:2022-07"), ("诈骗 OR 赌博", "(诈骗 OR 赌博) date:2022-07")],
)
def test_with_month(q, expected):
    from searchapp.web.pages import with_month

    assert with_month(q, "2022-07") == expected


def test_no_chart_for_a_single_bar_or_no_results(client):
    assert "date-chart" not in get(client, "/search?q=八成")  # one document
    assert "date-chart" not in get(client, "/search?q=量子纠缠")


def suggestions(text: str) -> list[tuple[str, str, list]]:
    """The empty page's suggestions as (label, count text, URL args)."""
    found = re.findall(
        r'<a class="suggestion" href="([^"]+)">([^<]+)</a> '
        r'<span class="suggestion-count">（(\d+) 篇）',
        text,
    )
    return [(html.unescape(label), count, args(href)) for href, label, count in found]


def test_no_sidebar_when_there_is_nothing_to_filter_by(client):
    assert 'class="facets"' not in get(client, "/search?q=量子纠缠")
    text = get(client, "/search?q=量子纠缠&year=2021")  # the active filter stays removable
    assert 'class="facets"' in text and "去掉筛选 年份 2021" in text


def test_no_results_suggest_dropping_each_filter_with_its_count(client):
    text = get(client, "/search?q=断卡&year=2021&operation=拔钉")
    assert total(text) == 0
    assert suggestions(text) == [
        ("去掉全部筛选", "3", [("q", "断卡")]),
        ("去掉筛选“年份：2021”", "2", [("q", "断卡"), ("operation", "拔钉")]),
        ("去掉筛选“专项行动：拔钉”", "1", [("q", "断卡"), ("year", "2021")]),
    ]


def test_no_results_suggest_dropping_a_word(client):
    text = get(client, "/search?q=断卡 量子 八成")  # 量子 is nowhere; 004 has 断卡 and 八成
    assert suggestions(text)[0] == ("去掉“量子”，搜索“断卡 八成”", "1", [("q", "断卡 八成")])
    text = get(client, "/search?q=八成 量子")
    assert suggestions(text)[0] == ("去掉“量子”，搜索“八成”", "1", [("q", "八成")])
    # Operators and quotes make words depend on each other: not split.
    assert not any(label.startswith("去掉") for label, _c, _a in suggestions(get(client, '/search?q="断卡 量子"')))


def test_spelling_suggestions_of_the_core_are_offered_when_it_has_them(client, monkeypatch):
    from searchapp import search as core
    from searchapp.web import pages

    real_search = core.search

    def search_with_suggestions(searcher, request):
        results = real_search(searcher, request)
        results.suggestions = ["断卡", "量子"]
        return results

    monkeypatch.setattr(pages, "search", search_with_suggestions)
    # Nothing matches and nothing is corrected: the core's suggestions that find
    # something are offered, with their counts.
    assert suggestions(get(client, "/search?q=量子纠缠")) == [("搜索“断卡”", "3", [("q", "断卡")])]


@pytest.mark.parametrize(
    ("q", "hint", "fixed"),
    [
        ("NOT NOT 诈骗", "AND、OR、NOT 要写在两个词之间", "诈骗"),
        ("NOT OR 诈骗", "不能连用或放在末尾", "诈骗"),
        ("*", "不支持通配符 * 和 ?", None),
        ("(", "括号不成对", None),
        ("-", "查询里没有可搜索的文字", None),
    ],
)
def test_malformed_query_says_what_to_fix(client, q, hint, fixed):
    response = client.get("/search", query_string={"q": q})
    assert_error(response, 400)
    text = response.get_data(as_text=True)
    assert hint in text
    fixes = re.findall(r'<p class="error-fix">改为搜索：<a href="([^"]+)">([^<]+)</a>', text)
    if fixed:
        assert [(label, args(href)) for href, label in fixes] == [(fixed, [("q", fixed)])]
    else:
        assert fixes == [] and "改为搜索" not in text


def test_query_fixes_for_quotes_and_long_queries(app):
    from searchapp.engine.whoosh.schema import build_schema
    from searchapp.web.pages import query_fixes

    schema = build_schema()
    with app.test_request_context():
        fixes = query_fixes('NOT NOT "断卡', schema)
        assert any("引号" in hint and "不成对" in hint for hint in fixes["hints"])
        assert any("不能连用或放在末尾" in hint for hint in fixes["hints"])
        assert fixes["fixed_query"] == "断卡"
        assert "最长 500 个字符" in query_fixes("诈" * 501, schema)["hints"][0]


def test_a_refused_parameter_does_not_blame_the_query(client):
    response = client.get("/search", query_string={"q": "断卡 OR 断流", "page": "abc"})
    assert "page must be a whole number" in assert_error(response, 400)
    text = response.get_data(as_text=True)
    assert "改为搜索" not in text and "AND、OR、NOT" in text  # the general hint only
    assert "页码和每页条数须为正整数" in text


# --- hostile data -----------------------------------------------------------------------------

EVIL = Document(
    id="e0000000000000e1",
    path="evil.md",
    title="<script>alert(3)</script>警情通报",
    date=None,
    year=None,
    date_source=None,
    source="<b>市局</b>",
    feed="<i>feed</i>",
    origin='"><img src=x onerror=alert(2)>',
    url="javascript:alert(1)",
    operations=("断卡",),
    body=(
        "警情通报：某地发生一起案件。<img src=x onerror=alert(1)> 这里有<mark>假的高亮</mark>。"
        '\n\n第二段，再次出现 onerror 与 <svg onload=alert(5)> 及 <a href="javascript:alert(6)">链接</a>。'
    ),
)
SAFE = Document(
    id="5afe000000000000",
    path="safe.md",
    title="某市公安局警情通报",
    date="2024-03-02",
    year=2024,
    date_source="byline",
    source="市公安局",
    feed="",
    origin="",
    url="https://example.org/a?b=1&c=2",
    operations=(),
    body="警情通报：一名嫌疑人已被抓获。",
)


#: Every tag our templates use; anything else in a page came from data.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "div", "form", "label",
    "input", "button", "main", "footer", "p", "code", "h1", "h2", "aside", "section", "ul",
    "li", "span", "nav", "ol", "time", "mark", "strong", "article", "dl", "dt", "dd",
    "figure", "figcaption", "details", "summary",
}


@pytest.fixture
def evil_client(tmp_path):
    """A client over a private index holding :data:`EVIL` and :data:`SAFE`."""
    index_documents([EVIL, SAFE], tmp_path / "index")
    return create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()


@pytest.mark.parametrize(
    ("url", "marked"),
    [
        ("/search?q=通报", {"通报"}),
        ("/search?q=onerror", {"onerror"}),
        ("/search?q=%3Csvg%20onload%3Dalert(4)%3E", {"svg", "onload", "alert", "4"}),
        ("/search?q=市局", {"市局"}),
        ("/search?source=%3Cb%3E%E5%B8%82%E5%B1%80%3C%2Fb%3E", set()),
        ("/doc/e0000000000000e1?q=onerror", {"onerror"}),
        ("/doc/e0000000000000e1?q=%3Cmark%3E", {"mark"}),  # the word, inside escaped text
    ],
)
def test_hostile_data_and_queries_are_escaped(evil_client, url, marked):
    response = evil_client.get(url)
    assert response.status_code == 200  # each is a well-formed search or document page
    text = response.get_data(as_text=True)
    for tag in ("<script", "<img", "<svg", "<b>", "<i>"):
        assert tag not in text.lower(), tag
    tags = Page(text).tags
    assert {name for name, _attrs in tags} <= ALLOWED_TAGS
    for _name, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")]  # no event handlers
        for link in (attrs.get("href"), attrs.get("src"), attrs.get("action")):
            assert not (link or "").strip().lower().startswith(("javascript:", "data:"))
    # Every <mark> is ours, around a word of the query; the data's own appear escaped.
    marks = re.findall(r'<mark(?: id="m\d+")?>(.*?)</mark>', text)
    assert text.count("<mark") == len(marks)
    assert {m.lower() for m in marks} <= marked
    if url.startswith("/doc/"):
        unmarked = re.sub(r'</?mark(?: id="m\d+")?>', "", text)
        assert "&lt;mark&gt;假的高亮&lt;/mark&gt;" in unmarked
        assert "&lt;img src=x onerror=alert(1)&gt;" in unmarked


def test_original_link_only_for_http_urls(evil_client):
    text = get(evil_client, "/search?q=通报")
    links = Page(text).with_class("original-link")
    assert [a.href for a in links] == ["https://example.org/a?b=1&c=2"]
    assert links[0].attrs["rel"] == "noopener noreferrer nofollow"
    assert "日期不详" in text  # the undated document
    doc = get(evil_client, "/doc/e0000000000000e1")
    assert not Page(doc).with_class("original-link")
    assert "&lt;script&gt;alert(3)&lt;/script&gt;警情通报" in doc


# --- headers, templates, assets ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/search?q=断卡", "/search?q=(", "/nowhere", "/doc/x", "/static/style.css"]
)
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value


@pytest.mark.parametrize("path", ["/search?q=断卡&operation=拔钉", "/doc/<003>?q=断卡", "/nowhere"])
def test_pages_need_no_inline_script_or_style(client, seed_ids, path):
    path = path.replace("<003>", seed_ids["003"])
    text = get(client, path, status=404 if path == "/nowhere" else 200)
    assert "<script" not in text and "<style" not in text and "style=" not in text
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) == ["/static/style.css"]
    assert not re.search(r'src=|<link[^>]*href="(https?:)?//', text)  # no external assets


def test_search_page_links_its_json(client):
    response = client.get("/search?q=断卡&year=2022")
    link = response.headers["Link"]
    assert link.startswith("</api/search?q=") and 'rel="alternate"' in link
    assert args(link[1:].split(">", 1)[0]) == [("q", "断卡"), ("year", "2022")]


def test_stylesheet_is_served(client):
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert b"PingFang SC" in response.data


def test_templates_are_found_in_a_checkout_and_in_a_wheel(tmp_path, monkeypatch):
    assert (searchapp.templates_folder() / "search.html").is_file()
    packaged = tmp_path / "templates"
    packaged.mkdir()
    monkeypatch.setattr(searchapp, "_PACKAGED_TEMPLATES", packaged)
    assert searchapp.templates_folder() == packaged


def test_factory_config_defaults(monkeypatch):
    monkeypatch.setenv("SEARCHAPP_INDEX", "/srv/index")
    app = create_app()
    assert not app.testing
    assert app.config["INDEX_DIR"] == "/srv/index"
    assert app.config["PAGE_SIZE"] == 10
    assert app.config["FACET_SIZE"] == 30
    assert app.json.ensure_ascii is False and app.json.sort_keys is False
    assert create_app({"TESTING": True}).testing
