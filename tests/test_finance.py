"""Finance: the plan in money, checked against numbers worked out by hand on a tiny repo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sopctl.finance import CASH_COMPONENTS, COLUMNS, NON_CASH_COMPONENTS, Finance, plan_finance
from sopctl.reconcile import PlanResult, reconcile
from sopctl.reconcile.result import COST_ORDER
from sopctl.validate import Workspace, load_workspace
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

P3 = ["2027-01", "2027-02", "2027-03"]
W3 = ["2027-W01", "2027-W02", "2027-W03"]

# One item A: standard cost 10 = 2 units of material M at 2 (4) + 6 of conversion; default
# price 20, 25 for the `key` segment; holding 1 per unit-period; subcontract at 12 (making one
# costs 6 + 1 regular time + 4 material = 11). One fixed resource, 15 hours a period, 1 hour a
# unit at 1 per hour, no overtime. 5 units on hand, 5 must be left at the end. M: 10 on hand,
# no supplier lead time, an open order of 40 arriving in period 2.
FILES = {
    "items.csv": ITEMS_HEADER + "A,10,20,0,1,12,\n",
    "prices.csv": "item,segment,price\nA,key,25\n",
    "resources.csv": RES_HEADER + "LINE,fixed,15,1,,,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nA,LINE,1\n",
    "inventory.csv": "item,on_hand,safety_stock,ending_target\nA,5,0,5\n",
    "materials.csv": "material,supplier,unit_cost,lead_time,capacity,on_hand\nM,Acme,2,0,,10\n",
    "bom.csv": "item,material,quantity_per\nA,M,2\n",
}
SEGMENTS = [segment("retail", 1, "backlog", 50.0), segment("key", 2, "lost_sales", 50.0)]
# 10 a period to retail (default price 20) and 5 to key (price 25): 15 units, 325 a period
ROWS = [(seg, q) for seg, q in (("retail", 10.0), ("key", 5.0))]


def _workspace(
    root: Path, bucket: str, dso: int = 45, dpo: int = 20, sourcing: str | None = None
) -> Workspace:
    periods = P3 if bucket == "month" else W3
    files = dict(FILES)
    if sourcing is not None:
        files["items.csv"] = (
            ITEMS_HEADER.replace("\n", ",sourcing\n") + f"A,10,20,0,1,12,,{sourcing}\n"
        )
    po = "po_id,material,period,quantity\n" + f"PO-1,M,{periods[1]},40\n"
    files["open_orders.csv"] = po
    make_ws(root, files, segments=SEGMENTS, bucket=bucket, first=periods[0])
    charter = root / "charters" / "test.yaml"
    text = charter.read_text(encoding="utf-8")
    text = text.replace("dso_days: 30, dpo_days: 30", f"dso_days: {dso}, dpo_days: {dpo}")
    charter.write_text(text, encoding="utf-8")
    ws, report = load_workspace(root, "2026-12")
    assert report.ok
    return ws


def _plan(ws: Workspace) -> PlanResult:
    rows = [("A", seg, p, q) for p in ws.periods() for seg, q in ROWS]
    res = reconcile(ws, demand(rows))
    assert res.status == "optimal", (res.diagnosis, res.hints)
    return res


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, PlanResult, Finance]:
    ws = _workspace(tmp_path_factory.mktemp("fin"), "month")
    res = _plan(ws)
    return ws, res, plan_finance(ws, res)


def col(fin: Finance, name: str) -> list[float]:
    return [float(v) for v in fin.by_period[name].to_list()]


def gap(a: pl.Series, b: pl.Series) -> float:
    return float(np.abs(a.to_numpy() - b.to_numpy()).max())


def test_the_plan_the_numbers_rest_on(tiny: tuple[Workspace, PlanResult, Finance]) -> None:
    # 15 units a period from 5 on hand: make 10, 15 (the line's limit), 15 and buy 5 in March
    # (12 < 11 + 2 periods of holding for building them in January); 5 left at the end.
    # Material need 2 x production = 20, 30, 30: January uses the 10 on hand and receives 10,
    # February takes 30 of the 40 on order (10 left), March uses them and receives 20.
    _, res, _ = tiny
    sup, mat = res.supply, res.materials
    assert sup["production"].to_list() == pytest.approx([10, 15, 15])
    assert sup["subcontract"].to_list() == pytest.approx([0, 0, 5])
    assert sup["inventory"].to_list() == pytest.approx([0, 0, 5])
    assert mat["receipts"].to_list() == pytest.approx([10, 0, 20])
    assert mat["inventory"].to_list() == pytest.approx([0, 10, 0])


def test_costs_by_period_are_the_objective_split(
    tiny: tuple[Workspace, PlanResult, Finance],
) -> None:
    _, res, _ = tiny
    cbp = res.costs_by_period
    assert cbp.columns == ["period", "component", "value"]
    assert cbp.height == 3 * len(COST_ORDER)
    assert cbp["period"].unique(maintain_order=True).to_list() == P3
    wide = {
        c: cbp.filter(pl.col("component") == c)["value"].to_list()
        for c in ("production", "regular_time", "subcontract", "materials", "holding")
    }
    assert wide["production"] == pytest.approx([60, 90, 90])  # 6 x production
    assert wide["regular_time"] == pytest.approx([10, 15, 15])  # 1 hour x 1 x production
    assert wide["subcontract"] == pytest.approx([0, 0, 60])  # 12 x 5
    assert wide["materials"] == pytest.approx([20, 0, 40])  # 2 x receipts (open orders are sunk)
    assert wide["holding"] == pytest.approx([0, 0, 5])  # 1 x inventory
    sums = cbp.group_by("component").agg(pl.col("value").sum())
    for comp, value in sums.iter_rows():
        assert value == pytest.approx(res.costs[comp], abs=1e-5)
    assert float(cbp["value"].sum()) == pytest.approx(res.costs["total"], abs=1e-4)
    assert res.costs["total"] == pytest.approx(res.objective, rel=1e-9)
    assert set(CASH_COMPONENTS) | set(NON_CASH_COMPONENTS) | {"materials"} == set(COST_ORDER)


def test_period_prices_change_revenue_from_their_period(tmp_path: Path) -> None:
    # the same plan; February's retail price is 22 and March's key price 30:
    # revenue 10 x 20 + 5 x 25 = 325, 10 x 22 + 5 x 25 = 345, 10 x 20 + 5 x 30 = 350
    FILES["period_prices.csv"] = (
        "item,segment,period,price\nA,retail,2027-02,22\nA,key,2027-03,30\n"
    )
    try:
        ws = _workspace(tmp_path, "month")
    finally:
        del FILES["period_prices.csv"]
    res = _plan(ws)
    fin = plan_finance(ws, res)
    assert col(fin, "revenue") == pytest.approx([325, 345, 350])
    assert col(fin, "cogs") == pytest.approx([150] * 3)


def test_by_period_numbers_by_hand(tiny: tuple[Workspace, PlanResult, Finance]) -> None:
    _, _, fin = tiny
    assert fin.by_period.columns == list(COLUMNS)
    assert fin.by_period["period"].to_list() == P3
    approx = pytest.approx
    # revenue = 10 x 20 + 5 x 25 = 325; cogs = 15 x 10 = 150; margin 175 = 53.846154 %
    assert col(fin, "revenue") == approx([325] * 3)
    assert col(fin, "cogs") == approx([150] * 3)
    assert col(fin, "gross_margin") == approx([175] * 3)
    assert col(fin, "gross_margin_pct") == approx([100 * 175 / 325] * 3)
    # purchases = 2 x (receipts + open orders) = 2 x 10, 2 x 40, 2 x 20
    assert col(fin, "material_purchases") == approx([20, 80, 40])
    # conversion = production + regular time + subcontract = 60+10, 90+15, 90+15+60
    assert col(fin, "conversion_costs") == approx([70, 105, 165])
    # stock: A 0, 0, 5 x 10; M 0, 10 x 2, 0
    assert col(fin, "inventory_value") == approx([0, 0, 50])
    assert col(fin, "material_inventory_value") == approx([0, 20, 0])
    # a month is 365/12 days: receivables = 325 x 45 / (365/12) = 175500/365 = 480.821918
    days = 365 / 12
    assert col(fin, "receivables") == approx([175500 / 365] * 3)
    assert col(fin, "receivables")[0] == approx(325 * 45 / days)
    # payables = (purchases + subcontract) x 20 / (365/12): 20, 80, 40 + 60 -> x 240/365
    # = 4800/365 = 13.150685, 19200/365 = 52.602740, 24000/365 = 65.753425
    assert col(fin, "payables") == approx([4800 / 365, 19200 / 365, 24000 / 365])
    # working capital = stock + receivables - payables
    # = 170700/365 = 467.671233, 20 + 156300/365 = 448.219178, 50 + 151500/365 = 465.068493
    assert col(fin, "working_capital") == approx(
        [170700 / 365, 20 + 156300 / 365, 50 + 151500 / 365]
    )
    # cash = revenue - purchases - conversion - d receivables + d payables (opening = period 1)
    # 325 - 20 - 70 = 235; 325 - 80 - 105 + 14400/365 = 179.452055;
    # 325 - 40 - 165 + 4800/365 = 133.150685
    assert col(fin, "cash_flow") == approx([235, 140 + 14400 / 365, 120 + 4800 / 365])
    assert col(fin, "cumulative_cash_flow") == approx([235, 375 + 14400 / 365, 495 + 19200 / 365])


def test_kpis_by_hand(tiny: tuple[Workspace, PlanResult, Finance]) -> None:
    _, _, fin = tiny
    k = fin.kpis
    approx = pytest.approx
    assert k["currency"] == fin.currency == "EUR"
    assert k["revenue"] == approx(975) and k["cogs"] == approx(450)
    assert k["gross_margin"] == approx(525)
    assert k["gross_margin_pct"] == approx(100 * 525 / 975, abs=1e-6)  # 53.846154
    # (467.671233 + 448.219178 + 465.068493) / 3 = 460.319635; peak in January
    wc = [170700 / 365, 20 + 156300 / 365, 50 + 151500 / 365]
    assert k["average_working_capital"] == approx(sum(wc) / 3, abs=1e-6)
    assert k["peak_working_capital"] == approx(wc[0], abs=1e-6)
    assert k["peak_working_capital_period"] == "2027-01"
    # stock = goods + materials = 0, 20, 50: ends at 50, averages 70/3
    assert k["ending_inventory_value"] == approx(50)
    assert k["average_inventory_value"] == approx(70 / 3, abs=1e-6)
    # turns = cogs annualised (450 x 12 / 3 = 1800) / average stock (70/3) = 77.142857
    assert k["inventory_turns"] == approx(1800 / (70 / 3), abs=1e-6)
    assert k["total_cash_flow"] == approx(495 + 19200 / 365, abs=1e-6)  # 547.602740


def test_identities_hold(tiny: tuple[Workspace, PlanResult, Finance]) -> None:
    _, _, fin = tiny
    f = fin.by_period
    stock = f["inventory_value"] + f["work_in_process_value"] + f["material_inventory_value"]
    assert gap(f["working_capital"], stock + f["receivables"] - f["payables"]) < 1e-5
    assert gap(f["gross_margin"], f["revenue"] - f["cogs"]) < 1e-5
    assert gap(f["cumulative_cash_flow"], f["cash_flow"].cum_sum()) < 1e-5
    # over the horizon the receivables swing nets out: cash = flows + (last - first payables)
    flows = f["revenue"] - f["material_purchases"] - f["conversion_costs"]
    swing = f["payables"][-1] - f["payables"][0] - (f["receivables"][-1] - f["receivables"][0])
    assert float(f["cash_flow"].sum()) == pytest.approx(float(flows.sum()) + swing, abs=1e-5)


def test_weekly_buckets_use_seven_days(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "week", dso=14, dpo=7)
    fin = plan_finance(ws, _plan(ws))
    assert fin.by_period["period"].to_list() == W3
    # same plan and flows; a week is 7 days: receivables = 325 x 14 / 7 = 650,
    # payables = (purchases + subcontract) x 7 / 7 = 20, 80, 100
    assert col(fin, "receivables") == pytest.approx([650] * 3)
    assert col(fin, "payables") == pytest.approx([20, 80, 100])
    # turns annualise over 52 weeks: 450 x 52 / 3 / (70/3)
    assert fin.kpis["inventory_turns"] == pytest.approx(450 * 52 / 3 / (70 / 3), abs=1e-6)


@pytest.mark.parametrize(
    ("sourcing", "bought"),
    [("buy", [60, 90, 90]), (" BUY ", [60, 90, 90]), ("make", [0, 0, 0]), ("", [0, 0, 0])],
)
def test_a_bought_in_item_is_paid_on_supplier_terms(
    tmp_path: Path, sourcing: str, bought: list[float]
) -> None:
    """`sourcing` buy: the item's cost beyond its materials (10 - 2 x 2 = 6 a unit, 10, 15
    and 15 units: 60, 90, 90) is a supplier invoice, in payables like materials and
    subcontracting; the plan and every other column are those of an item made in house."""
    made = _workspace(tmp_path / "made", "week", dso=14, dpo=7)
    ws = _workspace(tmp_path / "other", "week", dso=14, dpo=7, sourcing=sourcing)
    base, res = _plan(made), _plan(ws)
    assert_frame_equal(res.supply, base.supply)
    fin, ref = plan_finance(ws, res), plan_finance(made, base)
    # a week is 7 days and DPO 7: payables = purchases + subcontract + bought-in goods
    assert col(fin, "payables") == pytest.approx([20 + bought[0], 80 + bought[1], 100 + bought[2]])
    for name in COLUMNS:
        if name in ("payables", "working_capital", "cash_flow", "cumulative_cash_flow"):
            continue
        assert fin.by_period[name].to_list() == ref.by_period[name].to_list(), name
    extra = [b - a for a, b in zip(col(ref, "payables"), col(fin, "payables"), strict=True)]
    wc = [a - e for a, e in zip(col(ref, "working_capital"), extra, strict=True)]
    assert col(fin, "working_capital") == pytest.approx(wc)
    # cash: a rise in payables is cash not yet paid out (opening payables = period 1's)
    swing = [0.0] + [extra[t] - extra[t - 1] for t in (1, 2)]
    cash = [c + d for c, d in zip(col(ref, "cash_flow"), swing, strict=True)]
    assert col(fin, "cash_flow") == pytest.approx(cash)


def test_deterministic(tiny: tuple[Workspace, PlanResult, Finance]) -> None:
    ws, res, fin = tiny
    again = plan_finance(ws, _plan(ws))
    assert_frame_equal(again.by_period, fin.by_period)
    assert again.kpis == fin.kpis
    assert_frame_equal(_plan(ws).costs_by_period, res.costs_by_period)


def test_no_plan_no_finance(tiny: tuple[Workspace, PlanResult, Finance]) -> None:
    ws, res, _ = tiny
    empty = PlanResult(
        status="infeasible",
        objective=None,
        currency="EUR",
        supply=pl.DataFrame(),
        shipments=pl.DataFrame(),
        capacity=pl.DataFrame(),
        materials=pl.DataFrame(),
        exceptions=pl.DataFrame(),
        shadow_prices=pl.DataFrame(),
        service=pl.DataFrame(),
        costs={},
        solver=res.solver,
    )
    assert empty.costs_by_period.is_empty()
    with pytest.raises(ValueError, match="no plan"):
        plan_finance(ws, empty)


@pytest.fixture(scope="module")
def northwind() -> tuple[Workspace, PlanResult, Finance]:
    from tests.test_reconcile_demo import ROOT, seasonal_naive

    ws, report = load_workspace(ROOT)
    assert report.ok
    res = reconcile(ws, seasonal_naive(ws))
    assert res.ok
    return ws, res, plan_finance(ws, res)


def test_demo_ties_back_to_the_plan(northwind: tuple[Workspace, PlanResult, Finance]) -> None:
    ws, res, fin = northwind
    f = fin.by_period
    assert f["period"].to_list() == ws.periods()
    # revenue recomputed row by row: segment price where prices.csv has one, else the item's
    items = {r["item"]: r for r in ws.tables["items"].frame.iter_rows(named=True)}
    seg = {
        (r["item"], r["segment"]): r["price"]
        for r in ws.tables["prices"].frame.iter_rows(named=True)
    }
    revenue = sum(
        r["shipped"] * seg.get((r["item"], r["segment"]), items[r["item"]]["price"])
        for r in res.shipments.iter_rows(named=True)
    )
    assert fin.kpis["revenue"] == pytest.approx(revenue, rel=1e-9)
    # purchases = the optimiser's material cost (receipts) + the open orders at cost
    mat_cost = {
        r["material"]: r["unit_cost"] for r in ws.tables["materials"].frame.iter_rows(named=True)
    }
    on_order = sum(
        r["open_orders"] * mat_cost[r["material"]] for r in res.materials.iter_rows(named=True)
    )
    assert float(f["material_purchases"].sum()) == pytest.approx(
        res.costs["materials"] + on_order, rel=1e-9
    )
    cash = sum(res.costs[c] for c in CASH_COMPONENTS)
    # with the bought-in items' cost invoiced when they arrive, not when ordered: their planned
    # orders and the purchase orders placed before the cycle (scheduled receipts), at their
    # unit cost (the demo's bought-in items have no BOM and no dated cost); the released work
    # orders of made items were paid before the horizon
    bought = {i for i, r in items.items() if r["sourcing"] == "buy"}
    assert bought.isdisjoint(ws.tables["bom"].frame["item"].to_list())
    assert "period_costs" not in ws.tables
    receipts = list(ws.tables["scheduled_receipts"].frame.iter_rows(named=True))
    placed = sum(
        r["quantity"] * items[r["item"]]["unit_cost"] for r in receipts if r["item"] in bought
    )
    assert placed > 0 and any(r["item"] not in bought for r in receipts)
    ordered = arrived = 0.0
    for r in res.supply.filter(pl.col("item").is_in(list(bought))).iter_rows(named=True):
        ordered += r["production"] * items[r["item"]]["unit_cost"]
        arrived += r["production_arrivals"] * items[r["item"]]["unit_cost"]
    assert ordered == pytest.approx(arrived)  # nothing ordered lands after the horizon
    conversion = float(f["conversion_costs"].sum())
    assert conversion == pytest.approx(cash - ordered + arrived + placed, rel=1e-9)
    per = res.costs_by_period.group_by("component").agg(pl.col("value").sum())
    for comp, value in per.iter_rows():
        assert value == pytest.approx(res.costs[comp], abs=1e-4)
    stock = f["inventory_value"] + f["work_in_process_value"] + f["material_inventory_value"]
    assert gap(f["working_capital"], stock + f["receivables"] - f["payables"]) < 1e-5
    assert float(f["work_in_process_value"].min()) >= 0 < float(f["work_in_process_value"].max())
    peak = float(f["working_capital"].to_numpy().max())
    assert fin.kpis["peak_working_capital"] == pytest.approx(peak)


def test_demo_cash_is_profit_less_the_change_in_working_capital(
    northwind: tuple[Workspace, PlanResult, Finance],
) -> None:
    """docs/finance.md's identity on the demo (bought-in goods, scheduled receipts, lead
    times): total cash flow = gross margin - labour and resource time - subcontract premium -
    materials above standard + stock revaluation - (last working capital - opening)."""
    _, res, fin = northwind
    k = {n: v for n, v in fin.kpis.items() if isinstance(v, float)}
    labour = sum(res.costs[c] for c in ("regular_time", "overtime", "hiring", "layoffs"))
    profit = k["gross_margin"] - labour - k["subcontract_premium"]
    profit += k["stock_revaluation"] - k["materials_above_standard"]
    change = float(fin.by_period["working_capital"][-1]) - k["opening_working_capital"]
    assert k["total_cash_flow"] == pytest.approx(profit - change, abs=1e-3)
