"""HTML to visible text: for HTML bodies after front matter, and raw HTML blocks inside
markdown.

Input is an HTML fragment such as a news site's article markup; scripts, styles, comments,
hidden elements and chrome containers are dropped and every block element ends a paragraph:

>>> html_paragraphs('<div><p>　　正文&amp;第一段。</p><script>var a;</script>'
...                 '<p style="display:none">隐藏</p><p>第二段</p></div>')
['正文&第一段。', '第二段']
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup
from bs4 import Comment
from bs4 import MarkupResemblesLocatorWarning
from bs4 import XMLParsedAsHTMLWarning
from bs4 import Tag

from searchapp.ingest.boilerplate import CHROME_CLASS_RE
from searchapp.ingest.fields import clean

#: HTML elements whose content is never article text (B26: noscript and textarea included).
_DROPPED_TAGS = ("style", "script", "noscript", "template", "textarea", "iframe", "svg",
                 "button", "select")
#: HTML elements that end a paragraph.
_BLOCK_TAGS = ("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt",
               "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
               "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th",
               "tr", "ul")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def html_paragraphs(html: str) -> list[str]:
    """Turn an HTML fragment into its visible text, one paragraph per block element.

    Dropped: comments (conditional comments too), the elements in ``_DROPPED_TAGS``,
    hidden elements (``hidden`` attribute, ``display:none``, ``visibility:hidden``) and
    chrome containers (:data:`~searchapp.ingest.boilerplate.CHROME_CLASS_RE`).

    :return: non-empty stripped paragraphs, in document order.
    """
    return [line for line in map(clean, _visible_text(html, "lxml").split("\n")) if line]


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
