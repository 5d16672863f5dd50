"""`run_check`: the touched cycles, each checked by every policy (git and solving at the edge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import vcs
from ..errors import UserError
from ..findings import Finding, Report
from ..findings import finding as make
from ..periods import horizon, to_ordinal
from ..results import no_plan
from ..workspace import command, later_cycles
from .approvals import approval_rights, entry_key, unattested
from .authority import (
    added_charters,
    charter_at,
    cycle_authority,
    unknown_charter,
    unused_charter_edits,
)
from .base import resolve_base
from .codes import POLICIES
from .focus import focus_warnings
from .history import cycle_changes, deleted_cycles, repo_prefix, touched_cycles
from .late import NO_CALENDAR, late_changes
from .metrics import metric_findings
from .metrics import metric_marks as _metric_marks
from .policies import (
    approval_round,
    charter_rights,
    decision_rights,
    deleted_rights,
    frozen_window,
    output_drift,
    owner_rights,
)
from .row_owners import override_owners

if TYPE_CHECKING:
    from ..schemas.charter import Charter
    from ..validate import Workspace
    from .model import YamlEdit

SKIP_OUTPUTS = ("reconcile_manifest.json", "demand_manifest.json")


@dataclass
class CycleResult:
    cycle: str
    policies: dict[str, list[Finding]] = field(default_factory=dict)  # policy id -> findings
    skipped: dict[str, str] = field(default_factory=dict)  # policy id -> why not run
    tag: str | None = None
    tags_skipped: list[str] = field(default_factory=list)  # newer tags not counted, and why
    changed_rows: int = 0
    checked_files: list[str] = field(default_factory=list)


@dataclass
class RepoResult:
    """The repository-level policies (REPO_POLICIES), about no one cycle."""

    policies: dict[str, list[Finding]] = field(default_factory=dict)  # policy id -> findings
    skipped: dict[str, str] = field(default_factory=dict)  # policy id -> why not run


@dataclass
class CheckResult:
    base: str | None
    base_label: str
    head: str
    cycles: list[CycleResult] = field(default_factory=list)
    repository: RepoResult | None = None  # None: the range touched nothing they read
    base_note: str | None = None  # the base was a fallback (HEAD~1): what was checked, and why

    @property
    def report(self) -> Report:
        r = Report()
        for c in self.cycles:
            r.checked_files += c.checked_files
            for fs in c.policies.values():
                r.extend(fs)
        for fs in self.repository.policies.values() if self.repository else []:
            r.extend(fs)
        return r


def last_tag(root: Path, cycle: str) -> tuple[str | None, list[str]]:
    """The cycle's latest tag that passes the cheap checks, as status, learn and diff take it
    (`log.committed_state`): a hand-made, altered or moved tag with a higher number neither
    closes the approval round nor moves what the cycle's files are compared with. Also a note
    per newer tag passed over, so the reader learns why it does not count."""
    from ..governance.log import committed_state

    state = committed_state(root, cycle)
    return (state.entry.tag if state.entry is not None else None), state.skipped()


def run_check(root: Path, base: str | None = None) -> CheckResult:
    """Check every cycle touched between `base` (see base.resolve_base) and HEAD."""
    found = resolve_base(root, base)
    sha = found.sha
    head = vcs.head(root)
    prefix = repo_prefix(root)
    commits = vcs.commits_in_range(root, sha, head)
    _not_cut_off(root, sha, commits)
    result = CheckResult(sha, found.label, head, base_note=found.note)
    rights = found.rights  # the base's tip judges rights (authority.py)
    for cycle in touched_cycles(root, prefix, commits):
        result.cycles.append(check_cycle(root, prefix, cycle, commits, rights))
    for cycle, charter in deleted_cycles(root, prefix, sha, commits):
        result.cycles.append(check_deleted(root, prefix, cycle, charter, commits, rights))
    merges = vcs.merges_in_range(root, sha, head)
    result.repository = check_repository(root, prefix, commits, merges, rights)
    return result


def check_repository(
    root: Path,
    prefix: str,
    commits: list[vcs.CommitChange],
    merges: list[vcs.MergeChange] | None = None,
    base: str | None = None,
) -> RepoResult | None:
    """The repository-level policies: charters, when the range writes a charter the base does
    not have (SOP815) or changes one no cycle runs under (SOP808, by it at the base);
    codeowners, when the range touches a CODEOWNERS file (any place GitHub reads it from), a
    charter or a cycle, which the section comes from; merges, when the range has merge
    commits. None when none runs."""
    from ..codeowners import LOOKUP, stale_findings
    from .merges import merge_findings

    res = RepoResult()
    added = added_charters(root, prefix, base, commits)
    unused = unused_charter_edits(root, prefix, base, commits)
    if added is not None or unused is not None:
        res.policies["charters"] = (added or []) + (unused or [])
    if merges:
        res.policies["merges"] = merge_findings(merges, prefix)
    watched = (prefix + "charters/", prefix + "cycles/")
    if any(p in LOOKUP or p.startswith(watched) for c in commits for p in c.paths):
        found = stale_findings(root)
        if found is None and not (root / "cycles").is_dir():  # the range deleted the last cycle
            res.skipped["codeowners"] = (
                "no cycle is left (the cycles/ folder is gone), and the section is made from "
                "the cycles' charters: it is checked again once a cycle is added"
            )
        elif found is None:
            why = "the owners cannot be known: a charter or cycle does not load"
            res.skipped["codeowners"] = why
        else:
            res.policies["codeowners"] = found
    return res if res.policies or res.skipped else None


def check_deleted(
    root: Path,
    prefix: str,
    cycle: str,
    charter: str,
    commits: list[vcs.CommitChange],
    base: str | None,
) -> CycleResult:
    """A cycle the range deletes: only members of a role holding sign_off_plan in its charter
    at the base may (SOP812), as for a change to its frame; nothing else of it can be checked
    any more."""
    res = CycleResult(cycle)
    res.tag, res.tags_skipped = last_tag(root, cycle)
    path = f"cycles/{cycle}/cycle.yaml"
    ch = charter_at(root, prefix, base, charter) if base else None
    if ch is None:  # nobody's right to delete it can be judged: fail closed, never skip
        where = f" ({base[:7]})" if base else ""
        res.policies["decision_rights"] = [
            make(
                path,
                0,
                0,
                "SOP812",
                f"cycle {cycle} is deleted, but its charter {charter} cannot be read at the "
                f"base{where}, so no right to delete it can be judged: restore the cycle, or "
                "fix the charter in a pull request of its own first",
            )
        ]
        _skip(res, list(POLICIES), "the cycle was deleted")
        res.policies = {p: res.policies[p] for p in POLICIES if p in res.policies}
        return res
    res.policies["decision_rights"] = deleted_rights(
        root, ch, cycle, path, res.tag, commits, prefix
    )
    _skip(res, list(POLICIES), "the cycle was deleted")
    res.policies = {p: res.policies[p] for p in POLICIES if p in res.policies}
    return res


def _not_cut_off(root: Path, base: str | None, commits: list[vcs.CommitChange]) -> None:
    """In a shallow clone, refuse when the range reaches a commit whose parents were not
    fetched: its diff would be against nothing, and every row would look added by its author.
    A range inside the fetched history (a base that is present and reached without crossing
    the cut) is checked as usual."""
    cut = vcs.shallow_commits(root)
    if not cut or (base is not None and not any(c.sha in cut for c in commits)):
        return
    raise UserError(
        "the clone is shallow; fetch the history (actions/checkout: fetch-depth: 0)"
        + (" — the changes since the base reach past the fetched commits" if base else ""),
        hint="git fetch --unshallow, or check out with fetch-depth: 0, then run sopctl check",
    )


def _skip(res: CycleResult, ids: list[str], why: str) -> None:
    for p in ids:
        if p not in res.policies:
            res.skipped.setdefault(p, why)


def check_cycle(
    root: Path,
    prefix: str,
    cycle: str,
    commits: list[vcs.CommitChange],
    base: str | None = None,
) -> CycleResult:
    """Every policy for one cycle. The rights and the frozen window come from the cycle's
    charter at the base (`authority.py`): a pull request cannot grant itself rights."""
    from ..governance.records import approval_states, load_approvals, role_problem
    from ..plan import run_reconcile
    from ..results import content_digest, input_files, sha256

    res = CycleResult(cycle)
    run = run_reconcile(root, cycle, dry_run=True)
    res.checked_files = list(run.report.checked_files)
    res.policies["validation"] = list(run.report.findings)
    ws = run.ws
    if ws.charter is None or ws.cycle is None:
        _skip(res, list(POLICIES), "the charter or the cycle cannot be read")
        return res
    cy = ws.cycle
    charter_path = f"charters/{cy.charter}.yaml"
    changes = cycle_changes(root, prefix, cycle, ws.charter, cy.charter, commits)
    res.changed_rows = len(changes.rows)
    touched = {p[len(prefix) :] for c in commits for p in c.paths if p.startswith(prefix)}
    res.policies["validation"] = focus_warnings(res.policies["validation"], touched, changes.rows)
    auth = cycle_authority(root, prefix, base, cycle, cy.charter, ws.charter)
    if auth.charter is None:  # a charter new in the range: it grants nobody anything yet
        res.policies["decision_rights"] = [unknown_charter(root, cycle, auth)]
        res.skipped["frozen_window"] = f"charter {auth.name} is not in the base (SOP816)"
        ch = ws.charter  # judges nothing: no approval counts (states), no window
    else:
        ch = auth.charter
        res.policies["decision_rights"] = (
            decision_rights(ch, changes.rows)
            + override_owners(ch, changes.rows)
            + _charter_edits(root, prefix, base, auth.name, charter_path, ch, changes.yaml)
            + owner_rights(ch, changes.owned)
            + approval_rights(ch, changes.approvals)
        )
    late = late_changes(root, prefix, cycle, cy.first_period, ch, ws.charter, commits, changes.rows)
    if late is None:
        res.skipped["late_inputs"] = NO_CALENDAR
    else:
        res.policies["late_inputs"] = late
    res.tag, res.tags_skipped = last_tag(root, cycle)
    digest = ""
    why_not = "not run"
    if not run.report.ok:
        why_not = "validation failed"
    elif run.result is None or not run.ok:
        status = run.result.status if run.result else "not solved"
        why = "; ".join(
            [
                *(run.result.diagnosis if run.result else []),
                *(run.result.hints if run.result else []),
            ]
        )
        res.policies["reconcile"] = [
            make(
                f"cycles/{cycle}/cycle.yaml",
                0,
                0,
                "SOP807",
                no_plan(status)
                + (f" ({why})" if why else "")
                + f"; change the capacity, supply or demand the diagnosis names until "
                f"{command('reconcile', cycle)} finds a plan",
            )
        ]
        why_not = "no feasible plan"
    else:
        res.policies["reconcile"] = []
        digest = fresh_digest(ws, {f"cycles/{cycle}/outputs/{n}": d for n, d in run.files.items()})
    approvals, _ = load_approvals(ws)
    # approvals count by the roles of the charter that judges the range
    states = approval_states(ws, approvals, digest) if digest and auth.charter else []
    frozen_roles = set(ch.decision_rights.approve_frozen_change)
    forged = unattested(ch, changes.approvals)  # written in the range by someone else: no sign-off
    approved_frozen = any(
        not s.stale
        and entry_key(s.approval) not in forged
        and s.approval.role in frozen_roles
        and s.approval.person.lower() in {m.lower() for m in ch.members_of([s.approval.role])}
        for s in states
    )
    if "frozen_window" in res.skipped:  # no charter at the base to take the window from
        pass
    elif to_ordinal(cy.first_period, ch.cadence.bucket) is None:  # validation says why (SOP308)
        res.skipped["frozen_window"] = f"first_period is not a {ch.cadence.bucket} period"
    else:
        frozen = horizon(cy.first_period, ch.cadence.frozen_periods, ch.cadence.bucket)
        # what keeps a current plan, and so an approval of it, from being made
        blockers = run.report.errors or res.policies.get("reconcile", [])
        res.policies["frozen_window"] = frozen_window(
            ch, changes.rows, frozen, approved_frozen, blockers
        )
    if digest:
        fresh = {f"cycles/{cycle}/outputs/{n}": d for n, d in run.files.items()}
        committed = {}
        for p in vcs.tracked_files(root, "HEAD", f"{prefix}cycles/{cycle}/outputs"):
            shown = p[len(prefix) :]
            if shown.rsplit("/", 1)[-1] in SKIP_OUTPUTS:
                continue
            data = vcs.show_file(root, "HEAD", p)
            if data is not None:
                committed[shown] = data
        res.policies["committed_outputs"] = output_drift(committed, fresh)
        # SOP805 (a metric check cannot compute) is about the charter: said when it changed;
        # metric thresholds are the pull request's own charter's (not a right)
        res.policies["metrics"] = [
            f
            for f in metric_findings(
                ws.charter.metrics,
                run.summary,
                charter_path,
                _metric_marks(root, charter_path),
                cycle,
            )
            if f.code != "SOP805" or charter_path in touched
        ]
        changed: list[str] = []
        # the charter is shared: once a later cycle follows this one, a charter edit (itself
        # gated by sign_off_plan) does not reopen it; its own files still do
        followed = bool(res.tag and later_cycles(root, cycle, charter=cy.charter))
        if res.tag:
            for f in input_files(ws):
                rel = f.relative_to(ws.root).as_posix()
                if followed and rel == charter_path:
                    continue
                blob = vcs.show_file(root, res.tag, prefix + rel)
                if blob is None or content_digest(blob) != sha256(f):  # CRLF read as LF
                    changed.append(rel)
        approved = any(
            not s.stale
            and not role_problem(ch, s.approval)[0]
            and entry_key(s.approval) not in forged
            for s in states
        )
        res.policies["approval_round"] = approval_round(
            cycle, res.tag, changed, approved, f"cycles/{cycle}/approvals.yaml"
        )
    _skip(res, list(POLICIES), why_not)
    res.policies = {p: res.policies[p] for p in POLICIES if p in res.policies}
    return res


def _charter_edits(
    root: Path,
    prefix: str,
    base: str | None,
    judge: str,
    charter_path: str,
    ch: Charter,
    edits: list[YamlEdit],
) -> list[Finding]:
    """SOP808/SOP812 for the cycle's YAML edits: its frame by the charter that judges the cycle
    (`ch`, named `judge`); the edits to the charter it runs under now by that charter itself
    at the base, when the cycle moved there from `judge` (a signer of the old charter is no
    signer of the new one). A charter the base lacks is the `charters` policy's (SOP815)."""
    if charter_path == f"charters/{judge}.yaml":
        return charter_rights(ch, edits)
    own = [e for e in edits if e.path == charter_path]
    rest = [e for e in edits if e.path != charter_path]
    name = charter_path.removeprefix("charters/").removesuffix(".yaml")
    now = charter_at(root, prefix, base, name) if base and own else None
    return charter_rights(ch, rest) + (charter_rights(now, own) if now is not None else [])


def fresh_digest(ws: Workspace, outputs: dict[str, bytes]) -> str:
    """The plan digest (governance.records.plan_digest) of the inputs with freshly solved
    results, without writing them: what `sopctl approve` would record after a reconcile."""
    from ..governance.records import files_digest
    from ..results import content_digest, input_digests

    return files_digest({**input_digests(ws), **{p: content_digest(d) for p, d in outputs.items()}})
