"""Finance's method, worked by hand: goods in process, bought-in goods invoiced on receipt,
receivables and payables by the count-back method, and cash = profit - change in working
capital (the cases a financial controller checked against her own script)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sopctl.finance import Finance, count_back, plan_finance
from sopctl.finance_flows import flows
from sopctl.reconcile import PlanResult, reconcile
from sopctl.validate import Workspace, load_workspace
from tests.test_reconcile_support import ITEMS_HEADER, demand, make_ws, segment

MONTH = 365 / 12
# one item X bought or made at 6, sold at 10, lead time 1; 50 a month to one backlog segment
ITEMS = ITEMS_HEADER.replace("\n", ",sourcing\n") + "X,6,10,{lead},0.1,,,{sourcing}\n"


def _ws(
    root: Path,
    files: dict[str, str],
    *,
    dso: float,
    dpo: float,
    bucket: str = "month",
    first: str = "2027-01",
) -> Workspace:
    make_ws(root, files, segments=[segment("s", 1, "backlog", 20.0)], bucket=bucket, first=first)
    charter = root / "charters" / "test.yaml"
    text = charter.read_text(encoding="utf-8")
    text = text.replace("dso_days: 30, dpo_days: 30", f"dso_days: {dso}, dpo_days: {dpo}")
    charter.write_text(text, encoding="utf-8")
    ws, report = load_workspace(root, "2026-12")
    assert report.ok
    return ws


def _finance(ws: Workspace, quantities: list[float]) -> tuple[PlanResult, Finance]:
    rows = [("X", "s", p, q) for p, q in zip(ws.periods(), quantities, strict=True)]
    res = reconcile(ws, demand(rows))
    assert res.status == "optimal", (res.diagnosis, res.hints)
    return res, plan_finance(ws, res)


def col(fin: Finance, name: str) -> list[float]:
    return [float(v) for v in fin.by_period[name].to_list()]


def _transit(root: Path, sourcing: str, on_hand: int, receipts: str | None) -> Finance:
    files = {
        "items.csv": ITEMS.format(lead=1, sourcing=sourcing),
        "inventory.csv": f"item,on_hand,safety_stock,ending_target\nX,{on_hand},0,0\n",
    }
    if receipts is not None:
        files["scheduled_receipts.csv"] = "order_id,item,period,quantity\n" + receipts
    res, fin = _finance(_ws(root, files, dso=30, dpo=45), [50.0] * 3)
    assert res.supply["shipments"].to_list() == pytest.approx([50, 50, 50])
    assert res.supply["production"].to_list() == pytest.approx([50, 50, 0])
    return fin


def test_a_steady_business_has_flat_working_capital_and_cash(tmp_path: Path) -> None:
    """X bought in: 50 a month ordered a month ahead (December's order arrives in January as
    a scheduled receipt), 50 sold. Each month: revenue 500, 300 invoiced on receipt; DSO 30
    and DPO 45 days of a 365/12-day month: receivables 500 x 30 x 12/365 = 180000/365,
    payables 300 x 45 x 12/365 = 162000/365; working capital 18000/365 = 49.32 and cash
    500 - 300 = 200 every month. Before, a bought-in order was invoiced when placed: January
    owed December's receipt and its own order (887.67) and March, which orders nothing (it
    would land after the horizon), owed nothing (working capital 493.15, cash 56.16)."""
    fin = _transit(tmp_path, "buy", 0, "PO-1,X,2027-01,50\n")
    assert col(fin, "conversion_costs") == pytest.approx([300] * 3)
    assert col(fin, "receivables") == pytest.approx([180000 / 365] * 3)
    assert col(fin, "payables") == pytest.approx([162000 / 365] * 3)
    assert col(fin, "working_capital") == pytest.approx([18000 / 365] * 3)
    assert col(fin, "cash_flow") == pytest.approx([200] * 3)


def test_the_last_period_keeps_its_invoices(tmp_path: Path) -> None:
    """The controller's repro: 50 on hand and nothing on order instead of December's order.
    January sells the stock on hand (paid before the horizon, as all opening stock) and
    receives nothing: no invoice, cash 500. February receives January's order: payables 300
    (its own receipts; January's were 0), cash 500 - 300 + 300 = 500. March receives
    February's: payables 300 + (45 - 365/12) x 300 / (365/12) = 162000/365 = 443.84, the
    steady level (before: 0, the order March did not place), cash 200 + 143.84. March's
    working capital is the steady 49.32, not 493.15."""
    fin = _transit(tmp_path, "buy", 50, None)
    assert col(fin, "conversion_costs") == pytest.approx([0, 300, 300])
    assert col(fin, "payables") == pytest.approx([0, 300, 162000 / 365])
    ar = 180000 / 365
    assert col(fin, "working_capital") == pytest.approx([ar, ar - 300, 18000 / 365])
    assert col(fin, "cash_flow") == pytest.approx([500, 500, 200 + 162000 / 365 - 300])


def test_goods_in_production_are_work_in_process(tmp_path: Path) -> None:
    """X made in house on a lead time of a month: January's and February's 50 are paid when
    started (300) and arrive a month later; at each month's end 50 are in process at 6 (300),
    none at March's end (March starts nothing: it would land after the horizon). Working
    capital holds them: 300 + 180000/365, twice, then 180000/365; cash 200, 200, 500."""
    fin = _transit(tmp_path, "make", 50, None)
    assert col(fin, "conversion_costs") == pytest.approx([300, 300, 0])
    assert col(fin, "work_in_process_value") == pytest.approx([300, 300, 0])
    assert col(fin, "payables") == pytest.approx([0, 0, 0])
    ar = 180000 / 365
    assert col(fin, "working_capital") == pytest.approx([300 + ar, 300 + ar, ar])
    assert col(fin, "cash_flow") == pytest.approx([200, 200, 500])
    # opening: 50 on hand at 6 + receivables of the steady state, no payables
    assert fin.kpis["opening_working_capital"] == pytest.approx(300 + ar, abs=1e-6)


def test_receivables_and_payables_count_back_over_weeks(tmp_path: Path) -> None:
    """Weekly, X bought in with no lead time: 50, 60 and 0 sold and bought (invoiced on
    receipt at 6: 300, 360, 0); DSO 30 days = 30/7 weeks, DPO 10 days = 10/7 weeks.

    Receivables are the sales of the last 30 days: the week's, then earlier weeks', the
    oldest in part; the weeks before the horizon are taken as the first (500):
      W01: 500 x 30/7 = 15000/7
      W02: 600 + 500 x 23/7 = 15700/7   (W01 and 16/7 weeks before it)
      W03: 0 + 600 + 500 x 16/7 = 12200/7
    Payables, the last 10 days' invoices: 300 x 10/7 = 3000/7; 360 + 300 x 3/7 = 3420/7;
    0 + 360 x 3/7 = 1080/7. Before, each week's own flow was scaled (revenue x 30/7), so a
    week without sales had no receivables and W03's cash was 2,571 on no sales."""
    files = {
        "items.csv": ITEMS.format(lead=0, sourcing="buy"),
        "inventory.csv": "item,on_hand,safety_stock,ending_target\nX,0,0,0\n",
    }
    ws = _ws(tmp_path, files, dso=30, dpo=10, bucket="week", first="2027-W01")
    _, fin = _finance(ws, [50.0, 60.0, 0.0])
    assert col(fin, "revenue") == pytest.approx([500, 600, 0])
    assert col(fin, "conversion_costs") == pytest.approx([300, 360, 0])
    assert col(fin, "receivables") == pytest.approx([15000 / 7, 15700 / 7, 12200 / 7])
    assert col(fin, "payables") == pytest.approx([3000 / 7, 3420 / 7, 1080 / 7])
    # cash = revenue - conversion - d receivables + d payables (opening = the first week's)
    assert col(fin, "cash_flow") == pytest.approx([200, 140 + 60, 500 - 2340 / 7])


def _naive(flow: list[float], window: float, days: float) -> list[float]:
    """The count-back by its definition, day by day over a long enough past."""
    past = [flow[0]] * (int(window // days) + 2) + flow
    out = []
    for t in range(len(flow)):
        end = len(past) - len(flow) + t  # this period's index in `past`
        left, total, k = window, 0.0, 0
        while left > 0:
            share = min(left, days) / days
            total += share * past[end - k]
            left -= days
            k += 1
        out.append(total)
    return out


@pytest.mark.parametrize("window", [0.0, 3.5, 7.0, 10.0, 30.0, 45.0, 200.0])
@pytest.mark.parametrize("days", [7.0, MONTH])
def test_count_back_matches_its_definition(window: float, days: float) -> None:
    flow = [500.0, 600.0, 0.0, 250.0]
    got = count_back(np.array(flow), window, days)
    assert got.tolist() == pytest.approx(_naive(flow, window, days))
    # the balance before the horizon (all periods as the first) is the first period's
    assert got[0] == pytest.approx(flow[0] * window / days)


# A made on a lead time of one month from 2 M (at 2, 3 from February) on a line of 12 hours;
# B bought in on a lead time of one month, with a scheduled receipt of 10 in January; A can
# be subcontracted at 15 (standard 10), the line has paid overtime; both revalue in February.
IDENTITY = {
    "items.csv": ITEMS_HEADER.replace("\n", ",sourcing\n")
    + "A,10,20,1,0.5,15,,make\nB,6,9,1,0.1,,,buy\n",
    "resources.csv": "resource,kind,hours,regular_cost,overtime_cost,overtime_limit\n"
    "LINE,fixed,12,1,3,4\n",
    "routings.csv": "item,resource,hours_per_unit\nA,LINE,1\n",
    "inventory.csv": "item,on_hand,safety_stock,ending_target\nA,6,0,2\nB,3,0,0\n",
    "materials.csv": "material,supplier,unit_cost,lead_time,capacity,on_hand\nM,Acme,2,0,,8\n",
    "bom.csv": "item,material,quantity_per\nA,M,2\n",
    "material_period_costs.csv": "material,period,unit_cost\nM,2027-02,3\nM,2027-03,3\n",
    "scheduled_receipts.csv": "order_id,item,period,quantity\nPO-1,B,2027-01,10\n",
}


@pytest.mark.parametrize("below", [False, True])
def test_cash_is_profit_less_the_change_in_working_capital(tmp_path: Path, below: bool) -> None:
    """Over the horizon, and period by period: cash = gross margin - labour and resource time
    - subcontract premium - materials above standard + stock revaluation - (working capital
    at the end - working capital at the start), with DSO and DPO longer than a month.
    `below`: A's February standard (5) is below its materials (2 x 3): 1 a unit started then
    is paid beyond the standard."""
    files = dict(IDENTITY)
    if below:
        files["period_costs.csv"] = "item,period,unit_cost\nA,2027-02,5\n"
    ws = _ws(tmp_path, files, dso=50, dpo=70)
    rows = [(i, "s", p, q) for p in ws.periods() for i, q in (("A", 14.0), ("B", 8.0))]
    res = reconcile(ws, demand(rows))
    assert res.status == "optimal", (res.diagnosis, res.hints)
    fin = plan_finance(ws, res)
    k = {n: v for n, v in fin.kpis.items() if isinstance(v, float)}
    f, costs = fin.by_period, res.costs
    assert costs["subcontract"] > 0 and costs["overtime"] > 0  # the case exercises both
    assert float(f["work_in_process_value"].sum()) > 0
    assert k["stock_revaluation"] != 0
    started = res.supply.filter((res.supply["item"] == "A") & (res.supply["period"] == "2027-02"))
    assert k["materials_above_standard"] == pytest.approx(
        float(started["production"][0]) * (6 - 5) if below else 0.0
    )
    labour = sum(costs[c] for c in ("regular_time", "overtime", "hiring", "layoffs"))
    sub_units = res.supply.filter(res.supply["item"] == "A")["subcontract"].to_numpy()
    assert k["subcontract_premium"] == pytest.approx(costs["subcontract"] - 10 * sub_units.sum())
    profit = k["gross_margin"] - labour - k["subcontract_premium"]
    profit += k["stock_revaluation"] - k["materials_above_standard"]
    change = float(f["working_capital"][-1]) - k["opening_working_capital"]
    assert k["total_cash_flow"] == pytest.approx(profit - change, abs=1e-4)
    # period by period, from the unrounded parts
    parts, _ = flows(ws, res)
    margin = parts["revenue"] - parts["cogs"]
    beyond = parts["labour"] + parts["subcontract_premium"] + parts["materials_above_standard"]
    wc = np.concatenate([[k["opening_working_capital"]], f["working_capital"].to_numpy()])
    each = (margin - beyond + parts["stock_revaluation"]).to_numpy() - np.diff(wc)
    assert f["cash_flow"].to_list() == pytest.approx(each.tolist(), abs=1e-4)


def test_the_report_card_names_every_cost_the_gross_margin_leaves_out(tmp_path: Path) -> None:
    """The gross-margin card lists each part with its amount: labour and resource time, the
    subcontract premium (8 A subcontracted at 15 against a standard of 10: 40 EUR) and the
    stock revaluation; the margin after them is the profit whose cash is profit - change in
    working capital. The turns card says it is a yearly rate."""
    from types import SimpleNamespace

    from sopctl.report.headline import kpis

    ws = _ws(tmp_path, IDENTITY, dso=50, dpo=70)
    rows = [(i, "s", p, q) for p in ws.periods() for i, q in (("A", 14.0), ("B", 8.0))]
    res = reconcile(ws, demand(rows))
    fin = plan_finance(ws, res)
    summary = {"finance": fin.kpis, "costs": res.costs}
    cards = {k.label: k for k in kpis(SimpleNamespace(ws=ws), summary)}  # type: ignore[arg-type]
    margin = cards["Gross margin (COGS at standard cost)"].detail
    assert (
        "it excludes labour and resource time (regular time 24 EUR, overtime 18 EUR, hiring "
        "0 EUR, layoffs 0 EUR), the subcontract premium (subcontracted units beyond their "
        "standard cost): 40 EUR; stock revalued at new standard costs: +60 EUR; after them "
        "414 EUR, 39.2 % of revenue." in margin
    )
    # 436 - 24 - 18 - 40 + 60 = 414 of 1,056 revenue
    assert fin.kpis["gross_margin"] == pytest.approx(436)
    turns = cards["Inventory turns per year"]
    assert turns.detail.startswith("annualised: COGS a year ÷ average inventory")
