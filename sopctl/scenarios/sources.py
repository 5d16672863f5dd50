"""Where the plans of `sopctl compare` come from (the edge): written outputs, a fresh solve, or
git revisions.

Scenario mode reads `outputs/` (the base) and `outputs/scenarios/<id>/` when their manifests
show they were made from the current inputs (and scenario file); whatever is stale is solved
in memory by `run_scenarios(dry_run=True)`, writing nothing. Revision mode reuses the plan
diff's sides (`plandiff.sides`): each revision is materialised in a temporary folder and
reconciled there, so scenarios kept as branches compare like scenario files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UserError
from ..explain import PlanFrames
from ..findings import Report
from ..plan import MANIFEST, no_plan_words, read_plan_frames
from ..plandiff.outputs import PlanSnapshot
from ..results import is_current, no_plan
from ..validate import Workspace, load_workspace
from .compare import Option
from .load import BASE, description, load_scenarios
from .run import ScenarioResult, outputs_dir, run_scenarios, scenario_is_current, wanted

Progress = Callable[[str], None]
READ = ("summary.json", "supply_plan.csv", "exceptions.csv")


def _read(folder: Path) -> PlanSnapshot | None:
    try:
        files = {name: (folder / name).read_bytes() for name in READ}
        return PlanSnapshot.from_files(files, None)
    except (OSError, ValueError):
        return None


def _failed(one: ScenarioResult) -> list[str]:
    if not one.report.ok:
        return [str(f) for f in one.report.errors]
    return no_plan_words(one.result) or ["no plan"]


def scenario_frames_for(
    root: Path | None, cycle: str | None, sid: str
) -> tuple[Workspace, PlanFrames | None, Report, str, list[str]]:
    """One scenario's plan frames for `sopctl explain`, as `plan.plan_frames_for` gives the
    base's: from `outputs/scenarios/<id>/` when current, else solved in memory (the base with
    it, warm), writing nothing. `why` holds the overlays' errors or why no plan was found."""
    ws, report = load_workspace(root, cycle)
    if not report.ok:
        return ws, None, report, "", []
    assert ws.charter is not None
    (sid,) = wanted(ws, [sid], every=False)
    scenarios, _ = load_scenarios(ws, None)
    out = outputs_dir(ws, sid)
    if scenario_is_current(ws, scenarios[sid]):
        return ws, read_plan_frames(out, ws.charter.finance.currency), report, "outputs", []
    source = "stale" if (out / MANIFEST).is_file() else "none"
    run = run_scenarios(root, ws.cycle_id, [sid], dry_run=True)
    if not run.base.ok:
        base = run.base.result
        why = no_plan_words(base) if run.base.report.ok else []
        return ws, None, run.base.report, source, [f"the base plan: {w}" for w in why]
    (one,) = run.scenarios
    res = one.result
    if not one.ok or res is None:
        return ws, None, report, source, [f"scenario {sid}: {w}" for w in _failed(one)]
    frames = PlanFrames(
        res.supply, res.capacity, res.exceptions, res.currency, res.materials, res.notes
    )
    return ws, frames, report, source, []


def scenario_options(
    root: Path | None, cycle: str | None, names: list[str], progress: Progress | None = None
) -> tuple[Workspace, Report, list[Option]]:
    """The base and the named scenarios (every declared one when no name is given), each read from
    its outputs when they are current and solved in memory otherwise. The report holds the
    validation findings and the warnings of applying the overlays."""
    ws, report = load_workspace(root, cycle)
    if not report.ok:
        return ws, report, []
    todo = wanted(ws, names, every=not names)
    scenarios, _ = load_scenarios(ws, None)
    base_dir = ws.cycle_dir / "outputs"
    base_plan = _read(base_dir) if is_current(ws, base_dir, MANIFEST) else None
    fresh = {
        sid: _read(outputs_dir(ws, sid)) for sid in todo if scenario_is_current(ws, scenarios[sid])
    }
    stale = [sid for sid in todo if fresh.get(sid) is None]
    solved: dict[str, ScenarioResult] = {}
    base = Option(BASE, base_plan, description=description(ws, BASE), source="outputs")
    if base_plan is None or stale:
        run = run_scenarios(root, ws.cycle_id, stale, dry_run=True, progress=progress)
        report.extend(f for f in run.base.report if f not in report.findings)
        if base_plan is None:
            res = run.base.result
            base.source = "solved"
            if run.base.ok:
                base.plan = PlanSnapshot.from_files(run.base.files, run.base.summary)
            else:
                base.errors = [str(f) for f in run.base.report.errors] or [
                    no_plan(res.status) if res else "no plan"
                ]
        for one in run.scenarios:
            report.extend(one.report)
            solved[one.id] = one
    base.status = str(base.plan.summary.get("status", "")) if base.plan else "no plan"
    options = [base]
    for sid in todo:
        sc = scenarios[sid]
        opt = Option(sid, fresh.get(sid), description=sc.file.description, owner=sc.file.owner)
        opt.source = "outputs" if opt.plan is not None else "solved"
        got = solved.get(sid)
        if got is not None:
            if got.ok:
                opt.plan = PlanSnapshot.from_files(got.files, got.summary)
            else:
                opt.errors = _failed(got)
        opt.status = str(opt.plan.summary.get("status", "")) if opt.plan else "no plan"
        options.append(opt)
    return ws, report, options


def revision_options(
    root: Path, cycle: str, revs: list[str | None], progress: Progress | None = None
) -> list[Option]:
    """One option per revision (None: the working tree), the first being the base; each is
    reconciled as the plan diff reconciles its sides, and lists the input tables it changes
    against the base."""
    from ..plandiff.engine import diff_tables
    from ..plandiff.sides import WORKTREE, check_revision, load_side
    from ..plandiff.words import table_counts

    labels = [rev or WORKTREE for rev in revs]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise UserError(f"revision {dupes[0]} is named twice", hint="name each revision once")
    for rev in revs:
        if rev is not None:
            check_revision(root, cycle, rev, "sopctl compare CYCLE REV REV ...")
    sides = [load_side(root, cycle, rev, progress) for rev in revs]
    out: list[Option] = []
    for rev, side in zip(revs, sides, strict=True):
        info = side.info
        changed = (
            [
                f"{t.file}: {table_counts(t)}"
                for t in diff_tables(sides[0], side, 0)
                if t.status != "unchanged"
            ]
            if side is not sides[0]
            else []
        )
        out.append(
            Option(
                info.label,
                side.plan,
                kind="revision" if rev is not None else "worktree",
                commit=info.commit,
                source="revision" if rev is not None else "working tree",
                status=info.status or ("optimal" if side.plan else "no plan"),
                errors=list(info.errors),
                inputs=changed,
            )
        )
    return out
