"""Exact answers of the search core on the five hand-written documents of ``TINY_CORPUS``
(tests/conftest.py), each checked by reading the texts:

====  ==========  ========  ==========  ====================================================
id    date        source    operations  says
====  ==========  ========  ==========  ====================================================
a     2022-07-25  新浪财经  断卡 断流   跑分 (title only), 电信网络诈骗, 300万元
b     2023-03-01  光明网    —           跑分, 冒充公检法 … 自称客服 (apart), 诈骗手法
c     —           —         断卡        断卡行动, 电话卡, 银行卡
d     2021-06-17  —         —           冒充客服 (together, title and body), 诈骗案, 被骗5万元
e     —           新浪财经  —           交通管制 only: nothing about fraud
====  ==========  ========  ==========  ====================================================

A query word matches when its characters stand together in the title or body (or all of its
jieba words do), so the expected sets below are what a reader finds with Ctrl-F.
"""

import pytest

from searchapp.search import MAX_PER_PAGE
from searchapp.search import SearchRequest
from searchapp.search import search

pytestmark = pytest.mark.parametrize("searcher", ["tiny"], indirect=True)


def found(searcher, q="", **options) -> list[str]:
    """Return the ids the search finds, in result order; check the total says as many."""
    results = search(searcher, SearchRequest(q=q, per_page=MAX_PER_PAGE, **options))
    ids = [hit.id for hit in results.hits]
    assert results.total == len(ids)
    assert results.corrected is None  # the answer is for what was typed
    return ids


def facets(searcher, q="", **options) -> dict[str, list[tuple[str, int, bool]]]:
    """Return the facets as ``{facet: [(value, count, missing), ...]}`` in display order."""
    results = search(searcher, SearchRequest(q=q, **options))
    return {
        name: [(v.value, v.count, v.missing) for v in values]
        for name, values in results.facets.items()
    }


def test_an_empty_query_lists_all_five_newest_first_and_the_undated_last(searcher):
    # b 2023, a 2022, d 2021; c and e have no date and follow in index order.
    assert found(searcher) == ["b", "a", "d", "c", "e"]
    assert found(searcher, sort="date") == ["b", "a", "d", "c", "e"]
    assert found(searcher, sort="date_asc") == ["d", "a", "b", "c", "e"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("跑分", {"a", "b"}),
        ("诈骗", {"a", "b", "d"}),  # 电信网络诈骗, 诈骗手法, 诈骗案
        ("骗", {"a", "b", "d"}),  # one character: the same three (d also says 被骗)
        ("断卡", {"a", "c"}),
        ("5万元", {"d"}),  # a's 300万元 does not hold it
        ("冒充 客服", {"b", "d"}),  # two words, anywhere in the text
        ('"冒充客服"', {"d"}),  # a phrase: b has the two words apart
        ("诈骗 -冒充", {"a"}),  # b and d say 冒充
        ("诈骗 NOT 冒充", {"a"}),
        ("诈骗 OR 交通管制", {"a", "b", "d", "e"}),
        ("交通管制", {"e"}),  # the only query that finds e
    ],
)
def test_queries_find_exactly_the_documents_that_say_it(searcher, q, expected):
    assert set(found(searcher, q)) == expected


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body(searcher):
    # 跑分 is in a's title only and in b's body only; titles weigh three times as much.
    assert found(searcher, "跑分") == ["a", "b"]
    # d says 诈骗 in its title; a and b only in their bodies.
    assert found(searcher, "诈骗")[0] == "d"


def test_sort_by_date_orders_the_matches_of_a_query(searcher):
    assert found(searcher, "诈骗", sort="date") == ["b", "a", "d"]
    assert found(searcher, "诈骗", sort="date_asc") == ["d", "a", "b"]


def test_facet_counts_over_all_documents_end_with_the_missing_value_buckets(searcher):
    assert facets(searcher) == {
        # years newest first; c and e are undated
        "year": [("2023", 1, False), ("2022", 1, False), ("2021", 1, False), ("未注明日期", 2, True)],
        # most frequent first (a and e are 新浪财经); c and d have no source
        "source": [("新浪财经", 2, False), ("光明网", 1, False), ("无来源", 2, True)],
        # a and c name 断卡, a alone 断流; no bucket for documents naming no operation
        "operation": [("断卡", 2, False), ("断流", 1, False)],
    }


def test_facet_counts_of_a_query_count_only_its_matches(searcher):
    # 诈骗 finds a, b, d: all dated (no 未注明日期 bucket), d without source.
    assert facets(searcher, "诈骗") == {
        "year": [("2023", 1, False), ("2022", 1, False), ("2021", 1, False)],
        "source": [("光明网", 1, False), ("新浪财经", 1, False), ("无来源", 1, True)],
        "operation": [("断卡", 1, False), ("断流", 1, False)],
    }


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"years": ("未注明日期",)}, ["c", "e"]),
        ({"sources": ("无来源",)}, ["d", "c"]),
        ({"years": ("未注明日期",), "sources": ("无来源",)}, ["c"]),
        ({"years": ("2021", "未注明日期")}, ["d", "c", "e"]),
        ({"operations": ("断卡",)}, ["a", "c"]),
        ({"sources": ("新浪财经",), "operations": ("断卡",)}, ["a"]),
    ],
)
def test_filters_including_the_missing_value_buckets(searcher, options, expected):
    assert found(searcher, **options) == expected


def test_a_facet_is_counted_without_its_own_filter(searcher):
    # Choosing 未注明日期 keeps the other years on offer; the other facets count c and e.
    assert facets(searcher, years=("未注明日期",)) == {
        "year": [("2023", 1, False), ("2022", 1, False), ("2021", 1, False), ("未注明日期", 2, True)],
        "source": [("新浪财经", 1, False), ("无来源", 1, True)],
        "operation": [("断卡", 1, False)],
    }
