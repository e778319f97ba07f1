"""The query tree: what a query string means, in the product's own terms.

:func:`searchapp.query.parse` builds it; each index engine compiles it into its own
queries (``searchapp.engine.whoosh.compile``), :mod:`searchapp.query.explain` describes it
and lists the texts to highlight. Nodes are frozen dataclasses, so trees compare and hash by
value.

    断卡 OR 断流 -赌博 date:2022
    → Exclude(All((Any((Words('断卡'), Words('断流'))), DateRange('2022', '2022~'))),
              Any((Words('赌博'),)))
"""

from __future__ import annotations

from dataclasses import dataclass


class Node:
    """Base of every query node."""


@dataclass(frozen=True)
class Alternative:
    """A lexicon alternative of a query word ("also searched"), ranked lower.

    :param display: the alternative as shown to people (``电信网络诈骗``).
    :param parts: normalized texts that are all required (``("电话卡", "银行卡")``).
    """

    display: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Words(Node):
    """A whitespace-free word as typed: all its jieba words in a text field, or its
    characters standing together (ranked lower), or one of its lexicon ``alternatives``.

    :param text: the word as typed (any width, case or script).
    :param field: ``"title"`` or ``"body"`` when the query named one, ``None`` for the
        default text fields (title and body, or title only for a title-only search).
    """

    text: str
    field: str | None = None
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Phrase(Node):
    """``"…"``: these characters contiguous and in this order (quotes, spaces and
    punctuation inside ignored; width, case and script folded)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class FieldValue(Node):
    """An exact value of a keyword field: ``source:新浪财经``, ``operation:断卡``.

    :param field: one of :data:`searchapp.query.parser.KEYWORD_FIELDS`' values.
    """

    field: str
    value: str


@dataclass(frozen=True)
class DateRange(Node):
    """``date:…``: publication days between ``start`` and ``end``, ISO prefixes compared
    as strings (``"2021-06~"`` sorts after every day of June 2021); ``None`` is open."""

    start: str | None
    end: str | None
    start_excluded: bool = False
    end_excluded: bool = False


@dataclass(frozen=True)
class All(Node):
    """Every child matches (``a b``, ``a AND b``)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Any(Node):
    """At least one child matches (``a OR b``)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    """``NOT a`` inside a group: documents without ``child``."""

    child: Node


@dataclass(frozen=True)
class Exclude(Node):
    """``a -b``: documents matching ``include`` but not ``exclude``."""

    include: Node
    exclude: Node


@dataclass(frozen=True)
class Prefer(Node):
    """``+a b``: documents matching ``required``, ranked higher where ``optional`` matches."""

    required: Node
    optional: Node


@dataclass(frozen=True)
class Everything(Node):
    """The empty query: every document."""


@dataclass(frozen=True)
class Query:
    """A parsed query string: the tree and what ranking adds to it.

    :param root: the tree that decides which documents match.
    :param adjacent: for a plain query of 2–8 words (no operators, fields or quotes), the
        words, so that engines rank higher where they stand together in this order (the
        adjacency bonus); ``()`` otherwise.
    :param title_only: unfielded words are searched in titles only.
    :param text: the query string as read (operators folded, dangling operators dropped).
    """

    root: Node
    adjacent: tuple[str, ...] = ()
    title_only: bool = False
    text: str = ""

    @property
    def is_everything(self) -> bool:
        """Whether the query lists every document (an empty query string)."""
        return isinstance(self.root, Everything)
