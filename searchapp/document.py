"""The one shape every reader produces and every surface shows: :class:`Document`.

Data flow: files --(ingest)--> Document --(indexer)--> index --(search)--> hits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

#: How a document's date was learned.
#: ``front_matter``: the file's YAML header; ``byline``: a 来源/发布时间 line next to the title;
#: ``inferred``: read from the article's surroundings (e.g. the publication times of the
#: previous and next posts of the same site); ``None``: the document has no date.
DATE_SOURCES = ("front_matter", "byline", "inferred")


@dataclass(frozen=True)
class Copy:
    """Another file holding the same article text (an exact duplicate, e.g. a reprint).

    :param path: the file it was read from.
    :param source: the outlet of that copy (may differ from the document's).
    :param url: that copy's URL, ``""`` when unknown.
    """

    path: str
    source: str
    url: str


@dataclass(frozen=True)
class Document:
    """One press release, cleaned and with its metadata extracted.

    :param id: stable identifier: 16 hex digits of the SHA-1 of the file's raw bytes (with
        ``-N`` appended for the N-th item of a file holding several); the same file gives
        the same id on every run, wherever it lies.
    :param path: the file it was read from, as given to the indexer (relative or absolute).
    :param title: the headline, one line, no markup.
    :param date: publication day as ISO ``YYYY-MM-DD`` in China Standard Time, or ``None``.
    :param year: the year of ``date``, or ``None`` when undated.
    :param date_source: one of :data:`DATE_SOURCES`, or ``None`` when undated.
    :param source: the outlet whose copy this is (a site such as 新浪财经 or 光明网, or the
        WeChat account's name such as 中国信息安全); ``""`` when unknown.
    :param feed: the feed or aggregator name found in front matter (e.g. ``Doonsec's feed``);
        ``""`` when none.
    :param origin: whom the text credits as its origin (e.g. 公安部刑侦局, 中国新闻网,
        澎湃新闻); ``""`` when it does not say.
    :param url: the original article's URL, ``""`` when unknown. Untrusted: may be any scheme.
    :param operations: canonical names of the special operations the text names, in order
        of first mention, without duplicates (e.g. ``("断卡", "断流", "拔钉")``).
    :param body: the article's clean text: paragraphs separated by one blank line, no markup,
        no page chrome, no related-article lists.
    :param format: which reader produced it (``wechat_markdown``, ``html_markdown``,
        ``plain_text``, ...), for ``inspect`` and debugging.
    :param lang: the script of the text, ``zh-Hans`` (Simplified) or ``zh-Hant``
        (Traditional); ``""`` when not determined.
    :param copies: other files with exactly the same text, in the order they were read.
    """

    id: str
    path: str
    title: str
    date: str | None
    year: int | None
    date_source: str | None
    source: str
    feed: str
    origin: str
    url: str
    operations: tuple[str, ...]
    body: str
    format: str = ""
    lang: str = ""
    copies: tuple[Copy, ...] = ()

    def to_dict(self) -> dict:
        """Return the document as a JSON-ready dict (tuples as lists, copies as dicts)."""
        data = dataclasses.asdict(self)
        data["operations"] = list(self.operations)
        data["copies"] = [dataclasses.asdict(copy) for copy in self.copies]
        return data
