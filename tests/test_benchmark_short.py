"""The short form of the side-by-side benchmark (``benchmarks/run.py --sizes 300``) runs end
to end: corpus, both builds, the query mix, CLI, web, profiles and re-indexing.

Figures are not checked (this is not a timed test). What is checked is what must hold
whatever the timings: both engines index every document of the corpus, each measurement
covers exactly what the run was asked for (the 62 queries of the mix, one warm pass, five
CLI runs, two connections), totals that cannot differ do not (a query sorted by date, or
on page 5, finds what it finds on page 1; a filter only narrows), re-indexing touches only
the changed file, and the report rendered from the results has every section.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SIZE = 300

sys.path.insert(0, str(REPO / "benchmarks"))
from queries import QUERIES  # noqa: E402
from queries import label  # noqa: E402


def number(q: str, **spec) -> int:
    """Return the position in the query mix of the query ``q`` with ``spec``'s options."""
    defaults = {"years": (), "sources": (), "operations": (), "sort": "relevance", "page": 1}
    wanted = {"q": q, **defaults, **{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()}}
    (index,) = [i for i, (_kind, s) in enumerate(QUERIES) if s == wanted]
    return index


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_the_short_benchmark_runs_end_to_end(tmp_path):
    env = {**os.environ, "SEARCHAPP_BENCH_DIR": str(tmp_path), "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", str(SIZE), "--passes", "1",
         "--query-runs", "1", "--web-seconds", "1", "--connections", "2", "--no-report"],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads((tmp_path / "results" / f"size-{SIZE}.json").read_text())
    assert (result["size"], result["passes"]) == (SIZE, 1)

    # The corpus: real files until SIZE documents (a transcript's items count one by one),
    # generated ones for what the real files lack.
    corpus = result["corpus"]
    documents, files = corpus["documents"], corpus["files"]
    assert documents == corpus["real_documents"] + corpus["generated"] >= SIZE
    assert corpus["generated"] == max(0, SIZE - corpus["real_documents"])

    # Both builds index every document; ours adds every file once.
    ours, stock = result["indexing"]["ours"], result["indexing"]["stock"]
    assert len(ours) == len(stock) == 1  # --index-runs 1
    ours, stock = ours[0], stock[0]
    assert ours["indexed"] == stock["documents"] == documents
    assert ours["skipped"] == stock["skipped"] == 0
    assert ours["added"] == files
    assert ours["documents"] == ours["indexed"] - ours["duplicates"]

    # The query mix: every query once cold and once warm, in one process per engine.
    for engine in ("ours", "stock"):
        queries = result["queries"][engine]
        totals = queries["totals"]
        assert queries["runs"] == 1
        assert len(totals) == len(queries["cold_ms"]) == len(queries["per_query_warm_ms"]) == len(QUERIES) == 62
        assert [len(warm) for warm in queries["warm_ms"]] == [62]  # one warm pass
        assert all(isinstance(total, int) for total in totals), totals  # no query refused
        for q in ("诈骗", "公安"):
            assert totals[number(q, page=5)] == totals[number(q)]
        assert totals[number("网络 安全", page=5)] == totals[number("网络 安全")]
        assert totals[number("诈骗", sort="date")] == totals[number("诈骗")]
        assert totals[number("警方", sort="date_asc")] == totals[number("警方")]
        for q, filters in [
            ("诈骗", {"operations": ["断卡"]}), ("诈骗", {"years": ["2022"]}),
            ("诈骗", {"sources": ["新浪财经"]}), ("警方", {"years": ["2019"]}),
            ("警方", {"sources": ["中国信息安全"]}), ("公安", {"years": ["2024", "2025"]}),
            ("网络", {"years": ["2023"], "sources": ["新浪财经"]}),
        ]:
            assert totals[number(q, **filters)] <= totals[number(q)], (q, filters)
        assert [totals[number(q)] for q in ("xqzvwkpl", "魑魅魍魉饕餮", "qwertyuiopzz 诈骗")] == [0, 0, 0]
    assert result["queries"]["ours"]["totals"][number("", sort="date")] == ours["documents"]

    # The slowest warm query of each engine is the one profiled, three times.
    for engine in ("ours", "stock"):
        profiled = result["profile_query"][engine]
        per_query = result["queries"][engine]["per_query_warm_ms"]
        assert per_query[profiled["query_number"]] == max(per_query)
        assert profiled["label"] == label(QUERIES[profiled["query_number"]][1])
        assert profiled["repeats"] == 3
    assert "phases_ms" in result["profile_query"]["ours"]
    assert result["profile_index"]["files"] == min(400, files)

    # Five cold runs of each command; they exit 0 (else the run fails).
    cli = result["cli"]
    assert {name: len(runs["all_s"]) for name, runs in cli.items()} == {
        "ours": 5, "stock": 5, "ours_help": 5, "python": 5,
    }
    assert all(runs["median_s"] == statistics.median(runs["all_s"]) for runs in cli.values())

    # The web server: two connections for a second per page, no connection error, no
    # answer but 2xx (and 400 for the mix's malformed query), no 5xx.
    web = result["web"]
    assert (web["threads"], web["connections"], web["seconds"]) == (4, 2, 1.0)
    for target in ("json", "html"):
        load = web[target]
        assert (load["errors"], load["non_2xx"]) == (0, 0), target
        if load["tool"] == "python":
            assert load["5xx"] == 0
            assert load["requests"] >= 2  # every connection was answered at least once
    assert (web["check_errors"], web["check_5xx"]) == (0, 0)

    # Re-indexing: nothing changed reads nothing; 1% of the files changed (at least one)
    # re-reads exactly those, and so does changing them back.
    reindex = result["reindex"]
    changed_files = max(1, round(0.01 * files))
    assert reindex["changed_files"] == changed_files
    counts = lambda run: {k: run[k] for k in ("added", "updated", "unchanged", "documents")}  # noqa: E731
    assert counts(reindex["unchanged"]) == {"added": 0, "updated": 0, "unchanged": files, "documents": ours["documents"]}
    assert reindex["unchanged"]["indexed"] == 0
    for run_ in ("changed", "restored"):
        assert counts(reindex[run_]) == {
            "added": 0, "updated": changed_files, "unchanged": files - changed_files,
            "documents": ours["documents"],
        }
    assert reindex["changed"]["indexed"] == reindex["restored"]["indexed"]

    # The report rendered from the saved results (BENCHMARKS.md is not touched: --no-report).
    render = subprocess.run(
        [sys.executable, "-c", "import run; print(run.render(run.saved_results()))"],
        cwd=REPO / "benchmarks", env=env, capture_output=True, text=True, timeout=120,
    )
    assert render.returncode == 0, render.stderr[-3000:]
    report = render.stdout.strip()
    assert report.startswith("<!-- benchmarks/run.py: start")
    assert report.endswith("<!-- benchmarks/run.py: end -->")
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings == [
        "## Side by side with the stock build (benchmarks/run.py)",
        "### Indexing",
        "### Queries (62-query mix, facets and snippets on every query)",
        "### Command line, web server, re-indexing",
        f"### Targets at N = {SIZE}",
        f"### Where the time goes: indexing a {min(400, files)}-file sample of N = {SIZE} "
        "(cProfile, top 15 by own time; ours in one process)",
        f"### Where the time goes: the slowest warm query at N = {SIZE}",
    ]
