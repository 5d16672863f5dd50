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
from .app import CycleArg, ViewFormat, app, state

if TYPE_CHECKING:
    from rich.console import Console

    from ..findings import Report
    from ..governance.actions import ActionList, ActionView
    from ..governance.status import Escalation, Status
    from ..validate import Workspace

FormatOpt = Annotated[ViewFormat, typer.Option("--format", "-f", help="Output format.")]
TodayOpt = Annotated[
    str | None,
    typer.Option("--today", help="Take this date (YYYY-MM-DD) as today. Default: the local date."),
]


@app.command()
def approve(
    role: Annotated[str, typer.Option("--role", "-r", help="The charter role you sign off as.")],
    cycle: CycleArg = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with the approval.")] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show the approval; write nothing.")
    ] = False,
) -> None:
    """Commit: sign off the current plan as ROLE (git user.email is the approver). Records it in
    cycles/<id>/approvals.yaml and commits that file. Exit 1 when refused; nothing is written."""
    raise typer.Exit(run_approve(state.root, cycle, role, note, dry_run))


@app.command()
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
            f"--today '{text}' is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-12-09"
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
    from ..governance.approve import APPROVALS, approvals_yaml, commit_message, decide, quorum_with

    now = dt.datetime.now(dt.UTC)
    d = decide(
        ws, report, role=role, email=email, note=note, now=now, dirty=vcs.dirty_paths(ws.root)
    )
    con = _console()
    if d.refused:
        if d.code == "invalid":
            from .render import emit

            emit(report, "text", 20)
        con.print(f"[bold red]approval refused:[/] {_esc(d.message)}")
        if d.hint:
            con.print(f"hint: {_esc(d.hint)}")
        return EXIT_FINDINGS
    if d.outcome == "already":
        con.print(_esc(d.message))
        return EXIT_OK
    assert d.approvals is not None and d.approval is not None
    path = ws.cycle_dir / APPROVALS
    rel = path.relative_to(ws.root).as_posix()
    q = quorum_with(ws, d.approvals, d.digest)
    quorum = _quorum_line(q.needed, list(q.roles), list(q.missing), q.met)
    if dry:
        con.print(f"dry run: {_esc(d.message)}; would write {rel} and commit it")
        con.print(quorum)
        return EXIT_OK
    data = approvals_yaml(ws, d.approvals).encode("utf-8")
    with vcs.held_interrupts():  # a Ctrl-C waits until the approval is committed or undone
        detached = vcs.branch(ws.root) is None
        sha = vcs.commit_file(ws.root, path, data, commit_message(ws, d))
        con.print(f"[green]approved:[/] {_esc(d.message)}")
        con.print(f"recorded in {rel}, commit {sha[:12]}")
        con.print(quorum)
    if detached:
        sys.stderr.write(
            f"warning: HEAD is detached, so commit {sha[:12]} is on no branch; "
            f"keep it with 'git branch <name> {sha[:12]}' (or merge it) before you switch away\n"
        )
    return EXIT_OK


def _quorum_line(needed: int, have: list[str], missing: list[str], met: bool) -> str:
    """'quorum met: 3 approvals, 2 needed (cfo, ops_lead, sales_lead)', or 'quorum not met:
    1 approval, 2 needed (cfo); pending: …' (approve and status say it alike)."""
    got = f"{len(have)} approval{'' if len(have) == 1 else 's'}, {needed} needed"
    got += f" ({', '.join(have)})" if have else ""
    if met:
        return f"quorum [green]met[/]: {got}"
    return f"quorum [yellow]not met[/]: {got}; pending: {', '.join(missing) or 'none'}"


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


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
        f"  {_esc(a.id)}  {when} (due {a.due.isoformat()}){status}",
        f"      {_esc(a.description)}",
        f"      owner: {_esc(owner)}; answers: {_esc(a.answers or '—')}",
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


def _calendar_lines(st: Status) -> list[str]:
    cal = st.calendar
    said = st.state.text if st.state else st.cycle_status
    head = f"Cycle {st.cycle} (charter {st.charter}, status {_esc(said)}), today {st.today}"
    if cal is None:
        return [head, "phase: unknown (no cycle month or week)"]
    dues = "; ".join(
        f"{p} day {cal.due_days[p]} = {cal.due_dates[p]}" + (" (passed)" if cal.late(p) else "")
        for p in ("signal", "reconcile", "commit")
    )
    return [
        f"{head}: business day {cal.business_day} of {cal.span}",
        f"phase: [bold]{cal.phase}[/] — due: {dues}",
    ]


def _absent(gone: int, total: int) -> str:
    """'missing', 'unusable' or 'missing or unusable' for the required inputs listed."""
    return "missing" if gone == total else "unusable" if gone == 0 else "missing or unusable"


def _input_lines(st: Status) -> list[str]:
    from ..workspace import command

    required = [m for m in st.missing if m.required]
    if not required:
        lines = ["inputs: every required input is present"]
    else:
        gone = sum(m.problem is None for m in required)
        lines = [f"inputs: {len(required)} required input(s) " + _absent(gone, len(required))]
    for m in st.missing:
        who = m.owner + (f" ({', '.join(m.members)})" if m.members else "")
        tag = " [bold red]LATE[/]" if m.late else ("" if m.required else " (optional)")
        due = f"due at {m.due}" + (f" ({m.due_date})" if m.due_date else "")
        what = f"missing {_esc(m.file)} ({m.table})"
        if m.problem is not None:
            check = _esc(command("validate", st.cycle))
            what = f"{_esc(m.file)} ({m.table}) is {m.problem}, not a file ({check})"
        lines.append(f"  {what}, owner {_esc(who)}, {due}{tag}")
    return lines


def _approval_lines(st: Status) -> list[str]:
    from ..workspace import command

    q = st.quorum
    line = _quorum_line(q.needed, list(q.roles), list(q.missing), q.met)
    if not st.checked:  # approvals bind to the results too, which are not here
        redo = _esc(command("reconcile", st.cycle))
        line = f"[yellow]unknown[/] until the plan is reconciled here ({redo})"
    elif not q.met and st.calendar is not None and st.calendar.late("commit"):
        line += f" [bold red](commit was due {st.calendar.due_dates['commit']})[/]"
    lines = ["approvals: " + line]
    committed_as_is = st.state is not None and st.state.changed is False  # committed, as is
    for r in st.roles:
        label = r.role + ("" if r.required else " (not required)")
        if r.shown is None:
            who = ", ".join(r.members) or "no members"
            if committed_as_is:  # the record is made: no sign-off is waited for any more
                lines.append(f"  {label:<24} not given ({_esc(who)}); not needed for the commit")
            else:
                lines.append(f"  {label:<24} pending   ({_esc(who)})")
            continue
        a = r.shown.approval
        why = {
            "stale": f"; plan changed since (approved {a.plan_digest[:12]})",
            "invalid": "; not a valid signer",
        }.get(r.state, "")
        lines.append(f"  {label:<24} {r.state:<9} {_esc(a.person)} at {a.time}{why}")
    return lines


def _action_status_lines(st: Status) -> list[str]:
    lines = [f"actions: {len(st.overdue)} overdue of {st.open_actions} open"]
    for v in st.overdue:
        lines.append(
            f"  {_esc(v.action.id)} {v.when()} (due {v.action.due}), "
            f"owner {_esc(v.action.owner)}: {_esc(v.action.description)}"
        )
    return lines


def _rule_text(e: Escalation) -> str:
    r = e.rule
    what: str = "any exception" if r.exception == "any" else r.exception
    if r.segment:
        what += f" in segment {r.segment}"
    if r.resource:
        what += f" on {r.resource}"
    if r.min_value:
        what += f" worth >= {r.min_value:,.2f}"
    return f"rule {e.number}: {what}"


def _escalation_lines(st: Status) -> list[str]:
    from ..workspace import command

    if st.escalations is None:
        why = "is not reconciled" if st.plan == "missing" else "is stale"
        return [f"escalations: unknown — the plan {why}; run {command('reconcile', st.cycle)}"]
    fired = [e for e in st.escalations if e.rows]
    if not fired:
        return [f"escalations: none of {len(st.escalations)} rule(s) fires"]
    lines = [f"escalations: {len(fired)} of {len(st.escalations)} rule(s) fire"]
    for e in fired:
        who = e.rule.to + (f" ({', '.join(e.members)})" if e.members else "")
        open_ = f"; {len(e.unanswered)} without an action answering it" if e.unanswered else ""
        lines.append(
            f"  {_rule_text(e)} → {_esc(who)}: {len(e.rows)} exception(s), "
            f"value {e.value:,.2f}{open_}"
        )
    return lines


def _committed_line(st: Status) -> str:
    from ..workspace import command

    c = st.committed
    if st.commit_unknown:
        return f"committed: unknown — {_esc(st.commit_unknown)}"
    if c is None:
        return f"committed: not yet ({_esc(command('tag', st.cycle))}, once approved)"
    head = f"committed: {_esc(c.tag)} on {c.date[:10]} by {_esc(c.tagger)}"
    if c.problem:
        return f"{head} — [yellow]{_esc(c.problem)}[/]"
    if st.plan == "current" and c.plan_digest == st.digest:
        return f"{head} — the current plan is the committed one"
    if st.plan == "missing":  # a fresh clone: the results, part of the digest, are not here
        redo = _esc(command("reconcile", st.cycle))
        return f"{head} — the plan is not reconciled here; {redo} compares it with the record"
    nxt = f"sop/{st.cycle}/v{c.version + 1}"
    return (
        f"{head} — [yellow]the plan has changed since[/] (committed {c.plan_digest[:12]}); "
        f"its tag would be {nxt}"
    )


def show_status(st: Status, con: Console) -> None:
    from ..workspace import command

    plan = {
        "current": f"plan: current (digest {st.digest[:12]})",
        "stale": "plan: [yellow]stale[/] — inputs or results changed since the last reconcile; "
        f"run {_esc(command('reconcile', st.cycle))}",
        "missing": f"plan: [yellow]not reconciled[/]; run {_esc(command('reconcile', st.cycle))}",
    }[st.plan]
    lines = [
        *_calendar_lines(st),
        *_input_lines(st),
        plan,
        *_approval_lines(st),
        _committed_line(st),
        *_action_status_lines(st),
        *_escalation_lines(st),
        f"validation: {st.errors} error(s), {st.warnings} warning(s)"
        + (f" — see {_esc(command('validate', st.cycle))}" if st.errors else ""),
        *(f"note: {_esc(n)}" for n in st.notes),
    ]
    for line in lines:
        con.print(line)
