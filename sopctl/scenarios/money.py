"""Price overlays (pure): selling prices per item, segment and period (see overlays.py for
what each changes; cost overlays are in cost.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from ..findings import Finding
from .frames import (
    Note,
    change,
    empty,
    floored,
    frame,
    nothing,
    put,
    same,
    upsert,
    upsert_periods,
)
from .select import Ids, Selection

if TYPE_CHECKING:
    from ..validate import Workspace


def price_overlay(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    """Whole horizon: `items.price` and the items' `prices` rows (every segment), or `prices`
    rows upserted from each segment's effective price (selected segments); and in both cases
    the `period_prices` rows of the selected items and segments. With `from`/`to`:
    `period_prices` rows of those periods, upserted from each period's effective price."""
    items = frame(ws, "items")
    if items is None or not sel.items:
        return []
    prices = frame(ws, "prices")
    if prices is None:
        prices = empty("prices")
    if ov.from_ is not None or ov.to is not None:
        return _period_prices(ws, ov, sel, ids, items, prices, note, whole=False)
    hit_i = pl.col("item").is_in(sel.items)
    out: list[Finding] = []
    changed = False
    if sel.all_segments:
        new_items = items.with_columns(
            pl.when(hit_i)
            .then(change(pl.col("price"), ov.factor, ov.change))
            .otherwise("price")
            .alias("price")
        )
        new_items, out = floored(new_items, "price", "item prices", note)
        new_prices = prices.with_columns(
            pl.when(hit_i)
            .then(change(pl.col("price"), ov.factor, ov.change))
            .otherwise("price")
            .alias("price")
        )
        new_prices, more = floored(new_prices, "price", "segment prices", note)
        out += more
        if not (
            same(items["price"], new_items["price"]) and same(prices["price"], new_prices["price"])
        ):
            put(ws, "items", new_items)
            put(ws, "prices", new_prices)
            changed = True
    else:
        cur = (
            _grid(sel.items, sel.segments)
            .join(
                prices.select("item", "segment", pl.col("price").alias("seg_price")),
                on=["item", "segment"],
                how="left",
            )
            .join(items.select("item", "price"), on="item", how="left")
        )
        eff = pl.coalesce("seg_price", "price").fill_null(0.0)
        cur = cur.with_columns(
            eff.alias("before"), change(eff, ov.factor, ov.change).alias("price")
        )
        cur, out = floored(cur.drop("seg_price"), "price", "segment prices", note)
        if not same(cur["before"], cur["price"]):
            rows = cur.select("item", "segment", "price")
            put(ws, "prices", upsert(prices, rows, ["item", "segment"]))
            changed = True
    out += _period_prices(ws, ov, sel, ids, items, prices, note, whole=True, changed=changed)
    return out


def _grid(items: list[str], segments: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "item": [i for i in items for _ in segments],
            "segment": [s for _ in items for s in segments],
        },
        schema={"item": pl.String, "segment": pl.String},
    )


def _period_prices(
    ws: Workspace,
    ov: Any,
    sel: Selection,
    ids: Ids,
    items: pl.DataFrame,
    prices: pl.DataFrame,
    note: Note,
    *,
    whole: bool,
    changed: bool = False,
) -> list[Finding]:
    """`period_prices` rows of the selected items, segments and periods: each period's
    effective price (its period row, else the segment's, else the item's; the tables as they
    were before this overlay) changed. A whole-horizon overlay changes only the rows there are
    (it has changed the other tables for the rest)."""
    old = frame(ws, "period_prices")
    if old is None:
        old = empty("period_prices", ("period",))
    grid = _grid(sel.items, sel.segments)
    cur = (
        grid.join(pl.DataFrame({"period": sel.periods}, schema={"period": pl.String}), how="cross")
        .join(
            old.select("item", "segment", "period", pl.col("price").alias("row")),
            on=["item", "segment", "period"],
            how="left",
        )
        .join(
            prices.select("item", "segment", pl.col("price").alias("seg_price")),
            on=["item", "segment"],
            how="left",
        )
        .join(items.select("item", pl.col("price").alias("item_price")), on="item", how="left")
    )
    if whole:
        cur = cur.filter(pl.col("row").is_not_null())
    eff = pl.coalesce("row", "seg_price", "item_price").fill_null(0.0)
    cur = cur.with_columns(eff.alias("before"), change(eff, ov.factor, ov.change).alias("price"))
    cur, out = floored(cur, "price", "period prices", note)
    if cur.height and not same(cur["before"], cur["price"]):
        rows = cur.select("item", "segment", "period", "price")
        put(ws, "period_prices", upsert_periods(old, rows, ["item", "segment", "period"], ids))
        return out
    return out if changed else [*out, *nothing("price", note)]
