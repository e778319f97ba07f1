"""``date:`` values of the query language: a year, month or day, ranges and comparisons.

A date is a year, a month (``2021-1`` or ``2021-01``) or a day; a range includes both ends
whole (``..2021-06`` runs to 30 June), and ``>``, ``>=``, ``<``, ``<=`` compare with the whole
period. Matches the ISO ``date`` of documents; undated documents never match.
"""

from __future__ import annotations

import datetime
import re

from searchapp.query.errors import QueryError

_DATE = r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?"
_DATE_VALUE = re.compile(
    rf"(?P<op>>=|<=|>|<)(?P<bound>{_DATE})|(?P<start>{_DATE})?(?:(?P<dots>\.\.)(?P<end>{_DATE})?)?"
)


def date_range(value: str) -> tuple[str | None, str | None, bool, bool]:
    """Turn the value of a ``date:`` clause into ``(start, end, startexcl, endexcl)``.

    Bounds are prefixes of ISO days compared as strings: ``"2021-06~"`` sorts after every
    day of June 2021, so a period's end is its prefix followed by ``~``.

    >>> date_range("2021-1..2021-06")
    ('2021-01', '2021-06~', False, False)
    >>> date_range(">=2024-03-01")
    ('2024-03-01', None, False, False)

    A range written backwards is read the right way round:

    >>> date_range("2024-03-31..2024-03-01")
    ('2024-03-01', '2024-03-31~', False, False)
    >>> date_range("2024-03-05..2024-03")
    ('2024-03-05', '2024-03~', False, False)

    :raises QueryError: for anything else, with the accepted forms in the message.
    """
    match = _DATE_VALUE.fullmatch(value)
    if not value or not match or (match.group("dots") is None and not match.group("start")):
        if not (match and match.group("op")):
            raise QueryError(
                f"date:{value} is not a date; write date:2022, date:2021-01..2021-06, "
                "date:>=2024-03-01 or date:..2021"
            )
    op = match.group("op")
    if op:
        bound = _iso_prefix(match.group("bound"))
        return {
            ">=": (bound, None, False, False),
            ">": (bound + "~", None, False, False),
            "<=": (None, bound + "~", False, False),
            "<": (None, bound, False, True),
        }[op]
    start = _iso_prefix(match.group("start")) if match.group("start") else None
    if match.group("dots") is None:
        return start, start + "~", False, False
    end = _iso_prefix(match.group("end")) + "~" if match.group("end") else None
    if start is None and end is None:
        raise QueryError("date:.. needs a start or an end, e.g. date:2021..2022")
    if start is not None and end is not None and start > end:  # written backwards: swap
        start, end = end[:-1], start + "~"
    return start, end, False, False


def _iso_prefix(text: str) -> str:
    """``2021-1`` → ``2021-01``; checks that the month and day exist."""
    parts = [int(part) for part in text.split("-")]
    try:
        datetime.date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))
    except ValueError:
        raise QueryError(f"{text} is not a real date") from None
    return "-".join([f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])])
