"""Period labels and the one date form options take (sopctl.periods)."""

from __future__ import annotations

import datetime as dt

import pytest

from sopctl.periods import calendar_date, from_ordinal, start_date, to_ordinal


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
