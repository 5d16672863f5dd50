"""The demand view as written: rounded so that its parts add up to its written totals.

`demand_plan.csv` and `demand_sources.csv` are written with a fixed number of decimals.
Rounding each value on its own loses the totals: three deals of 1/30 unit each are written
0.0333 three times (0.0999) against a plan value of 0.1000, and a plan row whose baseline and
pipeline are 0.33335 each is written 0.3334 + 0.3334 against its `final` of 0.6667. So the
rounding is shared by largest remainder, in units of the last decimal, within each group that
must add up: every value is first rounded down, and the units the group still lacks to reach
its written total go, one each, to the values with the largest remainders (ties to the earlier
one). Groups are

- a plan row (`apportioned_rows`): its components, summing to its `final` as written (on a
  row floored at 0, SOP703, to the negative sum before the floor, which the file does not
  hold); ties go to the earlier component (baseline, pipeline, promotion, renewal, override);
- a cell of the plan (`apportioned_cells`): an item × segment × period × component's source
  rows, summing to that component as the plan row writes it; ties go to the earlier row in the
  file order of the sources (file, line).

A value so rounded is off its exact value by less than one unit of the last decimal and never
changes sign (0 stays 0). The plan's exact values stay in memory; only the files round.

The work is done on integer ids in NumPy (`apportion`): the engine knows each source row's
series, period and component as numbers before any label is attached
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
    rows; a row alone in its cell is its target, which is the row rounded when the cell's
    value is the row's). Rows are ranked within their cell by remainder, largest first, ties to
    the earlier row.

    Most cells need no ranking: when the rows whose remainder is above one half are exactly
    as many as the units the cell lacks, they are the ones with the largest remainders,
    whatever the ties below them. Only the other cells are sorted."""
    n = units.size
    if n == 0:
        return units.copy()
    scale = 10**decimals
    x = units * scale
    floor = np.floor(x)
    rem = x - floor
    group = _dense(cell)
    up = rem > 0.5
    short = target - np.bincount(group, weights=floor)[group]
    ranked = np.flatnonzero(np.bincount(group, weights=up)[group] != short)
    if ranked.size:
        g = group[ranked]
        order = np.lexsort((-rem[ranked], g))  # stable: equal remainders keep the row order
        c = g[order]
        starts = np.flatnonzero(np.concatenate(([True], c[1:] != c[:-1])))
        rank = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size)))
        rows = ranked[order]
        up[rows] = rank < short[rows]
    # × (1 / scale), not ÷ scale: the last bit as the rounding has always written it
    out: FloatArr = (floor + up) * (1 / scale)
    return out


def _dense(cell: IntArr) -> IntArr:
    """Cell ids as small non-negative integers for np.bincount: as they are when they already
    are (the engine's cells, plan rows), else numbered in order of value."""
    lo, hi = int(cell.min()), int(cell.max())
    if lo >= 0 and hi <= 8 * cell.size + 1024:
        return cell
    return np.unique(cell, return_inverse=True)[1].reshape(cell.shape).astype(np.int64)


def apportioned_rows(
    plan: pl.DataFrame, components: list[str], total: str = "final", decimals: int = DECIMALS
) -> pl.DataFrame:
    """`plan` with its `components` columns on the grid of `decimals` places, each row's
    summing exactly to its `total` as written; where the total is 0 or less (a row floored at
    0), to their own sum as written, so the components of a floored row still say how far
    below 0 it was. Rows, their order and every other column unchanged."""
    present = [c for c in components if c in plan.columns]
    if plan.height == 0 or not present:
        return plan
    n = len(present)
    values = np.ascontiguousarray(plan.select(pl.col(present).cast(pl.Float64)).to_numpy())
    raw = values[:, 0].copy()
    for j in range(1, n):  # the engine's order: baseline + pipeline + ... + override
        raw += values[:, j]
    final = plan[total].cast(pl.Float64).to_numpy()
    sums = written_units(pl.DataFrame({"final": final, "raw": raw}), ["final", "raw"], decimals)
    target = np.where(final > 0, sums[0], sums[1])
    rows = np.arange(plan.height, dtype=np.int64)
    out = apportion(values.ravel(), np.repeat(rows, n), np.repeat(target, n), decimals)
    shares = out.reshape(plan.height, n)
    return plan.with_columns(
        pl.Series(name, shares[:, j], pl.Float64) for j, name in enumerate(present)
    )


def apportioned_cells(
    sources: pl.DataFrame,
    cell: IntArr,
    plan: pl.DataFrame,
    components: list[str],
    decimals: int = DECIMALS,
) -> pl.DataFrame:
    """The engine's sources with `units` on the grid of `decimals` places, each cell's rows
    summing exactly to its component in `plan` as written (the plan as `apportioned_rows`
    writes it); rows, their order and every other
    column unchanged. `cell` per row is (plan row × len(components) + the component's position
    in `components`), the plan's rows being its cells in order."""
    if sources.height == 0:
        return sources
    n = len(components)
    target = written_units(plan, components, decimals)[cell % n, cell // n]
    units = sources["units"].to_numpy().astype(np.float64)
    return sources.with_columns(pl.Series("units", apportion(units, cell, target, decimals)))
