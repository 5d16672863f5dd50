"""Cost overlays (pure): standard unit costs of items, purchase prices of materials, hourly
costs of resources.

Whole horizon: `items.unit_cost`, `materials.unit_cost` (the change also flows into the unit
cost of the items that use the material, bill-of-materials quantity x change, except items the
same overlay changes), resources' `regular_cost` and `overtime_cost`, and the existing
per-period rows of the selected items (`period_costs`) and materials (`material_period_costs`).
With `from`/`to`: a per-period row for each selected item or material and period of the
range, from its effective cost that period (sopctl.costs); an item without its own row follows
its materials' period costs by itself, the items that have rows in those periods get the
material's change added to them; for resources a `capacity` row per period with both hourly
costs changed (the period's hours and limits kept). Over the whole horizon the capacity rows
that set their own hourly costs change with the resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from ..costs import item_costs, material_costs
from ..findings import Finding
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
    tidy,
    upsert_periods,
)
from .select import Ids, Selection

if TYPE_CHECKING:
    from ..validate import Workspace


def cost_overlay(ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note) -> list[Finding]:
    ranged = ov.from_ is not None or ov.to is not None
    out: list[Finding] = []
    changed = False
    items = frame(ws, "items")
    if items is not None and sel.items:
        if not ranged:
            new, hit, more = _undated(items, "item", sel.items, ov, note)
            changed, out = changed or hit, out + more
            put(ws, "items", new)
        hit, more = _rows(ws, ov, sel, ids, note, "item", whole=not ranged)
        changed, out = changed or hit, out + more
    mats = frame(ws, "materials")
    if mats is not None and sel.materials:
        before = material_costs(ws)
        if not ranged:
            new, hit, more = _undated(mats, "material", sel.materials, ov, note)
            changed, out = changed or hit, out + more
            put(ws, "materials", new)
            _bom_costs(ws, mats, new, sel)
        hit, more = _rows(ws, ov, sel, ids, note, "material", whole=not ranged)
        changed, out = changed or hit, out + more
        _roll(ws, before, sel)
    res = frame(ws, "resources")
    if res is not None and sel.resources:
        hit, more = _resources(ws, res, ov, sel, ids, note, ranged)
        changed, out = changed or hit, out + more
    return out if changed else [*out, *nothing("cost", note)]


TABLE = {"item": "period_costs", "material": "material_period_costs"}
HOURLY = ("regular_cost", "overtime_cost")


def _hourly(
    df: pl.DataFrame, cols: list[str], sel: Selection, ov: Any, what: str, note: Note
) -> tuple[pl.DataFrame, list[Finding]]:
    """The hourly cost columns of the selected resources changed (empty cells stay empty)."""
    hit = pl.col("resource").is_in(sel.resources)
    new = df.with_columns(
        pl.when(hit).then(change(pl.col(c), ov.factor, ov.change)).otherwise(c).alias(c)
        for c in cols
    )
    out: list[Finding] = []
    for c in cols:
        new, more = floored(new, c, f"{what} {c.replace('_', ' ')}s", note)
        out += more
    return new, out


def _resources(
    ws: Workspace, res: pl.DataFrame, ov: Any, sel: Selection, ids: Ids, note: Note, ranged: bool
) -> tuple[bool, list[Finding]]:
    """Hourly costs. Whole horizon: resources.csv and the capacity rows that set their own;
    with `from`/`to`: capacity rows of those periods from each period's effective cost (the
    row's, else the resource's), with the period's effective hours and limits kept."""
    out: list[Finding] = []
    changed = False
    cols = [c for c in HOURLY if c in res.columns]
    if not ranged:
        new, more = _hourly(res, cols, sel, ov, "resource", note)
        changed, out = not all(same(res[c], new[c]) for c in cols), out + more
        put(ws, "resources", new)
        cap = frame(ws, "capacity")
        own = [c for c in HOURLY if cap is not None and c in cap.columns]
        if cap is not None and own:
            rows, more = _hourly(cap, own, sel, ov, "resource-period", note)
            out += more
            if not all(same(cap[c], rows[c]) for c in own):
                put(ws, "capacity", rows)
                changed = True
        return changed, out
    got = capacity_grid(ws, sel)
    if got is None:
        return False, out
    cap, cur = got
    base = res.select(
        "resource",
        *(
            (pl.col(c) if c in cols else pl.lit(None)).cast(pl.Float64).alias(f"r_{c}")
            for c in HOURLY
        ),
    )
    cur = cur.join(base, on="resource", how="left")
    for c in HOURLY:
        eff = pl.coalesce(c, f"r_{c}").fill_null(0.0)
        cur = cur.with_columns(eff.alias(f"was_{c}"), change(eff, ov.factor, ov.change).alias(c))
        cur, more = floored(cur, c, f"resource-period {c.replace('_', ' ')}s", note)
        out += more
        changed |= not same(cur[f"was_{c}"], cur[c])
    if changed:
        put_capacity(ws, cap, cur.with_columns(pl.col("before").alias("hours")), ids)
    return changed, out


def _undated(
    df: pl.DataFrame, what: str, chosen: list[str], ov: Any, note: Note
) -> tuple[pl.DataFrame, bool, list[Finding]]:
    """`unit_cost` of the chosen items or materials changed (floored at 0), whether it
    changed, and the warnings."""
    new = df.with_columns(
        pl.when(pl.col(what).is_in(chosen))
        .then(change(pl.col("unit_cost"), ov.factor, ov.change))
        .otherwise("unit_cost")
        .alias("unit_cost")
    )
    new, more = floored(new, "unit_cost", f"{what} unit costs", note)
    return new, not same(df["unit_cost"], new["unit_cost"]), more


def _rows(
    ws: Workspace, ov: Any, sel: Selection, ids: Ids, note: Note, what: str, *, whole: bool
) -> tuple[bool, list[Finding]]:
    """The per-period rows of the selected items or materials in the selected periods: each
    period's effective cost changed, upserted. A whole-horizon overlay changes only the rows
    there are (it has changed the undated cost for the rest)."""
    name = TABLE[what]
    old = frame(ws, name)
    if old is None:
        old = empty(name, ("period",))
    chosen = sel.items if what == "item" else sel.materials
    eff = item_costs(ws) if what == "item" else material_costs(ws).drop("base")
    grid = pl.DataFrame({what: chosen}, schema={what: pl.String}).join(
        pl.DataFrame({"period": sel.periods}, schema={"period": pl.String}), how="cross"
    )
    cur = grid.join(eff, on=[what, "period"], how="left").join(
        old.select(what, "period", pl.col("unit_cost").alias("row")),
        on=[what, "period"],
        how="left",
    )
    if whole:
        cur = cur.filter(pl.col("row").is_not_null())
    value = pl.col("unit_cost").fill_null(0.0)
    cur = cur.with_columns(value.alias("before"), change(value, ov.factor, ov.change))
    cur, out = floored(cur, "unit_cost", f"{what} period costs", note)
    if not cur.height or same(cur["before"], cur["unit_cost"]):
        return False, out
    rows = cur.select(what, "period", "unit_cost")
    put(ws, name, upsert_periods(old, rows, [what, "period"], ids))
    return True, out


def _bom_costs(ws: Workspace, old: pl.DataFrame, new: pl.DataFrame, sel: Selection) -> None:
    """A material's cost change flows into the unit cost (standard cost) of the items using it,
    except items the same overlay already changed."""
    items, bom = frame(ws, "items"), frame(ws, "bom")
    if items is None or bom is None or not bom.height:
        return
    delta = old.select("material", "unit_cost").join(
        new.select("material", pl.col("unit_cost").alias("new")), on="material"
    )
    per_item = (
        bom.join(delta, on="material")
        .group_by("item")
        .agg(((pl.col("new") - pl.col("unit_cost")) * pl.col("quantity_per")).sum().alias("d"))
        .filter(~pl.col("item").is_in(sel.items))
    )
    out = items.join(per_item, on="item", how="left", maintain_order="left").with_columns(
        _plus_d().alias("unit_cost")
    )
    put(ws, "items", out.drop("d"))


def _roll(ws: Workspace, before: pl.DataFrame, sel: Selection) -> None:
    """The items' own `period_costs` rows take their materials' change of that period (items
    without a row follow their materials by the rule of sopctl.costs)."""
    rows, bom = frame(ws, "period_costs"), frame(ws, "bom")
    if rows is None or not rows.height or bom is None or not bom.height:
        return
    after = material_costs(ws)
    delta = (
        before.select("material", "period", pl.col("unit_cost").alias("was"))
        .join(after.select("material", "period", "unit_cost"), on=["material", "period"])
        .select("material", "period", (pl.col("unit_cost") - pl.col("was")).alias("d"))
        .filter(pl.col("d") != 0)
    )
    per_item = (
        bom.select("item", "material", "quantity_per")
        .join(delta, on="material")
        .group_by("item", "period")
        .agg((pl.col("d") * pl.col("quantity_per")).sum().alias("d"))
        .filter(~pl.col("item").is_in(sel.items))
    )
    if not per_item.height:
        return
    out = rows.join(per_item, on=["item", "period"], how="left", maintain_order="left")
    put(ws, "period_costs", out.with_columns(_plus_d().alias("unit_cost")).drop("d"))


def _plus_d() -> pl.Expr:
    """`unit_cost` plus the change `d` of its materials (rounded as computed values are,
    floored at 0); without a change, as it was."""
    plus = tidy(pl.col("unit_cost") + pl.col("d")).clip(lower_bound=0.0)
    return pl.when(pl.col("d").is_null()).then(pl.col("unit_cost")).otherwise(plus)
