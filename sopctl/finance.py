"""Finance: the supply plan in money, per period and as a handful of KPIs.

`plan_finance(ws, result)` is a pure function of a loaded Workspace and a `PlanResult`; it
reads the charter's finance block, items (unit_cost, price, sourcing), prices and materials
(unit_cost), and the plan's shipments, supply, materials and `costs_by_period` frames. All
money is in the charter's currency. The formulas, sign conventions and assumptions are in
docs/finance.md; the flows and stock values come from `sopctl.finance_flows`:

- revenue = sum shipped x price; cogs = sum shipped x the period's standard cost
- inventory_value, work_in_process_value, material_inventory_value: stock at the period's
  standard cost (work in process: started or scheduled, not yet arrived)
- material_purchases = (planned receipts + open-order arrivals) x the material's cost
- conversion_costs = the optimiser's cash costs other than materials (production when
  started, regular_time, overtime, hiring, layoffs, subcontract), with a bought-in item's
  production cost moved from the period it is ordered to the period it arrives (its supplier
  invoices it on receipt), scheduled receipts of bought-in items included
- receivables and payables by the count-back method: the balance at a period's end is the
  flow of the last DSO (DPO) days, this period's and then earlier ones' (revenue; material
  purchases + subcontract + bought-in receipts), the periods before the horizon taken equal
  to the first (steady state: no swing in period 1); days per period 365 / 12 or 7
- working_capital = the three stock values + receivables - payables
- cash_flow = revenue - material_purchases - conversion_costs - change in receivables + change
  in payables = profit - change in working capital, profit being the gross margin less the
  labour costs, the subcontract premium and materials above standard, plus stock revaluation
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from .finance_flows import CASH_COMPONENTS, LABOUR_COMPONENTS, flows
from .periods import DAYS_PER_PERIOD, PERIODS_PER_YEAR
from .reconcile.result import DECIMALS, rounded

if TYPE_CHECKING:
    from .reconcile import PlanResult
    from .validate import Workspace

__all__ = [
    "CASH_COMPONENTS",
    "COLUMNS",
    "DAYS_PER_PERIOD",
    "LABOUR_COMPONENTS",
    "NON_CASH_COMPONENTS",
    "PENALTY_COMPONENTS",
    "Finance",
    "count_back",
    "operating_cost",
    "plan_finance",
]

# the rest of the objective: penalties and holding costs steer the optimiser but pay nobody
# (materials are valued from the plan's receipts and open orders instead)
NON_CASH_COMPONENTS = (
    "holding",
    "backlog",
    "lost_sales",
    "lost_revenue",
    "safety_stock",
    "material_holding",
)
# the parts of the objective that are no cost of operating: shortage penalties, the safety-stock
# penalty and the price of units never sold (a lost sale shows there and again as revenue not
# earned, so revenue - plan cost would count it twice)
PENALTY_COMPONENTS = ("backlog", "lost_sales", "lost_revenue", "safety_stock")
# the objective (`costs.total`) and the cost without PENALTY_COMPONENTS as every output labels
# them: report, compare, diff, reconcile's summary (docs/finance.md, "Plan cost and operating cost")
PLAN_COST = "Plan cost incl. penalties and lost revenue"
OPERATING_COST = "operating cost, without penalties and lost revenue"
# a cost part that is a penalty says so where the parts are listed (reconcile's cost table,
# compare): 'safety stock' alone read as the cost of holding it
PENALTY_WORDS = {
    "backlog": "backlog penalty",
    "lost_sales": "lost-sales penalty",
    "safety_stock": "safety-stock penalty",
}


def cost_words(component: str) -> str:
    """A cost part as the tables name it: 'regular time', 'safety-stock penalty'."""
    return PENALTY_WORDS.get(component, component.replace("_", " "))


def operating_cost(costs: Mapping[str, Any]) -> float | None:
    """The plan cost without its penalties and lost revenue: summary.json's `costs.total`
    less PENALTY_COMPONENTS (None without a total)."""
    total = costs.get("total")
    if not isinstance(total, int | float) or isinstance(total, bool):
        return None
    parts = (costs.get(k) for k in PENALTY_COMPONENTS)
    return float(total) - sum(float(v) for v in parts if isinstance(v, int | float))


COLUMNS = (
    "period",
    "revenue",
    "cogs",
    "gross_margin",
    "gross_margin_pct",
    "material_purchases",
    "conversion_costs",
    "inventory_value",
    "work_in_process_value",
    "material_inventory_value",
    "receivables",
    "payables",
    "working_capital",
    "cash_flow",
    "cumulative_cash_flow",
)

Kpi = float | str | None
FloatArr = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Finance:
    """The plan in money: `by_period` (one row per horizon period, COLUMNS) and `kpis`."""

    currency: str
    by_period: pl.DataFrame
    kpis: dict[str, Kpi] = field(default_factory=dict)


def count_back(flow: FloatArr, window_days: float, days_per_period: float) -> FloatArr:
    """The balance at each period's end that is the flow of the last `window_days` days (the
    count-back method): this period's flow, then each earlier period's, the last of them in
    part (a flow spread evenly over its period); the periods before the horizon are taken
    equal to the first (steady state), so the balance before the first period equals the
    first period's."""
    T = flow.size
    if T == 0 or window_days <= 0:
        return np.zeros(T)
    span = window_days / days_per_period  # the window in periods
    lags = int(min(math.ceil(span), T))
    weight = np.clip(span - np.arange(lags), 0.0, 1.0)  # of this period, the one before, ...
    inside = np.convolve(flow, weight)[:T]  # the periods of the horizon
    before = flow[0] * np.maximum(span - np.arange(T) - 1.0, 0.0)  # the periods before it
    return np.asarray(inside + before, dtype=np.float64)


def plan_finance(ws: Workspace, result: PlanResult) -> Finance:
    """The plan's revenue, margin, working capital and cash flow per period, and its KPIs.

    `result` must carry a plan (a solution): its supply and per-period cost frames are read.
    """
    if ws.charter is None or ws.cycle is None:
        raise ValueError("the workspace has no charter or cycle; validate it first")
    if result.supply.is_empty() or result.costs_by_period.is_empty():
        raise ValueError(f"the reconcile result has no plan to value (status {result.status})")
    fin, bucket = ws.charter.finance, ws.charter.cadence.bucket
    days = DAYS_PER_PERIOD[bucket]
    base, opening_stock = flows(ws, result)
    rev, cogs = pl.col("revenue"), pl.col("cogs")
    ar, ap = pl.col("receivables"), pl.col("payables")
    stock = pl.col("inventory_value") + pl.col("work_in_process_value")
    frame = (
        base.with_columns(
            gross_margin=rev - cogs,
            gross_margin_pct=pl.when(rev > 0).then(100.0 * (rev - cogs) / rev),
            receivables=count_back(base["revenue"].to_numpy(), fin.dso_days, days),
            payables=count_back(base["invoiced"].to_numpy(), fin.dpo_days, days),
        )
        .with_columns(
            working_capital=stock + pl.col("material_inventory_value") + ar - ap,
            # opening receivables / payables = the first period's: no swing in period 1
            cash_flow=rev
            - pl.col("material_purchases")
            - pl.col("conversion_costs")
            - ar.diff().fill_null(0.0)
            + ap.diff().fill_null(0.0),
        )
        .with_columns(cumulative_cash_flow=pl.col("cash_flow").cum_sum())
    )
    opening = opening_stock + float(frame["receivables"][0]) - float(frame["payables"][0])
    kpis = _kpis(frame, PERIODS_PER_YEAR[bucket], fin.currency, opening)
    return Finance(currency=fin.currency, by_period=rounded(frame.select(COLUMNS)), kpis=kpis)


def _kpis(
    frame: pl.DataFrame, periods_per_year: int, currency: str, opening: float
) -> dict[str, Kpi]:
    """Horizon KPIs from the unrounded per-period frame (money rounded to 6 decimals)."""
    T = frame.height

    def total(col: str) -> float:
        return float(frame[col].to_numpy().sum())

    revenue, cogs = total("revenue"), total("cogs")
    wc = frame["working_capital"].to_numpy()
    peak = int(wc.argmax())  # the first period at the peak
    parts = ("inventory_value", "work_in_process_value", "material_inventory_value")
    stock = frame.select(pl.sum_horizontal(parts)).to_series().to_numpy()
    avg_stock = float(stock.mean())
    annual_cogs = cogs * periods_per_year / T
    out: dict[str, Kpi] = {
        "revenue": revenue,
        "cogs": cogs,
        "gross_margin": revenue - cogs,
        "gross_margin_pct": 100.0 * (revenue - cogs) / revenue if revenue > 0 else None,
        "subcontract_premium": total("subcontract_premium"),
        "materials_above_standard": total("materials_above_standard"),
        "stock_revaluation": total("stock_revaluation"),
        "opening_working_capital": opening,
        "average_working_capital": float(wc.mean()),
        "peak_working_capital": float(wc[peak]),
        "peak_working_capital_period": str(frame["period"][peak]),
        "ending_inventory_value": float(stock[-1]),
        "average_inventory_value": avg_stock,
        "inventory_turns": annual_cogs / avg_stock if avg_stock > 0 else None,
        "total_cash_flow": total("cash_flow"),
        "currency": currency,
    }
    return {k: _clean(v) for k, v in out.items()}


def _clean(v: Kpi) -> Kpi:
    if not isinstance(v, float):
        return v
    r = round(v, DECIMALS)
    return 0.0 if r == 0 else r
