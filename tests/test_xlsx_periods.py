"""A date cell in a period column of an imported workbook: on a monthly charter the 1st of a
month is that month, on a weekly charter a Monday is its ISO week; any other date is refused
(SOP014) with a period to type in the charter's own spelling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sopctl.xlsx.cells import date_text
from sopctl.xlsx.load import SheetText, sheet_csv
from tests.helpers import run
from tests.test_finance import FILES, SEGMENTS
from tests.test_reconcile_support import make_ws


@pytest.mark.parametrize(
    ("value", "bucket", "text"),
    [
        (dt.datetime(2027, 1, 11), "week", "2027-W02"),  # the Monday of 2027-W02
        (dt.date(2026, 12, 28), "week", "2026-W53"),  # a Monday whose week has 53 in its year
        (dt.date(2027, 1, 4), "week", "2027-W01"),
        (dt.date(2027, 1, 12), "week", None),  # a Tuesday stands for no week
        (dt.datetime(2027, 1, 11, 8, 30), "week", None),  # a time of day: no period
        (dt.date(2027, 1, 11), "month", None),
        (dt.date(2027, 1, 1), "month", "2027-01"),
        (dt.date(2027, 2, 1), "week", "2027-W05"),  # a Monday on the 1st: the week's
    ],
)
def test_a_date_becomes_the_period_it_starts(value: Any, bucket: str, text: str | None) -> None:
    assert date_text(value, "period", bucket) == text


def _messages(value: Any, bucket: str) -> list[str]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["override_id", "period"])
    ws.append(["O-1", value])
    st = SheetText("overrides", "overrides", "overrides.csv")
    return [
        f"{f.path}: {f.code} {f.message}"
        for f in sheet_csv(ws, "t.xlsx", st, {"period": "period"}, bucket)
    ]


@pytest.mark.parametrize(
    ("value", "bucket", "message"),
    [
        (
            dt.datetime(2027, 1, 13),
            "week",
            "t.xlsx:overrides!B2: SOP014 holds the date 2027-01-13T00:00:00; format the column as "
            "text and type a period such as 2027-W02 (the one holding that date); a date is read "
            "as a period only when it is the Monday of a week",
        ),
        (
            dt.datetime(2027, 1, 11, 8, 30),
            "week",
            "type a period such as 2027-W02 (the one holding that date); a date is read as a "
            "period only when it is the Monday of a week, with no time of day",
        ),
        (
            dt.datetime(2026, 2, 15),
            "month",
            "type a period such as 2026-02 (the one holding that date); a date is read as a "
            "period only when it is the 1st of a month",
        ),
    ],
)
def test_a_date_that_is_no_period_names_the_period_to_type(
    value: Any, bucket: str, message: str
) -> None:
    (got,) = _messages(value, bucket)
    assert message in got, got


W3 = ["2027-W01", "2027-W02", "2027-W03"]
OVERRIDES = (
    "override_id,item,segment,period,kind,quantity,owner,reason\n"
    "O-1,A,retail,2027-W03,delta,5,p@test.example,fair\n"
)


@pytest.fixture
def weekly(tmp_path: Path) -> Path:
    root = tmp_path / "weekly"
    make_ws(
        root, FILES | {"overrides.csv": OVERRIDES}, segments=SEGMENTS, bucket="week", first=W3[0]
    )
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def _with_period(root: Path, value: Any) -> Path:
    wb = openpyxl.load_workbook(root / "in.xlsx")
    ws = wb["overrides"]
    assert ws["D1"].value == "period"
    ws["D2"] = value
    wb.save(root / "date.xlsx")
    return root / "date.xlsx"


def test_a_monday_typed_in_a_weekly_period_column_is_imported_as_its_week(weekly: Path) -> None:
    book = _with_period(weekly, dt.datetime(2027, 1, 11))  # as Excel stores a typed 2027-01-11
    r = run(["import", "xlsx", str(book)], cwd=weekly)
    assert r.code == 0, r.out + r.err
    csv = (weekly / "cycles/2026-12/inputs/overrides.csv").read_text(encoding="utf-8")
    assert csv == OVERRIDES.replace("2027-W03", "2027-W02")


def test_another_date_in_a_weekly_period_column_names_its_week(weekly: Path) -> None:
    book = _with_period(weekly, dt.datetime(2027, 1, 14))
    r = run(["import", "xlsx", str(book), "--dry-run"], cwd=weekly)
    assert r.code == 1, r.out + r.err
    assert (
        "date.xlsx:overrides!D2: error SOP014 holds the date 2027-01-14T00:00:00; format the "
        "column as text and type a period such as 2027-W02 (the one holding that date)"
    ) in r.out
    # following the hint works
    book = _with_period(weekly, "2027-W02")
    r = run(["import", "xlsx", str(book), "--dry-run"], cwd=weekly)
    assert r.code == 0, r.out + r.err
