"""Array matching and the facet table give exactly what Whoosh itself gives.

:func:`searchapp.matching.matching_docnums` replaces Whoosh's document-at-a-time matching
and :class:`searchapp.facets.FacetTable` replaces per-facet queries; both are checked against
Whoosh (and against counts taken from the stored fields) on the seeds and on real documents
from ``../shared/corpus``.
"""

from __future__ import annotations

from collections import Counter

import pytest

from searchapp.facets import MISSING_VALUES
from searchapp.facets import FacetTable
from searchapp.indexer import open_index
from searchapp.engine.whoosh.matching import matching_docnums
from searchapp.search import SearchRequest
from searchapp.search import date_histogram
from searchapp.search import search
from query_shapes import QUERIES
from query_shapes import core_query as _core

def _whoosh_docnums(searcher, q) -> list[int]:
    reader = searcher.reader()
    return sorted(d for d in set(searcher.docs_for_query(q)) if not reader.is_deleted(d))


@pytest.mark.parametrize("searcher", ["seeds", "corpus sample"], indirect=True)
@pytest.mark.parametrize("q", QUERIES)
def test_array_matching_equals_whoosh(searcher, q):
    core = _core(q, searcher.schema)
    reader = searcher.reader()
    ours = [d for d in matching_docnums(searcher, core).tolist() if not reader.is_deleted(d)]
    assert ours == _whoosh_docnums(searcher, core)


@pytest.mark.parametrize("searcher", ["corpus sample"], indirect=True)
def test_the_corpus_sample_matches_something_for_most_queries(searcher):
    # Guards the test above from passing on empty results only.
    sizes = {q: len(matching_docnums(searcher, _core(q, searcher.schema))) for q in QUERIES}
    documents = len(FacetTable.for_searcher(searcher).all_docnums())
    # Relations that must hold whatever the sample (562 documents, most of them CCTV items).
    assert sizes["诈骗"] >= 5 and sizes["骗"] > sizes["诈骗"]
    assert sizes["詐騙"] == sizes["诈骗"] and sizes["電信網絡詐騙"] == sizes["电信网络诈骗"]
    assert sizes['"网络安全"'] > 10 and sizes["新闻联播"] > 100
    assert sizes["NOT 诈骗"] + sizes["诈骗"] == documents
    assert sum(1 for size in sizes.values() if size) >= len(QUERIES) - 12


def _brute_force_counts(searcher, request: SearchRequest) -> dict[str, Counter]:
    """Facet counts from the stored fields of every matching, non-duplicate document, each
    facet with the other facets' filters applied."""
    core = _core(request.q, searcher.schema)
    stored = [searcher.stored_fields(d) for d in _whoosh_docnums(searcher, core)]
    stored = [fields for fields in stored if fields.get("duplicate") != "1"]
    values = {
        # Documents without a year or source count in the facet's bucket for them.
        "year": lambda f: {f["year"]} if f.get("year") else {MISSING_VALUES["year"]},
        "source": lambda f: {f["source"]} if f.get("source") else {MISSING_VALUES["source"]},
        "operation": lambda f: {v for v in f.get("operations", "").split(",") if v},
    }
    filters = request.filters()
    counts = {}
    for facet in values:
        counts[facet] = Counter()
        for fields in stored:
            others_pass = all(
                not selected or values[other](fields) & set(selected)
                for other, selected in filters.items()
                if other != facet
            )
            if others_pass:
                counts[facet].update(values[facet](fields))
    return counts


@pytest.mark.parametrize("searcher", ["corpus sample"], indirect=True)
@pytest.mark.parametrize(
    "request_args",
    [
        {"q": "诈骗"},
        {"q": ""},
        {"q": "警方", "years": ("2019", "2020")},
        {"q": "", "operations": ("净网", "昆仑2025")},
        {"q": "", "sources": ("央视网",)},
        {"q": "香港", "years": ("2019", "2024"), "sources": ("眾新聞",)},
        {"q": "网络", "years": ("2023",), "sources": ("央视网", "安全客")},
    ],
)
def test_facet_counts_equal_counts_from_stored_fields(searcher, request_args):
    request = SearchRequest(**request_args)
    results = search(searcher, request)
    expected = _brute_force_counts(searcher, request)
    for facet, values in results.facets.items():
        shown = {value.value: value.count for value in values if value.count}
        top = dict(expected[facet].most_common())
        assert all(top[value] == count for value, count in shown.items()), facet
        # Every value not shown is no more frequent than the least frequent shown one.
        if shown and len(top) > len(shown):
            assert max(c for v, c in top.items() if v not in shown) <= min(shown.values())
        if len(top) <= len(shown):
            assert shown == top


@pytest.mark.parametrize("searcher", ["corpus sample"], indirect=True)
def test_totals_and_date_order_match_stored_fields(searcher):
    request = SearchRequest(q="警方", sort="date", per_page=100)
    results = search(searcher, request)
    expected = [
        fields for fields in
        (searcher.stored_fields(d) for d in _whoosh_docnums(searcher, _core("警方", searcher.schema)))
        if fields.get("duplicate") != "1"
    ]
    oldest_first = search(searcher, SearchRequest(q="警方", sort="date_asc", per_page=100))
    assert results.total == len(expected) > 10
    dates = [hit.date for hit in results.hits]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[: len(dated)] == dated  # undated last
    asc = [hit.date for hit in oldest_first.hits if hit.date]
    assert asc == sorted(asc)


@pytest.mark.parametrize("searcher", ["corpus sample"], indirect=True)
def test_histogram_counts_every_match_once(searcher):
    histogram = date_histogram(searcher, SearchRequest(q="诈骗"))
    total = search(searcher, SearchRequest(q="诈骗")).total
    assert sum(bucket.count for bucket in histogram.buckets) + histogram.undated == total


def test_facet_table_is_built_once_per_searcher(searcher):
    assert FacetTable.for_searcher(searcher) is FacetTable.for_searcher(searcher)
    table = FacetTable.for_searcher(searcher)
    assert table.size == searcher.doc_count_all()
    assert set(table.values["year"]) >= {"2022"}


def _same_table(a: FacetTable, b: FacetTable) -> bool:
    import numpy as np

    return (
        all(np.array_equal(getattr(a, name), getattr(b, name)) for name in FacetTable._ARRAYS)
        and a.values == b.values
        and all(np.array_equal(a.codes[f], b.codes[f]) for f in a.codes)
        and a.operation_docs.keys() == b.operation_docs.keys()
        and all(np.array_equal(a.operation_docs[k], b.operation_docs[k]) for k in a.operation_docs)
    )


def test_the_indexer_saves_the_facet_table_and_searchers_load_it(corpus_sample_index_dir):
    from searchapp.engine.whoosh.generations import current_generation

    folder = corpus_sample_index_dir / current_generation(corpus_sample_index_dir)
    saved = list(folder.glob("facets-*.npz"))
    assert len(saved) == 1
    with open_index(corpus_sample_index_dir).searcher() as searcher:
        assert saved[0].name == f"facets-{searcher.reader().generation()}.npz"
        loaded = FacetTable.for_searcher(searcher)
        built = FacetTable(searcher.reader())
    assert _same_table(loaded, built)
    assert loaded.operation_docs  # the sample has operations, so the check above is real


def test_a_table_saved_for_another_commit_is_not_used(tmp_path, seeds_dir):
    import shutil

    from searchapp.engine.whoosh.generations import current_generation
    from searchapp.indexer import index_paths

    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir)
    (folder / sorted(p.name for p in folder.iterdir())[0]).unlink()
    index_paths([folder], index_dir)  # a second commit: one document fewer
    generation_dir = index_dir / current_generation(index_dir)
    saved = sorted(generation_dir.glob("facets-*.npz"))
    assert [p.name for p in saved] == ["facets-2.npz"]  # the first commit's table is gone
    saved[0].rename(generation_dir / "facets-1.npz")  # pretend only an old one exists
    with open_index(index_dir).searcher() as searcher:
        table = FacetTable.for_searcher(searcher)
        assert _same_table(table, FacetTable(searcher.reader()))
        assert len(table.all_docnums()) == 4
