"""Scheduled receipts: work already released or bought-in goods already ordered arrive in their
period whatever the plan decides (a constant in the inventory balance), worked out by hand."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from sopctl.finance import DAYS_PER_PERIOD, plan_finance
from sopctl.reconcile import PlanResult, reconcile
from sopctl.validate import Workspace, load_workspace
from tests.helpers import run, write_files
from tests.test_reconcile_support import ITEMS_HEADER, close, demand, make_ws, segment, series

P3 = ["2027-01", "2027-02", "2027-03"]
OUT = "cycles/2026-12/outputs"
INPUTS = "cycles/2026-12/inputs"

# Item A: standard cost 10 (no bill of materials, no routing), price 50, lead time 2,
# holding 1 a unit-period, nothing on hand. 5 units a month to one backlog segment with a
# penalty of 5 a unit-period. Production started in January arrives in March; nothing the
# plan decides can arrive in January or February.
ITEMS = ITEMS_HEADER.replace("\n", ",sourcing\n") + "A,10,50,2,1,,,{sourcing}\n"
ROWS = [("A", "s", p, 5.0) for p in P3]
RECEIPTS = "order_id,item,period,quantity\nWO-1,A,2027-01,8\n"


def _ws(root: Path, receipts: str | None, sourcing: str = "make") -> Workspace:
    files = {
        "items.csv": ITEMS.format(sourcing=sourcing),
        "inventory.csv": "item,on_hand,safety_stock,ending_target\nA,0,0,0\n",
    }
    if receipts is not None:
        files["scheduled_receipts.csv"] = receipts
    return make_ws(root, files, segments=[segment("s", 1, "backlog", 5.0)])


def _plan(ws: Workspace) -> PlanResult:
    res = reconcile(ws, demand(ROWS))
    assert res.status == "optimal", (res.diagnosis, res.hints)
    return res


def test_a_scheduled_receipt_ships_what_the_lead_time_would_leave_short(tmp_path: Path) -> None:
    # Without it: January's and February's 10 units wait for March (backlog 5 + 10 unit-periods
    # at 5 = 75); 15 are started in January (150): 225.00.
    bare = _plan(_ws(tmp_path / "bare", None))
    assert close(series(bare, "supply", "shipments"), [0, 0, 15])
    assert "scheduled_receipts" not in bare.supply.columns  # not declared
    assert round(bare.costs["total"], 2) == 225.00
    # With 8 released units arriving in January: 5 ship in January, 3 wait a month (holding
    # 3 x 1 = 3) and ship in February with 2 of February's short (backlog 2 x 5 = 10); 7 are
    # started in January for March (7 x 10 = 70): 83.00. The 8 cost the plan nothing.
    res = _plan(_ws(tmp_path / "wip", RECEIPTS))
    assert close(series(res, "supply", "scheduled_receipts"), [8, 0, 0])
    assert close(series(res, "supply", "shipments"), [5, 3, 7])
    assert close(series(res, "supply", "inventory"), [3, 0, 0])
    assert close(series(res, "supply", "backlog"), [0, 2, 0])
    assert close(series(res, "supply", "production"), [7, 0, 0])
    assert close(series(res, "supply", "production_arrivals"), [0, 0, 7])
    costs = {k: round(v, 2) for k, v in res.costs.items() if abs(v) > 1e-9}
    assert costs == {"production": 70.00, "holding": 3.00, "backlog": 10.00, "total": 83.00}
    late = res.exceptions.filter(pl.col("kind") == "late_delivery")
    assert late["period"].to_list() == ["2027-02"]  # January is shipped, no longer late
    assert late["binding_constraint"].to_list() == ["production_lead_time[A]"]
    assert res.exceptions.filter(pl.col("period") == "2027-01").height == 0


def test_receipts_of_one_item_add_up_per_period(tmp_path: Path) -> None:
    rows = "order_id,item,period,quantity\nWO-1,A,2027-02,4\nWO-2,A,2027-02,6\nWO-3,A,2027-03,0\n"
    res = _plan(_ws(tmp_path, rows))
    assert close(series(res, "supply", "scheduled_receipts"), [0, 10, 0])
    assert close(series(res, "supply", "shipments"), [0, 10, 5])


@pytest.mark.parametrize("sourcing", ["make", "buy"])
def test_finance_pays_a_bought_in_receipt_on_arrival_and_a_released_one_not(
    tmp_path: Path, sourcing: str
) -> None:
    """Bought in: a supplier invoice on arrival, 8 x 10 = 80.00 in January's conversion costs
    and payables, and the 7 ordered in January in March's, when they arrive (70.00). Made in
    house: released (and paid) before the horizon, like stock on hand, and in process until
    it arrives; the plan's 7 are paid when started in January (70.00), in no payables, and in
    process until March (work in process 70.00 at the end of January and February)."""
    ws = _ws(tmp_path, RECEIPTS, sourcing)
    fin = plan_finance(ws, _plan(ws)).by_period
    conv = [80.0, 0.0, 70.0] if sourcing == "buy" else [70.0, 0.0, 0.0]
    assert fin["conversion_costs"].to_list() == conv
    wip = [0.0, 0.0, 0.0] if sourcing == "buy" else [70.0, 70.0, 0.0]
    assert fin["work_in_process_value"].to_list() == wip
    k = 30 / DAYS_PER_PERIOD["month"]  # DPO 30 days on a month of 365/12
    invoiced = conv if sourcing == "buy" else [0.0, 0.0, 0.0]
    assert fin["payables"].to_list() == pytest.approx([round(v * k, 6) for v in invoiced])
    # stock and margin at standard cost, whoever paid for the units
    assert fin["revenue"].to_list() == [250.0, 150.0, 350.0]
    assert fin["cogs"].to_list() == [50.0, 30.0, 70.0]
    assert fin["inventory_value"].to_list() == [30.0, 0.0, 0.0]
    rec = [250 * k, 150 * k, 350 * k]
    cash = [
        rev
        - c
        - (rec[t] - rec[t - 1] if t else 0)
        + (invoiced[t] * k - invoiced[t - 1] * k if t else 0)
        for t, (rev, c) in enumerate(zip([250.0, 150.0, 350.0], conv, strict=True))
    ]
    assert fin["cash_flow"].to_list() == pytest.approx(cash, abs=1e-6)


def test_infeasibility_hint_counts_scheduled_receipts(tmp_path: Path) -> None:
    """An ending target of 20 with lead time 2 over 3 months: 8 scheduled, at most 0 made
    (January's start lands in March, the last period; 15 of demand may backlog): a plan exists
    only with the receipts counted, so the hint sums them as supply."""
    files = {
        "items.csv": ITEMS.format(sourcing="make").replace("A,10,50,2", "A,10,50,3"),
        "inventory.csv": "item,on_hand,safety_stock,ending_target\nA,0,0,20\n",
        "scheduled_receipts.csv": RECEIPTS,
    }
    ws = make_ws(tmp_path, files, segments=[segment("s", 1, "backlog", 5.0)])
    res = reconcile(ws, demand(ROWS))
    assert res.status == "infeasible"
    assert any("0 on hand, 8 scheduled plus at most 0 made or bought" in h for h in res.hints), (
        res.hints
    )
    assert "ending_target[A]" in res.diagnosis


def _receipt_repo(repo: Path) -> None:
    """The minimal example with the valve P-200 bought in on a 2-month lead time and 50
    units of it already ordered for January."""
    charter = repo / "charters/acme.yaml"
    text = charter.read_text(encoding="utf-8")
    decl = "  - {file: inventory.csv, table: inventory, owner: ops_lead, due: reconcile}\n"
    extra = "  - {file: receipts.csv, table: scheduled_receipts, owner: ops_lead, due: reconcile}\n"
    charter.write_text(text.replace(decl, decl + extra), encoding="utf-8")
    items = repo / INPUTS / "items.csv"
    text = items.read_text(encoding="utf-8").replace("Ball valve,12,21,0,", "Ball valve,12,21,2,")
    items.write_text(text, encoding="utf-8")
    write_files(
        repo, {f"{INPUTS}/receipts.csv": "order_id,item,period,quantity\nPO-7,P-200,2027-01,50\n"}
    )


def _reconcile(repo: Path) -> None:
    got = run(["reconcile"], cwd=repo)
    assert got.code == 0, got.out + got.err


def _supply(repo: Path) -> list[dict[str, str]]:
    text = (repo / OUT / "supply_plan.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_supply_plan_column_and_explain(repo: Path) -> None:
    _reconcile(repo)
    rows = _supply(repo)  # a charter without the table: no column, the files of before
    assert list(rows[0])[4:6] == ["production_arrivals", "subcontract"]
    assert "scheduled receipts" not in run(["explain", "P-200"], cwd=repo).out

    _receipt_repo(repo)
    _reconcile(repo)
    assert list(_supply(repo)[0])[4:6] == ["production_arrivals", "scheduled_receipts"]
    got = {(r["item"], r["period"]): r["scheduled_receipts"] for r in _supply(repo)}
    assert got[("P-200", "2027-01")] == "50.0000"
    assert {v for k, v in got.items() if k != ("P-200", "2027-01")} == {"0.0000"}
    out = run(["explain", "P-200", "--period", "2027-01"], cwd=repo).out
    assert "scheduled receipts 50.0" in out
    assert "the stock on hand at the start, the scheduled receipts and what arrives" in out


def test_a_receipt_moved_into_the_frozen_window_needs_approve_frozen_change() -> None:
    """Like an open order: a scheduled receipt moved into a frozen period changes what the
    shop floor gets there; its author must hold approve_frozen_change (ops_lead: olga)."""
    from sopctl.check.model import RowEdit
    from sopctl.check.policies import frozen_window
    from tests.test_check_policies import charter

    def moved(author: str, old: str, new: str) -> RowEdit:
        rows = ({"order_id": "WO-1", "period": old}, {"order_id": "WO-1", "period": new})
        return RowEdit(
            "scheduled_receipts",
            "r.csv",
            "c/r.csv",
            {"order_id": "WO-1"},
            "changed",
            *rows,
            3,
            "abc1234",
            author,
        )

    ch = charter()
    (f,) = frozen_window(ch, [moved("sam@acme.example", "2027-03", "2027-01")], ["2027-01"], False)
    assert (f.path, f.line, f.code) == ("c/r.csv", 3, "SOP802")
    assert (
        frozen_window(ch, [moved("olga@acme.example", "2027-03", "2027-01")], ["2027-01"], False)
        == []
    )
    assert (
        frozen_window(ch, [moved("sam@acme.example", "2027-03", "2027-04")], ["2027-01"], False)
        == []
    )


def test_valid_table_loads_clean(tmp_path: Path) -> None:
    ws = _ws(tmp_path, RECEIPTS)
    _, report = load_workspace(tmp_path, "2026-12")
    assert report.ok and "scheduled_receipts" in ws.tables


def test_an_empty_table_changes_no_result_file(repo: Path) -> None:
    """Declaring the table with no rows (or only a receipt of 0) gives the plan without it,
    byte for byte but for supply_plan.csv's column of zeros: the receipts are a constant, and
    0 is no constant at all."""
    files = ("capacity_plan.csv", "exceptions.csv", "finance.csv")
    _reconcile(repo)
    before = {n: (repo / OUT / n).read_bytes() for n in files}
    supply = pl.read_csv(repo / OUT / "supply_plan.csv")
    summary = (repo / OUT / "summary.json").read_bytes()
    _receipt_repo(repo)
    items = repo / INPUTS / "items.csv"  # P-200 back to no lead time: only the table differs
    items.write_text(
        items.read_text(encoding="utf-8").replace("Ball valve,12,21,2,", "Ball valve,12,21,0,"),
        encoding="utf-8",
    )
    for rows in ("", "PO-7,P-200,2027-01,0\n"):
        write_files(repo, {f"{INPUTS}/receipts.csv": "order_id,item,period,quantity\n" + rows})
        _reconcile(repo)
        assert {n: (repo / OUT / n).read_bytes() for n in files} == before
        assert (repo / OUT / "summary.json").read_bytes() == summary
        now = pl.read_csv(repo / OUT / "supply_plan.csv")
        assert now["scheduled_receipts"].to_list() == [0.0] * now.height
        assert now.drop("scheduled_receipts").equals(supply)
