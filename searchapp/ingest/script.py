"""Simplified or Traditional Chinese: detect a text's script and fold names to Simplified.

Both use OpenCC's ``t2s`` table (the ``opencc`` wheel), built once per process.
"""

from __future__ import annotations

import functools
import re

import opencc

#: The ``lang`` values of :class:`~searchapp.document.Document`.
SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"

#: Characters sampled from the start of a text to decide its script.
SAMPLE_CHARS = 4000
#: Share of CJK characters that ``t2s`` changes at or above which a text is Traditional.
#: Simplified text changes by ~0 % (rare variants such as 著), Traditional by 10-25 %.
TRADITIONAL_MIN_RATIO = 0.03
#: Fewer CJK characters than this say nothing about the script.
MIN_CJK_CHARS = 10

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional characters and phrases to Simplified (others unchanged).

    >>> to_simplified("斷卡行動")
    '断卡行动'
    """
    return _t2s().convert(text)


def detect_script(text: str) -> str:
    """Tell whether Chinese text is written in Simplified or Traditional characters.

    :param text: any text; only its first :data:`SAMPLE_CHARS` characters are looked at.
    :return: ``"zh-Hant"`` when at least :data:`TRADITIONAL_MIN_RATIO` of its CJK characters
        differ after ``t2s``, ``"zh-Hans"`` otherwise, ``""`` for text with fewer than
        :data:`MIN_CJK_CHARS` CJK characters (English items, numbers only).
    """
    sample = "".join(_CJK_RE.findall(text[:SAMPLE_CHARS]))
    if len(sample) < MIN_CJK_CHARS:
        return ""
    converted = to_simplified(sample)
    if len(converted) != len(sample):  # phrase conversion changed lengths: compare sets
        changed = len(set(sample) - set(converted))
        return TRADITIONAL if changed >= TRADITIONAL_MIN_RATIO * len(set(sample)) else SIMPLIFIED
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    return TRADITIONAL if changed >= TRADITIONAL_MIN_RATIO * len(sample) else SIMPLIFIED
