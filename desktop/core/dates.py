"""Dates every part of the app can show: the range a stored date is kept in, and local months over it.

Python's ``datetime`` covers years 1 to 9999. A post dated 0001-01-01 in UTC is year 0 on a computer west of
Greenwich, and one in December 9999 has no "next month": both used to stop the sidebar from being built.
Stored dates are clamped two days inside that range (Python looks a day to either side when it converts),
and month arithmetic here never leaves it.
"""

from __future__ import annotations

import calendar
from datetime import datetime

# Year 1 and year 9999 in every time zone, with a day to spare on either side.
DATE_MIN = calendar.timegm((1, 1, 3, 0, 0, 0))  # 0001-01-03T00:00:00Z
DATE_MAX = calendar.timegm((9999, 12, 29, 0, 0, 0))  # 9999-12-29T00:00:00Z
MAX_UTC_OFFSET = 18 * 3600  # seconds; real offsets lie within ±14 hours


def clamp_utc(seconds: int | None) -> int | None:
    """A UTC date (epoch seconds) moved into the range that shows as a date in every time zone."""
    if seconds is None:
        return None
    return min(max(seconds, DATE_MIN), DATE_MAX)


def local_month(seconds: int) -> tuple[int, int]:
    """The (year, month) of a UTC date in the computer's local time."""
    moment = datetime.fromtimestamp(min(max(seconds, DATE_MIN), DATE_MAX))
    return moment.year, moment.month


def local_month_start(year: int, month: int) -> int:
    """Epoch seconds at the start of a local month; past year 9999 it is a bound after every stored date."""
    if year > 9999:
        return 1 << 62
    moment = datetime(year, month, 1)
    try:
        return int(moment.astimezone().timestamp())
    except (OverflowError, ValueError, OSError):  # year 1 in a zone east of UTC: take it as UTC
        return calendar.timegm(moment.timetuple())


def next_month(year: int, month: int) -> tuple[int, int]:
    """The month after (year, month); December 9999 is followed by January 10000 (see ``local_month_start``)."""
    return (year + 1, 1) if month == 12 else (year, month + 1)
