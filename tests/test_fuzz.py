"""Property-based tests: random and adversarial queries and parameters never cause a 500.

Hypothesis feeds the search core, the JSON endpoint and the HTML page with query strings
built from operators, quotes, brackets, field prefixes, wildcards, control characters and
Chinese words, and with random page, per_page, sort and filter values, repeated and unknown
parameters. Every answer must be a result or a clear refusal: ``QueryError`` in the core,
200 or 400 (with a message, in the right format) on the web. Runs are derandomized so CI
sees the same examples every time.
"""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from searchapp import create_app
from searchapp.search import MAX_QUERY_CHARS
from searchapp.search import QueryError
from searchapp.search import SearchRequest
from searchapp.search import SearchResults
from searchapp.search import search

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

PIECES = [
    "诈骗", "断卡", "电信网络诈骗", "公安部", "通报", "25.8万", "ＧＯＩＰ", "A级", "𠮷",
    "AND", "OR", "NOT", "or", "and", "ANDNOT", "ANDMAYBE", "TO",
    "title:", "body:", "source:", "origin:", "operation:", "year:", "date:", "foo:", "id:",
    "*", "诈*", "?", "~", "~2", "^", "^3", "+", "-", "!", "\\", "/", "//", ":", "::",
    '"', "'", "(", ")", "[", "]", "{", "}", "<", ">", "<=", ">=", "=", "&", "|", "&&", "||",
    "\x00", "\x1f", "\x7f", "\u3000", "\u200b", "\ufeff", "\ud7ff", "\n", "\t", " ",
    "<script>", "</mark>", "&amp;", "%00", "%FF", "http://x.cn", "javascript:alert(1)",
]
queries = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=10).map(" ".join),
    st.text(max_size=80),
)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.sampled_from(["0", "-1", "abc", "2.5", "1e3", "", " 1", "10" * 12, "99999999999999999999999", "１"]),
    st.text(max_size=6),
)
parameters = st.lists(
    st.one_of(
        st.tuples(st.just("q"), queries),
        st.tuples(st.sampled_from(["page", "per_page"]), numbers),
        st.tuples(st.just("sort"), st.sampled_from(["relevance", "date", "date_asc", "", "x", "DATE"])),
        st.tuples(st.sampled_from(["year", "source", "operation"]), st.sampled_from(["2022", "断卡", "", "22", "新浪财经", "<b>"])),
        st.tuples(st.sampled_from(["year", "source", "operation"]), st.text(max_size=10)),
        st.tuples(st.text(max_size=8), st.text(max_size=8)),  # unknown parameters
    ),
    max_size=8,
)


@pytest.fixture(scope="module")
def web(seed_index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)}).test_client()


@FUZZ
@given(q=queries, page=st.integers(-2, 10**13), per_page=st.integers(-2, 10**7), sort=st.text(max_size=10))
def test_the_core_answers_or_refuses_with_a_query_error(searcher, q, page, per_page, sort):
    try:
        request = SearchRequest(q=q, page=page, per_page=per_page, sort=sort)
        results = search(searcher, request)
    except QueryError as error:
        assert str(error)
        return
    assert isinstance(results, SearchResults)
    assert results.total >= len(results.hits)
    assert sum(v.count for v in results.facets["year"]) <= results.total


@FUZZ
@given(params=parameters)
def test_the_json_endpoint_answers_200_or_400_in_json(web, params):
    response = web.get("/api/search?" + urlencode(params))
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    assert response.content_type == "application/json; charset=utf-8"
    data = response.get_json()
    if response.status_code == 400:
        assert data["ok"] is False and data["error"] and data["status"] == 400
    else:
        assert set(data) >= {"query", "total", "hits", "facets"}


@FUZZ
@given(params=parameters)
def test_the_search_page_answers_200_or_400_in_html(web, params):
    response = web.get("/search?" + urlencode(params))
    assert response.status_code in (200, 400)
    assert response.content_type == "text/html; charset=utf-8"
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert "<script" not in page


@FUZZ
@given(q=queries)
def test_the_document_page_ignores_any_query(web, seed_ids, q):
    response = web.get(f"/doc/{seed_ids['003']}?" + urlencode({"q": q}))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "raw_query",
    [b"q=%FF%FE%80", b"q=%C0%AF", b"q=%E6%96", b"page=%FF", b"year=%ED%A0%80", b"q=%00"],
)
@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_invalid_utf8_in_the_url_is_not_an_error(web, path, raw_query):
    response = web.get(f"{path}?{raw_query.decode('ascii')}")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_a_10000_character_query_is_refused_with_the_limit(web, path):
    response = web.get(path, query_string={"q": "诈骗" * 5000})
    assert response.status_code == 400
    assert str(MAX_QUERY_CHARS) in response.get_data(as_text=True)


def test_the_longest_allowed_query_of_distinct_words_is_answered(searcher):
    words = [chr(0x4E00 + i * 7) + chr(0x4E01 + i * 7) for i in range(MAX_QUERY_CHARS // 3)]
    results = search(searcher, SearchRequest(q=" ".join(words)[:MAX_QUERY_CHARS]))
    assert results.total == 0


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/pyproject.toml",
        "/static//etc/passwd",
        "/doc/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/../../etc/passwd",
    ],
)
def test_no_file_is_served_by_a_path_the_client_chose(web, path):
    response = web.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert b"root:" not in response.data and b"[project]" not in response.data
