"""Known failures of this stack (../shared/cases/CASES.md) that belong to robustness:
B07 (cold start, jieba's cache file), B10 (two writers), B12 (malformed query syntax),
B17 (warnings from unmaintained dependencies) and B19 (pagination edge cases).
B18 (HTML injection) is covered in test_web.py, B24 (GB18030) in test_bad_documents.py.
"""

import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import assert_error
from searchapp import create_app
from searchapp.indexer import LOCK_FILE

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args, env=None, timeout=120):
    """Run the searchapp command in a new process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "searchapp.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


# --- B07: cold start and the shared jieba cache file ---------------------------------------


def hit_ids(result):
    return [hit["id"] for hit in json.loads(result.stdout)["hits"]]


def test_b07_search_twice_gives_the_same_results_without_noise(seed_index_dir):
    first = run_cli("search", "诈骗", "--json", "--index", str(seed_index_dir))
    second = run_cli("search", "诈骗", "--json", "--index", str(seed_index_dir))
    assert first.returncode == second.returncode == 0
    assert hit_ids(first) == hit_ids(second) and hit_ids(first)
    assert first.stderr == second.stderr == ""


@pytest.mark.parametrize(
    "env",
    [
        {"TMPDIR": "/nonexistent"},
        {"XDG_CACHE_HOME": "/nonexistent/cache", "TMPDIR": "/nonexistent"},
        {"XDG_CACHE_HOME": "/proc/cannot-write-here"},
    ],
    ids=["no-tmpdir", "no-cache-no-tmpdir", "read-only-cache"],
)
def test_b07_unusable_temp_or_cache_folders_change_nothing(seed_index_dir, env):
    expected = hit_ids(run_cli("search", "诈骗", "--json", "--index", str(seed_index_dir)))
    result = run_cli("search", "诈骗", "--json", "--index", str(seed_index_dir), env=env)
    assert result.returncode == 0
    assert hit_ids(result) == expected
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1


def test_b07_a_foreign_read_only_jieba_cache_in_tmp_is_harmless(seed_index_dir, tmp_path):
    foreign = tmp_path / "jieba.cache"
    foreign.write_bytes(b"not a marshal file")
    foreign.chmod(0o444)
    result = run_cli(
        "search", "诈骗", "--json", "--index", str(seed_index_dir), env={"TMPDIR": str(tmp_path)}
    )
    assert result.returncode == 0 and hit_ids(result)
    assert "Traceback" not in result.stderr


def test_b07_without_a_writable_cache_folder_no_cache_file_is_left_in_tmpdir(tmp_path):
    # HOME read-only, XDG_CACHE_HOME unset: jieba must not fall back to $TMPDIR for its
    # 9 MB prefix-dictionary cache (one more file per run). root may write anywhere but in
    # /proc, so root gets /proc as its home.
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    if os.geteuid() == 0:
        home = Path("/proc")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "XDG_CACHE_HOME"}
    env.update(HOME=str(home), TMPDIR=str(tmpdir))
    code = "from searchapp.analysis import query_words; print(' '.join(query_words('打击电信网络诈骗犯罪')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["打击", "电信", "网络", "诈骗", "犯罪"]
    assert result.stderr == ""
    assert list(tmpdir.iterdir()) == []


def test_b07_jieba_is_loaded_at_start_and_concurrent_first_requests_agree(seed_index_dir):
    from searchapp import analysis

    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index_dir)})
    assert analysis._segmenter is not None  # loaded by create_app, before any request
    bodies = []

    def first_request():
        bodies.append(app.test_client().get("/search?q=诈骗").get_data(as_text=True))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages = {body.split("用时")[0] for body in bodies}  # the timing differs, nothing else
    assert len(bodies) == 8 and len(pages) == 1


# --- B10: two writers at once ---------------------------------------------------------------


def test_b10_a_second_run_that_cannot_get_the_lock_exits_with_a_clear_message(tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    with open(index_dir / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run_cli("index", str(REPO / "seeds"), "--index", str(index_dir), "--wait", "0.5", "-q")
    assert result.returncode == 1
    assert "being updated by another run; try again when it has finished" in result.stderr
    assert "Traceback" not in result.stderr


# --- B12: malformed query syntax --------------------------------------------------------------

UNREADABLE = (
    "could not read the query; check quotes, brackets and operators "
    "(AND, OR, NOT must stand between words)"
)
NO_WORDS = (
    "the query has no words to search for; type Chinese words, names or numbers "
    "(wildcards such as * are not supported)"
)
#: Query → the QueryError message (a 400), or the total of the search it is read as (a 200),
#: on the seeds: a query with a word in it is searched for its words; one with none is refused
#: (NO_WORDS), and so is one whose operators do not stand between words (UNREADABLE).
B12_ANSWERS = {
    "NOT NOT 诈骗": UNREADABLE,
    "NOT OR 诈骗": UNREADABLE,
    '"诈骗案': 4,  # 诈骗案 in 001, 003, 004; 000's “盗抢骗”案件 holds its synonym 骗案
    "http://x.cn": 0,  # http AND x AND cn
    "(": NO_WORDS,
    "*": NO_WORDS,
    "AND": 0,  # alone, the word "and"
    "\\": NO_WORDS,
    "title:": 0,  # the word "title"
    "[2024 TO": 0,  # 2024 AND to
    '<"': NO_WORDS,
    '"~': NO_WORDS,
}


@pytest.mark.parametrize(("q", "answer"), B12_ANSWERS.items())
def test_b12_malformed_queries_on_the_api_are_searched_or_refused_in_json(client, q, answer):
    response = client.get("/api/search", query_string={"q": q})
    if isinstance(answer, str):
        assert assert_error(response, 400) == answer
    else:
        assert response.status_code == 200
        assert response.get_json()["total"] == answer


@pytest.mark.parametrize(("q", "answer"), B12_ANSWERS.items())
def test_b12_malformed_queries_on_the_page_are_searched_or_refused_in_html(client, q, answer):
    response = client.get("/search", query_string={"q": q})
    if isinstance(answer, str):
        assert assert_error(response, 400) == answer
    else:
        assert response.status_code == 200
        assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["NOT NOT 诈骗", "*", "(", '"~'])
def test_b12_malformed_queries_on_the_cli_exit_1_with_the_message(seed_index_dir, q):
    result = run_cli("search", q, "--index", str(seed_index_dir))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {B12_ANSWERS[q]}\n"


# --- B17: warnings from unmaintained dependencies -------------------------------------------


def test_b17_whoosh_imports_cleanly_under_warnings_as_errors(tmp_path):
    result = subprocess.run(
        [sys.executable, "-X", f"pycache_prefix={tmp_path}", "-W", "error::SyntaxWarning",
         "-W", "error::DeprecationWarning", "-c", "import whoosh.index, whoosh.qparser, whoosh.highlight"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_b17_our_modules_compile_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-X", f"pycache_prefix={tmp_path}", "-W", "error", "-m", "compileall",
         "-q", "-f", str(REPO / "searchapp")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_b17_the_cli_shows_no_warnings_even_with_all_warnings_on(seed_index_dir, tmp_path):
    result = run_cli(
        "search", "诈骗", "--index", str(seed_index_dir),
        env={"PYTHONWARNINGS": "default", "PYTHONPYCACHEPREFIX": str(tmp_path)},
    )
    assert result.returncode == 0
    assert "Warning" not in result.stderr, result.stderr


# --- B19: pagination edge cases -------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "abc", "2.5", "99999999999999999999999"])
@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_b19_bad_pages_are_400_with_a_message(client, path, value):
    response = client.get(path, query_string={"q": "诈骗", "page": value})
    assert response.status_code == 400
    assert "page" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0", "-5"])
def test_b19_bad_page_sizes_are_400(client, value):
    assert client.get("/api/search", query_string={"q": "诈骗", "per_page": value}).status_code == 400


def test_b19_a_page_past_the_end_is_empty_with_the_true_total(client):
    data = client.get("/api/search", query_string={"q": "诈骗", "page": 50}).get_json()
    assert data["hits"] == [] and data["total"] == 5 and data["page"] == 50


def test_b19_huge_page_sizes_are_clamped(client):
    data = client.get("/api/search", query_string={"q": "诈骗", "per_page": 100000}).get_json()
    assert data["per_page"] == 100 and len(data["hits"]) == 5


@pytest.mark.parametrize("page", ["0", "-1"])
def test_b19_bad_pages_on_the_cli_exit_1_with_a_message(seed_index_dir, page):
    result = run_cli("search", "诈骗", "--page", page, "--index", str(seed_index_dir))
    assert result.returncode == 1 and "page must be 1 or more" in result.stderr
