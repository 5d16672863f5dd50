"""`sopctl learn` figures a QA session checked by hand, end to end on the three-cycle
repository of test_learn_support (sop/2026-12/v1 plans 2027-01..06; days of supply 5..60)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers import run, write_files
from tests.test_learn_support import three_cycles

TAG = "sop/2026-12/v1"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return three_cycles(tmp_path / "plan")


def learn(root: Path, *args: str) -> dict:
    r = run(["learn", TAG, *args, "--format", "json"], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    doc: dict = json.loads(r.out)
    return doc


def card(root: Path) -> dict[tuple[str, str, str, str], dict[str, str]]:
    text = (root / "learn" / "2026-12" / "scorecard.csv").read_text("utf-8")
    return {
        (r["section"], r["metric"], r["scope"], r["key"]): r
        for r in csv.DictReader(io.StringIO(text))
    }


@pytest.mark.parametrize(
    ("period", "on_hand", "value", "status", "said"),
    [
        # the horizon's last period: no planned demand follows, so no number (not 0 days)
        (
            "2027-06",
            "500",
            "",
            "no_data",
            "stock 500.0 at the end of 2027-06, the last period of the plan's horizon: no "
            "planned demand follows it, so its cover cannot be measured",
        ),
        # one month left: at least 30.42 days, which may or may not pass the maximum 60
        (
            "2027-05",
            "100000",
            "",
            "no_data",
            "the stock outlasts the plan's horizon (to 2027-06), so cover is at least 30.42 "
            "days: whether it exceeds the maximum 60 cannot be judged",
        ),
        # three months left: at least 91.25 days, beyond 60 whatever comes after
        (
            "2027-03",
            "100000",
            "91.25",
            "breach",
            "so cover is at least 91.25 days, above the maximum 60 whatever the demand after it",
        ),
    ],
)
def test_cover_cut_off_by_the_horizon_is_a_lower_bound(
    repo: Path, period: str, on_hand: str, value: str, status: str, said: str
) -> None:
    write_files(repo, {"actuals/stock.csv": f"item,period,on_hand\nP-100,{period},{on_hand}\n"})
    learn(repo)
    c = card(repo)
    for scope, key in (("item", "P-100"), ("total", "all")):
        row = c[("inventory", "days_of_supply", scope, key)]
        assert (row["value"], row["status"]) == (value, status)
        assert said in row["note"]
        weeks = c[("inventory", "weeks_of_cover", scope, key)]
        assert weeks["status"] == status
        assert ("weeks" in weeks["note"]) == (period != "2027-06")


FILL_CSV = """item,segment,period,ordered,shipped
P-100,strategic,2027-02,100,50
P-100,strategic,2027-03,100,150
P-100,standard,2027-02,100,120
P-200,standard,2027-02,100,80
P-200,strategic,2027-02,0,0
P-200,strategic,2027-03,0,0
P-100,standard,2027-03,0,
P-200,standard,2027-03,0,
"""


@pytest.mark.parametrize(
    ("key", "value"),
    # standard 2027-02: (100 + 80) / 200, P-100's 20 extra do not make up for P-200's 20
    # short; strategic: (50 + 100) / 200, March's extra 50 do not make up for February
    [("standard", "0.9"), ("strategic", "0.75"), ("all", "0.825")],
)
def test_fill_rate_from_demand_csv_caps_each_item_segment_and_period(
    repo: Path, key: str, value: str
) -> None:
    write_files(repo, {"only-demand/demand.csv": FILL_CSV})
    learn(repo, "--actuals", "only-demand")
    row = card(repo)[("service", "unit_fill_rate", "total" if key == "all" else "segment", key)]
    assert row["value"] == value
    assert row["note"].startswith("from demand.csv")
