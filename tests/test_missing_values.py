"""Documents without a date or a source form a facet bucket of their own (issue 11): shown
last on the page with its count, toggled like any value, and the same in the JSON."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from searchapp import create_app
from searchapp.indexer import index_paths

CASES = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"


@pytest.fixture(scope="module")
def b15_client(tmp_path_factory):
    """An app over B15-a (dated, with source), B15-b (dated, no source) and B15-c
    (undated, with source), indexed in three incremental runs."""
    if not CASES.is_dir():
        pytest.skip(f"{CASES} is absent")
    root = tmp_path_factory.mktemp("b15")
    for name in ("B15-a.md", "B15-b.md", "B15-c.md"):
        (root / name[:-3]).mkdir()
        shutil.copy(CASES / name, root / name[:-3])
        index_paths([root / name[:-3]], root / "index")
    return create_app({"TESTING": True, "INDEX_DIR": str(root / "index")}).test_client()


def test_missing_buckets_in_the_json_add_up_to_the_total(b15_client):
    data = b15_client.get("/api/search?q=诈骗案件").get_json()
    assert data["total"] == 3
    assert data["facets"]["year"] == [
        {"value": "2024", "count": 1, "selected": False, "missing": False},
        {"value": "2023", "count": 1, "selected": False, "missing": False},
        {"value": "未注明日期", "count": 1, "selected": False, "missing": True},
    ]
    assert data["facets"]["source"] == [
        {"value": "城关分局", "count": 1, "selected": False, "missing": False},
        {"value": "市公安局", "count": 1, "selected": False, "missing": False},
        {"value": "无来源", "count": 1, "selected": False, "missing": True},
    ]


def test_missing_bucket_filters_on_the_page(b15_client):
    page = b15_client.get("/search?q=诈骗案件").get_data(as_text=True)
    toggle = "/search?q=" + quote("诈骗案件") + "&amp;source=" + quote("无来源")
    assert toggle in page
    filtered = b15_client.get("/search?q=诈骗案件&source=无来源").get_data(as_text=True)
    assert "有日期无来源" in filtered
    assert "有日期有来源" not in filtered and "无日期有来源" not in filtered
    undated = b15_client.get("/api/search?q=诈骗案件&year=未注明日期").get_json()
    assert [hit["title"] for hit in undated["hits"]] == ["无日期有来源"]
