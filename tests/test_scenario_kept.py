"""A scenario whose changes leave the base's plan optimal keeps the base's plan.

A degenerate LP has many plans of the same least cost, and which one a re-solve lands on
depends on the solver's state (HiGHS's edge weights after a fresh basis), not on the scenario:
250 more hours on a line that never binds moved 2.8 units of a pump from July to August and
showed +9 EUR of working capital and an exception swapped for another. sopctl.reconcile.kept
checks whether the base's plan is still optimal (its duals as a certificate, without a solve;
or, after the re-solve, its cost) and keeps it then. And HiGHS's state from the scenarios
solved before must not pick a scenario's plan either.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl

from sopctl.reconcile.kept import BaseOptimum, kept_solution, still_optimal
from sopctl.reconcile.lp import CostTerm, LpModel
from sopctl.reconcile.solve import Solution, SolverFacts
from sopctl.scenarios.run import run_scenarios
from tests.helpers import run, write_files

ROOT = Path(__file__).resolve().parents[1]
SHIFT = """\
description: Line B adds a second shift (250 h a month) from May to October 2027.
owner: ops_lead
overlays:
  - kind: shift
    resources: [line-b]
    from: "2027-05"
    to: "2027-10"
    hours: 250
"""


def demo_with(tmp: Path, sid: str, text: str) -> Path:
    for sub in ("charters", "cycles"):
        shutil.copytree(ROOT / sub, tmp / sub, ignore=shutil.ignore_patterns("outputs"))
    cycle = tmp / "cycles/2026-12/cycle.yaml"
    doc = cycle.read_text(encoding="utf-8")
    assert doc.count("\nscenarios:\n") == 1
    entry = f"\nscenarios:\n  - id: {sid}\n    description: {sid}\n"
    cycle.write_text(doc.replace("\nscenarios:\n", entry), encoding="utf-8")
    write_files(tmp, {f"cycles/2026-12/scenarios/{sid}.yaml": text})
    return tmp


def test_more_hours_on_a_line_that_never_binds_change_nothing(tmp_path: Path) -> None:
    root = demo_with(tmp_path / "demo", "line_b_shift", SHIFT)
    solved = run_scenarios(root, None, ["line_b_shift"], dry_run=True)
    (s,) = solved.scenarios
    assert s.ok and s.solved == "kept"
    base = solved.base.files
    for name in ("supply_plan.csv", "materials_plan.csv", "exceptions.csv", "finance.csv"):
        assert s.files[name] == base[name], name
    changed = set(s.files["capacity_plan.csv"].decode().splitlines())
    changed -= set(base["capacity_plan.csv"].decode().splitlines())
    assert changed and all(line.startswith("line-b,") for line in changed)  # its hours only
    r = run(["compare", "2026-12", "line_b_shift", "--format", "json"], cwd=root)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    exc = doc["options"][1]["exceptions"]
    assert (exc["appeared_count"], exc["cleared_count"]) == (0, 0)
    assert doc["options"][1]["same_cost"] is None  # the same plan: nothing to explain
    moved = {
        k["name"] for k in doc["kpis"] if k["deltas"]["line_b_shift"]["delta"] not in (0.0, None)
    }
    assert moved == {"utilisation.line-b"}  # the real effect: more hours, the same load


def test_a_kept_plan_is_priced_on_the_scenario_s_own_model(tmp_path: Path) -> None:
    """Shadow prices are what one more unit of a limit saves in the scenario (prices.py), a
    property of its model: a kept plan is priced on it, as a cold solve of it is."""
    root = demo_with(tmp_path / "demo", "line_b_shift", SHIFT)
    kept = run_scenarios(root, None, ["line_b_shift"], dry_run=True).scenarios[0]
    cold = run_scenarios(root, None, ["line_b_shift"], dry_run=True, warm=False).scenarios[0]
    assert (kept.solved, cold.solved) == ("kept", "cold")

    def prices(files: dict[str, bytes], name: str) -> list[float]:
        frame = pl.read_csv(files[name])
        return [round(float(v), 4) for v in frame["shadow_price"]]

    assert prices(kept.files, "capacity_plan.csv") == prices(cold.files, "capacity_plan.csv")
    assert b"saves at most" not in kept.files["exceptions.csv"]


def test_a_scenario_gets_the_same_plan_alone_with_all_and_in_reverse(tmp_path: Path) -> None:
    """HiGHS keeps pivoting state from run to run; each scenario is solved from a cleared solver
    and the base's basis, so the scenarios solved before it do not pick its plan."""
    root = tmp_path / "demo"
    for sub in ("charters", "cycles"):
        shutil.copytree(ROOT / sub, root / sub, ignore=shutil.ignore_patterns("outputs"))
    every = run_scenarios(root, None, [], every=True, dry_run=True).scenarios
    names = [s.id for s in every]
    runs = [every, run_scenarios(root, None, names[::-1], dry_run=True).scenarios]
    runs += [run_scenarios(root, None, [sid], dry_run=True).scenarios for sid in names[::2]]
    for sid in names:
        got = [s.files for run in runs for s in run if s.id == sid]
        assert all(files == got[0] for files in got), sid


# min x1 + x2 over x1 + x2 >= 10 (row 0) and x1 >= 10 (row 1), 0 <= x <= 20: the base plan
# (10, 0) is degenerate; its duals say row 1 binds (y = (0, 1), d = (0, 1))
def _lp(cost: tuple[float, float] = (1, 1), row_lower: tuple[float, float] = (10, 10)) -> LpModel:
    return LpModel(
        periods=[],
        cols={},
        rows={},
        col_lower=np.zeros(2),
        col_upper=np.array([20.0, 20.0]),
        row_lower=np.array(row_lower, dtype=float),
        row_upper=np.array([np.inf, np.inf]),
        a_start=np.array([0, 2, 3]),
        a_index=np.array([0, 1, 0]),
        a_value=np.array([1.0, 1.0, 1.0]),
        costs=[CostTerm("production", np.array([0, 1]), np.array(cost, dtype=float))],
        integer_cols=np.zeros(0, dtype=np.int64),
        levels=[],
        pairs=pl.DataFrame(),
    )


def _solution(x: list[float], objective: float) -> Solution:
    facts = SolverFacts("HiGHS", "test", "Optimal", objective, None, 0.0, 1, "simplex")
    return Solution(
        "optimal", objective, np.array(x), np.array([0.0, 1.0]), np.array([0.0, 1.0]), facts
    )


def _base() -> BaseOptimum:
    lp = _lp()
    got = BaseOptimum.of(
        lp, _solution([10, 0], 10.0), lp.col_lower, lp.col_upper, np.array([0, 0, 1])
    )
    assert got is not None
    return got


def test_the_certificate_keeps_the_plan_only_where_it_is_still_optimal() -> None:
    base = _base()
    dearer = kept_solution(base, _lp(cost=(1, 3)))  # x2 dearer: (10, 0) still best
    assert dearer is not None and dearer.objective == 10.0
    assert dearer.col_dual is not None and dearer.col_dual.tolist() == [0.0, 3.0]
    assert kept_solution(base, _lp(cost=(1, -0.5))) is None  # x2 pays: it should move
    assert kept_solution(base, _lp(row_lower=(12, 10))) is None  # the plan is short now
    # row 1 relaxed: its dual is not 0, so the certificate fails, though (10, 0) is still
    # optimal (row 0 binds as well); the re-solve finds (5, 5) at the same cost 10, and the
    # base's plan is kept with the re-solve's duals
    relaxed = _lp(row_lower=(10, 5))
    assert kept_solution(base, relaxed) is None
    kept = still_optimal(base, relaxed, _solution([5, 5], 10.0))
    assert kept is not None and kept.x is not None and kept.x.tolist() == [10.0, 0.0]
    assert still_optimal(base, _lp(row_lower=(8, 5)), _solution([5, 3], 8.0)) is None
