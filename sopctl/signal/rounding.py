"""Source rows as written: rounded so that each cell's rows add up to the written plan.

`demand_sources.csv` and `demand_plan.csv` are written with a fixed number of decimals. Rounding
each source row on its own loses the cell's total: three deals of 1/30 unit each are written
0.0333 three times (0.0999) against a plan value of 0.1000. So within every item × segment ×
period × component, the rounding is apportioned by largest remainder, in units of the last
decimal: every row is first rounded down, and the units the cell still lacks to reach its
written plan value go, one each, to the rows with the largest remainders (ties to the earlier
row in the file order of the sources: file, line). The plan's own values are never changed.
A cell with one source row keeps that row rounded as before (its value is the plan's).
"""

from __future__ import annotations

import polars as pl

from ..results import DECIMALS

CELL = ["item", "segment", "period", "component"]


def apportioned(
    sources: pl.DataFrame, plan: pl.DataFrame, decimals: int = DECIMALS
) -> pl.DataFrame:
    """`sources` (item, segment, period, component, units, ...) with `units` on the grid of
    `decimals` places, each cell's rows summing exactly to its component in `plan` as written;
    rows, their order and every other column unchanged."""
    if sources.height == 0:
        return sources
    scale = 10**decimals
    rows = sources.with_row_index("_row").with_columns(pl.len().over(CELL).alias("_n"))
    many = rows.filter(pl.col("_n") > 1)
    if many.height == 0:
        return sources
    comps = sorted(set(many["component"].unique().to_list()))
    target = (
        plan.select("item", "segment", "period", *comps)
        .unpivot(index=["item", "segment", "period"], variable_name="component", value_name="t")
        .with_columns(
            # the plan's value as csv_bytes writes it, in units of the last decimal
            (pl.col("t").round(decimals) * scale).round(0).cast(pl.Int64).alias("_target")
        )
        .drop("t")
    )
    scaled = pl.col("units") * scale
    shares = (
        many.select("_row", *CELL, scaled.floor().alias("_floor"), scaled.alias("_x"))
        .join(target, on=CELL, how="left")
        .with_columns(
            (pl.col("_x") - pl.col("_floor")).alias("_rem"),
            (pl.col("_target") - pl.col("_floor").sum().over(CELL)).alias("_short"),
        )
        .sort([*CELL, "_rem", "_row"], descending=[False] * len(CELL) + [True, False])
        .with_columns(pl.int_range(pl.len()).over(CELL).alias("_rank"))
        .select(
            "_row",
            (
                (pl.col("_floor") + (pl.col("_rank") < pl.col("_short")).cast(pl.Float64)) / scale
            ).alias("_units"),
        )
    )
    return (
        rows.join(shares, on="_row", how="left", maintain_order="left")
        .with_columns(pl.coalesce("_units", "units").alias("units"))
        .select(sources.columns)
    )
