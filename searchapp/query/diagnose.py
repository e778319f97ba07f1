"""What to change in a query string that cannot be read, in the reader's words (Chinese).

Used when :func:`searchapp.query.parse` refuses a string: the page shows the hints and
offers the fixed query as a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from searchapp.query.errors import QueryError
from searchapp.query.parser import MAX_QUERY_CHARS
from searchapp.query.parser import fold_operators
from searchapp.query.parser import parse

#: An operator word of the query language, standing alone.
_OPERATOR = re.compile(r"(?<!\S)(AND|OR|NOT)(?!\S)")


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong with a query string and how it could read instead.

    :param hints: sentences saying what to change, most specific first.
    :param fixed_query: the words of the query without operators, quotes, brackets and
        wildcards, when that differs from the query and can be read; else ``None``.
    """

    hints: list[str] = field(default_factory=list)
    fixed_query: str | None = None


def diagnose(q: str) -> Diagnosis:
    """Explain what to change in query string ``q``; an empty :class:`Diagnosis` when ``q``
    reads and is not too long (then another parameter was refused and the query is fine).

    >>> diagnose("NOT NOT 诈骗").fixed_query
    '诈骗'
    >>> diagnose("断卡 OR").hints
    []
    >>> diagnose("*").fixed_query is None
    True
    """
    if len(q) <= MAX_QUERY_CHARS and _reads(q):
        return Diagnosis()
    hints = []
    if len(q) > MAX_QUERY_CHARS:
        hints.append(f"查询最长 {MAX_QUERY_CHARS} 个字符，当前 {len(q)} 个：请删去一些词。")
    folded = fold_operators(q)
    tokens = folded.split()
    operators = [i for i, token in enumerate(tokens) if token in ("AND", "OR", "NOT")]
    if operators:
        dangling = tokens[-1] in ("AND", "OR", "NOT") or tokens[0] in ("AND", "OR")
        doubled = any(j == i + 1 for i, j in zip(operators, operators[1:]))
        if dangling or doubled:
            hints.append(
                "AND、OR、NOT 要写在两个词之间（NOT 也可写在词前），不能连用或放在末尾，"
                "例如：诈骗 OR 赌博、诈骗 NOT 赌博、诈骗 -赌博。"
            )
    if folded.count('"') % 2:
        hints.append("英文引号 \" 不成对：精确短语要用一对引号括起来，例如 \"电信网络诈骗\"。")
    if folded.count("(") != folded.count(")"):
        hints.append("括号不成对：每个 ( 都要有对应的 )，例如 (断卡 OR 断流) 2022。")
    if re.search(r"[*?]", folded):
        hints.append("不支持通配符 * 和 ?：直接输入词语即可，中文词会按字和词匹配。")
    fixed = " ".join(
        word for word in re.sub(r"[\"()*?\\\[\]{}^~]", " ", _OPERATOR.sub(" ", folded)).split()
        if word.strip("-:")
    )
    if not fixed.strip():
        hints.append("查询里没有可搜索的文字：请输入中文词语、人名、机构名或数字。")
    fixed_ok = fixed and fixed != q and len(fixed) <= MAX_QUERY_CHARS and _reads(fixed)
    return Diagnosis(hints, fixed if fixed_ok else None)


def _reads(q: str) -> bool:
    try:
        parse(q)
    except QueryError:
        return False
    return True
