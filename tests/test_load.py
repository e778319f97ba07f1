"""Short form of the load test (benchmarks/load.py): the production server under 32
concurrent connections answers every request, with no connection error and no 5xx, and
each answer is the one the app gives to that request alone.

Figures (requests/s, latency) are not asserted here; the full run records them in
BENCHMARKS.md.
"""

import http.client
import json
import re
import sys
import threading
from pathlib import Path

import pytest

from searchapp import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import load  # noqa: E402

CONNECTIONS = 32

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server_port(seed_index_dir):
    port = load.free_port()
    server = load.start_server(str(seed_index_dir), port, threads=8)
    yield port
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.parametrize("prefix", ["/api/search", "/search"])
def test_32_concurrent_clients_get_answers_and_no_5xx(server_port, prefix):
    result = load.python_load(server_port, prefix, connections=CONNECTIONS, seconds=3)
    assert (result["errors"], result["non_2xx"], result["5xx"]) == (0, 0, 0)
    # Each client sends its first request at once and waits for the answer (no error):
    # every one of the connections was answered at least once.
    assert result["requests"] >= CONNECTIONS


def _answer(status: int, body: str, json_body: bool):
    """What must be equal between two answers to one request: the status and the body,
    without the time the search took."""
    if json_body:
        data = json.loads(body)
        data.pop("took_ms", None)
        return status, data
    return status, re.sub(r"用时 [0-9.]+ 毫秒", "用时", body)  # "找到 5 篇，用时 3.2 毫秒"


@pytest.mark.parametrize("prefix", ["/api/search", "/search"])
def test_under_32_concurrent_connections_every_answer_is_the_apps(server_port, seed_index_dir, prefix):
    """Each connection sends two queries of the mix (all 16 sent four times, at once); each
    answer equals what the app answers to the same request on its own, a 400 included
    (the mix's NOT NOT 诈骗)."""
    client = create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)}).test_client()
    expected = {}
    for query in load.QUERIES:
        response = client.get(f"{prefix}?{query}")
        expected[query] = _answer(response.status_code, response.get_data(as_text=True), prefix == "/api/search")
    assert sorted(status for status, _body in expected.values()) == [200] * 15 + [400]
    answers: list[tuple[str, int, str]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(CONNECTIONS)

    def connection_client(n: int) -> None:
        connection = http.client.HTTPConnection(load.HOST, server_port, timeout=60)
        try:
            start.wait(timeout=30)
            for query in (load.QUERIES[n % 16], load.QUERIES[(n + 1) % 16]):
                connection.request("GET", load.encoded(f"{prefix}?{query}"))
                response = connection.getresponse()
                body = response.read().decode("utf-8")
                with lock:
                    answers.append((query, response.status, body))
        except BaseException as error:  # reported below, with the others
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=connection_client, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert len(answers) == 2 * CONNECTIONS
    for query, status, body in answers:
        assert _answer(status, body, prefix == "/api/search") == expected[query], query
