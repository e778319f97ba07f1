"""Property-based tests: random and adversarial queries and parameters never cause a 500.

Hypothesis feeds the search core, the JSON endpoint and the HTML page with query strings
built from operators, quotes, brackets, field prefixes, wildcards, control characters and
Chinese words, and with random page, per_page, sort and filter values, repeated and unknown
parameters. Every answer must be a result or a clear refusal: ``QueryError`` in the core;
on the web, 400 with the core's message exactly when the core refuses the parameters, else
200 with the core's answer. Runs are derandomized so CI sees the same examples every time.
"""

import html
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from conftest import assert_error
from searchapp import create_app
from searchapp.search import DEFAULT_PER_PAGE
from searchapp.search import MAX_QUERY_CHARS
from searchapp.search import QueryError
from searchapp.search import SearchRequest
from searchapp.search import SearchResults
from searchapp.search import search
from searchapp.web.params import decode_query_string
from searchapp.web.params import request_from_args

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
    offset = (request.page - 1) * request.per_page
    assert len(results.hits) == max(0, min(request.per_page, results.total - offset))
    # Every match counts once per facet: under its year or source, or in the bucket of those
    # without (the seeds have fewer years and sources than FACET_SIZE, so all are shown).
    assert sum(v.count for v in results.facets["year"]) == results.total
    assert sum(v.count for v in results.facets["source"]) == results.total


def core_answer(searcher, query_string: str) -> tuple[int, str | int]:
    """Return what the web must answer for ``query_string``, as the search core decides:
    ``(400, the QueryError's message)`` when it refuses the parameters or the query, else
    ``(200, the total)``. (The reading of the URL is the app's own,
    :func:`searchapp.web.params.request_from_args`; what is checked is that both endpoints
    answer as the core does.)"""
    try:
        request = request_from_args(
            decode_query_string(query_string.encode("ascii")), per_page=DEFAULT_PER_PAGE
        )
        return 200, search(searcher, request).total
    except QueryError as error:
        return 400, str(error)


@FUZZ
@given(params=parameters)
def test_the_json_endpoint_answers_as_the_core_does(web, searcher, params):
    query_string = urlencode(params)
    status, expected = core_answer(searcher, query_string)
    event(f"status {status}")
    response = web.get("/api/search?" + query_string)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/json; charset=utf-8"
    data = response.get_json()
    if status == 400:
        assert data == {"ok": False, "error": expected, "status": 400}
    else:
        assert data["total"] == expected


@FUZZ
@given(params=parameters)
def test_the_search_page_answers_as_the_core_does(web, searcher, params):
    query_string = urlencode(params)
    status, expected = core_answer(searcher, query_string)
    event(f"status {status}")
    response = web.get("/search?" + query_string)
    assert response.content_type == "text/html; charset=utf-8"
    if status == 400:
        assert assert_error(response, 400) == expected
    else:
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert "<script" not in page


@FUZZ
@given(q=queries)
def test_the_document_page_ignores_any_query(web, seed_ids, q):
    response = web.get(f"/doc/{seed_ids['003']}?" + urlencode({"q": q}))
    assert response.status_code == 200
    assert "<title>公安部:截至11月底,全国共破获电信网络诈骗案件39.1万起 · 警情通报检索</title>" in (
        response.get_data(as_text=True)
    )


NEITHER = (
    "is not readable text: its bytes are neither UTF-8 nor GB18030 "
    "(send the URL percent-encoded in UTF-8)"
)


@pytest.mark.parametrize(
    ("raw_query", "status", "expected"),
    [
        (b"q=%FF%FE%80", 400, f"q {NEITHER}"),  # FF starts a character in neither
        (b"q=%C0%AF", 200, "蜡"),  # an overlong UTF-8 "/"; 蜡 in GB18030
        (b"q=%E6%96", 200, "鏂"),  # a UTF-8 character cut short; 鏂 in GB18030
        (b"page=%FF", 400, f"page {NEITHER}"),
        (b"year=%ED%A0%80", 400, f"year {NEITHER}"),  # a UTF-8 surrogate; a lone 80 in GB18030
        (b"q=%00", 200, ""),  # NUL becomes a space: the empty query, which lists everything
    ],
)
@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_url_bytes_are_read_as_gb18030_when_not_utf8_or_refused_naming_the_parameter(
    web, path, raw_query, status, expected
):
    response = web.get(f"{path}?{raw_query.decode('ascii')}")
    if status == 400:
        assert assert_error(response, 400) == expected
        return
    assert response.status_code == 200
    if path == "/api/search":
        assert response.get_json()["query"] == expected
    else:
        title = f"{html.escape(expected)} · 警情通报检索" if expected else "警情通报检索"
        assert f"<title>{title}</title>" in response.get_data(as_text=True)


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
