"""Markdown to text lines, for the readers of markdown formats (WeChat exports, converted web
pages, daily transcripts).

Input is a markdown body; each line loses its images, link targets, heading, list and quote
marks and ``**``, and says whether it was bold as a whole:

>>> markdown_lines("# 标题\\n\\n![](https://…/cover.jpg)\\n**扫码订阅**\\n- [原文](https://…) 见此")
[('标题', False), ('扫码订阅', True), ('原文 见此', False)]
"""

from __future__ import annotations

import re

from searchapp.ingest.fields import clean

#: Markdown images, also wrapped in a link: ``![alt](src)``, ``[![alt](src)](href)``.
_IMAGE_RE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BLOCK_MARK_RE = re.compile(r"^(?:#{1,6}|[*+-]|>)\s+")  # heading, list item, quote
_BOLD_LINE_RE = re.compile(r"^\*\*.+\*\*$")


def markdown_lines(body: str) -> list[tuple[str, bool]]:
    """Strip markdown from each line: images, link targets, heading/list/quote marks, ``**``.

    :return: ``(text, bold)`` per non-empty line; ``bold`` when the whole line was ``**…**``.
    """
    result = []
    for raw in body.split("\n"):
        line = _BLOCK_MARK_RE.sub("", _LINK_RE.sub(r"\1", _IMAGE_RE.sub("", raw)).strip())
        text = clean(line.replace("**", ""))
        if text:
            result.append((text, bool(_BOLD_LINE_RE.match(line))))
    return result
