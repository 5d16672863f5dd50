"""Counts written with a dot between thousands: `1.712` for 1712, as a spreadsheet set to
German or Dutch exports them.

`1.712` is a valid number, so it passes every type check and the baseline quietly drops
by three orders of magnitude in one period. In a column of unit counts (COUNTS) whose other
values are all whole, a value written with exactly three decimals (and 1-3 digits before the
dot, not 0) that is below 1/100 of the median of its series (or of the column, for a table
without series) is SOP314, a warning: it may be a real fraction, which the message allows.
"""

from __future__ import annotations

import polars as pl

from .emit import Emitter
from .lines import LINE

# (table, column) of unit counts -> the columns of a series; () for the column as a whole
COUNTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("demand_history", "quantity"): ("item", "segment"),
    ("baseline", "quantity"): ("item", "segment"),
    ("actuals", "ordered"): ("item", "segment"),
    ("actuals", "shipped"): ("item", "segment"),
    ("pipeline", "quantity"): (),
}
_DOTTED = r"^[-+]?[1-9]\d{0,2}\.\d{3}$"  # '1.712', '12.500', '999.000'
_WIDTH = (5, 8)  # bytes of such a value: '1.712' .. '+999.999'
_SHARE = 100  # below 1/_SHARE of the median: three orders of magnitude, not a bad month


def check_dotted(out: Emitter, df: pl.DataFrame, text: pl.Series, table: str, column: str) -> None:
    """SOP314 for the counts of `column` (numbers in `df`, as written in `text`) that look
    like thousands written with a dot. Vectorised; a column of whole numbers none of which
    is as wide as such a value costs two passes over plain arrays."""
    series = COUNTS.get((table, column))
    if series is None or column not in df.columns:
        return
    x = df[column]
    frac = (x % 1 != 0).fill_null(False)
    wide = text.str.len_bytes().is_between(*_WIDTH).fill_null(False)
    if not (frac.any() or wide.any()):
        return
    keys = [k for k in series if k in df.columns]
    dotted = pl.col("__text").str.contains(_DOTTED)
    rows = (
        df.select(LINE, *keys, column)
        .with_columns(text.alias("__text"), frac.alias("__frac"))
        .filter(pl.col("__frac") | wide)
        .with_columns(dotted.fill_null(False).alias("__dotted"))
    )
    if not rows["__dotted"].any() or (rows["__frac"] & ~rows["__dotted"]).any():
        return  # nothing written so, or the column holds real fractions: units may be split
    marked = df.select(LINE, *keys, column).join(
        rows.filter("__dotted").select(LINE, "__dotted", "__text"), on=LINE, how="left"
    )
    median = pl.col(column).filter(~pl.col("__dotted").fill_null(False)).median()
    marked = marked.with_columns((median.over(keys) if keys else median).alias("__median"))
    hits = marked.filter(
        pl.col("__dotted").fill_null(False) & (pl.col(column) * _SHARE < pl.col("__median"))
    ).sort(LINE)
    values = hits["__text"].to_list()
    medians = hits["__median"].to_list()
    where = "its series" if keys else "the column"

    def message(i: int) -> str:
        value = values[i]
        meant = value.replace(".", "").lstrip("+")
        small = float(value)
        other = (
            f"{small:g} if {small:g} is meant"
            if small.is_integer()
            else f"{value} if it is a fraction"
        )
        return (
            f"'{value}' in column '{column}' looks like {meant} written with a dot as thousands "
            f"separator (the other values of {where} are whole numbers, their median "
            f"{medians[i]:g}); write {meant}, or {other}"
        )

    out.rows("SOP314", column, hits[LINE].to_list(), message)
