"""Reconcile: the aggregate-planning LP that turns a demand plan into a cost-optimal supply plan.

Pure engine: no files, CLI, git or terminal. `reconcile(ws, demand)` gathers parameters
(data.py), builds a sparse LP (model.py), solves it with HiGHS (solve.py; dual simplex by
default, measured faster than interior point + crossover on these models; branch and cut when
`integer=True`) and explains the result (explain.py, cause.py, diagnose.py) as polars frames
(result.py).

Model decisions
- Segment priority is lexicographic, not weighted: exact weights would have to exceed every
  cost difference a unit could save, which depends on the data and spoils the numerics. The
  plain cost LP is solved first; if every segment above the lowest priority level is fully
  served, it is already the lexicographic optimum (one LP, so single-segment textbook cases are
  solved exactly as printed). Otherwise each level, top down, is held at zero shortage and the
  cost re-solved from the current basis; if that is infeasible, the level minimises its
  weighted shortage (backlog unit-periods and lost units, weighted by their objective cost)
  with the levels above held, that optimum is held (row <= opt (1 + 1e-9) + 1e-6), and the
  cost is re-solved. See solve._priority.
- Lost revenue: with `SolveOptions.lost_revenue` (default on) a lost unit costs its segment
  price on top of the charter's shortage penalty, and backlog still open at the horizon end
  costs its price once; cost minimisation is then profit maximisation. Without it a penalty
  below the unit cost would make "sell nothing" optimal. No effect when all demand is served.
- Holding cost default: unit_cost x inventory_carrying_rate / periods per year (12 or 52).
- Safety-stock penalty default: 2 x the item's holding cost per unit-period below target
  (soft: a breach never costs more than keeping the unit twice as long).
- Material holding: material unit_cost x carrying rate / periods per year; it makes buying
  early a real cost, so receipts are planned as late as they can be.
- Fixed resources: regular_cost is paid on regular hours used (load minus overtime) and an
  overtime hour costs max(overtime_cost, regular_cost). Labour pools pay regular_cost x
  hours_per_worker (of that period) x workforce, plus overtime_cost per overtime hour.
- Production started in period t loads resources and uses materials in t and reaches stock
  in t + lead_time; production that would land after the horizon is not allowed.
- Scheduled receipts (work already released, purchase orders of bought-in items already
  placed) reach stock in their period whatever the plan decides: a constant on the right-hand
  side of the inventory balance, like open orders in the material balance. They load no
  resource, use no material (both happened before the horizon) and cost the objective nothing.
"""

from __future__ import annotations

from .data import PlanData, gather
from .engine import demand_from_baseline_table, export_mps, reconcile, reconcile_data
from .result import PlanResult
from .solve import SolveOptions, SolverFacts

__all__ = [
    "PlanData",
    "PlanResult",
    "SolveOptions",
    "SolverFacts",
    "demand_from_baseline_table",
    "export_mps",
    "gather",
    "reconcile",
    "reconcile_data",
]
