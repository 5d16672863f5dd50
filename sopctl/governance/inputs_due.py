"""The cycle's declared inputs against the charter calendar: which are missing, and which came
late — whose last change was committed on a business day after the day its phase was due.

A late input leaves no trace in the files once it is committed, so its lateness is read from
git: the committer date of the last commit on HEAD's history that changed the file (the date
it was committed, in the committer's own time zone; a rebase makes a new commit, with a new
date). An input with uncommitted edits, or not committed at all, is not in yet: it is late once
its phase is late today. In a shallow clone the commit at the cut carries every file, so a
date found there is no one's and is not used.

`status` lists them; `sopctl tag` records the late ones in the commit record (`late_inputs`) and
does not refuse: the charter has no rule that makes a late input a reason not to commit, and
the record is where the fact belongs. `sopctl check` warns (SOP818) on the pull request that
changes an input late, by the same rule (`came_late`, on the range's last commit of the file).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .. import vcs
from ..errors import SopctlError
from ..files import unusable
from .cycle_calendar import CalendarState, business_day

if TYPE_CHECKING:
    from ..schemas.charter import InputDecl
    from ..validate import Workspace


@dataclass(frozen=True)
class MissingInput:
    file: str
    table: str
    owner: str
    members: tuple[str, ...]
    due: str
    due_date: dt.date | None  # None without a calendar
    required: bool
    late: bool
    problem: str | None = None  # present yet unusable: 'a FIFO (named pipe)', 'a folder'...

    def to_dict(self) -> dict[str, Any]:
        due = self.due_date.isoformat() if self.due_date else None
        return {**asdict(self), "members": list(self.members), "due_date": due}


@dataclass(frozen=True)
class LateInput:
    """A required input that came (or is still coming) after its phase was due."""

    file: str
    table: str
    owner: str
    members: tuple[str, ...]
    due: str  # the phase
    due_date: dt.date
    committed: dt.date | None  # the committer date of its last change; None: not committed yet
    commit: str | None  # that commit

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "members": list(self.members),
            "due_date": self.due_date.isoformat(),
            "committed": self.committed.isoformat() if self.committed else None,
        }

    def fact(self) -> dict[str, str]:
        """The commit record's entry (a committed late input only)."""
        return {
            "file": self.file,
            "owner": self.owner,
            "due": self.due,
            "due_date": self.due_date.isoformat(),
            "committed": self.committed.isoformat() if self.committed else "",
            "commit": self.commit or "",
        }


def missing_inputs(ws: Workspace, cal: CalendarState | None) -> list[MissingInput]:
    assert ws.charter is not None
    members = {r.id: tuple(r.members) for r in ws.charter.roles}
    out = []
    for d in ws.charter.inputs:
        path = ws.cycle_dir / "inputs" / d.file
        if path.is_file():
            continue
        problem = unusable(path)
        due_date = cal.due_dates[d.due] if cal else None
        late = bool(cal and d.required and cal.late(d.due))
        out.append(
            MissingInput(
                d.file,
                d.table,
                d.owner,
                members.get(d.owner, ()),
                d.due,
                due_date,
                d.required,
                late,
                problem,
            )
        )
    return out


def commit_day(iso: str) -> dt.date | None:
    """The calendar day of a committer date (git's `%cI`), in the committer's own time zone;
    None when it cannot be read."""
    try:
        return dt.datetime.fromisoformat(iso).date()
    except ValueError:
        return None


def came_late(
    cal: CalendarState, decl: InputDecl, members: tuple[str, ...], sha: str, iso: str
) -> LateInput | None:
    """The input `decl` as a late input when its change in commit `sha`, committed at `iso`
    (git's `%cI`), came on a business day after its phase's due day — the committer's own
    calendar day (`commit_day`), counted by `business_day` from the cycle's start; None when it
    came by then or the date cannot be read. An optional input counts as a required one: it
    need not come, but when it does (an override, the classic late and inflated input) its
    phase is due all the same. The one rule of a committed late input, for `late_inputs`
    (status, the commit record) and `sopctl check`."""
    when = commit_day(iso)
    if when is None:
        return None
    if business_day(cal.start, when) <= cal.due_days[decl.due]:
        return None
    due_date = cal.due_dates[decl.due]
    return LateInput(decl.file, decl.table, decl.owner, members, decl.due, due_date, when, sha)


def late_inputs(
    ws: Workspace, cal: CalendarState | None, committed_only: bool = False
) -> list[LateInput]:
    """The inputs present (required or optional) whose last change was committed on a
    business day after their phase's due day, and (unless `committed_only`) those with changes
    git does not have yet, both once their phase is late on the calendar's day (`status
    --today` of an earlier day sees no input come late yet). `committed_only` (the commit
    record): the committed ones, by their dates alone. Empty without a calendar or outside git.
    """
    if cal is None or ws.charter is None:
        return []
    present = [d for d in ws.charter.inputs if (ws.cycle_dir / "inputs" / d.file).is_file()]
    if not present:
        return []
    try:
        top = vcs.repo_top(ws.root).resolve()
        rel = {
            d.file: (ws.cycle_dir / "inputs" / d.file).resolve().relative_to(top).as_posix()
            for d in present
        }
        pending = vcs.uncommitted(ws.root, [ws.cycle_dir / "inputs" / d.file for d in present])
        changes = vcs.last_changes(ws.root, list(rel.values()))
        cut = vcs.shallow_commits(ws.root)
    except (SopctlError, ValueError):  # no git repository, no commit yet, a link out of it
        return []
    members = {r.id: tuple(r.members) for r in ws.charter.roles}
    out = []
    for d in present:
        if not committed_only and not cal.late(d.due):  # as of today none came late yet
            continue
        owner = members.get(d.owner, ())
        if ws.cycle_dir / "inputs" / d.file in pending:  # not in yet
            if not committed_only:
                due = cal.due_dates[d.due]
                out.append(LateInput(d.file, d.table, d.owner, owner, d.due, due, None, None))
            continue
        sha, iso = changes.get(rel[d.file], ("", ""))
        if not sha or sha in cut:
            continue
        if (late := came_late(cal, d, owner, sha, iso)) is not None:
            out.append(late)
    return out
