"""The cause of an item's exception is a limit that relieves it, or a cost trade-off said in money.

Hand-checked cases: a line of 10 hours a month, items made in 1 hour at their unit cost (no
materials, no lead time), lost sales at price + penalty unless said otherwise. A limit is named
only when, with its price gone, reducing the exception would pay (docs/reconcile.md, "The cause
of an exception"); an exception no limit relieves is bound by its own row and its message says
what it costs against what making or keeping the unit costs.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.explain import PlanFrames, explain_item
from sopctl.plan import run_reconcile
from sopctl.plan_files import exception_messages, trade_off
from sopctl.reconcile import PlanResult, reconcile
from sopctl.validate import Workspace
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

ROOT = Path(__file__).resolve().parent.parent
INV = "item,on_hand,safety_stock,ending_target,safety_stock_penalty\n"
LINE = RES_HEADER + "line,fixed,10,,,,,,,,,,,\n"


def _rows(res: PlanResult, kind: str, item: str) -> pl.DataFrame:
    return res.exceptions.filter((pl.col("kind") == kind) & (pl.col("item") == item))


def _message(rows: pl.DataFrame) -> list[str]:
    return exception_messages(rows, "EUR").to_list()


def _uneconomic(tmp_path: Path) -> tuple[PlanResult, PlanFrames, Workspace]:
    # B (cost 10, price 50) fills the line: 20 wanted, 10 made, one more hour saves 50 + 5 - 10
    # = 45. A costs 160 and sells at 120: a unit short costs 125, so A is never made, whatever
    # the line: making one costs its 160 plus the 45 its hour earns on B
    files = {
        "items.csv": ITEMS_HEADER + "A,160,120,0,1,,\nB,10,50,0,1,,\n",
        "resources.csv": LINE,
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\nB,line,1\n",
    }
    ws = make_ws(
        tmp_path, files, horizon=1, segments=[segment("s", policy="lost_sales", penalty=5)]
    )
    res = reconcile(ws, demand([("A", "s", "2027-01", 5), ("B", "s", "2027-01", 20)]))
    assert res.status == "optimal"
    frames = PlanFrames(res.supply, res.capacity, res.exceptions, res.currency, res.materials)
    return res, frames, ws


def test_a_shortage_not_worth_making_is_a_cost_trade_off_not_the_capacity(tmp_path: Path) -> None:
    res, _, _ = _uneconomic(tmp_path)
    a = _rows(res, "shortage", "A").row(0, named=True)
    assert (a["quantity"], a["value"]) == (5.0, 625.0)
    assert a["binding_constraint"] == "demand[A,s,2027-01]" and a["resource"] is None
    assert a["shadow_price"] == pytest.approx(-125.0)  # one more unit demanded is one more lost
    (message,) = _message(_rows(res, "shortage", "A"))
    assert message.endswith(
        "binding: demand[A,s,2027-01]; not worth making: a unit short costs 125.00 EUR (price "
        "120.00 + penalty 5.00), making one costs 205.00 EUR (unit cost 160.00)"
    )
    assert res.notes == [
        "items: 1 item(s) cost more than their price where they have demand (largest gap: A "
        "costs 160 against a price of 120 for s in 2027-01); the plan makes them only where a "
        "shortage penalty or a higher segment priority makes up the loss: check unit_cost "
        "against the price"
    ]
    # B is short because the line is full: one more hour would make one more B
    b = _rows(res, "shortage", "B").row(0, named=True)
    assert b["binding_constraint"] == "capacity[line,2027-01]" and b["cause"] is None
    assert b["shadow_price"] == pytest.approx(45.0)


def test_explain_says_the_trade_off_from_memory_and_from_the_written_file(tmp_path: Path) -> None:
    res, frames, ws = _uneconomic(tmp_path)
    said = (
        "  not worth making: a unit short costs 125.00 EUR (price 120.00 + penalty 5.00), "
        "making one costs 205.00 EUR (unit cost 160.00)."
    )
    lines = explain_item(ws, frames, "A", None)
    assert "  why: the binding constraint is the demand of A for s in 2027-01." in lines
    assert said in lines
    assert not any("price of the constraint" in ln for ln in lines)
    # exceptions.csv has no `cause` column: the message carries it, and explain finds it there
    written = res.exceptions.with_columns(exception_messages(res.exceptions, "EUR")).drop("cause")
    assert said in explain_item(
        ws, PlanFrames(res.supply, res.capacity, written, "EUR", res.materials), "A", None
    )
    escalated = {
        "message": "A short ...; binding: x; keeping the safety stock costs 1.00 EUR "
        "per unit-period, more than its penalty of 0.50 EUR; escalate to boss",
        "escalate_to": "boss",
    }
    assert trade_off(escalated) == (
        "keeping the safety stock costs 1.00 EUR per unit-period, more than its penalty of 0.50 EUR"
    )
    assert (
        trade_off({"message": "B short ...; binding: capacity[line,2027-01]; 1 more hour"}) is None
    )


def _breaches(tmp_path: Path, penalty: str, wanted: list[float]) -> PlanResult:
    """A: 10 hours in January, 30 in February and March; safety stock 10, nothing on hand."""
    files = {
        "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
        "resources.csv": LINE,
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
        "capacity.csv": "resource,period,hours\nline,2027-02,30\nline,2027-03,30\n",
        "inventory.csv": INV + f"A,0,10,0,{penalty}\n",
    }
    ws = make_ws(tmp_path, files, segments=[segment("s", policy="lost_sales", penalty=5)])
    res = reconcile(ws, demand([("A", "s", f"2027-0{m}", q) for m, q in enumerate(wanted, 1)]))
    assert res.status == "optimal"
    return res


def test_a_breach_is_bound_by_the_limit_that_relieves_it_not_one_before(tmp_path: Path) -> None:
    """January wants 15 (5 lost: one more hour saves 50 + 5 - 10 = 45), February 0, March 20;
    penalty 3.

    January: stock 0, 10 below. Keeping a unit costs 46 (a lost sale of 55, plus holding 1,
    against one made in February for 10), and January's hours relieve it: with their 45 gone,
    keeping costs 1 < 3. February: 10 made and kept for March (1 < 3), 10 more made in March.
    March, the last period: a unit kept has no use after it, so keeping costs making 10 +
    holding 1 = 11 > 3, whatever the line. The old rule named January's hours for March too."""
    res = _breaches(tmp_path, "3", [15, 0, 20])
    assert res.supply["ss_shortfall"].to_list() == [10.0, 0.0, 10.0]
    ss = res.exceptions.filter(pl.col("kind") == "safety_stock")
    assert ss["period"].to_list() == ["2027-01", "2027-03"]
    assert ss["binding_constraint"].to_list() == [
        "capacity[line,2027-01]",
        "safety_stock[A,2027-03]",
    ]
    assert ss["shadow_price"].to_list() == [pytest.approx(45.0), pytest.approx(-3.0)]
    jan, mar = _message(ss)
    assert jan.endswith(
        "binding: capacity[line,2027-01]; 1 more hour on line in 2027-01 saves 45.00 EUR; "
        "keeping the safety stock costs 46.00 EUR per unit-period, more than its penalty of "
        "3.00 EUR: raise safety_stock_penalty to make it binding"
    )
    assert mar.endswith(
        "binding: safety_stock[A,2027-03]; keeping the safety stock costs 11.00 EUR per "
        "unit-period, more than its penalty of 3.00 EUR: raise safety_stock_penalty to make it "
        "binding"
    )


def test_a_free_breach_after_a_binding_limit_names_its_own_row(tmp_path: Path) -> None:
    """Penalty 0: January's full line (one more hour saves 45) relieves none of the breaches,
    which cost nothing; each is bound by its own row at a price of 0."""
    res = _breaches(tmp_path, "0", [15, 5, 0])
    ss = res.exceptions.filter(pl.col("kind") == "safety_stock")
    assert ss["value"].to_list() == [0.0, 0.0, 0.0]
    assert ss["binding_constraint"].to_list() == [f"safety_stock[A,2027-0{m}]" for m in (1, 2, 3)]
    assert ss["shadow_price"].to_list() == [0.0, 0.0, 0.0]
    assert ss["cause"].to_list() == [None, None, None]
    assert _message(ss)[1].endswith(
        "binding: safety_stock[A,2027-02]; 1 more unit of safety_stock[A,2027-02] costs "
        "nothing: stock below safety stock is not penalised (safety_stock_penalty 0)"
    )
    short = res.exceptions.filter(pl.col("kind") == "shortage")
    assert short["binding_constraint"].to_list() == ["capacity[line,2027-01]"]


def test_a_backlog_not_worth_making_says_what_leaving_it_open_costs(tmp_path: Path) -> None:
    """Backlog at penalty 1 a month and price 20 if never delivered; A costs 100: a unit open
    from January costs 1 + 1 + 20 = 22, so it is never made. B (cost 10, 20 wanted) is late in
    January on a full line: one more January hour saves a month of B's lateness, 1, yet it
    would not make an A (100 + that 1 against 22)."""
    files = {
        "items.csv": ITEMS_HEADER + "A,100,20,0,1,,\nB,10,50,0,1,,\n",
        "resources.csv": LINE,
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\nB,line,1\n",
    }
    ws = make_ws(tmp_path, files, horizon=2, segments=[segment("s", penalty=1)])
    rows = [("A", "s", "2027-01", 3), ("B", "s", "2027-01", 20)]
    res = reconcile(ws, demand(rows))
    b = _rows(res, "late_delivery", "B")
    assert b["binding_constraint"].to_list() == ["capacity[line,2027-01]"]
    a = res.exceptions.filter(pl.col("item") == "A")
    assert set(a["binding_constraint"].to_list()) == {"demand[A,s,2027-01]", "demand[A,s,2027-02]"}
    first = _rows(res, "shortage", "A").filter(pl.col("period") == "2027-01")
    assert _message(first)[0].endswith(
        "binding: demand[A,s,2027-01]; not worth making now: leaving a unit open from 2027-01 "
        "costs 22.00 EUR (penalty 1.00 a period until it ships), making one costs 101.00 EUR "
        "(unit cost 100.00)"
    )


@pytest.mark.parametrize("example", ["contract-manufacturer", "red-tomato", "sailco"])
def test_no_example_item_costs_more_than_its_price(example: str) -> None:
    # the embedded demo's notes are checked whole in test_reconcile_demo.py
    run = run_reconcile(ROOT / "examples" / example, dry_run=True)
    assert run.result is not None and run.result.ok
    assert [n for n in run.result.notes if "more than their price" in n] == []


def test_inside_the_lead_time_a_subcontract_makes_it_a_trade_off_not_the_lead_time(
    tmp_path: Path,
) -> None:
    # A takes 2 periods to make, but a subcontracted unit arrives at once for 200: January's 5
    # could be served, at 200 a unit against 55 (price 50 + penalty 5) for a lost sale
    files = {"items.csv": ITEMS_HEADER + "A,10,50,2,1,200,\n"}
    ws = make_ws(
        tmp_path, files, horizon=3, segments=[segment("s", policy="lost_sales", penalty=5)]
    )
    res = reconcile(ws, demand([("A", "s", "2027-01", 5)]))
    assert res.status == "optimal"
    rows = _rows(res, "shortage", "A")
    assert rows["binding_constraint"].to_list() == ["demand[A,s,2027-01]"]
    (message,) = _message(rows)
    assert "not worth making: a unit short costs 55.00 EUR (price 50.00 + penalty 5.00)" in message
    # with no subcontract, nothing arrives by January: the lead time binds
    ws = make_ws(
        tmp_path / "no-sub",
        {"items.csv": ITEMS_HEADER + "A,10,50,2,1,,\n"},
        horizon=3,
        segments=[segment("s", policy="lost_sales", penalty=5)],
    )
    res = reconcile(ws, demand([("A", "s", "2027-01", 5)]))
    assert _rows(res, "shortage", "A")["binding_constraint"].to_list() == [
        "production_lead_time[A]"
    ]
