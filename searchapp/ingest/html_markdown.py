"""Reader of the ``html_markdown`` format: a Hexo-style post whose YAML front matter is followed
by a news site's raw HTML (新浪财经 reposts, with RFC 2822 dates).

The input looks like::

    ---
    title: '公安部：电信网络诈骗犯罪立案数下降，境外作案占比八成'
    categories:
     - 新浪财经
    author: 新浪财经
    date: Mon, 25 Jul 2022 04:01:14 GMT
    ---

    <div>
    <p cms-style="font-L">　　澎湃新闻资深记者 林平</p>
    <p cms-style="font-L">　　电信网络诈骗犯罪立案数呈现下降趋势。</p>
    …
    </div>
"""

from __future__ import annotations

from searchapp.ingest.fields import Fields
from searchapp.ingest.fields import article_paragraphs
from searchapp.ingest.fields import build_fields
from searchapp.ingest.fields import dropped_lines
from searchapp.ingest.fields import meta_str
from searchapp.ingest.fields import one_line
from searchapp.ingest.fields import until_end
from searchapp.ingest.frontmatter import split_front_matter
from searchapp.ingest.html_text import html_paragraphs


def read_html_markdown(text: str) -> Fields:
    """Read a Hexo-style post whose front matter is followed by a news site's raw HTML.

    The body is parsed with BeautifulSoup (lxml), so entities are decoded exactly once.
    ``source`` is the front matter's ``author`` (the site, e.g. 新浪财经) or ``source``.
    """
    meta, body = split_front_matter(text)
    title = one_line(meta_str(meta, "title"))
    everything = html_paragraphs(body)
    paragraphs = article_paragraphs(until_end(everything), title)
    return build_fields(
        meta,
        title=title,
        source=meta_str(meta, "author") or meta_str(meta, "source"),
        paragraphs=paragraphs,
        dropped=dropped_lines(everything, paragraphs, title),
    )
