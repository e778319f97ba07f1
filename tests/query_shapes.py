"""Query strings of every shape the query parser makes, shared by the tests that compare
our array matching and scoring with Whoosh's (``test_matching``, ``test_scoring``)."""

from __future__ import annotations

from whoosh import query

from searchapp.search import WithAdjacencyBonus
from searchapp.search import parse_query

#: Query strings of every shape the parser makes: words, unspaced runs (words OR phrase),
#: quoted phrases, single characters (prefix), numbers with units, Latin, fields, dates,
#: NOT, OR, brackets, Traditional characters and lexicon expansions.
QUERIES = [
    "诈骗", "电信网络诈骗", '"电信网络诈骗"', '"断卡行动"', "断卡 行动", "骗", "警", "25.8万",
    "GOIP", "app", "12381", "title:断卡", "title:诈骗 body:警方", "date:2022", "date:2020..2023",
    "date:2024-03", "诈骗 NOT 赌博", "诈骗 -赌博", "断卡 OR 断流", "(断卡 OR 断流) 银行卡",
    "NOT 诈骗", "詐騙", "電信網絡詐騙", "电诈", "反诈中心", "个人信息保护法", "公安 机关 侦破",
    "打击治理电信网络诈骗", '"网络安全"', "香港 警方", "新闻联播", "xqzvwkpl", "魑魅魍魉",
]


def core_query(q: str, schema) -> query.Query:
    """Parse ``q`` and drop the adjacency bonus (scored separately, for the top 100 only)."""
    parsed = parse_query(q, schema)
    return parsed.a if isinstance(parsed, WithAdjacencyBonus) else parsed
