"""Faults during indexing: killed runs, two runs at once, searching while a run writes.

A run of `searchapp index` is started as a real process over the seeds plus a few hundred
generated press releases (long enough to be interrupted), then killed with SIGKILL, raced
against a second run, or searched while it writes. The index must always answer with the
state before the run or after it, never something in between, and the next run completes.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchapp import create_app
from searchapp.indexer import GENERATION_PREFIX
from searchapp.indexer import current_generation
from searchapp.indexer import index_paths
from searchapp.indexer import open_index

GENERATED = 300


def generate_releases(folder: Path, seeds_dir: Path, count: int = GENERATED) -> None:
    """Write ``count`` made-up plain-text releases built from the seeds' paragraphs."""
    paragraphs = []
    for seed in sorted(seeds_dir.iterdir()):
        text = seed.read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 60 and "<" not in p]
    rng = random.Random(20261129)
    for number in range(count):
        body = "\n\n".join(rng.sample(paragraphs, 6))
        (folder / f"generated-{number:04d}.txt").write_text(
            f"第{number}号警情通报\n\n编号{number}案件通报。\n\n{body}\n", encoding="utf-8"
        )


def start_index_run(folder: Path, index_dir: Path, *extra: str, parallel: bool = False) -> subprocess.Popen:
    """Start `searchapp index` in its own session (so its writer processes can be found).

    :param parallel: write with two writer processes even for these few hundred files.
    """
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if parallel:
        env.update(SEARCHAPP_PARALLEL_MIN_FILES="0", SEARCHAPP_INDEX_PROCESSES="2")
    return subprocess.Popen(
        [sys.executable, "-m", "searchapp.cli", "index", str(folder), "--index", str(index_dir), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def session_processes(session_id: int) -> list[int]:
    """Return the live (not zombie) processes of a session, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            found.append(int(entry.name))
    return found


def document_count(index_dir: Path) -> int:
    with open_index(index_dir).searcher() as searcher:
        return searcher.doc_count()


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    """The seeds indexed, plus generated releases waiting to be indexed."""
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir)
    generate_releases(folder, seeds_dir)
    return folder, index_dir


@pytest.mark.parametrize(
    "rebuild, parallel",
    [(False, False), (True, False), (False, True), (True, True)],
    ids=["update", "rebuild", "update-parallel", "rebuild-parallel"],
)
def test_a_killed_run_leaves_the_previous_index_and_the_next_run_completes(corpus, rebuild, parallel):
    folder, index_dir = corpus
    generation = current_generation(index_dir)
    extra = ("--rebuild",) if rebuild else ()
    for delay_s in (0.3, 1.5, 3.5, 5.5):
        run = start_index_run(folder, index_dir, *extra, parallel=parallel)
        time.sleep(delay_s)
        run.send_signal(signal.SIGKILL)
        # Writer processes die with the run (PR_SET_PDEATHSIG), they are not left behind.
        deadline = time.monotonic() + 10
        while session_processes(run.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = session_processes(run.pid)
        for pid in left:  # (only when the assertion below fails)
            os.kill(pid, signal.SIGKILL)
        assert left == []
        run.communicate(timeout=30)
        count = document_count(index_dir)
        if count == 5 + GENERATED:  # this machine finished before the kill: nothing to test
            break
        assert count == 5
        assert current_generation(index_dir) == generation
    finished = start_index_run(folder, index_dir, *extra, parallel=parallel)
    _out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert document_count(index_dir) == 5 + GENERATED
    generations = sorted(p.name for p in index_dir.iterdir() if p.name.startswith(GENERATION_PREFIX))
    assert current_generation(index_dir) in generations and len(generations) <= 2
    assert not list((index_dir / current_generation(index_dir)).glob("*.tmp"))  # killed runs' leftovers


def test_two_runs_at_once_wait_for_each_other_and_index_everything_once(corpus):
    folder, index_dir = corpus
    runs = [start_index_run(folder, index_dir) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sorted(out.split(" in ")[0].split()[0] for out, _err in outputs) == ["Updated", "Updated"]
    with open_index(index_dir).searcher() as searcher:
        ids = [fields["id"] for fields in searcher.all_stored_fields()]
    assert len(ids) == len(set(ids)) == 5 + GENERATED


def test_searches_see_the_index_before_or_after_a_run_never_between(corpus):
    folder, index_dir = corpus
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    run = start_index_run(folder, index_dir)
    totals = []
    while run.poll() is None:
        response = client.get("/api/search?q=通报")
        assert response.status_code == 200
        totals.append(response.get_json()["total"])
        time.sleep(0.05)
    _out, err = run.communicate()
    assert run.returncode == 0, err
    totals.append(client.get("/api/search?q=通报").get_json()["total"])
    before, after = totals[0], totals[-1]
    assert after == before + GENERATED
    assert set(totals) <= {before, after}


def test_a_running_app_shows_exactly_the_updated_index_after_an_incremental_run(tmp_path, seeds_dir):
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/api/search?q=").get_json()["total"] == 5  # the searcher is now open
    (folder / "000_4ee526ae3c740427.txt").unlink()
    changed = folder / "003_d98139139d6e09e8.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("39.1万起", "39.2万起"), encoding="utf-8")
    index_paths([folder], index_dir)

    def found(q):
        return sorted(Path(hit["path"]).name[:3] for hit in client.get("/api/search", query_string={"q": q}).get_json()["hits"])

    assert found("") == ["001", "002", "003", "004"]
    assert found("25.8万") == []  # the deleted file
    assert found('"39.2万起"') == ["003"] and found('"39.1万起"') == []  # the changed one, once
