"""Reader of the ``wechat_markdown`` format: a WeChat article exported as markdown with front
matter (picker-wechat style), the page's UI and the account's promotions around the text.

The input looks like::

    ---
    title: 公安部：严打电诈犯罪 2025年侦破案件25.8万起
    url: https://mp.weixin.qq.com/s/ii50ucByau1lNgrVi8UmyA
    source: Doonsec's feed
    date: 2026-01-08
    ---

    # 公安部：严打电诈犯罪 2025年侦破案件25.8万起

    ![cover_image](https://mmbiz.qpic.cn/…)

    # 公安部：严打电诈犯罪 2025年侦破案件25.8万起

    中国信息安全

    在小说阅读器中沉浸阅读

    **扫码订阅《中国信息安全》**

    1月8日，公安部在京召开专题新闻发布会……
"""

from __future__ import annotations

import re

from searchapp.ingest.boilerplate import ORIGINAL_BADGE
from searchapp.ingest.boilerplate import is_chrome
from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import build_fields
from searchapp.ingest.fields import count_title_repeats
from searchapp.ingest.fields import dropped_lines
from searchapp.ingest.fields import meta_str
from searchapp.ingest.fields import one_line
from searchapp.ingest.fields import until_end
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.html_text import strip_html_in_markdown
from searchapp.ingest.markdown_text import markdown_lines


def read_wechat_markdown(text: str) -> Fields:
    """Read a WeChat article exported as markdown with front matter.

    The account's name, in the header after the repeated H1 title (``[原创] [author]
    account``, see :func:`_wechat_header`), is the ``source``; the front matter's
    ``source`` (the aggregator, or the account again) is the ``feed``. Images, ``**``, the
    subscription blurbs and the WeChat UI are dropped, and so are bold-only lines at the
    end of the article: accounts set their closing promotions in bold.
    """
    meta, body = split_front_matter(text)
    body = strip_html_in_markdown(body)
    title = one_line(meta_str(meta, "title"))
    lines = until_end(markdown_lines(body), key=lambda line: line[0])
    start = count_title_repeats([line for line, _ in lines], title)
    account, start = (_wechat_header(lines, start, meta_str(meta, "source")) if start
                      else ("", 0))
    kept = [(line, bold) for line, bold in lines[start:] if not is_chrome(line)]
    while kept and kept[-1][1]:
        kept.pop()
    paragraphs = [line for line, _ in kept]
    return build_fields(
        meta,
        title=title,
        source=account,
        feed=meta_str(meta, "source"),
        paragraphs=paragraphs,
        dropped=dropped_lines([line for line, _ in markdown_lines(body)], paragraphs, title),
    )


def _wechat_header(lines: list[tuple[str, bool]], start: int, declared: str = "") -> tuple[str, int]:
    """Find the account's name in the header lines that follow a WeChat article's title.

    The header is ``account``, ``author account``, ``原创 account`` or ``原创 author
    account``: of two name-like lines the second is the account, unless the first is the
    account named in front matter. Bold lines (``**关键词**``) are article text, not names.

    :param lines: ``(text, bold)`` per line, as from
        :func:`~searchapp.ingest.markdown_text.markdown_lines`.
    :param start: index of the first line after the title.
    :param declared: the front matter's ``source`` (an account name, or an aggregator's).
    :return: ``(account or "", index of the first line after the header)``.
    """
    if start < len(lines) and lines[start][0] == ORIGINAL_BADGE:
        start += 1
    names = []
    while len(names) < 2 and start + len(names) < len(lines):
        text, bold = lines[start + len(names)]
        if bold or not _is_account_name(text):
            break
        names.append(text)
    if not names:
        return "", start
    if declared in names:
        return declared, start + names.index(declared) + 1
    return names[-1], start + len(names)


def _is_account_name(line: str) -> bool:
    """Tell whether a line is short, sentence-free and not chrome: an account's name."""
    return 0 < len(line) <= 20 and not re.search(r"[。，,：:！？!?；;]", line) and not is_chrome(line)
