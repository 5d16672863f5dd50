"""The charter calendar of a cycle: business days, the cycle month or week, the phase.

Business day: the business days of a cycle are Monday to Friday (no holiday calendar), counted
from the first day of the cycle month (or the Monday of the cycle week): the 1st is business
day 1 if it is a weekday. Today's business day is the number of Monday-to-Friday dates from
that start up to and including today (a weekend keeps the number of the Friday before; before
the start it is 0). The count runs on past the end of the month or week, so a due day larger
than its business days falls in the next one.

Cycle month (charter bucket `month`): the cycle id when it reads YYYY-MM, else the month before
the first period. Cycle week (bucket `week`): the cycle id when it reads YYYY-Www, else the
week before the first period's week. A weekly cycle is made in the week before it plans, as a
monthly one in the month before.

Phase: the first of signal, reconcile, commit whose due day (charter `calendar`) is not before
today's business day; `closed` once the commit due day has passed. A phase is late from the
business day after its due day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..schemas.charter import Charter

PHASES = ("signal", "reconcile", "commit")
_YM = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YW = re.compile(r"^(\d{4})-W(\d{2})$")


def business_day(month_start: dt.date, day: dt.date) -> int:
    """Monday-to-Friday dates from `month_start` up to and including `day` (0 if before)."""
    if day < month_start:
        return 0
    n = (day - month_start).days + 1
    weeks, rest = divmod(n, 7)
    first = month_start.weekday()
    return weeks * 5 + sum((first + i) % 7 < 5 for i in range(rest))


def nth_business_day(month_start: dt.date, n: int) -> dt.date:
    """The date of business day `n` (>= 1) counted from `month_start`."""
    day, count = month_start, 0
    while True:
        if day.weekday() < 5:
            count += 1
            if count == n:
                return day
        day += dt.timedelta(days=1)


def _month_before(day: dt.date) -> dt.date:
    return dt.date(day.year - 1, 12, 1) if day.month == 1 else dt.date(day.year, day.month - 1, 1)


def cycle_start(cycle_id: str, first_period: str, bucket: str) -> dt.date | None:
    """The first day of the cycle month, or the Monday of the cycle week for a weekly charter
    (see the module doc); None when it cannot be told."""
    if bucket != "week":
        return cycle_month(cycle_id, first_period)
    try:
        if m := _YW.match(cycle_id):
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _YW.match(first_period):
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1) - dt.timedelta(days=7)
    except ValueError:
        return None
    return None


def cycle_month(cycle_id: str, first_period: str) -> dt.date | None:
    """The first day of the cycle month (see the module doc), None when it cannot be told."""
    m = _YM.match(cycle_id)
    if m:
        return dt.date(int(m[1]), int(m[2]), 1)
    try:
        if m := _YM.match(first_period):
            return _month_before(dt.date(int(m[1]), int(m[2]), 1))
        if m := _YW.match(first_period):
            return _month_before(dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))
    except ValueError:
        return None
    return None


def phase_of(due_days: dict[str, int], bday: int) -> str:
    """The phase on business day `bday`: the first whose due day is >= bday, else closed."""
    return next((p for p in PHASES if bday <= due_days[p]), "closed")


@dataclass(frozen=True)
class CalendarState:
    start: dt.date  # the first day of the cycle month, or the Monday of the cycle week
    today: dt.date
    business_day: int
    phase: str
    due_days: dict[str, int]
    due_dates: dict[str, dt.date]
    bucket: str = "month"

    @property
    def span(self) -> str:
        """'cycle month 2026-12' or 'cycle week 2026-W53'."""
        if self.bucket == "week":
            year, week, _ = self.start.isocalendar()
            return f"cycle week {year:04d}-W{week:02d}"
        return f"cycle month {self.start:%Y-%m}"

    def late(self, phase: str) -> bool:
        return self.business_day > self.due_days[phase]

    def to_dict(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "period": self.span.split()[-1],
            **({"month": self.start.strftime("%Y-%m")} if self.bucket != "week" else {}),
            "start": self.start.isoformat(),
            "today": self.today.isoformat(),
            "business_day": self.business_day,
            "started": self.today >= self.start,
            "phase": self.phase,
            "due": {
                p: {
                    "day": self.due_days[p],
                    "date": self.due_dates[p].isoformat(),
                    "passed": self.late(p),
                }
                for p in PHASES
            },
        }


def calendar_state(charter: Charter, start: dt.date, today: dt.date) -> CalendarState:
    """The calendar of a cycle that starts (its month, or its week) on `start`."""
    cal = charter.calendar
    days = {"signal": cal.signal, "reconcile": cal.reconcile, "commit": cal.commit}
    bday = business_day(start, today)
    dates = {p: nth_business_day(start, d) for p, d in days.items()}
    bucket = charter.cadence.bucket
    return CalendarState(start, today, bday, phase_of(days, bday), days, dates, bucket)
