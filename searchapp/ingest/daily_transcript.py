"""Reader of the ``daily_transcript`` format: a TV programme's daily transcript (新闻联播), one
markdown file per day holding many news items, each read as its own document.

The input looks like (no front matter)::

    # 《新闻联播》（20220101）

    ## 新闻摘要

    本期节目主要内容：……

    ## 详细新闻

    ### 【央视快评】昂首阔步向未来

    <!--repaste.body.begin-->

    **央视网消息**（新闻联播）：……

    <!--repaste.body.end-->

    [查看原文](https://tv.cctv.com/2022/01/01/VIDE87eGAEZqMUzv3B8uaWT1220101.shtml)

    ### …
"""

from __future__ import annotations

import re

from searchapp.ingest.boilerplate import host_source
from searchapp.ingest.extract import to_cst_day
from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import article_paragraphs
from searchapp.ingest.fields import build_fields
from searchapp.ingest.fields import clean
from searchapp.ingest.fields import dropped_lines
from searchapp.ingest.fields import one_line
from searchapp.ingest.markdown_text import markdown_lines

#: A daily transcript: ``# 《programme》（YYYYMMDD）`` on the first line.
TRANSCRIPT_HEADING_RE = re.compile(r"\A\ufeff?\s*#\s*《(?P<programme>[^》\n]+)》[（(](?P<day>\d{8})[）)]")
#: The link that closes each item of a transcript: ``[查看原文](https://…)``.
_ORIGINAL_LINK_RE = re.compile(r"^\[查看原文\]\((?P<url>[^)\s]+)\)\s*$")


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
    heading = TRANSCRIPT_HEADING_RE.match(text)
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
        title = one_line(clean(title_line.replace("**", "")))
        lines = [line for line, _ in markdown_lines("\n".join(body_lines))]
        paragraphs = article_paragraphs(lines, title)
        items.append(
            build_fields(
                {},
                title=title,
                day=day,
                date_source="byline",
                source=host_source(url) or "",
                origin=programme,
                url=url,
                paragraphs=paragraphs,
                dropped=dropped_lines(lines, paragraphs, title),
            )
        )
    return items
