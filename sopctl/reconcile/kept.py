"""Is the base's optimal plan still optimal for a variant? A certificate, checked without a solve.

A what-if scenario that changes only bounds, right-hand sides and costs (not the matrix) keeps
the base's optimal solution: the plan x, the row duals y and the reduced costs d, when for
every changed entry (Bertsimas & Tsitsiklis, *Introduction to Linear Optimization*, 1997,
§5.1 "Local sensitivity analysis"):

- x stays within the new bounds (a row's activity within its new right-hand sides);
- the new reduced cost d' = d + (c' - c) (y does not move) is positive only where x is at its
  new lower bound, negative only where x is at its new upper bound; the same for a row's dual.
  That is dual feasibility and complementary slackness at once (HiGHS's signs for a
  minimisation: at a lower bound a dual is >= 0, at an upper bound <= 0).

Entries the scenario does not change keep the base's status, so only the changed ones are
checked. Then (x, y, d') is an optimal pair of the scenario's LP, and the scenario's plan is
the base's plan: more hours on a line that never binds changes nothing, instead of landing on
another plan of the same cost (a degenerate LP has many; which one a re-solve picks depends on
the solver's state, not on the scenario).

After a re-solve that lands on another plan of the same least cost, `still_optimal` keeps the
base's plan too when it is a plan of the scenario (within every changed bound) and costs no
more than the optimum found: that catches a degenerate base whose duals are not unique.

Priority stages: the check is made against the base's final model (the levels it held at zero
shortage, fixed) and only when the base needed no stage of its own (every level above the
lowest at zero shortage). The base's plan then has the least possible shortage on every held
level, so being the least-cost plan with those levels held makes it the lexicographic
optimum of the scenario as well.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .data import FloatArr, IntArr
from .lp import LpModel
from .solve import Solution

PRIMAL_TOL = 1e-7  # HiGHS's primal and dual feasibility tolerances (defaults)
DUAL_TOL = 1e-7
COST_REL, COST_ABS = 1e-9, 1e-6  # a plan costing no more than the optimum (the stages' slack)


@dataclasses.dataclass(frozen=True)
class BaseOptimum:
    """The base's optimal solution and the bounds of the model it is optimal for."""

    lp: LpModel
    solution: Solution
    col_lower: FloatArr  # the base's final column bounds (held levels fixed at 0)
    col_upper: FloatArr
    activity: FloatArr  # row activities A x

    @classmethod
    def of(
        cls, lp: LpModel, sol: Solution, lower: FloatArr, upper: FloatArr, a_cols: IntArr
    ) -> BaseOptimum | None:
        if sol.status != "optimal" or sol.stage_rows or sol.x is None:
            return None
        if sol.row_dual is None or sol.col_dual is None:
            return None
        terms = lp.a_value * sol.x[a_cols]
        activity = np.bincount(lp.a_index, weights=terms, minlength=lp.n_row)
        return cls(lp, sol, lower, upper, activity.astype(np.float64))


def kept_solution(base: BaseOptimum, lp: LpModel) -> Solution | None:
    """The base's solution as the optimum of `lp` (same structure as the base's model) when
    the certificate holds, with the objective and reduced costs of `lp`'s costs; else None."""
    b, sol = base.lp, base.solution
    assert sol.x is not None and sol.col_dual is not None and sol.row_dual is not None
    if not np.array_equal(b.a_value, lp.a_value):
        return None
    held = (base.col_lower != b.col_lower) | (base.col_upper != b.col_upper)
    lower = np.where(held, base.col_lower, lp.col_lower)
    upper = np.where(held, base.col_upper, lp.col_upper)
    dc = lp.col_cost - b.col_cost
    cols = np.flatnonzero((lower != base.col_lower) | (upper != base.col_upper) | (dc != 0))
    d = sol.col_dual.copy()
    d[cols] += dc[cols]
    if not _holds(sol.x[cols], lower[cols], upper[cols], d[cols]):
        return None
    rows = np.flatnonzero((lp.row_lower != b.row_lower) | (lp.row_upper != b.row_upper))
    if not _holds(base.activity[rows], lp.row_lower[rows], lp.row_upper[rows], sol.row_dual[rows]):
        return None
    objective = (sol.objective or 0.0) + float(dc[cols] @ sol.x[cols])
    facts = dataclasses.replace(sol.facts, objective=objective)
    # the base's savings are its model's: the variant's are found on it (update.py)
    return dataclasses.replace(sol, objective=objective, col_dual=d, facts=facts, savings=None)


def still_optimal(base: BaseOptimum, lp: LpModel, sol: Solution) -> Solution | None:
    """After a re-solve of `lp` (`sol`: its optimum, without priority stages): the base's plan
    with `sol`'s duals when the base's plan is a plan of `lp` (within every bound `lp`
    changes) that costs no more than `sol` under `lp`'s costs; else None. Any optimal plan
    and any optimal duals of one LP make an optimal pair, so the duals stay valid."""
    b, x = base.lp, base.solution.x
    assert x is not None
    if sol.status != "optimal" or sol.stage_rows or sol.objective is None:
        return None
    if not np.array_equal(b.a_value, lp.a_value):
        return None
    cols = np.flatnonzero((lp.col_lower != b.col_lower) | (lp.col_upper != b.col_upper))
    rows = np.flatnonzero((lp.row_lower != b.row_lower) | (lp.row_upper != b.row_upper))
    free_c, free_r = np.zeros(cols.size), np.zeros(rows.size)  # only the bounds matter here
    if not _holds(x[cols], lp.col_lower[cols], lp.col_upper[cols], free_c):
        return None
    if not _holds(base.activity[rows], lp.row_lower[rows], lp.row_upper[rows], free_r):
        return None
    cost = float(lp.col_cost @ x)
    if cost > sol.objective + COST_REL * abs(sol.objective) + COST_ABS:
        return None
    facts = dataclasses.replace(sol.facts, objective=cost)
    return dataclasses.replace(sol, x=x.copy(), objective=cost, facts=facts)


def _holds(v: FloatArr, lower: FloatArr, upper: FloatArr, dual: FloatArr) -> bool:
    """Within the bounds, and a dual that is not 0 only at the bound its sign names."""
    with np.errstate(invalid="ignore"):  # infinite bounds
        tol_lo = PRIMAL_TOL + 1e-9 * np.abs(np.where(np.isfinite(lower), lower, 0.0))
        tol_up = PRIMAL_TOL + 1e-9 * np.abs(np.where(np.isfinite(upper), upper, 0.0))
        inside = (v >= lower - tol_lo) & (v <= upper + tol_up)
        at_lower = np.abs(v - lower) <= tol_lo
        at_upper = np.abs(v - upper) <= tol_up
    signs = ((dual <= DUAL_TOL) | at_lower) & ((dual >= -DUAL_TOL) | at_upper)
    return bool(np.all(inside & signs))
