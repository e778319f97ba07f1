"""Special operations and campaigns (专项行动) named in a press release.

The generic rule: a quoted name (“…”, "…", 「…」, 『…』) directly followed by an operation
word — 行动, 专项行动, 战役, 专案, 会战 — optionally with 等, a number word (三大, 两项)
or a qualifier (系列, 集中, 集群) in between, names an operation. Adjacent quoted names
share the word: “斩链”“清源”“利剑”三大战役 names three, and so does a list joined by
、，和 及 与 (“云剑”、“断流”和“拔钉”行动). A quoted name that itself ends
in 行动 plus a version (“断卡行动2.0”) counts alone. Known operations
(:data:`KNOWN_OPERATIONS`) also count unquoted when followed by 行动 (断卡行动2.0).

Names are folded to one canonical form (:func:`canonical_operation`): NFKC (full-width
letters, digits and hyphens become ASCII), version suffixes such as 2.0 and a trailing 行动
are dropped, Traditional spellings mapped (:data:`ALIASES`). Years are kept: 云剑-2023 and
云剑-2024 are different yearly campaigns.

Quoted slang that can sit before such a word (“四大家族”专案) is listed in
:data:`NOT_OPERATIONS`.
"""

from __future__ import annotations

import re
import unicodedata

#: Operation words after a quoted name (Simplified and Traditional).
_SUFFIX = r"(?:专项行动|專項行動|行动|行動|战役|戰役|专案|專案|会战|會戰)"
_NAME = r"[^“”\"「」『』\n，。,、；;：:！？!?（）()]{1,12}"
_QUOTED = rf"“{_NAME}”|\"{_NAME}\"|「{_NAME}」|『{_NAME}』"
#: What may stand between the quoted names of a list: “云剑”、“断流”和“拔钉”行动.
_LIST_SEPARATOR = r"[、，,\s]*(?:以及|和|及|与)?\s*"
_BETWEEN = r"等?(?:[一二三四五六七八九十两几\d]+[大项個个场轮])?(?:系列|集中|集群)?"
_RUN_RE = re.compile(
    rf"(?P<names>(?:{_QUOTED})(?:{_LIST_SEPARATOR}(?:{_QUOTED}))*)(?P<suffix>{_BETWEEN}{_SUFFIX})?"
)
_QUOTED_NAME_RE = re.compile(r"[“\"「『](?P<name>[^”\"」』]+)[”\"」』]")
_VERSION = r"[\s\-—–－]*[VvＶｖ]?[\d０-９]+(?:[.．][\d０-９]+)+"
_YEAR = r"[\s\-—–－]*(?:19|20)\d{2}"
_VERSIONED_ACTION_RE = re.compile(rf"^.+行[动動]{_VERSION}$")
_VERSION_SUFFIX_RE = re.compile(rf"{_VERSION}$")
_ACTION_SUFFIX_RE = re.compile(r"(专项行动|專項行動|行动|行動)$")

#: Operations of the national anti-fraud and public-security campaigns, canonical names
#: (version 2026-01: the names in the Ministry of Public Security's releases 2020-2025).
#: These also count unquoted when followed by 行动/专项行动 ("开展断卡行动2.0").
KNOWN_OPERATIONS = ("断卡", "断流", "拔钉", "斩链", "清源", "利剑", "云剑", "净网", "昆仑", "猎狐")

#: Spellings folded into a canonical name (Traditional-Chinese sources such as 眾新聞).
ALIASES = {
    "斷卡": "断卡", "斷流": "断流", "拔釘": "拔钉", "斬鏈": "斩链",
    "雲劍": "云剑", "淨網": "净网", "獵狐": "猎狐", "崑崙": "昆仑",
}

#: Quoted words that are slang or slogans, never an operation's name.
NOT_OPERATIONS = frozenset(
    {"金主", "两卡", "杀猪盘", "四专两合力", "厦门经验", "四大家族", "全民反诈在行动", "五进",
     "黄赌毒", "盗抢骗", "食药环", "钱袋子", "蛇头", "资金链", "进一步"}
)

_KNOWN_RE = re.compile(
    rf"(?P<name>(?:{'|'.join(KNOWN_OPERATIONS + tuple(ALIASES))})(?:{_VERSION}|{_YEAR})?)"
    rf"(?:专项行动|專項行動|行动|行動)(?:{_VERSION})?"
)


def canonical_operation(name: str) -> str:
    """Fold an operation's name to its canonical form.

    >>> [canonical_operation(n) for n in ("断卡2.0", "断卡行动2.0", "斷卡行動", "云剑－2023")]
    ['断卡', '断卡', '断卡', '云剑-2023']

    :param name: a name as quoted in the text or given in front matter.
    :return: the name in NFKC with whitespace runs collapsed, without a version suffix
        (2.0, V3.1) or a trailing 行动/专项行动.
    """
    name = " ".join(unicodedata.normalize("NFKC", name).split())
    name = _VERSION_SUFFIX_RE.sub("", name)
    name = _ACTION_SUFFIX_RE.sub("", name) or name
    name = _VERSION_SUFFIX_RE.sub("", name)
    return ALIASES.get(name, name)


def extract_operations(text: str, declared: tuple[str, ...] = ()) -> tuple[str, ...]:
    """List the operations a text names.

    >>> extract_operations("部署开展“断流”“拔钉”“斩链”等专项行动，抓获“金主”")
    ('断流', '拔钉', '斩链')

    :param text: plain text (title and body).
    :param declared: names given outside the text (front matter), listed first.
    :return: canonical names in order of first mention, without duplicates.
    """
    mentions: list[tuple[int, str]] = []
    for run in _RUN_RE.finditer(text):
        for quoted in _QUOTED_NAME_RE.finditer(run["names"]):
            name = quoted["name"].strip()
            if run["suffix"] or _VERSIONED_ACTION_RE.match(name):
                mentions.append((run.start() + quoted.start(), name))
    mentions += [(known.start(), known["name"]) for known in _KNOWN_RE.finditer(text)]
    mentions.sort(key=lambda mention: mention[0])
    names = [*declared, *(name for _, name in mentions)]
    canonical = (canonical_operation(n) for n in names if n.strip() not in NOT_OPERATIONS)
    return tuple(dict.fromkeys(c for c in canonical if c and c not in NOT_OPERATIONS))
