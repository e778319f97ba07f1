"""The fixed query mix of the benchmark: 60 searches as the web page makes them.

Each entry is ``(kind, spec)``; ``spec`` holds the request's parameters (``q``, ``years``,
``sources``, ``operations``, ``sort``, ``page``). Every search asks for the facet counts and
the snippets the page shows. Kinds: frequent word (in a large share of documents), rare
word, two words, three words, phrase, unspaced Chinese run, boolean, operation filter, year
filter, source filter, date sort, page 5, no match.
"""

from __future__ import annotations


def _spec(q: str = "", years=(), sources=(), operations=(), sort="relevance", page=1) -> dict:
    return {
        "q": q,
        "years": tuple(years),
        "sources": tuple(sources),
        "operations": tuple(operations),
        "sort": sort,
        "page": page,
    }


QUERIES: list[tuple[str, dict]] = [
    *[("frequent", _spec(q)) for q in ("诈骗", "警方", "公安", "网络", "中国", "发展", "工作", "安全")],
    *[("rare", _spec(q)) for q in ("GOIP", "跑分", "拔钉", "斩链", "猫池", "卡农", "12381", "25.8万")],
    *[("two words", _spec(q)) for q in (
        "电信 诈骗", "公安部 通报", "警方 抓获", "网络 安全", "反诈 宣传", "银行卡 冻结",
        "跨境 赌博", "数据 泄露",
    )],
    *[("three words", _spec(q)) for q in (
        "公安 机关 侦破", "电信 网络 诈骗", "犯罪 嫌疑人 抓获", "非法 集资 案件", "个人 信息 保护",
        "境外 诈骗 集团",
    )],
    *[("phrase", _spec(q)) for q in (
        '"电信网络诈骗"', '"犯罪嫌疑人"', '"断卡行动"', '"公安部"', '"打击治理"', '"网络安全"',
    )],
    *[("unspaced", _spec(q)) for q in ("电信网络诈骗", "打击治理电信网络诈骗", "个人信息保护法", "反诈中心")],
    *[("boolean", _spec(q)) for q in ("断卡 OR 断流", "诈骗 NOT 赌博", "(断卡 OR 断流) 银行卡")],
    ("operation filter", _spec("诈骗", operations=["断卡"])),
    ("operation filter", _spec("行动", operations=["云剑"])),
    ("operation filter", _spec("", operations=["断卡"])),
    ("operation filter", _spec("银行卡", operations=["断卡", "断流"])),
    ("year filter", _spec("诈骗", years=["2022"])),
    ("year filter", _spec("警方", years=["2019"])),
    ("year filter", _spec("公安", years=["2024", "2025"])),
    ("year filter", _spec("网络", years=["2023"], sources=["新浪财经"])),
    ("source filter", _spec("诈骗", sources=["新浪财经"])),
    ("source filter", _spec("警方", sources=["中国信息安全"])),
    ("date sort", _spec("诈骗", sort="date")),
    ("date sort", _spec("警方", sort="date_asc")),
    ("date sort", _spec("", sort="date")),
    ("page 5", _spec("诈骗", page=5)),
    ("page 5", _spec("公安", page=5)),
    ("page 5", _spec("网络 安全", page=5)),
    ("no match", _spec("xqzvwkpl")),
    ("no match", _spec("魑魅魍魉饕餮")),
    ("no match", _spec("qwertyuiopzz 诈骗")),
]


def label(spec: dict) -> str:
    """A short readable name for a query of the mix, e.g. ``诈骗 year=2022 page=5``."""
    parts = [spec["q"] or "(all)"]
    for key, name in (("years", "year"), ("sources", "source"), ("operations", "operation")):
        if spec[key]:
            parts.append(f"{name}={'|'.join(spec[key])}")
    if spec["sort"] != "relevance":
        parts.append(f"sort={spec['sort']}")
    if spec["page"] != 1:
        parts.append(f"page={spec['page']}")
    return " ".join(parts)
