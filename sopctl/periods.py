"""Planning periods: calendar months ("2027-03") or ISO weeks ("2027-W09").

A period is turned into an ordinal (an int that increases by one per bucket) so horizons,
lags and frozen windows are plain integer arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Bucket = Literal["month", "week"]

# planning years are 1900-2999: far enough for any plan, and every horizon stays inside the
# calendar the datetime module can represent
_MONTH = re.compile(r"^((?:19|2\d)\d\d)-(0[1-9]|1[0-2])$")
_WEEK = re.compile(r"^((?:19|2\d)\d\d)-W(0[1-9]|[1-4]\d|5[0-3])$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# any two-digit week number: week 00 or one past the year's last is written like a week
_ANY_WEEK = re.compile(r"^((?:19|2\d)\d\d)-W(\d\d)$")

EXAMPLE = {"month": "2027-03", "week": "2027-W09"}


def to_ordinal(text: str, bucket: Bucket) -> int | None:
    """Ordinal of a period label, or None when the label is not a valid period of that bucket."""
    if bucket == "month":
        m = _MONTH.match(text)
        if not m:
            return None
        return int(m.group(1)) * 12 + int(m.group(2)) - 1
    m = _WEEK.match(text)
    if not m:
        return None
    year, week = int(m.group(1)), int(m.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None  # week 53 in a 52-week year
    return monday.toordinal() // 7


def start_date(text: str) -> dt.date | None:
    """The first day of a month or ISO-week label, or None when it is neither: cycles that
    plan in different buckets are ordered by when their first period starts."""
    for bucket in ("month", "week"):
        n = to_ordinal(text, bucket)
        if n is not None:
            return dt.date(n // 12, n % 12 + 1, 1) if bucket == "month" else monday(n)
    return None


def calendar_date(text: str) -> dt.date | None:
    """A date written YYYY-MM-DD (surrounding blanks allowed), or None. Only that form:
    Python's `date.fromisoformat` would also read 20261209 and 2026-W50-3."""
    text = text.strip()
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def monday(n: int) -> dt.date:
    """The Monday of week ordinal `n` (date.fromordinal(1), 0001-01-01, is a Monday)."""
    return dt.date.fromordinal(n * 7 + 1)


def from_ordinal(n: int, bucket: Bucket) -> str:
    if bucket == "month":
        return f"{n // 12:04d}-{n % 12 + 1:02d}"
    return week_of(monday(n))


def shift(text: str, k: int, bucket: Bucket) -> str:
    n = to_ordinal(text, bucket)
    if n is None:
        raise ValueError(f"not a {bucket} period: {text!r}")
    return from_ordinal(n + k, bucket)


def horizon(first: str, count: int, bucket: Bucket) -> list[str]:
    """The `count` periods starting at `first`."""
    n = to_ordinal(first, bucket)
    if n is None:
        raise ValueError(f"not a {bucket} period: {first!r}")
    return [from_ordinal(n + i, bucket) for i in range(count)]


def describe(bucket: Bucket) -> str:
    if bucket == "month":
        return "a month written YYYY-MM (years 1900-2999), e.g. 2027-03"
    return "an ISO week written YYYY-Www (years 1900-2999), e.g. 2027-W09"


@dataclass(frozen=True)
class Problem:
    """Why a text is no period of a bucket: `what` follows the quoted text ('2027-01' is a
    month), `fix` says what to write instead."""

    what: str
    fix: str


def problem(text: str, bucket: Bucket) -> Problem | None:
    """The one place a period's spelling is judged: None for a period of `bucket`, else what
    is wrong with it (see `why_not`)."""
    return None if to_ordinal(text, bucket) is not None else why_not(text, bucket)


def why_not(text: str, bucket: Bucket) -> Problem:
    """What is wrong with a text that is no period of `bucket` (`to_ordinal` gave None): a
    week the year does not have, a month where the charter plans in weeks (or a week where it
    plans in months), or else no period at all."""
    other: Bucket = "week" if bucket == "month" else "month"
    n = to_ordinal(text, other)
    if n is not None and bucket == "week":
        first, last = _weeks_of_month(n)
        return Problem(
            "is a month",
            f"this charter plans in ISO weeks: write a week such as {first} (weeks {first} to "
            f"{last} lie mostly in {text}), written YYYY-Www",
        )
    if n is not None:
        thursday = monday(n) + dt.timedelta(days=3)  # a week lies mostly in its Thursday's month
        return Problem(
            "is an ISO week",
            f"this charter plans in months: write {thursday.year:04d}-{thursday.month:02d} "
            f"(the month {text} lies mostly in), written YYYY-MM",
        )
    m = _ANY_WEEK.match(text)
    if m and bucket == "week":
        year = int(m.group(1))
        weeks = dt.date(year, 12, 28).isocalendar()[1]  # 28 December is in the last week
        return Problem(
            "is not a valid period",
            f"{year} has {weeks} ISO weeks: write a week from {year}-W01 to {year}-W{weeks}",
        )
    meant = read_loosely(text, bucket)
    if meant is not None:
        form = "a month is written YYYY-MM" if bucket == "month" else "a week is written YYYY-Www"
        return Problem("is not a valid period", f"write {meant} ({form})")
    if bucket == "week" and (month := read_loosely(text, "month")) is not None:
        first, last = _weeks_of_month(to_ordinal(month, "month") or 0)
        return Problem(
            "is not a valid period",
            f"this charter plans in ISO weeks: write a week such as {first} (weeks {first} "
            f"to {last} lie mostly in {month}), written YYYY-Www",
        )
    return Problem("is not a valid period", f"use {describe(bucket)}")


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_YEAR = r"((?:19|2\d)\d\d)"
_NAMED = re.compile(rf"^([A-Za-z]{{3,9}})\.?[ \-/.]?{_YEAR}$|^{_YEAR}[ \-/.]?([A-Za-z]{{3,9}})$")
_YEAR_MONTH = re.compile(rf"^{_YEAR}[-/._ ]?M?(\d{{1,2}})$", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})[-/._ ]{_YEAR}$")
_LOOSE_DATE = re.compile(rf"^{_YEAR}-(\d{{1,2}})-(\d{{1,2}})$|^(\d{{1,2}})\.(\d{{1,2}})\.{_YEAR}$")
_LOOSE_WEEK = re.compile(
    rf"^{_YEAR}[-/._ ]?W(\d{{1,2}})$|^W(\d{{1,2}})[-/._ ]?{_YEAR}$", re.IGNORECASE
)


def _month_name(word: str) -> int | None:
    """1-12 for an English month name or its first three letters (any case), else None."""
    w = word.lower()
    for i, full in enumerate(_MONTHS, start=1):
        if w in (full, full[:3]) or (w == "sept" and i == 9):
            return i
    return None


def read_loosely(text: str, bucket: Bucket) -> str | None:
    """The period of `bucket` a text that is none means, when it reads as one period only:
    Jan-2027, Feb 2025, 2025-1, 04.2025 and a date (2025-05-01, 01.05.2025: its month, or its
    ISO week) on a monthly or a weekly charter; 2027W9, W09-2027 on a weekly one. None when
    the text could mean several periods or none (03/04/2027, 2027-13)."""
    t = text.strip()
    month: tuple[int, int] | None = None
    if m := _NAMED.match(t):
        name, year = (m[1], m[2]) if m[1] else (m[4], m[3])
        if (number := _month_name(name)) is not None:
            month = int(year), number
    elif m := _YEAR_MONTH.match(t) or _MONTH_YEAR.match(t):
        y, mo = (m[1], m[2]) if len(m[1]) == 4 else (m[2], m[1])
        month = int(y), int(mo)
    elif m := _LOOSE_DATE.match(t):
        y, mo, d = (m[1], m[2], m[3]) if m[1] else (m[6], m[5], m[4])
        try:
            day = dt.date(int(y), int(mo), int(d))
        except ValueError:
            return None
        return f"{day.year:04d}-{day.month:02d}" if bucket == "month" else week_of(day)
    elif bucket == "week" and (m := _LOOSE_WEEK.match(t)):
        year, week = (m[1], m[2]) if m[1] else (m[4], m[3])
        label = f"{year}-W{int(week):02d}"
        return label if to_ordinal(label, "week") is not None else None
    if month is None or not 1 <= month[1] <= 12:
        return None
    label = f"{month[0]:04d}-{month[1]:02d}"
    if bucket == "month":
        return label
    return None  # a month on a weekly charter: why_not names its weeks


def _weeks_of_month(n: int) -> tuple[str, str]:
    """The first and last ISO week lying mostly in month ordinal `n`: the weeks of its first
    and last Thursday."""
    first = dt.date(n // 12, n % 12 + 1, 1)
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=(nxt.weekday() - 3) % 7 or 7)
    return week_of(thursday), week_of(last)


def week_of(day: dt.date) -> str:
    """The ISO week label of a date."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


# One year in each bucket, for every module that annualises or converts days (finance, the
# default holding cost, learn): a year of 12 months of 365/12 days, or of 52 weeks of 7 days.
PERIODS_PER_YEAR: dict[str, int] = {"month": 12, "week": 52}
DAYS_PER_PERIOD: dict[str, float] = {"month": 365.0 / 12.0, "week": 7.0}
