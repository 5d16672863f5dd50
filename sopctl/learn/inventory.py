"""Inventory health: forward days of supply and weeks of cover on the committed plan, turns,
safety-stock breaches and stock against the planned inventory, per item and in total.

Days of supply of the stock at the end of a period: how long it lasts against the committed
demand of the following periods (docs/metrics.md). Each item is judged on its latest stock
report; the total on the sum of all items reported in the latest period.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..periods import DAYS_PER_PERIOD, PERIODS_PER_YEAR
from . import metrics as m
from . import scorecard as sc
from .model import LearnInputs, observed


def _matrix(plan: pl.DataFrame, items: list[str], labels: list[str]) -> np.ndarray:
    """Planned demand per item (rows, in `items` order) and horizon period (columns)."""
    per = plan.group_by("item", "period").agg(pl.col("final").sum())
    ii = per["item"].replace_strict(items, list(range(len(items))), default=-1).to_numpy()
    kk = per["period"].replace_strict(labels, list(range(len(labels))), default=-1).to_numpy()
    keep = (ii >= 0) & (kk >= 0)
    out = np.zeros((len(items), len(labels)), dtype=np.float64)
    np.add.at(out, (ii[keep], kk[keep]), per["final"].to_numpy()[keep])
    return out


def dos_frame(inp: LearnInputs, stock: pl.DataFrame) -> pl.DataFrame:
    """item, period, on_hand, days_of_supply, outlasts (stock beyond the plan's horizon)."""
    plan = inp.plan("demand_plan.csv")
    labels = inp.labels
    items = sorted(set(stock["item"].to_list()))
    demand = (
        _matrix(plan, items, labels) if plan is not None else np.zeros((len(items), len(labels)))
    )
    rows = stock["item"].replace_strict(items, list(range(len(items)))).to_numpy()
    start = stock["period"].replace_strict(labels, list(range(1, len(labels) + 1))).to_numpy()
    days_pp = DAYS_PER_PERIOD[inp.target.bucket]
    days, capped = m.days_of_supply_matrix(
        stock["on_hand"].to_numpy().astype(np.float64),
        start.astype(np.int64),
        demand[rows],
        days_pp,
    )
    total_stock = stock.filter(pl.col("period") == stock["period"].max())
    k = labels.index(str(total_stock["period"][0])) + 1
    where = {item: i for i, item in enumerate(items)}
    sel = np.array([where[i] for i in total_stock["item"].to_list()], dtype=np.int64)
    t_days, t_cap = m.days_of_supply_matrix(
        np.array([float(total_stock["on_hand"].sum())]),
        np.array([k], dtype=np.int64),
        demand[sel].sum(axis=0, keepdims=True),
        days_pp,
    )
    per = stock.select("item", "period", "on_hand").with_columns(
        pl.Series("days_of_supply", days), pl.Series("outlasts", capped)
    )
    total = pl.DataFrame(
        {
            "item": [sc.TOTAL],
            "period": [str(total_stock["period"][0])],
            "on_hand": [float(total_stock["on_hand"].sum())],
            "days_of_supply": [float(t_days[0])],
            "outlasts": [bool(t_cap[0])],
        }
    )
    return pl.concat([per, total], how="vertical_relaxed")


def inventory_rows(inp: LearnInputs) -> pl.DataFrame:
    rules = inp.rules
    owner_th = rules.threshold("inventory", "days_of_supply")
    stock = inp.actuals.get("stock_levels")
    if stock is not None:
        stock = inp.in_horizon(stock)
    if stock is None or not stock.height:
        why = inp.lacking("no actuals: add stock.csv", "stock_levels")
        return sc.concat(
            [
                sc.no_data("inventory", metric, owner_th, why)
                for metric in ("days_of_supply", "turns", "ss_breaches")
            ]
        )
    dos = dos_frame(inp, stock)
    latest = dos.sort("period").group_by("item", maintain_order=True).last().sort("item")
    latest = pl.concat(
        [latest.filter(pl.col("item") == sc.TOTAL), latest.filter(pl.col("item") != sc.TOTAL)]
    )
    rng = rules.learn.days_of_supply
    esc = rules.escalate("safety_stock")
    dos_th = (
        sc.Threshold(target=rng.min, target_max=rng.max, direction="between", escalate_to=esc)
        if rng.min is not None or rng.max is not None
        else None
    )
    dos_th = rules.threshold("inventory", "days_of_supply", default=dos_th)
    week_th = sc.Threshold(
        target=None if dos_th.target is None else dos_th.target / 7,
        target_max=None if dos_th.target_max is None else dos_th.target_max / 7,
        direction=dos_th.direction,
        severity=dos_th.severity,
        owner=dos_th.owner,
        escalate_to=dos_th.escalate_to,
    )
    out = []
    for metric, scale, th in (("days_of_supply", 1.0, dos_th), ("weeks_of_cover", 7.0, week_th)):
        unit = "days" if scale == 1.0 else "weeks"
        for scope, part in (
            ("total", latest.filter(pl.col("item") == sc.TOTAL)),
            ("item", latest.filter(pl.col("item") != sc.TOTAL)),
        ):
            frame = part.select(
                pl.col("item").alias("key"),
                # stock at the end of the horizon: no planned demand to measure it against
                pl.when(pl.col("outlasts") & (pl.col("days_of_supply") <= 0))
                .then(None)
                .otherwise(pl.col("days_of_supply") / scale)
                .alias("value"),
                pl.col("outlasts").alias("lower_bound"),
                cover_note(th, unit, scale, inp.labels[-1]),
            )
            out.append(sc.rows("inventory", metric, scope, frame, th))
    out += _turns(inp, stock)
    out += _safety_and_plan(inp, stock, esc)
    return sc.concat(out)


def _num(x: float) -> str:
    return f"{round(x, 2):g}"


def cover_note(th: sc.Threshold, unit: str, scale: float, last: str) -> pl.Expr:
    """The note of a days-of-supply (weeks-of-cover) row: the stock it is about and, when the
    stock outlasts the plan's horizon, that the value is only a lower bound of the cover and
    what follows from it against `th` (docs/metrics.md, "Cover beyond the horizon")."""
    v = (pl.col("days_of_supply") / scale).round(2)
    head = pl.format("stock {} at the end of {}", pl.col("on_hand").round(2), "period")
    above, reaches = sc.bound_sides(th, v)
    lo, hi = sc.limits(th)
    judged = th.target is not None or th.target_max is not None
    why = pl.lit("")
    if judged and hi is not None:
        why = (
            pl.when(above)
            .then(pl.lit(f", above the maximum {_num(hi)} whatever the demand after it"))
            .when(reaches)
            .then(pl.lit(f": whether it exceeds the maximum {_num(hi)} cannot be judged"))
            .otherwise(
                pl.lit(f": whether it is within {_num(lo or 0)}..{_num(hi)} cannot be judged")
            )
        )
    elif judged and lo is not None:
        why = (
            pl.when(reaches)
            .then(pl.lit(""))
            .otherwise(pl.lit(f": whether it reaches the minimum {_num(lo)} cannot be judged"))
        )
    beyond = pl.format(
        "{}; the stock outlasts the plan's horizon (to {}), so cover is at least {} {}{}",
        head,
        pl.lit(last),
        v,
        pl.lit(unit),
        why,
    )
    at_end = pl.format(
        "{}, the last period of the plan's horizon: no planned demand follows it, so its "
        "cover cannot be measured; learn a later cycle whose horizon goes past {}",
        head,
        "period",
    )
    return (
        pl.when(~pl.col("outlasts"))
        .then(head)
        .when(pl.col("days_of_supply") <= 0)
        .then(at_end)
        .otherwise(beyond)
        .alias("note")
    )


def _unit_costs(inp: LearnInputs) -> pl.DataFrame:
    """item, period, unit_cost: the tagged standard cost of each horizon period (a cost roll or
    a supplier's price rise included, as finance values the plan), empty without items.csv."""
    schema = {"item": pl.String, "period": pl.String, "unit_cost": pl.Float64}
    items = inp.table("items")
    if inp.unit_costs is None or items is None or "unit_cost" not in items.columns:
        return pl.DataFrame(schema=schema)
    return inp.unit_costs.select(*schema)


def _turns(inp: LearnInputs, stock: pl.DataFrame) -> list[pl.DataFrame]:
    """Annualised turns per item and in total. Outflow is the shipped units of the periods
    demand.csv reports on (a series without a row there shipped 0), annualised over their
    number; the average stock is the mean of the stock reports, whatever periods they cover.
    So a period with stock but no demand report does not count as a period without sales,
    and the total is the total outflow over the total average stock of the reported items."""
    th = inp.rules.threshold("inventory", "turns")
    demand = inp.actuals.get("actuals")
    if demand is None or demand["shipped"].null_count() == demand.height:
        return [sc.no_data("inventory", "turns", th, "no actuals: add shipped to demand.csv")]
    # the periods whose shipments demand.csv reports (a row with `shipped` empty, orders
    # known but shipments not yet, says nothing about them)
    periods = observed(demand.filter(pl.col("shipped").is_not_null()), inp.labels)
    if not periods:
        note = "demand.csv reports shipments in no period of the committed horizon"
        return [sc.no_data("inventory", "turns", th, note)]
    cost = _unit_costs(inp)
    # without standard costs, turns are in units; with them an item without a cost counts 0
    missing_cost = 0.0 if cost.height else 1.0

    def valued(frame: pl.DataFrame, qty: str) -> pl.DataFrame:
        return frame.join(cost, on=["item", "period"], how="left").with_columns(
            (pl.col(qty) * pl.col("unit_cost").fill_null(missing_cost)).alias(f"{qty}_cost")
        )

    shipped = (
        demand.filter(pl.col("period").is_in(periods))
        .group_by("item", "period")
        .agg(pl.col("shipped").fill_null(0.0).sum())
    )
    out = (
        valued(shipped, "shipped")
        .group_by("item")
        .agg(pl.col("shipped").sum().alias("out"), pl.col("shipped_cost").sum().alias("out_cost"))
    )
    ppy = PERIODS_PER_YEAR[inp.target.bucket]
    per = (
        valued(stock.select("item", "period", "on_hand"), "on_hand")
        .group_by("item")
        .agg(
            pl.col("on_hand").mean().alias("avg"),
            pl.col("on_hand_cost").mean().alias("avg_cost"),
            pl.len().alias("n"),
        )
        .join(out, on="item", how="left")
        .with_columns(pl.col("out", "out_cost").fill_null(0.0))
        .sort("item")
        .with_columns(m.ratio(pl.col("out") * ppy / len(periods), pl.col("avg")).alias("value"))
    )
    total_value = m.inventory_turns(
        float(per["out_cost"].sum()), float(per["avg_cost"].sum()), len(periods), ppy
    )
    note = "at standard cost per period, annualised" if cost.height else "in units, annualised"
    many = f"the {len(periods)} periods" if len(periods) > 1 else "the 1 period"
    note += f" over {many} with shipments in demand.csv"
    if total_value is None:
        note = "average stock 0: turns have no base; " + note
    empty = pl.when(pl.col("value").is_null()).then(pl.lit("average stock 0: turns have no base"))
    items = per.select(pl.col("item").alias("key"), "value", "n", empty.alias("note"))
    return [
        sc.one("inventory", "turns", "total", sc.TOTAL, total_value, th, int(per["n"].sum()), note),
        sc.rows("inventory", "turns", "item", items, th),
    ]


def _safety_and_plan(inp: LearnInputs, stock: pl.DataFrame, esc: str) -> list[pl.DataFrame]:
    rules = inp.rules
    supply = inp.plan("supply_plan.csv")
    ss_th = rules.threshold(
        "inventory", "ss_breaches", default=sc.Threshold(0.0, direction="at_most", escalate_to=esc)
    )
    if supply is None:
        note = "the committed supply plan could not be read"
        return [sc.no_data("inventory", "ss_breaches", ss_th, note)]
    j = stock.select("item", "period", "on_hand").join(
        supply.select("item", "period", "inventory", "safety_stock"),
        on=["item", "period"],
        how="left",
    )
    per = (
        j.group_by("item")
        .agg(
            (pl.col("on_hand") < pl.col("safety_stock") - sc.EPS).sum().alias("breaches"),
            pl.col("on_hand").sum().alias("actual"),
            pl.col("inventory").sum().alias("planned"),
            pl.len().alias("n"),
        )
        .sort("item")
    )
    info = ss_th.info()
    total = per.select(
        pl.lit(sc.TOTAL).alias("key"),
        pl.col("breaches").sum().cast(pl.Float64).alias("value"),
        pl.col("n").sum().alias("n"),
        m.ratio(pl.col("actual").sum(), pl.col("planned").sum()).alias("vs"),
        pl.col("actual").sum(),
        pl.col("planned").sum(),
    )
    # no planned inventory: the ratio has no base, and the note says why
    why = pl.when(pl.col("planned").fill_null(0.0).abs() <= sc.EPS).then(
        pl.format("planned inventory 0, stock {}: no base for the ratio", sc.qty(pl.col("actual")))
    )
    out = [
        sc.rows("inventory", "ss_breaches", "total", total.select("key", "value", "n"), ss_th),
        sc.rows(
            "inventory",
            "ss_breaches",
            "item",
            per.select(pl.col("item").alias("key"), pl.col("breaches").alias("value"), "n"),
            ss_th,
        ),
        sc.rows(
            "inventory",
            "stock_vs_plan",
            "total",
            total.select("key", pl.col("vs").alias("value"), "n", why.alias("note")),
            info,
        ),
        sc.rows(
            "inventory",
            "stock_vs_plan",
            "item",
            per.select(
                pl.col("item").alias("key"),
                m.ratio(pl.col("actual"), pl.col("planned")).alias("value"),
                "n",
                why.alias("note"),
            ),
            info,
        ),
    ]
    return out
