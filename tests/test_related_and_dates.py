"""The search core's helpers for the pages: related documents (``more_like_this``), the date
histogram and exact match counts, on the five seeds.

Checked by hand: seed dates are 000 2026-01-08, 001 2021-06-17, 002 2025-03-06, 003 2022-12-30,
004 2022-07-25; 断卡 is in 001, 003, 004; 拔钉 in 000, 002, 003, 004.
"""


import pytest

from searchapp.document import Document
from searchapp.indexer import index_documents
from searchapp.indexer import open_index
from searchapp.search import QueryError
from searchapp.search import SearchRequest
from searchapp.search import count_matches
from searchapp.search import date_histogram
from searchapp.search import more_like_this


def histogram_of(searcher, q="", **options):
    request = SearchRequest(q=q, **options.pop("request", {}))
    histogram = date_histogram(searcher, request, **options)
    return histogram.unit, [(b.key, b.count) for b in histogram.buckets], histogram.undated


def test_histogram_by_year_with_gaps_as_zeros(searcher):
    assert histogram_of(searcher) == (
        "year",
        [("2021", 1), ("2022", 2), ("2023", 0), ("2024", 0), ("2025", 1), ("2026", 1)],
        0,
    )


def test_histogram_by_month_when_the_range_is_short(searcher):
    # 断卡: 2021-06 to 2022-12 is 19 months, within the default 24.
    unit, buckets, _undated = histogram_of(searcher, "断卡")
    assert unit == "month"
    assert len(buckets) == 19 and buckets[0] == ("2021-06", 1) and buckets[-1] == ("2022-12", 1)
    assert dict(buckets)["2022-07"] == 1 and sum(count for _key, count in buckets) == 3
    # The same matches per year when months are not wanted.
    assert histogram_of(searcher, "断卡", monthly_span_months=0) == (
        "year", [("2021", 1), ("2022", 2)], 0
    )
    assert histogram_of(searcher, "断卡", monthly_span_months=18)[0] == "year"  # 19 > 18


def test_histogram_counts_only_what_the_filters_let_through(searcher):
    assert histogram_of(searcher, "拔钉", request={"years": ("2022",)}) == (
        "month",
        [("2022-07", 1), ("2022-08", 0), ("2022-09", 0), ("2022-10", 0), ("2022-11", 0),
         ("2022-12", 1)],
        0,
    )
    assert histogram_of(searcher, "量子纠缠") == ("year", [], 0)


def test_histogram_counts_undated_documents_apart(tmp_path):
    documents = [
        Document(id=f"d{i}", path=f"{i}.md", title="通报", date=date,
                 year=int(date[:4]) if date else None, date_source="front_matter" if date else None,
                 source="", feed="", origin="", url="", operations=(), body=f"警情通报第{i}号。")
        for i, date in enumerate(["2019-12-31", "2020-01-01", "2020-01-02", None])
    ]
    index_documents(documents, tmp_path / "index")
    with open_index(tmp_path / "index").searcher() as searcher:
        assert histogram_of(searcher, "通报") == ("month", [("2019-12", 1), ("2020-01", 2)], 1)


def test_histogram_and_count_refuse_a_malformed_query(searcher):
    with pytest.raises(QueryError):
        date_histogram(searcher, SearchRequest(q="NOT NOT 诈骗"))
    with pytest.raises(QueryError):
        count_matches(searcher, SearchRequest(q="*"))


@pytest.mark.parametrize(
    ("q", "filters", "expected"),
    [
        ("断卡", {}, 3),
        ("断卡", {"years": ("2022",)}, 2),
        ("断卡", {"years": ("2021", "2022"), "operations": ("拔钉",)}, 2),
        ("断卡 量子", {}, 0),
        ("", {}, 5),
    ],
)
def test_count_matches_is_the_search_total(searcher, q, filters, expected):
    assert count_matches(searcher, SearchRequest(q=q, **filters)) == expected


def test_more_like_this_lists_the_other_releases_never_itself(searcher, seed_ids):
    by_id = {doc_id: number for number, doc_id in seed_ids.items()}
    for number, doc_id in seed_ids.items():
        related = more_like_this(searcher, doc_id, limit=10)
        found = [by_id[hit.id] for hit in related]
        assert number not in found
        # All five seeds are about telecom fraud crackdowns: the other four are all related.
        assert sorted(found) == sorted(set(seed_ids) - {number})
        assert [hit.rank for hit in related] == [1, 2, 3, 4]
        scores = [hit.score for hit in related]
        assert scores == sorted(scores, reverse=True) and scores[-1] > 0
        assert all(hit.snippet and "<mark>" not in hit.snippet for hit in related)


def test_more_like_this_ranks_the_release_sharing_most_key_terms_first(searcher, seed_ids):
    # 003 (Nov 2022 figures, 断卡 2.0, 反诈 warnings) shares most with 001 (figures for the
    # first months of 2021, 断卡): both are national tallies of cases, cards and warnings.
    assert more_like_this(searcher, seed_ids["003"], limit=1)[0].id == seed_ids["001"]


def test_more_like_this_of_an_unknown_document_or_for_no_hits_is_empty(searcher, seed_ids):
    assert more_like_this(searcher, "0000000000000000") == []
    assert more_like_this(searcher, seed_ids["001"], limit=0) == []
    assert len(more_like_this(searcher, seed_ids["001"], limit=2)) == 2


def test_more_like_this_uses_no_particles_or_bare_numbers(tmp_path):
    # Two documents sharing only 的 and 2024, a third sharing a real word with the first.
    def doc(doc_id, body):
        return Document(id=doc_id, path=f"{doc_id}.md", title=doc_id, date=None, year=None,
                        date_source=None, source="", feed="", origin="", url="",
                        operations=(), body=body)

    index_documents(
        [doc("a", "2024 的 跑分平台 的 2024"), doc("b", "2024 的 2024 的"), doc("c", "打击跑分平台")],
        tmp_path / "index",
    )
    with open_index(tmp_path / "index").searcher() as searcher:
        assert [hit.id for hit in more_like_this(searcher, "a")] == ["c"]
        assert more_like_this(searcher, "b") == []


def test_more_like_this_lists_a_reprinted_title_once(tmp_path):
    def doc(doc_id, title, body):
        return Document(id=doc_id, path=f"{doc_id}.md", title=title, date=None, year=None,
                        date_source=None, source="", feed="", origin="", url="",
                        operations=(), body=body)

    index_documents(
        [
            doc("a", "打击跑分平台", "警方打击跑分平台，抓获跑分团伙。"),
            doc("b", "跑分团伙落网", "跑分团伙落网，跑分平台被查。"),
            doc("c", "跑分团伙落网", "跑分团伙落网，跑分平台被查处。"),  # a reprint of b
            doc("d", "打击跑分平台", "另一家转载：警方打击跑分平台。"),  # a's own title
        ],
        tmp_path / "index",
    )
    with open_index(tmp_path / "index").searcher() as searcher:
        related = more_like_this(searcher, "a")
        assert [hit.title for hit in related] == ["跑分团伙落网"]
        assert [hit.rank for hit in related] == [1]


def test_counts_and_histogram_parse_the_query_as_the_search_does(searcher):
    from searchapp.search import search

    # 断卡 stands in the bodies of seeds 001, 003 and 004 and in no title (checked by hand).
    everywhere = SearchRequest(q="断卡")
    titles = SearchRequest(q="断卡", title_only=True)
    assert count_matches(searcher, everywhere) == search(searcher, everywhere).total == 3
    assert count_matches(searcher, titles) == search(searcher, titles).total == 0
    histogram = date_histogram(searcher, titles)
    assert histogram.buckets == [] and histogram.undated == 0
