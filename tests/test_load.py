"""Short form of the load test (benchmarks/load.py): the production server under 32
concurrent connections answers every request, with no connection error and no 5xx.

Figures (requests/s, latency) are not asserted here; the full run records them in
BENCHMARKS.md.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import load  # noqa: E402


@pytest.fixture(scope="module")
def server_port(seed_index_dir):
    port = load.free_port()
    server = load.start_server(str(seed_index_dir), port, threads=8)
    yield port
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.parametrize("prefix", ["/api/search", "/search"])
def test_32_concurrent_clients_get_answers_and_no_5xx(server_port, prefix):
    result = load.python_load(server_port, prefix, connections=32, seconds=3)
    assert result["requests"] > 32
    assert (result["errors"], result["non_2xx"], result["5xx"]) == (0, 0, 0)
