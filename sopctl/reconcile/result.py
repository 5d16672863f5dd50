"""`PlanResult` and the plan frames built from a solution vector.

Frames are long per entity x period, sorted by their keys in index order (items, resources and
materials by id, segments by priority), values rounded to 6 decimals; the objective is kept
unrounded. `supply` is one row per item x period (segments summed), `shipments` one row per
demanded item x segment x period, `costs_by_period` one row per period x cost component.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .data import FloatArr, PlanData
from .lp import LpModel
from .solve import SolverFacts

DECIMALS = 6
COST_ORDER = (
    "production",
    "regular_time",
    "overtime",
    "hiring",
    "layoffs",
    "subcontract",
    "holding",
    "backlog",
    "lost_sales",
    "lost_revenue",
    "safety_stock",
    "materials",
    "material_holding",
)
COSTS_BY_PERIOD_SCHEMA = {"period": pl.String, "component": pl.String, "value": pl.Float64}


@dataclass
class PlanResult:
    """Outcome of `reconcile`: the plan, its exceptions and how it was solved."""

    status: str  # optimal | infeasible | unbounded | time_limit | iteration_limit | error
    objective: float | None
    currency: str
    supply: pl.DataFrame
    shipments: pl.DataFrame
    capacity: pl.DataFrame
    materials: pl.DataFrame
    exceptions: pl.DataFrame
    shadow_prices: pl.DataFrame
    service: pl.DataFrame
    costs: dict[str, float]
    solver: SolverFacts
    # the objective per period and component (the same cost terms as `costs`, which are its
    # per-component sums); empty when there is no solution
    costs_by_period: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=COSTS_BY_PERIOD_SCHEMA)
    )
    diagnosis: list[str] = field(default_factory=list)  # conflicting constraints, by name
    hints: list[str] = field(default_factory=list)  # plain-language causes of infeasibility
    notes: list[str] = field(default_factory=list)  # input rows the model could not use
    timings: dict[str, float] = field(default_factory=dict)  # seconds: gather, build, solve ...

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    def cost_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {"component": list(self.costs), "value": list(self.costs.values())},
            schema={"component": pl.String, "value": pl.Float64},
        )


def clean(names: list[str]) -> list[pl.Expr]:
    """Columns rounded to 6 decimals, with -0.0 turned into 0.0 (nulls stay null)."""
    out = []
    for n in names:
        r = pl.col(n).round(DECIMALS)
        out.append(pl.when(r == 0.0).then(pl.lit(0.0)).otherwise(r).alias(n))
    return out


def rounded(df: pl.DataFrame) -> pl.DataFrame:
    """Float columns rounded to 6 decimals, with -0.0 turned into 0.0."""
    floats = [c for c, t in df.schema.items() if t == pl.Float64]
    return df.with_columns(clean(floats)) if floats else df


def long_frame(
    keys: dict[str, list[str]], periods: list[str], values: dict[str, Any]
) -> pl.DataFrame:
    """One row per entity x period; `values` are (n, T) arrays (or None for all-null)."""
    n = len(next(iter(keys.values()))) if keys else 0
    T = len(periods)
    cols: dict[str, pl.Series] = {
        k: pl.Series(k, np.repeat(np.asarray(v, dtype=object), T).tolist(), dtype=pl.String)
        for k, v in keys.items()
    }
    cols["period"] = pl.Series("period", periods * n, dtype=pl.String)
    for name, arr in values.items():
        if arr is None:
            cols[name] = pl.Series(name, [None] * (n * T), dtype=pl.Float64)
        else:
            flat = np.asarray(arr, dtype=np.float64).reshape(-1)
            cols[name] = pl.Series(name, flat, dtype=pl.Float64, nan_to_null=True)
    return rounded(pl.DataFrame(cols))


def empty_frames() -> dict[str, pl.DataFrame]:
    return {
        k: pl.DataFrame()
        for k in ("supply", "shipments", "capacity", "materials", "service", "shadow_prices")
    }


def period_costs(lp: LpModel, x: FloatArr) -> dict[str, FloatArr]:
    """Objective split by component and period: each cost term's coef x solution, summed over
    the columns of each period (length-T arrays, COST_ORDER first, unrounded)."""
    T = len(lp.periods)
    col_t = lp.col_period
    out = {k: np.zeros(T) for k in COST_ORDER}
    for term in lp.costs:
        per = np.bincount(col_t[term.cols], weights=term.coef * x[term.cols], minlength=T)
        out[term.category] = out.get(term.category, np.zeros(T)) + per
    return out


def cost_breakdown(per_period: dict[str, FloatArr]) -> dict[str, float]:
    """Totals per component (the per-period sums) and their grand total."""
    out = {k: float(v.sum()) for k, v in per_period.items()}
    out["total"] = float(sum(out.values()))
    return out


def costs_by_period_frame(periods: list[str], per_period: dict[str, FloatArr]) -> pl.DataFrame:
    """Long frame (period, component, value): periods in order, components in COST_ORDER."""
    comps = list(per_period)
    T = len(periods)
    if not comps:
        return pl.DataFrame(schema=COSTS_BY_PERIOD_SCHEMA)
    values = np.stack([per_period[k] for k in comps], axis=1).reshape(-1) if T else np.zeros(0)
    frame = pl.DataFrame(
        {
            "period": np.repeat(np.asarray(periods, dtype=object), len(comps)).tolist(),
            "component": comps * T,
            "value": values,
        },
        schema=COSTS_BY_PERIOD_SCHEMA,
    )
    return rounded(frame)


def _load(d: PlanData, production: FloatArr) -> FloatArr:
    """(R, T) hours each resource's routings take for `production` (F, T)."""
    load = np.zeros((len(d.resources), d.T))
    np.add.at(load, d.rt_res, d.rt_hours[:, None] * production[d.rt_item])
    return load


def settle(d: PlanData, lp: LpModel, x: FloatArr) -> FloatArr:
    """The solution with free slack settled: a safety-stock shortfall or an overtime hour that
    costs nothing may take any value the solver's vertex gives it (a shortfall of 51 on stock
    of 192; 240 overtime hours on a line a third loaded). Those columns are set to what the
    plan needs: max(0, safety stock - stock) and max(0, load - regular hours). Every row stays
    satisfied and the objective is unchanged: their net cost is 0."""
    net = np.zeros(lp.n_col)
    for term in lp.costs:
        np.add.at(net, term.cols, term.coef)
    out = x.copy()
    zb, ob = lp.cols["Z"], lp.cols["O"]
    if zb.size:
        stock = lp.cols["I"].grid(x)[zb.ent]
        need = np.maximum(d.safety_stock[zb.ent, None] - stock, 0.0).reshape(-1)
        cols = zb.cols()
        free = np.abs(net[cols]) <= 1e-12
        out[cols[free]] = np.minimum(x[cols], need)[free]
    if ob.size:
        res = d.res
        load = _load(d, lp.cols["P"].grid(x))[ob.ent]
        workers = np.zeros((len(d.resources), d.T))
        wb = lp.cols["W"]
        workers[wb.ent] = wb.grid(x)
        avail = np.where(res.labour[:, None], res.hours * workers, res.hours)[ob.ent]
        need = np.maximum(load - avail, 0.0).reshape(-1)
        cols = ob.cols()
        free = np.abs(net[cols]) <= 1e-12
        out[cols[free]] = np.minimum(x[cols], need)[free]
    return out


def plan_frames(
    d: PlanData, lp: LpModel, x: FloatArr, row_saving: FloatArr | None
) -> dict[str, Any]:
    """The plan's frames; `row_saving`: what one more unit of each row saves (prices.py)."""
    T, F = d.T, len(d.items)
    c = lp.cols
    g = {name: b.grid(x) for name, b in c.items()}
    pairs = lp.pairs
    pf, ps = pairs["f"].to_numpy(), pairs["s"].to_numpy()
    K = pairs.height
    back = pairs["backlog"].to_numpy().astype(bool)
    kb, kl = np.flatnonzero(back), np.flatnonzero(~back)
    dem = d.demand[pf, ps, :]
    Bk, Lk = np.zeros((K, T)), np.zeros((K, T))
    Bk[kb], Lk[kl] = g["B"], g["L"]
    on_time = np.where(back[:, None], np.maximum(dem - Bk, 0.0), g["Y"])

    def per_item(arr: FloatArr, ent: np.ndarray) -> FloatArr:
        out = np.zeros((F, T))
        np.add.at(out, ent, arr)
        return out

    arrivals = np.zeros((F, T))
    j, t = np.nonzero(np.ones((F, T), dtype=bool))
    land = t + d.lead_time[j]
    ok = land < T
    arrivals[j[ok], land[ok]] = g["P"][j[ok], t[ok]]
    ss_short = np.zeros((F, T))
    ss_short[c["Z"].ent] = g["Z"]
    supply = long_frame(
        {"item": d.items},
        d.periods,
        {
            "demand": d.demand.sum(axis=1),
            "production": g["P"],
            "production_arrivals": arrivals,
            **({"scheduled_receipts": d.receipts} if d.receipts_declared else {}),
            "subcontract": per_item(g["C"], c["C"].ent),
            "shipments": per_item(g["Y"], pf),
            "backlog": per_item(Bk, pf),
            "lost_sales": per_item(Lk, pf),
            "inventory": g["I"],
            "safety_stock": np.repeat(d.safety_stock[:, None], T, axis=1),
            "ss_shortfall": ss_short,
        },
    )
    shipments = long_frame(
        {"item": pairs["item"].to_list(), "segment": pairs["segment"].to_list()},
        d.periods,
        {"demand": dem, "shipped": g["Y"], "on_time": on_time, "backlog": Bk, "lost_sales": Lk},
    )
    return {
        "supply": supply,
        "shipments": shipments,
        "capacity": _capacity(d, lp, g, row_saving),
        "materials": _materials(d, g),
        "service": _service(d, pairs, dem, g["Y"], on_time, Lk, Bk),
    }


def _capacity(
    d: PlanData, lp: LpModel, g: dict[str, FloatArr], row_saving: FloatArr | None
) -> pl.DataFrame:
    res, T, R = d.res, d.T, len(d.resources)
    c = lp.cols
    load = _load(d, g["P"])
    ot = np.zeros((R, T))
    ot[c["O"].ent] = g["O"]
    wf, hires, lay = (np.full((R, T), np.nan) for _ in range(3))
    wf[c["W"].ent], hires[c["H"].ent], lay[c["F"].ent] = g["W"], g["H"], g["F"]
    avail = np.where(res.labour[:, None], res.hours * np.nan_to_num(wf), res.hours)
    ot_lim = np.where(res.labour[:, None], res.ot_limit * np.nan_to_num(wf), res.ot_limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(avail > 0, load / avail, np.nan)
    shadow = None if row_saving is None else lp.rows["capacity"].grid(row_saving)
    frame = long_frame(
        {"resource": d.resources},
        d.periods,
        {
            "available": avail,
            "overtime_limit": ot_lim,
            "load": load,
            "overtime": ot,
            "utilisation": util,
            "workforce": wf,
            "hires": hires,
            "layoffs": lay,
            "shadow_price": shadow,
        },
    )
    kind = np.where(res.labour, "labour", "fixed").tolist()
    return frame.insert_column(1, pl.Series("kind", np.repeat(kind, T).tolist(), pl.String))


def _materials(d: PlanData, g: dict[str, FloatArr]) -> pl.DataFrame:
    M, T = len(d.materials), d.T
    need = np.zeros((M, T))
    np.add.at(need, d.bom_mat, d.bom_qty[:, None] * g["P"][d.bom_item])
    cap = d.mat.cap.copy()
    cap[np.arange(T)[None, :] < d.mat.lead[:, None]] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(np.isfinite(cap) & (cap > 0), g["R"] / cap, np.nan)
    return long_frame(
        {"material": d.materials},
        d.periods,
        {
            "need": need,
            "receipts": g["R"],
            "open_orders": d.mat.open_orders,
            "inventory": g["J"],
            "supplier_capacity": np.where(np.isfinite(cap), cap, np.nan),
            "supplier_utilisation": util,
        },
    )


def _service(
    d: PlanData,
    pairs: pl.DataFrame,
    dem: FloatArr,
    shipped: FloatArr,
    on_time: FloatArr,
    lost: FloatArr,
    back: FloatArr,
) -> pl.DataFrame:
    S = len(d.segments)
    ps = pairs["s"].to_numpy()

    def seg_sum(a: FloatArr) -> FloatArr:
        if not a.size:
            return np.zeros(S)
        return np.bincount(ps, weights=a.sum(axis=1), minlength=S).astype(np.float64)

    def units(a: Any) -> FloatArr:
        # to the 4 decimals the plan files write units in (results.DECIMALS), so summary.json
        # agrees with them: a priority stage's 1e-6 hold leaves 89.999999 shipped, not 90
        return np.asarray(np.round(np.asarray(a, dtype=np.float64), 4) + 0.0, dtype=np.float64)

    total, ship, ontime = units(seg_sum(dem)), units(seg_sum(shipped)), units(seg_sum(on_time))
    end_back = np.bincount(ps, weights=back[:, -1], minlength=S) if back.size else np.zeros(S)
    end_back = units(end_back)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(total > 0, ontime / total, 1.0)
        fill = np.where(total > 0, ship / total, 1.0)
    frame = pl.DataFrame(
        {
            "segment": d.segments,
            "priority": d.seg_priority,
            "shortage_policy": np.where(d.seg_backlog, "backlog", "lost_sales").tolist(),
            "demand": total,
            "shipped": ship,
            "on_time": ontime,
            "late": ship - ontime,
            "lost_sales": units(seg_sum(lost)),
            "backlog_at_end": end_back,
            "service_level": level,
            "fill_rate": fill,
            "target": d.seg_target,
        }
    )
    frame = rounded(frame)
    return frame.with_columns(meets_target=pl.col("service_level") >= pl.col("target") - 1e-9)
