"""What `sopctl status` prints, and the quorum sentence `approve` shares with it (Rich markup)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..governance.records import Quorum
    from ..governance.status import Escalation, Status


def quorum_line(q: Quorum, stale: Sequence[str] = ()) -> str:
    """'quorum met: 3 approvals, 2 needed (cfo, ops_lead, sales_lead)', or 'quorum not met:
    1 approval, 2 needed (cfo); pending: …' (approve and status say it alike). The quorum
    counts people: '2 sign-offs but 1 person (…); 2 people needed' says why it falls short.
    Required roles whose only valid approvals are of an earlier plan (`stale`) are said to be
    stale, not pending: someone signed, the plan changed since."""
    n = len(q.roles)
    got = f"{n} approval{'' if n == 1 else 's'}, {q.needed} needed"
    if q.shared:
        got = q.people_text() + (f", {q.needed} needed" if q.met else f"; {q.needed} people needed")
    got = esc(got + (f" ({', '.join(q.roles)})" if q.roles else ""))
    if q.met:
        return f"quorum [green]met[/]: {got}"
    waiting = [r for r in q.missing if r not in stale]
    old = [r for r in q.missing if r in stale]
    pending = ", ".join(waiting) or ("" if old else "none")
    if q.shared:
        pending = pending or "a sign-off by another person"
        pending += "; one person's sign-offs for several roles count once"
    parts = ([f"pending: {esc(pending)}"] if pending else []) + (
        [f"stale: {esc(', '.join(old))}"] if old else []
    )
    return f"quorum [yellow]not met[/]: {got}; " + "; ".join(parts)


def esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _calendar_lines(st: Status) -> list[str]:
    cal = st.calendar
    said = st.state.text if st.state else st.cycle_status
    head = f"Cycle {st.cycle} (charter {st.charter}, status {esc(said)}), today {st.today}"
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
        came = f"; {len(st.late)} came late" if st.late else ""
        lines = [f"inputs: every required input is present{came}"]
    else:
        gone = sum(m.problem is None for m in required)
        lines = [f"inputs: {len(required)} required input(s) " + _absent(gone, len(required))]
    for m in st.missing:
        who = m.owner + (f" ({', '.join(m.members)})" if m.members else "")
        tag = " [bold red]LATE[/]" if m.late else ("" if m.required else " (optional)")
        due = f"due at {m.due}" + (f" ({m.due_date})" if m.due_date else "")
        what = f"missing {esc(m.file)} ({m.table})"
        if m.problem is not None:
            check = esc(command("validate", st.cycle))
            what = f"{esc(m.file)} ({m.table}) is {m.problem}, not a file ({check})"
        lines.append(f"  {what}, owner {esc(who)}, {due}{tag}")
    for li in st.late:
        who = li.owner + (f" ({', '.join(li.members)})" if li.members else "")
        due = f"due at {li.due} ({li.due_date})"
        if li.committed is None:
            how = "is not in yet (changes not committed)"
        else:
            how = f"came late: committed {li.committed} in {(li.commit or '')[:12]}"
        lines.append(
            f"  {esc(li.file)} ({li.table}) {how}, {due}, owner {esc(who)} [bold red]LATE[/]"
        )
    return lines


def _approval_lines(st: Status) -> list[str]:
    from ..workspace import command

    q = st.quorum
    line = quorum_line(q, [r.role for r in st.roles if r.state == "stale"])
    if not st.checked:  # approvals bind to the results too, which are not the plan's here
        redo = esc(command("reconcile", st.cycle))
        line = f"[yellow]unknown[/] until the plan is reconciled here ({redo})"
        if st.plan == "stale":
            line += ": the outputs on disk are not the current plan, so no approval can be compared"
    elif not q.met and st.calendar is not None and st.calendar.late("commit"):
        line += f" [bold red](commit was due {st.calendar.due_dates['commit']})[/]"
    lines = ["approvals: " + line]
    committed_as_is = st.state is not None and st.state.changed is False  # committed, as is
    for r in st.roles:
        label = r.role + ("" if r.required else " (not required)")
        if r.shown is None:
            who = ", ".join(r.members) or "no members"
            if committed_as_is:  # the record is made: no sign-off is waited for any more
                lines.append(f"  {label:<24} not given ({esc(who)}); not needed for the commit")
            else:
                lines.append(f"  {label:<24} pending   ({esc(who)})")
            continue
        a = r.shown.approval
        why = {
            "stale": f"; plan changed since (approved {a.plan_digest[:12]})",
            "invalid": "; not a valid signer",
        }.get(r.state, "")
        lines.append(f"  {label:<24} {r.state:<9} {esc(a.person)} at {a.time}{why}")
    return lines


def _action_status_lines(st: Status) -> list[str]:
    lines = [f"actions: {len(st.overdue)} overdue of {st.open_actions} open"]
    for v in st.overdue:
        lines.append(
            f"  {esc(v.action.id)} {v.when()} (due {v.action.due}), "
            f"owner {esc(v.action.owner)}: {esc(v.action.description)}"
        )
    return lines


def _rule_text(e: Escalation, currency: str) -> str:
    r = e.rule
    what: str = "any exception" if r.exception == "any" else r.exception
    if r.segment:
        what += f" in segment {r.segment}"
    if r.resource:
        what += f" on {r.resource}"
    if r.min_value:
        what += f" worth >= {r.min_value:,.2f} {currency}"
    return f"rule {e.number}: {what}"


def _escalation_lines(st: Status) -> list[str]:
    if st.escalations is None:
        why = "is not reconciled" if st.plan == "missing" else "is stale"
        return [f"escalations: unknown — the plan {why}; {_redo(st)}"]
    fired = [e for e in st.escalations if e.rows]
    if not fired:
        return [f"escalations: none of {len(st.escalations)} rule(s) fires"]
    lines = [f"escalations: {len(fired)} of {len(st.escalations)} rule(s) fire"]
    for e in fired:
        who = e.rule.to + (f" ({', '.join(e.members)})" if e.members else "")
        open_ = f"; {len(e.unanswered)} without an action answering it" if e.unanswered else ""
        lines.append(
            f"  {_rule_text(e, st.currency)} → {esc(who)}: {len(e.rows)} exception(s), "
            f"{e.value:,.2f} {st.currency} at stake{open_}"
        )
    return lines


def _committed_line(st: Status) -> str:
    from ..workspace import command

    c = st.committed
    if st.commit_unknown:
        return f"committed: unknown — {esc(st.commit_unknown)}"
    if c is None and st.unverified:  # the tags are listed below
        return "committed: [yellow]not verified[/] — no tag of the cycle passes the checks here"
    if c is None:
        tag = esc(command("tag", st.cycle))
        if st.readiness.ready:
            return f"committed: not yet — the plan is approved; run {tag} to commit it"
        approved = st.state is not None and st.state.name == "approved"
        but = "the plan is approved, but " if approved else ""
        return f"committed: not yet — {but}{tag} would refuse (the tag lines below say why)"
    head = f"committed: {esc(c.tag)} on {c.date[:10]} by {esc(c.tagger)}"
    if st.plan == "current" and c.plan_digest == st.digest:
        return f"{head} — the current plan is the committed one"
    changed = st.state is not None and st.state.changed
    if st.plan == "missing" and not changed:  # a fresh clone: the results are not here
        return (
            f"{head} — the plan is not reconciled here; {_redo(st)} to compare it with the record"
        )
    if st.plan == "stale" and not changed:  # outputs of another branch, or edited by hand
        return (
            f"{head} — the outputs here are not the current plan; {_redo(st)} to compare it "
            "with the record"
        )
    nxt = f"sop/{st.cycle}/v{c.version + 1}"
    return (
        f"{head} — [yellow]the plan has changed since[/] (committed {c.plan_digest[:12]}); "
        f"its tag would be {nxt}"
    )


def _unverified_lines(st: Status) -> list[str]:
    """Tags of the cycle newer than the committed one (or the only ones) that fail the cheap
    checks: present, but not taken as the committed state."""
    from ..workspace import command

    return [
        f"  [yellow]tag {esc(e.tag)} present but not verified[/]: {esc(e.problem)}; run "
        f"{esc(command('verify', e.tag))}"
        for e in st.unverified
    ]


def _blocker_lines(st: Status) -> list[str]:
    """What `sopctl tag` would refuse for now (governance/readiness.py), before the first tag
    and while the plan differs from the committed one."""
    if st.readiness.ready or (st.state is not None and st.state.changed is False):
        return []
    return [f"  tag: [yellow]blocked[/] — {esc(b)}" for b in st.readiness.blockers]


def _validation_line(st: Status) -> str:
    """The counts of `sopctl validate` (the inputs) and, apart, the demand view's build
    warnings that `demand` and `reconcile` report (SOP7xx), so neither count passes for the
    other."""
    from ..workspace import command

    line = f"validation (inputs): {st.errors} error(s), {st.warnings} warning(s)"
    if st.errors:
        line += f" — see {esc(command('validate', st.cycle))}"
    if st.demand_warnings is not None:
        n = st.demand_warnings
        line += f"; demand view: {n} warning(s)"
        if n:
            line += f" — see {esc(command('demand', st.cycle))}"
    return line


def _redo(st: Status) -> str:
    """What makes the plan current: reconcile, once the validation errors that stop it are fixed."""
    from ..workspace import command

    run = esc(command("reconcile", st.cycle))
    if not st.errors:
        return f"run {run}"
    check = esc(command("validate", st.cycle))
    return f"fix the {st.errors} validation error(s) ({check}), then run {run}"


def show_status(st: Status, con: Console) -> None:
    plan = {
        "current": f"plan: current (digest {st.digest[:12]})",
        "stale": "plan: [yellow]stale[/] — inputs or results changed since the last reconcile; "
        + _redo(st),
        "missing": f"plan: [yellow]not reconciled[/]; {_redo(st)}",
    }[st.plan]
    lines = [
        *_calendar_lines(st),
        *_input_lines(st),
        plan,
        *_approval_lines(st),
        _committed_line(st),
        *_blocker_lines(st),
        *_unverified_lines(st),
        *_action_status_lines(st),
        *_escalation_lines(st),
        _validation_line(st),
        *(f"note: {esc(n)}" for n in st.notes),
    ]
    for line in lines:
        con.print(line)
