"""Why a plan is infeasible, in planning terms, and the table of shadow prices.

Two sources: HiGHS's irreducible infeasible subset (IIS, `Highs.getIis`), mapped to row and
bound names (`capacity[line-a,2027-05]`, `ending_target[FAM-003]`); and our own checks on
the data that need no solver: a labour pool whose limits contradict each other, or an item
that must end with more stock (ending target plus backlog that must be cleared) than it can
possibly have (on hand plus the most its resources, materials and subcontractor could supply
if it had them to itself).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .data import FloatArr, PlanData
from .lp import LpModel, at_upper
from .names import block_names, bound_name, col_name, row_name
from .result import rounded
from .solve import Solution

TOL = 1e-7
MAX_NAMES = 60


def _lead(d: PlanData) -> dict[str, int]:
    return {m: int(v) for m, v in zip(d.materials, d.mat.lead, strict=True)}


def iis_names(d: PlanData, lp: LpModel, sol: Solution) -> list[str]:
    """Names of the rows and rule bounds in HiGHS's infeasible subset (bounded list)."""
    levels = [lv.priority for lv, _ in sol.stage_rows]
    names = [row_name(lp, i, levels) for i, _ in sol.iis_rows]
    lead = _lead(d)
    names += [bound_name(lp, j, which, lead) for j, which in sol.iis_cols]
    # non-negativity (no negative stock or production) is the domain, not a planning rule
    uniq = [n for n in dict.fromkeys(names) if ">=0[" not in n]
    if len(uniq) > MAX_NAMES:
        return [*uniq[:MAX_NAMES], f"... and {len(uniq) - MAX_NAMES} more"]
    return uniq


def _max_supply(d: PlanData) -> FloatArr:
    """Most units each item could get into stock over the horizon (optimistic bound)."""
    F, T, res = len(d.items), d.T, d.res
    land_ok = np.arange(T)[None, :] + d.lead_time[:, None] <= T - 1  # (F, T) start periods
    hires = np.cumsum(res.max_hires, axis=1)
    reach = np.minimum(res.max_workforce[:, None], res.workforce0[:, None] + hires)
    per_worker = res.hours + res.ot_limit
    # no hours per worker: no hours, however many workers (inf x 0 is not a number)
    staffed = np.multiply(reach, per_worker, out=np.zeros_like(per_worker), where=per_worker > 0)
    hours = np.where(res.labour[:, None], staffed, per_worker)
    per_t = np.full((F, T), np.inf)
    np.minimum.at(per_t, d.rt_item, hours[d.rt_res] / d.rt_hours[:, None])
    made = np.where(land_ok, per_t, 0.0).sum(axis=1)
    mat_total = d.mat.on_hand + d.mat.open_orders.sum(axis=1)
    rec_ok = np.arange(T)[None, :] >= d.mat.lead[:, None]
    mat_total = mat_total + np.where(rec_ok, d.mat.cap, 0.0).sum(axis=1)
    np.minimum.at(made, d.bom_item, mat_total[d.bom_mat] / d.bom_qty)
    sub = np.where(np.isnan(d.sub_cost), 0.0, d.sub_limit * T)
    return np.asarray(d.on_hand + d.receipts.sum(axis=1) + made + sub, dtype=np.float64)


def hints(d: PlanData) -> tuple[list[str], list[str]]:
    """(messages, constraint names) for contradictions visible in the data alone."""
    msgs: list[str] = []
    names: list[str] = []
    res, first = d.res, d.periods[0] if d.periods else ""
    for r, name in enumerate(d.resources):
        if not res.labour[r]:
            continue
        lo, hi, w0 = res.min_workforce[r], res.max_workforce[r], res.workforce0[r]
        if lo > hi:
            msgs.append(f"{name}: min_workforce {lo:g} is above max_workforce {hi:g}")
            names += [f"min_workforce[{name},{first}]", f"max_workforce[{name},{first}]"]
        elif w0 + res.max_hires[r, 0] < lo:
            msgs.append(
                f"{name}: {w0:g} workers plus at most {res.max_hires[r, 0]:g} hires cannot reach "
                f"min_workforce {lo:g} in {first}"
            )
            names += [f"max_hires[{name},{first}]", f"min_workforce[{name},{first}]"]
        elif w0 - res.max_layoffs[r, 0] > hi:
            msgs.append(
                f"{name}: {w0:g} workers less at most {res.max_layoffs[r, 0]:g} layoffs stay above "
                f"max_workforce {hi:g} in {first}"
            )
            names += [f"max_layoffs[{name},{first}]", f"max_workforce[{name},{first}]"]
    must_clear = (d.demand * (d.seg_backlog & d.seg_clear)[None, :, None]).sum(axis=(1, 2))
    need = d.ending_target + must_clear
    most = _max_supply(d)
    received = d.receipts.sum(axis=1)  # scheduled receipts over the horizon
    for f in np.flatnonzero(need > most + 1e-6):
        item = d.items[f]
        sched = received[f]
        have = f"{d.on_hand[f]:g} on hand" + (f", {sched:g} scheduled" if sched > 0 else "")
        msgs.append(
            f"{item}: the ending target ({d.ending_target[f]:g}) plus backlog that must be "
            f"cleared ({must_clear[f]:g}) is more than it can possibly have: "
            f"{have} plus at most {most[f] - d.on_hand[f] - sched:g} made or bought"
        )
        if d.ending_target[f] > 0:
            names.append(f"ending_target[{item}]")
        for s in np.flatnonzero(d.seg_backlog & d.seg_clear):
            if d.demand[f, s].sum() > 0:
                names.append(f"clear_backlog_by_end[{item},{d.segments[s]}]")
    return msgs, names


def whole_workers(d: PlanData, relaxed_ok: bool) -> list[str]:
    """Why `--integer` finds no plan: a labour pool whose workforce limits hold no whole
    number; else, when HiGHS found the LP relaxation (fractional workers) free of conflict
    (`relaxed_ok`), the workforce limits in general."""
    res = d.res
    out = []
    for r in np.flatnonzero(res.labour):
        lo, hi = res.min_workforce[r], res.max_workforce[r]
        if np.ceil(lo - 1e-9) > np.floor(hi + 1e-9):
            out.append(
                f"{d.resources[r]}: no whole number of workers lies between min_workforce "
                f"{lo:g} and max_workforce {hi:g}; widen them or solve without --integer"
            )
    if out or not relaxed_ok:
        return out
    return [
        "there is a plan with fractional workers but none with whole ones: a labour pool's "
        "min_workforce, max_workforce, max_hires or max_layoffs leave no whole number of "
        "workers in some period; sopctl reconcile without --integer shows the fractional plan"
    ]


SPAN = 1e9  # numbers further apart than this defeat a double-precision LP solver


def numerics(lp: LpModel) -> list[str]:
    """Where the model's numbers are extreme, for a solver run that ended without an answer
    (neither optimal nor proven infeasible): coefficients more than `SPAN` apart and costs
    above `SPAN`, each named, so the input behind it can be found; [] when none is."""
    out: list[str] = []
    nz = np.flatnonzero(lp.a_value)
    mag = np.abs(lp.a_value[nz])
    if nz.size and mag.max() > SPAN * mag.min():
        cols = np.searchsorted(lp.a_start, nz, side="right") - 1

        def entry(k: int) -> str:
            return (
                f"{lp.a_value[nz[k]]:g} for {col_name(lp, int(cols[k]))} in "
                f"{row_name(lp, int(lp.a_index[nz[k]]), [])}"
            )

        hi, lo = int(np.argmax(mag)), int(np.argmin(mag))
        out.append(f"coefficients span {mag[hi] / mag[lo]:.0e}: {entry(lo)} to {entry(hi)}")
    cost = np.abs(lp.col_cost)
    if cost.size and cost.max() > SPAN:
        j = int(np.argmax(cost))
        out.append(f"a cost of {lp.col_cost[j]:g} on {col_name(lp, j)}")
    if not out:
        return []
    return [
        "the solver could not finish with numbers this far apart: " + "; ".join(out) + ". "
        "Look for a typo or a unit mistake in the inputs behind them"
    ]


def shadow_prices(d: PlanData, lp: LpModel, sol: Solution) -> pl.DataFrame:
    """Every constraint and planning-rule bound with a non-zero shadow price (see explain)."""
    schema = {"constraint": pl.String, "family": pl.String, "shadow_price": pl.Float64}
    if sol.row_dual is None or sol.col_dual is None or sol.x is None:
        return pl.DataFrame(schema=schema)
    parts: list[pl.DataFrame] = []
    for b in lp.rows.values():
        if b.size == 0:
            continue
        y = -sol.row_dual[b.offset : b.offset + b.size]
        keep = np.abs(y) > TOL
        if keep.any():
            parts.append(
                pl.DataFrame(
                    {
                        "constraint": block_names(lp, b).filter(keep),
                        "family": b.name,
                        "shadow_price": y[keep],
                    },
                    schema=schema,
                )
            )
    extra = sol.row_dual[lp.n_row :]
    for k, (lv, _) in enumerate(sol.stage_rows):
        if k < extra.size and abs(extra[k]) > TOL:
            parts.append(
                pl.DataFrame(
                    {
                        "constraint": [f"segment_priority[{lv.priority}]"],
                        "family": ["segment_priority"],
                        "shadow_price": [-float(extra[k])],
                    },
                    schema=schema,
                )
            )
    x, dj, lead = sol.x, sol.col_dual, _lead(d)
    lo, up = lp.col_lower, lp.col_upper
    near_up = at_upper(x, up) & (dj < -TOL)
    near_lo = (lo > 0) & (x <= lo + 1e-7 * np.maximum(1.0, lo)) & (dj > TOL)
    rule_blocks = ("C", "O", "W", "H", "F", "R", "I", "B", "P")
    mask = np.zeros(lp.n_col, dtype=bool)
    for name in rule_blocks:
        mask[lp.cols[name].cols()] = True
    rows = [
        (bound_name(lp, int(j), "upper", lead), -float(dj[j]))
        for j in np.flatnonzero(near_up & mask)
    ] + [
        (bound_name(lp, int(j), "lower", lead), -float(dj[j]))
        for j in np.flatnonzero(near_lo & mask)
    ]
    if rows:
        parts.append(
            pl.DataFrame(
                {
                    "constraint": [r[0] for r in rows],
                    "family": [r[0].split("[", 1)[0] for r in rows],
                    "shadow_price": [r[1] for r in rows],
                },
                schema=schema,
            )
        )
    if not parts:
        return pl.DataFrame(schema=schema)
    out = pl.concat(parts)
    return rounded(out)
