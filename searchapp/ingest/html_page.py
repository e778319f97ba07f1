"""Reader of the ``html_page`` format: a raw HTML page as saved from a news site (``.html``,
``.shtml`` or no extension), read with trafilatura — e.g. tv.cctv.com's item pages.

The input looks like::

    <!DOCTYPE html>
    <html>
    <head>
        <title>[视频]巴西一架客机坠毁致61人遇难</title>
        <script>var commentUrl = "https://tv.cctv.com/2024/08/10/VIDE08W3yuBbbLH….shtml";</script>
    </head>
    <body>
        <div class="nav">…</div>
        <div class="laiyuan">来源：央视网    更新时间：2024年08月10日 19:26</div>
        <div class="content_area" id="content_area"><p><strong>央视网消息</strong>（新闻联播）：……</p></div>
    </body>
    </html>
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree

from searchapp.ingest.boilerplate import host_source
from searchapp.ingest.boilerplate import page_url
from searchapp.ingest.extract import page_byline
from searchapp.ingest.extract import page_byline_anywhere
from searchapp.ingest.extract import to_cst_day
from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import article_paragraphs
from searchapp.ingest.fields import build_fields
from searchapp.ingest.fields import clean
from searchapp.ingest.fields import dropped_lines
from searchapp.ingest.fields import one_line
from searchapp.ingest.fields import until_end

#: A page title's badge and site suffix: "[视频]…_CCTV节目官网-CCTV-1_央视网(cctv.com)".
_TITLE_BADGE_RE = re.compile(r"^\s*[\[【](?:视频|組圖|组图|图文)[\]】]\s*")
_TITLE_SITE_SUFFIX_RE = re.compile(r"\s*[_|]\s*[^_|]*(?:央视网|CCTV|cctv|网站|官网)[^_|]*(?:[_|][^_|]*)*$")

#: Block elements of trafilatura's XML output, one paragraph each.
_TRAFILATURA_BLOCKS = frozenset({"p", "head", "item", "quote", "row", "code", "cell"})


def read_html_page(text: str) -> Fields:
    """Read a raw HTML page (``.html``, ``.shtml`` or no extension) with trafilatura.

    trafilatura finds the article block (tv.cctv.com's 2022 ``cnt_bd`` and 2023+
    ``content_area`` templates alike) and the page's metadata; scripts, styles, comments,
    ``<noscript>`` and navigation never reach the text, and entities are decoded once by
    lxml. Then:

    * title: the page's headline without a ``[视频]`` badge or a ``_site_…`` suffix;
    * date: a ``更新时间``/``发布时间`` byline in the page (``byline``), else the date
      trafilatura reads from the page's metadata (``inferred``); never the crawl day;
    * source: the byline's ``来源：`` (央视网), else the site name, else the URL's host;
    * url: the canonical link, else a page variable holding the page's address;
    * the byline block (来源/更新时间/视频简介) is metadata and leaves the body.
    """
    data, paragraphs_found = _trafilatura_article(text)
    title = _page_title(data.get("title") or "")
    lines = [line for line in map(clean, paragraphs_found) if line]
    byline_source, byline_day, lines = page_byline(lines)
    if not byline_day:
        byline_source, byline_day = page_byline_anywhere(text, byline_source)
    paragraphs = article_paragraphs(until_end(lines), title)
    url = data.get("url") or page_url(text)
    day = byline_day or to_cst_day(data.get("date") or "")
    return build_fields(
        {},
        title=title,
        day=day,
        date_source="byline" if byline_day else "inferred",
        source=byline_source or data.get("sitename") or host_source(url),
        url=url,
        paragraphs=paragraphs,
        dropped=dropped_lines(lines, paragraphs, title),
    )


def _trafilatura_article(html: str) -> tuple[dict[str, str], list[str]]:
    """Run trafilatura on a page: its metadata and the article's paragraphs.

    The XML output is parsed (entities decoded once by lxml) rather than the text output,
    whose conversion unescapes a second time (``&amp;lt;`` would become ``<``).

    :return: ``(metadata, paragraphs)``: the ``<doc>`` attributes (title, date, url,
        sitename, …; ``{}`` when trafilatura finds no article) and the paragraph texts.
    """
    xml = trafilatura.extract(
        html,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not xml:
        return {}, []
    document = etree.fromstring(xml.encode("utf-8"))
    main = document.find("main")
    paragraphs = []
    if main is not None:
        for element in main.iter():
            if element.tag in _TRAFILATURA_BLOCKS and not any(
                child.tag in _TRAFILATURA_BLOCKS for child in element
            ):
                paragraphs.append("".join(element.itertext()))
    return dict(document.attrib), paragraphs


def _page_title(title: str) -> str:
    """Strip a ``[视频]`` badge and a ``_site_…`` suffix from a page's title."""
    title = _TITLE_SITE_SUFFIX_RE.sub("", _TITLE_BADGE_RE.sub("", title))
    return one_line(clean(title))
