"""Shared fixtures: the real seed documents, an index built from them once per session, and
a Flask app and test client over that index (flaskr's ``app`` / ``client`` pattern)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchapp import create_app
from searchapp.indexer import index_documents
from searchapp.ingest import read_documents


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of seed press releases as received (read only)."""
    return Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def seed_index_dir(seeds_dir, tmp_path_factory) -> Path:
    """An index folder built from every seed, shared by read-only tests."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    index_documents(read_documents([seeds_dir]), index_dir)
    return index_dir


@pytest.fixture
def app(seed_index_dir):
    """A fresh app in testing mode over the seed index."""
    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)})


@pytest.fixture
def client(app):
    """A test client of :func:`app`."""
    return app.test_client()


@pytest.fixture(scope="session")
def seed_ids(seed_index_dir) -> dict[str, str]:
    """Seed number (``"000"`` … ``"004"``, from the file name) → document id in the index."""
    from searchapp.indexer import open_index
    from searchapp.search import SearchRequest
    from searchapp.search import search

    with open_index(seed_index_dir).searcher() as searcher:
        hits = search(searcher, SearchRequest(per_page=100)).hits
    return {Path(hit.path).name[:3]: hit.id for hit in hits}


def assert_error(response, status: int) -> str:
    """Check that ``response`` is our error for ``status`` and return its message.

    JSON (``/api/``): exactly ``{"ok": false, "error": "<message>", "status": status}``.
    HTML: the status, and the message in the page's error box. Never a traceback.
    """
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if response.is_json:
        data = response.get_json()
        assert list(data) == ["ok", "error", "status"]
        assert data["ok"] is False
        assert data["status"] == status
        assert isinstance(data["error"], str) and data["error"]
        return data["error"]
    assert response.mimetype == "text/html"
    assert 'class="error-box"' in text
    message = text.split('class="error-message">', 1)[1].split("</p>", 1)[0]
    assert message.strip()
    return message


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
#: Every how-many-th file of each corpus collection the sample takes.
CORPUS_SAMPLE_STEP = 60


@pytest.fixture(scope="session")
def corpus_sample() -> list[Path]:
    """About 190 real files read in place from ``../shared/corpus`` (every 60th file of each
    collection, in path order: WeChat markdown, hkcnews in Traditional Chinese, CCTV pages
    and daily transcripts); skips the test when the corpus is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent")
    from searchapp.ingest import iter_files

    files = []
    for collection in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        files += list(iter_files([collection]))[::CORPUS_SAMPLE_STEP]
    return files


@pytest.fixture(scope="session")
def corpus_sample_index_dir(corpus_sample, tmp_path_factory) -> Path:
    """An index of :func:`corpus_sample` built the way a large run is: two writer
    processes (the parallel path, forced on for this small sample)."""
    import searchapp.writers
    from searchapp.indexer import index_paths

    index_dir = tmp_path_factory.mktemp("corpus-sample-index")
    saved = searchapp.writers.PARALLEL_MIN_FILES
    searchapp.writers.PARALLEL_MIN_FILES = 0
    try:
        index_paths(corpus_sample, index_dir, processes=2)
    finally:
        searchapp.writers.PARALLEL_MIN_FILES = saved
    return index_dir


@pytest.fixture(params=["seeds", "corpus sample"])
def seed_or_corpus_searcher(request, seed_index_dir):
    """A searcher over the seed index, then (second parameter) over the corpus sample's."""
    from searchapp.generations import open_index

    index_dir = (
        seed_index_dir if request.param == "seeds"
        else request.getfixturevalue("corpus_sample_index_dir")
    )
    with open_index(index_dir).searcher() as searcher:
        yield searcher
