"""`sopctl approve` without git or a clock: may this sign-off be recorded, and what is written.

`decide()` takes the loaded cycle, the approver's e-mail, the role, the note, the time and the
files git reports as uncommitted, and returns a Decision: record a new approval (with the new
approvals.yaml), already recorded (nothing to do), or refused with a one-line reason. The edge
(`sopctl/cli/governance_cmds.py`) asks git who the approver is and which files are dirty, writes
the file and commits it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..results import is_current
from ..schemas.records import Approval, ApprovalsFile
from ..workspace import command
from ..yamlio import dump_yaml
from .records import (
    APPROVALS,
    RECONCILE_MANIFEST,
    Quorum,
    approval_states,
    load_approvals,
    outputs_dir,
    plan_digest,
    quorum,
)
from .tag_checks import ACTUALS, actuals_among

if TYPE_CHECKING:
    from ..findings import Report
    from ..validate import Workspace

Outcome = Literal["record", "already", "refused"]
SCHEMA_REF = "../../schemas/approvals.schema.json"
MAX_DIRTY_SHOWN = 5


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    message: str  # one line: what happened, or why not
    code: str = ""  # refusal reason as data, e.g. "not_member" (see REFUSALS)
    hint: str = ""
    approval: Approval | None = None  # the new approval, or the existing one when "already"
    approvals: ApprovalsFile | None = None  # the file to write when "record"
    digest: str = ""

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "message": self.message,
            "code": self.code,
            "hint": self.hint,
            "approval": self.approval.model_dump(mode="json") if self.approval else None,
            "plan_digest": self.digest,
        }


REFUSALS = (
    "invalid",  # validation errors in the cycle
    "no_outputs",  # sopctl reconcile has not written the plan
    "stale_outputs",  # the written plan is not from the current inputs
    "unknown_role",
    "no_right",  # the role does not hold sign_off_plan
    "not_member",  # the approver is not a member of the role
    "dirty",  # uncommitted changes in the working tree
)


def _refuse(code: str, message: str, hint: str = "") -> Decision:
    assert code in REFUSALS
    return Decision("refused", message, code=code, hint=hint)


def utc_stamp(now: dt.datetime) -> str:
    """ISO 8601 in UTC with a 'Z', to the second; a naive time is taken as UTC."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dirty_line(dirty: list[str]) -> str:
    shown = ", ".join(dirty[:MAX_DIRTY_SHOWN])
    more = len(dirty) - MAX_DIRTY_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def check_person(ws: Workspace, role: str, email: str) -> Decision | None:
    """A refusal when `role` may not sign off the plan or `email` is not one of its members."""
    assert ws.charter is not None
    ch = ws.charter
    roles = {r.id: r for r in ch.roles}
    if role not in roles:
        return _refuse(
            "unknown_role",
            f"'{role}' is not a role of the charter (roles: {', '.join(sorted(roles))})",
            "name one of the roles listed under decision_rights.sign_off_plan",
        )
    signers = ch.decision_rights.sign_off_plan
    if role not in signers:
        return _refuse(
            "no_right",
            f"role {role} does not hold the sign_off_plan right "
            f"(held by: {', '.join(signers) or 'nobody'})",
            "the charter's decision_rights.sign_off_plan lists who may sign off",
        )
    members = [m.lower() for m in roles[role].members]
    if email.lower() not in members:
        return _refuse(
            "not_member",
            f"{email} is not a member of role {role} (members: {', '.join(members) or 'none'})",
            "approve with the git identity of a member (git config user.email), "
            "or add the person to the role in the charter",
        )
    return None


def check_plan(ws: Workspace) -> Decision | None:
    """A refusal when the reconcile outputs are missing or were not made from these inputs."""
    out = outputs_dir(ws)
    if not (out / RECONCILE_MANIFEST).is_file():
        return _refuse(
            "no_outputs",
            f"cycle {ws.cycle_id} has no reconciled plan to approve; "
            f"run {command('reconcile', ws.cycle_id)} first",
        )
    if not is_current(ws, out, RECONCILE_MANIFEST):
        return _refuse(
            "stale_outputs",
            f"the reconciled plan of cycle {ws.cycle_id} is not current (its inputs or results "
            f"changed since it was made); run {command('reconcile', ws.cycle_id)} first",
        )
    return None


def decide(
    ws: Workspace,
    report: Report,
    *,
    role: str,
    email: str,
    note: str,
    now: dt.datetime,
    dirty: list[str],
) -> Decision:
    """Whether `email` may sign off the current plan as `role`, and the approvals file to write.

    Checks, in order: validation, role and membership, the plan is reconciled and current,
    the working tree is clean, and the same person has not already approved this plan as `role`.
    """
    role, email, note = role.strip(), email.strip().lower(), note.strip()
    if not report.ok or ws.charter is None or ws.cycle is None:
        return _refuse(
            "invalid",
            f"cycle {ws.cycle_id} has {len(report.errors)} validation error(s); "
            "fix them before approving",
            f"{command('validate', ws.cycle_id)} lists them",
        )
    refusal = check_person(ws, role, email) or check_plan(ws)
    if refusal is not None:
        return refusal
    if dirty:
        outputs = any("/outputs/" in f"/{p}" for p in dirty)
        hint = (
            "add cycles/*/outputs/ to .gitignore (or commit the outputs), then approve again"
            if outputs
            else "commit (then reconcile) or stash these changes, and approve again"
        )
        if actuals_among(dirty):
            hint += f"; commit {ACTUALS}"
        return _refuse(
            "dirty",
            f"uncommitted changes in {_dirty_line(dirty)}; an approval binds to committed numbers",
            hint,
        )
    digest = plan_digest(ws)
    current, _ = load_approvals(ws)
    for a in current.approvals:
        if a.role == role and a.person == email and a.plan_digest == digest:
            return Decision(
                "already",
                f"{email} already approved this plan as {role} at {a.time} "
                f"(digest {digest[:12]}); nothing to record",
                approval=a,
                digest=digest,
            )
    approval = Approval(role=role, person=email, time=utc_stamp(now), plan_digest=digest, note=note)
    new = ApprovalsFile(version=current.version, approvals=[*current.approvals, approval])
    return Decision(
        "record",
        f"{email} approves plan {digest[:12]} of cycle {ws.cycle_id} as {role}",
        approval=approval,
        approvals=new,
        digest=digest,
    )


def approvals_yaml(ws: Workspace, doc: ApprovalsFile) -> str:
    """The text of approvals.yaml: version first, one mapping per approval, empty notes left out.

    The editor schema line is added when the repository has `schemas/approvals.schema.json`.
    """
    rows = []
    for a in doc.approvals:
        row: dict[str, Any] = {
            "role": a.role,
            "person": a.person,
            "time": a.time,
            "plan_digest": a.plan_digest,
        }
        if a.note:
            row["note"] = a.note
        rows.append(row)
    has_schema = (ws.root / "schemas" / SCHEMA_REF.rsplit("/", 1)[-1]).is_file()
    return dump_yaml(
        {"version": doc.version, "approvals": rows}, SCHEMA_REF if has_schema else None
    )


def commit_message(ws: Workspace, decision: Decision) -> str:
    a = decision.approval
    assert a is not None
    body = f"person: {a.person}\nplan_digest: {a.plan_digest}\n"
    if a.note:
        body += f"note: {a.note}\n"
    return f"sop({ws.cycle_id}): approve as {a.role}\n\n{body}"


def quorum_with(ws: Workspace, doc: ApprovalsFile, digest: str) -> Quorum:
    """The quorum the plan `digest` reaches with the approvals in `doc`."""
    return quorum(ws, approval_states(ws, doc, digest))


def uncounted_note(ws: Workspace, role: str, q: Quorum) -> str:
    """For a quorum not met after a sign-off by a role that holds sign_off_plan but is no
    required role: that it does not count toward the quorum, and which roles do; else ''."""
    assert ws.charter is not None
    required = ws.charter.approvals.required_roles
    if q.met or role in required:
        return ""
    return (
        f"role {role} may sign off, but its sign-off does not count toward the quorum: only "
        f"the required roles do ({', '.join(required)}; approvals.required_roles in the charter)"
    )


__all__ = [
    "APPROVALS",
    "REFUSALS",
    "Decision",
    "approvals_yaml",
    "commit_message",
    "decide",
    "quorum_with",
    "uncounted_note",
    "utc_stamp",
]
