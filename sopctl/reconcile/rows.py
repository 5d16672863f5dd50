"""Table rows onto the reconcile model's index arrays: each table's usable rows, numeric
columns with their defaults, id -> index frames, and quantities summed into an array.

No Python loop runs over table rows; every mapping is a polars join and one NumPy assignment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import polars as pl

from ..tables.check import Table

if TYPE_CHECKING:
    from ..validate import Workspace

FloatArr = npt.NDArray[np.float64]


def frame(ws: Workspace, name: str, required: list[str]) -> pl.DataFrame | None:
    t = ws.tables.get(name)
    if not isinstance(t, Table):
        return None
    df = t.frame
    if any(c not in df.columns for c in required):
        return None
    return df.filter(pl.all_horizontal(pl.col(required).is_not_null()))


def num(df: pl.DataFrame, name: str, default: float) -> FloatArr:
    """A numeric column as floats, nulls (and a missing column) replaced by `default`."""
    return nums(df, {name: default})[name]


def nums(df: pl.DataFrame, defaults: dict[str, float]) -> dict[str, FloatArr]:
    """`num` for several columns in one polars query (each query costs ~0.2 ms)."""
    present = {n: v for n, v in defaults.items() if n in df.columns}
    got = df.select(pl.col(n).cast(pl.Float64).fill_null(v) for n, v in present.items())
    return {
        n: got[n].to_numpy().astype(np.float64) if n in present else np.full(df.height, v)
        for n, v in defaults.items()
    }


def ids(values: list[str], col: str, idx: str) -> pl.DataFrame:
    # The index is made by polars, not from a NumPy array: the first frame built from NumPy
    # makes polars import numpy.ma (8 ms), which reconcile defers until HiGHS is running.
    return pl.DataFrame({col: values}, schema={col: pl.String}).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias(idx)
    )


def attach(
    df: pl.DataFrame, keys: dict[str, pl.DataFrame], notes: list[str], what: str
) -> pl.DataFrame:
    """Inner-join index columns onto `df`; rows whose ids are unknown are dropped (noted)."""
    out = df
    for col, index in keys.items():
        out = out.join(index, on=col, how="left", maintain_order="left")
    idx_cols = [c for index in keys.values() for c in index.columns if c not in keys]
    bad = out.filter(pl.any_horizontal(pl.col(idx_cols).is_null()))
    if bad.height:
        notes.append(f"{what}: {bad.height} row(s) name an unknown id and were ignored")
    return out.drop_nulls(idx_cols)


def per_entity(idx: str, df: pl.DataFrame | None, n: int) -> pl.DataFrame:
    """`df` re-indexed so row i is entity i (missing entities are all-null rows)."""
    base = pl.DataFrame({idx: pl.int_range(0, n, dtype=pl.Int64, eager=True)})
    if df is None:
        return base
    df = df.unique(subset=[idx], keep="first", maintain_order=True)
    return base.join(df, on=idx, how="left", maintain_order="left")


def summed(
    ws: Workspace,
    name: str,
    keys: dict[str, pl.DataFrame],
    shape: tuple[int, int],
    notes: list[str],
    value: str = "quantity",
) -> FloatArr:
    """(n, T): `value` of table `name` summed per (entity, period) index pair; zeros without
    the table (rows naming an unknown id are dropped and noted, as by `attach`)."""
    out = np.zeros(shape)
    df = frame(ws, name, [*keys, value])
    if df is None or not df.height or not all(shape):
        return out
    df = attach(df, keys, notes, name)
    at = tuple(df[index.columns[1]].to_numpy() for index in keys.values())  # (id, idx) frames
    np.add.at(out, at, num(df, value, 0.0))
    return out
