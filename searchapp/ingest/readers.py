"""One reader per file format, and :func:`sniff`, which picks the reader from the content.

A reader is a pure function ``text -> fields``: the decoded file in, a dict of the
:class:`~searchapp.document.Document` fields it determines out (all but ``id``, ``path`` and
``format``, which :func:`searchapp.ingest.read_file` adds). Readers never raise for odd
input; a missing title or body comes back as ``""`` and the caller decides.

Body convention, all readers: one paragraph per text line or HTML block, stripped of
indentation (spaces, U+3000, U+00A0), paragraphs joined by one blank line. A closing credit
such as ``（来源：公安部刑侦局）`` or ``来源:…微信公众号`` is article text and stays the last
paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import BeautifulSoup
from bs4 import Comment
from bs4 import Tag

from searchapp.ingest.boilerplate import CHROME_CLASS_RE
from searchapp.ingest.boilerplate import ORIGINAL_BADGE
from searchapp.ingest.boilerplate import WECHAT_FINGERPRINTS
from searchapp.ingest.boilerplate import WECHAT_URL_RE
from searchapp.ingest.boilerplate import is_chrome
from searchapp.ingest.boilerplate import is_end_marker
from searchapp.ingest.boilerplate import reprint_url
from searchapp.ingest.boilerplate import site_source
from searchapp.ingest.extract import find_origin
from searchapp.ingest.extract import infer_day_from_navigation
from searchapp.ingest.extract import parse_byline
from searchapp.ingest.extract import to_cst_day
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.operations import extract_operations

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


def sniff(text: str) -> str:
    """Name the format of a decoded file, judging by content only.

    :return: ``plain_text`` (no front matter), ``html_markdown`` (front matter, then raw
        HTML), ``wechat_markdown`` (front matter, WeChat export markers) or ``markdown``.
    """
    meta, body = split_front_matter(text)
    if not meta:
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
    title = _one_line(_meta_str(meta, "title"))
    lines = _until_end(_markdown_lines(body), key=lambda line: line[0])
    start = _count_title_repeats([line for line, _ in lines], title)
    account, start = _wechat_header([line for line, _ in lines], start) if start else ("", 0)
    kept = [(line, bold) for line, bold in lines[start:] if not is_chrome(line)]
    while kept and kept[-1][1]:
        kept.pop()
    return _fields(
        meta,
        title=title,
        source=account,
        feed=_meta_str(meta, "source"),
        paragraphs=[line for line, _ in kept],
    )


def read_html_markdown(text: str) -> Fields:
    """Read a Hexo-style post whose front matter is followed by a news site's raw HTML.

    The body is parsed with BeautifulSoup (lxml), so entities are decoded exactly once.
    ``source`` is the front matter's ``author`` (the site, e.g. 新浪财经) or ``source``.
    """
    meta, body = split_front_matter(text)
    title = _one_line(_meta_str(meta, "title"))
    lines = _until_end(html_paragraphs(body))
    return _fields(
        meta,
        title=title,
        source=_meta_str(meta, "author") or _meta_str(meta, "source"),
        paragraphs=_article(lines, title),
    )


def read_markdown(text: str) -> Fields:
    """Read a plain markdown file with front matter (title, date, source, url, operation)."""
    meta, body = split_front_matter(text)
    title = _one_line(_meta_str(meta, "title"))
    lines = _until_end([line for line, _ in _markdown_lines(body)])
    return _fields(meta, title=title, source=_meta_str(meta, "source"),
                   paragraphs=_article(lines, title))


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
    )


#: Reader for each format name that :func:`sniff` returns.
READERS: dict[str, Callable[[str], Fields]] = {
    "wechat_markdown": read_wechat_markdown,
    "html_markdown": read_html_markdown,
    "markdown": read_markdown,
    "plain_text": read_plain_text,
}


def html_paragraphs(html: str) -> list[str]:
    """Turn an HTML fragment into its visible text, one paragraph per block element.

    Dropped: comments (conditional comments too), the elements in ``_DROPPED_TAGS``,
    hidden elements (``hidden`` attribute, ``display:none``, ``visibility:hidden``) and
    chrome containers (:data:`~searchapp.ingest.boilerplate.CHROME_CLASS_RE`).

    :return: non-empty stripped paragraphs, in document order.
    """
    soup = BeautifulSoup(html, "lxml")
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
    return [line for line in map(_clean, soup.get_text().split("\n")) if line]


def _is_invisible(tag: Tag) -> bool:
    """Tell whether an element's text is not part of the visible article."""
    classes = tag.get("class") or []
    return (
        tag.name in _DROPPED_TAGS
        or tag.has_attr("hidden")
        or bool(_HIDDEN_STYLE_RE.search(tag.get("style") or ""))
        or any(CHROME_CLASS_RE.search(name) for name in classes)
    )


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
            url: str | None = None) -> Fields:
    """Assemble a reader's fields; front matter supplies what the keywords leave out.

    :param meta: front matter: ``date`` (when ``day`` is None), ``url``, ``operation(s)``.
    :param origin: defaults to the credit found in ``paragraphs``.
    """
    body = "\n\n".join(paragraphs)
    day = day or to_cst_day(_meta_str(meta, "date"))
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


def _wechat_header(lines: list[str], start: int) -> tuple[str, int]:
    """Find the account's name in the header lines that follow a WeChat article's title.

    The header is ``account``, ``原创 account`` or ``原创 author account``: after the 原创
    badge two name-like lines are author and account, otherwise the first one is the account.

    :param start: index of the first line after the title.
    :return: ``(account or "", index of the first line after the header)``.
    """
    original = start < len(lines) and lines[start] == ORIGINAL_BADGE
    if original:
        start += 1
    names = 0
    while names < 2 and start + names < len(lines) and _is_account_name(lines[start + names]):
        names += 1
    if original and names == 2:
        return lines[start + 1], start + 2
    return (lines[start], start + 1) if names else ("", start)


def _is_account_name(line: str) -> bool:
    """Tell whether a line is short, sentence-free and not chrome: an account's name."""
    return 0 < len(line) <= 20 and not re.search(r"[。，,：:！？!?；;]", line) and not is_chrome(line)


def _one_line(text: str) -> str:
    """Collapse all whitespace runs (U+3000 included) to one space."""
    return " ".join(text.split())


def _clean(line: str) -> str:
    """Strip indentation (spaces, U+3000, U+00A0) and turn inner U+00A0 into spaces."""
    return line.replace("\xa0", " ").strip()
