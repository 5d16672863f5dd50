"""`sopctl reconcile --scenario`: the base plan and its scenarios, solved and written (the edge).

The base is solved exactly as `sopctl reconcile` solves it (same files, same bytes) and its LP
stays loaded in HiGHS (`reconcile.update.WarmSession`). Each scenario: overlays on the tables
(overlays.py), the demand view rebuilt when promotions changed, demand overlays (demand.py),
gather and build; then, when its model has the base's structure, its numbers are pushed into
the loaded model and dual simplex restarts from the base's basis; otherwise it is solved cold.
A plan's results and files are made in a worker thread while the next plan is solved.
Results go to `outputs/scenarios/<id>/` with the base's file set and a manifest that also
records the scenario file's digest. A scenario without a plan writes nothing.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ..errors import UserError
from ..findings import Report, Severity
from ..hints import did_you_mean
from ..outputs import write_all
from ..plan import MANIFEST, ReconcileRun, demand_view, write_plan
from ..plan_files import plan_files
from ..reconcile import PlanResult, SolveOptions, gather
from ..reconcile.engine import solved_result
from ..reconcile.model import build_model
from ..reconcile.solve import solve
from ..reconcile.update import WarmSession
from ..results import is_current, json_bytes, manifest, read_manifest, sha256
from ..signal import build_demand
from ..validate import Workspace, load_workspace
from .demand import add_delta, apply_demand
from .load import BASE, Scenario, declared, load_scenarios
from .overlays import apply_tables
from .select import Ids, ids_of

Progress = Callable[[str], None]
FOLDER = "scenarios"
MAX_PENDING = 2  # plans solved whose results and files are not made yet


@dataclass
class ScenarioResult:
    """One scenario's plan, or why there is none."""

    id: str
    description: str
    owner: str
    file: str  # the scenario file, repository-relative
    report: Report = field(default_factory=Report)  # findings of applying the overlays
    result: PlanResult | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    solved: str = ""  # unchanged | warm | cold: how the LP was solved
    demand: str = "base"  # base | rebuilt (a promotion overlay)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.report.ok and self.result is not None and self.result.ok


@dataclass
class ScenarioRun:
    base: ReconcileRun
    scenarios: list[ScenarioResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.base.ok and all(s.ok for s in self.scenarios)


def outputs_dir(ws: Workspace, sid: str) -> Path:
    return ws.cycle_dir / "outputs" / FOLDER / sid


def wanted(ws: Workspace, names: list[str], every: bool) -> list[str]:
    """The scenarios asked for, in the order of cycle.yaml when `every`, else as given."""
    known = declared(ws)
    if every:
        return known
    out: list[str] = []
    for name in names:
        if name == BASE or name in out:
            continue
        if name not in known:
            close = did_you_mean(name, known)
            raise UserError(
                f"cycle {ws.cycle_id} has no scenario '{name}' "
                f"(declared: {', '.join(known) or 'none'})",
                hint=f"did you mean {close}?"
                if close
                else f"declare it in cycle.yaml (scenarios: - id: {name}) and write "
                f"cycles/{ws.cycle_id}/scenarios/{name}.yaml",
            )
        out.append(name)
    return out


def scenario_extra(sc: Scenario) -> dict[str, Any]:
    return {"scenario": sc.id, "scenario_file": {sc.shown: sha256(sc.path)}}


def scenario_is_current(ws: Workspace, sc: Scenario) -> bool:
    """True when the scenario's outputs were made from the current inputs and scenario file."""
    out = outputs_dir(ws, sc.id)
    if not is_current(ws, out, MANIFEST):
        return False
    doc = read_manifest(out / MANIFEST) or {}
    return bool(doc.get("scenario_file") == scenario_extra(sc)["scenario_file"])


def run_scenarios(
    root: Path | None,
    cycle: str | None,
    names: list[str],
    *,
    every: bool = False,
    dry_run: bool = False,
    integer: bool = False,
    options: SolveOptions | None = None,
    warm: bool = True,
    progress: Progress | None = None,
) -> ScenarioRun:
    """Validate, solve the base plan and each scenario, and write them unless dry-run.

    `warm=False` solves every scenario cold (for tests and benchmarks of the warm start)."""
    say = progress or (lambda _msg: None)
    say("checking inputs")
    ws, report = load_workspace(root, cycle)
    run = ScenarioRun(ReconcileRun(ws, report))
    if not report.ok:
        return run
    assert ws.charter is not None
    todo = wanted(ws, names, every)
    say("building the demand view")
    demand = demand_view(root, run.base)
    if demand is None or not report.ok:
        return run
    opts = options or SolveOptions()
    say("solving the base plan")
    t0 = time.perf_counter()
    data = gather(ws, demand)
    t1 = time.perf_counter()
    lp = build_model(data, integer=integer, lost_revenue=opts.lost_revenue)
    t2 = time.perf_counter()
    session = WarmSession(lp, opts) if warm and not integer else None
    sol = session.base if session is not None else solve(lp, opts)
    clock = {"gather": t1 - t0, "build": t2 - t1, "solve": time.perf_counter() - t2}
    scenarios, _ = load_scenarios(ws, None)  # their findings are in the report already
    ids = ids_of(ws)
    ref = _Rebuilt(ws)
    # One plan's results and files are made in a worker thread while the next plan is
    # changed and solved here: HiGHS's run and Polars release the GIL, so the two overlap
    # on a second core (docs/benchmarks.md). Each plan's numbers are its own (the threads
    # share only read-only inputs); files are written here, in order, as soon as they are made.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sopctl-results") as pool:
        out = _Writer(run, scenarios, dry_run)
        try:
            out.add(pool.submit(_base_files, run.base, data, lp, sol, clock))
            for sid in todo:
                say(f"solving scenario {sid}")
                sc = scenarios[sid]
                out.add(_scenario(ws, sc, ids, demand, ref, session, opts, integer, pool))
                out.flush(wait=False)
            out.flush(wait=True)
        except BaseException:  # an error or Ctrl-C: the plans not yet begun are not made
            out.cancel()
            raise
    return run


class _Writer:
    """Writes the base and the scenarios in the order they were solved, each when its files
    are made; a run stopped by an error or Ctrl-C has written the plans made before it."""

    def __init__(self, run: ScenarioRun, scenarios: dict[str, Scenario], dry_run: bool) -> None:
        self.run, self.scenarios, self.dry_run = run, scenarios, dry_run
        self.pending: deque[Future[Any]] = deque()

    def add(self, job: Future[ScenarioResult] | Future[None]) -> None:
        """A plan being made: the base's job returns None, a scenario's its result. At most
        MAX_PENDING plans wait for their files (each holds its model and solution), so the
        solves do not run ahead of a slower worker with every plan in memory."""
        self.pending.append(job)
        while len(self.pending) > MAX_PENDING:
            self._write(self.pending.popleft().result())

    def cancel(self) -> None:
        for job in self.pending:
            job.cancel()

    def flush(self, *, wait: bool) -> None:
        while self.pending and (wait or self.pending[0].done()):
            self._write(self.pending.popleft().result())

    def _write(self, one: ScenarioResult | None) -> None:
        if one is None:
            self._base()
        else:
            self._scenario(one)

    def _base(self) -> None:
        base = self.run.base
        if base.result is not None and base.result.ok and not self.dry_run:
            write_plan(base)

    def _scenario(self, one: ScenarioResult) -> None:
        if one.ok and not self.dry_run:
            ws = self.run.base.ws
            files = dict(one.files)
            extra = scenario_extra(self.scenarios[one.id])
            files[MANIFEST] = manifest(ws, "reconcile", files, extra)
            out = outputs_dir(ws, one.id)
            write_all({out / name: data for name, data in files.items()}, root=ws.root)
            one.written = [out / name for name in files]
        self.run.scenarios.append(one)


def _base_files(base: ReconcileRun, data: Any, lp: Any, sol: Any, clock: dict[str, float]) -> None:
    """The base plan's results and files (in the worker thread)."""
    assert base.ws.charter is not None
    base.result = solved_result(data, lp, sol, base.ws.charter.escalation, clock)
    if base.result.ok:
        base.files, base.summary = plan_files(base.ws, base.result)


class _Rebuilt:
    """The base's demand view built in memory, once, as the reference of promotion overlays."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._plan: pl.DataFrame | None = None

    def plan(self) -> pl.DataFrame:
        if self._plan is None:
            self._plan = build_demand(self.ws, None).plan
        return self._plan


def _scenario(
    ws: Workspace,
    sc: Scenario,
    ids: Ids,
    demand: Any,
    ref: _Rebuilt,
    session: WarmSession | None,
    opts: SolveOptions,
    integer: bool,
    pool: ThreadPoolExecutor,
) -> Future[ScenarioResult]:
    """Apply the scenario's overlays and solve it; its results are made in `pool`."""
    t0 = time.perf_counter()
    one = ScenarioResult(sc.id, sc.file.description, sc.file.owner, sc.shown)
    ws_s, promotions, fs = apply_tables(ws, sc, ids)
    one.report.extend(fs)
    if promotions:
        built = build_demand(ws_s, None)
        one.report.extend(f for f in built.findings if f.severity is Severity.ERROR)
        demand, one.demand = add_delta(demand, built.plan, ref.plan()), "rebuilt"
    demand, fs = apply_demand(demand, sc, ids)
    one.report.extend(fs)
    if not one.report.ok:
        return _done(one)
    data = gather(ws_s, demand)
    t1 = time.perf_counter()
    lp = build_model(data, integer=integer, lost_revenue=opts.lost_revenue)
    t2 = time.perf_counter()
    got = session.solve(lp) if session is not None else None
    if got is None:
        sol, one.solved = solve(lp, opts), "cold"
    else:
        sol, one.solved = got
    clock = {"gather": t1 - t0, "build": t2 - t1, "solve": time.perf_counter() - t2}
    one.seconds = time.perf_counter() - t0
    return pool.submit(_scenario_files, one, ws_s, sc, data, lp, sol, clock)


def _scenario_files(
    one: ScenarioResult,
    ws_s: Workspace,
    sc: Scenario,
    data: Any,
    lp: Any,
    sol: Any,
    clock: dict[str, float],
) -> ScenarioResult:
    """The scenario's results and files from its solved LP (in the worker thread)."""
    assert ws_s.charter is not None
    t0 = time.perf_counter()
    one.result = solved_result(data, lp, sol, ws_s.charter.escalation, clock)
    if one.result.ok:
        files, summary = plan_files(ws_s, one.result)
        summary["scenario"] = {
            "id": sc.id,
            "description": sc.file.description,
            "owner": sc.file.owner,
            "file": sc.shown,
            "overlays": [ov.kind for ov in sc.file.overlays],
        }
        files["summary.json"] = json_bytes(summary)
        one.files, one.summary = files, summary
    one.seconds += time.perf_counter() - t0
    return one


def _done(one: ScenarioResult) -> Future[ScenarioResult]:
    done: Future[ScenarioResult] = Future()
    done.set_result(one)
    return done
