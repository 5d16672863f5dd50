"""Assemble the exceptions frame: item exceptions (explain.py), overloads and escalation.

Overloads are resources with load whose capacity row binds at >= 99.9% of regular + overtime
hours with a positive shadow price, and suppliers shipping their full capacity with a positive
price: one more unit of the limit saves money (prices.py; a limit whose one more unit saves
nothing is no overload, however full). An overload's value at stake is the money of the item
exceptions it causes: the sum of the values of the shortages, late deliveries and safety-stock
breaches bound by its limit, or for a resource by any limit of it whose hours would be used in
that period (`caused_value`; 0 when it causes none; it is still listed, a bottleneck with a
price per unit). Its
shadow price times its load is the constraint's rent, not money at risk: one more hour saves
at most the price, and nothing ties that to the whole load.
`escalate_to` is the role of the first charter escalation rule that matches: the exception
kind (or `any`), `min_value <= value`, and the segment / resource when the rule names one.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..exception_words import OVERTIME_LEFT
from ..schemas.charter import EscalationRule
from .data import PlanData
from .explain import EXC_SCHEMA, TOL, item_exceptions, saving_at_upper
from .lp import LpModel
from .names import block_names
from .prices import saving
from .result import rounded
from .solve import Solution

OVERLOAD_AT = 0.999


def _overloads(d: PlanData, lp: LpModel, sol: Solution, capacity: pl.DataFrame) -> pl.DataFrame:
    """Binding resources (capacity rows) and saturated suppliers with a positive value."""
    sv = saving(sol)
    assert sol.x is not None and sv is not None
    cap = lp.rows["capacity"]
    names = block_names(lp, cap)
    bound = pl.Series(cap.grid(sv.row_bound).reshape(-1), dtype=pl.Boolean)
    res = capacity.with_columns(binding_constraint=names, price_bound=bound).filter(
        (pl.col("shadow_price") > TOL)
        & (pl.col("load") > TOL)  # a resource with no hours and no load overloads nothing
        & (pl.col("load") >= OVERLOAD_AT * (pl.col("available") + pl.col("overtime")) - TOL)
    )
    res = res.select(
        pl.lit("overload").alias("kind"),
        pl.lit(None, pl.String).alias("item"),
        pl.lit(None, pl.String).alias("segment"),
        "resource",
        pl.lit(None, pl.String).alias("material"),
        "period",
        pl.col("load").alias("quantity"),
        pl.lit(0.0).alias("value"),  # the exceptions it causes: caused_value
        "binding_constraint",
        "shadow_price",
        # regular hours used up while overtime is left: not full, but more costs more
        pl.when(pl.col("overtime_limit") - pl.col("overtime") > TOL)
        .then(
            pl.format(
                "{}{} of {} hours",
                pl.lit(OVERTIME_LEFT),
                pl.col("overtime").round(1),
                pl.col("overtime_limit").round(1),
            )
        )
        .otherwise(pl.lit(None, pl.String))
        .alias("cause"),
        "price_bound",
    )
    rb = lp.cols["R"]
    sav, _ = saving_at_upper(lp, rb, sol.x, sv.col)
    receipts = rb.grid(sol.x)
    mm, tt = np.nonzero((sav > TOL) & (receipts > TOL))
    sup = pl.DataFrame(
        {
            "kind": "overload",
            "item": pl.Series([None] * mm.size, dtype=pl.String),
            "segment": pl.Series([None] * mm.size, dtype=pl.String),
            "resource": pl.Series([None] * mm.size, dtype=pl.String),
            "material": pl.Series([d.materials[m] for m in mm], dtype=pl.String),
            "period": pl.Series([d.periods[t] for t in tt], dtype=pl.String),
            "quantity": receipts[mm, tt],
            "value": np.zeros(mm.size),
            "binding_constraint": pl.Series(
                [
                    f"supplier_capacity[{d.materials[m]},{d.periods[t]}]"
                    for m, t in zip(mm, tt, strict=True)
                ],
                dtype=pl.String,
            ),
            "shadow_price": sav[mm, tt],
            "cause": pl.Series([None] * mm.size, dtype=pl.String),
            "price_bound": rb.grid(sv.col_bound)[mm, tt],
        },
        schema=EXC_SCHEMA | {"kind": pl.String},
    )
    return pl.concat([res.cast(EXC_SCHEMA), sup])  # type: ignore[arg-type]


def caused_value(items: pl.DataFrame, over: pl.DataFrame, periods: list[str]) -> pl.DataFrame:
    """Each overload valued at the money of the item exceptions it causes (0 for none): a
    supplier's, those bound by its `supplier_capacity`; a resource's, those bound by a limit of
    that resource whose hours would be used in its period. `items` carries `bind_from` and
    `bind_to` (period indices, cause.relieving): the limit's own period (capacity,
    overtime_limit, max_workforce), or for max_hires the periods the hire works in that reach
    the exception; of those, the latest in which the resource is overloaded gets it, so no
    exception counts twice, and none does when the resource is overloaded in none of them."""
    at = {p: i for i, p in enumerate(periods)}
    rows = over.with_row_index("_row")
    on_res = rows.filter(pl.col("resource").is_not_null()).select(
        "_row", "resource", pl.col("period").replace_strict(at, return_dtype=pl.Int64).alias("_t")
    )
    by_res = (
        items.with_row_index("_id")
        .filter(pl.col("bind_from").is_not_null() & pl.col("resource").is_not_null())
        .select("_id", "resource", "bind_from", "bind_to", "value")
        .join(on_res, on="resource")
        .filter(pl.col("_t").is_between("bind_from", "bind_to"))
        .sort(["_id", "_t"], descending=[False, True])
        .group_by("_id", maintain_order=True)
        .first()
        .select("_row", "value")
    )
    by_supplier = (
        items.filter(pl.col("material").is_not_null())
        .select("binding_constraint", "value")
        .join(
            rows.filter(pl.col("material").is_not_null()).select("_row", "binding_constraint"),
            on="binding_constraint",
        )
        .select("_row", "value")
    )
    caused = (
        pl.concat([by_res, by_supplier])
        .group_by("_row", maintain_order=True)
        .agg(pl.col("value").sum().alias("caused"))
    )
    return (
        rows.join(caused, on="_row", how="left", maintain_order="left")
        .with_columns(value=pl.col("caused").fill_null(0.0))
        .drop("_row", "caused")
    )


def escalate(df: pl.DataFrame, rules: list[EscalationRule]) -> pl.Series:
    """The role of the first matching escalation rule per exception (null when none)."""
    if not rules or df.height == 0:
        return pl.Series("escalate_to", [None] * df.height, dtype=pl.String)
    expr: pl.Expr = pl.lit(None, pl.String)
    for rule in reversed(rules):  # built inside out, so the first rule is tested first
        cond = pl.col("value") >= rule.min_value
        if rule.exception != "any":
            cond = cond & (pl.col("kind") == rule.exception)
        if rule.segment is not None:
            cond = cond & (pl.col("segment") == rule.segment).fill_null(False)
        if rule.resource is not None:
            cond = cond & (pl.col("resource") == rule.resource).fill_null(False)
        expr = pl.when(cond).then(pl.lit(rule.to, pl.String)).otherwise(expr)
    return df.select(expr.alias("escalate_to"))["escalate_to"]


KIND_ORDER = {"shortage": 0, "late_delivery": 1, "safety_stock": 2, "overload": 3}


def exceptions(
    d: PlanData, lp: LpModel, sol: Solution, capacity: pl.DataFrame, rules: list[EscalationRule]
) -> pl.DataFrame:
    """Every exception of a solved plan, sorted by kind, period and keys."""
    items = rounded(item_exceptions(d, lp, sol).cast(EXC_SCHEMA))  # type: ignore[arg-type]
    # rounded first, so an overload's value is the sum of the values its rows show
    over = caused_value(items, _overloads(d, lp, sol, capacity), d.periods)
    out = pl.concat([items.drop("bind_from", "bind_to"), over])
    order = {p: i for i, p in enumerate(d.periods)}
    out = out.sort(
        [
            pl.col("kind").replace_strict(KIND_ORDER, return_dtype=pl.Int64),
            pl.col("period").replace_strict(order, return_dtype=pl.Int64),
            pl.col("item"),
            pl.col("segment"),
            pl.col("resource"),
            pl.col("material"),
        ],
        nulls_last=True,
        maintain_order=True,
    )
    out = out.with_columns(escalate_to=escalate(out, rules))
    return rounded(out)
