"""Load test: concurrent clients against `searchapp serve` (waitress) on loopback.

Serves an index with the production server, then for each target (the JSON endpoint and the
HTML page) runs a bounded number of concurrent connections for a bounded time over a fixed
mix of queries, and reports requests per second, latency p50/p99 and errors (connection
errors and non-2xx answers, 5xx counted separately). Uses ``wrk`` (Debian package ``wrk``)
when it is installed, else a Python client with one thread per connection.

Usage::

    python benchmarks/load.py --index index --connections 32 --seconds 60
    python benchmarks/load.py --index /tmp/corpus-index --markdown >> BENCHMARKS.md

Only loopback addresses are used; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote

#: The query mix: frequent and rare words, phrases, operators, filters, paging, no match.
QUERIES = [
    "q=诈骗",
    "q=断卡",
    "q=电信网络诈骗",
    "q=%22电信网络诈骗%22",
    "q=公安部 通报",
    "q=断卡 OR 断流",
    "q=诈骗 -赌博",
    "q=GOIP",
    "q=25.8万",
    "q=警方&year=2022",
    "q=诈骗&operation=断卡",
    "q=诈骗&sort=date",
    "q=诈骗&page=3",
    "q=&sort=date",
    "q=没有这个词语啊",
    "q=NOT NOT 诈骗",
]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(
    index_dir: str,
    port: int,
    threads: int,
    timeout_s: float = 60,
    env: dict | None = None,
    cwd: str | None = None,
) -> subprocess.Popen:
    """Start `searchapp serve` and wait until it answers, at most ``timeout_s`` seconds
    (each poll may itself take seconds while a large index is opened).

    :raises RuntimeError: the server did not answer in time (it is killed).
    """
    server = subprocess.Popen(
        [sys.executable, "-m", "searchapp.cli", "serve", "--host", HOST, "--port", str(port),
         "--threads", str(threads), "--index", index_dir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(HOST, port, timeout=min(120, timeout_s))
        try:
            connection.request("GET", "/api/search?q=")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    server.kill()
    raise RuntimeError(f"the server did not answer within {timeout_s:.0f} s")


def encoded(path: str) -> str:
    return quote(path, safe="/?=&%")


def python_load(port: int, prefix: str, connections: int, seconds: float) -> dict:
    """Run ``connections`` client threads for ``seconds``; each keeps one connection open."""
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0, "non_2xx": 0, "5xx": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        local = {"requests": 0, "errors": 0, "non_2xx": 0, "5xx": 0}
        while time.monotonic() < deadline:
            path = encoded(f"{prefix}?{rng.choice(QUERIES)}")
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except OSError:
                local["errors"] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
            local["requests"] += 1
            if not 200 <= response.status < 300 and response.status != 400:
                local["non_2xx"] += 1
            if response.status >= 500:
                local["5xx"] += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for key, value in local.items():
                counts[key] += value

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "tool": "python",
        "requests_per_s": counts["requests"] / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
        **counts,
    }


WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def wrk_load(port: int, prefix: str, connections: int, seconds: float) -> dict:
    """Run wrk with the query mix; parse its summary."""
    paths = ", ".join(json.dumps(encoded(f"{prefix}?{q}")) for q in QUERIES)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    try:
        output = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{int(seconds)}s", "--latency",
             "--timeout", "30s", "-s", script.name, f"http://{HOST}:{port}"],
            capture_output=True, text=True, timeout=seconds + 120, check=True,
        ).stdout
    finally:
        os.unlink(script.name)

    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    def latency_ms(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", output)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    # The mix holds one malformed query on purpose: its 400 is the right answer, not an error.
    non_2xx = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    requests = int(number(r"(\d+) requests in"))
    malformed_share = sum(1 for q in QUERIES if "NOT NOT" in q) / len(QUERIES)
    return {
        "tool": "wrk",
        "requests_per_s": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "requests": requests,
        "errors": errors,
        "non_2xx": max(0, non_2xx - round(requests * malformed_share)),
        "non_2xx_raw": non_2xx,
        "5xx": None,  # wrk does not tell 4xx from 5xx; the server log and the Python run do
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index", help="index folder to serve")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table row per target")
    args = parser.parse_args()
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    port = free_port()
    server = start_server(args.index, port, args.threads)
    try:
        connection = http.client.HTTPConnection(HOST, port)
        connection.request("GET", "/api/search?q=")
        documents = json.loads(connection.getresponse().read())["total"]
        connection.close()
        results = {}
        for target, prefix in (("JSON /api/search", "/api/search"), ("HTML /search", "/search")):
            run = wrk_load if tool == "wrk" else python_load
            results[target] = run(port, prefix, args.connections, args.seconds)
            # A second pass with the Python client counts 5xx exactly (wrk cannot).
            if tool == "wrk":
                check = python_load(port, prefix, min(args.connections, 16), min(args.seconds, 10))
                results[target]["5xx"] = check["5xx"]
                results[target]["errors"] += check["errors"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for target, result in results.items():
        if args.markdown:
            print(
                f"| {target} | {documents} | {args.connections} | {args.seconds:.0f} s | "
                f"{result['requests_per_s']:.0f} | {result['p50_ms']:.0f} | {result['p99_ms']:.0f} | "
                f"{result['errors']} | {result['5xx']} | {result['tool']} |"
            )
        else:
            print(target, json.dumps({"documents": documents, **result}, ensure_ascii=False))


if __name__ == "__main__":
    main()
