"""Reader of the ``markdown`` format: markdown with YAML front matter, from a plain article to
a whole web page converted to markdown (安全客, FreeBuf, 4hou, Solidot, unSafe.sh, the
Traditional Chinese archive of 眾新聞), its site navigation and footer around the article.

The input looks like::

    ---
    title: 警方破获一起电信网络诈骗案
    url: https://www.freebuf.com/news/346742.html
    source: FreeBuf网络安全行业门户
    date: 2022-10-14
    ---

    # 警方破获一起电信网络诈骗案

    [![freeBuf](/images/logoMax.png)](/)

    [报告](https://www.freebuf.com/report)[专辑](/column)

    警方破获一起电信网络诈骗案

    2022-10-13 18:00:38

    近日，警方……

    相关推荐
"""

from __future__ import annotations

import re

from searchapp.ingest.boilerplate import feed_site_name
from searchapp.ingest.boilerplate import host_source
from searchapp.ingest.extract import page_dateline
from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import article_paragraphs
from searchapp.ingest.fields import build_fields
from searchapp.ingest.fields import dropped_lines
from searchapp.ingest.fields import meta_str
from searchapp.ingest.fields import one_line
from searchapp.ingest.fields import until_end
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.html_text import strip_html_in_markdown
from searchapp.ingest.markdown_text import markdown_lines

#: A markdown line made only of links and images (navigation, logos, share buttons).
_LINK_ONLY_RE = re.compile(
    r"^\s*(?:[*+-]|\d+\.)?\s*(?:#{1,6}\s*)?"
    r"(?:(?:!?\[(?:[^\[\]]|!\[[^\]]*\]\([^)]*\))*\]\([^)]*\)|[|/·•])\s*)+$"
)


def read_markdown(text: str) -> Fields:
    """Read a markdown file with front matter (title, date, source, url, operation).

    Also reads web pages converted to markdown with their site around the article (安全客,
    FreeBuf, 4hou, Solidot, unSafe.sh): lines made only of links or images (navigation) are
    dropped, the article starts after the last repeat of the title in the first half of the
    page (the page's own headline), and ends at the first end marker (footer, related
    articles) or at a line holding only U+FEFF (where Solidot's article block closes).

    ``source`` is the front matter's ``source`` without its tagline (奇客Solidot), else the
    outlet of ``original_url``/``url`` (:data:`~searchapp.ingest.boilerplate.HOST_SOURCES`);
    ``url`` prefers ``original_url`` over an archive copy's ``url``; ``feed`` is the front
    matter's ``source`` as written.
    """
    meta, body = split_front_matter(text)
    body = strip_html_in_markdown(body)
    title = one_line(meta_str(meta, "title"))
    raw = body.split("\n")
    end = next((i for i, line in enumerate(raw) if line.strip(" \t") == "\ufeff"), len(raw))
    content = "\n".join(line for line in raw[:end] if not _LINK_ONLY_RE.match(line))
    lines = until_end([line for line, _ in markdown_lines(content)])
    headline = _headline_index(lines, title)
    paragraphs = article_paragraphs(lines[headline:], title)
    url = meta_str(meta, "original_url") or meta_str(meta, "url")
    feed = meta_str(meta, "source")
    day = page_dateline(lines[headline : headline + 6]) if headline else None
    return build_fields(
        meta,
        title=title,
        day=day,
        date_source="byline" if day else "front_matter",
        source=feed_site_name(feed) if feed else host_source(url),
        feed=feed,
        url=url,
        paragraphs=paragraphs,
        dropped=dropped_lines([line for line, _ in markdown_lines(body)], paragraphs, title),
    )


def _headline_index(lines: list[str], title: str) -> int:
    """Index after the last repeat of ``title`` that has text after it (0 if none).

    :param lines: the page's lines up to its end marker (footers already cut).
    """
    if not title:
        return 0
    repeats = [index for index, line in enumerate(lines[:-1]) if one_line(line) == title]
    return repeats[-1] + 1 if repeats else 0
