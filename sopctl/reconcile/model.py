"""Build the aggregate-planning LP (see the package docstring) by index arithmetic.

Variables (all >= 0): P production started, C subcontract, I inventory, Z safety-stock
shortfall, Y shipments, B backlog, L lost sales (Y, B, L per demanded item x segment),
O overtime hours, W workforce, H hires, F layoffs, R material receipts, J material stock.
Rows: inventory_balance, demand, capacity, overtime_limit (labour), workforce_balance,
material_balance, safety_stock. Ending targets, backlog clearing, supplier capacity and lead
time, subcontract and workforce limits are column bounds (named in names.py).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..costs import bom_content
from .data import INF, FloatArr, IntArr, PlanData
from .lp import Block, CostTerm, LpModel, PriorityLevel, _Builder

__all__ = ["Block", "CostTerm", "LpModel", "PriorityLevel", "build_model"]


def _grid(n: int, T: int) -> tuple[IntArr, IntArr]:
    return np.repeat(np.arange(n, dtype=np.int64), T), np.tile(np.arange(T, dtype=np.int64), n)


def _keys(**cols: list[str]) -> pl.DataFrame:
    return pl.DataFrame({k: pl.Series(k, v, dtype=pl.String) for k, v in cols.items()})


def _lag(b: Block, rows: Block, sign: float, bld: _Builder) -> None:
    """Balance rows (j, t) get +1 * own(j, t) and -1 * own(j, t-1)."""
    j, t = _grid(b.n, b.n_periods)
    bld.a(rows.at(j, t), b.at(j, t), sign)
    later = t > 0
    bld.a(rows.at(j[later], t[later]), b.at(j[later], t[later] - 1), -sign)


def build_model(
    d: PlanData,
    *,
    integer: bool = False,
    lost_revenue: bool = True,
) -> LpModel:
    T, F = d.T, len(d.items)
    res, mat = d.res, d.mat
    bld = _Builder(T)
    zero, inf = np.zeros(1), np.full(1, INF)
    items = np.arange(F, dtype=np.int64)
    item_keys = _keys(item=d.items)
    tt = np.arange(T)

    # ---- item columns: production, subcontract, inventory, safety-stock shortfall
    p_up = np.where(tt[None, :] + d.lead_time[:, None] <= T - 1, INF, 0.0)
    P = bld.col("P", item_keys, items, 0.0, p_up)
    fc = np.flatnonzero(~np.isnan(d.sub_cost))
    C = bld.col("C", _keys(item=[d.items[f] for f in fc]), fc, 0.0, d.sub_limit[fc, None])
    Iv = bld.col("I", item_keys, items, 0.0, inf)
    bld.lo[-1].reshape(F, T)[:, T - 1] = d.ending_target
    fz = np.flatnonzero(d.safety_stock > 0)
    Z = bld.col("Z", _keys(item=[d.items[f] for f in fz]), fz, 0.0, d.safety_stock[fz, None])

    # ---- demand pairs: shipments, backlog, lost sales
    pf, ps = np.nonzero(d.demand.sum(axis=2) > 0)
    pf, ps = pf.astype(np.int64), ps.astype(np.int64)
    back = d.seg_backlog[ps]
    pairs = pl.DataFrame(  # from lists: a frame built from NumPy imports numpy.ma (see data._ids)
        {
            "item": pl.Series([d.items[f] for f in pf], dtype=pl.String),
            "segment": pl.Series([d.segments[s] for s in ps], dtype=pl.String),
            "f": pl.Series(pf.tolist(), dtype=pl.Int64),
            "s": pl.Series(ps.tolist(), dtype=pl.Int64),
            "backlog": pl.Series(back.tolist(), dtype=pl.Boolean),
        }
    )
    K = pairs.height
    kb, kl = np.flatnonzero(back), np.flatnonzero(~back)
    pk = pairs.select("item", "segment")
    Y = bld.col("Y", pk, np.arange(K, dtype=np.int64), 0.0, inf)
    b_up = np.full((kb.size, T), INF)
    b_up[d.seg_clear[ps[kb]], T - 1] = 0.0
    pk_b = pairs.filter(pl.col("backlog")).select("item", "segment")  # the rows kb
    pk_l = pairs.filter(~pl.col("backlog")).select("item", "segment")  # the rows kl
    B = bld.col("B", pk_b, kb, 0.0, b_up)
    L = bld.col("L", pk_l, kl, 0.0, d.demand[pf[kl], ps[kl], :])

    # ---- resources: overtime, workforce, hires, layoffs
    R = len(d.resources)
    ro = np.flatnonzero((res.ot_limit > 0).any(axis=1))
    fixed_ro = ~res.labour[ro]
    o_up = np.where(fixed_ro[:, None], res.ot_limit[ro], INF)
    Ov = bld.col("O", _keys(resource=[d.resources[r] for r in ro]), ro, 0.0, o_up)
    rl = np.flatnonzero(res.labour)
    lk = _keys(resource=[d.resources[r] for r in rl])
    W = bld.col("W", lk, rl, 0.0, res.max_workforce[rl, None])
    bld.lo[-1].reshape(rl.size, T)[:] = res.min_workforce[rl, None]
    H = bld.col("H", lk, rl, 0.0, res.max_hires[rl])
    Fi = bld.col("F", lk, rl, 0.0, res.max_layoffs[rl])

    # ---- materials: receipts (none inside the supplier lead time) and stock
    M = len(d.materials)
    mk = _keys(material=d.materials)
    r_up = np.where(tt[None, :] < mat.lead[:, None], 0.0, mat.cap)
    Rc = bld.col("R", mk, np.arange(M, dtype=np.int64), 0.0, r_up)
    J = bld.col("J", mk, np.arange(M, dtype=np.int64), 0.0, inf)

    # ---- inventory balance: I[t] - I[t-1] - P[t-lt] - C[t] + sum_s Y[t]
    #      = scheduled receipts[t] (+ on hand at t = 0): fixed arrivals, no column of their own
    rhs = d.receipts.astype(np.float64)  # a copy
    if F:
        rhs[:, 0] += d.on_hand
    inv = bld.row("inventory_balance", item_keys, items, rhs, rhs)
    _lag(Iv, inv, 1.0, bld)
    j, t = _grid(F, T)
    land = t + d.lead_time[j]
    ok = land <= T - 1
    bld.a(inv.at(j[ok], land[ok]), P.at(j[ok], t[ok]), -1.0)
    j, t = _grid(fc.size, T)
    bld.a(inv.at(fc[j], t), C.at(j, t), -1.0)
    j, t = _grid(K, T)
    bld.a(inv.at(pf[j], t), Y.at(j, t), 1.0)

    # ---- demand: backlog B[t] - B[t-1] + Y[t] = d[t]; lost sales Y[t] + L[t] = d[t]
    dem = d.demand[pf, ps, :]
    drow = bld.row("demand", pk, np.arange(K, dtype=np.int64), dem, dem)
    bld.a(drow.at(j, t), Y.at(j, t), 1.0)
    jb, tb = _grid(kb.size, T)
    bld.a(drow.at(kb[jb], tb), B.at(jb, tb), 1.0)
    later = tb > 0
    bld.a(drow.at(kb[jb[later]], tb[later]), B.at(jb[later], tb[later] - 1), -1.0)
    jl, tl = _grid(kl.size, T)
    bld.a(drow.at(kl[jl], tl), L.at(jl, tl), 1.0)

    # ---- capacity: sum_f h P[t] - O[t] - hpw[t] W[t] <= hours (fixed) / 0 (labour)
    cap_up = np.where(res.labour[:, None], 0.0, res.hours)
    cap = bld.row(
        "capacity",
        _keys(resource=d.resources),
        np.arange(R, dtype=np.int64),
        np.full(1, -INF),
        cap_up,
    )
    e, t = _grid(d.rt_item.size, T)
    bld.a(cap.at(d.rt_res[e], t), P.at(d.rt_item[e], t), d.rt_hours[e])
    j, t = _grid(ro.size, T)
    bld.a(cap.at(ro[j], t), Ov.at(j, t), -1.0)
    j, t = _grid(rl.size, T)
    bld.a(cap.at(rl[j], t), W.at(j, t), -res.hours[rl[j], t])

    # ---- labour overtime O[t] <= ot_per_worker[t] W[t]; workforce W[t] = W[t-1] + H[t] - F[t]
    lo_pos = np.flatnonzero(~fixed_ro)
    lr = ro[lo_pos]
    otr = bld.row(
        "overtime_limit", _keys(resource=[d.resources[r] for r in lr]), lr, np.full(1, -INF), zero
    )
    j, t = _grid(lr.size, T)
    bld.a(otr.at(j, t), Ov.at(lo_pos[j], t), 1.0)
    wpos = np.searchsorted(rl, lr)
    bld.a(otr.at(j, t), W.at(wpos[j], t), -res.ot_limit[lr[j], t])
    rhs = np.zeros((rl.size, T))
    rhs[:, 0] = res.workforce0[rl]
    wf = bld.row("workforce_balance", lk, rl, rhs, rhs)
    _lag(W, wf, 1.0, bld)
    j, t = _grid(rl.size, T)
    bld.a(wf.at(j, t), H.at(j, t), -1.0)
    bld.a(wf.at(j, t), Fi.at(j, t), 1.0)

    # ---- materials: J[t] - J[t-1] - R[t] + sum_f bom P[t] = open orders (+ on hand at t = 0)
    rhs = mat.open_orders.copy()
    if M:
        rhs[:, 0] += mat.on_hand
    mrow = bld.row("material_balance", mk, np.arange(M, dtype=np.int64), rhs, rhs)
    _lag(J, mrow, 1.0, bld)
    j, t = _grid(M, T)
    bld.a(mrow.at(j, t), Rc.at(j, t), -1.0)
    e, t = _grid(d.bom_item.size, T)
    bld.a(mrow.at(d.bom_mat[e], t), P.at(d.bom_item[e], t), d.bom_qty[e])

    # ---- safety stock (soft): I[t] + Z[t] >= ss
    ssr = bld.row("safety_stock", Z.keys, fz, d.safety_stock[fz, None], inf)
    j, t = _grid(fz.size, T)
    bld.a(ssr.at(j, t), Iv.at(fz[j], t), 1.0)
    bld.a(ssr.at(j, t), Z.at(j, t), 1.0)

    # ---- costs
    fixed_rt = ~res.labour[d.rt_res]
    reg_per_unit = np.zeros(
        (F, T)
    )  # (F, T): regular hours of fixed resources, at each period's rate
    np.add.at(
        reg_per_unit,
        d.rt_item[fixed_rt],
        d.rt_hours[fixed_rt, None] * res.reg_cost[d.rt_res[fixed_rt]],
    )
    # items.unit_cost is the standard cost including the bom materials, which are paid on
    # receipt (R); production carries only the rest
    unit = np.maximum(d.unit_cost - materials_cost(d), 0.0)
    bld.cost("production", P, unit)
    bld.cost("regular_time", P, reg_per_unit)
    bld.cost("subcontract", C, d.sub_cost[fc, None])
    bld.cost("holding", Iv, d.holding[:, None])
    bld.cost("safety_stock", Z, d.ss_penalty[fz, None])
    bld.cost("backlog", B, d.seg_penalty[ps[kb], None])
    bld.cost("lost_sales", L, d.seg_penalty[ps[kl], None])
    if lost_revenue:
        bld.cost("lost_revenue", L, d.seg_price[pf[kl], ps[kl]])
        end = np.zeros((kb.size, T))
        end[:, T - 1] = d.seg_price[pf[kb], ps[kb], T - 1]
        bld.cost("lost_revenue", B, end)
    reg_ro = np.where(fixed_ro[:, None], res.reg_cost[ro], 0.0)
    bld.cost("overtime", Ov, np.maximum(res.ot_cost[ro], reg_ro))
    bld.cost("regular_time", Ov, -reg_ro)
    bld.cost("regular_time", W, res.reg_cost[rl] * res.hours[rl])
    bld.cost("hiring", H, res.hire_cost[rl, None])
    bld.cost("layoffs", Fi, res.layoff_cost[rl, None])
    bld.cost("materials", Rc, mat.cost)
    bld.cost("material_holding", J, mat.holding[:, None])

    start, index, value = bld.csc()
    lp = LpModel(
        periods=d.periods,
        cols=bld.cols,
        rows=bld.rows,
        col_lower=np.concatenate(bld.lo) if bld.lo else np.zeros(0),
        col_upper=np.concatenate(bld.up),
        row_lower=np.concatenate(bld.rlo),
        row_upper=np.concatenate(bld.rup),
        a_start=start,
        a_index=index,
        a_value=value,
        costs=bld.costs,
        # whole workers; hires and layoffs follow (W[t] - W[t-1]), so a starting workforce of
        # 80.5 full-time equivalents can go to 81 with half a hire
        integer_cols=W.cols() if integer else np.zeros(0, np.int64),
        levels=[],
        pairs=pairs,
    )
    lp.levels = _levels(d, lp, B, L, kb, kl, ps)
    return lp


def _levels(
    d: PlanData, lp: LpModel, B: Block, L: Block, kb: IntArr, kl: IntArr, ps: IntArr
) -> list[PriorityLevel]:
    """Shortage columns per priority level, weighted by their objective cost (1 when free)."""
    cost = lp.col_cost
    out: list[PriorityLevel] = []
    for prio in sorted(set(d.seg_priority.tolist())):
        segs = np.flatnonzero(d.seg_priority == prio)
        in_b = np.isin(ps[kb], segs)
        in_l = np.isin(ps[kl], segs)
        idx = np.concatenate(
            [
                B.cols().reshape(B.n, B.n_periods)[in_b].ravel(),
                L.cols().reshape(L.n, L.n_periods)[in_l].ravel(),
            ]
        )
        if idx.size == 0:
            continue
        w = np.where(cost[idx] > 0, cost[idx], 1.0)
        out.append(PriorityLevel(prio, [d.segments[s] for s in segs], idx, w))
    return out


def materials_cost(d: PlanData) -> FloatArr:
    """(F, T): the bill-of-materials part of each item's cost at each period's prices."""
    return bom_content((d.bom_item, d.bom_mat, d.bom_qty), d.mat.cost, len(d.items))


def below_materials(d: PlanData) -> list[str]:
    """A note when an item's unit cost is below its materials: production then costs 0 beyond
    them (never a negative cost), which is rarely what the cost table means."""
    gap = materials_cost(d) - d.unit_cost
    f, t = np.nonzero(gap > 1e-9)
    if f.size == 0:
        return []
    j = int(np.argmax(gap[f, t]))
    fj, tj = f[j], t[j]
    own = d.unit_cost[fj, tj]
    worst = (
        f"{d.items[fj]} costs {own:g} against {own + gap[fj, tj]:g} of materials in {d.periods[tj]}"
    )
    n = np.unique(f).size
    return [
        f"items: {n} item(s) cost less than their bill of materials (largest gap: {worst}); "
        "production beyond the materials is costed at 0: check unit_cost against bom.csv"
    ]


def above_price(d: PlanData) -> list[str]:
    """A note when an item costs more than its price where it has demand: a unit lost costs
    only price + penalty, so the plan makes it only where the penalty or a higher segment
    priority makes up the loss (its shortages then read as cost trade-offs, cause.py)."""
    gap = np.where(d.demand > 0, d.unit_cost[:, None, :] - d.seg_price, -np.inf)
    f, s, t = np.nonzero(gap > 1e-9)
    if f.size == 0:
        return []
    j = int(np.argmax(gap[f, s, t]))
    fj, sj, tj = f[j], s[j], t[j]
    worst = (
        f"{d.items[fj]} costs {d.unit_cost[fj, tj]:g} against a price of "
        f"{d.seg_price[fj, sj, tj]:g} for {d.segments[sj]} in {d.periods[tj]}"
    )
    return [
        f"items: {np.unique(f).size} item(s) cost more than their price where they have demand "
        f"(largest gap: {worst}); the plan makes them only where a shortage penalty or a higher "
        "segment priority makes up the loss: check unit_cost against the price"
    ]


def horizon_end(d: PlanData) -> list[str]:
    """A note on the last periods, in which items with a lead time may not start production or
    orders (they would arrive after the horizon): the load and material needs of those periods
    then leave out what demand after the horizon needs, and read as spare capacity."""
    T = d.T
    late = d.lead_time[:, None] > (T - 1 - np.arange(T))[None, :]  # (F, T): cannot start
    periods = np.flatnonzero(late.any(axis=0))
    if periods.size == 0:
        return []
    first = int(periods[0])
    blocked = np.flatnonzero(late[:, first:].any(axis=1))
    touched = np.unique(d.rt_res[np.isin(d.rt_item, blocked)])
    used = [d.resources[r] for r in touched]
    mats = " (and the material needs of those items)" if np.isin(blocked, d.bom_item).any() else ""
    span = d.periods[first] if first == T - 1 else f"{d.periods[first]}..{d.periods[-1]}"
    what = f"the load on {_listed(used)} in {span}{mats}" if used else f"production in {span}"
    lts = np.unique(d.lead_time[blocked])
    longest, n = int(lts.max()), blocked.size
    per = f"period{'s' if longest != 1 else ''}"
    who = f"{n} item{'s' if n != 1 else ''} with a lead time"
    when = (
        f"of {longest} {per} cannot start production or purchase orders in {span}"
        if lts.size == 1
        else f"of {int(lts.min())} to {longest} periods cannot start production or purchase "
        f"orders in as many last periods ({span} for the longest)"
    )
    return [
        f"horizon end: {who} {when}, as they would arrive after the horizon; {what} leaves out "
        f"what demand after {d.periods[-1]} will need: read it as a floor (a horizon longer by "
        f"{longest} {per} plans it)"
    ]


def _listed(names: list[str], most: int = 4) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c, d and 3 more'."""
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
