"""Frame plumbing shared by the table overlays (pure): read, replace and upsert table frames."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from .. import periods
from ..findings import Finding
from ..tables.check import Table
from ..tables.contracts import CONTRACTS
from ..tables.csvread import LINE
from ..tables.refs import ord_col
from .select import Ids, Selection

if TYPE_CHECKING:
    from ..validate import Workspace

Note = Callable[[str, str], Finding]
TOL = 1e-12
# a computed value keeps 12 significant digits: 700 x 0.7 is 489.99999999999994 in binary
# floating point, and adopt would write that into materials.csv; 490 is what was meant
SIGNIFICANT = 12


def frame(ws: Workspace, name: str) -> pl.DataFrame | None:
    t = ws.tables.get(name)
    return t.frame if isinstance(t, Table) else None


def put(ws: Workspace, name: str, frame: pl.DataFrame) -> None:
    t = ws.tables.get(name)
    if isinstance(t, Table):
        ws.tables[name] = dataclasses.replace(t, frame=frame)
    else:  # a table the cycle does not have: made by the scenario
        cols = [c for c in frame.columns if not c.startswith("__")]
        ws.tables[name] = Table(CONTRACTS[name], f"({name} of the scenario)", frame, cols)


def empty(name: str, periods_cols: tuple[str, ...] = ()) -> pl.DataFrame:
    """An empty frame with a contract's columns typed as the checked tables are."""
    types = {"float": pl.Float64, "int": pl.Int64}
    schema: dict[str, Any] = {LINE: pl.Int64}
    for c in CONTRACTS[name].columns:
        schema[c.name] = types.get(c.dtype, pl.String)
    for p in periods_cols:
        schema[ord_col(p)] = pl.Int64
    return pl.DataFrame(schema=schema)


def upsert(frame: pl.DataFrame, rows: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`frame` with `rows` replacing the rows of the same key (other columns: null)."""
    rows = rows.select(
        (pl.col(c) if c in rows.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in frame.schema.items()
    )
    return pl.concat([frame.join(rows.select(keys), on=keys, how="anti"), rows])


def upsert_periods(
    frame: pl.DataFrame, rows: pl.DataFrame, keys: list[str], ids: Ids
) -> pl.DataFrame:
    """`upsert` of rows keyed by a period: their period's ordinal (the order column a checked
    table carries) is filled in first."""
    order = pl.col("period").replace_strict(ords(ids), return_dtype=pl.Int64)
    return upsert(frame, rows.with_columns(order.alias(ord_col("period"))), keys)


def change(values: pl.Expr, factor: float | None, plus: float | None) -> pl.Expr:
    """`values` times `factor`, else plus `plus`, as a person would write the result."""
    return tidy(values * factor if factor is not None else values + (plus or 0.0))


def tidy_number(x: float) -> float:
    """`x` rounded to 12 significant digits (correctly rounded, as Python formats it): the
    binary noise of a product or sum goes (489.99999999999994 -> 490.0, 0.30000000000000004
    -> 0.3), a value with fewer digits stays as it is."""
    return float(f"{x:.{SIGNIFICANT}g}") if math.isfinite(x) else x


def tidy(values: pl.Expr) -> pl.Expr:
    """A computed column as a person would write it (`tidy_number` per value). Every overlay
    that computes a value rounds it so, and the scenario is solved with the rounded value:
    `sopctl adopt` writes exactly the numbers the scenario's plan was made with."""
    return values.map_batches(_tidy_series, return_dtype=pl.Float64, is_elementwise=True)


def _tidy_series(s: pl.Series) -> pl.Series:
    values = s.cast(pl.Float64).to_list()
    return pl.Series(
        s.name, [None if v is None else tidy_number(v) for v in values], dtype=pl.Float64
    )


def floored(
    df: pl.DataFrame, col: str, what: str, note: Note
) -> tuple[pl.DataFrame, list[Finding]]:
    """Negative results set to 0, with one warning that counts them."""
    neg = int((df[col] < -TOL).sum())
    if not neg:
        return df.with_columns(pl.col(col).clip(lower_bound=0.0)), []
    msg = f"{neg} {what} would fall below 0 and are set to 0; check the overlay's change"
    return df.with_columns(pl.col(col).clip(lower_bound=0.0)), [note("SOP630", msg)]


def same(before: pl.Series, after: pl.Series) -> bool:
    """Equal within TOL, empty where both are empty."""
    both_null = before.is_null() & after.is_null()
    close = ((before - after).abs() <= TOL).fill_null(False)
    return bool((both_null | close).all())


def nothing(what: str, note: Note) -> list[Finding]:
    return [note("SOP629", f"the overlay changes no {what}; check its selectors and values")]


def ords(ids: Ids) -> dict[str, int]:
    return {p: periods.to_ordinal(p, ids.bucket) or 0 for p in ids.periods}


# capacity's optional columns: an empty cell keeps the resource's own value
PER_PERIOD = ("overtime_limit", "max_hires", "max_layoffs", "regular_cost", "overtime_cost")


def capacity_grid(ws: Workspace, sel: Selection) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The capacity frame (every optional column present) and the selected resource x period
    grid: the period's row values (null where there is no row) and `before`, the period's
    effective hours (the row's, else the resource's hours or hours per worker)."""
    res = frame(ws, "resources")
    if res is None or not sel.resources or not sel.periods:
        return None
    base = res.select(
        "resource",
        pl.when(pl.col("kind") == "labour")
        .then(pl.col("hours_per_worker") if "hours_per_worker" in res.columns else None)
        .otherwise(pl.col("hours") if "hours" in res.columns else None)
        .cast(pl.Float64)
        .alias("base"),
    )
    cap = frame(ws, "capacity")
    if cap is None:
        cap = empty("capacity", ("period",))
    cap = cap.with_columns(
        pl.lit(None, pl.Float64).alias(c) for c in PER_PERIOD if c not in cap.columns
    )
    grid = pl.DataFrame(
        {
            "resource": [r for r in sel.resources for _ in sel.periods],
            "period": [p for _ in sel.resources for p in sel.periods],
        },
        schema={"resource": pl.String, "period": pl.String},
    )
    cur = grid.join(base, on="resource", how="left").join(
        cap.select("resource", "period", "hours", *PER_PERIOD),
        on=["resource", "period"],
        how="left",
    )
    return cap, cur.with_columns(pl.coalesce("hours", "base").fill_null(0.0).alias("before"))


def put_capacity(ws: Workspace, cap: pl.DataFrame, rows: pl.DataFrame, ids: Ids) -> None:
    put(ws, "capacity", upsert_periods(cap, rows, ["resource", "period"], ids))
