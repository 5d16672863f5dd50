"""Solve an `LpModel` with HiGHS (imported here, lazily) and return plain NumPy results.

Segment priority is enforced lexicographically (see the package docstring and `_priority`): the
plain cost LP is solved first; if every segment above the lowest priority level is fully
served, that plan is already lexicographically optimal and nothing else runs (so
single-segment textbook cases are one plain LP). Otherwise, level by level from the top, a
shorted level is held at zero shortage and re-solved at least cost from the current basis
(dual simplex, bounds changed only); only when that is infeasible does the level get a stage
that minimises its weighted shortage, held by a row `shortage_k <= opt_k (1 + 1e-9) + 1e-6`,
followed by a re-solve at least cost. Every run re-uses the same HiGHS instance.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .clear import clear_forces
from .data import FloatArr, IntArr
from .lp import SHORT_TOL, LpModel, PriorityLevel
from .prices import Savings, exact_savings, exact_zero, held_levels

Solver = Literal["ipm", "simplex", "choose", "pdlp"]
STAGE_REL, STAGE_ABS = 1e-9, 1e-6


@dataclass(frozen=True)
class SolveOptions:
    # LP algorithm of the first (plain cost) run; MIPs always use HiGHS branch and cut. Simplex
    # measured 2.3x (200 items) to 3.5x (1,000) faster than IPM + crossover (docs/benchmarks.md)
    solver: Solver = "simplex"
    # Priority stages after it: interior point measured 3x faster than warm-started simplex
    # on a 35k-column instance with three priority levels.
    stage_solver: Solver | None = "ipm"
    crossover: bool = True  # after interior point, for a vertex solution and clean duals
    time_limit: float | None = None  # seconds per HiGHS run
    threads: int | None = None  # None = HiGHS default
    mip_rel_gap: float = 1e-4  # HiGHS default; the MIP stops within 0.01 % of the bound
    presolve: bool = True
    lexicographic: bool = True  # enforce segment priority (False: plain cost LP only)
    lost_revenue: bool = True  # add the price of lost and never-delivered units to the cost
    iis: bool = True  # on infeasibility, ask HiGHS for an irreducible infeasible subset
    verbose: bool = False


@dataclass(frozen=True)
class SolverFacts:
    engine: str
    version: str
    status: str  # HiGHS model status of the run that made the plan (not pricing's)
    objective: float | None
    mip_gap: float | None
    seconds: float
    runs: int  # HiGHS runs: 1 plain LP, + priority stages, + the LP for MIP duals
    method: str


@dataclass
class Solution:
    status: str  # optimal | infeasible | unbounded | time_limit | iteration_limit | error
    objective: float | None
    x: FloatArr | None
    row_dual: FloatArr | None
    col_dual: FloatArr | None
    facts: SolverFacts
    stage_rows: list[tuple[PriorityLevel, float]] = field(default_factory=list)
    iis_rows: list[tuple[int, str]] = field(default_factory=list)
    iis_cols: list[tuple[int, str]] = field(default_factory=list)
    iis_valid: bool = False
    # what one more unit of each binding limit saves (prices.py); None: see prices.saving
    savings: Savings | None = None
    price_seconds: float = 0.0
    # priority -> lower segments whose clear_backlog_by_end keeps that level short (clear.py)
    clear_forced: dict[int, list[str]] = field(default_factory=dict)


_STATUS = {
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnboundedOrInfeasible": "infeasible",
    "kUnbounded": "unbounded",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
    "kModelEmpty": "optimal",
}
REJECTED = "kModelError"  # HiGHS did not accept the model (see _Run.rejected)
RETRY = ("kUnknown", "kSolveError", "kIterationLimit")


class _Run:
    """One HiGHS instance and the clock of every run on it."""

    def __init__(
        self, lp: LpModel, options: SolveOptions, integer: bool, prefetch: Sequence[str] = ()
    ) -> None:
        from highspy import _core as hc  # lazy: importing highspy costs ~0.1 s

        self.hc = hc
        self.prefetch = tuple(prefetch)
        self.integer = integer
        self.h: Any = hc._Highs()
        h = self.h
        h.setOptionValue("output_flag", options.verbose)
        h.setOptionValue("presolve", "on" if options.presolve else "off")
        if integer:
            h.setOptionValue("mip_rel_gap", options.mip_rel_gap)
        else:
            h.setOptionValue("solver", options.solver)
            h.setOptionValue("run_crossover", "on" if options.crossover else "off")
        if options.time_limit is not None:
            h.setOptionValue("time_limit", float(options.time_limit))
        if options.threads is not None:
            h.setOptionValue("threads", int(options.threads))
        self.held = np.zeros(lp.n_col, dtype=bool)  # columns fixed at 0 (fix_zero)
        self.clear_forced: dict[int, list[str]] = {}
        self.seconds = 0.0
        self.runs = 0
        self.stages = 0  # priority stages solved with their own objective
        self.say: Callable[[str], None] | None = None  # told what each HiGHS run is for
        self.what = "the cost LP" + (", whole workers (MIP)" if integer else "")
        integrality = np.zeros(lp.n_col, dtype=np.int32)
        integrality[lp.integer_cols] = 1
        # HiGHS refuses a model with an infinite cost or a bound it reads as infinite the
        # wrong way round (from 1e20); it would then run an empty model and call it optimal
        self.rejected = (
            h.passModel(
                lp.n_col,
                lp.n_row,
                int(lp.a_index.size),
                int(hc.MatrixFormat.kColwise),
                int(hc.ObjSense.kMinimize),
                0.0,
                lp.col_cost,
                lp.col_lower,
                lp.col_upper,
                lp.row_lower,
                lp.row_upper,
                lp.a_start.astype(np.int32),
                lp.a_index.astype(np.int32),
                lp.a_value,
                integrality,
            )
            == hc.HighsStatus.kError
        )

    def run(self) -> str:
        if self.rejected:
            return REJECTED
        if self.say is not None:
            self.say(f"HiGHS run {self.runs + 1}: {self.what}")
        t0 = time.perf_counter()
        self._run_and_prefetch()
        if self.status_name() in RETRY and not self.integer:  # e.g. IPM without crossover
            self.h.setOptionValue("solver", "simplex")  # stalls on a degenerate stage
            self.h.run()
        self.seconds += time.perf_counter() - t0
        self.runs += 1
        return self.status_name()

    def _run_and_prefetch(self) -> None:
        """HiGHS's run, with the first one overlapped by the imports the caller needs after it.

        `run` releases the GIL while HiGHS works, so a thread importing the modules that only
        the results, files and terminal output need uses the otherwise idle Python side of the
        process. The solve itself is untouched (same thread, same options, same result).
        """
        names, self.prefetch = self.prefetch, ()
        if not names:
            self.h.run()
            return
        thread = threading.Thread(target=_import_quietly, args=(names,), daemon=True)
        thread.start()
        try:
            self.h.run()
        finally:
            thread.join()

    def status_name(self) -> str:
        return str(self.h.getModelStatus().name)

    def x(self) -> FloatArr:
        return np.asarray(self.h.getSolution().col_value, dtype=np.float64)

    def objective(self) -> float:
        return float(self.h.getInfo().objective_function_value)

    def set_cost(self, cost: FloatArr) -> None:
        n = cost.size
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)

    def fix_zero(self, cols: IntArr) -> None:
        zero = np.zeros(cols.size)
        self.h.changeColsBounds(cols.size, cols.astype(np.int32), zero, zero)
        self.held[cols] = True

    def algorithm(self, solver: str) -> None:
        """The LP algorithm of the next run (a MIP keeps branch and cut)."""
        if not self.integer:
            self.h.setOptionValue("solver", solver)

    def restore(self, lp: LpModel, cols: IntArr) -> None:
        """The model's own bounds back on `cols` (after a trial fix)."""
        self.h.changeColsBounds(
            cols.size, cols.astype(np.int32), lp.col_lower[cols], lp.col_upper[cols]
        )
        self.held[cols] = False

    def add_row(self, cols: IntArr, weights: FloatArr, upper: float) -> None:
        self.h.addRow(-self.hc.kHighsInf, upper, cols.size, cols.astype(np.int32), weights)


def _import_quietly(names: Sequence[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the caller's own import later reports any real problem
            continue


def _method(options: SolveOptions, staged: bool) -> str:
    def label(solver: str) -> str:
        return solver + ("+crossover" if solver == "ipm" and options.crossover else "")

    first = label(options.solver)
    if staged and options.stage_solver and options.stage_solver != options.solver:
        return f"{first}; priority stages {label(options.stage_solver)}"
    return first


def write_mps(lp: LpModel, path: str) -> None:
    """Write the plain cost LP (the first solver run) as a free-format MPS file."""
    r = _Run(lp, SolveOptions(), lp.integer_cols.size > 0)
    status = r.h.writeModel(path)
    if status == r.hc.HighsStatus.kError:  # kWarning: written, with a note (e.g. no names)
        raise OSError(f"HiGHS could not write the model to {path}")


def solve(
    lp: LpModel,
    options: SolveOptions,
    prefetch: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> Solution:
    """Solve `lp`; `prefetch` names modules to import while HiGHS runs the first time (what
    the caller needs afterwards; see `_Run._run_and_prefetch`); `progress` is told what each
    HiGHS run is for (a terminal's progress line)."""
    integer = lp.integer_cols.size > 0
    r = _Run(lp, options, integer, prefetch)
    r.say = progress
    return solve_stages(r, lp, options, r.run())


def solve_stages(r: _Run, lp: LpModel, options: SolveOptions, status: str) -> Solution:
    """After the plain cost LP's run on `r` (status `status`): the priority stages when they
    are needed, then the solution (also used by update.py on a model changed in place)."""
    stage_rows: list[tuple[PriorityLevel, float]] = []
    if status == "kOptimal" and options.lexicographic and len(lp.levels) > 1:
        status = _priority(r, lp, options, stage_rows)
    return _finish(r, lp, options, status, stage_rows, r.integer)


def _priority(
    r: _Run, lp: LpModel, options: SolveOptions, stage_rows: list[tuple[PriorityLevel, float]]
) -> str:
    """Enforce segment priority level by level, from the top, on a solved cost LP.

    A level the current plan serves fully (shortage <= SHORT_TOL) is held at zero shortage
    before any later run, and the plan stays as it is when no later run comes.
    A level it shorts is first held at zero and re-solved at least cost: a bound change, which
    the dual simplex restarts from the current basis, and whose optimum, when it exists, is
    exactly the lexicographic one (the level's least shortage is 0). Only when that is
    infeasible does the level get its own stage: minimise its weighted shortage (interior
    point by default: a new objective gives the basis no head start), hold that optimum with a
    row, and re-solve at least cost. The lowest level is never held: it takes what is left.
    """
    x = r.x()
    served: list[IntArr] = []  # levels the plan serves, held only once another run comes
    for lv in lp.levels[:-1]:
        if float(x[lv.cols].sum()) <= SHORT_TOL:
            served.append(lv.cols)
            continue
        for cols in served:  # any change to the model drops HiGHS's solution: only now
            r.fix_zero(cols)
        served = []
        r.fix_zero(lv.cols)
        r.algorithm(options.solver)
        r.what = f"{_names(lv)} held at no shortage"
        status = r.run()
        if status == "kOptimal":
            x = r.x()
            continue
        if status not in ("kInfeasible", "kUnboundedOrInfeasible"):
            return status
        r.restore(lp, lv.cols)
        r.algorithm(options.stage_solver or options.solver)
        stage_cost = np.zeros(lp.n_col)
        stage_cost[lv.cols] = lv.weights
        r.set_cost(stage_cost)
        r.stages += 1
        r.what = f"{_names(lv)}: least shortage"
        status = r.run()
        if status != "kOptimal":
            return status
        least = r.objective()
        forced = clear_forces(r, lp, lv, least)
        if forced:
            r.clear_forced[lv.priority] = forced
        bound = least * (1 + STAGE_REL) + STAGE_ABS
        r.add_row(lv.cols, lv.weights, bound)
        stage_rows.append((lv, bound))
        r.set_cost(lp.col_cost)  # a new objective again: the stage algorithm re-solves
        r.what = f"{_names(lv)}: least cost at that shortage"
        status = r.run()
        if status != "kOptimal":
            return status
        x = r.x()
    return "kOptimal"


def _names(lv: PriorityLevel) -> str:
    return f"priority {lv.priority} ({', '.join(lv.segments)})"


def _finish(
    r: _Run,
    lp: LpModel,
    options: SolveOptions,
    status: str,
    stage_rows: list[tuple[PriorityLevel, float]],
    integer: bool,
) -> Solution:
    h = r.h
    plain = _STATUS.get(status, "error")
    mip_gap = float(h.getInfo().mip_gap) if integer and plain == "optimal" else None
    x = objective = row_dual = col_dual = None
    savings: Savings | None = None
    price_seconds, model_status = 0.0, None  # the plan's run's (pricing's re-solves follow)
    has_primal = int(h.getInfo().primal_solution_status) == 2  # kSolutionStatusFeasible
    if status == "kModelEmpty":  # nothing to plan: an empty, zero-cost plan
        x, objective = np.zeros(lp.n_col), 0.0
        row_dual, col_dual = np.zeros(lp.n_row), np.zeros(lp.n_col)
        savings = exact_zero(lp.n_row, lp.n_col)
    elif plain in ("optimal", "time_limit", "iteration_limit") and has_primal:
        x = r.x()
        objective = r.objective()
        if integer:  # duals of the LP with the integer decisions fixed at their values
            n = lp.integer_cols.size
            idx = lp.integer_cols.astype(np.int32)
            fixed = np.round(x[lp.integer_cols])
            h.changeColsIntegrality(n, idx, np.zeros(n, dtype=np.uint8))
            h.changeColsBounds(n, idx, fixed, fixed)
            h.setOptionValue("solver", options.solver)
            h.setOptionValue("run_crossover", "on" if options.crossover else "off")
            r.what = "shadow prices, workers fixed"
            if r.run() == "kOptimal":  # the plan written, and its cost (<= the MIP's)
                x = r.x()
                objective = r.objective()
        sol = h.getSolution()
        if sol.dual_valid:
            row_dual = np.asarray(sol.row_dual, dtype=np.float64)
            col_dual = np.asarray(sol.col_dual, dtype=np.float64)
            if plain == "optimal" and r.status_name() == "kOptimal":
                model_status = str(h.modelStatusToString(h.getModelStatus()))  # before pricing
                t0 = time.perf_counter()
                savings = exact_savings(r, lp, x, row_dual, col_dual, held_levels(r, lp, x))
                price_seconds = time.perf_counter() - t0
    out = Solution(
        status=plain,
        objective=objective,
        x=x,
        row_dual=row_dual,
        col_dual=col_dual,
        facts=SolverFacts(
            engine="HiGHS",
            version=str(h.version()),
            status="Model rejected"
            if r.rejected
            else model_status or str(h.modelStatusToString(h.getModelStatus())),
            objective=objective,
            mip_gap=mip_gap,
            seconds=r.seconds,
            runs=r.runs,
            method="mip" if integer else _method(options, staged=r.stages > 0),
        ),
        stage_rows=stage_rows,
        savings=savings,
        price_seconds=price_seconds,
        clear_forced=dict(r.clear_forced),
    )
    if plain in ("infeasible", "unbounded") and options.iis:
        from .iis import find_iis

        find_iis(r, lp, out, integer)
    return out
