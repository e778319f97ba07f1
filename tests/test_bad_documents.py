"""Broken and hostile files: each is indexed correctly or skipped by name, never stops a run.

Every kind of bad file issue 5 names is made here, dropped into a folder that was already
indexed, and indexed again: the seeds must stay searchable, each good-but-odd file must be
found by its own words with its text intact, and each bad one must be in the report's skipped
list with a one-line reason.
"""

import shutil
from pathlib import Path

import pytest

from searchapp.indexer import index_paths
from searchapp.indexer import open_index
from searchapp.search import SearchRequest
from searchapp.search import get_document
from searchapp.search import search

ARTICLE = "市公安局通报：民警成功劝阻一起冒充客服诈骗，为群众挽回损失十二万元。"

#: File name -> bytes of files that must be indexed; the query that must find each.
READABLE = {
    "gb18030.txt": ("警方通报\n\n" + "张𠮷某冒充客服诈骗被抓获。").encode("gb18030"),
    "gbk.txt": ("警方通报GBK\n\n" + "民警破获一起跑分洗钱案件。").encode("gbk"),
    "big5.txt": ("警方通報\n\n" + "警方拘捕一名涉嫌電話詐騙的男子。").encode("big5"),
    "bom-crlf.md": (
        "\ufeff---\r\ntitle: 护航行动通报\r\ndate: 2024-03-05\r\nsource: 市公安局\r\n---\r\n"
        "开展“护航”专项行动，守护群众钱袋子。\r\n"
    ).encode("utf-8"),
    "broken-yaml.md": (
        "---\ntitle: 警情通报: 冒充公检法诈骗\ndate: 2024-05-06\n  bad: [indent\n---\n"
        + "警方提醒：冒充公检法诈骗高发。"
    ).encode("utf-8"),
    "list-front-matter.md": ("---\n- 一\n- 二\n---\n标题在此\n\n正文：民警上门劝阻。").encode("utf-8"),
    "bad-date.md": ("---\ntitle: 日期不详的通报\ndate: 去年夏天\n---\n" + ARTICLE).encode("utf-8"),
    "unclosed.md": (
        "---\ntitle: 未闭合标签的通报\ndate: 2023-01-02\n---\n<div><p>警方提醒：谨防刷单返利诈骗<p>第二段"
    ).encode("utf-8"),
    "nested.md": (
        "---\ntitle: 深层嵌套的通报\ndate: 2023-01-03\n---\n"
        + "<div>" * 3000 + "<p>深层嵌套正文：警方打掉一个洗钱团伙。</p>" + "</div>" * 10
    ).encode("utf-8"),
    "名字 有空格 的通报.txt": ("名字有空格的通报\n\n" + "民警走访社区开展反诈宣传。").encode("utf-8"),
    # A UTF-8 file cut in the middle of its last character.
    "truncated.txt": ("截断的通报\n\n" + "警方破获一起网络赌博案件，抓获嫌疑人").encode("utf-8")[:-2],
}

QUERIES = {
    "gb18030.txt": "𠮷某",
    "gbk.txt": "跑分洗钱",
    "big5.txt": "拘捕",
    "bom-crlf.md": "护航",
    "broken-yaml.md": "冒充公检法",
    "list-front-matter.md": "标题在此",
    "bad-date.md": "日期不详",
    "unclosed.md": "刷单返利",
    "nested.md": "深层嵌套正文",
    "名字 有空格 的通报.txt": "走访社区",
    "truncated.txt": "网络赌博",
}

#: File name -> bytes of files that must be skipped with a reason.
UNREADABLE = {
    "empty.md": b"",
    "blank.txt": b"  \n\n\t\n",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20,
    "nul-bytes.md": ("---\ntitle: 含空字节\n---\n正文" + "\x00" * 5 + "正文").encode("utf-8"),
    "manifest.tsv": "file\tdate\ttitle\n".encode() + "".join(f"{n}.md\t2024\t通报\n" for n in range(9)).encode("utf-8"),
    "only-chrome.md": "---\ntitle: x\n---\n\n微信扫一扫\n关注该公众号\n".encode("utf-8"),
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory, seeds_dir):
    """Index the seeds, then add every kind of bad file and index again."""
    root = tmp_path_factory.mktemp("bad")
    folder = root / "corpus"
    shutil.copytree(seeds_dir, folder)
    index_dir = root / "index"
    index_paths([folder], index_dir)
    for name, data in {**READABLE, **UNREADABLE}.items():
        (folder / name).write_bytes(data)
    huge = folder / "huge.txt"
    with open(huge, "w", encoding="utf-8") as out:
        out.write("二十兆的通报\n\n")
        for _ in range(20 * 1024 * 1024 // len(ARTICLE.encode("utf-8")) + 1):
            out.write(ARTICLE)
    report = index_paths([folder], index_dir)
    return report, index_dir


def found(index_dir, q):
    with open_index(index_dir).searcher() as searcher:
        return [Path(hit.path).name for hit in search(searcher, SearchRequest(q=q)).hits]


def test_the_seeds_indexed_before_are_all_still_there(bad_run):
    _report, index_dir = bad_run
    assert len(found(index_dir, '"电信网络诈骗"')) == 5


@pytest.mark.parametrize("name", sorted(READABLE))
def test_odd_but_readable_files_are_indexed_and_found(bad_run, name):
    _report, index_dir = bad_run
    assert name in found(index_dir, QUERIES[name])


@pytest.mark.parametrize("name", [*sorted(UNREADABLE), "huge.txt"])
def test_bad_files_are_skipped_by_name_with_a_reason(bad_run, name):
    report, _index_dir = bad_run
    reasons = {Path(path).name: reason for path, reason in report.skipped}
    assert name in reasons
    assert reasons[name] and "\n" not in reasons[name]


def test_nothing_else_was_skipped(bad_run):
    report, _index_dir = bad_run
    assert sorted(Path(path).name for path, _ in report.skipped) == sorted([*UNREADABLE, "huge.txt"])


def test_text_in_other_encodings_is_decoded_intact(bad_run):
    _report, index_dir = bad_run
    with open_index(index_dir).searcher() as searcher:
        (hit,) = search(searcher, SearchRequest(q="𠮷某")).hits
        assert "张𠮷某冒充客服诈骗被抓获。" in get_document(searcher, hit.id).body
        (hit,) = search(searcher, SearchRequest(q="拘捕")).hits
        assert "警方拘捕一名涉嫌電話詐騙的男子。" in get_document(searcher, hit.id).body


def test_front_matter_behind_a_bom_and_crlf_is_read(bad_run):
    _report, index_dir = bad_run
    with open_index(index_dir).searcher() as searcher:
        (hit,) = search(searcher, SearchRequest(q='"护航专项行动"')).hits
    assert (hit.title, hit.date, hit.source) == ("护航行动通报", "2024-03-05", "市公安局")


def test_an_unparseable_date_leaves_the_document_undated(bad_run):
    _report, index_dir = bad_run
    with open_index(index_dir).searcher() as searcher:
        (hit,) = search(searcher, SearchRequest(q="日期不详")).hits
    assert hit.title == "日期不详的通报" and hit.date is None and hit.year is None


def test_a_truncated_utf8_file_keeps_its_text(bad_run):
    _report, index_dir = bad_run
    with open_index(index_dir).searcher() as searcher:
        (hit,) = search(searcher, SearchRequest(q="网络赌博")).hits
        assert get_document(searcher, hit.id).body.startswith("警方破获一起网络赌博案件，抓获嫌疑")


def test_a_tab_separated_data_file_is_not_an_article(tmp_path):
    from searchapp.ingest import NOT_ARTICLE_TABLE
    from searchapp.ingest import extract_file

    table = tmp_path / "manifest.tsv"
    table.write_text(
        "file\tdate\ttitle\n" + "".join(f"{n}.md\t2024-01-0{n}\t警情通报{n}\n" for n in range(1, 8)),
        encoding="utf-8",
    )
    prose = tmp_path / "prose.txt"
    prose.write_text("警情通报\n\n民警\t走访\t社区。\n\n第二段正文。\n\n第三段正文。", encoding="utf-8")
    ((extraction,),) = [extract_file(table)]
    assert extraction.error.reason == NOT_ARTICLE_TABLE
    ((extraction,),) = [extract_file(prose)]  # a few tabs in a sentence: still an article
    assert extraction.error is None
    assert (extraction.document.title, extraction.document.body) == (
        "警情通报", "民警\t走访\t社区。\n\n第二段正文。\n\n第三段正文。"
    )
