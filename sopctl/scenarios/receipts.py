"""Fixed arrivals moved later: a `receipts` overlay on the scheduled receipts of items, and the
open orders of materials that a `supplier` overlay's `delay` moves (pure, like overlays.py).

- receipts: the `scheduled_receipts` rows of the selected items whose arrival period is in
  `from`..`to` (as the table stands when the overlay applies, so overlays compound): `factor`
  times their quantity, and `delay` periods later;
- both: a row moved past the horizon's last period is dropped, with one SOP632 warning that
  counts the rows and their units. A delay is at least 1, so nothing moves before the horizon.

Only the period and the quantity of a row change, and its line is kept: `sopctl adopt` writes
a moved row as changed cells of its line and a dropped one as a removed line (adopt_rows.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from ..findings import Finding
from ..tables.refs import ord_col
from .frames import Note, frame, nothing, ords, put, same, tidy
from .select import Ids, Selection

if TYPE_CHECKING:
    from ..validate import Workspace

HIT = "__hit"  # the rows an overlay selects, marked before anything about them changes


def delay_rows(
    ws: Workspace, name: str, rows: pl.DataFrame, delay: int, ids: Ids, what: str, note: Note
) -> list[Finding]:
    """Table `name` set to `rows` with those marked in HIT `delay` periods later; rows moved
    past the horizon are dropped with a SOP632 warning that names them as `what`."""
    o = ord_col("period")
    labels = ords(ids)
    last = max(labels.values())
    moved = rows.with_columns(
        pl.when(pl.col(HIT)).then(pl.col(o) + delay).otherwise(pl.col(o)).alias(o)
    )
    gone = moved.filter(pl.col(o) > last)
    by_ord = {n: p for p, n in labels.items()}
    kept = moved.filter(pl.col(o) <= last).with_columns(
        pl.col(o).replace_strict(by_ord, default=None, return_dtype=pl.String).alias("period")
    )
    put(ws, name, kept.drop(HIT))
    if not gone.height:
        return []
    units = float(gone["quantity"].sum()) if "quantity" in gone.columns else 0.0
    return [
        note(
            "SOP632",
            f"{gone.height} {what}(s) ({units:,.0f} units) arrive after the horizon once "
            f"delayed by {delay} period(s) and are left out of the scenario",
        )
    ]


def delay_orders(ws: Workspace, sel: Selection, delay: int, ids: Ids, note: Note) -> list[Finding]:
    """A supplier's delay: the open orders of the selected materials `delay` periods later."""
    orders = frame(ws, "open_orders")
    if orders is None or not orders.height:
        return []
    rows = orders.with_columns(pl.col("material").is_in(sel.materials).alias(HIT))
    return delay_rows(ws, "open_orders", rows, delay, ids, "open order", note)


def receipts_overlay(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    """The selected scheduled receipts times `factor` and `delay` periods later."""
    if not sel.items or not sel.periods:
        return []
    table = frame(ws, "scheduled_receipts")
    if table is None:
        return [
            note(
                "SOP629",
                "the cycle has no scheduled_receipts table, so the overlay changes nothing; "
                "declare the table in the charter's inputs or remove the overlay",
            )
        ]
    labels = ords(ids)
    arrives = pl.col(ord_col("period")).is_between(labels[sel.periods[0]], labels[sel.periods[-1]])
    rows = table.with_columns((pl.col("item").is_in(sel.items) & arrives).alias(HIT))
    if not rows[HIT].any():
        span = sel.periods[0] + ("" if len(sel.periods) == 1 else f" to {sel.periods[-1]}")
        return [
            note(
                "SOP629",
                f"no scheduled receipt of the selected items arrives in {span} "
                f"({ids.where('scheduled_receipts')}), so the overlay changes nothing; check "
                "its items, families, from and to",
            )
        ]
    if ov.factor is not None:
        q = pl.col("quantity")
        short = rows.with_columns(pl.when(pl.col(HIT)).then(tidy(q * ov.factor)).otherwise(q))
        if ov.delay is None and same(rows["quantity"], short["quantity"]):  # a factor of 1
            return nothing("scheduled receipts", note)
        rows = short
    if ov.delay is None:
        put(ws, "scheduled_receipts", rows.drop(HIT))
        return []
    return delay_rows(ws, "scheduled_receipts", rows, ov.delay, ids, "scheduled receipt", note)
