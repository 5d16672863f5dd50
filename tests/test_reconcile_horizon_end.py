"""The horizon end: items with a lead time may not start production in the last periods (it
would arrive after the horizon), so those periods' load reads low; reconcile says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopctl.plan_files import summary
from sopctl.reconcile import PlanResult, reconcile
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws

P3 = ["2027-01", "2027-02", "2027-03"]
LINE = "line,fixed,100,2,5,0,,,,,,,,"
INV = "item,on_hand,safety_stock,ending_target,safety_stock_penalty\n"


def _plan(tmp_path: Path, items: str, files: dict[str, str]) -> tuple[PlanResult, list[str]]:
    ws = make_ws(tmp_path, {"items.csv": ITEMS_HEADER + items, **files})
    names = [row.split(",")[0] for row in items.splitlines()]
    res = reconcile(ws, demand([(n, "s", p, 10) for n in names for p in P3]))
    assert res.status == "optimal", (res.status, res.diagnosis)
    notes = [n for n in res.notes if n.startswith("horizon end")]
    assert summary(ws, res)["notes"] == res.notes  # written to summary.json as well
    return res, notes


def test_one_period_of_lead_time_leaves_the_last_period_without_production(
    tmp_path: Path,
) -> None:
    # A takes a period: what starts in 2027-03 arrives in 2027-04, outside the plan, so the
    # line carries 0 hours in 2027-03 although demand goes on
    res, notes = _plan(
        tmp_path,
        "A,10,50,1,1,,\n",
        {
            "resources.csv": RES_HEADER + LINE + "\n",
            "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
            "inventory.csv": INV + "A,10,0,0,\n",
        },
    )
    assert [float(v) for v in res.capacity["load"].to_list()] == pytest.approx([10, 10, 0])
    assert notes == [
        "horizon end: 1 item with a lead time of 1 period cannot start production or purchase "
        "orders in 2027-03, as they would arrive after the horizon; the load on line in "
        "2027-03 leaves out what demand after 2027-03 will need: read it as a floor (a horizon "
        "longer by 1 period plans it)"
    ]


def test_the_longest_lead_time_sets_the_periods_and_materials_are_named(tmp_path: Path) -> None:
    # B (2 periods) cannot start in 2027-02 or 2027-03, A (1 period) only not in 2027-03 (the
    # note must not say both are blocked in both); both use the line and B a material
    _, notes = _plan(
        tmp_path,
        "A,10,50,1,1,,\nB,10,50,2,1,,\n",
        {
            "resources.csv": RES_HEADER + LINE + "\n",
            "routings.csv": "item,resource,hours_per_unit\nA,line,1\nB,line,1\n",
            "bom.csv": "item,material,quantity_per\nB,M,1\n",
            "materials.csv": "material,supplier,unit_cost,lead_time,capacity,on_hand\n"
            "M,Acme,1,0,,0\n",
            "inventory.csv": INV + "A,10,0,0,\nB,20,0,0,\n",
        },
    )
    assert notes == [
        "horizon end: 2 items with a lead time of 1 to 2 periods cannot start production or "
        "purchase orders in as many last periods (2027-02..2027-03 for the longest), as they "
        "would arrive after the horizon; the load on line in 2027-02..2027-03 (and the "
        "material needs of those items) leaves out what demand after 2027-03 will need: read "
        "it as a floor (a horizon longer by 2 periods plans it)"
    ]


def test_an_item_on_no_resource_is_noted_by_its_production(tmp_path: Path) -> None:
    _, notes = _plan(
        tmp_path,
        "A,10,50,1,1,,\n",
        {"inventory.csv": INV + "A,10,0,0,\n"},
    )
    assert len(notes) == 1 and "; production in 2027-03 leaves out" in notes[0]


def test_no_lead_time_no_note(tmp_path: Path) -> None:
    _, notes = _plan(
        tmp_path,
        "A,10,50,0,1,,\n",
        {
            "resources.csv": RES_HEADER + LINE + "\n",
            "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
        },
    )
    assert notes == []
