"""`sopctl status`: where a cycle stands against the charter's calendar (cycle_calendar.py: business
days, cycle month, phase), its inputs, plan, approvals, commit, actions and escalations."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..results import is_current
from ..workspace import command
from .actions import ActionView, order_actions
from .cycle_calendar import CalendarState, calendar_state, cycle_start
from .cycle_state import CycleState, from_entry
from .inputs_due import LateInput, MissingInput, late_inputs, missing_inputs
from .log import LogEntry, committed_state
from .readiness import Readiness, tag_readiness
from .records import (
    RECONCILE_MANIFEST,
    ApprovalState,
    Quorum,
    approval_states,
    load_actions,
    load_approvals,
    outputs_dir,
    plan_digest,
    quorum,
)
from .tag_checks import answers, exception_key

if TYPE_CHECKING:
    from ..findings import Report
    from ..schemas.charter import Charter, EscalationRule
    from ..schemas.records import Action
    from ..validate import Workspace

# --- escalation -----------------------------------------------------------------------------


def _float(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def rule_matches(rule: EscalationRule, row: dict[str, str]) -> bool:
    """The rule test of reconcile/exceptions.py `escalate`, on one exceptions.csv row."""
    return (
        _float(row.get("value")) >= rule.min_value
        and rule.exception in ("any", row.get("kind"))
        and (rule.segment is None or row.get("segment") == rule.segment)
        and (rule.resource is None or row.get("resource") == rule.resource)
    )


@dataclass
class Escalation:
    number: int  # 1-based position in the charter's escalation list
    rule: EscalationRule
    members: tuple[str, ...]
    rows: list[dict[str, str]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)  # keys of rows no action answers

    @property
    def value(self) -> float:
        return sum(_float(r.get("value")) for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.number,
            **self.rule.model_dump(mode="json"),
            "members": list(self.members),
            "count": len(self.rows),
            "value": round(self.value, 2),
            "unanswered": self.unanswered,
            "exceptions": [
                {k: r.get(k, "") for k in ("kind", "item", "segment", "resource", "period")}
                | {"value": _float(r.get("value"))}
                for r in self.rows
            ],
        }


def escalations(
    charter: Charter, rows: list[dict[str, str]], actions: Sequence[Action] = ()
) -> list[Escalation]:
    """Each escalation rule with the exceptions it decides (first matching rule wins), and
    the keys of those no action answers (the rule of `sopctl tag`, see tag_checks.py)."""
    members = {r.id: tuple(r.members) for r in charter.roles}
    out = [
        Escalation(i + 1, rule, members.get(rule.to, ()))
        for i, rule in enumerate(charter.escalation)
    ]
    for row in rows:
        hit = next((e for e in out if rule_matches(e.rule, row)), None)
        if hit is None:
            continue
        hit.rows.append(row)
        key = exception_key(row)
        if not any(answers(a, key) for a in actions):
            hit.unanswered.append(key)
    return out


def read_exceptions(ws: Workspace) -> list[dict[str, str]]:
    path = outputs_dir(ws) / "exceptions.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleApproval:
    role: str
    required: bool
    state: str  # approved | stale | invalid | pending | unchecked
    members: tuple[str, ...]
    shown: ApprovalState | None  # the approval that decides the state (latest of its kind)

    def to_dict(self) -> dict[str, Any]:
        a = self.shown.approval if self.shown else None
        return {
            "role": self.role,
            "required": self.required,
            "state": self.state,
            "members": list(self.members),
            "approval": a.model_dump(mode="json") if a else None,
        }


def role_approvals(
    charter: Charter, states: list[ApprovalState], checked: bool = True
) -> list[RoleApproval]:
    """Required roles first, then other roles that signed: the state and the deciding approval.

    approved: a valid approval of the current plan; stale: valid approvals, all of an earlier
    plan; invalid: only approvals by non-members or by a role without the right; pending: none;
    unchecked (when not `checked`: the plan is not reconciled here, so its digest lacks the
    results the approvals were given on): valid approvals, neither current nor stale.
    """
    required = list(dict.fromkeys(charter.approvals.required_roles))
    extra = [s.approval.role for s in states if s.approval.role not in required]
    members = {r.id: tuple(r.members) for r in charter.roles}
    out = []
    for role in [*required, *dict.fromkeys(extra)]:
        mine = [s for s in states if s.approval.role == role]
        current = [s for s in mine if s.valid_role and not s.stale]
        valid = [s for s in mine if s.valid_role]
        if valid and not checked:
            state, shown = "unchecked", valid[-1]
        elif current:
            state, shown = "approved", current[-1]
        elif valid:
            state, shown = "stale", valid[-1]
        elif mine:
            state, shown = "invalid", mine[-1]
        else:
            state, shown = "pending", None
        out.append(RoleApproval(role, role in required, state, members.get(role, ()), shown))
    return out


@dataclass
class Status:
    cycle: str
    charter: str
    cycle_status: str
    today: dt.date
    calendar: CalendarState | None
    errors: int
    warnings: int
    missing: list[MissingInput]
    plan: str  # current | stale | missing
    digest: str
    roles: list[RoleApproval]
    quorum: Quorum
    overdue: list[ActionView]
    open_actions: int
    escalations: list[Escalation] | None  # None when the plan is not current
    committed: LogEntry | None = None  # the cycle's latest tag sop/<cycle>/v<N> that is sound
    unverified: list[LogEntry] = field(default_factory=list)  # newer tags that are not
    state: CycleState | None = None  # derived from the tag and the plan (cycle_state.py)
    commit_unknown: str = ""  # why the tags could not be read (no git repository)
    notes: list[str] = field(default_factory=list)
    readiness: Readiness = field(default_factory=Readiness)  # what stops `sopctl tag` now
    demand_warnings: int | None = None  # of the current demand view's build (None: no view)
    late: list[LateInput] = field(default_factory=list)  # inputs present that came late
    currency: str = ""  # the charter's: money at stake is shown with it

    @property
    def checked(self) -> bool:
        """Whether the approvals could be judged: only when the outputs here are the current
        plan. Not reconciled here (a fresh clone), the digest lacks the results they were
        given on; stale (another branch's outputs left on disk, a hand-edited file), it is the
        digest of no plan."""
        return self.plan == "current"

    def to_dict(self) -> dict[str, Any]:
        q = self.quorum
        return {
            "cycle": self.cycle,
            "charter": self.charter,
            "cycle_status": self.cycle_status,
            "state": self.state.to_dict() if self.state else None,
            "today": self.today.isoformat(),
            "calendar": self.calendar.to_dict() if self.calendar else None,
            "validation": {
                "errors": self.errors,
                "warnings": self.warnings,
                "demand_warnings": self.demand_warnings,
            },
            "missing_inputs": [m.to_dict() for m in self.missing],
            "late_inputs": [m.to_dict() for m in self.late],
            "plan": {"state": self.plan, "digest": self.digest},
            "approvals": {
                "roles": [r.to_dict() for r in self.roles],
                "checked": self.checked,
                "quorum": {
                    "needed": q.needed,
                    "approved": list(q.roles),
                    "missing": list(q.missing),
                    "people": list(q.people),
                    "counted": q.counted,
                    "met": q.met,
                }
                if self.checked
                else {
                    "needed": q.needed,
                    "approved": [],
                    "missing": [],
                    "people": [],
                    "counted": None,
                    "met": None,
                },
            },
            "actions": {
                "open": self.open_actions,
                "overdue": [v.to_dict() for v in self.overdue],
            },
            "escalations": (
                None if self.escalations is None else [e.to_dict() for e in self.escalations]
            ),
            "committed": None if self.committed is None else self.committed.to_dict(),
            "unverified": [e.to_dict() for e in self.unverified],
            "commit_unknown": self.commit_unknown or None,
            "tag": self.readiness.to_dict(),
            "notes": self.notes,
        }


def cycle_status(ws: Workspace, report: Report, today: dt.date) -> Status:
    """Everything `sopctl status` shows. Needs a loaded charter and cycle (ws.charter, ws.cycle)."""
    ch, cy = ws.charter, ws.cycle
    assert ch is not None and cy is not None
    notes: list[str] = []
    start = cycle_start(ws.cycle_id, cy.first_period, ch.cadence.bucket)
    cal = calendar_state(ch, start, today) if start else None
    if cal is None and ch.cadence.bucket == "week":
        notes.append("the cycle week is unknown (cycle id is not YYYY-Www): no calendar")
    elif cal is None:
        notes.append("the cycle month is unknown (cycle id is not YYYY-MM): no calendar")
    elif today < cal.start:
        notes.append(f"the {cal.span} has not started")
    out = outputs_dir(ws)
    if not (out / RECONCILE_MANIFEST).is_file():
        plan = "missing"
    else:
        plan = "current" if is_current(ws, out, RECONCILE_MANIFEST) else "stale"
    digest = plan_digest(ws)
    approvals, fs = load_approvals(ws)
    if fs:
        why = command("validate", ws.cycle_id)
        notes.append(f"approvals.yaml is invalid ({why}): no approval is counted")
    states = approval_states(ws, approvals, digest)
    checked = plan == "current"  # without the plan's results here they cannot be judged
    actions, fs = load_actions(ws)
    if fs:
        why = command("validate", ws.cycle_id)
        notes.append(f"actions.yaml is invalid ({why}): no action is listed")
    views = order_actions(actions.actions, today, ch)
    tags = committed_state(ws.root, ws.cycle_id)
    committed = tags.entry
    esc = escalations(ch, read_exceptions(ws), actions.actions) if plan == "current" else None
    q = quorum(ws, states)
    digest_here = digest if checked else None  # outputs not current: the digest of no plan
    ready = tag_readiness(ws, report, plan, digest)
    approved = q.met and checked and ready.approved  # by tag's rule: none stale or invalid
    state = from_entry(cy.status, committed, digest_here, approved, plan == "current")
    if state.changed is None and committed is not None and inputs_changed(ws, committed.tag):
        state = replace(state, changed=True)  # an input differs from the record: changed
    return Status(
        cycle=ws.cycle_id,
        charter=cy.charter,
        cycle_status=cy.status,
        today=today,
        calendar=cal,
        errors=len(report.errors),
        warnings=len(report.warnings),
        missing=missing_inputs(ws, cal),
        plan=plan,
        digest=digest,
        roles=role_approvals(ch, states, checked=checked),
        quorum=q,
        overdue=[v for v in views if v.overdue],
        open_actions=sum(v.active for v in views),
        escalations=esc,
        committed=committed,
        unverified=tags.unverified,
        state=state,
        commit_unknown=tags.unknown,
        notes=notes,
        readiness=ready,
        demand_warnings=_demand_warnings(ws),
        late=late_inputs(ws, cal),
        currency=ch.finance.currency,
    )


def inputs_changed(ws: Workspace, tag: str) -> bool:
    """Whether an input of the plan (charter, cycle.yaml, a declared input) differs from the
    commit record of `tag`: then the plan changed since, whatever its outputs here are."""
    from .. import vcs
    from ..errors import GitError
    from ..results import input_digests
    from .tag_record import parse

    try:
        files = parse(vcs.read_tag(ws.root, tag).message).files
    except (GitError, ValueError):
        return False
    results = f"cycles/{ws.cycle_id}/outputs/"
    recorded = {p: d for p, d in files.items() if not p.startswith(results)}
    return recorded != input_digests(ws)


def _demand_warnings(ws: Workspace) -> int | None:
    """The warnings the build of the demand view reported (kept in its manifest, the ones
    `reconcile` repeats); None without a current demand view."""
    from ..demand import demand_is_current, recorded_findings

    if not demand_is_current(ws):
        return None
    return sum(f.severity == "warning" for f in recorded_findings(ws))
