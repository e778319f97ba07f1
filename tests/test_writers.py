"""Writing with two writer processes gives the same index as one writer, or nothing at all.

The corpus sample (real files from ``../shared/corpus``) is indexed both ways; every
document, total, ranking and facet count must agree. A writer process that dies fails the
run and leaves the previous index as it was.
"""

from __future__ import annotations

import os

import pytest

import searchapp.engine.whoosh.writers
from searchapp.indexer import current_generation
from searchapp.indexer import index_paths
from searchapp.indexer import open_index
from searchapp.search import SearchRequest
from searchapp.search import search
from searchapp.engine.whoosh.writers import ParallelWriter
from searchapp.engine.whoosh.writers import WriterProcessFailed
from searchapp.engine.whoosh.writers import open_writer

REQUESTS = [
    SearchRequest(q="诈骗", per_page=100),
    SearchRequest(q="香港 警方", per_page=100),
    SearchRequest(q='"网络安全"', per_page=100),
    SearchRequest(q="新闻联播", years=("2024",), per_page=100),
    SearchRequest(q="", sort="date", per_page=100),
]


@pytest.fixture(scope="module")
def serial_index_dir(corpus_sample, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("serial-index")
    index_paths(corpus_sample, index_dir, processes=1)
    return index_dir


def _stored_by_id(index_dir) -> dict[str, dict]:
    with open_index(index_dir).searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.all_stored_fields()}


def test_the_parallel_index_has_two_segments_and_the_same_documents(
    corpus_sample_index_dir, serial_index_dir
):
    with open_index(corpus_sample_index_dir).searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2  # one per writer process
    parallel, serial = _stored_by_id(corpus_sample_index_dir), _stored_by_id(serial_index_dir)
    assert len(serial) > 500
    assert parallel == serial


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.q or '(all)'} {r.years}")
def test_searches_agree(corpus_sample_index_dir, serial_index_dir, request_):
    answers = []
    for index_dir in (corpus_sample_index_dir, serial_index_dir):
        with open_index(index_dir).searcher() as searcher:
            results = search(searcher, request_)
        answers.append(results)
    parallel, serial = answers
    assert parallel.total == serial.total > 0
    assert parallel.facets == serial.facets
    # Same scores (BM25F statistics span all segments); equal scores may tie in either order.
    rank = lambda results: sorted((-round(hit.score or 0, 6), hit.date or "", hit.id) for hit in results.hits)  # noqa: E731
    assert rank(parallel) == rank(serial)
    if request_.sort == "date":
        assert [hit.date for hit in parallel.hits] == [hit.date for hit in serial.hits]


def test_small_runs_use_one_process(seed_index_dir):
    ix = open_index(seed_index_dir)
    writer = open_writer(ix, files_to_read=5, processes=2)
    try:
        assert not isinstance(writer, ParallelWriter)
    finally:
        writer.cancel()


def test_a_dying_writer_process_fails_the_run_and_keeps_the_previous_index(
    corpus_sample, tmp_path, monkeypatch
):
    index_dir = tmp_path / "index"
    index_paths(corpus_sample[:20], index_dir, processes=1)
    generation = current_generation(index_dir)
    before = _stored_by_id(index_dir)

    def die(self):
        os._exit(3)

    monkeypatch.setattr(searchapp.engine.whoosh.writers, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(searchapp.engine.whoosh.writers._WriterProcess, "run", die)
    with pytest.raises(WriterProcessFailed, match="nothing was committed"):
        index_paths(corpus_sample, index_dir, processes=2)
    assert current_generation(index_dir) == generation
    assert _stored_by_id(index_dir) == before
    monkeypatch.undo()
    report = index_paths(corpus_sample, index_dir, processes=2)  # and the next run completes
    assert report.documents > len(before)
