"""Dates and date-times as the ODK XForms spec reads them (getodk/xforms-spec, "Data Types" and the
date functions), shared by fieldwork/forms/xpath_values.py and fieldwork/forms/xpath_library.py.

A date ("YYYY-MM-DD", a real calendar day in years 0001–9999) is, as a number, the whole days from
1970-01-01; a dateTime ("YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "±HH:MM") the days from 1970-01-01T00:00Z
with their fraction. A dateTime without its offset is no moment (NaN): the phone and the server may sit
in different zones, and API.md's dateTime answers always carry one. static/js/forms/xpath-dates.js is the
same code, operation for operation, so the two evaluators give the same doubles and the same strings.
"""
from __future__ import annotations

import math
import re
from datetime import date, timedelta

_SPACE = "[ \t\r\n]*"
DATE = re.compile(f"{_SPACE}([0-9]{{4}})-([0-9]{{2}})-([0-9]{{2}}){_SPACE}")
DATE_TIME = re.compile(f"{_SPACE}([0-9]{{4}})-([0-9]{{2}})-([0-9]{{2}})T([0-9]{{2}}):([0-9]{{2}})"
                       f"(?::([0-9]{{2}})(\\.[0-9]+)?)?(Z|[+-][0-9]{{2}}:[0-9]{{2}}){_SPACE}")
#: A time as ODK writes it ("HH:MM:SS.sss-05:00"); its offset is the device's own when it wrote it.
TIME = re.compile(f"{_SPACE}([0-9]{{2}}):([0-9]{{2}})(?::([0-9]{{2}})(\\.[0-9]+)?)?"
                  f"(Z|[+-][0-9]{{2}}:[0-9]{{2}})?{_SPACE}")
_EPOCH = date(1970, 1, 1)
#: 0001-01-01 and 9999-12-31 as days from 1970-01-01: the days a date can be.
FIRST_DAY, LAST_DAY = -719162, 2932896
_MS_PER_DAY = 86_400_000
#: format-date()'s %b and %a: Spanish unless the caller asks for English (API.md: the form's language).
_NAMES = {
    "es": (("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
           ("dom", "lun", "mar", "mié", "jue", "vie", "sáb")),
    "en": (("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
           ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")),
}


class Moment:
    """A calendar day and a time of day as written (or in UTC, for a number of days)."""

    def __init__(self, day: int, hour: int = 0, minute: int = 0, second: int = 0, millisecond: int = 0):
        self.day, self.hour, self.minute, self.second, self.millisecond = day, hour, minute, second, millisecond


def _day(year: str, month: str, day: str) -> int | None:
    """Days from 1970-01-01 to a real calendar day, or None."""
    try:
        return (date(int(year), int(month), int(day)) - _EPOCH).days
    except ValueError:
        return None


def date_days(text: str) -> float | None:
    """A date's or a dateTime's number (the spec's number() of it), or None for any other text."""
    match = DATE.fullmatch(text)
    if match:
        day = _day(*match.groups())
        return None if day is None else float(day)
    moment = _date_time(text)
    if moment is None:
        return None
    match, day = moment
    hour, minute, second, fraction, offset = match.group(4, 5, 6, 7, 8)
    seconds = (int(hour) * 60 + int(minute)) * 60 + int(second or 0) - _offset_minutes(offset) * 60
    return (seconds + float("0" + (fraction or ".0"))) / 86400 + day


def day_fraction(text: str) -> float:
    """decimal-time(): the fraction of the day a time is, as written (noon is 0.5); NaN for any other text."""
    match = TIME.fullmatch(text)
    if not match:
        return math.nan
    hour, minute, second, fraction, offset = match.groups()
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59 or (
            offset not in (None, "Z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59)):
        return math.nan
    return ((int(hour) * 60 + int(minute)) * 60 + int(second or 0) + float("0" + (fraction or ".0"))) / 86400


def _date_time(text: str) -> tuple[re.Match, int] | None:
    match = DATE_TIME.fullmatch(text)
    if not match:
        return None
    day = _day(*match.group(1, 2, 3))
    hour, minute, second, offset = match.group(4, 5, 6, 8)
    if day is None or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    if offset != "Z" and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return None
    return match, day


def _offset_minutes(offset: str) -> int:
    if offset == "Z":
        return 0
    minutes = int(offset[1:3]) * 60 + int(offset[4:6])
    return -minutes if offset[0] == "-" else minutes


def moment(text: str | None, days: float) -> Moment | None:
    """What format-date() and date() read: a dateTime text as written in its own offset, else `days`
    (a number of days, the value's number()) in UTC; None when it is no day between 0001 and 9999."""
    found = _date_time(text) if text is not None else None
    if found is not None:
        match, day = found
        hour, minute, second, fraction = match.group(4, 5, 6, 7)
        milliseconds = int(((fraction or ".")[1:] + "000")[:3])
        return Moment(day, int(hour), int(minute), int(second or 0), milliseconds)
    if not FIRST_DAY - 1 <= days <= LAST_DAY + 1:  # NaN too; and days * 86,400,000 stays finite
        return None
    total = math.floor(days * _MS_PER_DAY + 0.5)
    day, rest = divmod(total, _MS_PER_DAY)
    if not FIRST_DAY <= day <= LAST_DAY:
        return None
    return Moment(day, rest // 3_600_000, rest // 60_000 % 60, rest // 1000 % 60, rest % 1000)


def iso_day(day: int) -> str:
    """'YYYY-MM-DD' of a day number within FIRST_DAY..LAST_DAY."""
    return (_EPOCH + timedelta(days=day)).isoformat()


def format_moment(when: Moment, pattern: str, language: str) -> str:
    """The spec's format-date()/format-date-time() codes; any other "%x" is kept as written."""
    months, weekdays = _NAMES["en" if language.lower().startswith("en") else "es"]
    calendar = _EPOCH + timedelta(days=when.day)
    codes = {
        "Y": f"{calendar.year:04d}", "y": f"{calendar.year % 100:02d}", "m": f"{calendar.month:02d}",
        "n": str(calendar.month), "b": months[calendar.month - 1], "d": f"{calendar.day:02d}",
        "e": str(calendar.day), "a": weekdays[(when.day + 4) % 7], "H": f"{when.hour:02d}", "h": str(when.hour),
        "M": f"{when.minute:02d}", "S": f"{when.second:02d}", "3": f"{when.millisecond:03d}",
    }
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "%" and i + 1 < len(pattern) and pattern[i + 1] in codes:
            out.append(codes[pattern[i + 1]])
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)
