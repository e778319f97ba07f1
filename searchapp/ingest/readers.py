"""One reader per file format, and :func:`sniff`, which picks the reader from the content.

A reader is a pure function ``text -> fields``: the decoded file in, a dict of the
:class:`~searchapp.document.Document` fields it determines out (all but ``id``, ``path`` and
``format``, which :func:`searchapp.ingest.read_file` adds), plus ``dropped``: the lines it
removed as page chrome, for ``searchapp inspect``. A file holding several items (a daily
news transcript) has a reader returning a list of such dicts, one per item
(:data:`MULTI_ITEM_FORMATS`). Readers never raise for odd input; a missing title or body
comes back as ``""`` and the caller decides.

Body convention, all readers: one paragraph per text line or HTML block, stripped of
indentation (spaces, U+3000, U+00A0), paragraphs joined by one blank line. A closing credit
such as ``（来源：公安部刑侦局）`` or ``来源:…微信公众号`` is article text and stays the last
paragraph.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import trafilatura
from bs4 import BeautifulSoup
from lxml import etree
from bs4 import Comment
from bs4 import MarkupResemblesLocatorWarning
from bs4 import XMLParsedAsHTMLWarning
from bs4 import Tag

from searchapp.ingest.boilerplate import CHROME_CLASS_RE
from searchapp.ingest.boilerplate import ORIGINAL_BADGE
from searchapp.ingest.boilerplate import WECHAT_FINGERPRINTS
from searchapp.ingest.boilerplate import WECHAT_URL_RE
from searchapp.ingest.boilerplate import feed_site_name
from searchapp.ingest.boilerplate import host_source
from searchapp.ingest.boilerplate import is_chrome
from searchapp.ingest.boilerplate import is_end_marker
from searchapp.ingest.boilerplate import page_url
from searchapp.ingest.boilerplate import reprint_url
from searchapp.ingest.boilerplate import site_source
from searchapp.ingest.extract import find_origin
from searchapp.ingest.extract import infer_day_from_navigation
from searchapp.ingest.extract import parse_byline
from searchapp.ingest.extract import to_cst_day
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.operations import extract_operations
from searchapp.ingest.script import detect_script

#: What a reader returns: the Document fields it determines, keyed by field name.
Fields = dict

#: Markdown images, also wrapped in a link: ``![alt](src)``, ``[![alt](src)](href)``.
_IMAGE_RE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BLOCK_MARK_RE = re.compile(r"^(?:#{1,6}|[*+-]|>)\s+")  # heading, list item, quote
_BOLD_LINE_RE = re.compile(r"^\*\*.+\*\*$")

#: HTML elements whose content is never article text (B26: noscript and textarea included).
_DROPPED_TAGS = ("style", "script", "noscript", "template", "textarea", "iframe", "svg",
                 "button", "select")
#: HTML elements that end a paragraph.
_BLOCK_TAGS = ("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt",
               "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
               "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th",
               "tr", "ul")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


#: An HTML document: a doctype, ``<html>`` or ``<head>`` before any other text.
_HTML_PAGE_RE = re.compile(r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)[\s>]",
                           re.IGNORECASE | re.DOTALL)
#: A daily transcript: ``# 《programme》（YYYYMMDD）`` on the first line.
_TRANSCRIPT_HEADING_RE = re.compile(r"\A\ufeff?\s*#\s*《(?P<programme>[^》\n]+)》[（(](?P<day>\d{8})[）)]")
#: The link that closes each item of a transcript: ``[查看原文](https://…)``.
_ORIGINAL_LINK_RE = re.compile(r"^\[查看原文\]\((?P<url>[^)\s]+)\)\s*$")


def sniff(text: str) -> str:
    """Name the format of a decoded file, judging by content only (never by file name).

    :return: ``html_page`` (an HTML document), ``daily_transcript`` (a programme's daily
        transcript: ``# 《…》（YYYYMMDD）``, then ``### `` items each closed by a
        ``[查看原文](url)`` link), ``plain_text`` (no front matter), ``html_markdown`` (front
        matter, then raw HTML), ``wechat_markdown`` (front matter, WeChat export markers) or
        ``markdown``.
    """
    if _HTML_PAGE_RE.match(text[:4096]):
        return "html_page"
    meta, body = split_front_matter(text)
    if not meta:
        if _TRANSCRIPT_HEADING_RE.match(text) and re.search(r"^### ", text, re.MULTILINE):
            return "daily_transcript"
        return "plain_text"
    if body.lstrip().startswith("<"):
        return "html_markdown"
    if WECHAT_URL_RE.match(_meta_str(meta, "url")) or any(
        fingerprint in body for fingerprint in WECHAT_FINGERPRINTS
    ):
        return "wechat_markdown"
    return "markdown"


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
    title = _one_line(_meta_str(meta, "title"))
    lines = _until_end(_markdown_lines(body), key=lambda line: line[0])
    start = _count_title_repeats([line for line, _ in lines], title)
    account, start = (_wechat_header(lines, start, _meta_str(meta, "source")) if start
                      else ("", 0))
    kept = [(line, bold) for line, bold in lines[start:] if not is_chrome(line)]
    while kept and kept[-1][1]:
        kept.pop()
    paragraphs = [line for line, _ in kept]
    return _fields(
        meta,
        title=title,
        source=account,
        feed=_meta_str(meta, "source"),
        paragraphs=paragraphs,
        dropped=_dropped([line for line, _ in _markdown_lines(body)], paragraphs, title),
    )


def read_html_markdown(text: str) -> Fields:
    """Read a Hexo-style post whose front matter is followed by a news site's raw HTML.

    The body is parsed with BeautifulSoup (lxml), so entities are decoded exactly once.
    ``source`` is the front matter's ``author`` (the site, e.g. 新浪财经) or ``source``.
    """
    meta, body = split_front_matter(text)
    title = _one_line(_meta_str(meta, "title"))
    everything = html_paragraphs(body)
    paragraphs = _article(_until_end(everything), title)
    return _fields(
        meta,
        title=title,
        source=_meta_str(meta, "author") or _meta_str(meta, "source"),
        paragraphs=paragraphs,
        dropped=_dropped(everything, paragraphs, title),
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
    title = _one_line(_meta_str(meta, "title"))
    raw = body.split("\n")
    end = next((i for i, line in enumerate(raw) if line.strip(" \t") == "\ufeff"), len(raw))
    content = "\n".join(line for line in raw[:end] if not _LINK_ONLY_RE.match(line))
    lines = _until_end([line for line, _ in _markdown_lines(content)])
    headline = _headline_index(lines, title)
    paragraphs = _article(lines[headline:], title)
    url = _meta_str(meta, "original_url") or _meta_str(meta, "url")
    feed = _meta_str(meta, "source")
    day = _page_dateline(lines[headline : headline + 6]) if headline else None
    return _fields(
        meta,
        title=title,
        day=day,
        date_source="byline" if day else "front_matter",
        source=feed_site_name(feed) if feed else host_source(url),
        feed=feed,
        url=url,
        paragraphs=paragraphs,
        dropped=_dropped([line for line, _ in _markdown_lines(body)], paragraphs, title),
    )


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
    lines = [line for line in map(_clean, paragraphs_found) if line]
    byline_source, byline_day, lines = _page_byline(lines)
    if not byline_day:
        byline_source, byline_day = _page_byline_anywhere(text, byline_source)
    paragraphs = _article(_until_end(lines), title)
    url = data.get("url") or page_url(text)
    day = byline_day or to_cst_day(data.get("date") or "")
    return _fields(
        {},
        title=title,
        day=day,
        date_source="byline" if byline_day else "inferred",
        source=byline_source or data.get("sitename") or host_source(url),
        url=url,
        paragraphs=paragraphs,
        dropped=_dropped(lines, paragraphs, title),
    )


def read_daily_transcript(text: str) -> list[Fields]:
    """Split a programme's daily transcript into one document per news item.

    The file: ``# 《新闻联播》（YYYYMMDD）``, a ``## 新闻摘要`` (the day's summary, not an
    item), ``## 详细新闻``, then one ``### title`` section per item, each closed by
    ``[查看原文](https://tv.cctv.com/…)``. Every item gets its own title, the day of the
    heading (China Standard Time; ``byline``: the programme's dateline), the URL of its
    ``查看原文`` link, source 央视网 (the URL's outlet) and origin the programme (its lead
    credits ``央视网消息（新闻联播）``). Bold sub-headings of 联播快讯 stay as paragraphs.

    :return: one fields dict per ``###`` section, in file order (an item without text has
        an empty ``body``; the caller reports it).
    """
    heading = _TRANSCRIPT_HEADING_RE.match(text)
    day = to_cst_day(f"{heading['day'][:4]}-{heading['day'][4:6]}-{heading['day'][6:]}")
    programme = heading["programme"].strip()
    items = []
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        title_line, _, rest = section.partition("\n")
        url = ""
        body_lines = []
        for raw in rest.split("\n"):
            link = _ORIGINAL_LINK_RE.match(raw.strip())
            if link:
                url = link["url"]
                break
            if re.match(r"^(#{1,2} |---\s*$|更新时间[:：])", raw.strip()):
                break
            body_lines.append(raw)
        title = _one_line(_clean(title_line.replace("**", "")))
        lines = [line for line, _ in _markdown_lines("\n".join(body_lines))]
        paragraphs = _article(lines, title)
        items.append(
            _fields(
                {},
                title=title,
                day=day,
                date_source="byline",
                source=host_source(url) or "",
                origin=programme,
                url=url,
                paragraphs=paragraphs,
                dropped=_dropped(lines, paragraphs, title),
            )
        )
    return items


def read_plain_text(text: str) -> Fields:
    """Read text scraped from a news page: chrome, title, optional byline, article, chrome.

    The title is the first line that is not chrome (share buttons, breadcrumbs). A byline
    (``来源:中国新闻网2022-12-30 10:41``) in the two lines after it dates the article;
    without one, a 上一篇/下一篇 pair of the same day gives an inferred date. The article
    stops at the first end marker, so related-article lists and their dates never count.
    ``source`` comes from site fingerprints, ``url`` from a 转载请注明出处 line. A file of
    one line is a short notice: that line is both title and body.
    """
    lines = [line for line in map(_clean, text.split("\n")) if line]
    start = next((i for i, line in enumerate(lines) if not is_chrome(line)), len(lines))
    title = _one_line(lines[start]) if start < len(lines) else ""
    rest = lines[start + 1 :]
    article = _until_end(rest)
    after = rest[len(article) :]
    byline = next((line for line in article[:2] if parse_byline(line)), "")
    paragraphs = _article([line for line in article if line != byline], title)
    if not rest:  # a one-line notice: its only line is both title and body
        paragraphs = lines[start:]
    day = parse_byline(byline) if byline else infer_day_from_navigation(after)
    return _fields(
        {},
        title=title,
        day=day,
        date_source="byline" if byline else "inferred",
        source=site_source(text),
        origin=find_origin([byline, *paragraphs] if byline else paragraphs),
        url=reprint_url(text),
        paragraphs=paragraphs,
        dropped=_dropped([line for line in lines if line != byline], paragraphs, title),
    )


#: Reader for each format name that :func:`sniff` returns.
READERS: dict[str, Callable[[str], Fields | list[Fields]]] = {
    "wechat_markdown": read_wechat_markdown,
    "html_markdown": read_html_markdown,
    "markdown": read_markdown,
    "plain_text": read_plain_text,
    "html_page": read_html_page,
    "daily_transcript": read_daily_transcript,
}

#: Formats whose reader returns one fields dict per item of the file.
MULTI_ITEM_FORMATS = frozenset({"daily_transcript"})


def html_paragraphs(html: str) -> list[str]:
    """Turn an HTML fragment into its visible text, one paragraph per block element.

    Dropped: comments (conditional comments too), the elements in ``_DROPPED_TAGS``,
    hidden elements (``hidden`` attribute, ``display:none``, ``visibility:hidden``) and
    chrome containers (:data:`~searchapp.ingest.boilerplate.CHROME_CLASS_RE`).

    :return: non-empty stripped paragraphs, in document order.
    """
    return [line for line in map(_clean, _visible_text(html, "lxml").split("\n")) if line]


#: A tag, comment or doctype in markdown text (raw HTML blocks such as <figure>).
_HTML_IN_MARKDOWN_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*[\s>/]|/[A-Za-z]|!--)")


def strip_html_in_markdown(body: str) -> str:
    """Remove raw HTML from a markdown body, keeping its visible text and the markdown.

    Bodies such as Citizen News' ``<figure><img …><figcaption>…`` blocks: the same rules as
    :func:`html_paragraphs` (no script, style, comments or hidden text; entities decoded
    once), with line breaks kept so the markdown around the HTML reads as before. A body
    without tags is returned unchanged.
    """
    if not _HTML_IN_MARKDOWN_RE.search(body):
        return body
    return _visible_text(body, "html.parser")


def _visible_text(html: str, parser: str) -> str:
    """The visible text of ``html``, with a line break around every block element."""
    with warnings.catch_warnings():  # markdown bodies may look like XML or a bare URL
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, parser)
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for tag in soup.find_all(_is_invisible):
        if not tag.decomposed:
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return soup.get_text()


def _is_invisible(tag: Tag) -> bool:
    """Tell whether an element's text is not part of the visible article."""
    classes = tag.get("class") or []
    return (
        tag.name in _DROPPED_TAGS
        or tag.has_attr("hidden")
        or bool(_HIDDEN_STYLE_RE.search(tag.get("style") or ""))
        or any(CHROME_CLASS_RE.search(name) for name in classes)
    )


#: A markdown line made only of links and images (navigation, logos, share buttons).
_LINK_ONLY_RE = re.compile(
    r"^\s*(?:[*+-]|\d+\.)?\s*(?:#{1,6}\s*)?"
    r"(?:(?:!?\[(?:[^\[\]]|!\[[^\]]*\]\([^)]*\))*\]\([^)]*\)|[|/·•])\s*)+$"
)
#: A page title's badge and site suffix: "[视频]…_CCTV节目官网-CCTV-1_央视网(cctv.com)".
_TITLE_BADGE_RE = re.compile(r"^\s*[\[【](?:视频|組圖|组图|图文)[\]】]\s*")
_TITLE_SITE_SUFFIX_RE = re.compile(r"\s*[_|]\s*[^_|]*(?:央视网|CCTV|cctv|网站|官网)[^_|]*(?:[_|][^_|]*)*$")
#: A page byline: "来源：央视网 更新时间：2024年08月10日 19:26" (on one line or two).
_PAGE_SOURCE_RE = re.compile(r"^来源[:：]\s*(?P<name>[^\s]{2,20})(?:\s+|$)")
_PAGE_UPDATED_RE = re.compile(r"(?:更新时间|发布时间)[:：]\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})")


#: Block elements of trafilatura's XML output, one paragraph each.
_TRAFILATURA_BLOCKS = frozenset({"p", "head", "item", "quote", "row", "code", "cell"})


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
    return _one_line(_clean(title))


def _page_byline(lines: list[str]) -> tuple[str, str | None, list[str]]:
    """Take a page's 来源/更新时间/视频简介 block out of its text.

    :return: ``(source or "", day or None, the other lines)``; the block is recognised only
        where a 来源 line carries or precedes an 更新时间 line (a closing credit alone stays).
    """
    for index, line in enumerate(lines):
        source = _PAGE_SOURCE_RE.match(line)
        updated = _PAGE_UPDATED_RE.search(line)
        if source and not updated and index + 1 < len(lines):
            updated = _PAGE_UPDATED_RE.match(lines[index + 1])
        if source and updated:
            day = to_cst_day(updated["date"])
            rest = [kept for kept in lines[:index] if not kept.startswith("视频简介")]
            return source["name"], day, rest
    return "", None, lines


def _page_byline_anywhere(html: str, source: str) -> tuple[str, str | None]:
    """Find a ``来源：央视网  更新时间：2022年01月10日`` byline anywhere in a page's markup,
    for pages whose byline sits outside the article block.

    :return: ``(source, day)``: the byline's source (``source`` when it names none) and day.
    """
    text = re.sub(r"<[^>]*>", "\n", html)
    match = _PAGE_UPDATED_RE.search(text)
    if not match:
        return source, None
    line_start = text.rfind("\n", 0, match.start()) + 1
    named = _PAGE_SOURCE_RE.match(text[line_start : match.start()].strip())
    return (named["name"] if named and not source else source), to_cst_day(match["date"])


#: A page's dateline under its headline: "发布时间 : 2022-11-18 12:00:47", "发表于 2024年06月10日
#: 00时03分", a bare "2024-09-13 17:25:05" or "*2023-8-7 20:4:40".
_DATELINE_RE = re.compile(
    r"^(?:.{0,40}(?:发布时间|发表于)\s*[:：]?\s*|\*?)(?P<date>\d{4}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日))"
    r"(?:\s*\d{1,2}(?::\d{1,2}){1,2}|\s*\d{1,2}时\d{1,2}分)?(?:\s.{0,30})?$"
)


def _page_dateline(lines: list[str]) -> str | None:
    """Return the day of the first dateline among the lines right under a page's headline."""
    for line in lines:
        match = _DATELINE_RE.match(line)
        if match and len(line) <= 80:
            return to_cst_day(match["date"])
    return None


def _headline_index(lines: list[str], title: str) -> int:
    """Index after the last repeat of ``title`` that has text after it (0 if none).

    :param lines: the page's lines up to its end marker (footers already cut).
    """
    if not title:
        return 0
    repeats = [index for index, line in enumerate(lines[:-1]) if _one_line(line) == title]
    return repeats[-1] + 1 if repeats else 0


def _dropped(candidates: list[str], kept: list[str], title: str) -> list[str]:
    """The lines of ``candidates`` that are neither kept paragraphs nor the title."""
    keep = set(kept) | {title}
    return [line for line in candidates if _one_line(line) not in keep and line not in keep]


def _markdown_lines(body: str) -> list[tuple[str, bool]]:
    """Strip markdown from each line: images, link targets, heading/list/quote marks, ``**``.

    :return: ``(text, bold)`` per non-empty line; ``bold`` when the whole line was ``**…**``.
    """
    result = []
    for raw in body.split("\n"):
        line = _BLOCK_MARK_RE.sub("", _LINK_RE.sub(r"\1", _IMAGE_RE.sub("", raw)).strip())
        text = _clean(line.replace("**", ""))
        if text:
            result.append((text, bool(_BOLD_LINE_RE.match(line))))
    return result


def _until_end(lines: list, key: Callable = lambda line: line) -> list:
    """Return the lines before the first end marker."""
    end = next((i for i, line in enumerate(lines) if is_end_marker(key(line))), len(lines))
    return lines[:end]


def _article(lines: list[str], title: str) -> list[str]:
    """Drop chrome lines and the headline's repeats at the top."""
    paragraphs = [line for line in lines if not is_chrome(line)]
    return paragraphs[_count_title_repeats(paragraphs, title) :]


def _count_title_repeats(lines: list[str], title: str) -> int:
    """Count the leading lines that repeat the title (compared with spaces collapsed)."""
    count = 0
    while count < len(lines) and _one_line(lines[count]) == title:
        count += 1
    return count


def _fields(meta: dict, *, title: str, paragraphs: list[str], source: str, feed: str = "",
            day: str | None = None, date_source: str = "front_matter", origin: str | None = None,
            url: str | None = None, dropped: list[str] = ()) -> Fields:
    """Assemble a reader's fields; front matter supplies what the keywords leave out.

    :param meta: front matter: ``date`` (when ``day`` is None), ``url``, ``operation(s)``.
    :param origin: defaults to the credit found in ``paragraphs``.
    :param dropped: the lines removed as chrome, kept for ``inspect`` (not a Document field).
    :returns: the fields, plus ``dropped`` and ``warnings`` (what the index run reports by
        file name, e.g. a front-matter date that does not exist); neither is a Document field.
    """
    body = "\n\n".join(paragraphs)
    declared_date = _meta_str(meta, "date")
    warnings = []
    if declared_date and day is None:
        day = to_cst_day(declared_date)
        if day is None:
            warnings.append(f"front-matter date {declared_date!r} is not a real date; indexed as undated")
    declared = _meta_list(meta, "operation") + _meta_list(meta, "operations")
    return {
        "title": title,
        "date": day,
        "year": int(day[:4]) if day else None,
        "date_source": date_source if day else None,
        "source": source,
        "feed": feed,
        "origin": find_origin(paragraphs) if origin is None else origin,
        "url": _meta_str(meta, "url") if url is None else url,
        "operations": extract_operations(f"{title}\n{body}", declared),
        "body": body,
        "lang": detect_script(f"{title}\n{body}"),
        "dropped": list(dropped),
        "warnings": warnings,
    }


def _meta_str(meta: dict, key: str) -> str:
    """Return a front-matter value as stripped text (``""`` when missing or not a string)."""
    value = meta.get(key)
    return value.strip() if isinstance(value, str) else ""


def _meta_list(meta: dict, key: str) -> tuple[str, ...]:
    """Return a front-matter value that may be one string or a list of strings."""
    value = meta.get(key)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(item.strip() for item in values if isinstance(item, str) and item.strip())


def _wechat_header(lines: list[tuple[str, bool]], start: int, declared: str = "") -> tuple[str, int]:
    """Find the account's name in the header lines that follow a WeChat article's title.

    The header is ``account``, ``author account``, ``原创 account`` or ``原创 author
    account``: of two name-like lines the second is the account, unless the first is the
    account named in front matter. Bold lines (``**关键词**``) are article text, not names.

    :param lines: ``(text, bold)`` per line, as from :func:`_markdown_lines`.
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


#: Zero-width characters, removed everywhere (they break words and matches unseen).
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _one_line(text: str) -> str:
    """Collapse all whitespace runs (U+3000 included) to one space."""
    return " ".join(text.translate(_ZERO_WIDTH).split())


def _clean(line: str) -> str:
    """Strip indentation (spaces, U+3000, U+00A0), zero-width characters, inner U+00A0."""
    return line.translate(_ZERO_WIDTH).replace("\xa0", " ").strip()
