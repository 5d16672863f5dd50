"""Gather the reconcile model's parameters from a loaded Workspace into dense NumPy arrays.

Every set gets an integer index: items f (sorted ids), segments s (charter priority, then
charter order), periods t (0 = the cycle's first period), resources r and materials m (sorted
ids). Tables are mapped onto those indices with polars joins and scattered into arrays in one
NumPy assignment each (rows.py); no Python loop runs over table rows. Scheduled receipts of items
and open orders of materials are fixed arrivals: (F, T) and (M, T) arrays of units.

Defaults (all documented in the package docstring): an empty holding cost is
items.unit_cost x finance.inventory_carrying_rate / periods per year; an empty safety-stock
penalty is twice the item's holding cost; material holding is materials.unit_cost x carrying
rate / periods per year; empty limits are unlimited, an empty overtime limit means no
overtime. Unit costs per period (items and materials) come from `sopctl.costs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import polars as pl

from ..costs import cost_rows, standard_costs
from ..periods import PERIODS_PER_YEAR
from .rows import attach as _attach
from .rows import frame as _frame
from .rows import ids as _ids
from .rows import num as _num
from .rows import nums as _nums
from .rows import per_entity as _per_entity
from .rows import summed

if TYPE_CHECKING:
    from ..validate import Workspace

FloatArr = npt.NDArray[np.float64]
IntArr = npt.NDArray[np.int64]
BoolArr = npt.NDArray[np.bool_]

INF = float("inf")
SS_PENALTY_FACTOR = 2.0  # default safety-stock penalty = 2 x holding cost per unit-period


@dataclass
class ResourceData:
    """Resources (R) and their per-period capacity (R, T)."""

    labour: BoolArr
    hours: FloatArr  # (R, T) fixed: hours; labour: hours per worker
    ot_limit: FloatArr  # (R, T) fixed: hours; labour: hours per worker
    reg_cost: FloatArr  # (R, T): per regular hour (labour: per worker-hour)
    ot_cost: FloatArr  # (R, T)
    workforce0: FloatArr
    hire_cost: FloatArr
    layoff_cost: FloatArr
    max_hires: FloatArr  # (R, T)
    max_layoffs: FloatArr  # (R, T)
    min_workforce: FloatArr
    max_workforce: FloatArr


@dataclass
class MaterialData:
    """Materials (M), supplier capacity and open orders (M, T)."""

    cost: FloatArr  # (M, T): the purchase price per period (sopctl.costs)
    lead: IntArr
    cap: FloatArr  # (M, T): units the supplier ships per period; inf: unlimited
    on_hand: FloatArr
    holding: FloatArr
    open_orders: FloatArr


@dataclass
class PlanData:
    """Everything the model needs, as arrays over the index sets."""

    periods: list[str]
    items: list[str]
    segments: list[str]
    resources: list[str]
    materials: list[str]
    currency: str
    # items (F)
    unit_cost: FloatArr  # (F, T): the standard cost per period (sopctl.costs)
    price: FloatArr
    holding: FloatArr
    lead_time: IntArr
    sub_cost: FloatArr  # nan = the item cannot be subcontracted
    sub_limit: FloatArr  # inf = unlimited
    on_hand: FloatArr
    receipts: FloatArr  # (F, T): scheduled_receipts arriving whatever the plan decides
    safety_stock: FloatArr
    ss_penalty: FloatArr
    ending_target: FloatArr
    # segments (S) and demand
    seg_priority: IntArr
    seg_backlog: BoolArr
    seg_penalty: FloatArr
    seg_clear: BoolArr
    seg_target: FloatArr  # service-level target
    seg_price: FloatArr  # (F, S, T): period_prices, else prices, else items.price
    demand: FloatArr  # (F, S, T)
    res: ResourceData
    mat: MaterialData
    # routings (sparse, one entry per item x resource)
    rt_item: IntArr
    rt_res: IntArr
    rt_hours: FloatArr
    # bill of materials (sparse)
    bom_item: IntArr
    bom_mat: IntArr
    bom_qty: FloatArr
    notes: list[str] = field(default_factory=list)
    # the charter declares scheduled_receipts: supply_plan.csv then has the column (a plan
    # without it keeps the files, and the digests approvals and tags hold, of before)
    receipts_declared: bool = False

    @property
    def T(self) -> int:
        return len(self.periods)

    @property
    def hours(self) -> FloatArr:
        """Dense routing matrix (F, R): hours per unit."""
        out = np.zeros((len(self.items), len(self.resources)))
        out[self.rt_item, self.rt_res] = self.rt_hours
        return out


def gather(ws: Workspace, demand: pl.DataFrame) -> PlanData:
    """Parameters of the reconcile model for one cycle and one demand plan."""
    ch = ws.charter
    assert ch is not None and ws.cycle is not None
    notes: list[str] = []
    labels = ws.periods()
    T = len(labels)
    ppy = PERIODS_PER_YEAR[ch.cadence.bucket]
    rate = ch.finance.inventory_carrying_rate
    per = _ids(labels, "period", "t")

    items_df = _frame(ws, "items", ["item"])
    items = sorted(set(items_df["item"].to_list())) if items_df is not None else []
    F = len(items)
    ids_f = _ids(items, "item", "f")
    it = _per_entity("f", items_df.join(ids_f, on="item") if items_df is not None else None, F)
    iu = _nums(
        it,
        {
            "unit_cost": 0.0,
            "holding_cost": np.nan,
            "price": 0.0,
            "lead_time": 0.0,
            "subcontract_cost": np.nan,
            "subcontract_limit": INF,
        },
    )
    hold_raw = iu["holding_cost"]
    holding = np.where(np.isnan(hold_raw), iu["unit_cost"] * rate / ppy, hold_raw)

    segs = sorted(enumerate(ch.segments), key=lambda p: (p[1].priority, p[0]))
    seg_objs = [s for _, s in segs]
    segments = [s.id for s in seg_objs]
    S = len(segments)
    ids_s = _ids(segments, "segment", "s")
    price = iu["price"]
    seg_price = np.repeat(price[:, None], S, axis=1)
    pr = _frame(ws, "prices", ["item", "segment", "price"])
    if pr is not None and pr.height:
        pr = _attach(pr, {"item": ids_f, "segment": ids_s}, notes, "prices")
        seg_price[pr["f"].to_numpy(), pr["s"].to_numpy()] = _num(pr, "price", 0.0)
    seg_price = np.repeat(seg_price[:, :, None], T, axis=2)  # (F, S, T)
    pp = _frame(ws, "period_prices", ["item", "segment", "period", "price"])
    if pp is not None and pp.height:
        pp = _attach(pp, {"item": ids_f, "segment": ids_s, "period": per}, notes, "period_prices")
        f, s_, t = (pp[c].to_numpy() for c in ("f", "s", "t"))
        seg_price[f, s_, t] = _num(pp, "price", 0.0)

    inv = _frame(ws, "inventory", ["item"])
    inv_i = inv.join(ids_f, on="item") if inv is not None else None
    iv = _per_entity("f", inv_i, F)
    stock = _nums(
        iv,
        {"safety_stock_penalty": np.nan, "on_hand": 0.0, "safety_stock": 0.0, "ending_target": 0.0},
    )
    ss_pen_raw = stock["safety_stock_penalty"]

    dem = np.zeros((F, S, T))
    if demand.height:
        d = demand.select(
            pl.col("item").cast(pl.String),
            pl.col("segment").cast(pl.String),
            pl.col("period").cast(pl.String),
            pl.col("final").cast(pl.Float64).fill_null(0.0),
        )
        d = _attach(d, {"item": ids_f, "segment": ids_s, "period": per}, notes, "demand")
        np.add.at(
            dem,
            (d["f"].to_numpy(), d["s"].to_numpy(), d["t"].to_numpy()),
            np.maximum(d["final"].to_numpy(), 0.0),
        )

    res_names, res, rs = _resources(ws, per, T, notes)
    mat_names, mat, mt = _materials(ws, per, T, ppy, rate, notes)
    R, M = len(res_names), len(mat_names)
    rt = _frame(ws, "routings", ["item", "resource", "hours_per_unit"])
    rt_f, rt_r, rt_h = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if rt is not None and rt.height and R:
        rt = _attach(rt, {"item": ids_f, "resource": rs}, notes, "routings")
        rt_f, rt_r, rt_h = rt["f"].to_numpy(), rt["r"].to_numpy(), _num(rt, "hours_per_unit", 0)
    bom = _frame(ws, "bom", ["item", "material", "quantity_per"])
    b_f, b_m, b_q = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if bom is not None and bom.height and M:
        bom = _attach(bom, {"item": ids_f, "material": mt}, notes, "bom")
        b_f, b_m, b_q = bom["f"].to_numpy(), bom["m"].to_numpy(), _num(bom, "quantity_per", 0)
    unit_cost, mat.cost = standard_costs(
        iu["unit_cost"],
        mat.cost,
        (b_f, b_m, b_q),
        cost_rows(ws, "period_costs", ids_f, per),
        cost_rows(ws, "material_period_costs", mt, per),
        T,
    )
    lt = iu["lead_time"].astype(np.int64)
    return PlanData(
        periods=labels,
        items=items,
        segments=segments,
        resources=res_names,
        materials=mat_names,
        currency=ch.finance.currency,
        unit_cost=unit_cost,
        price=price,
        holding=holding,
        lead_time=lt,
        sub_cost=iu["subcontract_cost"],
        sub_limit=iu["subcontract_limit"],
        on_hand=stock["on_hand"],
        receipts=summed(ws, "scheduled_receipts", {"item": ids_f, "period": per}, (F, T), notes),
        receipts_declared=any(i.table == "scheduled_receipts" for i in ch.inputs),
        safety_stock=stock["safety_stock"],
        ss_penalty=np.where(np.isnan(ss_pen_raw), SS_PENALTY_FACTOR * holding, ss_pen_raw),
        ending_target=stock["ending_target"],
        seg_priority=np.array([s.priority for s in seg_objs], dtype=np.int64),
        seg_backlog=np.array([s.shortage_policy == "backlog" for s in seg_objs], dtype=bool),
        seg_penalty=np.array([s.shortage_penalty for s in seg_objs], dtype=np.float64),
        seg_clear=np.array([s.clear_backlog_by_end for s in seg_objs], dtype=bool),
        seg_target=np.array([s.service_level_target for s in seg_objs], dtype=np.float64),
        seg_price=seg_price,
        demand=dem,
        rt_item=rt_f,
        rt_res=rt_r,
        rt_hours=rt_h,
        bom_item=b_f,
        bom_mat=b_m,
        bom_qty=b_q,
        res=res,
        mat=mat,
        notes=notes,
    )


def _resources(
    ws: Workspace, per: pl.DataFrame, T: int, notes: list[str]
) -> tuple[list[str], ResourceData, pl.DataFrame]:
    df = _frame(ws, "resources", ["resource", "kind"])
    names = sorted(set(df["resource"].to_list())) if df is not None else []
    R = len(names)
    ids = _ids(names, "resource", "r")
    rv = _per_entity("r", df.join(ids, on="resource") if df is not None else None, R)
    labour = (rv["kind"] == "labour").fill_null(False).to_numpy() if R else np.zeros(0, bool)
    v = _nums(
        rv,
        {
            "hours_per_worker": 0.0,
            "hours": 0.0,
            "overtime_limit": 0.0,
            "regular_cost": 0.0,
            "overtime_cost": 0.0,
            "workforce": 0.0,
            "hire_cost": 0.0,
            "layoff_cost": 0.0,
            "max_hires": INF,
            "max_layoffs": INF,
            "min_workforce": 0.0,
            "max_workforce": INF,
        },
    )
    base_hours = np.where(labour, v["hours_per_worker"], v["hours"])
    hours = np.repeat(base_hours[:, None], T, axis=1)
    ot = np.repeat(v["overtime_limit"][:, None], T, axis=1)
    hires = np.repeat(v["max_hires"][:, None], T, axis=1)
    layoffs = np.repeat(v["max_layoffs"][:, None], T, axis=1)
    reg = np.repeat(v["regular_cost"][:, None], T, axis=1)
    ot_cost = np.repeat(v["overtime_cost"][:, None], T, axis=1)
    cap = _frame(ws, "capacity", ["resource", "period", "hours"])
    if cap is not None and cap.height and R:
        cap = _attach(cap, {"resource": ids, "period": per}, notes, "capacity")
        r, t = cap["r"].to_numpy(), cap["t"].to_numpy()
        hours[r, t] = _num(cap, "hours", 0.0)
        limits = ((ot, "overtime_limit"), (hires, "max_hires"), (layoffs, "max_layoffs"))
        for arr, col in (*limits, (reg, "regular_cost"), (ot_cost, "overtime_cost")):
            new = _num(cap, col, np.nan)  # an empty cell keeps the resource's own limit
            keep = ~np.isnan(new)
            arr[r[keep], t[keep]] = new[keep]
    out = ResourceData(
        labour=labour,
        hours=hours,
        ot_limit=ot,
        reg_cost=reg,
        ot_cost=ot_cost,
        workforce0=v["workforce"],
        hire_cost=v["hire_cost"],
        layoff_cost=v["layoff_cost"],
        max_hires=hires,
        max_layoffs=layoffs,
        min_workforce=v["min_workforce"],
        max_workforce=v["max_workforce"],
    )
    return names, out, ids


def _materials(
    ws: Workspace, per: pl.DataFrame, T: int, ppy: int, rate: float, notes: list[str]
) -> tuple[list[str], MaterialData, pl.DataFrame]:
    df = _frame(ws, "materials", ["material"])
    names = sorted(set(df["material"].to_list())) if df is not None else []
    M = len(names)
    ids = _ids(names, "material", "m")
    mv = _per_entity("m", df.join(ids, on="material") if df is not None else None, M)
    oo = summed(ws, "open_orders", {"material": ids, "period": per}, (M, T), notes)
    v = _nums(mv, {"unit_cost": 0.0, "lead_time": 0.0, "capacity": INF, "on_hand": 0.0})
    cap = np.repeat(v["capacity"][:, None], T, axis=1)
    per_period = _frame(ws, "supplier_capacity", ["material", "period", "capacity"])
    if per_period is not None and per_period.height and M:
        per_period = _attach(
            per_period, {"material": ids, "period": per}, notes, "supplier_capacity"
        )
        cap[per_period["m"].to_numpy(), per_period["t"].to_numpy()] = _num(
            per_period, "capacity", 0.0
        )
    out = MaterialData(
        cost=v["unit_cost"],  # (M,) here: gather() makes it (M, T) with sopctl.costs
        lead=v["lead_time"].astype(np.int64),
        cap=cap,
        on_hand=v["on_hand"],
        holding=v["unit_cost"] * rate / ppy,
        open_orders=oo,
    )
    return names, out, ids
