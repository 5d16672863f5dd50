"""Where the time of one `sopctl reconcile` goes, per step and per HiGHS run (diagnostic).

    python bench/profile_reconcile.py bench/data/plan-10k
    python bench/profile_reconcile.py bench/data/plan-10k --stage-solver simplex

In one process: load_workspace, the demand view (demand_plan.csv, as reconcile reuses it),
gather, build_model, then sopctl's own solve() with every HiGHS run timed (the algorithm it ran
with, its status and seconds) and, after the first run, the shortage that each priority level
has in the plain cost LP (the sum over its backlog and lost-sales columns, which solve()
compares with SHORT_TOL to decide whether priority stages run). --solver / --stage-solver
override SolveOptions for a comparison; --time-limit bounds every HiGHS run. Prints one JSON
document. Nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sopctl.demand import PLAN, demand_is_current
from sopctl.reconcile import SolveOptions, gather
from sopctl.reconcile import solve as solve_mod
from sopctl.reconcile.model import build_model
from sopctl.validate import load_workspace


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--solver", choices=["simplex", "ipm", "choose", "pdlp"])
    ap.add_argument("--stage-solver", choices=["simplex", "ipm", "choose", "pdlp"])
    ap.add_argument("--time-limit", type=float, default=None, help="seconds per HiGHS run")
    args = ap.parse_args(argv)
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    ws, report = load_workspace(args.root)
    if not report.ok or not demand_is_current(ws):
        raise SystemExit("the repository must validate and have a current demand view")
    out["load_workspace_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    demand = pl.read_csv(
        ws.cycle_dir / "outputs" / PLAN, schema_overrides={"item": pl.String, "segment": pl.String}
    )
    out["read_demand_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = gather(ws, demand)
    out["gather_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lp = build_model(data)
    out["build_s"] = time.perf_counter() - t0
    out["lp"] = {"cols": lp.n_col, "rows": lp.n_row, "nonzeros": int(lp.a_index.size)}

    defaults = SolveOptions()
    opts = SolveOptions(
        solver=args.solver or defaults.solver,
        stage_solver=args.stage_solver or defaults.stage_solver,
        time_limit=args.time_limit,
    )
    out["options"] = {"solver": opts.solver, "stage_solver": opts.stage_solver}
    runs: list[dict[str, Any]] = []
    original = solve_mod._Run.run

    def timed(self: Any) -> str:
        algo = self.h.getOptionValue("solver")
        algo = algo[1] if isinstance(algo, tuple) else algo
        t = time.perf_counter()
        status = original(self)
        rec: dict[str, Any] = {"solver": str(algo), "status": status}
        rec["seconds"] = time.perf_counter() - t
        if not runs and status == "kOptimal":  # the plain cost LP: shortage per level
            x = self.x()
            rec["shortage_per_level"] = [
                {
                    "priority": lv.priority,
                    "segments": lv.segments,
                    "columns": int(lv.cols.size),
                    "sum": float(x[lv.cols].sum()),
                    "largest": float(x[lv.cols].max()) if lv.cols.size else 0.0,
                    "columns_above_1e-9": int((x[lv.cols] > 1e-9).sum()),
                }
                for lv in lp.levels
            ]
            rec["short_tol"] = solve_mod.SHORT_TOL
        runs.append(rec)
        print(json.dumps(rec), file=sys.stderr, flush=True)
        return status

    solve_mod._Run.run = timed  # type: ignore[method-assign]
    t0 = time.perf_counter()
    sol = solve_mod.solve(lp, opts)
    out["solve_s"] = time.perf_counter() - t0
    out["status"] = sol.status
    out["objective"] = sol.objective
    out["highs_runs"] = runs
    if sol.x is not None:
        out["shortage_per_level_after_solve"] = [
            {
                "priority": lv.priority,
                "shortage_sum": float(np.asarray(sol.x)[lv.cols].sum()),
            }
            for lv in lp.levels
        ]
    sys.stdout.write(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
