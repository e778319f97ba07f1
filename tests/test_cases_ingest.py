"""Known failure cases B15, B21, B22, B24 and B26 of ../shared/cases/CASES.md, end to end.

Each case's input file is read in place, indexed with the real indexer and queried through
the JSON API (the same search core as the page and the CLI). Skipped when ../shared/cases
is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchapp import create_app
from searchapp.indexer import index_documents
from searchapp.ingest import read_documents
from searchapp.ingest import read_file

CASES = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"

pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason=f"{CASES} is absent")


def client_for(tmp_path_factory, *names: str):
    """A test client over an index of the named case files (read in place)."""
    index_dir = tmp_path_factory.mktemp("cases-index")
    documents = list(read_documents([CASES / name for name in names]))
    assert all(not isinstance(item, Exception) for item in documents), documents
    index_documents(documents, index_dir)
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def api(client, query_string: str) -> dict:
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def titles(data: dict) -> list[str]:
    return [hit["title"] for hit in data["hits"]]


# --- B15: undated documents and documents without source ----------------------------------


@pytest.fixture(scope="module")
def b15(tmp_path_factory):
    return client_for(tmp_path_factory, "B15-a.md", "B15-b.md", "B15-c.md")


def test_b15_ingest_keeps_undated_and_sourceless_documents():
    (undated,) = read_file(CASES / "B15-c.md")
    assert (undated.date, undated.year, undated.date_source) == (None, None, None)
    assert undated.source == "城关分局"
    (sourceless,) = read_file(CASES / "B15-b.md")
    assert (sourceless.date, sourceless.source) == ("2023-12-31", "")


def test_b15_undated_sorts_last_both_ways(b15):
    assert titles(api(b15, "q=诈骗&sort=date")) == ["有日期有来源", "有日期无来源", "无日期有来源"]
    assert titles(api(b15, "q=诈骗&sort=date_asc")) == ["有日期无来源", "有日期有来源", "无日期有来源"]


def test_b15_source_facet_has_no_blank_bucket_and_adds_up(b15):
    data = api(b15, "q=诈骗")
    values = {value["value"]: value["count"] for value in data["facets"]["source"]}
    # B15-a and B15-c name their source; B15-b has none and counts under 无来源.
    assert values == {"市公安局": 1, "城关分局": 1, "无来源": 1}
    assert sum(values.values()) == data["total"] == 3


# --- B21: unquoted YAML dates ---------------------------------------------------------------


@pytest.fixture(scope="module")
def b21(tmp_path_factory):
    return client_for(tmp_path_factory, "B21.md")


def test_b21_yaml_date_is_an_iso_string():
    (document,) = read_file(CASES / "B21.md")
    assert (document.date, document.year, document.date_source) == ("2024-03-05", 2024, "front_matter")
    json.dumps(document.to_dict())  # no date objects anywhere


def test_b21_api_returns_iso_dates_and_json_errors(b21):
    data = api(b21, "q=通报")
    assert [hit["date"] for hit in data["hits"]] == ["2024-03-05"]
    response = b21.get("/api/search?q=通报&page=0")
    assert response.status_code == 400 and response.mimetype == "application/json"
    document = b21.get(f"/api/documents/{data['hits'][0]['id']}").get_json()
    assert document["date"] == "2024-03-05"
    assert "GMT" not in json.dumps(document)


# --- B22: BOM and CRLF before the front matter ---------------------------------------------


@pytest.fixture(scope="module")
def b22(tmp_path_factory):
    return client_for(tmp_path_factory, "B22.md", "B15-a.md")


def test_b22_front_matter_behind_a_bom_is_parsed():
    (document,) = read_file(CASES / "B22.md")
    assert (document.title, document.date, document.source, document.operations) == (
        "带BOM与CRLF的通报", "2024-09-10", "市公安局", ("护航行动",))
    assert document.body == "警方提醒广大群众注意防范电信诈骗。"


def test_b22_operation_facet_and_filter(b22):
    data = api(b22, "q=警方")
    assert titles(data) == ["带BOM与CRLF的通报"]
    facet = {value["value"]: value["count"] for value in data["facets"]["operation"]}
    assert facet == {"护航行动": 1}
    assert titles(api(b22, "q=&operation=护航行动")) == ["带BOM与CRLF的通报"]


@pytest.mark.parametrize("query", ["title", "operation", "source", "date"])
def test_b22_yaml_keys_do_not_leak_into_the_text(b22, query):
    assert api(b22, f"q={query}")["total"] == 0


# --- B24: GB18030 text with a character outside GBK ----------------------------------------


@pytest.fixture(scope="module")
def b24(tmp_path_factory):
    return client_for(tmp_path_factory, "B24.txt")


@pytest.mark.parametrize("query", ["警方", "诈骗"])
def test_b24_gb18030_file_is_found(b24, query):
    data = api(b24, f"q={query}")
    assert data["total"] == 1
    assert data["hits"][0]["title"] == "警方提醒：涉案人员𠮷某已到案，谨防诈骗。"


def test_b24_snippet_shows_the_rare_character(b24):
    document = read_file(CASES / "B24.txt")[0]
    assert "𠮷某" in document.title
    assert "\ufffd" not in document.title + document.body


# --- B26: style, script, comments, noscript and hidden elements ----------------------------


@pytest.fixture(scope="module")
def b26(tmp_path_factory):
    return client_for(tmp_path_factory, "B26.md")


def test_b26_body_is_only_the_visible_paragraph():
    (document,) = read_file(CASES / "B26.md")
    # noscript and a display:none textarea are not article text: neither is indexed.
    assert document.body == "警方提醒：谨防冒充客服类诈骗。"


@pytest.mark.parametrize("query", ["color", "function", "诈骗统计", "内部备注", "endif", "升级浏览器",
                                   "JavaScript", "margin"])
def test_b26_invisible_text_finds_nothing(b26, query):
    assert api(b26, f"q={query}")["total"] == 0


def test_b26_snippet_is_clean(b26):
    data = api(b26, "q=冒充客服")
    assert data["total"] == 1
    assert data["hits"][0]["snippet"] == "警方提醒：谨防<mark>冒充客服</mark>类诈骗。"
