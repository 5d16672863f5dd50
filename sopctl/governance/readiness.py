"""Whether `sopctl tag` would commit the cycle now, by the rules `tag` itself applies.

`status` (and the report's status sentence) must never call a plan approved, or advise
`sopctl tag`, when tag would refuse. So they ask this module, which runs tag's own checks
(tag_checks.py) on what is already on disk, without solving the plan:

- the clone is not shallow (`shallow_reasons`: tag stops there, exit 2);
- the working tree is clean (`dirty_reasons`; skipped outside a git repository);
- the inputs validate (the report's errors);
- the plan is reconciled here and current (outputs/reconcile_manifest.json matches);
- the charter's metrics of severity `error` hold for summary.json (`summary_metric_reasons`);
- approvals: none stale (unless superseded) or invalid, and the quorum is met
  (`approval_reasons`, the function tag calls);
- every escalated exception of exceptions.csv is answered by an action (`unanswered_reasons`);
- HEAD carries no tag of the cycle yet (`already_tagged_reasons`).

What only a fresh solve can tell (outputs that differ from what reconcile would give now, an
infeasible plan) is left to `sopctl tag`; the manifest check catches the usual cause of that
(an input edited since the last reconcile).
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import vcs
from ..errors import SopctlError
from ..workspace import command
from . import tag_checks as checks
from .records import load_actions, outputs_dir

if TYPE_CHECKING:
    from ..findings import Report
    from ..validate import Workspace


@dataclass(frozen=True)
class Readiness:
    """What stops `sopctl tag`, each reason as tag words it and in tag's order: `other` (tree,
    validation, plan, metrics, files git does not track, and a commit tagged already, which
    tag names last), `approvals` (stale, invalid, quorum), `escalations` (escalated
    exceptions no action answers)."""

    approvals: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        """The approvals pass tag's check: quorum met, none stale or invalid."""
        return not self.approvals

    @property
    def blockers(self) -> list[str]:
        return [*self.other, *self.approvals, *self.escalations]

    @property
    def ready(self) -> bool:
        return not self.blockers

    def to_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, "approved": self.approved, "blockers": self.blockers}


def _summary(ws: Workspace) -> dict[str, Any] | None:
    try:
        doc = json.loads((outputs_dir(ws) / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _exceptions(ws: Workspace) -> list[dict[str, str]]:
    from .status import read_exceptions

    return read_exceptions(ws)


def tag_readiness(ws: Workspace, report: Report, plan: str, digest: str) -> Readiness:
    """The reasons `sopctl tag` would give now, as far as they can be judged without a solve.
    `plan` is the plan's state here (current, stale or missing, as `status` has it) and
    `digest` the plan digest of the working tree."""
    other: list[str] = []
    dirty: list[str] = []
    try:
        other += checks.shallow_reasons(ws.root)  # tag stops there before any other check
        dirty = vcs.dirty_paths(ws.root)
        other += checks.dirty_reasons(ws.root, dirty)
    except SopctlError:  # no git repository: status says so elsewhere; tag would refuse too
        other.append("the planning repository is in no git repository; sopctl tag needs one")
        dirty = []
    if not report.ok:
        other += checks.validation_reasons(report, ws.cycle_id)
    redo = f"run '{command('reconcile', ws.cycle_id)}'"
    if plan == "missing":
        other.append(f"the plan is not reconciled here; {redo}")
        return Readiness([checks.UNCHECKED], other)
    if plan == "stale":
        # the outputs on disk are no plan's (another branch's, or edited): the digest matches
        # no approval, so none is called stale and no one is asked to approve again
        other.append(f"the plan is stale (inputs or results changed since reconcile); {redo}")
    summary = _summary(ws) if plan == "current" else None
    if summary is not None:
        other += checks.summary_metric_reasons(ws, summary)
    with suppress(SopctlError):  # no git repository (said above) or no commit yet
        other += checks.untracked_reasons(ws, checks.input_paths(ws), dirty)
        other += checks.already_tagged_reasons(ws.root, ws.cycle_id, vcs.head(ws.root))
    approvals = checks.approval_reasons(ws, digest)[0] if plan == "current" else [checks.UNCHECKED]
    escalations: list[str] = []
    if plan == "current":
        actions = load_actions(ws)[0].actions
        currency = str((summary or {}).get("currency") or "")
        escalations = checks.unanswered_reasons(_exceptions(ws), actions, currency)
    return Readiness(approvals, other, escalations)
