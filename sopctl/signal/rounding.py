"""Source rows as written: rounded so that each cell's rows add up to the written plan.

`demand_sources.csv` and `demand_plan.csv` are written with a fixed number of decimals. Rounding
each source row on its own loses the cell's total: three deals of 1/30 unit each are written
0.0333 three times (0.0999) against a plan value of 0.1000. So within every item × segment ×
period × component, the rounding is apportioned by largest remainder, in units of the last
decimal: every row is first rounded down, and the units the cell still lacks to reach its
written plan value go, one each, to the rows with the largest remainders (ties to the earlier
row in the file order of the sources: file, line). The plan's own values are never changed.
A cell with one source row keeps that row rounded as before (its value is the plan's).

The work is done on integer cell ids in NumPy (`apportion`): the engine knows each source
row's series, period and component as numbers before any label is attached
(`DemandResult.source_cell`), so millions of rows need no join on text columns.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..results import DECIMALS
from .frames import FloatArr, IntArr


def written_units(plan: pl.DataFrame, components: list[str], decimals: int = DECIMALS) -> IntArr:
    """(components × plan rows): each value as csv_bytes writes it, in units of the last
    decimal (a component the plan lacks is 0)."""
    scale = 10**decimals
    exprs = [
        (pl.col(c).cast(pl.Float64).round(decimals) * scale).round(0).cast(pl.Int64).alias(c)
        if c in plan.columns
        else pl.lit(0, pl.Int64).alias(c)
        for c in components
    ]
    if not components:
        return np.zeros((0, plan.height), dtype=np.int64)
    return np.asarray(plan.select(exprs).to_numpy().T, dtype=np.int64).reshape(
        len(components), plan.height
    )


def apportion(units: FloatArr, cell: IntArr, target: IntArr, decimals: int = DECIMALS) -> FloatArr:
    """`units` on the grid of `decimals` places, the rows of each `cell` id summing to their
    `target` (the cell's written value in units of the last decimal, the same on each of its
    rows); a row alone in its cell keeps its value. Rows are ranked within their cell by
    remainder, largest first, ties to the earlier row."""
    n = units.size
    if n == 0:
        return units.copy()
    scale = 10**decimals
    x = units * scale
    floor = np.floor(x)
    rem = x - floor
    order = np.lexsort((-rem, cell))  # stable: equal remainders keep the row order
    c = cell[order]
    starts = np.flatnonzero(np.concatenate(([True], c[1:] != c[:-1])))
    sizes = np.diff(np.append(starts, n))
    first = np.repeat(starts, sizes)
    rank = np.arange(n) - first
    f = floor[order]
    short = target[order] - np.repeat(np.add.reduceat(f, starts), sizes)
    shared = np.repeat(sizes > 1, sizes)
    out = np.empty_like(units)
    # × (1 / scale), not ÷ scale: the last bit as the rounding has always written it
    out[order] = np.where(shared, (f + (rank < short)) * (1 / scale), units[order])
    return out


def apportioned_cells(
    sources: pl.DataFrame,
    cell: IntArr,
    plan: pl.DataFrame,
    components: list[str],
    decimals: int = DECIMALS,
) -> pl.DataFrame:
    """The engine's sources with `units` on the grid of `decimals` places, each cell's rows
    summing exactly to its component in `plan` as written; rows, their order and every other
    column unchanged. `cell` per row is (plan row × len(components) + the component's position
    in `components`), the plan's rows being its cells in order."""
    if sources.height == 0:
        return sources
    n = len(components)
    target = written_units(plan, components, decimals)[cell % n, cell // n]
    units = sources["units"].to_numpy().astype(np.float64)
    return sources.with_columns(pl.Series("units", apportion(units, cell, target, decimals)))
