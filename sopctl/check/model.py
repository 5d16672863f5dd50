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

    def key_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.key.items())


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
class ScenarioEdit:
    """One scenario file (`cycles/<id>/scenarios/<name>.yaml`) added, changed or removed by
    one commit, with the role that owned it before the commit (after it, for a new file)."""

    path: str  # shown path
    scenario: str  # the file name without .yaml
    kind: str  # added | changed | removed
    owner: str  # the owner role, as the file names it
    line: int  # of the first changed key in the checked version; 0 when the file is gone
    col: int
    commit: str
    author: str


@dataclass
class CycleChanges:
    """Everything one cycle saw between the base and HEAD."""

    cycle: str
    rows: list[RowEdit] = field(default_factory=list)
    yaml: list[YamlEdit] = field(default_factory=list)
    scenarios: list[ScenarioEdit] = field(default_factory=list)
    commits: int = 0
    notes: list[str] = field(default_factory=list)
