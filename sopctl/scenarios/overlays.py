"""Overlays as pure transformations of the validated tables (Workspace in, new Workspace out).

Nothing is written and the input Workspace is not changed: each overlay replaces whole frames
in a copy. Overlays apply in file order, so two overlays on the same cells compound. What each
kind changes (docs/scenarios.md has the reference):

- capacity / shift: `capacity` rows of the selected resources and periods (upserted), from the
  period's effective hours (a capacity row, else the resource's hours, or hours per worker for
  a labour pool): plus `hours` or times `factor`, floored at 0;
- workforce: `max_layoffs` (no_layoffs) or `max_hires` (hiring_freeze) set to 0: over the
  whole horizon in `resources` and in the `capacity` rows that set their own; in `from`..`to`
  as `capacity` rows of those periods (upserted, with the period's effective hours);
- supplier: the capacity of the selected materials in `from`..`to` times `capacity_factor` or
  plus `capacity_units`, as `supplier_capacity` rows (upserted; over the whole horizon also
  `materials.capacity`; an empty capacity stays unlimited); `delay` adds to
  `materials.lead_time` and moves the material's
  `open_orders` that many periods later (orders pushed past the horizon are dropped);
- receipts (receipts.py): the `scheduled_receipts` rows of the selected items arriving in
  `from`..`to`: `factor` times the quantity and `delay` periods later (rows pushed past the
  horizon are dropped);
- price: `items.price` and the `prices` rows of the selected items, or, for selected segments,
  `prices` rows upserted from the effective price (segment price, else the item's), and the
  items' `period_prices` rows; with `from`/`to` only `period_prices` rows of those periods;
- cost (cost.py): `items.unit_cost`, `materials.unit_cost` (the change flows into the unit
  cost of the items that use the material, bom quantity x change), `resources.regular_cost`
  and `overtime_cost`, and the per-period cost rows (period_costs, material_period_costs,
  capacity's hourly costs); with `from`/`to` such rows for those periods;
- promotion: rows added to or removed from `promotions` (the demand view is then rebuilt).

Demand overlays act on the demand view instead (demand.py).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import polars as pl

from .. import periods
from ..findings import Finding, finding
from ..tables.refs import ord_col
from .cost import cost_overlay
from .frames import (
    Note,
    capacity_grid,
    change,
    empty,
    floored,
    frame,
    nothing,
    put,
    put_capacity,
    same,
    upsert,
    upsert_periods,
)
from .money import price_overlay
from .receipts import delay_orders, receipts_overlay
from .select import Ids, Selection, select

if TYPE_CHECKING:
    from ..validate import Workspace
    from .load import Scenario


def apply_tables(
    ws: Workspace, sc: Scenario, ids: Ids, made: dict[str, int] | None = None
) -> tuple[Workspace, bool, list[Finding]]:
    """The workspace with every table overlay of `sc` applied, whether the promotions changed
    (the demand view must then be rebuilt), and the warnings of applying them. `made`, when
    given, gets each table the cycle does not have and the overlay (its index) that made it."""
    out = dataclasses.replace(ws, tables=dict(ws.tables))
    promotions = False
    findings: list[Finding] = []
    for i, ov in enumerate(sc.file.overlays):
        sel, _ = select(ids, ov, sc.doc, i)
        line, col = sc.doc.where(("overlays", i))

        def note(code: str, message: str, line: int = line, col: int = col) -> Finding:
            return finding(sc.doc.path, line, col, code, message)

        kind = ov.kind
        if kind in ("capacity", "shift"):
            findings += _capacity(out, ov, sel, ids, note)
        elif kind == "workforce":
            findings += _workforce(out, ov, sel, ids, note)
        elif kind == "supplier":
            findings += _supplier(out, ov, sel, ids, note)
        elif kind == "receipts":
            findings += receipts_overlay(out, ov, sel, ids, note)
        elif kind == "price":
            findings += price_overlay(out, ov, sel, ids, note)
        elif kind == "cost":
            findings += cost_overlay(out, ov, sel, ids, note)
        elif kind == "promotion":
            findings += _promotion(out, ov, sel, ids, note)
            promotions = True
        if made is not None:
            made.update((t, i) for t in out.tables if t not in ws.tables and t not in made)
    return out, promotions, findings


# ---------------------------------------------------------------------------- kinds


def _capacity(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    got = capacity_grid(ws, sel)
    if got is None:
        return []
    cap, cur = got
    factor = getattr(ov, "factor", None)
    cur = cur.with_columns(change(pl.col("before"), factor, ov.hours).alias("hours"))
    cur, out = floored(cur, "hours", "resource-period hours", note)
    if same(cur["before"], cur["hours"]):
        return nothing("hours", note)
    put_capacity(ws, cap, cur, ids)
    return out


def _workforce(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    """The limit set to 0: over the whole horizon in resources.csv and in the capacity rows
    that set their own; in `from`..`to` as capacity rows of those periods (upserted with the
    period's effective hours, other limits kept)."""
    res = frame(ws, "resources")
    if res is None or not sel.resources:
        return []
    col = "max_layoffs" if ov.policy == "no_layoffs" else "max_hires"
    whole = ov.from_ is None and ov.to is None
    changed = False
    if whole:
        if col not in res.columns:
            res = res.with_columns(pl.lit(None, pl.Float64).alias(col))
        hit = pl.col("resource").is_in(sel.resources)
        new = res.with_columns(pl.when(hit).then(pl.lit(0.0)).otherwise(pl.col(col)).alias(col))
        if not same(res[col], new[col]):
            put(ws, "resources", new)
            changed = True
    got = capacity_grid(ws, sel)
    if got is not None:
        cap, cur = got
        if whole:  # rows without their own limit take the resource's, just set to 0
            cur = cur.filter(pl.col(col).is_not_null())
        rows = cur.with_columns(pl.col("before").alias("hours"), pl.lit(0.0).alias(col))
        if rows.height and not same(cur[col], rows[col]):
            put_capacity(ws, cap, rows, ids)
            changed = True
    return [] if changed else nothing(col, note)


def _supplier(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    mats = frame(ws, "materials")
    if mats is None or not sel.materials:
        return []
    out: list[Finding] = []
    hit = pl.col("material").is_in(sel.materials)
    if ov.capacity_factor is not None or ov.capacity_units is not None:
        if "capacity" not in mats.columns:
            mats = mats.with_columns(pl.lit(None, pl.Float64).alias("capacity"))
        if ov.from_ is None and ov.to is None:  # the whole horizon: materials.capacity too
            changed = change(pl.col("capacity"), ov.capacity_factor, ov.capacity_units)
            new = mats.with_columns(
                pl.when(hit).then(changed).otherwise("capacity").alias("capacity")
            )
            mats, out = floored(new.fill_nan(None), "capacity", "supplier capacities", note)
        out += _supplier_periods(ws, ov, sel, ids, mats, note)
    if ov.delay is not None:
        mats = mats.with_columns(
            pl.when(hit)
            .then(pl.col("lead_time") + ov.delay)
            .otherwise("lead_time")
            .alias("lead_time")
        )
        out += delay_orders(ws, sel, ov.delay, ids, note)
    put(ws, "materials", mats)
    return out


def _supplier_periods(
    ws: Workspace, ov: Any, sel: Selection, ids: Ids, mats: pl.DataFrame, note: Note
) -> list[Finding]:
    """`supplier_capacity` rows of the selected materials and periods: each period's effective
    capacity (a supplier_capacity row, else materials.capacity) changed. A whole-horizon
    overlay only changes the rows there are (it has changed materials.capacity, in `mats`,
    for the rest); a period range writes a row for every selected period with a capacity. An
    unlimited capacity (no row, empty materials.capacity) stays unlimited."""
    if not sel.periods:
        return []
    whole = ov.from_ is None and ov.to is None
    old = frame(ws, "supplier_capacity")
    if old is None:
        old = empty("supplier_capacity", ("period",))
    grid = pl.DataFrame(
        {
            "material": [m for m in sel.materials for _ in sel.periods],
            "period": [p for _ in sel.materials for p in sel.periods],
        },
        schema={"material": pl.String, "period": pl.String},
    )
    base = mats.select("material", pl.col("capacity").cast(pl.Float64).alias("base"))
    cur = grid.join(base, on="material", how="left").join(
        old.select("material", "period", pl.col("capacity").alias("row")),
        on=["material", "period"],
        how="left",
    )
    if whole:
        cur = cur.filter(pl.col("row").is_not_null())
    cur = cur.with_columns(pl.coalesce("row", "base").alias("before")).filter(
        pl.col("before").is_not_null()
    )
    out: list[Finding] = []
    if not cur.height:
        if (
            not whole
            or base.filter(pl.col("material").is_in(sel.materials))["base"].is_null().all()
        ):
            out.append(
                note(
                    "SOP629",
                    "the selected materials have no supplier capacity (unlimited) in these "
                    "periods, so changing it changes nothing; give them a capacity in "
                    "materials.csv or supplier_capacity.csv",
                )
            )
        return out
    cur = cur.with_columns(
        change(pl.col("before"), ov.capacity_factor, ov.capacity_units).alias("capacity")
    )
    cur, out = floored(cur, "capacity", "supplier capacities", note)
    put(ws, "supplier_capacity", upsert_periods(old, cur, ["material", "period"], ids))
    return out


def _promotion(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    promos = frame(ws, "promotions")
    if promos is None:
        promos = empty("promotions", ("start_period", "end_period"))
    if ov.action == "remove":
        kept = promos.filter(pl.col("promo_id") != ov.id)
        if kept.height == promos.height:  # an earlier overlay removed it already
            return [note("SOP629", f"promotion {ov.id} is removed already; delete this overlay")]
        put(ws, "promotions", kept)
        return []
    rows = pl.DataFrame(
        {
            "promo_id": ov.id,
            "item": [i for i in sel.items for _ in sel.segments],
            "segment": [s for _ in sel.items for s in sel.segments],
            "start_period": ov.from_,
            "end_period": ov.to,
            "uplift_pct": ov.uplift_pct,
            "uplift_units": ov.uplift_units,
            # as promotions.csv reads them: a span partly outside the horizon is clipped later
            ord_col("start_period"): periods.to_ordinal(ov.from_, ids.bucket),
            ord_col("end_period"): periods.to_ordinal(ov.to, ids.bucket),
        },
        schema_overrides={"uplift_pct": pl.Float64, "uplift_units": pl.Float64},
    )
    put(ws, "promotions", upsert(promos, rows, ["promo_id", "item", "segment"]))
    return []
