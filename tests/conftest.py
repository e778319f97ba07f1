"""Shared fixtures: the real seed documents, an index built from them once per session, and
a Flask app and test client over that index (flaskr's ``app`` / ``client`` pattern); a tiny
hand-written corpus whose right answers can be read off the texts; one ``searcher`` fixture
over the seed, tiny or corpus-sample index."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from searchapp import create_app
from searchapp.document import Document
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


#: Five short press releases written for the tests (``tests/test_tiny_corpus.py`` lists what
#: each query must find, and why). A and B share 跑分, in A's title and in B's body; 冒充 and
#: 客服 stand next to each other only in D (B has them apart); E is about traffic and shares
#: nothing with the others but its source. C and E are undated, C and D have no source,
#: B, D and E name no operation.
TINY_CORPUS = (
    Document(
        id="a",
        path="tiny/a.md",
        title="警方捣毁一个跑分洗钱团伙",
        date="2022-07-25",
        year=2022,
        date_source="front_matter",
        source="新浪财经",
        feed="",
        origin="澎湃新闻",
        url="https://example.cn/a",
        operations=("断卡", "断流"),
        body="在断卡、断流行动中，警方抓获犯罪嫌疑人12名，冻结涉案资金300万元。该团伙为电信网络诈骗团伙转移赃款。",
    ),
    Document(
        id="b",
        path="tiny/b.md",
        title="反诈宣传走进社区",
        date="2023-03-01",
        year=2023,
        date_source="byline",
        source="光明网",
        feed="",
        origin="",
        url="",
        operations=(),
        body="民警向居民讲解跑分、刷单和冒充公检法等诈骗手法，提醒大家接到自称客服的电话要核实身份。",
    ),
    Document(
        id="c",
        path="tiny/c.md",
        title="关于深入开展断卡行动的通报",
        date=None,
        year=None,
        date_source=None,
        source="",
        feed="",
        origin="公安部刑侦局",
        url="",
        operations=("断卡",),
        body="公安机关持续开展断卡行动，严厉打击非法买卖电话卡、银行卡的违法犯罪。",
    ),
    Document(
        id="d",
        path="tiny/d.md",
        title="冒充客服诈骗案告破",
        date="2021-06-17",
        year=2021,
        date_source="byline",
        source="",
        feed="",
        origin="",
        url="",
        operations=(),
        body="一名市民接到冒充客服的电话后被骗5万元，警方当天立案，次日抓获犯罪嫌疑人3名。",
    ),
    Document(
        id="e",
        path="tiny/e.md",
        title="春节期间道路交通管制公告",
        date=None,
        year=None,
        date_source=None,
        source="新浪财经",
        feed="",
        origin="",
        url="",
        operations=(),
        body="春节期间部分路段实行临时交通管制，请驾驶人提前规划出行路线。",
    ),
)


@pytest.fixture(scope="session")
def tiny_index_dir(tmp_path_factory) -> Path:
    """An index folder of :data:`TINY_CORPUS`, shared by read-only tests."""
    index_dir = tmp_path_factory.mktemp("tiny-index")
    index_documents(TINY_CORPUS, index_dir)
    return index_dir


#: The indexes the :func:`searcher` fixture opens, by parameter → the fixture giving its folder.
SEARCHER_INDEXES = {
    "seeds": "seed_index_dir",
    "tiny": "tiny_index_dir",
    "corpus sample": "corpus_sample_index_dir",
}


@pytest.fixture(scope="module")
def searcher(request):
    """A searcher over the seed index, shared by the read-only tests of a module.

    Parametrize it indirectly to read another index, by a key of :data:`SEARCHER_INDEXES`:
    ``@pytest.mark.parametrize("searcher", ["tiny"], indirect=True)`` opens
    :data:`TINY_CORPUS`'s; ``["seeds", "corpus sample"]`` runs a test on the seeds, then on
    :func:`corpus_sample_index_dir` (skipped when the corpus is absent). Tests that write
    to an index, or need a searcher of their own, open it themselves.
    """
    from searchapp.indexer import open_index

    index_dir = request.getfixturevalue(SEARCHER_INDEXES[getattr(request, "param", "seeds")])
    with open_index(index_dir).searcher() as searcher:
        yield searcher


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
    HTML: the status, and the message in the page's error box (``class="error-message"``,
    a ``<p>`` on error pages, a ``<span>`` on the search page), returned unescaped.
    Never a traceback.
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
    message = html.unescape(text.split('class="error-message">', 1)[1].split("<", 1)[0])
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
    import searchapp.engine.whoosh.writers
    from searchapp.indexer import index_paths

    index_dir = tmp_path_factory.mktemp("corpus-sample-index")
    saved = searchapp.engine.whoosh.writers.PARALLEL_MIN_FILES
    searchapp.engine.whoosh.writers.PARALLEL_MIN_FILES = 0
    try:
        index_paths(corpus_sample, index_dir, processes=2)
    finally:
        searchapp.engine.whoosh.writers.PARALLEL_MIN_FILES = saved
    return index_dir
