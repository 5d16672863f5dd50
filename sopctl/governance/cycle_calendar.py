"""The charter calendar of a cycle: business days, the cycle month, the phase.

Business day: the business days of a cycle are Monday to Friday (no holiday calendar), counted
from the first day of the cycle month: the 1st is business day 1 if it is a weekday. Today's
business day is the number of Monday-to-Friday dates from the 1st of the cycle month up to and
including today (a weekend keeps the number of the Friday before; before the cycle month it is
0). The count runs on past the end of the month, so a due day larger than the month's business
days falls in the next month.

Cycle month: the cycle id when it reads YYYY-MM, else the month before the first period.

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
    month: dt.date
    today: dt.date
    business_day: int
    phase: str
    due_days: dict[str, int]
    due_dates: dict[str, dt.date]

    def late(self, phase: str) -> bool:
        return self.business_day > self.due_days[phase]

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month.strftime("%Y-%m"),
            "today": self.today.isoformat(),
            "business_day": self.business_day,
            "started": self.today >= self.month,
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


def calendar_state(charter: Charter, month: dt.date, today: dt.date) -> CalendarState:
    cal = charter.calendar
    days = {"signal": cal.signal, "reconcile": cal.reconcile, "commit": cal.commit}
    bday = business_day(month, today)
    dates = {p: nth_business_day(month, d) for p, d in days.items()}
    return CalendarState(month, today, bday, phase_of(days, bday), days, dates)
