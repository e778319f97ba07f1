"""Metadata found in text: publication days, bylines, navigation dates and origin credits."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import dateutil.parser

#: Dates are the calendar day in China Standard Time, whatever the machine's TZ.
CST = ZoneInfo("Asia/Shanghai")

#: A date inside running text: 2022-12-30, 2022/12/30, 2025年3月6日, with an optional time.
DATE_IN_TEXT_RE = re.compile(
    r"(?<!\d)\d{4}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|年\d{1,2}月\d{1,2}日)"
    r"(?:\s*(?:上午|下午)?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)
_ISO_PREFIX_RE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_CHINESE_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")

#: A byline at the head of an article: a label, then (somewhere on the line) a date.
_BYLINE_LABEL_RE = re.compile(r"(来源|发布时间|发布日期|时间)[:：]")

#: A credit line: "来源:公安部刑侦局微信公众号", "（来源：公安部刑侦局）".
_CREDIT_RE = re.compile(r"^[（(]?来源[:：]\s*(?P<name>[^）)]{1,40}?)\s*[）)]?$")
#: A reporter line: "澎湃新闻资深记者 林平", "（总台央视记者 赵雨彤 王友文）".
_REPORTER_RE = re.compile(
    r"^[（(]?(?P<org>[\u4e00-\u9fff]{2,12}?)(?:资深|首席|特约|实习|见习|驻\S{1,4})?记者"
    r"(?:[\s\u3000、]*[\u4e00-\u9fff·]{2,4}){1,4}[）)]?$"
)
#: Reporter-line prefixes that are not an outlet's name ("本报记者 张三").
_NOT_OUTLETS = frozenset({"本报", "本台", "本网", "本刊"})
#: Channel suffixes stripped from a credited name: 公安部刑侦局微信公众号 -> 公安部刑侦局.
ORIGIN_SUFFIXES = ("官方微信公众号", "微信公众号", "官方微信", "公众号", "官方微博", "客户端")


def to_cst_day(value: str) -> str | None:
    """Return the China-Standard-Time calendar day a date string denotes.

    Accepts ISO dates and times (``2026-01-08``, ``2022-12-30 10:41``,
    ``2024-03-05T00:30:00+08:00``), RFC 2822 (``Mon, 25 Jul 2022 04:01:14 GMT``) and
    ``2025年3月6日``. A time with an offset is converted to CST (16:00 GMT and later is the
    next day); a time without one is taken as CST already.

    >>> to_cst_day("Mon, 25 Jul 2022 20:01:14 GMT")
    '2022-07-26'

    :return: ``YYYY-MM-DD``, or ``None`` when ``value`` is not a complete date.
    """
    value = value.strip()
    try:
        if chinese := _CHINESE_DATE_RE.match(value):
            return dt.date(*map(int, chinese.groups())).isoformat()
        if _ISO_PREFIX_RE.match(value):
            moment = dateutil.parser.parse(value)
        else:
            moment = email.utils.parsedate_to_datetime(value)
            if moment.tzinfo is None:  # RFC 2822's "-0000": UTC, local zone unknown
                moment = moment.replace(tzinfo=dt.timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(CST)
    return moment.date().isoformat()


def parse_byline(line: str) -> str | None:
    """Return the day of a byline such as ``来源:中国新闻网2022-12-30 10:41``.

    :param line: one stripped line from the head of an article.
    :return: ``YYYY-MM-DD`` when the line has a 来源/发布时间 label and a date, else ``None``.
    """
    if len(line) > 80 or not _BYLINE_LABEL_RE.search(line):
        return None
    found = DATE_IN_TEXT_RE.search(line)
    return to_cst_day(found.group()) if found else None


def infer_day_from_navigation(lines: Sequence[str]) -> str | None:
    """Infer a post's day from its 上一篇/下一篇 links.

    A post published between two posts of the same day was published that day; when the
    neighbours' days differ (or one is missing) nothing can be said.

    :param lines: stripped lines of the page after the article.
    :return: ``YYYY-MM-DD``, or ``None``.
    """
    days = {}
    for line in lines:
        for label in ("上一篇", "下一篇"):
            found = DATE_IN_TEXT_RE.search(line) if line.startswith(label) else None
            if found and label not in days:
                days[label] = to_cst_day(found.group())
    previous, following = days.get("上一篇"), days.get("下一篇")
    return previous if previous and previous == following else None


def find_origin(paragraphs: Sequence[str]) -> str:
    """Name whom an article credits: a 来源 line first, else a reporter line.

    >>> find_origin(["正文。", "（总台央视记者 赵雨彤 王友文）"])
    '总台央视'

    :param paragraphs: the article's stripped paragraphs (a byline may come first).
    :return: the credited organisation without channel suffixes or dates, or ``""``.
    """
    for paragraph in paragraphs:
        if credit := _CREDIT_RE.match(paragraph):
            name = DATE_IN_TEXT_RE.sub("", credit["name"]).strip()
            return _strip_suffix(name)
    for paragraph in paragraphs:
        reporter = _REPORTER_RE.match(paragraph)
        if reporter and reporter["org"] not in _NOT_OUTLETS:
            return reporter["org"]
    return ""


def _strip_suffix(name: str) -> str:
    """Drop one channel suffix from :data:`ORIGIN_SUFFIXES`."""
    for suffix in ORIGIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
