"""`sopctl learn` figures a QA session checked by hand, end to end on the three-cycle
repository of test_learn_support (sop/2026-12/v1 plans 2027-01..06; days of supply 5..60)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run, write_files
from tests.test_learn_support import ACTUALS, MONTHS, ORDERS, PLANS, three_cycles

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


def _demand(keep: Callable[[str, str], bool], zero: Callable[[str, str], bool]) -> str:
    lines = ["item,segment,period,ordered,shipped"]
    for (item, seg), values in ORDERS.items():
        if not keep(item, seg):
            continue
        for month, q in zip(MONTHS, values, strict=True):
            q = 0 if zero(item, seg) else q
            lines.append(f"{item},{seg},{month},{q},{q}")
    return "\n".join(lines) + "\n"


EVERY = lambda _i, _s: True  # noqa: E731
NONE = lambda _i, _s: False  # noqa: E731
VARIANTS = {
    # a whole segment forecast but not ordered
    "segment-without-demand": {"demand.csv": _demand(EVERY, lambda _i, s: s == "strategic")},
    # an item without a row: 0 orders in the observed periods
    "item-without-rows": {"demand.csv": _demand(lambda i, _s: i == "P-100", NONE)},
    # no stock at all: turns without a base
    "no-stock": {
        "demand.csv": _demand(EVERY, NONE),
        "stock.csv": "item,period,on_hand\nP-100,2027-01,0\nP-200,2027-01,0\n",
    },
    "as-committed": {name: ACTUALS[name] for name in ("stock.csv", "production.csv")}
    | {"demand.csv": _demand(EVERY, NONE)},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_no_data_row_says_why(repo: Path, variant: str) -> None:
    write_files(repo, {f"v/{name}": text for name, text in VARIANTS[variant].items()})
    doc = learn(repo, "--actuals", "v")
    empty = [
        (r["section"], r["metric"], r["scope"], r["key"])
        for r in doc["scorecard"]
        if r["status"] == "no_data" and not (r["note"] or "").strip()
    ]
    assert empty == []
    md = run(["learn", TAG, "--actuals", "v", "--format", "markdown"], cwd=repo).out
    said = [line for line in md.splitlines() if line.startswith("- no data for ")]
    assert said and not [line for line in said if line.rstrip().endswith(":")]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_an_item_forecast_without_demand_is_shown_like_a_breach(repo: Path, fmt: str) -> None:
    write_files(repo, {f"v/{n}": t for n, t in VARIANTS["item-without-rows"].items()})
    out = run(["learn", TAG, "--actuals", "v", "--format", fmt], cwd=repo).out
    flat = " ".join(out.split())
    forecast = sum(
        float(r["final"])
        for r in PLANS["2026-12"]
        if r["item"] == "P-200" and r["period"] in MONTHS
    )
    said = f"forecast {forecast:g}, no demand: over-forecast by {forecast:g} units"
    assert said in flat
    assert "P-200" in flat.split("Service")[0].split("Forecast quality")[1]


def _partial(march: list[tuple[str, str]]) -> str:
    """Demand of January and February in full; of March only the series `march`."""
    lines = ["item,segment,period,ordered,shipped"]
    for (item, seg), values in ORDERS.items():
        for k, (month, q) in enumerate(zip(MONTHS, values, strict=True)):
            if k < 2 or (item, seg) in march:
                lines.append(f"{item},{seg},{month},{q},{q}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("march", "warned"),
    [
        # 1 of the 4 planned series: the other 3 read as 0 orders (a false -57 % bias)
        ([("P-100", "strategic")], "2027-03 has rows for 1 of the 4 series"),
        ([("P-100", "strategic"), ("P-200", "standard")], None),  # half: no warning
        (list(ORDERS), None),
    ],
)
def test_a_period_loaded_in_part_is_a_warning(
    repo: Path, march: list[tuple[str, str]], warned: str | None
) -> None:
    text = _partial(march)
    write_files(repo, {"v/demand.csv": text})
    doc = learn(repo, "--actuals", "v")
    found = [f for f in doc["findings"] if f["code"] == "SOP736"]
    if warned is None:
        assert found == []
        return
    (f,) = found
    first = 1 + text.splitlines().index(next(x for x in text.splitlines() if "2027-03" in x))
    assert (f["path"], f["line"], f["col"], f["severity"]) == ("v/demand.csv", first, 3, "warning")
    assert f["message"].startswith(warned)
    assert f["message"].endswith(
        "learn reads the other 3 as 0 orders, so the period looks over-forecast; load the "
        "whole period into demand.csv, or leave 2027-03 out of it until it is complete"
    )


def test_markdown_says_the_sign_of_a_bias(repo: Path) -> None:
    md = run(["learn", TAG, "--format", "markdown"], cwd=repo).out
    total = next(line for line in md.splitlines() if line.startswith("| total | all | bias_pct |"))
    assert "(over-forecast)" in total or "(under-forecast)" in total


@pytest.mark.parametrize(
    ("periods", "said"),
    [
        (["2027-09"], "the only row of demand.csv falls outside"),
        (["2027-09", "2027-10"], "both rows of demand.csv fall outside"),
        (["2027-09", "2027-10", "2027-11"], "all 3 rows of demand.csv fall outside"),
    ],
)
def test_sop735_counts_its_rows_in_words(repo: Path, periods: list[str], said: str) -> None:
    body = "item,segment,period,ordered,shipped\n"
    body += "".join(f"P-100,strategic,{p},100,100\n" for p in periods)
    write_files(repo, {"elsewhere/demand.csv": body})
    doc = learn(repo, "--actuals", "elsewhere")
    (f,) = [f for f in doc["findings"] if f["code"] == "SOP735"]
    assert f["message"].startswith(said), f["message"]
    one = len(periods) == 1
    assert ("and is not compared" in f["message"]) == one
    assert ("and are not compared" in f["message"]) == (not one)
    assert f["message"].endswith(
        "check its period, or learn the cycle that plans it once it is committed"
        if one
        else "check their periods, or learn the cycle that plans them once it is committed"
    )


def test_json_values_are_not_rounded_and_the_files_are(repo: Path) -> None:
    """docs/learn.md: JSON carries the scorecard unrounded, scorecard.csv to 4 decimals."""
    doc = learn(repo)
    c = card(repo)
    rounded = 0
    for r in doc["scorecard"]:
        if r["value"] is None:
            continue
        written = c[(r["section"], r["metric"], r["scope"], r["key"])]["value"]
        assert float(written) == pytest.approx(r["value"], abs=5e-5)
        rounded += float(written) != r["value"]
    assert rounded  # some value has more than 4 decimals in JSON


def test_the_fix_of_a_negative_quantity_says_where_returns_go() -> None:
    from sopctl.fixes import FIXES

    assert "leave returns out" in FIXES["SOP305"]
