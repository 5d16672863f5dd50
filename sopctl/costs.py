"""Standard costs per period: what an item and a material cost in each period of the horizon.

One rule, used by the reconcile model (`reconcile/data.py`) and by finance, so the plan's
costs and its COGS and stock values agree:

- a material costs its `material_period_costs` row for that period, else `materials.unit_cost`;
- an item costs its `period_costs` row for that period, else `items.unit_cost` plus what its
  materials cost more (or less) that period than their `materials.unit_cost` (bill-of-
  materials quantity x the difference): `items.unit_cost` is a standard cost that includes
  the materials, so a supplier's price increase rolls into the items that use it;
- an empty cost is 0.

Holding costs stay on the undated costs (`items.unit_cost`, `materials.unit_cost`): they steer
how long stock is kept, and do not value it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import polars as pl

from .tables.check import Table

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

    from .validate import Workspace

__all__ = ["columns", "cost_grid", "item_costs", "material_costs"]


def columns(ws: Workspace, name: str, cols: dict[str, PolarsDataType]) -> pl.DataFrame:
    """`cols` of an input table (typed, nulls kept), or an empty frame when it is missing."""
    t = ws.tables.get(name)
    frame = t.frame if isinstance(t, Table) else None
    if frame is None or any(c not in frame.columns for c in cols):
        return pl.DataFrame(schema=cols)
    return frame.select(pl.col(c).cast(dt) for c, dt in cols.items())


def _table(ws: Workspace, name: str, cols: dict[str, PolarsDataType]) -> pl.DataFrame:
    """`columns`, rows with an empty key dropped, the first row of each key kept."""
    key = [c for c, dt in cols.items() if dt == pl.String]
    return columns(ws, name, cols).drop_nulls(key).unique(key, keep="first", maintain_order=True)


def _horizon(ws: Workspace) -> pl.DataFrame:
    return pl.DataFrame({"period": ws.periods()}, schema={"period": pl.String})


def material_costs(ws: Workspace) -> pl.DataFrame:
    """(material, period, unit_cost, base) for every material and horizon period; `base` is
    materials.unit_cost."""
    mats = _table(ws, "materials", {"material": pl.String, "unit_cost": pl.Float64})
    rows = _table(
        ws,
        "material_period_costs",
        {"material": pl.String, "period": pl.String, "unit_cost": pl.Float64},
    ).drop_nulls("unit_cost")
    base = pl.col("unit_cost").fill_null(0.0)
    out = mats.lazy().select("material", base.alias("base")).join(_horizon(ws).lazy(), how="cross")
    if rows.height:
        out = out.join(rows.lazy(), on=["material", "period"], how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("unit_cost"))
    cost = pl.coalesce("unit_cost", "base").alias("unit_cost")
    return out.select("material", "period", cost, "base").collect()


def item_costs(ws: Workspace, materials: pl.DataFrame | None = None) -> pl.DataFrame:
    """(item, period, unit_cost) for every item and horizon period (`materials`: the frame of
    `material_costs`, when the caller has it)."""
    mats = material_costs(ws) if materials is None else materials
    items = _table(ws, "items", {"item": pl.String, "unit_cost": pl.Float64})
    bom = _table(
        ws, "bom", {"item": pl.String, "material": pl.String, "quantity_per": pl.Float64}
    ).drop_nulls("quantity_per")
    rows = _table(
        ws, "period_costs", {"item": pl.String, "period": pl.String, "unit_cost": pl.Float64}
    ).drop_nulls("unit_cost")
    moved = mats.filter(pl.col("unit_cost") != pl.col("base"))
    out = items.lazy().join(_horizon(ws).lazy(), how="cross")
    if moved.height and bom.height:  # a material's price moves in some period
        roll = (
            bom.lazy()
            .join(moved.lazy(), on="material")
            .group_by("item", "period")
            .agg(((pl.col("unit_cost") - pl.col("base")) * pl.col("quantity_per")).sum().alias("d"))
        )
        rolled = (pl.col("unit_cost").fill_null(0.0) + pl.col("d").fill_null(0.0)).clip(0.0)
        out = out.join(roll, on=["item", "period"], how="left").with_columns(rolled)
    out = out.select("item", "period", pl.col("unit_cost").fill_null(0.0).alias("rolled"))
    if rows.height:
        out = out.join(rows.lazy(), on=["item", "period"], how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("unit_cost"))
    return out.select(
        "item", "period", pl.coalesce("unit_cost", "rolled").alias("unit_cost")
    ).collect()


def cost_grid(
    df: pl.DataFrame, ids: pl.DataFrame, per: pl.DataFrame, shape: tuple[int, int]
) -> npt.NDArray[np.float64]:
    """An (entities, periods) array of the unit costs of an (entity, period, unit_cost) frame;
    `ids` maps the entity column to its index, `per` the period to `t`."""
    out = np.zeros(shape)
    if shape[0] and df.height:
        ent, idx = ids.columns
        df = df.join(ids, on=ent).join(per, on="period")
        out[df[idx].to_numpy(), df["t"].to_numpy()] = df["unit_cost"].to_numpy()
    return out
