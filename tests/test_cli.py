"""The searchapp command: index, search (text and JSON), errors without tracebacks."""

import json
import shutil

import pytest
from click.testing import CliRunner

from searchapp.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args, env=None):
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def test_index_reports_documents_and_skipped_files_grouped_by_reason(runner, seeds_dir, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    (folder / "空 文件.md").write_bytes(b"")
    (folder / "也是空的.txt").write_bytes(b"  \n")
    result = invoke(runner, "index", str(folder), "--index", str(tmp_path / "index"), "--quiet")
    assert result.exit_code == 0
    assert "5 files added, 0 updated, 0 removed, 0 unchanged; 5 documents searchable." in result.output
    assert "Skipped 2 files:\n  empty file (2):\n" in result.output
    assert "空 文件.md\n" in result.output and "也是空的.txt\n" in result.output


def test_index_again_reports_what_changed(runner, seeds_dir, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(seeds_dir, folder)
    index = str(tmp_path / "index")
    invoke(runner, "index", str(folder), "--index", index, "--quiet")
    (folder / "000_4ee526ae3c740427.txt").unlink()
    result = invoke(runner, "index", str(folder), "--index", index, "--quiet")
    assert result.output.startswith(f"Updated {index} in ")
    assert "0 files added, 0 updated, 1 removed, 4 unchanged; 4 documents searchable." in result.output


def test_index_of_a_missing_path_fails_with_a_message(runner, tmp_path):
    result = invoke(runner, "index", str(tmp_path / "nowhere"), "--index", str(tmp_path / "i"))
    assert result.exit_code == 1
    assert "nowhere" in result.output
    assert "Traceback" not in result.output


def test_search_prints_titles_metadata_and_emphasised_matches(runner, seed_index_dir):
    result = invoke(runner, "search", "12381", "--index", str(seed_index_dir), "--explain")
    assert result.exit_code == 0, result.output
    assert "1 hits" in result.output
    assert "公安部:截至11月底,全国共破获电信网络诈骗案件39.1万起" in result.output
    assert "2022-12-30 · 光明网 · 原发: 中国新闻网 · 行动: 斩链 清源 利剑 拔钉 断卡" in result.output
    assert "<mark>" not in result.output
    assert "parsed: " in result.output


def test_search_emphasises_matches_on_a_terminal(seed_index_dir):
    result = CliRunner().invoke(
        cli, ["search", "12381", "--index", str(seed_index_dir)], color=True
    )
    assert "\x1b[33m\x1b[1m12381\x1b[0m" in result.output


def test_search_reads_the_index_folder_from_the_environment(runner, seed_index_dir):
    result = invoke(runner, "search", "断卡", env={"SEARCHAPP_INDEX": str(seed_index_dir)})
    assert result.output.startswith("3 hits")


def test_search_json_has_the_api_shape(runner, seed_index_dir):
    result = invoke(
        runner, "search", "断卡", "--year", "2022", "--json", "--index", str(seed_index_dir)
    )
    data = json.loads(result.output)
    assert list(data) == [
        "query", "parsed", "filters", "sort", "total", "page", "per_page", "took_ms", "hits", "facets",
    "title_only", "expand", "expansions", "suggestions", "corrected",
    ]
    assert data["total"] == 2
    assert data["filters"] == {"year": ["2022"], "source": [], "operation": []}
    assert {hit["date"] for hit in data["hits"]} == {"2022-12-30", "2022-07-25"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOT NOT 诈骗"], "could not read the query"),
        (["*"], "no words to search for"),
        (["诈骗", "--page", "0"], "page must be 1 or more"),
        (["诈骗", "--year", "22"], "year must be four digits"),
    ],
)
def test_bad_searches_exit_1_with_a_message(runner, seed_index_dir, args, message):
    result = invoke(runner, "search", *args, "--index", str(seed_index_dir))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_search_without_an_index_says_how_to_build_one(runner, tmp_path):
    result = invoke(runner, "search", "断卡", "--index", str(tmp_path))
    assert result.exit_code == 1
    assert "searchapp index" in result.output


@pytest.mark.parametrize("command", ["index", "search", "serve"])
def test_every_command_has_help_with_an_example(runner, command):
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "--index" in result.output


@pytest.mark.parametrize(
    ("args", "query_string", "total"),
    [
        # 断卡 is in 001, 003, 004; of those, 003 and 004 name 拔钉 and are dated 2022;
        # all five say 电信网络诈骗.
        (["断卡"], "q=断卡", 3),
        (["断卡", "--operation", "拔钉"], "q=断卡&operation=拔钉", 2),
        (["断卡", "--year", "2022", "--sort", "date"], "q=断卡&year=2022&sort=date", 2),
        (['"电信网络诈骗"', "--limit", "2", "--page", "2"], 'q="电信网络诈骗"&per_page=2&page=2', 5),
    ],
)
def test_search_json_equals_the_api_answer(
    runner, client, seed_index_dir, args, query_string, total
):
    result = invoke(runner, "search", *args, "--json", "--index", str(seed_index_dir))
    from_cli = json.loads(result.output)
    from_api = client.get(f"/api/search?{query_string}").get_json()
    from_cli.pop("took_ms")
    from_api.pop("took_ms")
    assert from_cli == from_api
    assert from_cli["total"] == total
