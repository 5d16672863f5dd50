"""Finance: the supply plan in money, per period and as a handful of KPIs.

`plan_finance(ws, result)` is a pure function of a loaded Workspace and a `PlanResult`; it
reads the charter's finance block, items (unit_cost, price), prices and materials (unit_cost),
and the plan's shipments, supply, materials and `costs_by_period` frames. All money is in the
charter's currency. The formulas, sign conventions and assumptions are in docs/finance.md:

- revenue = sum shipped x price (period_prices.csv for item x segment x period, else
  prices.csv for item x segment, else items.price)
- cogs = sum shipped x the item's standard cost that period (sopctl.costs: period_costs, else
  items.unit_cost with its materials at that period's prices)
- inventory_value = sum ending inventory x the item's standard cost that period;
  material_inventory_value = sum ending material stock x the material's cost that period
- material_purchases = (planned receipts + open-order arrivals) x the material's cost that
  period (material_period_costs, else materials.unit_cost)
- conversion_costs = the optimiser's own cash costs of the period other than materials
  (production, regular_time, overtime, hiring, layoffs, subcontract), plus the scheduled
  receipts of bought-in items arriving that period x their production cost. Penalties
  (backlog, lost_sales, lost_revenue, safety_stock) and holding costs are not cash and are
  left out. A scheduled receipt of an item made in house is not cash in the horizon: it was
  released (and paid) before it, like the stock on hand.
- receivables = revenue x DSO / days per period; payables = (material_purchases +
  subcontract + bought-in goods) x DPO / days per period, where bought-in goods are the
  production cost of items with `sourcing` buy, planned orders in the period they are placed
  and scheduled receipts in the period they arrive (a supplier invoices them, as it does
  materials); days per period = 365 / 12 (month) or 7 (week)
- working_capital = inventory_value + material_inventory_value + receivables - payables
- cash_flow = revenue - material_purchases - conversion_costs - change in receivables + change
  in payables; the opening receivables and payables equal the first period's (steady state),
  so the first period has no working-capital swing from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from .costs import columns as _table
from .costs import per_period
from .periods import DAYS_PER_PERIOD, PERIODS_PER_YEAR
from .reconcile.result import DECIMALS, rounded

if TYPE_CHECKING:
    from .reconcile import PlanResult
    from .validate import Workspace

__all__ = [
    "CASH_COMPONENTS",
    "COLUMNS",
    "DAYS_PER_PERIOD",
    "NON_CASH_COMPONENTS",
    "PENALTY_COMPONENTS",
    "Finance",
    "operating_cost",
    "plan_finance",
]

# cost components of the reconcile objective that are paid in cash, besides materials
CASH_COMPONENTS = ("production", "regular_time", "overtime", "hiring", "layoffs", "subcontract")
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
    "material_inventory_value",
    "receivables",
    "payables",
    "working_capital",
    "cash_flow",
    "cumulative_cash_flow",
)

Kpi = float | str | None


@dataclass(frozen=True)
class Finance:
    """The plan in money: `by_period` (one row per horizon period, COLUMNS) and `kpis`."""

    currency: str
    by_period: pl.DataFrame
    kpis: dict[str, Kpi] = field(default_factory=dict)


def _per_period(df: pl.DataFrame, **aggs: pl.Expr) -> pl.DataFrame:
    """`df` summed per period into the named columns (nothing for an empty frame)."""
    if df.is_empty():
        return pl.DataFrame(schema={"period": pl.String} | dict.fromkeys(aggs, pl.Float64))
    return df.group_by("period").agg(e.sum().cast(pl.Float64).alias(k) for k, e in aggs.items())


def _flows(ws: Workspace, result: PlanResult) -> pl.DataFrame:
    """Revenue, cogs, stock values, purchases and cash costs per period (unrounded)."""
    items = (
        _table(ws, "items", {"item": pl.String, "unit_cost": pl.Float64, "price": pl.Float64})
        .drop_nulls("item")
        .unique("item", keep="first", maintain_order=True)
    )
    seg_prices = (
        _table(ws, "prices", {"item": pl.String, "segment": pl.String, "price": pl.Float64})
        .drop_nulls()
        .unique(["item", "segment"], keep="first", maintain_order=True)
        .rename({"price": "segment_price"})
    )
    period_prices = (
        _table(
            ws,
            "period_prices",
            {"item": pl.String, "segment": pl.String, "period": pl.String, "price": pl.Float64},
        )
        .drop_nulls()
        .unique(["item", "segment", "period"], keep="first", maintain_order=True)
        .rename({"price": "period_price"})
    )
    unit_costs, mats = per_period(ws)
    mats = mats.drop("base")
    ship = result.shipments.select("item", "segment", "period", "shipped")
    sales = _per_period(
        ship.join(period_prices, on=["item", "segment", "period"], how="left")
        .join(seg_prices, on=["item", "segment"], how="left")
        .join(items.drop("unit_cost"), on="item", how="left")
        .join(unit_costs, on=["item", "period"], how="left"),
        revenue=pl.col("shipped")
        * pl.coalesce("period_price", "segment_price", "price", pl.lit(0.0)),
        cogs=pl.col("shipped") * pl.col("unit_cost").fill_null(0.0),
    )
    stock = _per_period(
        result.supply.select("item", "period", "inventory").join(
            unit_costs, on=["item", "period"], how="left"
        ),
        inventory_value=pl.col("inventory") * pl.col("unit_cost").fill_null(0.0),
    )
    buy = (
        _table(ws, "items", {"item": pl.String, "sourcing": pl.String})
        .filter(pl.col("sourcing") == "buy")
        .select("item")
        .unique()
    )
    # a scheduled receipt of a bought-in item is a supplier invoice on arrival (as an open
    # order of a material); one of an item made in house was paid when it was released
    sched = pl.col("scheduled_receipts") if "scheduled_receipts" in result.supply.columns else 0.0
    cost = pl.col("production_cost").fill_null(0.0)
    bought = _per_period(
        result.supply.select("item", "period", "production", scheduled=sched)
        .join(buy, on="item", how="semi")
        .join(unit_costs, on=["item", "period"], how="left"),
        bought_in=(pl.col("production") + pl.col("scheduled")) * cost,
        scheduled_buy=pl.col("scheduled") * cost,
    )
    mat_cost = pl.col("unit_cost").fill_null(0.0)
    material = _per_period(
        result.materials.join(mats, on=["material", "period"], how="left"),
        material_inventory_value=pl.col("inventory") * mat_cost,
        material_purchases=(pl.col("receipts") + pl.col("open_orders").fill_null(0.0)) * mat_cost,
    )
    comp = pl.col("component")
    costs = _per_period(
        result.costs_by_period,
        conversion_costs=pl.col("value").filter(comp.is_in(CASH_COMPONENTS)),
        subcontract=pl.col("value").filter(comp == "subcontract"),
    )
    base = pl.DataFrame({"period": ws.periods()}, schema={"period": pl.String})
    for part in (sales, stock, material, costs, bought):
        base = base.join(part, on="period", how="left", maintain_order="left")
    base = base.with_columns(pl.exclude("period").fill_null(0.0))
    return base.with_columns(pl.col("conversion_costs") + pl.col("scheduled_buy"))


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
    rev, cogs = pl.col("revenue"), pl.col("cogs")
    ar, ap = pl.col("receivables"), pl.col("payables")
    frame = (
        _flows(ws, result)
        .with_columns(
            gross_margin=rev - cogs,
            gross_margin_pct=pl.when(rev > 0).then(100.0 * (rev - cogs) / rev),
            receivables=rev * fin.dso_days / days,
            payables=(pl.col("material_purchases") + pl.col("subcontract") + pl.col("bought_in"))
            * fin.dpo_days
            / days,
        )
        .with_columns(
            working_capital=pl.col("inventory_value")
            + pl.col("material_inventory_value")
            + ar
            - ap,
            # opening receivables / payables = the first period's: no swing in period 1
            cash_flow=rev
            - pl.col("material_purchases")
            - pl.col("conversion_costs")
            - ar.diff().fill_null(0.0)
            + ap.diff().fill_null(0.0),
        )
        .with_columns(cumulative_cash_flow=pl.col("cash_flow").cum_sum())
    )
    kpis = _kpis(frame, PERIODS_PER_YEAR[bucket], fin.currency)
    return Finance(currency=fin.currency, by_period=rounded(frame.select(COLUMNS)), kpis=kpis)


def _kpis(frame: pl.DataFrame, periods_per_year: int, currency: str) -> dict[str, Kpi]:
    """Horizon KPIs from the unrounded per-period frame (money rounded to 6 decimals)."""
    T = frame.height

    def total(col: str) -> float:
        return float(frame[col].to_numpy().sum())

    revenue, cogs = total("revenue"), total("cogs")
    wc = frame["working_capital"].to_numpy()
    peak = int(wc.argmax())  # the first period at the peak
    stock = (frame["inventory_value"] + frame["material_inventory_value"]).to_numpy()
    avg_stock = float(stock.mean())
    annual_cogs = cogs * periods_per_year / T
    out: dict[str, Kpi] = {
        "revenue": revenue,
        "cogs": cogs,
        "gross_margin": revenue - cogs,
        "gross_margin_pct": 100.0 * (revenue - cogs) / revenue if revenue > 0 else None,
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
