"""Shared plumbing: the horizon grid, the series index and access to the typed input tables.

Every series (item × segment) gets an integer index `s`, every horizon period an offset `k`
(0 = the cycle's first period); a plan cell is `s * H + k`, so components are dense NumPy
arrays of shape (S, H) filled with `np.bincount`, which adds in input order (deterministic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import polars as pl

from .. import periods
from ..governance.cycle_calendar import cycle_start
from ..tables.check import Table
from ..tables.csvread import LINE
from ..tables.refs import ord_col

if TYPE_CHECKING:
    from ..validate import Workspace

FloatArr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]
BoolArr = npt.NDArray[np.bool_]

SERIES_KEY = ["item", "segment"]
# columns every source frame carries before labels are attached
SOURCE_COLS = ["s", "k", "component", "units", "source_file", "source_line", "source_id"]

__all__ = ["LINE", "ord_col"]


@dataclass(frozen=True)
class Horizon:
    first: int  # ordinal of the cycle's first period
    size: int  # number of periods H
    bucket: periods.Bucket
    frozen: int  # frozen periods at the start
    # ordinal of the cycle's own month (week on a weekly charter), when the cycle is made
    # (governance.cycle_calendar.cycle_start); at most `first`. A deal due to close before
    # it is past; one due in it is not.
    now: int

    @property
    def last(self) -> int:
        return self.first + self.size - 1

    def label(self, ordinal: int) -> str:
        return periods.from_ordinal(ordinal, self.bucket)

    def labels(self) -> list[str]:
        return [self.label(self.first + k) for k in range(self.size)]


def horizon_of(ws: Workspace) -> Horizon:
    assert ws.charter is not None and ws.cycle is not None
    bucket = ws.charter.cadence.bucket
    first = periods.to_ordinal(ws.cycle.first_period, bucket)
    assert first is not None
    return Horizon(
        first,
        ws.horizon,
        bucket,
        ws.charter.cadence.frozen_periods,
        cycle_period(ws.cycle_id, ws.cycle.first_period, bucket, first),
    )


def cycle_period(cycle_id: str, first_period: str, bucket: periods.Bucket, first: int) -> int:
    """Ordinal of the cycle month (week): the cycle id when it reads as one, else the period
    before the first (`cycle_start`); never after the first period."""
    start = cycle_start(cycle_id, first_period, bucket)
    if start is None:
        return first - 1
    label = start.strftime("%Y-%m") if bucket == "month" else periods.week_of(start)
    own = periods.to_ordinal(label, bucket)
    return first - 1 if own is None else min(own, first)


def table(ws: Workspace, name: str) -> Table | None:
    return ws.tables.get(name)


def col_of(t: Table, name: str) -> int:
    """1-based position of a column in the file's header (0 when absent), as findings use."""
    return t.header.index(name) + 1 if name in t.header else 0


def usable(t: Table | None, required: list[str]) -> pl.DataFrame | None:
    """The typed frame without rows whose required values are missing (already reported)."""
    if t is None:
        return None
    cols = [c for c in required if c in t.frame.columns]
    if len(cols) < len(required):
        return None
    return t.frame.filter(pl.all_horizontal(pl.col(cols).is_not_null()))


def series_index(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """All item × segment pairs of the given frames, sorted, with their index `s`."""
    parts = [f.select(pl.col("item"), pl.col("segment")) for f in frames]
    if not parts:
        empty = pl.DataFrame(schema={"item": pl.String, "segment": pl.String})
        return empty.with_columns(pl.lit(0, pl.Int64).alias("s")).clear()
    allpairs = pl.concat(parts).unique().sort(SERIES_KEY)
    return allpairs.with_row_index("s").with_columns(pl.col("s").cast(pl.Int64))


def attach_series(df: pl.DataFrame, index: pl.DataFrame) -> pl.DataFrame:
    return df.join(index, on=SERIES_KEY, how="left", maintain_order="left")


def empty_sources() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "s": pl.Int64,
            "k": pl.Int64,
            "component": pl.String,
            "units": pl.Float64,
            "source_file": pl.String,
            "source_line": pl.Int64,
            "source_id": pl.String,
        }
    )


def dense(sources: pl.DataFrame, n_series: int, hz: Horizon) -> FloatArr:
    """Sum source units into an (S, H) array in the frame's row order."""
    cells = (sources["s"] * hz.size + sources["k"]).to_numpy().astype(np.int64)
    units = sources["units"].to_numpy().astype(np.float64)
    total = np.bincount(cells, weights=units, minlength=n_series * hz.size)
    return np.asarray(total, dtype=np.float64).reshape(n_series, hz.size)


def gather(arr: FloatArr, s: pl.Series, k: pl.Series) -> FloatArr:
    """Values of an (S, H) array at the given cells."""
    cells = arr[s.to_numpy().astype(np.int64), k.to_numpy().astype(np.int64)]
    return np.asarray(cells, dtype=np.float64)


def fmt(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """A number as short text for messages: rounded, without a trailing '.0'."""
    text = expr.round(decimals).cast(pl.String)
    return pl.when(text.str.ends_with(".0")).then(text.str.strip_suffix(".0")).otherwise(text)


def with_optional(
    df: pl.DataFrame, columns: dict[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """Add optional contract columns the file left out, as nulls of their type."""
    missing = [
        pl.lit(None, dtype).alias(name) for name, dtype in columns.items() if name not in df.columns
    ]
    return df.with_columns(missing) if missing else df
