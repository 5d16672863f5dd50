"""`reconcile`: the Reconcile engine, a pure function of a loaded Workspace and a demand plan."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import polars as pl

from ..schemas.charter import EscalationRule
from .data import PlanData, gather
from .model import LpModel, above_price, below_materials, build_model, horizon_end
from .result import (
    COSTS_BY_PERIOD_SCHEMA,
    PlanResult,
    cost_breakdown,
    costs_by_period_frame,
    empty_frames,
    period_costs,
    plan_frames,
    settle,
)
from .solve import Solution, SolveOptions, solve, write_mps

if TYPE_CHECKING:
    from ..validate import Workspace

DEMAND_COLUMNS = ("item", "segment", "period", "final")
# What only the solved plan needs: imported while HiGHS runs (solve's `prefetch`), not before.
AFTER_SOLVE = (
    "numpy.ma",  # polars imports it the first time a frame is built from NumPy arrays
    "sopctl.reconcile.explain",
    "sopctl.reconcile.exceptions",
    "sopctl.reconcile.diagnose",
)


def demand_from_baseline_table(ws: Workspace) -> pl.DataFrame:
    """The cycle's `baseline` input table (item, segment, period, quantity) as the demand."""
    from ..tables.check import Table

    t = ws.tables.get("baseline")
    if not isinstance(t, Table):
        raise ValueError("the cycle has no baseline table to take the demand from")
    return t.frame.select(
        pl.col("item"), pl.col("segment"), pl.col("period"), pl.col("quantity").alias("final")
    ).drop_nulls()


def reconcile(
    ws: Workspace,
    demand: pl.DataFrame,
    *,
    integer: bool = False,
    options: SolveOptions | None = None,
    prefetch: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> PlanResult:
    """Cost-optimal supply plan for `demand` (item, segment, period, final) on a loaded cycle.

    Run it on a workspace whose validation report has no errors. `integer=True` makes
    workforce, hires and layoffs whole numbers (a MIP); shadow prices then come from the LP
    with those decisions fixed. `prefetch`: modules the caller needs after the solve, imported
    while HiGHS runs. `progress` is told each step (building, each HiGHS run, results).
    """
    if ws.charter is None or ws.cycle is None:
        raise ValueError("the workspace has no charter or cycle; validate it first")
    missing = [c for c in DEMAND_COLUMNS if c not in demand.columns]
    if missing:
        raise ValueError(f"demand is missing column(s): {', '.join(missing)}")
    t0 = time.perf_counter()
    data = gather(ws, demand)
    gathered = time.perf_counter() - t0
    result = reconcile_data(
        data,
        ws.charter.escalation,
        integer=integer,
        options=options,
        prefetch=prefetch,
        progress=progress,
    )
    result.timings = {"gather": gathered, **result.timings}
    return result


def export_mps(
    ws: Workspace,
    demand: pl.DataFrame,
    path: str,
    *,
    integer: bool = False,
    options: SolveOptions | None = None,
) -> None:
    """Write the plan's cost LP (what the first solver run sees) to an MPS file."""
    opts = options or SolveOptions()
    lp = build_model(gather(ws, demand), integer=integer, lost_revenue=opts.lost_revenue)
    write_mps(lp, path)


def reconcile_data(
    data: PlanData,
    escalation: list[EscalationRule],
    *,
    integer: bool = False,
    options: SolveOptions | None = None,
    prefetch: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> PlanResult:
    """`reconcile` on already gathered parameters (build, solve, explain)."""
    opts = options or SolveOptions()
    clock: dict[str, float] = {}
    if progress is not None:
        progress("building the model")
    t1 = time.perf_counter()
    lp = build_model(
        data,
        integer=integer,
        lost_revenue=opts.lost_revenue,
    )
    t2 = time.perf_counter()
    sol = solve(lp, opts, (*AFTER_SOLVE, *prefetch), progress)
    t3 = time.perf_counter()
    clock.update(build=t2 - t1, solve=t3 - t2)
    if progress is not None:
        progress("reading the plan: results, exceptions, shadow prices")
    return solved_result(data, lp, sol, escalation, clock)


def solved_result(
    data: PlanData,
    lp: LpModel,
    sol: Solution,
    escalation: list[EscalationRule],
    clock: dict[str, float],
) -> PlanResult:
    """The plan, exceptions, costs and diagnosis of a solved model (`clock`: seconds so far)."""
    from .diagnose import hints, iis_names, numerics, shadow_prices, whole_workers
    from .exceptions import exceptions
    from .explain import EXC_SCHEMA
    from .prices import saving

    t3 = time.perf_counter()
    clock = {**clock, "solver": sol.facts.seconds, "prices": sol.price_seconds}
    frames = empty_frames()
    exc = pl.DataFrame(schema=EXC_SCHEMA | {"escalate_to": pl.String})
    costs: dict[str, float] = {}
    by_period = pl.DataFrame(schema=COSTS_BY_PERIOD_SCHEMA)
    diagnosis: list[str] = []
    messages: list[str] = []
    if sol.x is not None:
        x = settle(data, lp, sol.x)
        sol = replace(sol, x=x)
        sv = saving(sol)
        frames.update(plan_frames(data, lp, x, None if sv is None else sv.row))
        per_period = period_costs(lp, x)
        costs = cost_breakdown(per_period)
        by_period = costs_by_period_frame(data.periods, per_period)
        if sol.row_dual is not None and sol.col_dual is not None:
            exc = exceptions(data, lp, sol, frames["capacity"], escalation)
            frames["shadow_prices"] = shadow_prices(data, lp, sol)
    if sol.status != "optimal":
        messages, own = hints(data)
        diagnosis = iis_names(data, lp, sol) if sol.iis_cols or sol.iis_rows else []
        diagnosis += [n for n in own if n not in diagnosis]
        if sol.status == "infeasible" and lp.integer_cols.size and not diagnosis:
            # no conflict named: whole workers alone may be what makes it infeasible
            relaxed_ok = sol.iis_valid and not sol.iis_rows and not sol.iis_cols
            messages += whole_workers(data, relaxed_ok)
        if sol.status == "error":  # no answer at all: most often numbers far apart
            messages += numerics(lp)
        if not messages and not diagnosis:
            messages = [f"HiGHS reports the model {sol.facts.status.lower()}"]
    clock["results"] = time.perf_counter() - t3
    return PlanResult(
        status=sol.status,
        objective=sol.objective,
        currency=data.currency,
        supply=frames["supply"],
        shipments=frames["shipments"],
        capacity=frames["capacity"],
        materials=frames["materials"],
        exceptions=exc,
        shadow_prices=frames["shadow_prices"],
        service=frames["service"],
        costs=costs,
        solver=sol.facts,
        costs_by_period=by_period,
        diagnosis=diagnosis,
        hints=messages,
        notes=[
            *data.notes,
            *below_materials(data),
            *above_price(data),
            *horizon_end(data),
            *priority_held(sol),
            *clear_forced(lp, sol),
            *prices_bound(lp, sol),
        ],
        timings=clock,
    )


PRICES_NOTE = "shadow prices: "  # the opening of prices_bound's note
ALL_DUALS = "each price of a binding limit is the LP's dual"  # in it when all are duals


def prices_bound(lp: LpModel, sol: Solution) -> list[str]:
    """A note when prices of the plan are duals, upper bounds of what one more unit saves,
    rather than exact (prices.py): all of them (a model above the size for re-solving), or
    those whose dual holds for part of a unit only (a plan too large to re-solve them)."""
    from .prices import EXACT_MAX_COLS, candidates, saving

    sv = saving(sol)
    if sv is None or sol.x is None or sol.row_dual is None or sol.col_dual is None:
        return []
    rows, cols = candidates(lp, sol.x, sol.row_dual, sol.col_dual)
    bound = int(sv.row_bound[rows].sum() + sv.col_bound[cols].sum())
    if not bound:
        return []
    if sv.duals_only:
        why = (
            f"the model has {lp.n_col:,} columns, more than the {EXACT_MAX_COLS:,} up to which "
            "sopctl re-solves the binding limits"
            if lp.n_col > EXACT_MAX_COLS
            else "the binding limits could not be re-solved"
        )
        return [
            f"{PRICES_NOTE}{why}, so {ALL_DUALS}: 1 more unit saves at most that (the "
            "messages say 'saves at most'). A scenario gives the exact effect of a change"
        ]
    return [
        f"{PRICES_NOTE}{bound} of the {rows.size + cols.size} binding limits were not "
        "re-solved (the plan is too large to re-solve them all): each is priced by its dual, "
        "which holds for part of one more unit at most, so 1 more unit saves at most that "
        "(their messages say 'saves at most'). A scenario gives the exact effect of a change"
    ]


PRIORITY_NOTE = "segment priority: "  # the opening of priority_held's note (explain finds it by it)
CLEAR_NOTE = "backlog cleared by the end: "  # the opening of clear_forced's notes (explain)


def clear_forced(lp: LpModel, sol: Solution) -> list[str]:
    """A note per shorted priority level that a lower segment's clear_backlog_by_end keeps
    short (clear.py): the hard rule wins over priority, and the plan should say it does."""
    rank = {s: lv.priority for lv in lp.levels for s in lv.segments}
    out = []
    for lv, _ in sol.stage_rows:
        lower = sol.clear_forced.get(lv.priority)
        if not lower:
            continue
        who = " and ".join(f"{s} (priority {rank[s]})" for s in lower)
        level = f"priority {lv.priority} ({', '.join(lv.segments)})"
        out.append(
            f"{CLEAR_NOTE}{level} is short because {who} must have no backlog at the horizon "
            "end (clear_backlog_by_end), a hard rule that wins over segment priority: without "
            f"it {level} would be less short. Drop the rule, or add capacity, to serve it"
        )
    return out


@dataclass(frozen=True)
class PriceBasis:
    """What a plan's prices are, from its notes: duals, upper bounds of what one more unit
    saves (`at_most`), and the levels a priority stage holds at their least shortage (`held`,
    'priority 1 (key)'), with whose shortage as planned the prices are found."""

    at_most: bool = False
    held: str = ""


def price_basis(notes: list[str]) -> PriceBasis:
    held = [
        n[len(PRIORITY_NOTE) :].split(" cannot be served in full")[0]
        for n in notes
        if n.startswith(PRIORITY_NOTE)
    ]
    every = any(n.startswith(PRICES_NOTE) and ALL_DUALS in n for n in notes)
    return PriceBasis(every, " and ".join(held))


def priority_held(sol: Solution) -> list[str]:
    """A note when a priority level could not be served in full: the plan then holds its least
    shortage, and the shadow prices are those of the plan with that shortage held."""
    if not sol.stage_rows:
        return []
    levels = [f"priority {lv.priority} ({', '.join(lv.segments)})" for lv, _ in sol.stage_rows]
    which = " and ".join(levels)
    return [
        f"{PRIORITY_NOTE}{which} cannot be served in full, so the plan holds its least "
        "shortage and then costs least; shadow prices and the causes of exceptions hold "
        "that shortage as planned: 1 more unit of a limit is priced as if it went to a "
        "lower priority, while planning again would give it to the shorted level first, "
        "which can save less or even cost more. Solve the change as a scenario "
        "(sopctl reconcile --scenario) for its effect"
    ]
