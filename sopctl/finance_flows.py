"""Finance's flows and stock values per period, from the plan and the standard costs.

`flows(ws, result)` gives one unrounded row per horizon period (FLOWS) and the opening stock
value; `sopctl.finance` turns them into balances, cash and KPIs. The rules (docs/finance.md):

- stock at each period's standard cost (`sopctl.costs`): finished goods, work in process
  (units started or scheduled and not yet arrived: an item made in house at its standard
  cost, paid when started; a bought-in item at its bill-of-materials content only, the
  supplier's part being invoiced on receipt), materials;
- a bought-in item (`sourcing` buy) is a supplier invoice when it arrives, planned orders and
  scheduled receipts alike, at the production cost of its arrival period; an item made in
  house pays its production cost when it is started (the optimiser's own cost);
- what the gross margin (revenue - COGS at standard) leaves out: labour and resource time,
  the subcontract premium (subcontract cost - the units' standard cost), materials issued
  beyond an item's standard cost, and the revaluation of stock carried into a period whose
  standard differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from .costs import columns as _table
from .costs import per_period

if TYPE_CHECKING:
    from .reconcile import PlanResult
    from .validate import Workspace

__all__ = ["CASH_COMPONENTS", "FLOWS", "LABOUR_COMPONENTS", "flows"]

# cost components of the reconcile objective that are paid in cash, besides materials
CASH_COMPONENTS = ("production", "regular_time", "overtime", "hiring", "layoffs", "subcontract")
# the labour and resource time the plan pays beyond the items' standard costs
LABOUR_COMPONENTS = ("regular_time", "overtime", "hiring", "layoffs")

FLOWS = (
    "revenue",
    "cogs",
    "material_purchases",
    "conversion_costs",
    "inventory_value",
    "work_in_process_value",
    "material_inventory_value",
    "invoiced",  # what suppliers invoice in the period: payables' flow
    "labour",
    "subcontract_premium",
    "materials_above_standard",
    "stock_revaluation",
)


def _per_period(df: pl.DataFrame, **aggs: pl.Expr) -> pl.DataFrame:
    """`df` summed per period into the named columns (nothing for an empty frame)."""
    if df.is_empty():
        return pl.DataFrame(schema={"period": pl.String} | dict.fromkeys(aggs, pl.Float64))
    return df.group_by("period").agg(e.sum().cast(pl.Float64).alias(k) for k, e in aggs.items())


def _prev(col: str, key: str) -> pl.Expr:
    """The previous period's value of `col` for the same `key` (0 in the first period); rows
    sorted by key and period, outside a group_by (whose groups are periods)."""
    return pl.col(col).shift(1).over(key).fill_null(0.0)


def _first(expr: pl.Expr) -> pl.Expr:
    """`expr` summed over the rows of the first period (`t` = 0)."""
    return expr.filter(pl.col("t") == 0).sum()


def _sales(ws: Workspace, result: PlanResult, unit_costs: pl.DataFrame) -> pl.DataFrame:
    items = (
        _table(ws, "items", {"item": pl.String, "price": pl.Float64})
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
    return _per_period(
        result.shipments.select("item", "segment", "period", "shipped")
        .join(period_prices, on=["item", "segment", "period"], how="left")
        .join(seg_prices, on=["item", "segment"], how="left")
        .join(items, on="item", how="left")
        .join(unit_costs, on=["item", "period"], how="left"),
        revenue=pl.col("shipped")
        * pl.coalesce("period_price", "segment_price", "price", pl.lit(0.0)),
        cogs=pl.col("shipped") * pl.col("unit_cost").fill_null(0.0),
    )


def _items(
    ws: Workspace, result: PlanResult, unit_costs: pl.DataFrame, order: pl.DataFrame
) -> tuple[pl.DataFrame, float]:
    """Goods: stock, work in process, bought-in invoices, subcontract and starts at standard,
    revaluation per period; and the opening value of goods and work in process."""
    buy = (
        _table(ws, "items", {"item": pl.String, "sourcing": pl.String})
        .filter(pl.col("sourcing") == "buy")
        .select("item", buy=pl.lit(True))
        .unique("item")
    )
    sched = pl.col("scheduled_receipts") if "scheduled_receipts" in result.supply.columns else 0.0
    uc, pc = pl.col("unit_cost"), pl.col("production_cost")
    flow = pl.col("production") - pl.col("production_arrivals") - pl.col("scheduled")
    sup = (
        result.supply.select(
            "item",
            "period",
            "production",
            "production_arrivals",
            "subcontract",
            "shipments",
            "inventory",
            scheduled=sched,
        )
        .join(order, on="period")
        .join(buy, on="item", how="left")
        .join(unit_costs, on=["item", "period"], how="left")
        .sort("item", "t")
        .with_columns(
            pl.col("buy").fill_null(False),
            uc.fill_null(0.0),
            pc.fill_null(0.0),
            pl.col("scheduled").cast(pl.Float64).fill_null(0.0),
        )
        .with_columns(
            # the value a unit in process carries: all of its standard cost when made in
            # house, its materials only when a supplier makes it (invoiced on receipt)
            wip_cost=pl.when(pl.col("buy")).then(uc - pc).otherwise(uc),
            # in process at the end of the period: started and not arrived, plus the
            # scheduled receipts still to come (released or ordered before the horizon)
            pipeline=flow.cum_sum().over("item") + pl.col("scheduled").sum().over("item"),
        )
        .with_columns(
            opening_pipeline=pl.col("scheduled").sum().over("item"),
            # the stock carried in from the period before, at this period's standard
            revaluation=_prev("inventory", "item") * (uc - _prev("unit_cost", "item"))
            + _prev("pipeline", "item") * (pl.col("wip_cost") - _prev("wip_cost", "item")),
            opening_stock=pl.col("inventory")
            - pl.col("production_arrivals")
            - pl.col("scheduled")
            - pl.col("subcontract")
            + pl.col("shipments"),
        )
    )
    buy_on = pl.col("buy")
    goods = _per_period(
        sup,
        inventory_value=pl.col("inventory") * uc,
        work_in_process_value=pl.col("pipeline") * pl.col("wip_cost"),
        bought_in=pl.when(buy_on)
        .then((pl.col("production_arrivals") + pl.col("scheduled")) * pc)
        .otherwise(0.0),
        buy_started=pl.when(buy_on).then(pl.col("production") * pc).otherwise(0.0),
        subcontract_standard=pl.col("subcontract") * uc,
        started_materials=pl.col("production") * (uc - pc),
        goods_revaluation=pl.col("revaluation"),
    )
    start = pl.col("opening_stock") * uc + pl.col("opening_pipeline") * pl.col("wip_cost")
    return goods, float(sup.select(_first(start)).item()) if sup.height else 0.0


def _materials(
    result: PlanResult, mats: pl.DataFrame, order: pl.DataFrame
) -> tuple[pl.DataFrame, float]:
    """Materials: purchases, stock, issues at cost and revaluation per period; opening value."""
    mc = pl.col("unit_cost").fill_null(0.0)
    mat = (
        result.materials.select(
            "material", "period", "need", "receipts", "open_orders", "inventory"
        )
        .join(order, on="period")
        .join(mats, on=["material", "period"], how="left")
        .sort("material", "t")
        .with_columns(pl.col("open_orders").fill_null(0.0), unit_cost=mc)
        .with_columns(
            revaluation=_prev("inventory", "material") * (mc - _prev("unit_cost", "material"))
        )
    )
    per = _per_period(
        mat,
        material_inventory_value=pl.col("inventory") * mc,
        material_purchases=(pl.col("receipts") + pl.col("open_orders")) * mc,
        issued=pl.col("need") * mc,
        material_revaluation=pl.col("revaluation"),
    )
    start = pl.col("inventory") - pl.col("receipts") - pl.col("open_orders") + pl.col("need")
    return per, float(mat.select(_first(start * mc)).item()) if mat.height else 0.0


def flows(ws: Workspace, result: PlanResult) -> tuple[pl.DataFrame, float]:
    """(period + FLOWS per horizon period, unrounded; the opening stock value: goods, work in
    process and materials at the start, at the first period's standard costs)."""
    periods = ws.periods()
    order = pl.DataFrame(
        {"period": periods, "t": list(range(len(periods)))},
        schema={"period": pl.String, "t": pl.Int64},
    )
    unit_costs, mats = per_period(ws)
    goods, opening_goods = _items(ws, result, unit_costs, order)
    material, opening_materials = _materials(result, mats.drop("base"), order)
    comp = pl.col("component")
    value = pl.col("value")
    costs = _per_period(
        result.costs_by_period,
        cash=value.filter(comp.is_in(CASH_COMPONENTS)),
        labour=value.filter(comp.is_in(LABOUR_COMPONENTS)),
        subcontract=value.filter(comp == "subcontract"),
    )
    base = order.select("period")
    for part in (_sales(ws, result, unit_costs), goods, material, costs):
        base = base.join(part, on="period", how="left", maintain_order="left")
    col = pl.col
    frame = base.with_columns(pl.exclude("period").fill_null(0.0)).with_columns(
        # in-house production is paid when started (the optimiser's cost); bought-in goods
        # when they arrive, as their supplier invoices them
        conversion_costs=col("cash") - col("buy_started") + col("bought_in"),
        invoiced=col("material_purchases") + col("subcontract") + col("bought_in"),
        subcontract_premium=col("subcontract") - col("subcontract_standard"),
        materials_above_standard=col("issued") - col("started_materials"),
        stock_revaluation=col("goods_revaluation") + col("material_revaluation"),
    )
    return frame.select("period", *FLOWS), opening_goods + opening_materials
