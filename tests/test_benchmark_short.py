"""The short form of the side-by-side benchmark (``benchmarks/run.py --sizes 300``) runs end
to end: corpus, both builds, the query mix, CLI, web, profiles and re-indexing.

Figures are not checked (this is not a timed test); what is checked is that every step ran,
that both engines found documents for the frequent words of the mix, and that ours and stock
index the same documents.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")
def test_the_short_benchmark_runs_end_to_end(tmp_path):
    env = {**os.environ, "SEARCHAPP_BENCH_DIR": str(tmp_path), "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "300", "--passes", "1", "--query-runs", "1",
         "--web-seconds", "1", "--connections", "2", "--no-report"],
        env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads((tmp_path / "results" / "size-300.json").read_text())
    documents = result["corpus"]["documents"]
    assert documents >= 300  # (items of a transcript count one by one)
    ours, stock = result["indexing"]["ours"][0], result["indexing"]["stock"][0]
    assert ours["indexed"] == stock["documents"] == documents
    for engine in ("ours", "stock"):
        assert result["indexing"][engine][0]["docs_per_s"] > 0
        totals = result["queries"][engine]["totals"]
        assert len(totals) == 62 and totals[0] > 0  # 诈骗, the first frequent word
    assert result["cli"]["ours"]["median_s"] > 0
    assert result["web"]["json"]["requests"] > 0
    assert result["reindex"]["changed_files"] > 0
    assert "phases_ms" in result["profile_query"]["ours"]
