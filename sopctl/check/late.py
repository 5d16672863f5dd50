"""Late inputs in a pull request (SOP818): a cycle input the range changes after its phase was
due on the charter calendar.

The rule is the one `sopctl status` and the commit record (`late_inputs`) read,
`governance.inputs_due.came_late`: the day of a change is the committer date of the range's
last commit that changed the file, the committer's own calendar day; it is late when that day
is a business day after the due day of the input's phase (`inputs[].due`), counted from the
start of the cycle month or week (`governance.cycle_calendar`). It is what `status` will say
once the commits are merged as they are (a squash or rebase merge commits them anew, on the day
of the merge). Any declared input present in the checked tree can be late, optional ones too,
as in `status`.

The declarations (owner, phase) and the calendar are the charter's that judges the range (the
one at the base, `authority.py`), as every owner `check` names; an input only the checked
charter declares is judged by its declaration there. A warning, never a failure: the charter
has no rule that makes a late input a reason to refuse, so it is a fact for the reviewers and
approvers to see, and `sopctl tag` records it. Nothing here reads the clock: the finding is the
same whenever `check` runs.
"""

from __future__ import annotations

from pathlib import Path

from .. import vcs
from ..findings import Finding
from ..findings import finding as make
from ..governance.cycle_calendar import CalendarState, calendar_state, cycle_start
from ..governance.inputs_due import LateInput, came_late
from ..schemas.charter import Charter
from .model import RowEdit

NO_CALENDAR = "the cycle's month or week cannot be told from its id or first_period: nothing is due"


def last_input_commits(
    prefix: str, cycle: str, files: set[str], commits: list[vcs.CommitChange]
) -> dict[str, str]:
    """file (inside the cycle's inputs/ folder) -> the range's last commit that changed it,
    for each of `files` the range changed (`commits` oldest first)."""
    folder = f"{prefix}cycles/{cycle}/inputs/"
    last: dict[str, str] = {}
    for c in commits:
        for p in c.paths:
            if p.startswith(folder) and p[len(folder) :] in files:
                last[p[len(folder) :]] = c.sha
    return last


def commit_dates(root: Path, prefix: str, cycle: str, last: dict[str, str]) -> dict[str, str]:
    """file -> the committer date (`%cI`) of its commit in `last`: one `git log` of that
    commit alone (`sha^!`) per distinct commit."""
    folder = f"{prefix}cycles/{cycle}/inputs/"
    out: dict[str, str] = {}
    for sha in dict.fromkeys(last.values()):
        files = [f for f, s in last.items() if s == sha]
        found = vcs.last_changes(root, [folder + f for f in files], rev=f"{sha}^!")
        for f in files:
            got, iso = found.get(folder + f, ("", ""))
            if got == sha:
                out[f] = iso
    return out


def late_findings(
    cycle: str,
    cal: CalendarState,
    judge: Charter,
    checked: Charter,
    last: dict[str, str],
    dates: dict[str, str],
    rows: list[RowEdit],
) -> list[Finding]:
    """SOP818 for each input whose last change in the range (`last`: file -> commit, `dates`:
    file -> its committer date) came after its phase was due (pure)."""
    decls = {d.file: d for d in checked.inputs} | {d.file: d for d in judge.inputs}
    members = {r.id: tuple(r.members) for r in checked.roles}
    members |= {r.id: tuple(r.members) for r in judge.roles}
    approvers = ", ".join(judge.approvals.required_roles)
    out = []
    for file in sorted(last):
        d, sha = decls[file], last[file]
        late = came_late(cal, d, members.get(d.owner, ()), sha, dates.get(file, ""))
        if late is None:
            continue
        lines = [r.line for r in rows if r.file == file and r.commit == sha and r.line > 0]
        path = f"cycles/{cycle}/inputs/{file}"
        out.append(make(path, min(lines, default=0), 0, "SOP818", _message(late, cal, approvers)))
    return out


def _message(late: LateInput, cal: CalendarState, approvers: str) -> str:
    assert late.committed is not None and late.commit is not None
    people = ", ".join(late.members) or "no members"
    return (
        f"{late.file} came late: changed in {late.commit[:7]}, committed "
        f"{late.committed.isoformat()}, after its phase {late.due} was due "
        f"({late.due_date.isoformat()}, business day {cal.due_days[late.due]} of {cal.span}); "
        f"owner {late.owner} ({people}): have {late.owner} or an approver ({approvers}) "
        "acknowledge it in the review (the next tag records it as a late input), or move the "
        "change to the next cycle"
    )


def late_changes(
    root: Path,
    prefix: str,
    cycle: str,
    first_period: str,
    judge: Charter,
    checked: Charter,
    commits: list[vcs.CommitChange],
    rows: list[RowEdit],
) -> list[Finding] | None:
    """The `late_inputs` policy of one cycle: SOP818 per declared input (present in the checked
    tree) that the range changed after its phase was due; None when the cycle has no calendar
    (its start cannot be told, NO_CALENDAR)."""
    start = cycle_start(cycle, first_period, judge.cadence.bucket)
    if start is None:
        return None
    cal = calendar_state(judge, start, start)  # only the start and the due days are read
    declared = {d.file for d in checked.inputs} | {d.file for d in judge.inputs}
    present = {f for f in declared if (root / "cycles" / cycle / "inputs" / f).is_file()}
    last = last_input_commits(prefix, cycle, present, commits)
    if not last:
        return []
    dates = commit_dates(root, prefix, cycle, last)
    return late_findings(cycle, cal, judge, checked, last, dates, rows)
