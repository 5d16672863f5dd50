"""Where the numbers of a report or an export come from: the working tree or a verified tag.

Working tree: the cycle is validated; result files are read from `outputs/` when the reconcile
(and demand) manifests say they are current, and are otherwise made in memory (nothing is
written). Tag `sop/<cycle>/v<N>`: `sopctl verify` runs first (digests of every input and output
recorded in the tag's commit record, approvals, signature); a tag that does not verify is
refused. The tagged tree is then materialised in a temporary folder; its result files are the
ones verify re-made from the tagged tree (the recorded bytes: that is what verification
proved), or the tag's own outputs when it holds them. A learn scorecard is never in the tag
it scores (learn needs the tag first): the working tree's learn/<cycle>/scorecard.csv is shown
when its tag.json names the tag and its plan digest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import vcs
from ..errors import EXIT_FINDINGS, GitError, SopctlError
from ..findings import Report, finding
from ..results import no_plan
from ..schemas.records import CommitRecord
from ..validate import Workspace

if TYPE_CHECKING:
    from ..plan import ReconcileRun

SCORECARD = "learn/{cycle}/scorecard.csv"


class PlanUnavailable(SopctlError):
    """No plan to show: invalid inputs, no feasible plan, or a tag that does not verify."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, report: Report | None = None, hint: str | None = None):
        super().__init__(message, hint)
        self.report = report or Report()


@dataclass
class TagFacts:
    name: str
    commit: str
    verdict: str  # identical | alternative_optimum
    notes: list[str]
    tagger: str
    date: dt.date
    record: CommitRecord
    latest: str = ""  # the cycle's latest sound tag (a later one supersedes this one)
    skipped: list[str] = field(default_factory=list)  # newer tags not taken as "latest": why


@dataclass
class PlanSource:
    ws: Workspace
    files: dict[str, bytes]  # result files by name: reconcile and demand outputs
    reconcile_names: list[str]  # the files of the reconcile step (part of the plan digest)
    digest: str  # the plan digest (inputs and reconcile results)
    origin: str  # outputs (current files) | solved (in memory) | tag
    report: Report  # validation and engine findings (warnings only: errors refuse)
    tag: TagFacts | None = None
    scorecard: bytes | None = None  # learn/<cycle>/scorecard.csv when it is shown
    scorecard_for: str = ""  # the tag the working tree's scorecard scores ('' when not known)
    scorecard_found: bool = False  # the working tree holds one (for a tag: maybe another's)
    scorecard_changed: list[str] = field(default_factory=list)  # actuals changed since it


def is_tag(root: Path, target: str) -> bool:
    """A target names a tag when it is not a cycle folder and git knows the tag."""
    from ..workspace import list_cycles

    if target in list_cycles(root):
        return False
    if target.startswith(("sop/", "refs/tags/")):
        return True
    try:
        return vcs.resolve_commit(root, f"refs/tags/{target}") is not None
    except GitError:  # not a git repository: the target can only be a cycle
        return False


def _digest(ws: Workspace, reconcile: dict[str, bytes]) -> str:
    """The plan digest of governance/records.py `plan_digest`, from bytes in memory."""
    from ..governance.records import files_digest
    from ..results import content_digest, input_digests

    files = dict(input_digests(ws))
    for name, data in reconcile.items():
        files[f"cycles/{ws.cycle_id}/outputs/{name}"] = content_digest(data)
    return files_digest(files)


def _no_plan(run: object, what: str) -> PlanUnavailable:
    from ..plan import ReconcileRun

    assert isinstance(run, ReconcileRun)
    if not run.report.ok or run.result is None:
        return PlanUnavailable(
            f"{what} has invalid inputs: no plan to show",
            run.report,
            hint="fix the findings above (sopctl validate)",
        )
    res = run.result
    lines = [f"{what} has {no_plan(res.status)}"]
    lines += [f"conflicting constraint: {c}" for c in res.diagnosis]
    return PlanUnavailable("; ".join(lines), run.report, hint="; ".join(res.hints) or None)


def _plan(
    root: Path, cycle: str, integer: bool, what: str, remade: ReconcileRun | None = None
) -> tuple[PlanSource, bool]:
    """Validate and get the result files (reused when current, else solved in memory, or taken
    from `remade`: the dry-run reconcile `sopctl verify` made of the same tagged tree)."""
    from ..demand import METHODS, PLAN, demand_files, demand_is_current, previous_plan
    from ..plan import MANIFEST, run_reconcile
    from ..results import is_current, read_manifest
    from ..validate import load_workspace

    ws, report = load_workspace(root, cycle, cwd=root)
    if not report.ok:
        raise PlanUnavailable(
            f"{what} has invalid inputs: no plan to show",
            report,
            hint="fix the findings above (sopctl validate)",
        )
    out = ws.cycle_dir / "outputs"
    files: dict[str, bytes] = {}
    run: ReconcileRun | None = None
    if is_current(ws, out, MANIFEST):
        names = sorted((read_manifest(out / MANIFEST) or {}).get("outputs", {}))
        files = {n: (out / n).read_bytes() for n in names}
        origin = "outputs"
    else:
        if remade is None or not remade.ok:
            remade = run_reconcile(root, cycle, dry_run=True, integer=integer)
        run = remade
        if not run.ok:
            raise _no_plan(run, what)
        files = dict(run.files)
        report.extend(f for f in run.report if f not in report.findings)
        origin = "solved"
    names = sorted(files)
    if demand_is_current(ws):
        for n in (PLAN, "demand_sources.csv", "pipeline_coverage.csv", METHODS):
            if (out / n).is_file():
                files[n] = (out / n).read_bytes()
    else:
        result = run.demand_result if run is not None else None  # built with the plan
        if result is None:
            from ..signal import build_demand

            result = build_demand(ws, previous_plan(ws)[1])
        files.update(demand_files(ws, result))
    reconcile = {n: files[n] for n in names}
    src = PlanSource(ws, files, names, _digest(ws, reconcile), origin, report)
    return src, origin == "outputs"


def _scorecard(src: PlanSource, root: Path, cycle: str) -> None:
    """The working tree's learn/<cycle>/scorecard.csv and the tag it scores (its tag.json)."""
    from ..learn import provenance

    card = root / SCORECARD.format(cycle=cycle)
    if card.is_file():
        src.scorecard, src.scorecard_found = card.read_bytes(), True
        src.scorecard_for = provenance.read(card.parent).get("tag", "")
        src.scorecard_changed = provenance.changed_actuals(root, card.parent)


def working_tree(root: Path, cycle: str) -> PlanSource:
    src, _ = _plan(root, cycle, False, f"cycle {cycle}")
    _scorecard(src, root, cycle)
    return src


def inputs_only(root: Path, cycle: str) -> PlanSource:
    """The cycle as loaded, without a plan: enough to export its input tables."""
    from ..validate import load_workspace

    ws, report = load_workspace(root, cycle, cwd=root)
    if ws.charter is None or ws.cycle is None:
        raise PlanUnavailable(
            f"cycle {cycle}: the charter or cycle.yaml is invalid, so the input tables are "
            "not known",
            Report(report.errors),
            hint="fix the findings above (sopctl validate)",
        )
    return PlanSource(ws, {}, [], "", "inputs", report)


def _scores(root: Path, cycle: str, plan_digest: str) -> bool:
    """Whether the working tree's scorecard of `cycle` was computed for this plan digest."""
    from ..learn import provenance

    folder = (root / SCORECARD.format(cycle=cycle)).parent
    return provenance.read(folder).get("plan_digest") == plan_digest


@contextmanager
def tagged(root: Path, tag: str) -> Iterator[PlanSource]:
    """The plan of a tag that verifies; PlanUnavailable (exit 1) when it does not."""
    from ..governance.log import committed_state, skipped_note
    from ..governance.tag_record import TAG_RE
    from ..governance.verify import verify
    from ..plandiff.sides import materialised

    rep = verify(root, tag)
    name = rep.tag
    if not rep.ok or rep.record is None:
        report = Report()
        problems = list(rep.problems)
        if rep.signature.get("ok") is False:
            problems.append(f"the tag's signature does not verify: {rep.signature.get('detail')}")
        for p in problems or [f"verdict {rep.verdict}"]:
            report.add(finding(name, 0, 0, "SOP960", p))
        raise PlanUnavailable(
            f"tag {name} does not verify: the digests recorded in its commit record do not "
            "match the tagged files; its plan is not used",
            report,
            hint=f"run 'sopctl verify {name}' for the details",
        )
    record = rep.record
    info = vcs.read_tag(root, name)
    offset = info.offset if len(info.offset) == 5 else "+0000"
    tz = dt.timezone(
        (1 if offset[0] == "+" else -1)
        * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
    )
    date = dt.datetime.fromtimestamp(info.timestamp, tz).date()
    facts = TagFacts(name, rep.commit, rep.verdict, rep.notes, record.tagger, date, record)
    state = committed_state(root, record.cycle)  # a newer tag that does not verify cheaply
    facts.latest = state.entry.tag if state.entry is not None else name  # supersedes nothing
    m = TAG_RE.match(name)
    mine = int(m["n"]) if m else 0
    facts.skipped = [skipped_note(e) for e in state.unverified if e.version > mine]
    integer = record.solver.get("method") == "mip"
    with materialised(root, record.cycle, rep.commit) as (tmp, _sha):
        src, _ = _plan(tmp, record.cycle, integer, f"tag {name}", rep.remade)
        src.origin = "tag"
        src.tag = facts
        # never in the tag (learn needs the tag first): the working tree's, if it scores this
        _scorecard(src, root, record.cycle)
        if src.scorecard_for != name or not _scores(root, record.cycle, record.plan_digest):
            src.scorecard = None
        if facts.verdict == "identical":
            src.digest = record.plan_digest
        yield src
