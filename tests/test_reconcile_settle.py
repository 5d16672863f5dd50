"""Slack that costs nothing is reported as what the plan needs, not as the solver's vertex.

A safety-stock shortfall with penalty 0, or an overtime hour that costs no more than a regular
one, may take any value without changing the cost; the results must still say what happened:
shortfall = max(0, safety stock - stock), overtime = max(0, load - regular hours). Resources
without hours in a period have no utilisation and overload nothing. An item cheaper than its
materials is noted.

Settled, such a row is tight (overtime = load - regular hours, shortfall = safety stock - stock)
with a shadow price of 0: the words say why one more unit is worth nothing, never "0.00".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sopctl.explain import PlanFrames, explain_resource
from sopctl.plan_files import exception_messages, summary
from sopctl.reconcile import PlanResult, reconcile
from sopctl.reconcile import result as result_module
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

P3 = ["2027-01", "2027-02", "2027-03"]
INV = "item,on_hand,safety_stock,ending_target,safety_stock_penalty\n"


def _solve(tmp_path: Path, files: dict[str, str], rows: list[float], **kw: object) -> PlanResult:
    ws = make_ws(tmp_path, files, **kw)  # type: ignore[arg-type]
    res = reconcile(ws, demand([("A", "s", p, q) for p, q in zip(P3, rows, strict=True)]))
    assert res.status == "optimal", (res.status, res.diagnosis)
    return res


def _line(resource: str, more: dict[str, str] | None = None) -> dict[str, str]:
    name = resource.split(",")[0]
    return {
        "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
        "resources.csv": RES_HEADER + resource + "\n",
        "routings.csv": f"item,resource,hours_per_unit\nA,{name},1\n",
        **(more or {}),
    }


def _col(res: PlanResult, frame: str, column: str) -> list[float]:
    return [float(v) for v in getattr(res, frame)[column].to_list()]


def test_a_free_safety_stock_shortfall_is_what_the_stock_lacks(tmp_path: Path) -> None:
    # 40 on hand, safety stock 15, no penalty: nothing is made, stock runs 30, 20, 10
    res = _solve(
        tmp_path,
        {"items.csv": ITEMS_HEADER + "A,0,50,0,1,,\n", "inventory.csv": INV + "A,40,15,0,0\n"},
        [10, 10, 10],
    )
    stock = _col(res, "supply", "inventory")
    assert stock == pytest.approx([30, 20, 10])
    assert _col(res, "supply", "ss_shortfall") == pytest.approx([0, 0, 5])
    breach = res.exceptions.filter(pl.col("kind") == "safety_stock")
    assert breach["period"].to_list() == ["2027-03"] and breach["value"].to_list() == [0.0]
    # its own row binds at a price of 0: the message says why instead of naming no price
    assert breach["binding_constraint"].to_list() == ["safety_stock[A,2027-03]"]
    assert breach["shadow_price"].to_list() == [0.0]
    (message,) = exception_messages(breach, "EUR").to_list()
    assert message.endswith(
        "binding: safety_stock[A,2027-03]; 1 more unit of safety_stock[A,2027-03] costs "
        "nothing: stock below safety stock is not penalised (safety_stock_penalty 0)"
    )


def test_a_shortage_that_costs_nothing_says_so(tmp_path: Path) -> None:
    # no price, no penalty, no capacity: every unit is lost at no cost to the plan
    files = _line("line,fixed,0,2,,0,,,,,,,,", {"items.csv": ITEMS_HEADER + "A,10,0,0,1,,\n"})
    ws = make_ws(tmp_path, files, segments=[segment("s", policy="lost_sales", penalty=0)])
    res = reconcile(ws, demand([("A", "s", "2027-01", 5.0)]))
    short = res.exceptions.filter(pl.col("kind") == "shortage")
    assert short["shadow_price"].to_list() == [0.0]
    (message,) = exception_messages(short, "EUR").to_list()
    assert message.endswith(
        "binding: demand[A,s,2027-01]; 1 more unit of demand[A,s,2027-01] costs nothing: a unit "
        "short or late carries no shortage penalty and no price"
    )


@pytest.mark.parametrize(
    "resource",
    [
        "line,fixed,100,2,,20,,,,,,,,",  # overtime cost empty: the regular rate
        "line,fixed,100,2,1,20,,,,,,,,",  # cheaper than regular: priced at the regular rate
        "crew,labour,,2,0,2,10,10,,,,,10,10",  # a crew of 10 x 10 hours, free overtime
    ],
)
def test_overtime_that_costs_nothing_extra_is_only_the_hours_beyond_regular(
    tmp_path: Path, resource: str
) -> None:
    res = _solve(tmp_path, _line(resource), [60, 110, 100])
    assert _col(res, "capacity", "load") == pytest.approx([60, 110, 100])
    assert _col(res, "capacity", "overtime") == pytest.approx([0, 10, 0])
    total = sum(v for k, v in res.costs.items() if k != "total")
    assert total == pytest.approx(res.objective)


@pytest.mark.parametrize(
    "resource",
    ["line,fixed,100,2,,20,,,,,,,,", "line,labour,,2,0,2,10,10,,,,,10,10"],
)
def test_free_overtime_under_its_limit_is_no_overload_and_explain_says_why(
    tmp_path: Path, resource: str
) -> None:
    """February uses 10 of 20 overtime hours: its regular hours are used up (the settled row is
    tight) but one more saves nothing, as overtime costs no more than a regular hour."""
    ws = make_ws(tmp_path, _line(resource))
    res = reconcile(ws, demand([("A", "s", p, q) for p, q in zip(P3, [60, 110, 100], strict=True)]))
    feb = res.capacity.filter(pl.col("period") == "2027-02")
    assert feb["overtime"].to_list() == [10.0] and feb["shadow_price"].to_list() == [0.0]
    assert res.exceptions.filter(pl.col("kind") == "overload").height == 0
    f = PlanFrames(res.supply, res.capacity, res.exceptions, res.currency, res.materials)
    lines = explain_resource(ws, f, "line", None)  # no price anywhere: its busiest period
    assert lines[0].startswith("line in 2027-02: load 110.0 h of 100.0 h regular")
    assert lines[1 + (resource.split(",")[1] == "labour")] == (
        "  its regular hours are used up, but 1 more saves nothing: overtime costs no more "
        "than a regular hour."
    )
    jan = explain_resource(ws, f, "line", "2027-01")
    assert "  the capacity does not bind: more hours save nothing." in jan


def test_a_price_under_a_cent_is_said_not_hidden(tmp_path: Path) -> None:
    # holding costs 0.001: building 10 units ahead for February is what its last hour saves
    files = _line(
        "line,fixed,100,2,,20,,,,,,,,", {"items.csv": ITEMS_HEADER + "A,10,50,0,0.001,,\n"}
    )
    res = _solve(tmp_path, files, [60, 130, 100])
    over = res.exceptions.filter(pl.col("kind") == "overload")
    assert over["shadow_price"].to_list() == [0.001]
    (message,) = exception_messages(over, "EUR").to_list()
    assert message.endswith("; 1 more hour on line in 2027-02 saves less than 0.01 EUR")


def test_settle_changes_neither_the_rows_nor_the_cost(tmp_path: Path) -> None:
    """On the solver's own vector: every row still holds and every cost term sums the same."""
    from sopctl.reconcile.data import gather
    from sopctl.reconcile.model import build_model
    from sopctl.reconcile.solve import SolveOptions, solve

    ws = make_ws(tmp_path, _line("line,fixed,100,2,,20,,,,,,,,"))
    d = gather(ws, demand([("A", "s", p, q) for p, q in zip(P3, [60, 110, 100], strict=True)]))
    lp = build_model(d)
    sol = solve(lp, SolveOptions())
    assert sol.x is not None
    x = result_module.settle(d, lp, sol.x)
    starts, idx, val = lp.a_start, lp.a_index, lp.a_value
    activity = np.zeros(lp.n_row)
    np.add.at(activity, idx, val * np.repeat(x, np.diff(starts)))
    assert np.all(activity >= lp.row_lower - 1e-7) and np.all(activity <= lp.row_upper + 1e-7)
    assert np.all(x >= lp.col_lower - 1e-9) and np.all(x <= lp.col_upper + 1e-9)
    cost = sum(float(t.coef @ x[t.cols]) for t in lp.costs)
    assert cost == pytest.approx(sum(float(t.coef @ sol.x[t.cols]) for t in lp.costs))


def test_a_period_without_hours_has_no_utilisation_peak_and_no_overload(tmp_path: Path) -> None:
    # the line is shut in February: 10 units wanted then are short, yet nothing is "overloaded"
    files = _line(
        "line,fixed,100,2,5,0,,,,,,,,",
        {"capacity.csv": "resource,period,hours\nline,2027-02,0\n"},
    )
    ws = make_ws(tmp_path, files, segments=[segment("s", policy="lost_sales", penalty=10)])
    res = reconcile(ws, demand([("A", "s", p, q) for p, q in zip(P3, [100, 10, 50], strict=True)]))
    assert _col(res, "capacity", "load") == pytest.approx([100, 0, 50])
    peaks = summary(ws, res)["utilisation_peaks"]
    assert peaks == [{"resource": "line", "period": "2027-01", "utilisation": 1.0}]
    over = res.exceptions.filter(pl.col("kind") == "overload")
    assert over["period"].to_list() == ["2027-01"]


def test_an_item_cheaper_than_its_materials_is_noted_and_costs_only_them(tmp_path: Path) -> None:
    # A costs 3 but needs 2 units of M at 4: production adds nothing to the 8 of materials
    files = {
        "items.csv": ITEMS_HEADER + "A,3,100,0,1,,\n",
        "bom.csv": "item,material,quantity_per\nA,M,2\n",
        "materials.csv": "material,supplier,unit_cost,lead_time,capacity,on_hand\nM,Acme,4,0,,0\n",
    }
    res = _solve(tmp_path, files, [10, 10, 10])
    assert res.costs["production"] == 0 and res.costs["materials"] == pytest.approx(240)
    assert res.notes == [
        "items: 1 item(s) cost less than their bill of materials (largest gap: A costs 3 against "
        "8 of materials in 2027-01); production beyond the materials is costed at 0: check "
        "unit_cost against bom.csv"
    ]
