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

__all__ = [
    "bom_content",
    "columns",
    "cost_rows",
    "item_costs",
    "material_costs",
    "per_period",
    "standard_costs",
]

FloatArr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]
Rows = tuple[IntArr, IntArr, FloatArr]  # (entity index, period index, unit_cost)


def columns(ws: Workspace, name: str, cols: dict[str, PolarsDataType]) -> pl.DataFrame:
    """`cols` of an input table (typed, nulls kept), or an empty frame when it is missing."""
    t = ws.tables.get(name)
    frame = t.frame if isinstance(t, Table) else None
    if frame is None or any(c not in frame.columns for c in cols):
        return pl.DataFrame(schema=cols)
    return frame.select(pl.col(c).cast(dt) for c, dt in cols.items())


def standard_costs(
    item_base: FloatArr,
    material_base: FloatArr,
    bom: tuple[IntArr, IntArr, FloatArr],
    item_rows: Rows,
    material_rows: Rows,
    T: int,
) -> tuple[FloatArr, FloatArr]:
    """The rule: (F, T) item costs and (M, T) material costs from the undated costs (F,) and
    (M,), the bill of materials (item, material, quantity_per) and the per-period rows."""
    mc = np.repeat(material_base[:, None], T, axis=1)
    m, t, v = material_rows
    mc[m, t] = v
    uc = np.repeat(item_base[:, None], T, axis=1)
    bf, bm, bq = bom
    if m.size and bf.size:  # a material's price moves: the items using it move with it
        roll = np.zeros_like(uc)
        np.add.at(roll, bf, bq[:, None] * (mc[bm] - material_base[bm, None]))
        uc = np.maximum(uc + roll, 0.0)
    f, t, v = item_rows
    uc[f, t] = v
    return uc, mc


def bom_content(bom: tuple[IntArr, IntArr, FloatArr], mc: FloatArr, n_items: int) -> FloatArr:
    """(F, T): the bill-of-materials part of each item's cost at each period's material costs
    `mc` (M, T). The model pays materials on receipt, so production carries only
    max(0, item cost - this)."""
    bf, bm, bq = bom
    out = np.zeros((n_items, mc.shape[1]))
    np.add.at(out, bf, bq[:, None] * mc[bm])
    return out


def _index(values: list[str], col: str, idx: str) -> pl.DataFrame:
    return pl.DataFrame({col: values}, schema={col: pl.String}).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias(idx)
    )


def cost_rows(ws: Workspace, name: str, ids: pl.DataFrame, per: pl.DataFrame) -> Rows:
    """A per-period cost table's rows as index arrays: `ids` maps the entity column to its
    index (two columns), `per` maps `period` to `t`; rows naming neither are left out."""
    ent, idx = ids.columns
    df = columns(ws, name, {ent: pl.String, "period": pl.String, "unit_cost": pl.Float64})
    if not df.height:  # most cycles have no such rows: no queries for them
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    df = df.drop_nulls().join(ids, on=ent).join(per, on="period")
    return df[idx].to_numpy(), df["t"].to_numpy(), df["unit_cost"].to_numpy()


def per_period(ws: Workspace) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(item, period, unit_cost, production_cost) and (material, period, unit_cost, base) for
    every item, material and horizon period, by `standard_costs`; `production_cost` is what
    the model charges per unit produced: the unit cost less its materials (`bom_content`)."""
    periods = ws.periods()
    per = _index(periods, "period", "t")
    items = columns(ws, "items", {"item": pl.String, "unit_cost": pl.Float64}).drop_nulls("item")
    items = items.unique("item", keep="first", maintain_order=True)
    mats = columns(ws, "materials", {"material": pl.String, "unit_cost": pl.Float64})
    mats = mats.drop_nulls("material").unique("material", keep="first", maintain_order=True)
    ids_f = _index(items["item"].to_list(), "item", "f")
    ids_m = _index(mats["material"].to_list(), "material", "m")
    bom = (
        columns(ws, "bom", {"item": pl.String, "material": pl.String, "quantity_per": pl.Float64})
        .drop_nulls()
        .join(ids_f, on="item")
        .join(ids_m, on="material")
    )
    m_base = mats["unit_cost"].fill_null(0.0).to_numpy()
    uc, mc = standard_costs(
        items["unit_cost"].fill_null(0.0).to_numpy(),
        m_base,
        (bom["f"].to_numpy(), bom["m"].to_numpy(), bom["quantity_per"].to_numpy()),
        cost_rows(ws, "period_costs", ids_f, per),
        cost_rows(ws, "material_period_costs", ids_m, per),
        len(periods),
    )
    T = len(periods)
    content = bom_content(
        (bom["f"].to_numpy(), bom["m"].to_numpy(), bom["quantity_per"].to_numpy()),
        mc,
        items.height,
    )
    item_frame = pl.DataFrame(
        {
            "item": np.repeat(np.array(items["item"].to_list(), dtype=object), T),
            "period": periods * items.height,
            "unit_cost": uc.reshape(-1),
            "production_cost": np.maximum(uc - content, 0.0).reshape(-1),
        },
        schema={
            "item": pl.String,
            "period": pl.String,
            "unit_cost": pl.Float64,
            "production_cost": pl.Float64,
        },
    )
    material_frame = pl.DataFrame(
        {
            "material": np.repeat(np.array(mats["material"].to_list(), dtype=object), T),
            "period": periods * mats.height,
            "unit_cost": mc.reshape(-1),
            "base": np.repeat(m_base, T),
        },
        schema={
            "material": pl.String,
            "period": pl.String,
            "unit_cost": pl.Float64,
            "base": pl.Float64,
        },
    )
    return item_frame, material_frame


def material_costs(ws: Workspace) -> pl.DataFrame:
    """(material, period, unit_cost, base) for every material and horizon period; `base` is
    materials.unit_cost."""
    return per_period(ws)[1]


def item_costs(ws: Workspace) -> pl.DataFrame:
    """(item, period, unit_cost) for every item and horizon period."""
    return per_period(ws)[0].drop("production_cost")
