"""What `sopctl check` reasons about: rows and YAML keys changed by a commit and its author."""

from __future__ import annotations

from dataclasses import dataclass, field

Row = dict[str, str | None]


@dataclass(frozen=True)
class RowEdit:
    """One input row added, changed or removed by one commit."""

    table: str  # table type (charter inputs[].table)
    file: str  # the file inside the cycle's inputs/ folder
    path: str  # shown path, relative to the planning repository
    key: Row
    kind: str  # added | changed | removed
    old: Row | None
    new: Row | None
    line: int  # physical line of the row in the checked (HEAD) version; 0 when gone
    commit: str
    author: str  # author e-mail, lower-cased
    was_line: int = 0  # its line before the commit (a removed row has no line in HEAD)

    def key_text(self) -> str:
        return ", ".join(f"{k}={'(empty)' if v is None else v}" for k, v in self.key.items())

    def gone_text(self) -> str:
        """Where a removed row was, for a finding that has no line in HEAD to point at."""
        if self.line or not self.was_line:
            return ""
        return f" (was line {self.was_line})"


@dataclass(frozen=True)
class YamlEdit:
    """One key path of the charter changed by one commit."""

    path: str  # shown path of the YAML file
    key_path: str  # e.g. decision_rights.override_demand
    line: int
    col: int
    commit: str
    author: str


@dataclass(frozen=True)
class OwnedEdit:
    """Something with an owner role added, changed or removed by one commit: a scenario file
    (`cycles/<id>/scenarios/<name>.yaml`, SOP809) or an assumption of cycle.yaml (SOP810),
    with the role that owned it before the commit (after it, when it is new)."""

    code: str  # the finding code when the author is not a member of the owner role
    path: str  # shown path
    subject: str  # e.g. "scenario rush", "assumption A1"
    kind: str  # added | changed | removed
    owner: str  # the owner role, as the file names it
    line: int  # in the checked version; 0 when it is gone
    col: int
    commit: str
    author: str


@dataclass(frozen=True)
class ApprovalEdit:
    """One entry of approvals.yaml added or removed by one commit. Entries are compared by
    their content, so a changed entry is its old version removed and its new one added."""

    path: str  # shown path of approvals.yaml
    kind: str  # added | removed
    key: str  # the entry's content, normalised (check.approvals.entry_key)
    role: str
    person: str  # lower-cased; '' when the entry names none
    line: int  # in the checked version; 0 when it is gone
    was_line: int  # its line before the commit, for a removed entry
    commit: str
    author: str
    committer: str


@dataclass
class CycleChanges:
    """Everything one cycle saw between the base and HEAD."""

    cycle: str
    rows: list[RowEdit] = field(default_factory=list)
    yaml: list[YamlEdit] = field(default_factory=list)
    owned: list[OwnedEdit] = field(default_factory=list)  # scenario files, assumptions
    approvals: list[ApprovalEdit] = field(default_factory=list)  # approvals.yaml entries
    commits: int = 0
    notes: list[str] = field(default_factory=list)
