"""Input edges of the web surfaces (issue 11): query strings in GB18030/GBK or in no encoding
at all, control characters, the empty query's ``parsed``, and raw UTF-8 bytes in the request
line sent to the real server (``searchapp serve``, waitress)."""

from __future__ import annotations

import json
import socket
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import assert_error

from searchapp.search import SearchRequest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import load  # noqa: E402

# 诈骗 and 断卡, percent-encoded in UTF-8 and in GBK (= GB18030 for these characters).
ZHAPIAN_UTF8 = "%E8%AF%88%E9%AA%97"
ZHAPIAN_GBK = "%D5%A9%C6%AD"  # also valid UTF-8: "թƭ" (Armenian, Latin Extended-B)
DUANKA_UTF8 = "%E6%96%AD%E5%8D%A1"
DUANKA_GBK = "%B6%CF%BF%A8"  # not UTF-8


class SearchBox(HTMLParser):
    """The ``value`` of a page's search box (``<input id="q">``)."""

    def __init__(self, text: str):
        super().__init__()
        self.value: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("id") == "q":
            self.value = attrs.get("value")


def control_characters(text: str) -> list[str]:
    """The control characters (Unicode category Cc) of ``text``, line breaks aside."""
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t"]


# --- 1. percent-escapes that are not UTF-8 -------------------------------------------------


@pytest.mark.parametrize(
    ("gbk", "utf8", "text"), [(ZHAPIAN_GBK, ZHAPIAN_UTF8, "诈骗"), (DUANKA_GBK, DUANKA_UTF8, "断卡")]
)
def test_a_gbk_query_finds_what_the_utf8_query_finds(client, gbk, utf8, text):
    expected = client.get(f"/api/search?q={utf8}").get_json()
    response = client.get(f"/api/search?q={gbk}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["query"] == text
    assert data["total"] == expected["total"] == {"诈骗": 5, "断卡": 3}[text]
    assert [hit["id"] for hit in data["hits"]] == [hit["id"] for hit in expected["hits"]]
    page = client.get(f"/search?q={gbk}")
    assert page.status_code == 200
    assert SearchBox(page.get_data(as_text=True)).value == text


@pytest.mark.parametrize("q", ["%FF", "%80", "%D5", "%E6%96%FF", "%D5%A9%FF"])
def test_a_query_in_no_known_encoding_gets_our_error(client, q):
    message = assert_error(client.get(f"/api/search?q={q}"), 400)
    assert message == (
        "q is not readable text: its bytes are neither UTF-8 nor GB18030 "
        "(send the URL percent-encoded in UTF-8)"
    )
    for path in ("/", "/search"):
        response = client.get(f"{path}?q={q}")
        assert "neither UTF-8 nor GB18030" in assert_error(response, 400)
        assert SearchBox(response.get_data(as_text=True)).value == ""


def test_an_undecodable_filter_is_an_error_and_an_unknown_parameter_is_ignored(client):
    assert "year is not readable text" in assert_error(
        client.get(f"/api/search?q={DUANKA_UTF8}&year=%FF"), 400
    )
    response = client.get(f"/api/search?q={DUANKA_UTF8}&utm_source=%FF")
    assert response.status_code == 200
    assert response.get_json()["total"] == 3


# --- 2. control characters -----------------------------------------------------------------


def test_control_characters_never_reach_the_page(client, seed_ids):
    q = f"%00{DUANKA_UTF8}%1B%C2%9B"  # NUL, 断卡, ESC, CSI (C1)
    response = client.get(f"/search?q={q}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert control_characters(text) == []
    assert SearchBox(text).value == " 断卡  "
    document = client.get(f"/doc/{seed_ids['004']}?q={q}").get_data(as_text=True)
    assert control_characters(document) == []
    assert SearchBox(client.get("/?q=%00").get_data(as_text=True)).value == " "


def test_control_characters_never_reach_the_json(client):
    response = client.get(f"/api/search?q=%00{DUANKA_UTF8}%1B%C2%9B&explain=1")
    assert response.status_code == 200
    assert control_characters(response.get_data(as_text=True)) == []
    data = response.get_json()
    assert data["query"] == "断卡"
    assert data["total"] == 3


def test_a_search_request_replaces_c1_control_characters():
    assert SearchRequest(q="a\x9bb\x00c").q == "a b c"


# --- 3. the empty query's parsed ----------------------------------------------------------


@pytest.mark.parametrize("q", ["", "+", "%20", "%09", "%E3%80%80", "%00"])
def test_an_empty_query_says_it_lists_everything_in_our_words(client, q):
    response = client.get(f"/api/search?q={q}&explain=1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "None:" not in text and "*" not in text
    data = response.get_json()
    assert (data["query"], data["parsed"], data["total"]) == ("", "", 5)
    assert data["explain"].startswith("everything  — ")



# --- 4. raw UTF-8 bytes in the request line, on the real server ----------------------------


@pytest.fixture(scope="module")
def server_port(seed_index_dir):
    port = load.free_port()
    server = load.start_server(str(seed_index_dir), port, threads=2)
    yield port
    server.terminate()
    server.wait(timeout=30)


def raw_get(port: int, target: bytes) -> tuple[int, str, bytes]:
    """Send ``GET target`` exactly as given (no encoding) and return (status, content type,
    body)."""
    with socket.create_connection((load.HOST, port), timeout=60) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers.get("Content-Type", ""), body


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [("断卡".encode(), DUANKA_UTF8), ("断卡".encode("gbk"), DUANKA_UTF8), (b"", "")],
)
def test_raw_bytes_in_the_url_are_searched_as_a_browser_would_send_them(server_port, raw, encoded):
    status, content_type, body = raw_get(server_port, b"/api/search?q=" + raw)
    assert (status, content_type) == (200, "application/json; charset=utf-8"), body[:300]
    answer = json.loads(body)
    _, _, expected = raw_get(server_port, f"/api/search?q={encoded}".encode())
    assert answer["query"] == ("断卡" if raw else "")
    assert answer["total"] == json.loads(expected)["total"] == (3 if raw else 5)


def test_raw_bytes_in_a_page_url_show_the_page(server_port):
    status, content_type, body = raw_get(server_port, "/search?q=断卡".encode())
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert SearchBox(body.decode()).value == "断卡"
