"""Re-solve variants of one plan in place: the base model stays in HiGHS, a variant (a what-if
scenario) whose model differs only in numbers is pushed into it as changes, and dual simplex
restarts from the base's optimal basis instead of solving from scratch.

A variant qualifies when its `LpModel` has the base's structure: the same blocks with the same
keys (items, demanded item x segment pairs, resources, materials) and the same sparsity pattern
of the matrix. Then only column bounds (`changeColsBounds`: supplier capacity and lead time,
workforce limits, lost-sales bounds = demand ...), row bounds (`changeRowsBounds`: fixed
capacity hours, demand, open orders ...), costs (`changeColsCost`) and matrix coefficients
(`changeCoeff`: hours per worker of a labour pool) differ. Anything else (a new demanded pair,
an item that can no longer be subcontracted ...) changes which rows and columns exist; such a
variant is solved cold by `solve` on its own model.

Each variant starts from the base's basis, not from the previous variant's, and from a cleared
solver (`clearSolver`: HiGHS keeps pivoting state such as its dual edge weights from earlier
runs, which `setBasis` alone does not reset, and a degenerate pivot then goes another way), so
its result does not depend on which other variants ran or in which order. The priority stages
run on the same instance and are undone afterwards (costs, bounds of the shortage columns,
added rows). Before any of that, a variant whose changes leave the base's plan optimal keeps
it (kept.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .data import FloatArr, IntArr
from .kept import BaseOptimum, kept_solution, still_optimal
from .lp import LpModel
from .prices import exact_savings, held_levels
from .solve import Solution, SolveOptions, _Run, solve_stages

WARM_SOLVERS = ("simplex", "choose")


@dataclass(frozen=True)
class _Loaded:
    """The numbers of the model currently in the HiGHS instance."""

    col_lower: FloatArr
    col_upper: FloatArr
    row_lower: FloatArr
    row_upper: FloatArr
    cost: FloatArr
    a_value: FloatArr

    @classmethod
    def of(cls, lp: LpModel) -> _Loaded:
        return cls(lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper, lp.col_cost, lp.a_value)


def same_structure(a: LpModel, b: LpModel) -> bool:
    """True when `b` can be loaded into `a`'s HiGHS instance by changing numbers only."""
    if (a.n_col, a.n_row, a.a_index.size) != (b.n_col, b.n_row, b.a_index.size):
        return False
    if a.integer_cols.size or b.integer_cols.size:
        return False
    if not (np.array_equal(a.a_start, b.a_start) and np.array_equal(a.a_index, b.a_index)):
        return False
    for mine, theirs in ((a.cols, b.cols), (a.rows, b.rows)):
        if list(mine) != list(theirs):
            return False
        for name, blk in mine.items():
            other = theirs[name]
            if (blk.offset, blk.n_periods) != (other.offset, other.n_periods):
                return False
            if not blk.keys.equals(other.keys):
                return False
    return a.pairs.equals(b.pairs) and a.periods == b.periods


class WarmSession:
    """One plan's cost LP in a HiGHS instance, solved once, re-solved for variants in place."""

    def __init__(self, lp: LpModel, options: SolveOptions) -> None:
        self.lp = lp
        self.options = options
        self.r = _Run(lp, options, integer=lp.integer_cols.size > 0)
        status = self.r.run()
        self.basis: Any = self.r.h.getBasis() if status == "kOptimal" else None
        self.base = solve_stages(self.r, lp, options, status)
        self.loaded = _Loaded.of(lp)
        self._a_cols = np.repeat(np.arange(lp.n_col, dtype=np.int64), np.diff(lp.a_start))
        final = self.r.h.getLp()  # the bounds the base's plan is optimal for: levels held
        self.optimum = BaseOptimum.of(
            lp,
            self.base,
            np.asarray(final.col_lower_, dtype=np.float64),
            np.asarray(final.col_upper_, dtype=np.float64),
            self._a_cols,
        )
        self._undo_stages(lp)

    @property
    def usable(self) -> bool:
        return (
            self.basis is not None
            and self.options.solver in WARM_SOLVERS
            and self.lp.integer_cols.size == 0
        )

    def solve(self, lp: LpModel) -> tuple[Solution, str] | None:
        """A variant's solution and how it was found: 'unchanged' (the same model: the base's
        solution), 'kept' (the base's solution is still optimal: kept.py), 'warm' (changed in
        place, restarted from the base's basis); None when its structure differs (solve it
        cold)."""
        if not self.usable or not same_structure(self.lp, lp):
            return None
        if _same_numbers(self.lp, lp):
            return self.base, "unchanged"
        kept = kept_solution(self.optimum, lp) if self.optimum is not None else None
        if kept is not None:
            return self._priced(lp, kept), "kept"
        status = self._restart(lp)
        sol = solve_stages(self.r, lp, self.options, status)
        self._undo_stages(lp)
        kept = still_optimal(self.optimum, lp, sol) if self.optimum is not None else None
        return (kept, "kept") if kept is not None else (sol, "warm")

    def _restart(self, lp: LpModel) -> str:
        """`lp` pushed into the instance and solved from the base's basis (its status)."""
        self._push(lp)
        h = self.r.h
        h.clearSolver()  # what earlier runs left (edge weights ...): see the module's doc
        h.setBasis(self.basis)
        self.r.seconds, self.r.runs, self.r.stages = 0.0, 0, 0
        self.r.clear_forced = {}
        return self.r.run()

    def _priced(self, lp: LpModel, kept: Solution) -> Solution:
        """A kept plan with the savings of its own model (prices.py), found on it: the base's
        are the base model's. Solved from the base's basis for that; the plan stays the kept
        one (the savings are the model's, whichever optimal plan it is at)."""
        if self._restart(lp) != "kOptimal" or kept.x is None:
            return kept
        assert kept.row_dual is not None and kept.col_dual is not None
        t0 = time.perf_counter()
        hold = held_levels(self.r, lp, kept.x)
        savings = exact_savings(self.r, lp, kept.x, kept.row_dual, kept.col_dual, hold)
        return replace(kept, savings=savings, price_seconds=time.perf_counter() - t0)

    def _push(self, lp: LpModel) -> int:
        """Load `lp`'s numbers where they differ from the loaded ones; the count of changes."""
        h, cur = self.r.h, self.loaded
        new = _Loaded.of(lp)
        n = 0
        cols = _diff(cur.col_lower, new.col_lower) | _diff(cur.col_upper, new.col_upper)
        idx = np.flatnonzero(cols)
        if idx.size:
            h.changeColsBounds(
                idx.size, idx.astype(np.int32), new.col_lower[idx], new.col_upper[idx]
            )
            n += idx.size
        rows = np.flatnonzero(
            _diff(cur.row_lower, new.row_lower) | _diff(cur.row_upper, new.row_upper)
        )
        if rows.size:
            h.changeRowsBounds(
                rows.size, rows.astype(np.int32), new.row_lower[rows], new.row_upper[rows]
            )
            n += rows.size
        idx = np.flatnonzero(_diff(cur.cost, new.cost))
        if idx.size:
            h.changeColsCost(idx.size, idx.astype(np.int32), new.cost[idx])
            n += idx.size
        for k in np.flatnonzero(_diff(cur.a_value, new.a_value)):
            h.changeCoeff(int(lp.a_index[k]), int(self._a_cols[k]), float(new.a_value[k]))
            n += 1
        self.loaded = new
        return n

    def _undo_stages(self, lp: LpModel) -> None:
        """Back to the plain cost LP of `lp` after priority stages: rows, costs, bounds."""
        h = self.r.h
        self.r.held[:] = False  # what _priority held is undone below
        extra = int(h.getNumRow()) - lp.n_row
        if extra > 0:
            h.deleteRows(extra, np.arange(lp.n_row, lp.n_row + extra, dtype=np.int32))
        if self.r.runs > 1:
            n = lp.n_col
            h.changeColsCost(n, np.arange(n, dtype=np.int32), self.loaded.cost)
            cols = _level_cols(lp)
            if cols.size:
                h.changeColsBounds(
                    cols.size,
                    cols.astype(np.int32),
                    self.loaded.col_lower[cols],
                    self.loaded.col_upper[cols],
                )
        if not self.r.integer:
            h.setOptionValue("solver", self.options.solver)


def _same_numbers(a: LpModel, b: LpModel) -> bool:
    pairs = (
        (a.col_lower, b.col_lower),
        (a.col_upper, b.col_upper),
        (a.row_lower, b.row_lower),
        (a.row_upper, b.row_upper),
        (a.col_cost, b.col_cost),
        (a.a_value, b.a_value),
    )
    return all(np.array_equal(x, y) for x, y in pairs)


def _diff(a: FloatArr, b: FloatArr) -> Any:
    return a != b


def _level_cols(lp: LpModel) -> IntArr:
    if not lp.levels:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate([lv.cols for lv in lp.levels]))
