"""Commands: sopctl approve, sopctl actions and sopctl status (Commit and Execute).

Imported at the end of app.py; each command registers itself on `app`. The decisions live in
sopctl/governance/ (approve.py, actions.py, status.py); here: git, the clock, writing, views.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK, UserError
from .app import ViewFormat, app, state
from .examples import ACTIONS_EXAMPLE, APPROVE_EXAMPLES
from .options import CycleArg
from .status_view import esc, quorum_line, show_status

if TYPE_CHECKING:
    from rich.console import Console

    from ..findings import Report
    from ..governance.actions import ActionList, ActionView
    from ..validate import Workspace

FormatOpt = Annotated[ViewFormat, typer.Option("--format", "-f", help="Output format.")]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today",
        "--as-of",
        metavar="DATE",
        help="Take this date (YYYY-MM-DD) as today. Default: the local date.",
    ),
]


@app.command(epilog=APPROVE_EXAMPLES)
def approve(
    role: Annotated[
        str,
        typer.Option("--role", "-r", metavar="ROLE", help="The charter role you sign off as."),
    ],
    cycle: CycleArg = None,
    note: Annotated[
        str, typer.Option("--note", metavar="TEXT", help="A note kept with the approval.")
    ] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show the approval; write nothing.")
    ] = False,
) -> None:
    """Commit: sign off the current plan as ROLE (git user.email is the approver). Records it in
    cycles/<id>/approvals.yaml and commits that file. Exit 1 when refused; nothing is written."""
    raise typer.Exit(run_approve(state.root, cycle, role, note, dry_run))


@app.command(epilog=ACTIONS_EXAMPLE)
def actions(
    cycle: CycleArg = None,
    fmt: FormatOpt = ViewFormat.text,
    today: TodayOpt = None,
) -> None:
    """Execute: list the cycle's actions (actions.yaml), overdue ones first."""
    raise typer.Exit(run_actions(state.root, cycle, fmt.value, _date(today)))


@app.command()
def status(
    cycle: CycleArg = None,
    fmt: FormatOpt = ViewFormat.text,
    today: TodayOpt = None,
) -> None:
    """Where the cycle stands against the charter calendar: phase, missing inputs, approvals
    and quorum, overdue actions, escalations."""
    raise typer.Exit(run_status(state.root, cycle, fmt.value, _date(today)))


def _date(text: str | None) -> dt.date:
    from ..periods import calendar_date

    if text is None:
        return dt.date.today()
    if (day := calendar_date(text)) is None:
        raise UserError(
            f"--today/--as-of '{text}' is not a date",
            hint="write it as YYYY-MM-DD, e.g. 2026-12-09",
        )
    return day


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


# --- approve --------------------------------------------------------------------------------

LOCK = "sopctl.lock"  # vcs.WRITERS_LOCK, shared with sopctl tag (not imported at start-up)


def run_approve(root: Path | None, cycle: str | None, role: str, note: str, dry: bool) -> int:
    from contextlib import nullcontext

    from .. import vcs
    from ..validate import load_workspace

    ws, report = load_workspace(root, cycle)
    email = vcs.user_email(ws.root)
    # one approve at a time per clone: decided (approvals.yaml read again) and committed under
    # the lock, so a run never writes its file over approvals another run just committed
    lock = nullcontext() if dry else vcs.file_lock(vcs.git_dir(ws.root) / LOCK, "sopctl approve")
    with lock:
        return _approve(ws, report, email, role, note, dry)


def _approve(ws: Workspace, report: Report, email: str, role: str, note: str, dry: bool) -> int:
    from .. import vcs
    from ..governance.approve import (
        APPROVALS,
        approvals_yaml,
        commit_message,
        decide,
        quorum_with,
        uncounted_note,
    )

    now = dt.datetime.now(dt.UTC)
    d = decide(
        ws, report, role=role, email=email, note=note, now=now, dirty=vcs.dirty_paths(ws.root)
    )
    con = _console()
    if d.refused:
        if d.code == "invalid":
            from .render import emit

            emit(report, "text", 20)
        con.print(f"[bold red]approval refused:[/] {esc(d.message)}")
        if d.hint:
            con.print(f"hint: {esc(d.hint)}")
        return EXIT_FINDINGS
    if d.outcome == "already":
        con.print(esc(d.message))
        return EXIT_OK
    assert d.approvals is not None and d.approval is not None
    path = ws.cycle_dir / APPROVALS
    rel = path.relative_to(ws.root).as_posix()
    q = quorum_with(ws, d.approvals, d.digest)
    quorum = quorum_line(q)
    if note := uncounted_note(ws, d.approval.role, q):  # a signer the quorum leaves out
        quorum += f"\n{esc(note)}"
    if dry:
        con.print(f"dry run: {esc(d.message)}; would write {rel} and commit it")
        con.print(quorum)
        return EXIT_OK
    data = approvals_yaml(ws, d.approvals).encode("utf-8")
    with vcs.held_interrupts():  # a Ctrl-C waits until the approval is committed or undone
        detached = vcs.branch(ws.root) is None
        sha = vcs.commit_file(ws.root, path, data, commit_message(ws, d))
        con.print(f"[green]approved:[/] {esc(d.message)}")
        con.print(f"recorded in {rel}, commit {sha[:12]}")
        con.print(quorum)
    if detached:
        sys.stderr.write(
            f"warning: HEAD is detached, so commit {sha[:12]} is on no branch; "
            f"keep it with 'git branch <name> {sha[:12]}' (or merge it) before you switch away\n"
        )
    return EXIT_OK


# --- actions --------------------------------------------------------------------------------


def run_actions(root: Path | None, cycle: str | None, fmt: str, today: dt.date) -> int:
    from ..governance.actions import list_actions
    from ..validate import load_workspace
    from .render import emit

    ws, report = load_workspace(root, cycle)
    result = list_actions(ws, report, today)
    if not result.ok:
        from ..findings import Report

        emit(Report(result.findings, report.checked_files), fmt, 20)
        return EXIT_FINDINGS
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        show_actions(result, _console())
    return EXIT_OK


def _action_lines(v: ActionView) -> list[str]:
    a = v.action
    when = f"[bold red]{v.when()}[/]" if v.overdue else v.when()
    status = "" if not v.active else f", {a.status}"
    owner = a.owner + (f" ({', '.join(v.members)})" if v.members else "")
    return [
        f"  {esc(a.id)}  {when} (due {a.due.isoformat()}){status}",
        f"      {esc(a.description)}",
        f"      owner: {esc(owner)}; answers: {esc(a.answers or '—')}",
    ]


def show_actions(result: ActionList, con: Console) -> None:
    head = f"Actions of cycle {result.cycle} (today {result.today.isoformat()})"
    if not result.exists:
        con.print(f"{head}: none (no actions.yaml)")
        return
    n_open = sum(v.active for v in result.views)
    n = len(result.views)
    con.print(
        f"{head}: {n} action{'' if n == 1 else 's'}, {n_open} open, {len(result.overdue)} overdue"
    )
    for v in result.views:
        for line in _action_lines(v):
            con.print(line)


# --- status ---------------------------------------------------------------------------------


def run_status(root: Path | None, cycle: str | None, fmt: str, today: dt.date) -> int:
    from ..governance.status import cycle_status
    from ..validate import load_workspace
    from .render import emit

    ws, report = load_workspace(root, cycle)
    if ws.charter is None or ws.cycle is None:
        emit(report, fmt, 20)
        return EXIT_FINDINGS
    st = cycle_status(ws, report, today)
    if fmt == "json":
        sys.stdout.write(json.dumps(st.to_dict(), indent=2) + "\n")
    else:
        show_status(st, _console())
    return EXIT_OK
