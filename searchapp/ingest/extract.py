"""Metadata found in text: publication days, bylines, navigation dates and origin credits.

Bylines come at the head of scraped text (``来源:中国新闻网2022-12-30 10:41``), as a web
page's 来源/更新时间 block (``来源：央视网  更新时间：2024年08月10日 19:26``) or as a
dateline under a page's headline (``发布时间 : 2022-11-18 12:00:47``).
"""

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


#: A page byline: "来源：央视网 更新时间：2024年08月10日 19:26" (on one line or two).
_PAGE_SOURCE_RE = re.compile(r"^来源[:：]\s*(?P<name>[^\s]{2,20})(?:\s+|$)")
_PAGE_UPDATED_RE = re.compile(r"(?:更新时间|发布时间)[:：]\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})")


def page_byline(lines: list[str]) -> tuple[str, str | None, list[str]]:
    """Take a page's 来源/更新时间/视频简介 block out of its text.

    :return: ``(source or "", day or None, the other lines)``; the block is recognised only
        where a 来源 line carries or precedes an 更新时间 line (a closing credit alone stays).
    """
    for index, line in enumerate(lines):
        source = _PAGE_SOURCE_RE.match(line)
        updated = _PAGE_UPDATED_RE.search(line)
        if source and not updated and index + 1 < len(lines):
            updated = _PAGE_UPDATED_RE.match(lines[index + 1])
        if source and updated:
            day = to_cst_day(updated["date"])
            rest = [kept for kept in lines[:index] if not kept.startswith("视频简介")]
            return source["name"], day, rest
    return "", None, lines


def page_byline_anywhere(html: str, source: str) -> tuple[str, str | None]:
    """Find a ``来源：央视网  更新时间：2022年01月10日`` byline anywhere in a page's markup,
    for pages whose byline sits outside the article block.

    :return: ``(source, day)``: the byline's source (``source`` when it names none) and day.
    """
    text = re.sub(r"<[^>]*>", "\n", html)
    match = _PAGE_UPDATED_RE.search(text)
    if not match:
        return source, None
    line_start = text.rfind("\n", 0, match.start()) + 1
    named = _PAGE_SOURCE_RE.match(text[line_start : match.start()].strip())
    return (named["name"] if named and not source else source), to_cst_day(match["date"])


#: A page's dateline under its headline: "发布时间 : 2022-11-18 12:00:47", "发表于 2024年06月10日
#: 00时03分", a bare "2024-09-13 17:25:05" or "*2023-8-7 20:4:40".
_DATELINE_RE = re.compile(
    r"^(?:.{0,40}(?:发布时间|发表于)\s*[:：]?\s*|\*?)(?P<date>\d{4}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日))"
    r"(?:\s*\d{1,2}(?::\d{1,2}){1,2}|\s*\d{1,2}时\d{1,2}分)?(?:\s.{0,30})?$"
)


def page_dateline(lines: list[str]) -> str | None:
    """Return the day of the first dateline among the lines right under a page's headline."""
    for line in lines:
        match = _DATELINE_RE.match(line)
        if match and len(line) <= 80:
            return to_cst_day(match["date"])
    return None


def _strip_suffix(name: str) -> str:
    """Drop one channel suffix from :data:`ORIGIN_SUFFIXES`."""
    for suffix in ORIGIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
