"""Period labels and the one date form options take (sopctl.periods)."""

from __future__ import annotations

import datetime as dt

import pytest

from sopctl.periods import calendar_date, from_ordinal, problem, start_date, to_ordinal


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-12-09", dt.date(2026, 12, 9)),
        (" 2026-12-09\n", dt.date(2026, 12, 9)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("20261209", None),
        ("2026-W50-3", None),
        ("2026-12", None),
        ("2026-02-30", None),
        ("2023-02-29", None),
        ("9.12.2026", None),
        ("", None),
        ("２０２６-12-09", None),  # full-width digits are not read as a date
    ],
)
def test_calendar_date_reads_only_year_month_day(text: str, day: dt.date | None) -> None:
    assert calendar_date(text) == day


@pytest.mark.parametrize(
    ("label", "bucket", "start"),
    [
        ("2027-01", "month", dt.date(2027, 1, 1)),
        ("2027-12", "month", dt.date(2027, 12, 1)),
        ("2027-W01", "week", dt.date(2027, 1, 4)),
        ("2026-W53", "week", dt.date(2026, 12, 28)),
    ],
)
def test_labels_round_trip_through_ordinals(label: str, bucket: str, start: dt.date) -> None:
    n = to_ordinal(label, bucket)  # type: ignore[arg-type]
    assert n is not None and from_ordinal(n, bucket) == label  # type: ignore[arg-type]
    assert start_date(label) == start


def test_a_week_53_in_a_52_week_year_is_no_period() -> None:
    assert to_ordinal("2027-W53", "week") is None


@pytest.mark.parametrize(
    ("text", "bucket", "message"),
    [
        (
            "2027-W53",
            "week",
            "is not a valid period; 2027 has 52 ISO weeks: write a week from 2027-W01 to 2027-W52",
        ),
        ("2027-W00", "week", "is not a valid period; 2027 has 52 ISO weeks"),
        (
            "2020-W54",
            "week",
            "is not a valid period; 2020 has 53 ISO weeks: write a week from 2020-W01 to 2020-W53",
        ),
        (
            "2027-01",
            "week",
            "is a month; this charter plans in ISO weeks: write a week such as "
            "2027-W01 (weeks 2027-W01 to 2027-W04 lie mostly in 2027-01), written YYYY-Www",
        ),
        # 2026-12-01 is a Tuesday: its first Thursday is in 2026-W49, its last in 2026-W53
        ("2026-12", "week", "write a week such as 2026-W49 (weeks 2026-W49 to 2026-W53"),
        (
            "2027-W09",
            "month",
            "is an ISO week; this charter plans in months: write 2027-03 "
            "(the month 2027-W09 lies mostly in), written YYYY-MM",
        ),
        ("2026-W53", "month", "is an ISO week; this charter plans in months: write 2026-12"),
        # a period written another way that reads as one period only: that period
        ("2027-w02", "week", "is not a valid period; write 2027-W02 (a week is written YYYY-Www)"),
        ("2027-02-01", "week", "is not a valid period; write 2027-W05 (a week is written"),
        ("Jan-2027", "month", "is not a valid period; write 2027-01 (a month is written YYYY-MM)"),
        ("2025-1", "month", "write 2025-01"),
        ("Feb 2025", "month", "write 2025-02"),
        ("04.2025", "month", "write 2025-04"),
        ("2025-05-01", "month", "write 2025-05"),
        ("01.05.2025", "month", "write 2025-05"),
        ("Jan-2027", "week", "write a week such as 2027-W01 (weeks 2027-W01 to 2027-W04"),
        # otherwise: no period at all, and the spelling the charter's bucket wants
        ("2027-w", "week", "is not a valid period; use an ISO week written YYYY-Www"),
        ("03/04/2027", "month", "is not a valid period; use a month written YYYY-MM"),
        ("2027-02-30", "month", "is not a valid period; use a month written YYYY-MM"),
        ("2027-W53", "month", "is not a valid period; use a month written YYYY-MM"),
        ("2027-13", "month", "is not a valid period; use a month written YYYY-MM"),
    ],
)
def test_a_refused_period_says_what_is_wrong_with_it(text: str, bucket: str, message: str) -> None:
    p = problem(text, bucket)  # type: ignore[arg-type]
    assert p is not None and message in f"{p.what}; {p.fix}"


def test_a_month_and_the_week_suggested_for_it_lead_back_to_each_other() -> None:
    """The week suggested for a month lies mostly in it (its Thursday is in that month), and
    the month suggested for that week is the month again, for every month of 1900-2999."""
    for n in range(to_ordinal("1900-01", "month") or 0, (to_ordinal("2999-12", "month") or 0) + 1):
        month = from_ordinal(n, "month")
        fix = problem(month, "week").fix  # type: ignore[union-attr]
        week = fix.split("such as ")[1].split(" ")[0]
        assert to_ordinal(week, "week") is not None, month
        assert f"write {month} " in problem(week, "month").fix  # type: ignore[union-attr]
    assert problem("2027-W02", "week") is None and problem("2027-01", "month") is None
