"""Which reader reads a file: :func:`sniff` names the format from the content, and
:data:`READERS` maps each format to its reader, one module per format:

====================  =====================================================================
format                reader
====================  =====================================================================
``wechat_markdown``   :mod:`.wechat_markdown` — a WeChat article exported with front matter
``html_markdown``     :mod:`.html_markdown` — front matter, then a news site's raw HTML
``markdown``          :mod:`.markdown` — front matter, then markdown (or a converted page)
``html_page``         :mod:`.html_page` — a raw HTML page, read with trafilatura
``daily_transcript``  :mod:`.daily_transcript` — a programme's day, one document per item
``plain_text``        :mod:`.plain_text` — text scraped from a news page
====================  =====================================================================

A reader is a pure function ``text -> fields``: the decoded file in, a dict of the
:class:`~searchapp.document.Document` fields it determines out (all but ``id``, ``path`` and
``format``, which :func:`searchapp.ingest.read_file` adds), plus ``dropped``: the lines it
removed as page chrome, for ``searchapp inspect``. A file holding several items (a daily
news transcript) has a reader returning a list of such dicts, one per item
(:data:`MULTI_ITEM_FORMATS`). Readers never raise for odd input; a missing title or body
comes back as ``""`` and the caller decides. What they share is in :mod:`.fields`
(assembling the fields, cleaning lines), :mod:`.html_text` and :mod:`.markdown_text`
(markup to text) and :mod:`.extract` (dates, bylines, origins).

Body convention, all readers: one paragraph per text line or HTML block, stripped of
indentation (spaces, U+3000, U+00A0), paragraphs joined by one blank line. A closing credit
such as ``（来源：公安部刑侦局）`` or ``来源:…微信公众号`` is article text and stays the last
paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from searchapp.ingest.boilerplate import WECHAT_FINGERPRINTS
from searchapp.ingest.boilerplate import WECHAT_URL_RE
from searchapp.ingest.daily_transcript import TRANSCRIPT_HEADING_RE
from searchapp.ingest.daily_transcript import read_daily_transcript
from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import meta_str
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.html_markdown import read_html_markdown
from searchapp.ingest.html_page import read_html_page
from searchapp.ingest.markdown import read_markdown
from searchapp.ingest.plain_text import read_plain_text
from searchapp.ingest.wechat_markdown import read_wechat_markdown

#: An HTML document: a doctype, ``<html>`` or ``<head>`` before any other text.
_HTML_PAGE_RE = re.compile(r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)[\s>]",
                           re.IGNORECASE | re.DOTALL)


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
        if TRANSCRIPT_HEADING_RE.match(text) and re.search(r"^### ", text, re.MULTILINE):
            return "daily_transcript"
        return "plain_text"
    if body.lstrip().startswith("<"):
        return "html_markdown"
    if WECHAT_URL_RE.match(meta_str(meta, "url")) or any(
        fingerprint in body for fingerprint in WECHAT_FINGERPRINTS
    ):
        return "wechat_markdown"
    return "markdown"


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
