"""`sopctl actions`: the cycle's actions, overdue ones first, with how late they are.

An action is overdue when its status is open or in_progress and its due date is before today.
Order: overdue actions (most overdue first), then every other action by due date; ties by id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Report
from ..schemas.records import Action
from ..workspace import display
from .records import ACTIONS, load_actions

if TYPE_CHECKING:
    from ..schemas.charter import Charter
    from ..validate import Workspace

ACTIVE = ("open", "in_progress")


@dataclass(frozen=True)
class ActionView:
    action: Action
    today: dt.date
    members: tuple[str, ...]  # the owner role's members ((), when the owner is an e-mail)

    @property
    def active(self) -> bool:
        return self.action.status in ACTIVE

    @property
    def days_left(self) -> int:
        """Days until the due date (negative when it has passed)."""
        return (self.action.due - self.today).days

    @property
    def overdue_days(self) -> int:
        """Days past the due date for an open or in-progress action, else 0."""
        return max(0, -self.days_left) if self.active else 0

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    def when(self) -> str:
        """'overdue by 3 days', 'due today', 'due in 1 day', or the status of a closed action."""
        if not self.active:
            return self.action.status
        if self.overdue:
            return f"overdue by {_days(self.overdue_days)}"
        return "due today" if self.days_left == 0 else f"due in {_days(self.days_left)}"

    def to_dict(self) -> dict[str, Any]:
        a = self.action
        return {
            "id": a.id,
            "description": a.description,
            "owner": a.owner,
            "owner_members": list(self.members),
            "due": a.due.isoformat(),
            "status": a.status,
            "answers": a.answers,
            "overdue": self.overdue,
            "overdue_days": self.overdue_days,
            "days_left": self.days_left,
        }


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def order_actions(actions: list[Action], today: dt.date, charter: Charter) -> list[ActionView]:
    """Views of `actions`: overdue first (most overdue first), then by due date, then by id."""
    members = {r.id: tuple(r.members) for r in charter.roles}
    views = [ActionView(a, today, members.get(a.owner.strip(), ())) for a in actions]
    return sorted(views, key=lambda v: (not v.overdue, v.action.due, v.action.id))


@dataclass(frozen=True)
class ActionList:
    cycle: str
    today: dt.date
    views: list[ActionView]
    findings: list[Finding]  # errors in the charter, cycle.yaml or actions.yaml
    exists: bool  # actions.yaml is present

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def overdue(self) -> list[ActionView]:
        return [v for v in self.views if v.overdue]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "today": self.today.isoformat(),
            "file": self.exists,
            "count": len(self.views),
            "open": sum(v.active for v in self.views),
            "overdue": len(self.overdue),
            "actions": [v.to_dict() for v in self.views],
        }


def own_findings(ws: Workspace, report: Report, names: tuple[str, ...]) -> list[Finding]:
    """The errors of `report` in the charter, cycle.yaml and the cycle files `names`."""
    paths = {display(ws.root, ws.cycle_dir / n) for n in ("cycle.yaml", *names)}
    if ws.cycle is not None:
        paths.add(display(ws.root, ws.root / "charters" / f"{ws.cycle.charter}.yaml"))
    return [f for f in report.errors if f.path in paths]


def list_actions(ws: Workspace, report: Report, today: dt.date) -> ActionList:
    """The cycle's actions in display order; findings when the files needed are invalid."""
    bad = own_findings(ws, report, (ACTIONS,))
    exists = (ws.cycle_dir / ACTIONS).is_file()
    if bad or ws.charter is None:
        return ActionList(ws.cycle_id, today, [], bad or report.errors, exists)
    doc, _ = load_actions(ws)
    return ActionList(ws.cycle_id, today, order_actions(doc.actions, today, ws.charter), [], exists)
