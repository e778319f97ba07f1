"""The JSON API: /api/search and /api/documents/<id>, their shape, errors and headers."""

from __future__ import annotations

import pytest
from conftest import assert_error

from searchapp import create_app
from searchapp.document import Document
from searchapp.indexer import index_documents
from searchapp.search import MAX_PER_PAGE
from searchapp.search import SearchRequest
from searchapp.search import search
from searchapp.web import SECURITY_HEADERS

RESULT_KEYS = [
    "query", "parsed", "filters", "sort", "total", "page", "per_page", "took_ms", "hits", "facets",
    "title_only", "expand", "expansions", "suggestions", "corrected",
]
HIT_KEYS = [
    "id", "path", "title", "date", "year", "source", "origin", "url", "operations", "snippet",
    "score",
]
DOCUMENT_KEYS = [
    "id", "path", "title", "date", "year", "date_source", "source", "feed", "origin", "url",
    "operations", "body", "format", "lang", "copies",
]


def found(client, seed_ids, query_string: str) -> set[str]:
    """Return the seed numbers ``/api/search?<query_string>`` finds."""
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 200, response.get_json()
    by_id = {doc_id: number for number, doc_id in seed_ids.items()}
    return {by_id[hit["id"]] for hit in response.get_json()["hits"]}


def test_search_has_exactly_the_documented_shape(client):
    response = client.get("/api/search?q=断卡&year=2022&per_page=10")
    assert response.status_code == 200
    data = response.get_json()
    assert list(data) == RESULT_KEYS
    assert data["query"] == "断卡"
    assert data["filters"] == {"year": ["2022"], "source": [], "operation": []}
    assert (data["sort"], data["total"], data["page"], data["per_page"]) == ("relevance", 2, 1, 10)
    assert isinstance(data["took_ms"], float)
    assert [list(hit) for hit in data["hits"]] == [HIT_KEYS, HIT_KEYS]
    assert all("<mark>断卡</mark>" in hit["snippet"] for hit in data["hits"])
    assert list(data["facets"]) == ["year", "source", "operation"]
    # A facet is counted without its own filter, so the other years stay on offer.
    assert data["facets"]["year"] == [
        {"value": "2022", "count": 2, "selected": True, "missing": False},
        {"value": "2021", "count": 1, "selected": False, "missing": False},
    ]
    for values in data["facets"].values():
        assert all(list(value) == ["value", "count", "selected", "missing"] for value in values)


def test_search_is_what_the_core_returns(client, searcher):
    response = client.get("/api/search?q=断卡 拔钉&operation=断流&sort=date&per_page=5")
    request = SearchRequest(q="断卡 拔钉", operations=("断流",), sort="date", per_page=5)
    expected = search(searcher, request).to_dict()
    data = response.get_json()
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected


@pytest.mark.parametrize(
    ("query_string", "seeds"),
    [
        ("q=断卡", {"001", "003", "004"}),
        ("q=断卡&operation=拔钉", {"003", "004"}),
        ("q=断卡&year=2022", {"003", "004"}),
        ("q=断卡&year=2021&year=2022", {"001", "003", "004"}),
        ("q=断卡&source=新浪财经", {"001", "004"}),
        ('q="电信网络诈骗"', {"000", "001", "002", "003", "004"}),
        ("q=&year=", {"000", "001", "002", "003", "004"}),
    ],
)
def test_search_finds_the_expected_seeds(client, seed_ids, query_string, seeds):
    assert found(client, seed_ids, query_string) == seeds


def test_search_json_is_readable_utf8(client):
    response = client.get("/api/search?q=断卡")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "断卡".encode() in response.data  # not \\u65ad\\u5361


def test_per_page_beyond_the_maximum_is_clamped(client):
    response = client.get("/api/search?per_page=100000")
    assert response.status_code == 200
    assert response.get_json()["per_page"] == MAX_PER_PAGE


@pytest.mark.parametrize(
    ("query_string", "named"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=2.5", "page"),
        ("page=99999999999999999999999", "page is too deep"),
        ("page=" + "9" * 5000, "page"),
        ("per_page=0", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_page=ten", "per_page"),
        ("sort=popular", "sort"),
        ("year=22", "year"),
        ("q=" + "诈" * 501, "query"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query_string, named):
    message = assert_error(client.get(f"/api/search?{query_string}"), 400)
    assert named in message


@pytest.mark.parametrize("q", ["NOT NOT 诈骗", "*", "(", ")", '"', "-"])
def test_malformed_queries_are_400_with_a_message(client, q):
    response = client.get("/api/search", query_string={"q": q})
    assert "query" in assert_error(response, 400)


def test_document_has_its_metadata_and_body(client, seed_ids):
    response = client.get(f"/api/documents/{seed_ids['003']}")
    assert response.status_code == 200
    data = response.get_json()
    assert list(data) == DOCUMENT_KEYS
    assert data["id"] == seed_ids["003"]
    assert (data["date"], data["year"], data["source"], data["origin"]) == (
        "2022-12-30", 2022, "光明网", "中国新闻网"
    )
    assert data["operations"] == ["斩链", "清源", "利剑", "拔钉", "断卡"]
    assert "断卡" in data["body"]
    assert "<mark>" not in data["body"]


@pytest.mark.parametrize(
    "path",
    ["/api/documents/0000000000000000", "/api/documents/%3Cscript%3E", "/api/nothing", "/api"],
)
def test_unknown_paths_and_documents_are_404_json(client, path):
    assert_error(client.get(path), 404)


def test_wrong_method_is_405_json(client):
    assert_error(client.post("/api/search"), 405)


def test_missing_index_is_503_json_saying_how_to_build_one(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    assert "searchapp index" in assert_error(client.get("/api/search?q=断卡"), 503)
    assert_error(client.get("/api/documents/abc"), 503)


def test_unexpected_exception_is_500_json_without_details(app, client, monkeypatch):
    def broken(searcher, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("searchapp.web.api.search", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/search?q=断卡")
    assert "secret" not in assert_error(response, 500)
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/api/search?q=断卡", "/api/search?page=0", "/api/nothing", "/api/documents/x"]
)
def test_security_headers_on_json(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_a_new_index_generation_is_seen_without_restart(tmp_path):
    def document(doc_id: str, title: str) -> Document:
        return Document(
            id=doc_id, path=f"{doc_id}.md", title=title, date="2024-05-01", year=2024,
            date_source="front_matter", source="测试", feed="", origin="", url="",
            operations=(), body=f"{title}。正文。",
        )

    index_dir = tmp_path / "index"
    index_documents([document("a1", "第一篇通报")], index_dir)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/api/search?q=通报").get_json()["total"] == 1
    index_documents([document("a1", "第一篇通报"), document("b2", "第二篇通报")], index_dir)
    assert client.get("/api/search?q=通报").get_json()["total"] == 2
    assert client.get("/api/documents/b2").status_code == 200
