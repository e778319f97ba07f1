"""Reader of the ``plain_text`` format: text scraped from a news page, without front matter or
markup — share buttons and breadcrumbs, the headline, a byline, the article, then related
articles, 上一篇/下一篇 links and comment forms.

The input looks like::

    点击右上角微信好友

    朋友圈

    首页> 法治频道> 法治要闻 > 正文

    公安部:截至11月底,全国共破获电信网络诈骗案件39.1万起

    来源:中国新闻网2022-12-30 10:41

      中新网12月30日电 据公安部网站消息,2022年,……

    [ 责编:孙满桃 ]

    相关阅读

    您此时的心情
"""

from __future__ import annotations

from searchapp.ingest.boilerplate import is_chrome
from searchapp.ingest.boilerplate import reprint_url
from searchapp.ingest.boilerplate import site_source
from searchapp.ingest.extract import find_origin
from searchapp.ingest.extract import infer_day_from_navigation
from searchapp.ingest.extract import parse_byline
from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import article_paragraphs
from searchapp.ingest.fields import build_fields
from searchapp.ingest.fields import clean
from searchapp.ingest.fields import dropped_lines
from searchapp.ingest.fields import one_line
from searchapp.ingest.fields import until_end


def read_plain_text(text: str) -> Fields:
    """Read text scraped from a news page: chrome, title, optional byline, article, chrome.

    The title is the first line that is not chrome (share buttons, breadcrumbs). A byline
    (``来源:中国新闻网2022-12-30 10:41``) in the two lines after it dates the article;
    without one, a 上一篇/下一篇 pair of the same day gives an inferred date. The article
    stops at the first end marker, so related-article lists and their dates never count.
    ``source`` comes from site fingerprints, ``url`` from a 转载请注明出处 line. A file of
    one line is a short notice: that line is both title and body.
    """
    lines = [line for line in map(clean, text.split("\n")) if line]
    start = next((i for i, line in enumerate(lines) if not is_chrome(line)), len(lines))
    title = one_line(lines[start]) if start < len(lines) else ""
    rest = lines[start + 1 :]
    article = until_end(rest)
    after = rest[len(article) :]
    byline = next((line for line in article[:2] if parse_byline(line)), "")
    paragraphs = article_paragraphs([line for line in article if line != byline], title)
    if not rest:  # a one-line notice: its only line is both title and body
        paragraphs = lines[start:]
    day = parse_byline(byline) if byline else infer_day_from_navigation(after)
    return build_fields(
        {},
        title=title,
        day=day,
        date_source="byline" if byline else "inferred",
        source=site_source(text),
        origin=find_origin([byline, *paragraphs] if byline else paragraphs),
        url=reprint_url(text),
        paragraphs=paragraphs,
        dropped=dropped_lines([line for line in lines if line != byline], paragraphs, title),
    )
