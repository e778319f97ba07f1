"""What a person sees and does in a real Chromium: search, facets, chart, paging, sorting,
a document with its matches, empty and malformed searches, keyboard only, no JavaScript,
and a phone-sized screen. Screenshots of each state go to ``tests/artifacts/``.

Expected values were checked by reading the seeds (see ``tests/test_search.py``): 断卡 is in
001 (2021-06-17), 003 (2022-12-30) and 004 (2022-07-25); 拔钉 in 000, 002, 003, 004; 电信网络诈骗
and 诈骗 in all five. Operations: 001 断卡; 003 斩链 清源 利剑 拔钉 断卡; 004 断卡 断流 拔钉.
The served app shows 2 hits per page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser

TITLE_003 = "公安部:截至11月底,全国共破获电信网络诈骗案件39.1万起"
TITLE_004 = "公安部：电信网络诈骗犯罪立案数下降，境外作案占比八成"


# --- helpers: read the page as a person would ------------------------------------------------


def query_args(page) -> list[tuple[str, str]]:
    """The current URL's query string as (name, value) pairs."""
    return parse_qsl(urlsplit(page.url).query)


def result_count(page) -> int:
    """The number in 找到 N 篇."""
    text = page.locator("#result-count").inner_text()
    return int(re.fullmatch(r"找到 (\d+) 篇，用时 [\d.]+ 毫秒", text).group(1))


def titles(page) -> list[str]:
    return page.locator(".hit-title").all_inner_texts()


def dates(page) -> list[str]:
    return page.locator(".hit-meta time").all_inner_texts()


def facet_value(page, facet: str, value: str):
    """The link of one facet value in the sidebar (``facet`` is year, source or operation)."""
    section = page.locator("section.facet", has=page.locator(f"#facet-{facet}"))
    label = page.locator(".facet-label", has_text=re.compile(f"^{re.escape(value)}$"))
    return section.locator("a.facet-value", has=label)


def chips(page) -> list[str]:
    """The active filter chips, as shown: 年份：2022 …"""
    return page.locator(".active-filters .chip-active > span").all_inner_texts()


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def search_for(page, q: str) -> None:
    """Type ``q`` into the search box, as a person would, and press Enter."""
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially(q)
    with page.expect_navigation():
        box.press("Enter")


def in_viewport(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0; }"
    )


# --- the "Done when" path ---------------------------------------------------------------


@pytest.mark.parametrize("tab", ["desktop", "no_script"])
def test_find_the_2022_releases_that_mention_duanka_see_why_and_open_one(request, tab):
    visit = request.getfixturevalue(tab)
    page = visit.page
    visit.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("script").count() == 0

    search_for(page, "断卡")
    assert query_args(page) == [("q", "断卡")]
    assert page.locator("#q").input_value() == "断卡"  # the query stays in the box
    assert result_count(page) == 3
    assert facet_value(page, "year", "2022").locator(".facet-count").inner_text() == "2"
    assert facet_value(page, "year", "2021").locator(".facet-count").inner_text() == "1"

    click_and_wait(page, facet_value(page, "year", "2022"))
    assert query_args(page) == [("q", "断卡"), ("year", "2022")]
    assert result_count(page) == 2
    assert sorted(titles(page)) == sorted([TITLE_003, TITLE_004])
    assert chips(page) == ["年份：2022"]
    # Why each matched: the word is marked in every snippet.
    for hit in page.locator(".hit").all():
        assert set(hit.locator(".hit-snippet mark").all_inner_texts()) == {"断卡"}
    hit_004 = page.locator(".hit", has_text=TITLE_004)
    meta = hit_004.locator(".hit-meta").inner_text()
    assert "2022-07-25" in meta and "新浪财经" in meta and "原载 澎湃新闻" in meta
    assert hit_004.locator(".hit-footer .chip").all_inner_texts() == ["断卡", "断流", "拔钉"]
    visit.screenshot(f"{tab}-1-duanka-2022")

    click_and_wait(page, hit_004.locator(".hit-title a"))
    url = urlsplit(page.url)
    assert url.path.startswith("/doc/") and url.fragment == "m1"
    assert parse_qsl(url.query) == [("q", "断卡"), ("year", "2022")]
    assert page.locator("h1").inner_text() == TITLE_004
    assert "2022-07-25（原文标注）" in page.locator(".document-meta").inner_text()
    assert page.locator(".document-body mark").all_inner_texts() == ["断卡"]
    # The first match is scrolled into view (no script: the #m1 fragment does it).
    assert page.locator("#m1").inner_text() == "断卡"
    assert page.evaluate("window.scrollY") > 200
    assert in_viewport(page, "#m1")
    assert "本文有 1 处与“断卡”匹配" in page.locator(".match-summary").inner_text()
    assert page.locator(".related-list li").count() == 4  # the other four seeds
    visit.screenshot(f"{tab}-2-document-at-first-match", full_page=False)

    click_and_wait(page, page.locator(".back a").first)
    assert query_args(page) == [("q", "断卡"), ("year", "2022")]
    assert result_count(page) == 2


# --- facets, chips, chart, paging, sorting -------------------------------------------------------


def test_facets_combine_or_within_and_across_and_chips_remove_them(desktop):
    page = desktop.page
    desktop.goto("/?q=断卡")
    click_and_wait(page, facet_value(page, "year", "2022"))
    click_and_wait(page, facet_value(page, "year", "2021"))
    assert result_count(page) == 3  # 2022 OR 2021
    for year in ("2022", "2021"):
        assert facet_value(page, "year", year).get_attribute("aria-current") == "true"
    click_and_wait(page, facet_value(page, "operation", "拔钉"))
    assert result_count(page) == 2  # … AND 拔钉: 003 and 004, not 001
    assert sorted(titles(page)) == sorted([TITLE_003, TITLE_004])
    assert chips(page) == ["年份：2022", "年份：2021", "专项行动：拔钉"]
    desktop.screenshot("desktop-3-facets-combined")

    click_and_wait(page, page.get_by_role("link", name="去掉筛选 年份 2022"))
    assert chips(page) == ["年份：2021", "专项行动：拔钉"]
    assert result_count(page) == 0  # 001 is the 2021 one, and it does not name 拔钉
    assert "没有找到与“断卡”相关的通报" in page.locator(".notice-empty").inner_text()
    suggestions = page.locator(".suggestions li").all_inner_texts()
    assert suggestions == [
        "去掉全部筛选 （3 篇）",
        "去掉筛选“年份：2021” （2 篇）",
        "去掉筛选“专项行动：拔钉” （1 篇）",
    ]
    desktop.screenshot("desktop-4-no-results-with-suggestions")

    click_and_wait(page, page.locator(".clear-filters"))
    assert query_args(page) == [("q", "断卡")]
    assert chips(page) == []
    assert result_count(page) == 3


def test_operation_chip_of_a_hit_filters_by_it(desktop):
    page = desktop.page
    desktop.goto("/?q=断卡")
    hit_004 = page.locator(".hit", has_text=TITLE_004)
    click_and_wait(page, hit_004.locator(".chip", has_text="断流"))
    assert query_args(page) == [("q", "断卡"), ("operation", "断流")]
    assert titles(page) == [TITLE_004]


def test_chart_bars_narrow_the_search_to_their_year(desktop):
    page = desktop.page
    desktop.goto("/?q=电信网络诈骗")
    chart = page.locator(".date-chart")
    assert chart.locator("figcaption").inner_text().startswith("按年份分布（2021—2026 年）")
    bars = chart.locator(".bar")
    assert bars.locator(".bar-tick").all_inner_texts() == [str(y) for y in range(2021, 2027)]
    assert bars.locator(".bar-count").all_inner_texts() == ["1", "2", "", "", "1", "1"]
    # Only bars with matches are links (2023 and 2024 have none).
    assert chart.locator("a.bar .bar-tick").all_inner_texts() == ["2021", "2022", "2025", "2026"]
    tall, short = chart.locator("a.bar").nth(1), chart.locator("a.bar").nth(0)
    assert tall.locator(".bar-fill").bounding_box()["height"] == 2 * short.locator(
        ".bar-fill"
    ).bounding_box()["height"]
    desktop.screenshot("desktop-5-chart", full_page=False)

    click_and_wait(page, chart.locator("a.bar", has_text="2022"))
    assert query_args(page) == [("q", "电信网络诈骗"), ("year", "2022")]
    assert result_count(page) == 2
    # Within one year the chart goes monthly: July to December 2022, one release each end.
    caption = page.locator(".date-chart figcaption").inner_text()
    assert caption.startswith("按月份分布（2022年7月—2022年12月）")
    counts = page.locator(".date-chart .bar-count").all_inner_texts()
    assert counts == ["1", "", "", "", "", "1"]


def test_paging_and_sorting_keep_the_filters(desktop):
    page = desktop.page
    desktop.goto("/?q=电信网络诈骗")
    assert result_count(page) == 5
    click_and_wait(page, page.locator(".sort a", has_text="最新"))
    assert query_args(page) == [("q", "电信网络诈骗"), ("sort", "date")]
    assert dates(page) == ["2026-01-08", "2025-03-06"]
    click_and_wait(page, page.locator(".page-next"))
    assert dates(page) == ["2022-12-30", "2022-07-25"]
    assert page.locator("ol.hits").get_attribute("start") == "3"
    click_and_wait(page, page.locator(".page-next"))
    assert dates(page) == ["2021-06-17"]
    assert page.locator(".page-next").count() == 0

    click_and_wait(page, facet_value(page, "operation", "拔钉"))  # back to page 1 of 2
    assert query_args(page) == [("q", "电信网络诈骗"), ("operation", "拔钉"), ("sort", "date")]
    assert result_count(page) == 4
    click_and_wait(page, page.locator(".page-number", has_text="2"))
    assert query_args(page) == [
        ("q", "电信网络诈骗"), ("operation", "拔钉"), ("sort", "date"), ("page", "2")
    ]
    assert dates(page) == ["2022-12-30", "2022-07-25"]
    assert page.locator(".page-number.current").inner_text() == "2"
    desktop.screenshot("desktop-6-page-2-filtered")

    click_and_wait(page, page.locator(".sort a", has_text="最早"))
    assert dates(page) == ["2022-07-25", "2022-12-30"]  # page 1 again, oldest first


# --- empty and malformed searches ----------------------------------------------------------------


def test_no_results_echo_the_query_and_offer_a_search_that_finds_some(desktop):
    page = desktop.page
    desktop.goto("/")
    search_for(page, "断卡 量子")
    assert result_count(page) == 0
    assert page.locator(".empty-message").inner_text().startswith("没有找到与“断卡 量子”相关的通报")
    suggestion = page.locator("a.suggestion")
    assert suggestion.all_inner_texts() == ["去掉“量子”，搜索“断卡”"]
    click_and_wait(page, suggestion)
    assert query_args(page) == [("q", "断卡")]
    assert result_count(page) == 3


def test_malformed_query_says_what_to_fix_and_offers_the_fixed_query(desktop):
    page = desktop.page
    desktop.goto("/")
    desktop.expected_statuses.add(400)
    search_for(page, "NOT NOT 诈骗")
    box = page.locator(".error-box")
    assert box.locator("h1").inner_text() == "查询有误，请修改后再搜"
    assert "AND、OR、NOT 要写在两个词之间" in box.inner_text()
    assert page.locator("#q").input_value() == "NOT NOT 诈骗"
    desktop.screenshot("desktop-7-malformed-query")
    click_and_wait(page, box.locator(".error-fix a"))
    assert query_args(page) == [("q", "诈骗")]
    assert result_count(page) == 5


# --- keyboard, phone -----------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate(
        "() => { const el = document.activeElement; const style = getComputedStyle(el);"
        " return {tag: el.tagName, id: el.id, cls: el.className, text: el.innerText || '',"
        " href: el.getAttribute('href') || '', outline: style.outlineStyle}; }"
    )


def tab_until(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies ``matches``; fail after ``limit``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError("not reachable with Tab")


def test_everything_is_reachable_with_the_keyboard(desktop):
    page = desktop.page
    desktop.goto("/")
    page.keyboard.press("Tab")
    assert focused(page)["cls"] == "skip-link"
    assert in_viewport(page, ".skip-link")  # shown when focused
    tab_until(page, lambda el: el["id"] == "q")
    page.keyboard.type("断卡")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert result_count(page) == 3

    year = tab_until(page, lambda el: "facet-value" in el["cls"] and "2022" in el["text"])
    assert year["outline"] != "none"  # a visible focus ring
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_args(page) == [("q", "断卡"), ("year", "2022")]

    tab_until(page, lambda el: el["href"].startswith("/doc/"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "m1"
    assert in_viewport(page, "#m1")


def test_phone_sized_screen(phone):
    page = phone.page
    phone.goto("/")
    search_for(page, "断卡")

    def fits_the_screen() -> bool:
        # Not window.innerWidth: a mobile browser widens the layout viewport to fit content.
        return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    assert fits_the_screen()
    assert in_viewport(page, "#q") and in_viewport(page, ".search-form button")
    first_hit = page.locator(".hit").first.bounding_box()
    assert first_hit["y"] < 844  # the results start on the first screen
    phone.screenshot("phone-1-results")

    click_and_wait(page, facet_value(page, "year", "2022"))
    assert result_count(page) == 2 and fits_the_screen()
    phone.screenshot("phone-2-duanka-2022")

    click_and_wait(page, page.locator(".hit-title a").first)
    assert fits_the_screen() and in_viewport(page, "#m1")
    phone.screenshot("phone-3-document-at-first-match", full_page=False)
    phone.screenshot("phone-4-document-whole")

    phone.goto("/?q=断卡 量子")
    assert fits_the_screen()
    phone.screenshot("phone-5-no-results")
