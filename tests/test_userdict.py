"""Issue 11: a user dictionary of one's own (``searchapp index --userdict FILE`` or
``$SEARCHAPP_USERDICT``), recorded in the index so that every search of it segments queries
the same way. Case B06 of ../shared/cases (its dictionary is UTF-8 with a BOM and CRLF)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchapp.cli import cli

CASES_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"
B06_DICT = CASES_DIR / "B06.userdict.txt"

pytestmark = pytest.mark.skipif(
    not (CASES_DIR / "B06.md").is_file(), reason=f"{CASES_DIR} is absent"
)

#: B06.userdict.txt by hand (`xxd`): BOM, then "GOIP设备 10 nz", "断卡行动 10 nz",
#: "天网 2024 10 nz", "云剑-2023 10 nz", each ending in CRLF. Words are normalized (goip).
B06_ENTRIES = (("goip设备", 10), ("断卡行动", 10), ("天网 2024", 10), ("云剑-2023", 10))


@pytest.fixture(autouse=True)
def bundled_dictionary_afterwards():
    """Index runs and searches in this process switch its segmenter to their index's
    dictionary: switch back to the bundled one, so that other tests segment as before."""
    yield
    from searchapp.analysis import use_user_dictionary

    use_user_dictionary(())


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CASES_DIR / "B06.md", folder / "B06.md")
    return folder


def invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def index(corpus: Path, index_dir: Path, *args, env=None):
    """``searchapp index CORPUS --index INDEX_DIR -q ARGS`` in this process."""
    return invoke("index", str(corpus), "--index", str(index_dir), "-q", *args, env=env)


def run_cli(*args, env=None):
    """The searchapp command in a new process, without $SEARCHAPP_USERDICT unless given."""
    environment = {k: v for k, v in os.environ.items() if k != "SEARCHAPP_USERDICT"}
    return subprocess.run(
        [sys.executable, "-m", "searchapp.cli", *args],
        capture_output=True, text=True, timeout=120, env={**environment, **(env or {})},
    )


def snapshot(index_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file of an index folder with its size and modification time."""
    return {
        str(path.relative_to(index_dir)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(index_dir.rglob("*"))
        if path.is_file()
    }


def test_an_index_built_with_a_user_dictionary_searches_with_it_in_every_process(corpus, tmp_path):
    from searchapp.engine.whoosh.generations import index_user_dictionary

    index_dir = tmp_path / "index"
    built = index(corpus, index_dir, "--userdict", str(B06_DICT))
    assert built.exit_code == 0, built.output
    assert f"User dictionary: 4 words from {B06_DICT}" in built.output
    recorded = index_user_dictionary(index_dir)
    assert recorded.entries == B06_ENTRIES  # neither BOM nor CR in the first and last word
    assert recorded.source == str(B06_DICT)

    # New processes, no dictionary given: the index's is used.
    for q in ("云剑-2023", '"天网 2024"', "GOIP", "断卡"):
        result = run_cli("search", q, "--json", "--index", str(index_dir))
        assert result.returncode == 0, result.stderr
        hits = json.loads(result.stdout)["hits"]
        assert [Path(hit["path"]).name for hit in hits] == ["B06.md"], q
        assert result.stderr == ""
    # 断卡行动 is one word of the index's dictionary (the bundled one cuts it 断卡 | 行动).
    result = run_cli("search", "断卡行动", "--json", "--no-expand", "--index", str(index_dir))
    parsed = json.loads(result.stdout)["parsed"]
    assert "body:断卡行动" in parsed and "body:行动" not in parsed, parsed

    # The web page and the API of that index too.
    from searchapp import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    data = client.get("/api/search", query_string={"q": "断卡行动", "expand": "0"}).get_json()
    assert "body:断卡行动" in data["parsed"] and data["total"] == 1


def test_an_index_without_a_user_dictionary_cuts_as_the_bundled_one(corpus, tmp_path):
    index_dir = tmp_path / "index"
    assert index(corpus, index_dir).exit_code == 0
    result = run_cli("search", "断卡行动", "--json", "--no-expand", "--index", str(index_dir))
    parsed = json.loads(result.stdout)["parsed"]
    assert "body:断卡 AND body:行动" in parsed and "body:断卡行动" not in parsed, parsed


def test_a_search_given_another_dictionary_warns_and_uses_the_index_one(corpus, tmp_path):
    index_dir = tmp_path / "index"
    index(corpus, index_dir, "--userdict", str(B06_DICT))
    other = tmp_path / "other.txt"
    other.write_text("天网行动 5\n", encoding="utf-8")
    result = run_cli(
        "search", "断卡行动", "--json", "--no-expand", "--index", str(index_dir),
        env={"SEARCHAPP_USERDICT": str(other)},
    )
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"warning: $SEARCHAPP_USERDICT is {other} (1 word), but this index was built with the "
        f"user dictionary {B06_DICT} (4 words); searching with the index's. To use it, rebuild: "
        f"searchapp index --rebuild --userdict {other} PATH ..."
    ]
    assert "body:断卡行动" in json.loads(result.stdout)["parsed"]
    # The same dictionary again, even re-saved without BOM and CRLF: no warning.
    same = tmp_path / "same.txt"
    same.write_text(B06_DICT.read_text(encoding="utf-8-sig"), encoding="utf-8")
    result = run_cli(
        "search", "断卡", "--index", str(index_dir), env={"SEARCHAPP_USERDICT": str(same)}
    )
    assert result.returncode == 0 and result.stderr == ""


def test_an_update_with_another_dictionary_is_refused_until_a_rebuild(corpus, tmp_path):
    from searchapp.engine.whoosh.generations import index_user_dictionary

    index_dir = tmp_path / "index"
    index(corpus, index_dir, "--userdict", str(B06_DICT))
    other = tmp_path / "other.txt"
    other.write_text("天网行动 5\n", encoding="utf-8")
    before = snapshot(index_dir)

    refused = index(corpus, index_dir, env={"SEARCHAPP_USERDICT": str(other)})
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: the index in {index_dir} was built with the user dictionary {B06_DICT} (4 words), "
        f"not {other} (1 word): run `searchapp index --rebuild` with it to segment every "
        "document anew (an update would mix two segmentations)\n"
    )
    assert snapshot(index_dir) == before

    # Without a dictionary, an update keeps the index's own.
    kept = index(corpus, index_dir)
    assert kept.exit_code == 0, kept.output
    assert "1 unchanged" in kept.output and "User dictionary: 4 words" in kept.output
    assert index_user_dictionary(index_dir).entries == B06_ENTRIES

    rebuilt = index(corpus, index_dir, "--rebuild", "--userdict", str(other))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert index_user_dictionary(index_dir).entries == (("天网行动", 5),)

    # A rebuild without one drops it, and says so.
    dropped = index(corpus, index_dir, "--rebuild")
    assert dropped.exit_code == 0
    note = f"Note: built without the user dictionary of the previous index, {other} (1 word);"
    assert note in dropped.output
    assert index_user_dictionary(index_dir).entries == ()


@pytest.mark.parametrize("problem", ["missing", "undecodable", "folder"])
@pytest.mark.parametrize("given", ["option", "environment"])
def test_an_unreadable_dictionary_fails_naming_the_file_and_leaves_the_index(
    corpus, tmp_path, problem, given
):
    index_dir = tmp_path / "index"
    index(corpus, index_dir, "--userdict", str(B06_DICT))
    before = snapshot(index_dir)
    path = tmp_path / "dict.txt"
    if problem == "undecodable":
        path.write_bytes("断卡行动 10\r\n".encode("gb18030"))
    elif problem == "folder":
        path.mkdir()
    expected = {
        "missing": f"Error: cannot read the user dictionary {path}: no such file\n",
        "undecodable": f"Error: the user dictionary {path} is not UTF-8 text "
        "(byte 0xb6 at offset 0); save it as UTF-8\n",
        "folder": f"Error: cannot read the user dictionary {path}: it is a folder\n",
    }[problem]
    option = ("--userdict", str(path)) if given == "option" else ()
    env = {"SEARCHAPP_USERDICT": str(path)} if given == "environment" else None
    for rebuild in ((), ("--rebuild",)):
        result = index(corpus, index_dir, *option, *rebuild, env=env)
        assert result.exit_code == 1
        assert result.output == expected
        assert snapshot(index_dir) == before
    fresh = index(corpus, tmp_path / "new", *option, env=env)
    assert fresh.exit_code == 1 and not (tmp_path / "new").exists()
