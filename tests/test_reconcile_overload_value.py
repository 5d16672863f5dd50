"""An overload's value at stake is the money of the item exceptions it causes, and every text
output words it as what it is ("at capacity"), not as the solver's `overload`.

The plan is small enough to work out by hand: line 100 hours a month, one hour a unit, A costs
10 and sells at 50 (lost sales, penalty 10); demand 130 in January, 40 in February, 150 in
March. January loses 30 units (30 x (50 + 10) = 1,800 EUR), bound by January's hours (one
more saves 50 + 10 - 10 = 50 EUR). February has room and builds 50 ahead for March, whose
hours bind at the price of holding a unit a month, though nothing is short in March.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from rich.console import Console

from sopctl.cli.plan_view import _exceptions
from sopctl.exception_words import constraint_words, kind_label
from sopctl.explain import PlanFrames, explain_item
from sopctl.plan_files import exception_messages
from sopctl.plandiff.outputs import PlanSnapshot, diff_outputs
from sopctl.reconcile import PlanResult, reconcile
from sopctl.validate import Workspace
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

P3 = ["2027-01", "2027-02", "2027-03"]
FILES = {
    "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
    "resources.csv": RES_HEADER + "line,fixed,100,0,,,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
}
ROWS = [("A", "s", p, q) for p, q in zip(P3, (130.0, 40.0, 150.0), strict=True)]
SEGS = [segment("s", policy="lost_sales", penalty=10)]
# first match: an overload worth 1,000 or more goes to the boss, any other to the planner
RULES = [
    {"exception": "overload", "min_value": 1000, "to": "boss"},
    {"exception": "overload", "min_value": 0, "to": "planner"},
]


def _plan(tmp_path: Path) -> PlanResult:
    ws = make_ws(tmp_path, FILES, segments=SEGS, escalation=RULES)
    res = reconcile(ws, demand(ROWS))
    assert res.status == "optimal", (res.status, res.diagnosis)
    return res


def _kind(res: PlanResult, kind: str) -> pl.DataFrame:
    return res.exceptions.filter(pl.col("kind") == kind)


def test_an_overload_is_worth_the_exceptions_it_causes_and_escalates_by_that(
    tmp_path: Path,
) -> None:
    res = _plan(tmp_path)
    (short,) = _kind(res, "shortage").to_dicts()
    assert (short["period"], short["quantity"]) == ("2027-01", pytest.approx(30.0))
    assert short["value"] == pytest.approx(1800.0)
    assert short["binding_constraint"] == "capacity[line,2027-01]"
    over = {r["period"]: r for r in _kind(res, "overload").to_dicts()}
    assert sorted(over) == ["2027-01", "2027-03"]
    jan, mar = over["2027-01"], over["2027-03"]
    # January's hours cause the shortage: its money, not price x load (50 x 100 = 5,000)
    assert jan["shadow_price"] == pytest.approx(50.0)
    assert jan["value"] == pytest.approx(short["value"])
    # March's hours bind at a price (one more saves a month of holding) but cause nothing:
    # still listed, worth 0 (price x load was 100 hours x that price)
    assert mar["shadow_price"] > 0.0 and mar["quantity"] == pytest.approx(100.0)
    assert mar["value"] == 0.0
    # escalation follows that value: 1,800 reaches the boss, 0 only the catch-all rule
    assert (jan["escalate_to"], mar["escalate_to"]) == ("boss", "planner")
    msgs = dict(
        zip(
            _kind(res, "overload")["period"],
            exception_messages(_kind(res, "overload"), "EUR"),
            strict=True,
        )
    )
    # the message words the line as the tables, explain and the report do: at capacity
    assert msgs["2027-01"].startswith(
        "line at capacity in 2027-01: 100.0 hours, 1,800.00 EUR at stake in the exceptions it "
        "causes; binding: capacity[line,2027-01]; 1 more hour on line in 2027-01 saves 50.00 EUR"
    )
    # a limit that causes nothing is no loss: it still says it is at capacity and its price
    assert msgs["2027-03"].startswith(
        "line at capacity in 2027-03: 100.0 hours, no exception caused, nothing at stake; "
        "binding: capacity[line,2027-03]; 1 more hour on line in 2027-03 saves "
    )
    assert "0.00 EUR" not in msgs["2027-03"] and "fully loaded" not in msgs["2027-03"]


def test_the_summary_words_an_overload_with_its_unit_and_the_constraint_in_prose(
    tmp_path: Path,
) -> None:
    res = _plan(tmp_path)
    console = Console(record=True, width=200)
    _exceptions(console, SimpleNamespace(result=res), 10)  # type: ignore[arg-type]
    table = console.export_text()
    assert "overload" not in table and "capacity[" not in table
    assert "at capacity" in table and "100 hours" in table
    assert "capacity of line in 2027-01" in table
    # by value, then the file's order: the shortage and January's hours tie at 1,800, and the
    # item's exception comes first, as in exceptions.csv; March's hours (0) come last
    rows = [ln.split("│")[1:4] for ln in table.splitlines() if ln.startswith("│ ")]
    firsts = [(k.strip(), p.strip()) for k, _, p in rows if k.strip()]
    assert firsts == [
        ("shortage", "2027-01"),
        ("at capacity", "2027-01"),
        ("at capacity", "2027-03"),
    ]


def test_words_for_kinds_and_constraints() -> None:
    assert kind_label("overload", "crew", None) == "at capacity"
    assert kind_label("overload", "crew", None, True) == "at regular hours, overtime left"
    assert kind_label("overload", None, "MOT-S") == "supplier at capacity"
    assert kind_label("late_delivery", "crew", None) == "late delivery"
    assert constraint_words("capacity[crew,2027-05]") == "capacity of crew in 2027-05"
    assert constraint_words("supplier_capacity[MOT-S,2027-06]") == (
        "supplier capacity of MOT-S in 2027-06"
    )
    assert constraint_words("demand[A,s,2027-01]") == "demand of A for s in 2027-01"
    assert constraint_words("segment_priority[1]") == "segment_priority[1]"  # as it is


def test_explain_says_the_period_once_and_no_price_note_without_priority_stages(
    tmp_path: Path,
) -> None:
    # backlog: January's 30 open units are a shortage and a late delivery of the same period
    ws = make_ws(tmp_path, FILES, segments=[segment("s", penalty=10)], horizon=1)
    res = reconcile(ws, demand(ROWS[:1]))
    assert sorted(res.exceptions.filter(pl.col("item") == "A")["kind"]) == [
        "late_delivery",
        "shortage",
    ]
    f = PlanFrames(res.supply, res.capacity, res.exceptions, res.currency, res.materials)
    lines = explain_item(ws, f, "A", None)
    assert sum(ln.startswith("  the period:") for ln in lines) == 1
    assert "  why: the binding constraint is the capacity of line in 2027-01." in lines
    assert not any(ln.startswith("note:") for ln in lines)


def _staged(tmp_path: Path) -> tuple[Workspace, PlanResult]:
    # 10 hours for 20 gold units of A and 10 tin units: gold keeps its least shortage (10);
    # B is sold to tin only and never short
    files = {
        "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\nB,10,50,0,1,,\n",
        "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
    }
    segs = [
        segment("gold", priority=1, policy="lost_sales", penalty=0),
        segment("tin", priority=2, policy="lost_sales", penalty=100),
    ]
    rows = [("A", "gold", "2027-01", 20.0), ("A", "tin", "2027-01", 10.0)]
    rows.append(("B", "tin", "2027-01", 5.0))
    ws = make_ws(tmp_path, files, segments=segs, horizon=1)
    res = reconcile(ws, demand(rows))
    assert "priority stages" in res.solver.method
    return ws, res


def test_explain_gives_the_priority_note_shortened_only_where_prices_are_told(
    tmp_path: Path,
) -> None:
    ws, res = _staged(tmp_path)
    f = PlanFrames(res.supply, res.capacity, res.exceptions, res.currency, res.materials)
    f.notes = res.notes
    (note,) = [ln for ln in explain_item(ws, f, "A", None) if ln.startswith("note:")]
    assert note.startswith("note: segment priority: priority 1 (gold) cannot be served in full")
    assert 'docs/reconcile.md, "Shadow prices"' in note and len(note) < 260
    # B has no exception and no price is told: nothing to qualify
    assert explain_item(ws, f, "B", None) == ["B: no exceptions; every segment is served on time."]


def test_a_plan_diff_words_the_overloads_it_lists(tmp_path: Path) -> None:
    # compare and diff read exceptions.csv: the message tells a resource at its regular hours
    res = _plan(tmp_path)
    exc = res.exceptions.with_columns(exception_messages(res.exceptions, "EUR"))
    regular = pl.DataFrame(
        {
            "kind": ["overload", "overload"],
            "resource": ["crew", None],
            "material": [None, "MOT-S"],
            "period": ["2027-02", "2027-02"],
            "quantity": [2584.0, 950.0],
            "value": [0.0, 0.0],
            "message": [
                "crew at its regular hours in 2027-02: 2,584.0 hours, 0.00 EUR at stake (it "
                "causes no exception); binding: capacity[crew,2027-02]; overtime not used up: "
                "0.0 of 340.0 hours",
                "MOT-S fully loaded in 2027-02: 950.0 units, 0.00 EUR at stake (it causes no "
                "exception); binding: supplier_capacity[MOT-S,2027-02]",
            ],
        }
    )
    supply = res.supply.select("item", "period", "demand", "production")
    a = PlanSnapshot({}, supply, exc.clear())
    b = PlanSnapshot({}, supply, pl.concat([exc, regular], how="diagonal_relaxed"))
    got = {(e.what, e.period): (e.label, e.unit) for e in diff_outputs(a, b).appeared}
    assert got[("line", "2027-01")] == ("at capacity", "hours")
    assert got[("crew", "2027-02")] == ("at regular hours, overtime left", "hours")
    assert got[("MOT-S", "2027-02")] == ("supplier at capacity", "units")
    assert got[("A @ line / s", "2027-01")] == ("shortage", "units")


# a crew of 10 at 10 hours a worker and 1 overtime hour each (at 2), regular hour at 1
CREW = {
    "items.csv": ITEMS_HEADER + "A,1,100,0,1,,\n",
    "routings.csv": "item,resource,hours_per_unit\nA,crew,1\n",
}


def _crew_plan(tmp_path: Path, crew: str, months: list[float]) -> PlanResult:
    files = {**CREW, "resources.csv": RES_HEADER + crew + "\n"}
    rows = [("A", "s", p, q) for p, q in zip(P3, months, strict=False)]
    ws = make_ws(tmp_path, files, segments=SEGS, escalation=RULES, horizon=len(months))
    res = reconcile(ws, demand(rows))
    assert res.status == "optimal", (res.status, res.diagnosis)
    return res


def test_an_overload_counts_the_exceptions_bound_by_its_crews_workforce_limit(
    tmp_path: Path,
) -> None:
    """Review: a crew at max_workforce binds the shortage by max_workforce[crew,2027-01] (one
    more worker, with their overtime, saves more than one more hour), so the crew's overload
    row counted none of it: 0 at stake, no escalation, beside 2,200 EUR of lost sales."""
    res = _crew_plan(tmp_path, "crew,labour,,1,2,1,10,10,,,,,,10", [130.0])
    (short,) = _kind(res, "shortage").to_dicts()
    assert short["binding_constraint"] == "max_workforce[crew,2027-01]"
    assert short["value"] == pytest.approx(20 * 110.0)
    (over,) = _kind(res, "overload").to_dicts()
    assert over["binding_constraint"] == "capacity[crew,2027-01]"
    assert over["value"] == pytest.approx(short["value"])
    assert over["escalate_to"] == "boss"


def test_a_hire_limit_counts_toward_the_crews_overload_where_the_hire_would_work(
    tmp_path: Path,
) -> None:
    # one hire a month at most: January loses 20, February 10, both bound by January's
    # max_hires (a January hire works both months); each counts toward the month it is short
    res = _crew_plan(tmp_path, "crew,labour,,1,,,10,10,5,5,1,,,", [130.0, 130.0, 130.0])
    shorts = _kind(res, "shortage")
    assert shorts["binding_constraint"].to_list() == ["max_hires[crew,2027-01]"] * 2
    assert shorts["value"].to_list() == [pytest.approx(2200.0), pytest.approx(1100.0)]
    over = dict(zip(*_kind(res, "overload")[["period", "value"]], strict=True))
    assert over == {"2027-01": 2200.0, "2027-02": 1100.0, "2027-03": 0.0}
    # the values add up: no exception counts toward two rows
    assert sum(over.values()) == pytest.approx(sum(shorts["value"]))
