"""A shadow price says what one more unit of a limit saves, exactly, or says it is a bound.

A tester's plans, small enough to price by hand. The saving of one more hour and the cost of
one hour less are each checked against sopctl itself solving the plan again with the hours
changed in capacity.csv; the plan's price must be the first. Before prices.py, a degenerate
optimum's dual stood in for it: r18 read "1 more hour on R in 2027-03 saves 1.00 EUR" (it saves
0) and listed the hour as an overload; r3 read "saves 10.50" where it saves 0; r9's resource
with no hours and nothing to make read "saves 1.00".
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.explain import PlanFrames, explain_item, explain_resource
from sopctl.plan_files import exception_messages, plan_files
from sopctl.reconcile import PlanResult, prices, reconcile
from sopctl.reconcile.engine import CLEAR_NOTE, PRICES_NOTE, price_basis
from sopctl.validate import Workspace
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

CAP_HEADER = "resource,period,hours,overtime_limit\n"


def _solve(
    root: Path,
    files: dict[str, str],
    rows: list[tuple[str, str, str, float]],
    capacity: str = "",
    **kw: object,
) -> tuple[Workspace, PlanResult]:
    if capacity:
        files = {**files, "capacity.csv": CAP_HEADER + capacity}
    ws = make_ws(root, files, **kw)  # type: ignore[arg-type]
    res = reconcile(ws, demand(rows))
    assert res.status == "optimal", (res.status, res.diagnosis)
    return ws, res


def _change(
    tmp_path: Path,
    name: str,
    files: dict[str, str],
    rows: list[tuple[str, str, str, float]],
    capacity: str,
    **kw: object,
) -> float:
    """The objective of the same plan with `capacity` rows (hours changed), solved again."""
    _, res = _solve(tmp_path / name, files, rows, capacity, **kw)
    assert res.objective is not None
    return res.objective


def _prices(res: PlanResult, resource: str) -> list[float]:
    cap = res.capacity.filter(pl.col("resource") == resource).sort("period")
    return [float(v) for v in cap["shadow_price"]]


def _overloads(res: PlanResult) -> dict[tuple[str, str], float]:
    over = res.exceptions.filter(pl.col("kind") == "overload")
    return {
        (r["resource"] or r["material"], r["period"]): r["shadow_price"]
        for r in over.iter_rows(named=True)
    }


def _frames(res: PlanResult) -> PlanFrames:
    return PlanFrames(
        res.supply, res.capacity, res.exceptions, res.currency, res.materials, res.notes
    )


# r18: X costs 10 (+ 1 an hour on R), sells at 30, a lost unit costs 30 + 5; 40 a month of
# demand and exactly 40 hours a month. Every unit is made in its month: 120 x 11 = 1,320.
# One more hour has nothing to make (a unit kept costs 1): it saves 0 in any month. One hour
# less loses a unit that month: 35 - 11 = 24.
R18 = {
    "items.csv": ITEMS_HEADER + "X,10,30,0,1,,\n",
    "resources.csv": RES_HEADER + "R,fixed,40,1,2,0,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nX,R,1\n",
}
R18_ROWS = [("X", "s", p, 40.0) for p in ("2027-01", "2027-02", "2027-03")]
R18_SEGS = [segment("s", policy="lost_sales", penalty=5)]


def test_r18_hours_the_plan_cannot_use_save_nothing_and_are_no_overload(tmp_path: Path) -> None:
    ws, res = _solve(tmp_path / "plan", R18, R18_ROWS, segments=R18_SEGS)
    assert res.objective == pytest.approx(1320.0)
    assert _prices(res, "R") == [0.0, 0.0, 0.0]  # the dual read 0, 0, 1.00
    assert res.exceptions.height == 0  # no "R at capacity in 2027-03 ... saves 1.00 EUR"
    # the plan's own run's status, not what the pricing re-solves left ("Not Set")
    assert res.solver.status == "Optimal"
    more = _change(tmp_path, "more", R18, R18_ROWS, "R,2027-03,41,\n", segments=R18_SEGS)
    less = _change(tmp_path, "less", R18, R18_ROWS, "R,2027-03,39,\n", segments=R18_SEGS)
    assert (res.objective - more, less - res.objective) == (pytest.approx(0), pytest.approx(24))
    text = "\n".join(explain_resource(ws, _frames(res), "R", "2027-03"))
    assert "1 more saves nothing: the plan has no use for it" in text
    assert "saves 1.00" not in text


# r3: key (priority 1, backlog) buys X (cost 10, price 20), spot (priority 2, lost sales,
# penalty 5) buys Y (cost 5, price 40); both take 1 hour of R's 40 a month (1 EUR an hour).
# X: 30, 30, 10, 30; Y: 20 a month. January and February short Y by 10: an hour there saves
# 40 + 5 - (5 + 1) = 39. March makes its 30 and 10 of April's X (held at 0.5): one more hour
# has nothing left to make (saves 0); one less loses a Y in April: 45 - 6 - 0.5 = 38.5.
# April's hours make all of April but those 10: one more saves that 0.5 of holding.
R3 = {
    "items.csv": ITEMS_HEADER + "X,10,20,0,0.5,,\nY,5,40,0,0.5,,\n",
    "resources.csv": RES_HEADER + "R,fixed,40,1,3,0,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nX,R,1\nY,R,1\n",
}
P4 = ["2027-01", "2027-02", "2027-03", "2027-04"]
R3_ROWS = [("X", "key", p, q) for p, q in zip(P4, (30.0, 30.0, 10.0, 30.0), strict=True)] + [
    ("Y", "spot", p, 20.0) for p in P4
]
R3_SEGS = [
    segment("key", priority=1, policy="backlog", penalty=2),
    segment("spot", priority=2, policy="lost_sales", penalty=5),
]


def test_r3_a_month_whose_hours_are_all_used_but_worth_nothing_more_is_priced_at_zero(
    tmp_path: Path,
) -> None:
    _, res = _solve(tmp_path / "plan", R3, R3_ROWS, segments=R3_SEGS, horizon=4)
    assert res.objective is not None
    # the dual said 10.50 for March; the plan cannot use a 41st hour there
    assert _prices(res, "R") == pytest.approx([39.0, 39.0, 0.0, 0.5])
    assert _overloads(res) == {
        ("R", "2027-01"): pytest.approx(39.0),
        ("R", "2027-02"): pytest.approx(39.0),
        ("R", "2027-04"): pytest.approx(0.5),
    }
    kw = {"segments": R3_SEGS, "horizon": 4}
    more = _change(tmp_path, "more", R3, R3_ROWS, "R,2027-03,41,\n", **kw)
    less = _change(tmp_path, "less", R3, R3_ROWS, "R,2027-03,39,\n", **kw)
    assert res.objective - more == pytest.approx(0.0, abs=1e-6)
    assert less - res.objective == pytest.approx(38.5)
    more = _change(tmp_path, "more4", R3, R3_ROWS, "R,2027-04,41,\n", **kw)
    assert res.objective - more == pytest.approx(0.5)
    msgs = exception_messages(res.exceptions, "EUR").to_list()
    assert not any("2027-03 saves" in m for m in msgs)
    assert any("1 more hour on R in 2027-04 saves 0.50 EUR" in m for m in msgs)


# r9, cut down: R has 30 hours (5 of overtime at the regular rate) but none in March, whose 40
# units are made in January (spare 5) and February (35, overtime used up): one more February
# hour moves a unit from January, a month less of holding: saves 1. ZERO has no hours and makes
# only Q, which nobody buys: an hour there saves nothing (the dual read 1.00 in two months).
R9 = {
    "items.csv": ITEMS_HEADER + "X,10,30,0,1,,\nQ,5,9,0,1,,\n",
    "resources.csv": RES_HEADER + "R,fixed,30,1,1,5,,,,,,,,\nZERO,fixed,0,2,3,0,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nX,R,1\nQ,ZERO,1\n",
    "capacity.csv": CAP_HEADER + "R,2027-03,0,0\n",
}
R9_ROWS = [("X", "s", p, q) for p, q in zip(P4, (20.0, 0.0, 40.0, 20.0), strict=True)] + [
    ("Q", "s", "2027-01", 0.0)
]
R9_SEGS = [segment("s", policy="lost_sales", penalty=2)]


def test_r9_a_resource_without_hours_or_work_saves_nothing(tmp_path: Path) -> None:
    ws, res = _solve(tmp_path / "plan", R9, R9_ROWS, segments=R9_SEGS, horizon=4)
    assert _prices(res, "ZERO") == [0.0, 0.0, 0.0, 0.0]
    assert _prices(res, "R") == pytest.approx([0.0, 1.0, 2.0, 0.0])
    assert _overloads(res) == {("R", "2027-02"): pytest.approx(1.0)}
    text = "\n".join(explain_resource(ws, _frames(res), "ZERO", None))
    assert "more hours save nothing" in text and "saves 1.00" not in text


# One unit of X short in January by half a unit: January's dual (an hour makes a unit that
# saves 50 + 10 - 10 = 50) holds for half an hour only; one more hour saves 25.
HALF = {
    "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
    "resources.csv": RES_HEADER + "line,fixed,100,0,,,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
}
HALF_ROWS = [("A", "s", "2027-01", 100.5)]
HALF_SEGS = [segment("s", policy="lost_sales", penalty=10)]


def test_a_dual_that_holds_for_part_of_the_hour_is_re_solved_or_said_to_be_a_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kw = {"segments": HALF_SEGS, "horizon": 1}
    ws, res = _solve(tmp_path / "exact", HALF, HALF_ROWS, **kw)
    assert _overloads(res) == {("line", "2027-01"): pytest.approx(25.0)}
    assert not [n for n in res.notes if n.startswith(PRICES_NOTE)]
    # a plan too large to re-solve them: the dual, said to be at most what the hour saves
    monkeypatch.setattr(prices, "PARTIAL_WORK", 0)
    _, res = _solve(tmp_path / "bound", HALF, HALF_ROWS, **kw)
    assert _overloads(res) == {("line", "2027-01"): pytest.approx(50.0)}
    (note,) = [n for n in res.notes if n.startswith(PRICES_NOTE)]
    assert "1 of the 1 binding limits were not re-solved (the plan is too large" in note
    msgs = exception_messages(res.exceptions, "EUR", price_basis(res.notes)).to_list()
    assert all("line in 2027-01 saves at most 50.00 EUR" in m for m in msgs)
    # and as written: explain reads it from the message of exceptions.csv
    files, _ = plan_files(ws, res)
    written = pl.read_csv(files["exceptions.csv"])
    assert "price_bound" not in written.columns
    f = _frames(res)
    f.exceptions = written
    assert "saves at most 50.00 EUR" in "\n".join(explain_item(ws, f, "A", None))


def test_above_the_size_for_re_solving_every_price_is_a_dual_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prices, "EXACT_MAX_COLS", 0)
    _, res = _solve(tmp_path, R18, R18_ROWS, segments=R18_SEGS)
    (note,) = [n for n in res.notes if n.startswith(PRICES_NOTE)]
    assert "more than the 0 up to which" in note
    assert price_basis(res.notes).at_most
    assert _prices(res, "R") == [0.0, 0.0, 1.0]  # the dual, an upper bound of the saving
    (msg,) = exception_messages(res.exceptions, "EUR", price_basis(res.notes)).to_list()
    assert "1 more hour on R in 2027-03 saves at most 1.00 EUR" in msg


# r12: key (priority 1, lost sales) and web (priority 2, backlog cleared by the end) share
# 120 hours against 130 units. Key could be served in full only by leaving 10 of web's units
# open at the end, which clear_backlog_by_end forbids: the hard rule shorts key by 10.
R12 = {
    "items.csv": ITEMS_HEADER + "X,10,30,0,5,,\n",
    "resources.csv": RES_HEADER + "R,fixed,40,0,0,0,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nX,R,1\n",
}
P3 = ["2027-01", "2027-02", "2027-03"]
R12_ROWS = [("X", "key", p, q) for p, q in zip(P3, (20.0, 20.0, 40.0), strict=True)] + [
    ("X", "web", p, q) for p, q in zip(P3, (10.0, 10.0, 30.0), strict=True)
]


def _r12_segments(clear: bool) -> list[dict[str, object]]:
    return [
        segment("key", priority=1, policy="lost_sales", penalty=10),
        segment("web", priority=2, policy="backlog", penalty=1, clear=clear),
    ]


def test_r12_the_clear_backlog_rule_that_shorts_a_higher_segment_is_named(
    tmp_path: Path,
) -> None:
    ws, res = _solve(tmp_path / "clear", R12, R12_ROWS, segments=_r12_segments(True))
    short = res.exceptions.filter(pl.col("kind") == "shortage")
    assert short.select("segment", "period", "quantity").rows() == [("key", "2027-03", 10.0)]
    (note,) = [n for n in res.notes if n.startswith(CLEAR_NOTE)]
    assert note.startswith(
        f"{CLEAR_NOTE}priority 1 (key) is short because web (priority 2) must have no backlog "
        "at the horizon end (clear_backlog_by_end), a hard rule that wins over segment priority"
    )
    text = "\n".join(explain_item(ws, _frames(res), "X", "2027-03"))
    assert "web (priority 2) must have no backlog at the horizon end" in text
    # the prices of this plan hold key's shortage as planned: every message says so
    msgs = exception_messages(res.exceptions, "EUR", price_basis(res.notes)).to_list()
    priced = [m for m in msgs if " saves " in m]
    assert priced and all("with priority 1 (key) held at its planned shortage" in m for m in priced)
    # without the rule key is served in full, web's last 10 stay open: no stage, no note
    _, res = _solve(tmp_path / "open", R12, R12_ROWS, segments=_r12_segments(False))
    assert not [n for n in res.notes if n.startswith(CLEAR_NOTE)]
    assert res.exceptions.filter(pl.col("segment") == "key").height == 0
