"""Ingestion: the five seeds end to end, then each format rule on small made-up inputs."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from searchapp.ingest import IngestError
from searchapp.ingest import iter_files
from searchapp.ingest import read_documents
from searchapp.ingest import read_file
from searchapp.ingest.encoding import decode
from searchapp.ingest.extract import find_origin
from searchapp.ingest.extract import infer_day_from_navigation
from searchapp.ingest.extract import to_cst_day
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.html_text import html_paragraphs
from searchapp.ingest.plain_text import read_plain_text
from searchapp.ingest.readers import sniff

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Hand-checked metadata per seed; body start/end and text that must not appear.
EXPECTED = {
    "000_4ee526ae3c740427.txt": {
        "meta": {
            "title": "公安部：严打电诈犯罪 2025年侦破案件25.8万起 抓获诈骗集团幕后“金主”、头目和骨干等542名",
            "date": "2026-01-08", "year": 2026, "date_source": "front_matter",
            "source": "中国信息安全", "feed": "Doonsec's feed", "origin": "公安部刑侦局",
            "url": "https://mp.weixin.qq.com/s/ii50ucByau1lNgrVi8UmyA",
            "operations": ("断流", "拔钉", "斩链"), "format": "wechat_markdown",
        },
        "starts": "1月8日，公安部在京召开专题新闻发布会",
        "ends": "（来源：公安部刑侦局）",
        "absent": ("扫码订阅", "邮发代号", "征订热线", "微信扫一扫", "预览时标签不可点",
                   "在小说阅读器中沉浸阅读", "![", "**", "mmbiz", "企业成长计划", "欢迎关注"),
    },
    "001_1fa2294de0920597.txt": {
        "meta": {
            "title": "公安部：今年前5个月破获电信网络诈骗案件11.4万起 劝阻771万人免于受骗",
            "date": "2021-06-17", "year": 2021, "date_source": "front_matter",
            "source": "新浪财经", "feed": "", "origin": "总台央视", "url": "",
            "operations": ("断卡",), "format": "html_markdown",
        },
        "starts": "今天（17日）下午，公安部召开了新闻发布会",
        "ends": "（总台央视记者 赵雨彤 王友文）",
        "absent": ("<", "&#", "{", "原标题", "责任编辑", "海量资讯", "appendQr"),
    },
    "002_0ca705d7dfbd1930.txt": {
        "meta": {
            "title": "公安部:坚持不懈盯着打、追着打,坚决摧毁境外诈骗窝点",
            "date": "2025-03-06", "year": 2025, "date_source": "inferred",
            "source": "佐伊科技", "feed": "", "origin": "公安部刑侦局",
            "url": "https://www.rmltwz.com/shangye/32386.html",
            "operations": ("云剑", "断流", "拔钉"), "format": "plain_text",
        },
        "starts": "2025年初,公安部在京召开专题新闻发布会",
        "ends": "来源:公安部刑侦局微信公众号",
        "absent": ("平台声明", "上一篇", "相关推荐", "香港", "零售", "发表回复", "联系我们",
                   "400-800-8888"),
    },
    "003_d98139139d6e09e8.txt": {
        "meta": {
            "title": "公安部:截至11月底,全国共破获电信网络诈骗案件39.1万起",
            "date": "2022-12-30", "year": 2022, "date_source": "byline",
            "source": "光明网", "feed": "", "origin": "中国新闻网", "url": "",
            "operations": ("斩链", "清源", "利剑", "拔钉", "断卡"), "format": "plain_text",
        },
        "starts": "中新网12月30日电",
        "ends": "形成全社会反诈的浓厚氛围。",
        "absent": ("责编", "阅读剩余全文", "相关阅读", "您此时的心情", "推荐阅读", "2025-12-03",
                   "加载更多", "点击右上角", "首页>", "来源:中国新闻网"),
    },
    "004_1e6f1e52369f8e65.txt": {
        "meta": {
            "title": "公安部：电信网络诈骗犯罪立案数下降，境外作案占比八成",
            "date": "2022-07-25", "year": 2022, "date_source": "front_matter",
            "source": "新浪财经", "feed": "", "origin": "澎湃新闻", "url": "",
            "operations": ("断卡", "断流", "拔钉"), "format": "html_markdown",
        },
        "starts": "澎湃新闻资深记者 林平",
        "ends": "电信网络诈骗犯罪立案数连续12个月同比下降。",
        "absent": ("<", "&#", "&lt;", "{", "责任编辑", "海量资讯", "appendQr"),
    },
}


@pytest.fixture(params=sorted(EXPECTED))
def seed(request):
    """``(file name, the one Document read from it)`` for each seed."""
    (document,) = read_file(SEEDS / request.param)
    return request.param, document


def test_seed_metadata(seed):
    name, document = seed
    actual = {key: getattr(document, key) for key in EXPECTED[name]["meta"]}
    assert actual == EXPECTED[name]["meta"]


def test_seed_body_bounds(seed):
    name, document = seed
    assert document.body.startswith(EXPECTED[name]["starts"])
    assert document.body.endswith(EXPECTED[name]["ends"])


def test_seed_body_has_no_chrome(seed):
    name, document = seed
    found = [text for text in EXPECTED[name]["absent"] if text in document.body]
    assert found == []


def test_seed_paragraphs(seed):
    _, document = seed
    paragraphs = document.body.split("\n\n")
    assert len(paragraphs) >= 3
    for paragraph in paragraphs:
        assert paragraph and "\n" not in paragraph
        assert paragraph == paragraph.strip(" \u3000\xa0")


def test_seed_id_and_path(seed):
    name, document = seed
    assert len(document.id) == 16 and int(document.id, 16) >= 0
    assert document.path == str(SEEDS / name)


def test_ids_stable_and_distinct(tmp_path):
    ids = [read_file(SEEDS / name)[0].id for name in sorted(EXPECTED)]
    assert len(set(ids)) == len(ids)
    copy = tmp_path / "elsewhere.md"
    shutil.copyfile(SEEDS / sorted(EXPECTED)[0], copy)
    assert read_file(copy)[0].id == ids[0]


def test_seed_dates_ignore_machine_timezone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        (document,) = read_file(SEEDS / "004_1e6f1e52369f8e65.txt")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert document.date == "2022-07-25"


# --- files and errors ---------------------------------------------------------------------


@pytest.fixture
def corpus_dir(tmp_path):
    """The seeds plus an empty file, a binary file and a hidden file."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / ".hidden.md").write_text("---\ntitle: 隐藏\n---\n正文。\n", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return folder


def test_read_documents_reports_broken_files_and_goes_on(corpus_dir):
    items = list(read_documents([corpus_dir]))
    documents = [item for item in items if not isinstance(item, IngestError)]
    errors = {Path(item.path).name: item.reason for item in items if isinstance(item, IngestError)}
    assert sorted(Path(document.path).name for document in documents) == sorted(EXPECTED)
    assert errors == {
        "empty.txt": "empty file",
        "binary.bin": "binary or undecodable content (NUL bytes)",
    }


def test_read_documents_reports_a_missing_path(tmp_path):
    items = list(read_documents([tmp_path / "nope", SEEDS / "000_4ee526ae3c740427.txt"]))
    assert isinstance(items[0], IngestError) and items[0].reason == "no such file or directory"
    assert items[1].title.startswith("公安部")


def test_iter_files_sorted_and_skips_hidden(corpus_dir):
    names = [path.name for path in iter_files([corpus_dir])]
    assert names == sorted(["binary.bin", "empty.txt", *EXPECTED])


def test_iter_files_missing_path_raises(tmp_path):
    with pytest.raises(IngestError) as info:
        list(iter_files([tmp_path / "missing"]))
    assert str(info.value) == f"{tmp_path / 'missing'}: no such file or directory"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"   \n\n", "empty file"),
        (b"---\ntitle: \xe5\x8f\xaa\xe6\x9c\x89\xe6\xa0\x87\xe9\xa2\x98\n---\n", "no article text (empty body)"),
        (b"---\ndate: 2024-01-01\n---\n\xe6\xad\xa3\xe6\x96\x87\n", "no title found"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08 plain words", "binary or undecodable"),
    ],
)
def test_read_file_errors_name_file_and_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.path == str(path)
    assert info.value.reason.startswith(reason)
    assert str(info.value).startswith(f"{path}: {reason}")


# --- encoding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("警方通报\r\n第二行\r\n".encode("utf-8-sig"), "警方通报\n第二行\n"),
        ("涉案人员𠮷某已到案".encode("gb18030"), "涉案人员𠮷某已到案"),
        ("警方通報詐騙案件".encode("big5"), "警方通報詐騙案件"),
        ("旧式\r换行".encode("utf-8"), "旧式\n换行"),
    ],
)
def test_decode(data, text):
    assert decode(data) == text


def test_gb18030_file_with_character_outside_gbk(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes("警方提醒：谨防诈骗\n涉案人员𠮷某已到案。\n".encode("gb18030"))
    (document,) = read_file(path)
    assert (document.title, document.body) == ("警方提醒：谨防诈骗", "涉案人员𠮷某已到案。")


# --- front matter ---------------------------------------------------------------------------


def test_front_matter_with_bom_crlf_and_leading_blank_lines(tmp_path):
    path = tmp_path / "notice.md"
    text = "\n\n---\r\ntitle: 带BOM的通报\r\ndate: 2024-09-10\r\noperation: 护航行动\r\n---\r\n正文。\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    (document,) = read_file(path)
    assert (document.title, document.date, document.body) == ("带BOM的通报", "2024-09-10", "正文。")
    assert document.operations == ("护航行动",)
    assert "title" not in document.body


def test_front_matter_values_stay_strings():
    meta, body = split_front_matter("---\nmode: 0755\nflag: on\ndate: 2024-03-05\n---\nx\n")
    assert meta == {"mode": "0755", "flag": "on", "date": "2024-03-05"}
    assert body == "x\n"


def test_invalid_yaml_falls_back_to_key_value_lines():
    block = "---\ntitle: 公安部: 通报: 结果\ndate: 2024-03-05\ntags:\n - 反诈\n - 通报\n---\n正文\n"
    meta, body = split_front_matter(block)
    assert meta == {"title": "公安部: 通报: 结果", "date": "2024-03-05", "tags": ["反诈", "通报"]}
    assert body == "正文\n"


def test_no_front_matter():
    assert split_front_matter("标题\n---\n正文\n") == ({}, "标题\n---\n正文\n")


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-01-08", "2026-01-08"),
        ("Mon, 25 Jul 2022 04:01:14 GMT", "2022-07-25"),
        ("Mon, 25 Jul 2022 15:59:59 GMT", "2022-07-25"),
        ("Mon, 25 Jul 2022 16:00:00 GMT", "2022-07-26"),
        ("Mon, 25 Jul 2022 16:00:00 -0000", "2022-07-26"),
        ("2022-12-30 10:41", "2022-12-30"),
        ("2024-03-05T00:30:00+08:00", "2024-03-05"),
        ("2024-03-04T20:00:00Z", "2024-03-05"),
        ("2025年3月6日 下午2:15", "2025-03-06"),
        ("", None),
        ("10:41", None),
        ("2022-02-30", None),
        ("yesterday", None),
    ],
)
def test_to_cst_day(value, day):
    assert to_cst_day(value) == day


def test_navigation_date_needs_both_neighbours_on_one_day():
    same = ["上一篇 2025年3月6日 下午2:15", "下一篇 2025年3月6日 下午2:24"]
    assert infer_day_from_navigation(same) == "2025-03-06"
    assert infer_day_from_navigation(["上一篇 2025年3月5日", "下一篇 2025年3月6日"]) is None
    assert infer_day_from_navigation(["上一篇 2025年3月6日"]) is None
    assert infer_day_from_navigation(["相关推荐", "2025年2月4日", "2025年2月4日"]) is None


def test_related_list_dates_never_date_the_page():
    page = "\n".join(
        ["某地警方破获一起诈骗案", "警方近日破获一起诈骗案。", "相关阅读", "另一篇文章",
         "2025-12-03 09:52", "上一篇 2025年1月1日", "下一篇 2025年1月2日"]
    )
    fields = read_plain_text(page)
    assert (fields["date"], fields["year"], fields["date_source"]) == (None, None, None)
    assert fields["body"] == "警方近日破获一起诈骗案。"


# --- origin and plain text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraphs", "origin"),
    [
        (["正文。", "（来源：某市公安局）"], "某市公安局"),
        (["正文。", "来源:某省公安厅官方微信"], "某省公安厅"),
        (["来源:某某新闻网2023-01-02 08:00", "正文。"], "某某新闻网"),
        (["某某日报记者 张三 李四", "正文。"], "某某日报"),
        (["正文。", "(某某电视台记者 王五)"], "某某电视台"),
        (["本报记者 张三", "正文。"], ""),
        (["正文提到来源：网络，但不是署名行。"], ""),
        (["正文。"], ""),
    ],
)
def test_find_origin(paragraphs, origin):
    assert find_origin(paragraphs) == origin


def test_plain_text_page():
    page = "\n".join(
        [
            "点击右上角微信好友", "朋友圈", "正在阅读:某地警方破获诈骗案",
            "首页> 法治频道 > 正文", "某地警方破获诈骗案", "发布时间：2023-05-04 23:10  来源：某某网",
            "\u3000\u3000警方近日开展“净网2023”专项行动。", "  破获案件3起。", "[ 责编:某某 ]",
            "您此时的心情", "平台声明:本文仅代表作者观点,某某资讯仅提供信息存储空间服务。",
            "转载请注明出处:https://example.com/a/1.html",
        ]
    )
    fields = read_plain_text(page)
    assert fields["title"] == "某地警方破获诈骗案"
    assert (fields["date"], fields["date_source"]) == ("2023-05-04", "byline")
    assert fields["body"] == "警方近日开展“净网2023”专项行动。\n\n破获案件3起。"
    assert fields["source"] == "某某资讯"
    assert fields["url"] == "https://example.com/a/1.html"
    assert fields["operations"] == ("净网2023",)


def test_one_line_notice_is_title_and_body(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("警方通报一起诈骗案件。\n", encoding="utf-8")
    (document,) = read_file(path)
    assert document.title == document.body == "警方通报一起诈骗案件。"
    assert document.date is None


# --- sniffing and HTML ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "format_name"),
    [
        ("标题\n正文\n", "plain_text"),
        ("---\ntitle: t\n---\n\n<div><p>正文</p></div>\n", "html_markdown"),
        ("---\ntitle: t\nurl: https://mp.weixin.qq.com/s/x\n---\n# t\n", "wechat_markdown"),
        ("---\ntitle: t\n---\n![](https://mmbiz.qpic.cn/x.png)\n正文\n", "wechat_markdown"),
        ("---\ntitle: t\n---\n正文，见 https://mp.weixin.qq.com/s/x\n", "markdown"),
    ],
)
def test_sniff_by_content(text, format_name):
    assert sniff(text) == format_name


def test_html_drops_invisible_text_and_decodes_entities_once():
    html = """
    <style>.notice{color:red}</style><script>function track(){ var 统计 = 1; }</script>
    <!-- 内部备注 --><!--[if lt IE 9]><p>请升级浏览器</p><![endif]-->
    <noscript>请启用JavaScript</noscript>
    <textarea style="display:none">&lt;style&gt;body{margin:0}&lt;/style&gt;</textarea>
    <div hidden>隐藏</div><span style="DISPLAY: none">也隐藏</span>
    <div class="appendQr_wrap">扫码下载APP</div>
    <p>\u3000\u3000警方提醒：谨防&lt;冒充客服&gt;类诈骗&amp;#123;。</p>
    <p>第二段<br>第三段</p>
    <p class="article-editor">责任编辑：某某</p>
    """
    assert html_paragraphs(html) == [
        "警方提醒：谨防<冒充客服>类诈骗&#123;。",
        "第二段",
        "第三段",
    ]


def test_wechat_header_with_original_badge(tmp_path):
    path = tmp_path / "wechat.md"
    path.write_text(
        "---\ntitle: 某地警方通报\nsource: 某聚合源\ndate: 2024-01-02\n---\n\n# 某地警方通报\n\n"
        "![cover_image](https://mmbiz.qpic.cn/a.jpg)\n\n# 某地警方通报\n\n原创\n\n张三\n\n"
        "某某警方发布\n\n**某地警方通报如下：**\n\n正文第一段。\n\n**长按关注我们**\n\n"
        "预览时标签不可点\n\n阅读原文\n",
        encoding="utf-8",
    )
    (document,) = read_file(path)
    assert (document.source, document.feed) == ("某某警方发布", "某聚合源")
    assert document.body == "某地警方通报如下：\n\n正文第一段。"
