"""What a scenario changes in the input tables, as row edits of their files (for `sopctl adopt`).

Table overlays (overlays.py) return new frames whose rows still carry the line they were read
from; rows they add or upsert carry none. So, per table, against the validated frame:
- a row whose line is kept but whose values differ changes those cells on that line;
- a line that is gone is dropped, unless a new row has the same key: then that line is edited
  in place (an upsert reads as a changed row in the diff, not as a removal and an addition);
- the other new rows are appended.

Demand overlays act on the demand view, which no input holds; they become `delta` overrides:
per changed cell, the units that take the rebuilt view's final demand to the scenario's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from ..tables.check import Table
from ..tables.csvread import LINE
from ..xlsx.cells import number_text
from .csvedit import Edit

KEY = ["item", "segment", "period"]
COMPONENTS = ["baseline", "pipeline", "promotion", "renewal", "override"]
DECIMALS = 6  # override quantities: 46.800000000000004 - 36 is written as 10.8


@dataclass
class RowCounts:
    changed: int = 0
    added: int = 0
    removed: int = 0

    def words(self) -> str:
        parts = [
            f"{n} {what}"
            for n, what in (
                (self.changed, "changed"),
                (self.added, "added"),
                (self.removed, "removed"),
            )
            if n
        ]
        return ", ".join(parts) or "no rows"


def cell(value: Any) -> str:
    """The CSV text of a checked table's value."""
    if value is None:
        return ""
    if isinstance(value, float | int):
        return number_text(value)
    return str(value)


def _differs(a: Any, b: Any) -> bool:
    return (a is None) != (b is None) or (a is not None and a != b)


def table_edit(before: Table, after: pl.DataFrame) -> tuple[Edit, RowCounts]:
    """The row edits that turn `before`'s file into the rows of `after`."""
    cols = [c for c in before.contract.names if c in after.columns or c in before.frame.columns]
    key = [k for k in before.contract.key if k in cols]
    old = before.frame
    edit, counts = Edit(), RowCounts()
    kept = after.filter(pl.col(LINE).is_not_null())
    new = after.filter(pl.col(LINE).is_null())
    gone = old.join(kept.select(LINE), on=LINE, how="anti")
    old_rows = {r[LINE]: r for r in old.join(kept.select(LINE), on=LINE).to_dicts()}
    for row in kept.to_dicts():
        was = old_rows.get(row[LINE], {})
        change = {c: cell(row.get(c)) for c in cols if _differs(was.get(c), row.get(c))}
        if change:
            edit.cells[row[LINE]] = change
            counts.changed += 1
    at: dict[tuple[Any, ...], dict[str, Any]] = {}
    matched: set[int] = set()
    if key:
        at = {tuple(r[k] for k in key): r for r in gone.to_dicts()}
    for row in new.to_dicts():
        prev = at.pop(tuple(row.get(k) for k in key), None) if key else None
        if prev is None:
            edit.append.append({c: cell(row.get(c)) for c in cols if row.get(c) is not None})
            counts.added += 1
            continue
        matched.add(prev[LINE])
        change = {c: cell(row.get(c)) for c in cols if _differs(prev.get(c), row.get(c))}
        if change:
            edit.cells[prev[LINE]] = change
            counts.changed += 1
    edit.drop = {int(x) for x in gone[LINE].to_list() if x not in matched}
    counts.removed = len(edit.drop)
    return edit, counts


def demand_deltas(view: pl.DataFrame, scenario: pl.DataFrame) -> pl.DataFrame:
    """(item, segment, period, quantity): the delta override per cell whose final demand the
    scenario changed. A cell whose signalled figure was floored at 0 counts from its raw sum,
    so the rebuilt view reaches the scenario's figure exactly (up to the rounding)."""
    raw = pl.sum_horizontal(*[pl.col(c).fill_null(0.0) for c in COMPONENTS])
    ref = view.select(*KEY, raw.alias("__raw"), pl.col("final").alias("__old"))
    j = scenario.select(*KEY, "final").join(ref, on=KEY, how="left")
    old = pl.col("__old").fill_null(0.0)
    base = pl.when(old > 0).then(old).otherwise(pl.col("__raw").fill_null(0.0))
    delta = (
        pl.when((pl.col("final") - old).abs() <= 1e-12)
        .then(0.0)
        .when((pl.col("final") <= 0) & (old <= 0))
        .then(0.0)
        .otherwise(pl.col("final") - base)
        .round(DECIMALS)
    )
    out = j.select(*KEY, delta.alias("quantity")).filter(pl.col("quantity").abs() > 0)
    return out.sort(KEY)
