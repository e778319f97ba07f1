"""Index runs: incremental updates, duplicates, broken files, atomic switch, lock, failures."""

import fcntl
import shutil
from pathlib import Path

import pytest

from searchapp import indexer
from searchapp.indexer import CURRENT_FILE
from searchapp.indexer import LOCK_FILE
from searchapp.indexer import IndexLocked
from searchapp.indexer import IndexNotFound
from searchapp.indexer import current_generation
from searchapp.indexer import index_documents
from searchapp.indexer import index_paths
from searchapp.indexer import open_index
from searchapp.ingest import IngestError
from searchapp.ingest import read_documents
from searchapp.search import SearchRequest
from searchapp.search import get_document
from searchapp.search import search

SEED_000 = "000_4ee526ae3c740427.txt"
SEED_003 = "003_d98139139d6e09e8.txt"


def searchable(index_dir, q=""):
    """Return the file names the index finds for ``q`` (every document for "")."""
    with open_index(index_dir).searcher() as searcher:
        results = search(searcher, SearchRequest(q=q, per_page=100))
        return sorted(Path(hit.path).name for hit in results.hits)


def report_counts(report):
    return {
        name: getattr(report, name)
        for name in ("added", "updated", "removed", "unchanged", "indexed", "duplicates", "documents")
    }


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    """A writable copy of the five seeds."""
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    return folder


@pytest.fixture
def index_dir(tmp_path):
    return tmp_path / "index"


def test_broken_files_are_reported_by_name_and_the_rest_is_indexed(corpus, index_dir):
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    report = index_paths([corpus], index_dir)
    assert report_counts(report) == {
        "added": 5, "updated": 0, "removed": 0, "unchanged": 0,
        "indexed": 5, "duplicates": 0, "documents": 5,
    }
    assert sorted(Path(path).name for path, _reason in report.skipped) == ["empty.md", "image.txt"]
    assert all(reason for _path, reason in report.skipped)
    assert len(searchable(index_dir)) == 5


def test_a_second_run_reads_only_new_and_changed_files(corpus, index_dir, monkeypatch):
    index_paths([corpus], index_dir)
    first_generation = current_generation(index_dir)
    # One file changed, one deleted, one added.
    changed = corpus / SEED_003
    changed.write_text(changed.read_text(encoding="utf-8").replace("39.1万起", "39.2万起"), encoding="utf-8")
    (corpus / SEED_000).unlink()
    shutil.copy(Path(__file__).parent.parent / "seeds" / SEED_000, corpus / "new name.txt")
    read = []
    real_extract_file = indexer.extract_file
    monkeypatch.setattr(
        indexer, "extract_file", lambda path: read.append(path.name) or real_extract_file(path)
    )

    report = index_paths([corpus], index_dir)

    assert sorted(read) == [SEED_003, "new name.txt"]
    assert report_counts(report) == {
        "added": 1, "updated": 1, "removed": 1, "unchanged": 3,
        "indexed": 2, "duplicates": 0, "documents": 5,
    }
    assert current_generation(index_dir) == first_generation  # updated in place
    assert searchable(index_dir, "39.2万起") == [SEED_003]
    assert searchable(index_dir, "39.1万起") == []
    assert searchable(index_dir, "25.8万") == ["new name.txt"]


def test_an_unchanged_folder_changes_nothing(corpus, index_dir):
    index_paths([corpus], index_dir)
    report = index_paths([corpus], index_dir)
    assert report_counts(report) == {
        "added": 0, "updated": 0, "removed": 0, "unchanged": 5,
        "indexed": 0, "duplicates": 0, "documents": 5,
    }


def test_documents_of_other_folders_are_left_alone(corpus, tmp_path, index_dir):
    other = tmp_path / "other"
    other.mkdir()
    shutil.move(corpus / SEED_000, other / SEED_000)
    index_paths([corpus, other], index_dir)
    report = index_paths([corpus], index_dir)
    assert report.removed == 0
    assert SEED_000 in searchable(index_dir)


def test_rebuild_starts_a_new_generation(corpus, index_dir):
    first = index_paths([corpus], index_dir)
    (corpus / SEED_000).unlink()
    rebuilt = index_paths([corpus], index_dir, rebuild=True)
    assert rebuilt.rebuilt and rebuilt.generation != first.generation
    assert rebuilt.added == 4 and rebuilt.documents == 4


def test_exact_duplicates_are_one_document_listing_every_copy(corpus, index_dir):
    shutil.copy(corpus / SEED_000, corpus / "reprint-same-bytes.txt")
    # A reprint by another account: other front matter, same article text re-spaced.
    text = (corpus / SEED_000).read_text(encoding="utf-8")
    reprint = text.replace("source: Doonsec's feed", "source: 另一个订阅号").replace("。", "。 ")
    (corpus / "reprint-other-feed.txt").write_text(reprint, encoding="utf-8")

    report = index_paths([corpus], index_dir)

    assert report.indexed == 7 and report.duplicates == 2 and report.documents == 5
    assert searchable(index_dir, "25.8万") == [SEED_000]
    with open_index(index_dir).searcher() as searcher:
        (hit,) = search(searcher, SearchRequest(q="25.8万")).hits
        document = get_document(searcher, hit.id)
    assert Path(document.path).name == SEED_000
    assert [Path(copy.path).name for copy in document.copies] == [
        "reprint-other-feed.txt",
        "reprint-same-bytes.txt",
    ]


def test_when_the_representative_goes_a_copy_takes_its_place(corpus, index_dir):
    shutil.copy(corpus / SEED_000, corpus / "zz-copy.txt")
    index_paths([corpus], index_dir)
    (corpus / SEED_000).unlink()
    report = index_paths([corpus], index_dir)
    assert report.removed == 1 and report.documents == 5
    assert searchable(index_dir, "25.8万") == ["zz-copy.txt"]


def test_a_changed_file_that_breaks_keeps_its_previous_version(corpus, index_dir):
    index_paths([corpus], index_dir)
    (corpus / SEED_003).write_bytes(b"\x00\x01\x02 binary now")
    report = index_paths([corpus], index_dir)
    ((path, reason),) = report.skipped
    assert Path(path).name == SEED_003
    assert "previous version stays indexed" in reason
    assert searchable(index_dir, "12381") == [SEED_003]


def test_a_missing_path_changes_nothing(corpus, index_dir, tmp_path):
    index_paths([corpus], index_dir)
    with pytest.raises(IngestError, match="no such file"):
        index_paths([corpus, tmp_path / "nowhere"], index_dir)
    assert len(searchable(index_dir)) == 5


def test_ids_are_stable_across_runs(seeds_dir, tmp_path):
    index_paths([seeds_dir], tmp_path / "a")
    index_paths([seeds_dir], tmp_path / "b", rebuild=True)
    with open_index(tmp_path / "a").searcher() as a, open_index(tmp_path / "b").searcher() as b:
        assert sorted(f["id"] for f in a.all_stored_fields()) == sorted(
            f["id"] for f in b.all_stored_fields()
        )


def test_a_rebuild_switches_atomically_and_open_searchers_keep_working(corpus, index_dir):
    first = index_paths([corpus], index_dir)
    with open_index(index_dir).searcher() as old_searcher:
        (corpus / SEED_000).unlink()
        second = index_paths([corpus], index_dir, rebuild=True)
        assert current_generation(index_dir) == second.generation != first.generation
        assert old_searcher.doc_count() == 5  # the previous generation is kept for it
    assert len(searchable(index_dir)) == 4


def test_a_failed_run_leaves_the_index_as_it_was(corpus, index_dir, monkeypatch):
    good = index_paths([corpus], index_dir)
    (corpus / SEED_000).unlink()
    (corpus / "new.txt").write_text("标题\n\n正文一段。", encoding="utf-8")

    def explode(path):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(indexer, "extract_file", explode)
    for rebuild in (False, True):
        with pytest.raises(RuntimeError):
            index_paths([corpus], index_dir, rebuild=rebuild)
        assert current_generation(index_dir) == good.generation
        assert len(searchable(index_dir)) == 5
    generations = [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert generations == [good.generation]  # the half-built one was removed


def test_index_documents_builds_a_generation_from_documents(seeds_dir, index_dir):
    report = index_documents(read_documents([seeds_dir, seeds_dir / "nothing.md"]), index_dir)
    assert report.indexed == 5 and report.documents == 5
    ((path, reason),) = report.skipped
    assert path.endswith("nothing.md") and "no such file" in reason


def test_a_second_run_waits_for_the_lock_then_says_why_it_stops(seeds_dir, index_dir):
    index_dir.mkdir()
    with open(index_dir / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(IndexLocked, match="being updated by another run"):
            index_paths([seeds_dir], index_dir, lock_timeout_s=0.3)
    assert not (index_dir / CURRENT_FILE).exists()


def test_an_empty_folder_has_no_index(tmp_path):
    with pytest.raises(IndexNotFound, match="searchapp index"):
        open_index(tmp_path)


def test_skipped_items_are_grouped_by_reason_without_their_numbers():
    report = indexer.IndexReport(
        skipped=[("a.md", "item 3: no article text (empty body)"),
                 ("b.md", "item 14: no article text (empty body)"),
                 ("c.md", "empty file")]
    )
    assert report.skipped_by_reason() == {
        "no article text (empty body)": ["a.md (item 3)", "b.md (item 14)"],
        "empty file": ["c.md"],
    }
