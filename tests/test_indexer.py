"""Index runs: broken files skipped by name, atomic switch, lock, failures lose nothing."""

import fcntl
import shutil

import pytest

from searchapp.indexer import CURRENT_FILE
from searchapp.indexer import LOCK_FILE
from searchapp.indexer import IndexLocked
from searchapp.indexer import IndexNotFound
from searchapp.indexer import current_generation
from searchapp.indexer import index_documents
from searchapp.indexer import open_index
from searchapp.ingest import read_documents


def stored_ids(index_dir):
    with open_index(index_dir).searcher() as searcher:
        return sorted(fields["id"] for fields in searcher.all_stored_fields())


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    """A folder with the five seeds, an empty file and a binary file."""
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    (folder / "empty.md").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    return folder


def test_broken_files_are_reported_by_name_and_the_rest_is_indexed(corpus, tmp_path):
    report = index_documents(read_documents([corpus]), tmp_path / "index")
    assert report.indexed == 5
    assert sorted(path.rsplit("/", 1)[-1] for path, _reason in report.skipped) == [
        "empty.md",
        "image.txt",
    ]
    assert all(reason for _path, reason in report.skipped)
    assert len(stored_ids(tmp_path / "index")) == 5


def test_ids_are_stable_across_runs(seeds_dir, tmp_path):
    index_documents(read_documents([seeds_dir]), tmp_path / "a")
    index_documents(read_documents([seeds_dir]), tmp_path / "b")
    assert stored_ids(tmp_path / "a") == stored_ids(tmp_path / "b")


def test_a_second_copy_of_a_file_is_indexed_once(seeds_dir, tmp_path):
    folder = tmp_path / "twice"
    shutil.copytree(seeds_dir, folder)
    shutil.copy(folder / "000_4ee526ae3c740427.txt", folder / "copy.txt")
    report = index_documents(read_documents([folder]), tmp_path / "index")
    assert report.indexed == 5
    ((path, reason),) = report.skipped
    assert path.endswith("copy.txt") and "000_4ee526ae3c740427.txt" in reason


def test_a_new_run_switches_atomically_and_open_searchers_keep_working(seeds_dir, tmp_path):
    index_dir = tmp_path / "index"
    first = index_documents(read_documents([seeds_dir]), index_dir)
    with open_index(index_dir).searcher() as old_searcher:
        second = index_documents(read_documents([seeds_dir / "000_4ee526ae3c740427.txt"]), index_dir)
        assert current_generation(index_dir) == second.generation != first.generation
        assert old_searcher.doc_count() == 5  # the previous generation is kept for it
    assert len(stored_ids(index_dir)) == 1


def test_a_failed_run_leaves_the_previous_index_current(seeds_dir, tmp_path):
    index_dir = tmp_path / "index"
    good = index_documents(read_documents([seeds_dir]), index_dir)

    def failing():
        yield from read_documents([seeds_dir / "000_4ee526ae3c740427.txt"])
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        index_documents(failing(), index_dir)
    assert current_generation(index_dir) == good.generation
    assert len(stored_ids(index_dir)) == 5
    generations = [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert generations == [good.generation]  # the half-built one was removed


def test_a_second_run_waits_for_the_lock_then_says_why_it_stops(seeds_dir, tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    with open(index_dir / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(IndexLocked, match="being updated by another run"):
            index_documents(read_documents([seeds_dir]), index_dir, lock_timeout_s=0.3)
    assert not (index_dir / CURRENT_FILE).exists()


def test_an_empty_folder_has_no_index(tmp_path):
    with pytest.raises(IndexNotFound, match="searchapp index"):
        open_index(tmp_path)
