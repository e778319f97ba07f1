"""Benchmark our indexer and search core side by side with the stock configuration.

For each corpus size (built or reused by :mod:`corpus`, cached outside the repository):

1. indexing, each engine in a child process (``--index-runs`` times, medians): documents/s,
   MB/s of title + body text, CPU seconds (and so cores used), peak RSS (``wait4``), index
   size on disk — ours is ``searchapp.indexer.index_paths``, stock is :mod:`stock`;
2. queries, each engine in a fresh child process: the 62-query mix of :mod:`queries`, every
   search with facet counts and snippets, once cold (first run of each query in a fresh
   process, index just opened, jieba loaded) then ``--passes`` warm passes; p50/p95/p99/max
   over the queries of each query's median warm time;
3. cold start of ``searchapp search 诈骗`` (a new process, median of 5) and of the stock
   equivalent (``benchmarks/stock.py search``);
4. the web server with its production settings (``searchapp serve``, waitress, 4 threads),
   driven by :mod:`load`: searches/s, latency, and the first request after start;
5. re-indexing after 1% of the files changed (ours; the stock build has no incremental mode),
   next to a run in which nothing changed;
6. profiles (cProfile) of indexing a 400-file sample (at one size) and of each build's slowest
   warm query (at every size).

Results go to ``<bench dir>/results/size-<N>.json``; the report, rendered from every saved
size, replaces the section between the markers in ``BENCHMARKS.md`` (other sections stay).

Usage::

    python benchmarks/run.py                      # 10k, 50k and 100k documents
    python benchmarks/run.py --sizes 1000         # the short form
    python benchmarks/run.py --report-only        # rewrite BENCHMARKS.md from saved results
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import http.client
import json
import math
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
for path in (str(REPO), str(BENCHMARKS)):
    if path not in sys.path:
        sys.path.insert(0, path)

import corpus  # noqa: E402
from queries import QUERIES  # noqa: E402
from queries import label  # noqa: E402

REPORT_FILE = REPO / "BENCHMARKS.md"
START_MARKER = "<!-- benchmarks/run.py: start (generated; edit the script, not this section) -->"
END_MARKER = "<!-- benchmarks/run.py: end -->"
ENGINES = ("ours", "stock")
QUERY_ENGINES = ENGINES
CLI_QUERY = "诈骗"
CHANGED_SHARE = 0.01
PROFILE_FILES = 400


# --- child processes --------------------------------------------------------------------


def _child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and all its descendants, MB (from /proc)."""
    total_kb = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total_kb / 1024


class _TreeRssSampler(threading.Thread):
    """Samples the summed RSS of a process tree every ``interval_s``; ``peak_mb`` is the
    largest sum seen (writer processes run beside the indexing process)."""

    def __init__(self, pid: int, interval_s: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.interval_s, self.peak_mb = pid, interval_s, 0.0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.interval_s):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(self.pid))


def run_child(*args: str, timeout_s: float = 4 * 3600) -> dict:
    """Run ``run.py <args>`` in a new process; return its JSON answer with wall time,
    CPU time of the child and its descendants, the child's own peak RSS (``wait4``) and the
    peak of the summed RSS of the child and its descendants (sampled every 0.5 s)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *args],
            stdout=out, env=_child_env(),
        )
        sampler = _TreeRssSampler(process.pid)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        sampler.done.set()
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed ({process.returncode}):\n{text[-3000:]}")
    answer = json.loads(text.strip().splitlines()[-1])
    answer.update(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        peak_tree_rss_mb=sampler.peak_mb,
    )
    return answer


def child_index(engine: str, folder: str, index_dir: str, rebuild: str = "1") -> dict:
    """Index ``folder`` with ``engine``; runs inside the child process."""
    started = time.perf_counter()
    if engine == "ours":
        from searchapp.indexer import index_paths

        report = index_paths([folder], index_dir, rebuild=rebuild == "1")
        answer = {
            "documents": report.documents,
            "indexed": report.indexed,
            "duplicates": report.duplicates,
            "skipped": len(report.skipped),
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
    else:
        import stock

        answer = stock.build_index([folder], index_dir)
    answer["seconds"] = time.perf_counter() - started
    return answer


def _spec_request(spec: dict):
    from searchapp.search import SearchRequest

    return SearchRequest(
        q=spec["q"], years=spec["years"], sources=spec["sources"],
        operations=spec["operations"], sort=spec["sort"], page=spec["page"],
    )


def _query_runner(engine: str, index_dir: str):
    """Open the index and one searcher, load jieba; return ``run(spec) -> total hits``.

    The searcher stays open for every query, as the web app keeps one per worker thread
    (until the next commit); the stock build gets the same treatment.
    """
    if engine == "ours":
        from searchapp.analysis import get_segmenter
        from searchapp.engine.whoosh.generations import open_index
        from searchapp.search import search

        ix = open_index(index_dir)
        get_segmenter()
        searcher = ix.searcher()

        def run(spec):
            return search(searcher, _spec_request(spec)).total
    else:
        import stock

        ix = stock.open_index(index_dir)
        stock.warm_up()
        searcher = ix.searcher()

        def run(spec):
            return stock.search(searcher, spec)["total"]
    run.index = ix
    return run


def child_queries(engine: str, index_dir: str, passes: str) -> dict:
    """Run the mix once cold, then ``passes`` times warm; times in milliseconds."""
    started = time.perf_counter()
    run = _query_runner(engine, index_dir)
    open_s = time.perf_counter() - started
    searcher_open_ms = []
    for _ in range(5):
        begin = time.perf_counter()
        run.index.searcher().close()
        searcher_open_ms.append((time.perf_counter() - begin) * 1000)
    specs = [spec for _kind, spec in QUERIES]

    def timed(spec):
        begin = time.perf_counter()
        try:
            total = run(spec)
        except Exception as exc:  # a query the engine rejects: recorded, not fatal
            total = f"error: {type(exc).__name__}: {exc}"[:120]
        return (time.perf_counter() - begin) * 1000, total

    cold = [timed(spec) for spec in specs]
    warm = [[timed(spec)[0] for spec in specs] for _ in range(int(passes))]
    return {
        "open_s": open_s,
        "searcher_open_ms": statistics.median(searcher_open_ms),
        "cold_ms": [ms for ms, _ in cold],
        "totals": [total for _, total in cold],
        "warm_ms": warm,
    }


def _profile_summary(profile: cProfile.Profile, top: int = 25) -> dict:
    """Top functions by own time and by cumulative time, and own time by package."""
    stats = pstats.Stats(profile)
    total = stats.total_tt
    rows = []
    by_area: dict[str, float] = {}
    for (filename, line, name), (cc, nc, tt, ct, _callers) in stats.stats.items():
        where = _short_path(filename)
        rows.append({"function": f"{where}:{line}({name})", "calls": nc, "own_s": tt, "cum_s": ct})
        area = _area(filename, name)
        by_area[area] = by_area.get(area, 0.0) + tt
    own = sorted(rows, key=lambda r: -r["own_s"])[:top]
    cumulative = sorted(rows, key=lambda r: -r["cum_s"])[: top + 10]
    return {
        "total_s": total,
        "own": own,
        "cumulative": cumulative,
        "areas": sorted(by_area.items(), key=lambda item: -item[1]),
    }


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/searchapp/", "/benchmarks/", "/lib/python3"):
        if marker in filename:
            tail = filename.split(marker, 1)[1]
            return ("searchapp/" if marker == "/searchapp/" else "") + tail
    return filename


def _area(filename: str, name: str) -> str:
    """Where own time is spent: the library or our module the function belongs to."""
    if "/jieba/" in filename:
        return "jieba"
    if "/whoosh/" in filename:
        part = filename.split("/whoosh/", 1)[1]
        if part.startswith(("analysis", "highlight")):
            return "whoosh " + part.split("/")[0].split(".")[0]
        if part.startswith(("writing", "codec", "filedb", "util", "automata", "support")):
            return "whoosh writing/codec/storage"
        if part.startswith(("searching", "collectors", "matching", "sorting", "query", "qparser", "scoring", "reading", "columns", "idsets")):
            return "whoosh search/read"
        return "whoosh other"
    for module in ("analysis", "snippets", "search", "indexer", "schema"):
        if f"/searchapp/{module}" in filename:
            return f"searchapp.{module}"
    if "/searchapp/ingest" in filename or any(
        lib in filename for lib in ("/bs4/", "/lxml/", "/yaml/", "/charset_normalizer/", "/dateutil/")
    ):
        return "ingest (ours + bs4/lxml/yaml/charset)"
    if filename == "~":
        return "builtins (" + ("regex" if "Pattern" in name or "re." in name else "other") + ")"
    return "other Python (stdlib…)"


def child_profile_index(engine: str, list_file: str, index_dir: str) -> dict:
    """Profile indexing the files listed in ``list_file``, in one process (with writer
    processes the profile would show the indexing process waiting for them)."""
    paths = Path(list_file).read_text().splitlines()
    profile = cProfile.Profile()
    profile.enable()
    if engine == "ours":
        from searchapp.indexer import index_paths

        index_paths(paths, index_dir, rebuild=True, processes=1)
    else:
        import stock

        stock.build_index(paths, index_dir)
    profile.disable()
    return _profile_summary(profile)


def child_profile_query(engine: str, index_dir: str, query_number: str, repeats: str) -> dict:
    """Profile ``repeats`` warm runs of one query of the mix."""
    run = _query_runner(engine, index_dir)
    spec = QUERIES[int(query_number)][1]
    run(spec)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(int(repeats)):
        run(spec)
    profile.disable()
    summary = _profile_summary(profile)
    summary["label"] = label(spec)
    summary["repeats"] = int(repeats)
    summary["unprofiled_hint_ms"] = (time.perf_counter() - started) * 1000 / int(repeats)
    if engine == "ours":
        summary["phases_ms"] = _phases(index_dir, spec)
    return summary


def _phases(index_dir: str, spec: dict) -> dict:
    """Time the steps of one warm search of ours separately (median of 3), milliseconds,
    following ``searchapp.search._run``."""
    from whoosh import query as whoosh_query

    from searchapp import search as core
    from searchapp.facets import FacetTable
    from searchapp.engine.whoosh.generations import open_index
    from searchapp.engine.whoosh.matching import matching_docnums
    from searchapp.engine.whoosh.scoring import score_all

    searcher = open_index(index_dir).searcher()
    request = _spec_request(spec)
    table = FacetTable.for_searcher(searcher)
    samples: dict[str, list[float]] = {}

    def clock(name, function, *args, **kwargs):
        begin = time.perf_counter()
        value = function(*args, **kwargs)
        samples.setdefault(name, []).append((time.perf_counter() - begin) * 1000)
        return value

    for _ in range(3):
        parsed = clock("parse", core.parse_query, request.q, searcher.schema)
        bonus = parsed.b if isinstance(parsed, core.WithAdjacencyBonus) else None
        q = parsed.a if bonus is not None else parsed
        relevance = request.sort == "relevance" and request.q.strip()
        scored = clock("score every match (arrays)", score_all, searcher, q) if relevance else None
        if scored is not None:
            matched = scored[0]
        else:
            matched = clock("match (arrays)", lambda: table.all_docnums() if isinstance(
                q, whoosh_query.Every) else matching_docnums(searcher, q))
        allowed, _counts = clock("filters + facet counts", table.select, matched, request.filters())
        end = request.page * request.per_page
        if relevance:
            ranked = clock("top + adjacency bonus", core._rank, searcher, q, bonus, allowed, end,
                           scored)
        else:
            ranked = clock("date sort", lambda: [(int(d), None) for d in table.by_date(
                allowed, newest_first=request.sort != "date_asc")[:end]])
        needles = core.query_needles(parsed)
        clock("stored fields + snippets", lambda: [
            core._hit(searcher.stored_fields(d), needles, rank=1, score=score)
            for d, score in ranked[end - request.per_page:end]])
    searcher.close()
    return {name: statistics.median(values) for name, values in samples.items()}


CHILDREN = {
    "_index": child_index,
    "_queries": child_queries,
    "_profile_index": child_profile_index,
    "_profile_query": child_profile_query,
}


# --- measurements in the parent -----------------------------------------------------------


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__().replace("'", "")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0–100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_summary(per_query_ms: list[float]) -> dict:
    return {
        "p50": percentile(per_query_ms, 50),
        "p95": percentile(per_query_ms, 95),
        "p99": percentile(per_query_ms, 99),
        "max": max(per_query_ms),
        "mean": statistics.fmean(per_query_ms),
    }


def _indexing_record(engine: str, size: int, run: int) -> Path:
    return results_dir() / f"indexing-{engine}-{size}-run{run + 1}.json"


def measure_indexing(meta: dict, runs: int, log, resume: bool = False,
                     engines: tuple[str, ...] = ENGINES) -> dict:
    """Build each engine's index ``runs`` times; each measurement is saved as soon as it is
    taken, and with ``resume`` a saved one whose index is still there is reused."""
    folder = meta["folder"]
    indexes = corpus.bench_dir() / "indexes"
    result: dict[str, list] = {engine: [] for engine in ENGINES}
    for run in range(runs):
        for engine in ENGINES:
            index_dir = indexes / f"{engine}-{meta['size']}"
            record = _indexing_record(engine, meta["size"], run)
            if (resume or engine not in engines) and record.exists() and index_dir.exists():
                result[engine].append(json.loads(record.read_text()))
                log(f"  index {engine} run {run + 1}/{runs}: reusing {record.name}")
                continue
            if engine not in engines:
                continue
            shutil.rmtree(index_dir, ignore_errors=True)
            log(f"  index {engine} run {run + 1}/{runs} … (load {load_average()})")
            answer = run_child("_index", engine, folder, str(index_dir))
            answer["load"] = load_average()
            answer = _indexing_figures(answer, meta, index_dir)
            record.write_text(json.dumps(answer))
            log(f"    {answer['wall_s']:.1f} s, {answer['docs_per_s']:.1f} docs/s, "
                f"{answer['cores_used']:.2f} cores, peak RSS {answer['peak_tree_rss_mb']:.0f} MB "
                f"(all processes), index {answer['index_mb']:.0f} MB")
            result[engine].append(answer)
    return result


def _indexing_figures(answer: dict, meta: dict, index_dir: Path) -> dict:
    answer["index_mb"] = folder_mb(index_dir)
    answer["docs_per_s"] = meta["documents"] / answer["wall_s"]
    answer["docs_per_cpu_s"] = meta["documents"] / answer["cpu_s"]
    answer["text_mb_per_s"] = meta["text_mb"] / answer["wall_s"]
    answer["cores_used"] = answer["cpu_s"] / answer["wall_s"]
    return answer


def measure_queries(size: int, passes: int, log, runs: int = 1) -> dict:
    return _measure_engines(size, passes, QUERY_ENGINES, log, runs)


def _measure_engines(size: int, passes: int, engines, log, runs: int = 1) -> dict:
    """Measure the query mix ``runs`` times per engine, alternating the engines (each run a
    fresh process); every query's warm time is its median over all warm passes of all runs,
    its cold time the median of its first runs."""
    indexes = corpus.bench_dir() / "indexes"
    answers: dict[str, list[dict]] = {engine: [] for engine in engines}
    for run in range(runs):
        for engine in engines:
            log(f"  queries {engine} (run {run + 1}/{runs}): cold pass + {passes} warm passes … "
                f"(load {load_average()})")
            answer = run_child("_queries", engine, str(indexes / f"{engine}-{size}"), str(passes))
            answer["load"] = load_average()
            answers[engine].append(answer)
    result = {}
    for engine, runs_of_engine in answers.items():
        answer = dict(runs_of_engine[0])
        answer["warm_ms"] = [passes_ms for a in runs_of_engine for passes_ms in a["warm_ms"]]
        answer["cold_ms"] = [statistics.median(ms) for ms in zip(*(a["cold_ms"] for a in runs_of_engine))]
        answer["runs"] = len(runs_of_engine)
        answer["load"] = ", ".join(a["load"] for a in runs_of_engine)
        per_query = [statistics.median(ms) for ms in zip(*answer["warm_ms"])]
        answer["per_query_warm_ms"] = per_query
        answer["warm"] = latency_summary(per_query)
        answer["cold"] = latency_summary(answer["cold_ms"])
        log(f"    {engine}: warm p50 {answer['warm']['p50']:.0f} ms, p95 {answer['warm']['p95']:.0f} ms, "
            f"max {answer['warm']['max']:.0f} ms; cold p50 {answer['cold']['p50']:.0f} ms")
        result[engine] = answer
    return result


def measure_cli(size: int, repeats: int = 5) -> dict:
    indexes = corpus.bench_dir() / "indexes"
    commands = {
        "ours": [sys.executable, "-m", "searchapp.cli", "search", CLI_QUERY,
                 "--index", str(indexes / f"ours-{size}")],
        "stock": [sys.executable, str(BENCHMARKS / "stock.py"), "search",
                  str(indexes / f"stock-{size}"), CLI_QUERY],
        "ours_help": [sys.executable, "-m", "searchapp.cli", "--help"],
        "python": [sys.executable, "-c", "pass"],
    }
    result = {}
    for name, command in commands.items():
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=_child_env(), check=True, cwd=REPO)
            times.append(time.perf_counter() - started)
        result[name] = {"median_s": statistics.median(times), "all_s": times}
    return result


def measure_web(size: int, seconds: float, connections: int, log) -> dict:
    import load

    index_dir = str(corpus.bench_dir() / "indexes" / f"ours-{size}")
    port = load.free_port()
    os.environ["PYTHONPATH"] = _child_env()["PYTHONPATH"]
    started = time.perf_counter()
    server = _start_server(index_dir, port, threads=4)
    result: dict = {"start_s": time.perf_counter() - started, "threads": 4,
                    "connections": connections, "seconds": seconds}
    try:
        path = load.encoded(f"/api/search?q={CLI_QUERY}&year=2022")
        latencies = []
        for _ in range(11):
            connection = http.client.HTTPConnection(load.HOST, port, timeout=60)
            begin = time.perf_counter()
            connection.request("GET", path)
            connection.getresponse().read()
            latencies.append((time.perf_counter() - begin) * 1000)
            connection.close()
        result["first_request_ms"] = latencies[0]
        result["later_requests_ms"] = statistics.median(latencies[1:])
        tool = "wrk" if shutil.which("wrk") else "python"
        for target, prefix in (("json", "/api/search"), ("html", "/search")):
            log(f"  web {target}: {connections} connections, {seconds:.0f} s ({tool}) …")
            run = load.wrk_load if tool == "wrk" else load.python_load
            result[target] = run(port, prefix, connections, seconds)
        check = load.python_load(port, "/api/search", 4, 3)
        result["check_5xx"] = check["5xx"]
        result["check_errors"] = check["errors"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def _start_server(index_dir: str, port: int, threads: int, timeout_s: float = 600):
    """Start `searchapp serve` (:func:`load.start_server`), waiting as long as a slow
    index needs."""
    import load

    return load.start_server(
        index_dir, port, threads, timeout_s=timeout_s, env=_child_env(), cwd=str(REPO)
    )


def _changes_journal(size: int) -> Path:
    return corpus.bench_dir() / f"changes-{size}.json"


def restore_corpus(size: int) -> None:
    """Put back the files a re-index measurement changed (also after a crash)."""
    journal = _changes_journal(size)
    if not journal.exists():
        return
    for entry in json.loads(journal.read_text()):
        path = Path(entry["path"])
        pending = path.with_name(path.name + ".restore")
        if entry["symlink"]:
            if pending.exists() or pending.is_symlink():
                pending.unlink()
            pending.symlink_to(entry["symlink"])
        else:
            pending.write_bytes(bytes.fromhex(entry["bytes"]))
        os.replace(pending, path)
    journal.unlink()


def change_files(meta: dict, share: float) -> int:
    """Change ``share`` of the corpus's files (seeded): append a line to each. Each file is
    replaced, never written through, so the real corpus and the pool stay untouched."""
    from searchapp.ingest import iter_files

    files = list(iter_files([meta["folder"]]))
    chosen = random.Random(corpus.SEED).sample(files, max(1, round(share * len(files))))
    journal = []
    for path in chosen:
        original = path.read_bytes()
        journal.append({
            "path": str(path),
            "symlink": os.readlink(path) if path.is_symlink() else None,
            "bytes": None if path.is_symlink() else original.hex(),
        })
    _changes_journal(meta["size"]).write_text(json.dumps(journal))
    for entry, path in zip(journal, chosen):
        original = path.read_bytes()
        pending = path.with_name(path.name + ".change")
        pending.write_bytes(original + "\n\n本文于基准测试中更新。\n".encode())
        os.replace(pending, path)
    return len(chosen)


def measure_reindex(meta: dict, log) -> dict:
    size = meta["size"]
    index_dir = str(corpus.bench_dir() / "indexes" / f"ours-{size}")
    log("  re-index, nothing changed …")
    unchanged = run_child("_index", "ours", meta["folder"], index_dir, "0")
    changed_files = change_files(meta, CHANGED_SHARE)
    try:
        log(f"  re-index, {changed_files} files changed …")
        changed = run_child("_index", "ours", meta["folder"], index_dir, "0")
    finally:
        restore_corpus(size)
    log(f"  re-index, the same {changed_files} files changed back …")
    restored = run_child("_index", "ours", meta["folder"], index_dir, "0")
    return {"changed_files": changed_files, "unchanged": unchanged, "changed": changed,
            "restored": restored}


def profile_indexing(meta: dict, log) -> dict:
    from searchapp.ingest import iter_files

    files = list(iter_files([meta["folder"]]))
    sample = sorted(random.Random(corpus.SEED).sample(files, min(PROFILE_FILES, len(files))))
    result = {"files": len(sample)}
    with tempfile.TemporaryDirectory() as scratch:
        list_file = Path(scratch) / "files.txt"
        list_file.write_text("\n".join(map(str, sample)))
        for engine in ENGINES:
            log(f"  profile indexing {engine} ({len(sample)} files) …")
            result[engine] = run_child(
                "_profile_index", engine, str(list_file), str(Path(scratch) / engine)
            )
    return result


def profile_slowest_query(size: int, queries: dict, log) -> dict:
    result = {}
    for engine in ENGINES:
        per_query = queries[engine]["per_query_warm_ms"]
        slowest = max(range(len(per_query)), key=per_query.__getitem__)
        log(f"  profile slowest query of {engine}: {label(QUERIES[slowest][1])} …")
        index_dir = str(corpus.bench_dir() / "indexes" / f"{engine}-{size}")
        result[engine] = run_child("_profile_query", engine, index_dir, str(slowest), "3")
        result[engine]["query_number"] = slowest
    return result


# --- the report -----------------------------------------------------------------------------


def machine() -> dict:
    def command(*args):
        try:
            return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )
    from importlib.metadata import version

    return {
        "nproc": command("nproc"),
        "free": command("free", "-h"),
        "cpu": cpu,
        "python": platform.python_version(),
        "libraries": {name: version(name) for name in ("whoosh-reloaded", "jieba", "flask", "waitress")},
        "kernel": platform.release(),
        "wrk": shutil.which("wrk") is not None,
    }


def results_dir() -> Path:
    path = corpus.bench_dir() / "results"
    path.mkdir(exist_ok=True)
    return path


def _median(values):
    return statistics.median(values) if values else float("nan")


def _index_median(runs: list[dict], key: str) -> float:
    """Median of one figure over the runs (NaN when it was not recorded)."""
    return _median([run[key] for run in runs if run.get(key) is not None]) if any(
        run.get(key) is not None for run in runs) else float("nan")


def render(results: list[dict]) -> str:
    """Render the saved results (one dict per size, ascending) as the Markdown section."""
    lines = [START_MARKER, "", "## Side by side with the stock build (benchmarks/run.py)", ""]
    latest = results[-1]
    info = latest["machine"]
    lines += [
        f"Command: `python benchmarks/run.py --sizes {' '.join(str(r['size']) for r in results)}` "
        f"(short form: `--sizes 1000`). Corpora and indexes are cached in "
        f"`$SEARCHAPP_BENCH_DIR` (default `~/.cache/searchapp-bench`); see `benchmarks/corpus.py`.",
        "",
        f"Machine: {info['nproc']} cores ({info['cpu']}), Linux {info['kernel']}, Python "
        f"{info['python']}, " + ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
        + ". The 2 cores are shared with other engineers' work: the load average (1, 5, 15 min) "
        "is given with every figure.",
        "",
        "```",
        info["free"],
        "```",
        "",
        "Ours = `searchapp.indexer.index_paths` (word + n-gram fields, duplicates folded, two "
        "writer processes) and `searchapp.search.search` (array matching, facet table, array "
        "BM25F). Stock = Whoosh with `jieba.analyse.ChineseAnalyzer` "
        "on the same Document fields, one writer with default settings (`benchmarks/stock.py`). "
        "Both read the files with our ingest, so parsing costs the same on both sides. Every "
        "query asks for year, source and operation facet counts and the snippets of its page.",
        "",
        "### Indexing",
        "",
        "| N | corpus (real + generated), text | build | wall s | docs/s | MB/s | CPU s (cores) | docs per CPU-s | peak RSS MB | index MB | load when run |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        meta = result["corpus"]
        for engine in ENGINES:
            runs = result["indexing"][engine]
            lines.append(
                f"| {meta['documents']:,} | {meta['real_documents']:,} + {meta['generated']:,}, "
                f"{meta['text_mb']:.0f} MB | {engine} | {_index_median(runs, 'wall_s'):.0f} | "
                f"{_index_median(runs, 'docs_per_s'):.1f} | {_index_median(runs, 'text_mb_per_s'):.2f} | "
                f"{_index_median(runs, 'cpu_s'):.0f} ({_index_median(runs, 'cores_used'):.2f}) | "
                f"{meta['documents'] / _index_median(runs, 'cpu_s'):.1f} | "
                f"{_peak_rss(runs):.0f} | {_index_median(runs, 'index_mb'):.0f} | "
                f"{runs[0]['load']} |"
            )
        ratio = _index_median(result["indexing"]["ours"], "docs_per_s") / _index_median(
            result["indexing"]["stock"], "docs_per_s")
        cpu_ratio = _index_median(result["indexing"]["stock"], "cpu_s") / _index_median(
            result["indexing"]["ours"], "cpu_s")
        lines.append(f"| | | **ours/stock** | | **{ratio:.2f}×** | | | **{cpu_ratio:.2f}×** | | | |")
    runs_note = sorted({len(r["indexing"]["ours"]) for r in results})
    lines += ["", f"Indexing runs per size and build: {', '.join(map(str, runs_note))} (median "
              "shown). Documents/s counts documents of the corpus, read from files, over the "
              "child process's wall time (ingest included); docs per CPU-s divides by the child's user + "
              "system CPU time, which depends less on how busy the shared machine was; peak RSS is "
              "the largest sum of the resident memory of the child and its writer processes "
              "(sampled every 0.5 s; the child's own `ru_maxrss` for runs measured before the "
              "sampler existed, which had one process).",
              ""]

    lines += ["### Queries (62-query mix, facets and snippets on every query)", "",
              "| N | build | warm p50 | p95 | p99 | max | cold p50 | cold p95 | cold max | open + jieba s | searcher open ms | load |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        for engine in QUERY_ENGINES:
            q = result["queries"].get(engine)
            if q is None:
                continue
            w, c = q["warm"], q["cold"]
            opening = q.get("searcher_open_ms")
            lines.append(
                f"| {result['size']:,} | {engine} | {w['p50']:.0f} | {w['p95']:.0f} | {w['p99']:.0f} | "
                f"{w['max']:.0f} | {c['p50']:.0f} | {c['p95']:.0f} | {c['max']:.0f} | "
                f"{q['open_s']:.2f} | {'' if opening is None else f'{opening:.0f}'} | {q['load']} |"
            )
        ours, stock_q = result["queries"]["ours"]["warm"], result["queries"]["stock"]["warm"]
        lines.append(f"| | **ours/stock** | **{ours['p50'] / stock_q['p50']:.2f}×** | "
                     f"**{ours['p95'] / stock_q['p95']:.2f}×** | {ours['p99'] / stock_q['p99']:.2f}× | "
                     f"{ours['max'] / stock_q['max']:.2f}× | | | | | |")
    passes = ", ".join(
        f"{r['passes']} × {r['queries']['ours'].get('runs', 1)} runs at {r['size']:,}" for r in results)
    lines += ["", f"Milliseconds. Warm: each query's median over its warm passes ({passes}; each run a fresh process, the engines alternating), "
              "then percentiles (nearest rank) over the 62 queries; one searcher per process, kept "
              "open as the web app keeps one per thread. Cold: the first run of each "
              "query in a fresh process (index just opened, jieba loaded; OS page cache warm).", ""]

    lines += ["### Command line, web server, re-indexing", "",
              "| N | cold `searchapp search 诈骗` s | stock CLI s | `searchapp --help` s | `python -c pass` s | web JSON req/s (p50/p99 ms) | web HTML req/s (p50/p99 ms) | first / later request ms | re-index 1% s (files) | no-change run s | full build s | 1% / full | load after |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        cli, web, re = result["cli"], result["web"], result["reindex"]
        full = _index_median(result["indexing"]["ours"], "wall_s")
        one_percent = _median([re["changed"]["wall_s"], re["restored"]["wall_s"]])
        lines.append(
            f"| {result['size']:,} | {cli['ours']['median_s']:.2f} | {cli['stock']['median_s']:.2f} | "
            f"{cli['ours_help']['median_s']:.2f} | {cli['python']['median_s']:.2f} | "
            f"{_web_cell(web['json'], web['seconds'])} | {_web_cell(web['html'], web['seconds'])} | "
            f"{web['first_request_ms']:.0f} / {web['later_requests_ms']:.0f} | "
            f"{one_percent:.1f} ({re['changed_files']}) | {re['unchanged']['wall_s']:.1f} | {full:.0f} | "
            f"{100 * one_percent / full:.1f}% | {result.get('load_after', '')} |"
        )
    lines += ["", f"Web: `searchapp serve` (waitress, 4 threads), {latest['web']['connections']} "
              f"connections for {latest['web']['seconds']:.0f} s per page kind with "
              "`benchmarks/load.py`'s 16-query mix (wrk); first/later: `/api/search?q=诈骗&year=2022` "
              "right after start vs the median of the next 10. Re-index: median of two incremental "
              "runs (1% of files changed; then changed back). CLI: median of 5 new processes.", ""]

    if len(results) > 1:
        lines += ["### Growth with N", "", "| figure | " + " | ".join(f"{r['size']:,}" for r in results) + " |",
                  "|---|" + "---|" * len(results)]

        def row(name, values, fmt="{:.1f}"):
            lines.append(f"| {name} | " + " | ".join(fmt.format(v) for v in values) + " |")

        for engine in ENGINES:
            row(f"{engine} docs/s", [_index_median(r["indexing"][engine], "docs_per_s") for r in results])
            row(f"{engine} peak RSS MB", [_peak_rss(r["indexing"][engine]) for r in results], "{:.0f}")
            row(f"{engine} index MB", [_index_median(r["indexing"][engine], "index_mb") for r in results], "{:.0f}")
            row(f"{engine} warm p50 ms", [r["queries"][engine]["warm"]["p50"] for r in results])
            row(f"{engine} warm p95 ms", [r["queries"][engine]["warm"]["p95"] for r in results])
            row(f"{engine} warm max ms", [r["queries"][engine]["warm"]["max"] for r in results], "{:.0f}")
        row("ours cold CLI s", [r["cli"]["ours"]["median_s"] for r in results], "{:.2f}")
        row("ours web JSON req/s", [r["web"]["json"]["requests_per_s"] for r in results])
        lines.append("")

    lines += _targets(latest)
    lines += _per_query_table(latest)
    lines += _profiles(results)
    lines += ["", END_MARKER]
    return "\n".join(lines)


def _peak_rss(runs: list[dict]) -> float:
    """Peak RSS of an indexing run, all processes (older records: the one process)."""
    return _median([run.get("peak_tree_rss_mb") or run["peak_rss_mb"] for run in runs])


def _targets(result: dict) -> list[str]:
    """The issue's targets at the largest size measured, met or not, by how much."""
    ours_index, stock_index = result["indexing"]["ours"], result["indexing"]["stock"]
    speedup = _index_median(ours_index, "docs_per_s") / _index_median(stock_index, "docs_per_s")
    warm = result["queries"]["ours"]["warm"]
    web = result["web"]
    full = _index_median(ours_index, "wall_s")
    reindex = _median([result["reindex"]["changed"]["wall_s"], result["reindex"]["restored"]["wall_s"]])
    checks = [
        ("indexing docs/s, ours/stock", "≥ 6×", f"{speedup:.2f}×", speedup >= 6),
        ("indexing peak RSS (all processes)", "< 1,500 MB", f"{_peak_rss(ours_index):,.0f} MB",
         _peak_rss(ours_index) < 1500),
        ("warm query p50", "≤ 50 ms", f"{warm['p50']:.0f} ms", warm["p50"] <= 50),
        ("warm query p95", "≤ 150 ms", f"{warm['p95']:.0f} ms", warm["p95"] <= 150),
        ("slowest query of the mix", "≤ 500 ms", f"{warm['max']:.0f} ms", warm["max"] <= 500),
        ("cold `searchapp search`", "≤ 1.5 s", f"{result['cli']['ours']['median_s']:.2f} s",
         result["cli"]["ours"]["median_s"] <= 1.5),
        ("first web request vs later ones", "no slower",
         f"{web['first_request_ms']:.0f} vs {web['later_requests_ms']:.0f} ms",
         web["first_request_ms"] <= 1.5 * web["later_requests_ms"]),
        ("re-index after 1% changed", "≤ 5% of a full build", f"{100 * reindex / full:.1f}%",
         reindex / full <= 0.05),
    ]
    lines = [f"### Targets at N = {result['size']:,}", "", "| target | wanted | measured | met |",
             "|---|---|---|---|"]
    lines += [f"| {name} | {wanted} | {got} | {'yes' if ok else '**no**'} |"
              for name, wanted, got, ok in checks]
    return lines + ["", "\"First request no slower\" allows 1.5× for the noise of one request.", ""]


def _web_cell(load_result: dict, seconds: float) -> str:
    if not load_result["requests"]:
        return f"none finished in {seconds:.0f} s"
    return (f"{load_result['requests_per_s']:.1f} ({load_result['p50_ms']:.0f}/"
            f"{load_result['p99_ms']:.0f})")


def _per_query_table(result: dict) -> list[str]:
    ours, stock_q = result["queries"]["ours"], result["queries"]["stock"]
    lines = ["<details><summary>Per query at N = "
             f"{result['size']:,}: hits and warm milliseconds</summary>", "",
             "| # | kind | query | hits ours | hits stock | ours ms | stock ms | ours cold ms |",
             "|---|---|---|---|---|---|---|---|"]
    for number, (kind, spec) in enumerate(QUERIES):
        lines.append(
            f"| {number} | {kind} | `{label(spec)}` | {ours['totals'][number]} | "
            f"{stock_q['totals'][number]} | {ours['per_query_warm_ms'][number]:.0f} | "
            f"{stock_q['per_query_warm_ms'][number]:.0f} | {ours['cold_ms'][number]:.0f} |"
        )
    return lines + ["", "</details>", ""]


def _profile_block(title: str, summary: dict, top: int = 15) -> list[str]:
    lines = [f"**{title}** — {summary['total_s']:.2f} s profiled.", "",
             "Own time by area: " + ", ".join(
                 f"{area} {100 * seconds / summary['total_s']:.0f}%"
                 for area, seconds in summary["areas"] if seconds / summary["total_s"] >= 0.01
             ) + ".", "", "```", f"{'own s':>8} {'cum s':>8} {'calls':>10}  function"]
    for row in summary["own"][:top]:
        lines.append(f"{row['own_s']:8.2f} {row['cum_s']:8.2f} {row['calls']:10d}  {row['function']}")
    lines += ["```", ""]
    return lines


def _profiles(results: list[dict]) -> list[str]:
    lines = []
    result = results[-1]
    profile = next((r["profile_index"] for r in reversed(results) if r.get("profile_index")), None)
    if profile:
        lines += [f"### Where the time goes: indexing a {profile['files']}-file sample of N = "
                  f"{profile['size']:,} (cProfile, top 15 by own time; ours in one process)", ""]
        for engine in ENGINES:
            lines += _profile_block(f"{engine}", profile[engine])
    for result in results:
        slowest = result.get("profile_query")
        if not slowest:
            continue
        lines += [f"### Where the time goes: the slowest warm query at N = {result['size']:,}", ""]
        for engine in ENGINES:
            summary = slowest[engine]
            title = f"{engine}: `{summary['label']}` ({summary['repeats']} runs)"
            if summary.get("phases_ms"):
                title += "; phases (ms, unprofiled): " + ", ".join(
                    f"{name} {ms:.0f}" for name, ms in summary["phases_ms"].items())
            lines += _profile_block(title, summary)
    return lines


def write_report(results: list[dict]) -> None:
    section = render(results)
    text = REPORT_FILE.read_text(encoding="utf-8") if REPORT_FILE.exists() else "# Benchmarks\n"
    if START_MARKER in text and END_MARKER in text:
        before = text.split(START_MARKER, 1)[0]
        after = text.split(END_MARKER, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT_FILE.write_text(text, encoding="utf-8")


def saved_results() -> list[dict]:
    results = [json.loads(p.read_text()) for p in results_dir().glob("size-*.json")]
    return sorted(results, key=lambda r: r["size"])


# --- main -----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def benchmark_size(size: int, args) -> dict:
    log(f"N = {size:,}: corpus …")
    restore_corpus(size)
    meta = corpus.build_corpus(size, log=log)
    result = {"size": size, "corpus": meta, "machine": machine(), "passes": args.passes,
              "started": datetime.datetime.now().isoformat(timespec="seconds"),
              "load_before": load_average()}
    result["indexing"] = measure_indexing(meta, args.index_runs, log, args.resume, tuple(args.builds))
    if args.build_only:
        return result
    result["queries"] = measure_queries(size, args.passes, log, args.query_runs)
    log("  cold CLI …")
    result["cli"] = measure_cli(size)
    result["web"] = measure_web(size, args.web_seconds, args.connections, log)
    result["profile_query"] = profile_slowest_query(size, result["queries"], log)
    if args.profile_indexing:
        result["profile_index"] = profile_indexing(meta, log)
        result["profile_index"]["size"] = size
    result["reindex"] = measure_reindex(meta, log)
    result["load_after"] = load_average()
    (results_dir() / f"size-{size}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        print(json.dumps(CHILDREN[sys.argv[1]](*sys.argv[2:]), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000, 100000],
                        help="corpus sizes in documents (default: 10000 50000 100000)")
    parser.add_argument("--index-runs", type=int, default=1,
                        help="indexing runs per size and build; the median is reported")
    parser.add_argument("--passes", type=int, default=5, help="warm passes over the query mix")
    parser.add_argument("--query-runs", type=int, default=3,
                        help="fresh processes per engine for the query mix, alternating engines")
    parser.add_argument("--web-seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--profile-size", type=int, default=None,
                        help="size whose corpus the indexing profile samples (default: the "
                        "smallest of --sizes; 0: no indexing profile)")
    parser.add_argument("--resume", action="store_true",
                        help="reuse saved indexing measurements whose index is still there")
    parser.add_argument("--builds", nargs="+", choices=ENGINES, default=list(ENGINES),
                        help="engines to build (the others' saved measurements are reused)")
    parser.add_argument("--build-only", action="store_true",
                        help="only build and measure the indexes (e.g. two sizes side by side)")
    parser.add_argument("--report-only", action="store_true",
                        help="only rewrite BENCHMARKS.md from the saved results")
    parser.add_argument("--no-report", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args()
    if not args.report_only:
        profile_size = min(args.sizes) if args.profile_size is None else args.profile_size
        for size in sorted(args.sizes):
            args.profile_indexing = size == profile_size
            benchmark_size(size, args)
    results = saved_results()
    if results and not args.no_report:
        write_report(results)
        log(f"wrote {REPORT_FILE}")
    for result in results:
        ours = result["indexing"]["ours"]
        stock_runs = result["indexing"]["stock"]
        print(f"N={result['size']}: docs/s ours {_index_median(ours, 'docs_per_s'):.1f} stock "
              f"{_index_median(stock_runs, 'docs_per_s'):.1f}; warm p50/p95 ours "
              f"{result['queries']['ours']['warm']['p50']:.0f}/{result['queries']['ours']['warm']['p95']:.0f} "
              f"stock {result['queries']['stock']['warm']['p50']:.0f}/"
              f"{result['queries']['stock']['warm']['p95']:.0f} ms")


if __name__ == "__main__":
    main()
