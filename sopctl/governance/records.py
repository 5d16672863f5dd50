"""Reading approvals.yaml and actions.yaml, the plan digest they are bound to, and quorum.

The plan digest is the SHA-256 of the digests of every input file (charter, cycle.yaml, declared
inputs) and every result file of the reconcile step. approvals.yaml and actions.yaml are not
part of it: recording an approval does not change the plan it approves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from ..findings import Finding
from ..results import input_digests, manifest_outputs, read_manifest, sha256
from ..schemas.records import Action, ActionsFile, Approval, ApprovalsFile
from ..workspace import load_model
from ..yamlio import YamlDoc

if TYPE_CHECKING:
    from ..schemas.charter import Charter
    from ..validate import Workspace

APPROVALS = "approvals.yaml"
ACTIONS = "actions.yaml"
RECONCILE_MANIFEST = "reconcile_manifest.json"
M = TypeVar("M", bound=BaseModel)


def _optional(ws: Workspace, name: str, model: type[M], empty: M) -> tuple[M, list[Finding]]:
    path = ws.cycle_dir / name
    if not path.exists() and not path.is_symlink():
        return empty, []
    doc, _, findings = load_record(ws.root, path, model)
    return (doc if doc is not None else empty), findings


def load_record(
    root: Path, path: Path, model: type[M]
) -> tuple[M | None, YamlDoc | None, list[Finding]]:
    """approvals.yaml or actions.yaml: a file emptied by hand records nothing, like one of '---'."""
    doc, ydoc, findings = load_model(root, path, model)
    if [f.code for f in findings] == ["SOP005"]:
        return None, None, []
    return doc, ydoc, findings


def load_approvals(ws: Workspace) -> tuple[ApprovalsFile, list[Finding]]:
    return _optional(ws, APPROVALS, ApprovalsFile, ApprovalsFile())


def load_actions(ws: Workspace) -> tuple[ActionsFile, list[Finding]]:
    return _optional(ws, ACTIONS, ActionsFile, ActionsFile())


def output_digests(ws: Workspace) -> dict[str, str]:
    """Current SHA-256 of every result file the reconcile manifest lists (missing ones: '')."""
    out = ws.cycle_dir / "outputs"
    doc = read_manifest(out / RECONCILE_MANIFEST) or {}
    names = sorted(manifest_outputs(doc))
    return {
        (out / n).relative_to(ws.root).as_posix(): sha256(out / n) if (out / n).is_file() else ""
        for n in names
    }


def plan_files(ws: Workspace) -> dict[str, str]:
    """Every file of the plan with its SHA-256: inputs, then reconcile results."""
    return {**input_digests(ws), **output_digests(ws)}


def plan_digest(ws: Workspace) -> str:
    return files_digest(plan_files(ws))


def files_digest(files: dict[str, str]) -> str:
    """The plan digest of files by path and SHA-256 (a commit record's `files` gives its own)."""
    text = json.dumps(files, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApprovalState:
    approval: Approval
    stale: bool  # the plan changed after it was given
    valid_role: bool  # the person is a member of the role and the role may sign off
    superseded: bool = False  # stale, and the same person approved the current plan as the role


def role_problem(ch: Charter, a: Approval) -> tuple[str, str]:
    """Why an approval cannot count, and the key that says so ('', '' when it can): its role
    is no charter role or may not sign off the plan, or the person is not a member of it."""
    members = {r.id: set(r.members) for r in ch.roles}
    signers = ch.decision_rights.sign_off_plan
    if a.role not in members:
        return f"'{a.role}' is not a charter role ({', '.join(sorted(signers))} sign off)", "role"
    if a.role not in signers:
        return f"{a.role} may not sign off the plan (decision_rights.sign_off_plan)", "role"
    if a.person not in members[a.role]:
        return f"{a.person} is not a member of {a.role}", "person"
    return "", ""


def approval_states(ws: Workspace, approvals: ApprovalsFile, digest: str) -> list[ApprovalState]:
    """Each approval: stale or current, valid or not, and whether a stale one is superseded
    by an approval of the current plan by the same person as the same role."""
    assert ws.charter is not None
    ch = ws.charter
    renewed = {(a.role, a.person) for a in approvals.approvals if a.plan_digest == digest}
    return [
        ApprovalState(
            a,
            stale=a.plan_digest != digest,
            valid_role=not role_problem(ch, a)[0],
            superseded=a.plan_digest != digest and (a.role, a.person) in renewed,
        )
        for a in approvals.approvals
    ]


@dataclass(frozen=True)
class Quorum:
    """The quorum counts people, not sign-offs: one person's approvals for several required
    roles count once (both roles show as signed). `counted` is the number of required roles
    that distinct people can answer for, one role each."""

    needed: int
    roles: tuple[str, ...]  # required roles with a current, valid approval
    missing: tuple[str, ...]  # required roles without one
    people: tuple[str, ...] = ()  # the distinct people who gave those approvals
    counted: int = 0  # sign-offs that count: by distinct people, one role each

    @property
    def met(self) -> bool:
        return self.counted >= self.needed

    @property
    def shared(self) -> bool:
        """Some person's sign-offs for several required roles counted once."""
        return self.counted < len(self.roles)

    def people_text(self) -> str:
        """'2 sign-offs but 1 person (sam@acme.example)': why fewer count than were given."""
        n, k = len(self.roles), len(self.people)
        signs = f"{n} sign-off{'' if n == 1 else 's'}"
        if k < n:
            return f"{signs} but {k} {'person' if k == 1 else 'people'} ({', '.join(self.people)})"
        return f"{signs} by {k} people count as {self.counted} (one person, one role)"

    def shortfall(self) -> str:
        """Why the quorum is not met, in people when that is what is short."""
        if self.shared:
            return f"{self.people_text()}; {self.needed} people needed"
        return f"{len(self.roles)} of {self.needed} required sign-offs"


def count_quorum(required: list[str], needed: int, signed: Iterable[tuple[str, str]]) -> Quorum:
    """THE quorum rule, for every command that judges it (tag, status, approve, report):
    `signed` holds (role, person) of each approval that counts (current and valid, or the
    approvals of a commit record). A required role counts when someone signed it, and each
    person counts for one role only (a largest matching of people to the roles they signed)."""
    required = list(dict.fromkeys(required))
    by_role: dict[str, set[str]] = {r: set() for r in required}
    for role, person in signed:
        if role in by_role:
            by_role[role].add(person.strip().lower())
    holder: dict[str, str] = {}  # person -> the role they count for

    def place(role: str, seen: set[str]) -> bool:
        for person in sorted(by_role[role] - seen):
            seen.add(person)
            if person not in holder or place(holder[person], seen):
                holder[person] = role
                return True
        return False

    counted = sum(place(r, set()) for r in required if by_role[r])
    return Quorum(
        needed=needed,
        roles=tuple(r for r in required if by_role[r]),
        missing=tuple(r for r in required if not by_role[r]),
        people=tuple(sorted({p for ps in by_role.values() for p in ps})),
        counted=counted,
    )


def quorum(ws: Workspace, states: list[ApprovalState]) -> Quorum:
    """The quorum of the charter's required roles by current, valid approvals (count_quorum)."""
    assert ws.charter is not None
    return count_quorum(
        ws.charter.approvals.required_roles,
        ws.charter.approvals.quorum,
        ((s.approval.role, s.approval.person) for s in states if not s.stale and s.valid_role),
    )


def owner_known(ws: Workspace, action: Action) -> bool:
    assert ws.charter is not None
    owner = action.owner.strip()
    return owner in ws.charter.role_ids() or owner.lower() in ws.charter.members_of(
        [r.id for r in ws.charter.roles]
    )


def outputs_dir(ws: Workspace) -> Path:
    return ws.cycle_dir / "outputs"
