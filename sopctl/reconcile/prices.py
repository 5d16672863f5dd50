"""What one more unit of each binding limit saves, found by re-solving, not read off the duals.

A shadow price is a dual of the optimal vertex. Where the optimum is degenerate (a limit used
up exactly where another binds too) the duals are not unique: any value between the right
derivative of the optimal cost in the limit (what the next bit of capacity saves) and the left
derivative (what the last bit is worth) is a valid dual, and HiGHS returns one of them. Over
a whole unit the saving can also be less than the right derivative (the cost is convex in the
limit): for every optimal dual y, saving(+1) <= right derivative <= y <= left derivative <=
cost(-1). A tester's single-item plan read "1 more hour saves 1.00 EUR" where it saves 0.

So every limit a sentence could price (a capacity row, an upper bound of subcontracting,
supplier receipts, fixed overtime, workforce or hires, each binding with a positive dual) gets
the exact change in cost of one more unit of it:

- HiGHS's ranging says how far the limit can grow with the optimal basis unchanged; where that
  is at least one unit, the dual is exact for it (the cost is linear there).
- Each other limit is raised by one and the model re-solved by dual simplex from the current
  basis (presolve off), one after the other, each from the basis the last one left (a fresh
  optimal basis each time costs a factorisation and measured 3 times slower), then put back.
  The optimal cost of a model is unique, so the saving does not depend on the basis a
  re-solve starts from. A limit whose basis changes at once (its dual may be made up) is
  always re-solved, up to MAX_RESOLVES; one whose dual holds for part of the unit only while
  their count x the model's columns stays under PARTIAL_WORK (all of a small plan's, none of
  the 200-item benchmark's 24: 0.13 s of CPU against a reconcile of 0.8 s).

The priority levels that the plan serves in full stay held at no shortage in these re-solves,
as planning again with the extra unit would hold them (a relaxed limit cannot make a level
short that was served): the saving is then exactly what a new plan saves. A level held at its
least shortage by a priority stage stays held at it too, which planning again would not do;
the prices of such a plan say so (engine.priority_held, plan_files.relief).

A limit not re-solved keeps its dual, an upper bound of the saving, marked in `row_bound` /
`col_bound` (its sentence says "saves at most"); above EXACT_MAX_COLS columns nothing is ranged
or re-solved (`duals_only`; ranging alone took 0.66 s of CPU at 1,000 items). A note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .data import FloatArr, IntArr
from .lp import SHORT_TOL, LpModel, at_upper

if TYPE_CHECKING:
    from .solve import Solution, _Run

BoolArr = npt.NDArray[np.bool_]
TOL = 1e-7
EXACT_MAX_COLS = 100_000  # plan-200: 35k columns (exact); plan-1k: 171k (duals, noted)
MAX_RESOLVES = 100  # limits whose basis changes at once re-solved (the first, by index)
PARTIAL_WORK = 300_000  # limits whose dual holds for part of the unit x columns, re-solved
ITERATION_LIMIT = 10_000  # per re-solve; a limit whose re-solve stops there keeps its dual
LIMIT_COLS = ("C", "R", "O", "W", "H")  # subcontract, supplier, overtime, workforce, hires


@dataclass(frozen=True)
class Savings:
    """Money saved by one more unit of each row's upper bound (`row`) and column's upper bound
    (`col`), full length: exact at the limits that bind, except where `row_bound` /
    `col_bound` is True: there the dual, an upper bound of it."""

    row: FloatArr
    col: FloatArr
    row_bound: BoolArr
    col_bound: BoolArr
    resolves: int = 0  # limits re-solved
    duals_only: bool = False  # nothing ranged or re-solved: every price is a dual


def dual_savings(row_dual: FloatArr, col_dual: FloatArr) -> Savings:
    """The duals as savings: each an upper bound of what one more unit saves (0 stays 0)."""
    row, col = -row_dual, -col_dual
    return Savings(row, col, np.abs(row) > TOL, np.abs(col) > TOL, duals_only=True)


def exact_zero(n_row: int, n_col: int) -> Savings:
    z = np.zeros(n_row), np.zeros(n_col)
    return Savings(z[0], z[1], np.zeros(n_row, dtype=bool), np.zeros(n_col, dtype=bool))


def saving(sol: Solution) -> Savings | None:
    """A solution's `savings`, else its duals as savings (upper bounds), else None."""
    if sol.savings is not None:
        return sol.savings
    if sol.row_dual is None or sol.col_dual is None:
        return None
    return dual_savings(sol.row_dual, sol.col_dual)


def held_levels(r: _Run, lp: LpModel, x: FloatArr) -> IntArr:
    """The shortage columns of the levels above the lowest that the plan serves in full and the
    loaded model does not hold at 0 yet (levels held by a stage row are shorted: not these)."""
    cols = [lv.cols for lv in lp.levels[:-1] if float(x[lv.cols].sum()) <= SHORT_TOL]
    if not cols:
        return np.zeros(0, dtype=np.int64)
    out = np.concatenate(cols)
    return out[~r.held[out]]


def candidates(
    lp: LpModel, x: FloatArr, row_dual: FloatArr, col_dual: FloatArr
) -> tuple[IntArr, IntArr]:
    """Capacity rows and limit columns at their upper bound whose dual says they save money."""
    cap = lp.rows["capacity"]
    rows = np.arange(cap.offset, cap.offset + cap.size, dtype=np.int64)
    rows = rows[-row_dual[rows] > TOL]
    cols = np.concatenate([lp.cols[b].cols() for b in LIMIT_COLS])
    cols = np.setdiff1d(cols, lp.integer_cols)  # whole workers: fixed in the LP that prices
    hit = at_upper(x[cols], lp.col_upper[cols]) & (-col_dual[cols] > TOL)
    return rows, cols[hit]


def exact_savings(
    r: _Run,
    lp: LpModel,
    x: FloatArr,
    row_dual: FloatArr,
    col_dual: FloatArr,
    hold: IntArr,
) -> Savings:
    """`Savings` of the model loaded in `r` (solved to optimality, with `lp`'s blocks), found as
    the module says; `hold`: shortage columns to keep at 0 in the re-solves (levels served in
    full that the loaded model does not hold yet). The model is left with its own bounds."""
    out = dual_savings(row_dual, col_dual)
    if lp.n_col > EXACT_MAX_COLS:
        return out
    rows, cols = candidates(lp, x, row_dual, col_dual)
    h = r.h
    saved = {k: h.getOptionValue(k)[1] for k in ("presolve", "simplex_iteration_limit", "solver")}
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_iteration_limit", ITERATION_LIMIT)
    h.setOptionValue("solver", "simplex")  # an LP by now, also after whole workers (fixed)
    try:
        if hold.size and (rows.size or cols.size):  # at 0 in the plan: a bound change
            r.fix_zero(hold)
            h.run()
            if r.status_name() != "kOptimal":
                return out
        return _priced(r, lp, rows, cols, out)
    finally:
        if r.held[hold].any():
            r.restore(lp, hold)
        for k, v in saved.items():
            h.setOptionValue(k, v)


def _priced(r: _Run, lp: LpModel, rows: IntArr, cols: IntArr, out: Savings) -> Savings:
    """Ranging, then a re-solve for each limit whose basis changes within one more unit: at once
    (its dual may be any value up to the last unit's worth) always, up to MAX_RESOLVES; within
    the unit (the dual is exact for part of it) while the work stays under PARTIAL_WORK, else
    its dual stays, marked as an upper bound."""
    h = r.h
    row, col = out.row.copy(), out.col.copy()
    row_bound, col_bound = np.zeros(row.size, dtype=bool), np.zeros(col.size, dtype=bool)
    if not rows.size and not cols.size:
        return Savings(row, col, row_bound, col_bound)
    base = r.objective()
    status, rng = h.getRanging()
    if status != r.hc.HighsStatus.kOk:
        return out
    loaded = h.getSolution()  # the duals of the loaded basis, the one ranging is of
    row[rows] = -np.asarray(loaded.row_dual, dtype=np.float64)[rows]
    col[cols] = -np.asarray(loaded.col_dual, dtype=np.float64)[cols]
    todo: list[tuple[int, bool, int]] = []  # (0 stuck / 1 within the unit, is_row, index)
    for is_row, cand, ranged, lim in (
        (True, rows, rng.row_bound_up, lp.row_upper),
        (False, cols, rng.col_bound_up, lp.col_upper),
    ):
        reach = np.asarray(ranged.value_, dtype=np.float64)[cand] - lim[cand]
        eps = 1e-9 * np.maximum(1.0, np.abs(lim[cand]))
        stuck = reach <= eps  # the basis changes at once
        within = ~stuck & (reach < 1.0 - eps)  # the dual holds for part of the unit
        todo += [(0, is_row, int(i)) for i in cand[stuck]]
        todo += [(1, is_row, int(i)) for i in cand[within]]
    todo.sort()
    n_within = sum(1 for kind, _, _ in todo if kind)
    resolve = [t for t in todo if not t[0]][:MAX_RESOLVES]
    if n_within * lp.n_col <= PARTIAL_WORK:
        resolve += [t for t in todo if t[0]]
    if r.say is not None and resolve:
        r.say(f"pricing {len(resolve)} binding limit(s): one more unit of each, re-solved")
    done = set()
    for _, is_row, idx in resolve:
        up = lp.row_upper if is_row else lp.col_upper
        lo = lp.row_lower if is_row else lp.col_lower
        change = h.changeRowBounds if is_row else h.changeColBounds
        change(idx, float(lo[idx]), float(up[idx]) + 1.0)
        h.run()
        if r.status_name() == "kOptimal":
            saved = base - r.objective()  # a difference of two optima: below noise is 0
            noise = max(TOL, 1e-10 * abs(base))
            (row if is_row else col)[idx] = saved if abs(saved) > noise else 0.0
            done.add((is_row, idx))
        change(idx, float(lo[idx]), float(up[idx]))
    for _, is_row, idx in todo:
        if (is_row, idx) not in done:  # the dual stays: at most what the unit saves
            (row_bound if is_row else col_bound)[idx] = True
    return Savings(row, col, row_bound, col_bound, resolves=len(done))
