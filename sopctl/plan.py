"""`sopctl reconcile`: demand view → constrained plan → result files (the edge around reconcile/).

Validation, the demand view (reused when its outputs are current, rebuilt in memory otherwise),
the LP, and the writing of every result file in one all-or-nothing step, a rebuilt demand view
included. A plan that is not optimal writes nothing, not even the demand view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from .demand import (
    PLAN,
    demand_is_current,
    demand_outputs,
    read_plan,
    recorded_findings,
    run_demand,
)
from .errors import UserError
from .findings import Report
from .outputs import write_all
from .reconcile import PlanResult, SolveOptions, export_mps, reconcile
from .results import is_current, manifest
from .validate import Workspace, load_workspace

if TYPE_CHECKING:
    from .explain import PlanFrames
    from .signal import DemandResult

MANIFEST = "reconcile_manifest.json"
# Imported while HiGHS solves (what only the solved plan needs; see reconcile.solve).
AFTER_SOLVE = ("sopctl.plan_files", "sopctl.outputs")
Progress = Callable[[str], None]


@dataclass
class ReconcileRun:
    ws: Workspace
    report: Report
    demand_source: str = ""  # "reused" | "rebuilt"
    demand_result: DemandResult | None = None  # the view, when it was rebuilt
    demand_files: dict[str, bytes] = field(default_factory=dict)  # its files, written with the plan
    result: PlanResult | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report.ok and self.result is not None and self.result.ok


def demand_view(root: Path | None, run: ReconcileRun) -> pl.DataFrame | None:
    """The demand view `run`'s cycle plans against; None when it cannot be built.

    Sets `run.demand_source`: "reused" (its outputs were current) or "rebuilt" (in memory:
    `run.demand_result` holds the view and `run.demand_files` its files, which `write_plan`
    writes together with the plan's)."""
    ws, report = run.ws, run.report
    path = ws.cycle_dir / "outputs" / PLAN
    if demand_is_current(ws):
        run.demand_source = "reused"
        report.extend(f for f in recorded_findings(ws) if f not in report.findings)
        return read_plan(path)
    run.demand_source = "rebuilt"
    built = run_demand(root, ws.cycle_id, write=False)
    report.extend(f for f in built.report if f not in report.findings)
    if built.result is None or not built.report.ok:
        return None
    run.demand_result = built.result
    run.demand_files = demand_outputs(ws, built.result)
    return read_plan(run.demand_files[PLAN])


def write_plan(run: ReconcileRun) -> None:
    """Write the plan's files, its manifest and a rebuilt demand view: all land or none."""
    files = dict(run.files)
    files[MANIFEST] = manifest(run.ws, "reconcile", files, {})
    files = {**run.demand_files, **files}
    out = run.ws.cycle_dir / "outputs"
    write_all({out / name: data for name, data in files.items()}, root=run.ws.root)
    run.written = [out / name for name in files]


def run_reconcile(
    root: Path | None = None,
    cycle: str | None = None,
    *,
    dry_run: bool = False,
    integer: bool = False,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    mps: Path | None = None,
    prefetch: tuple[str, ...] = (),
) -> ReconcileRun:
    """Validate, get the demand view, solve the plan, and write the results unless dry-run.

    `prefetch`: modules the caller needs once the plan is solved (e.g. its renderer), imported
    while HiGHS runs."""
    say = progress or (lambda _msg: None)
    say("checking inputs")
    ws, report = load_workspace(root, cycle)
    run = ReconcileRun(ws, report)
    if not report.ok:
        return run
    say("building the demand view")
    demand = demand_view(root, run)
    if demand is None or not report.ok:
        return run
    if mps is not None:
        say(f"writing the model to {mps}")
        if not mps.parent.is_dir():
            raise UserError(f"cannot write {mps}: folder {mps.parent} does not exist")
        try:
            export_mps(ws, demand, str(mps), integer=integer, options=options)
        except OSError as exc:
            raise UserError(str(exc), hint="choose a writable path for --export-mps") from exc
    say("building and solving the plan" + (" (whole workers)" if integer else ""))
    run.result = reconcile(
        ws,
        demand,
        integer=integer,
        options=options,
        prefetch=(*AFTER_SOLVE, *prefetch),
        progress=progress,
    )
    if not run.result.ok:
        return run
    say("writing results")
    from .plan_files import plan_files

    run.files, run.summary = plan_files(ws, run.result)
    if not dry_run:
        write_plan(run)
    return run


def read_plan_frames(out: Path, currency: str) -> PlanFrames:
    """The frames `sopctl explain` reads, from a folder of written result files."""
    from .explain import PlanFrames

    ids = {c: pl.String for c in ("item", "segment", "resource", "material", "period")}
    words = {*ids, "kind", "binding_constraint", "escalate_to", "message"}

    def read(name: str) -> pl.DataFrame:
        # every other column is a number, also when it is empty in every row (a resource
        # without hours has no utilisation; polars would read the column as text)
        df = pl.read_csv(out / name, schema_overrides=ids)
        return df.with_columns(
            pl.col(c).cast(pl.Float64, strict=False) for c in df.columns if c not in words
        )

    return PlanFrames(
        supply=read("supply_plan.csv"),
        capacity=read("capacity_plan.csv"),
        exceptions=read("exceptions.csv"),
        currency=currency,
        materials=read("materials_plan.csv"),
        notes=_notes(out / "summary.json"),
    )


def _notes(path: Path) -> list[str]:
    try:
        notes = json.loads(path.read_bytes()).get("notes")
    except (OSError, ValueError, AttributeError):
        return []
    return [str(n) for n in notes] if isinstance(notes, list) else []


def no_plan_words(res: PlanResult | None) -> list[str]:
    """Why a solve gave no plan: its status, the conflicting constraints and the hints."""
    from .results import no_plan

    if res is None:
        return []
    why = [no_plan(res.status), *(f"conflicting constraint: {c}" for c in res.diagnosis)]
    return why + [f"hint: {h}" for h in res.hints]


def plan_frames_for(
    root: Path | None, cycle: str | None
) -> tuple[Workspace, PlanFrames | None, Report, str, list[str]]:
    """The plan's frames: from the outputs when they are current, else solved in memory.

    Returns (workspace, frames or None when there is no plan, report, source, why): source is
    `outputs`, `stale` (outputs there but not of these inputs) or `none` (no outputs yet);
    `why` says why a solve gave no plan (status, conflicting constraints, hints)."""
    from .explain import PlanFrames

    ws, report = load_workspace(root, cycle)
    if not report.ok:
        return ws, None, report, "", []
    assert ws.charter is not None
    out = ws.cycle_dir / "outputs"
    if is_current(ws, out, MANIFEST):
        return ws, read_plan_frames(out, ws.charter.finance.currency), report, "outputs", []
    source = "stale" if (out / MANIFEST).is_file() else "none"
    run = run_reconcile(root, ws.cycle_id, dry_run=True)
    res = run.result
    if not run.ok or res is None:
        return ws, None, run.report, source, no_plan_words(res) if run.report.ok else []
    frames = PlanFrames(
        res.supply, res.capacity, res.exceptions, res.currency, res.materials, res.notes
    )
    return ws, frames, report, source, []
