"""The governance half of the pack: approvals, actions, scenario comparison, learn scorecard.

Scenarios come from the compare engine (`sopctl.scenarios`), so the report and `sopctl compare`
show the same lines. File contract read here (an absent file gives a short note, not an error):
- `learn/<cycle>/scorecard.csv`: columns section, metric, scope, key, value, target, status,
  owner, escalate_to (status ok | breach | info | no_data); with `learn/<cycle>/tag.json`, the
  tag it scores (sopctl.learn.provenance), always read from the working tree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from ..findings import finding
from ..governance.actions import ACTIVE
from ..governance.cycle_state import CycleState, from_entry
from ..governance.log import committed_state
from ..governance.records import (
    approval_states,
    count_quorum,
    load_actions,
    load_approvals,
    quorum,
)
from ..governance.status import role_approvals
from ..governance.tag_checks import answers, approval_reasons
from ..workspace import command
from . import fmt
from .model import ActionRow, ApprovalRow, ScenarioRow, Scorecard
from .source import PlanSource

SECTIONS = ("forecast", "lag", "service", "inventory", "adherence", "pipeline", "assumptions")
STATUSES = ("ok", "breach", "info", "no_data")
SCORECARD_COLUMNS = (
    "section",
    "metric",
    "scope",
    "key",
    "value",
    "target",
    "status",
    "owner",
    "escalate_to",
)


def cycle_state(src: PlanSource) -> CycleState:
    """The cycle's state as `sopctl status` derives it: from the tag (a tag's report: that
    tag, and a later one of the cycle when there is one), else from the plan and approvals."""
    ws = src.ws
    assert ws.cycle is not None
    if src.tag is not None:
        later = src.tag.latest if src.tag.latest != src.tag.name else ""
        return CycleState("committed", ws.cycle.status, src.tag.name, superseded_by=later)
    entry = committed_state(ws.root, ws.cycle_id).entry
    # approved by tag's rule, as status has it: the quorum met and no approval stale or invalid
    reasons, _ = approval_reasons(ws, src.digest)
    return from_entry(ws.cycle.status, entry, src.digest, not reasons, src.origin == "outputs")


def _signers(rows: list[ApprovalRow]) -> str:
    names = [f"{r.role} ({r.person})" for r in rows if r.state == "approved"]
    return (
        ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + (names[-1] if names else "")
    )


def _committed_text(tag: str, rows: list[ApprovalRow], required: list[str], needed: int) -> str:
    """The approvals of a committed plan, as a record: who signed, and the sign-offs that were
    not given (not needed once the quorum was met). The quorum counts people (count_quorum)."""
    signed = [(r.role, r.person) for r in rows if r.state == "approved" and r.required]
    q = count_quorum(required, needed, signed)
    have, missing = list(q.roles), list(q.missing)
    text = (
        f"Committed as {tag} with the sign-off{'' if len(have) == 1 else 's'} of {_signers(rows)}"
        f": {len(have)} of the required roles ({', '.join(required)}), {needed} needed"
        + (f"; {q.people_text()}." if q.shared else ".")
    )
    if not q.met:
        text += (f" Not given: {', '.join(missing)};" if missing else "") + (
            " the record does not make the quorum."
        )
    elif missing:
        text += f" Not given: {', '.join(missing)}; not needed for the quorum."
    return text


def approvals(src: PlanSource, state: CycleState) -> tuple[list[ApprovalRow], str]:
    """Each role's sign-off state and the quorum sentence (for a committed plan: the record)."""
    ws = src.ws
    ch = ws.charter
    assert ch is not None
    needed = ch.approvals.quorum
    required = list(dict.fromkeys(ch.approvals.required_roles))
    if src.tag is not None:  # the approvals the commit record carries, bound to its digest
        rec = src.tag.record.approvals
        rows = [
            ApprovalRow(a.role, a.role in required, "approved", a.person, a.time, "") for a in rec
        ]
        signed = {a.role for a in rec}
        rows += [ApprovalRow(r, True, "not given", "", "", "") for r in required if r not in signed]
        return rows, _committed_text(src.tag.name, rows, required, needed)
    doc, _ = load_approvals(ws)
    states = approval_states(ws, doc, src.digest)
    committed = state.changed is False  # this plan is the one the cycle's tag recorded
    rows = []
    for ra in role_approvals(ch, states):
        a = ra.shown.approval if ra.shown else None
        rows.append(
            ApprovalRow(
                ra.role,
                ra.required,
                "not given" if committed and ra.state == "pending" else ra.state,
                a.person if a else "",
                a.time if a else "",
                a.note if a else "",
            )
        )
    if committed:
        return rows, _committed_text(state.tag, rows, required, needed)
    q = quorum(ws, states)
    have, missing, met = list(q.roles), list(q.missing), q.met
    text = (
        f"Quorum {'met' if met else 'not met'}: {len(have)} current "
        f"sign-off{'' if len(have) == 1 else 's'} from the required roles "
        f"({', '.join(required)}), {needed} needed"
        + (f"; {q.people_text()}, and one person counts once" if q.shared else "")
        + (f"; waiting for {', '.join(missing)}" if missing else "")
        + "."
    )
    return rows, text


def _action_word(a: Any) -> str:
    return f"{a.id} ({a.status.replace('_', ' ')}, due {a.due.isoformat()})"


def exception_actions(ws: Any) -> Callable[[str], list[str]]:
    """key -> the actions answering the exception (the rule of `sopctl tag`)."""
    doc, _ = load_actions(ws)
    acts = doc.actions

    def find(key: str) -> list[str]:
        return [_action_word(a) for a in acts if answers(a, key)]

    return find


def actions(src: PlanSource, as_of: dt.date | None) -> tuple[list[ActionRow], str]:
    """Actions by owner, then due date, then id; overdue days when an as-of date is known."""
    ws = src.ws
    assert ws.charter is not None
    doc, _ = load_actions(ws)
    members = {r.id: list(r.members) for r in ws.charter.roles}
    rows = []
    for a in sorted(doc.actions, key=lambda a: (a.owner.strip(), a.due, a.id)):
        late = None
        if as_of is not None:
            late = max(0, (as_of - a.due).days) if a.status in ACTIVE else 0
        rows.append(
            ActionRow(
                a.owner.strip(),
                members.get(a.owner.strip(), []),
                a.id,
                a.description,
                a.due.isoformat(),
                a.status,
                a.answers or "",
                late,
            )
        )
    if not (ws.cycle_dir / "actions.yaml").is_file():
        note = "This cycle has no actions.yaml."
    elif as_of is None:
        note = "Overdue days need an as-of date: pass --as-of YYYY-MM-DD (a tag uses its date)."
    else:
        note = f"Overdue as of {as_of.isoformat()}."
    return rows, note


# the compare engine's units as the report formats them; "pct" values are percentages already
_KINDS = {"share": "share", "pct": "share", "money": "money", "units": "count", "count": "count"}


def marks(values: dict[str, float | None], better: str, kind: str, cur: str) -> tuple[str, ...]:
    """The best options of a ranked line on the values as the report's table shows them (two
    decimals of a percent where `sopctl compare` shows one): a ★ never sits on one of two
    values that read the same."""
    from ..scenarios.shown import best, read

    return best(values, better, lambda x: read(fmt.kpi_value(kind, x, cur)))


def scenarios(src: PlanSource, only: list[str] | None) -> tuple[list[ScenarioRow], list[str], str]:
    """The base against each declared scenario, line by line as `sopctl compare` has them
    (rows, the scenario names, a note). Scenario plans come from their outputs when current,
    else they are solved in memory (nothing is written)."""
    from ..scenarios.compare import compare_options
    from ..scenarios.load import declared
    from ..scenarios.sources import scenario_options

    if not declared(src.ws):
        return [], [], "This cycle declares no scenarios (cycle.yaml: scenarios)."
    _ws, found, options = scenario_options(src.ws.root, src.ws.cycle_id, only or [])
    seen = set(src.report.findings)  # the base's warnings come back with its scenarios
    for f in found:
        if f.severity != "error" and f not in seen:
            src.report.add(f)
            seen.add(f)
    failed = [o.name for o in options[1:] if o.plan is None]
    options = [o for o in options if o.plan is not None]
    if len(options) < 2 or options[0].name != "base":
        return [], [], "No scenario could be solved: " + ", ".join(failed) + "."
    comparison = compare_options(options, src.ws.cycle_id)
    names = comparison.names[1:]
    cur = comparison.currency
    rows = []
    for k in comparison.kpis:
        scale = 0.01 if k.unit == "pct" else 1.0
        values = {n: None if v is None else v * scale for n, v in k.values.items()}
        label = k.label.strip() if k.label.startswith("  ") else k.label
        if k.label.startswith("  "):  # a part of the line above (a cost, an exception kind)
            label = "· " + label
        kind = _KINDS.get(k.unit, "ratio")
        best = marks(values, k.better, kind, cur) if k.ranked else ()
        rows.append(ScenarioRow(label, kind, values.get("base"), values, best))
    note = (
        f"Base plan against {len(names)} scenario(s); Δ = scenario − base; ★ the best option "
        "on an outcome line (service, units short, revenue, margin, plan cost, cash flow; "
        "ties share it). Cost parts, working capital, turns, utilisation and exception counts "
        "carry no ★: a scenario that makes or buys less would win them."
    )
    if failed:
        note += f" Without a plan, left out: {', '.join(failed)}."
    for same in comparison.same_cost_notes():
        note += f" {same}"
    return rows, names, note


def _no_scorecard(src: PlanSource, path: str) -> str:
    """Why the pack shows no scorecard, and the command that makes one."""
    if src.tag is None:
        learn = command("learn", src.ws.cycle_id)
        return (
            f"No learn scorecard yet: once the cycle is committed and actuals exist, '{learn}' "
            f"writes {path}."
        )
    learn = command("learn", src.tag.name)
    if not src.scorecard_found:
        return (
            f"No learn scorecard of {src.tag.name} yet: once actuals exist, '{learn}' writes "
            f"{path} in the working tree (learn needs the tag first, so a scorecard is never "
            "part of it)."
        )
    other = (
        f"scores {src.scorecard_for}, not this tag"
        if src.scorecard_for and src.scorecard_for != src.tag.name
        else "does not say which tag it scores (it has no tag.json beside it)"
        if not src.scorecard_for
        else "scores an earlier tag of that name (another plan digest)"
    )
    return (
        f"No learn scorecard of {src.tag.name}: {path} in the working tree {other}; run '{learn}'."
    )


def scorecard(src: PlanSource) -> Scorecard:
    """Totals per section and every breach of learn/<cycle>/scorecard.csv."""
    path = f"learn/{src.ws.cycle_id}/scorecard.csv"
    if src.scorecard is None:
        return Scorecard(False, _no_scorecard(src, path))
    try:
        text = src.scorecard.decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in SCORECARD_COLUMNS if c not in header]
        if missing:
            raise ValueError(f"columns missing: {', '.join(missing)}")
        rows = [{k.strip().lower(): (v or "").strip() for k, v in r.items() if k} for r in reader]
    except (UnicodeDecodeError, csv.Error, ValueError) as exc:
        src.report.add(
            finding(path, 1, 0, "SOP962", f"cannot be read ({exc}); left out of the report")
        )
        return Scorecard(False, f"{path} cannot be read; see the warning printed by sopctl.")
    order = {s: i for i, s in enumerate(SECTIONS)}
    names = sorted({r["section"] for r in rows}, key=lambda s: (order.get(s, len(order)), s))
    sections = []
    for s in names:
        mine = [r for r in rows if r["section"] == s]
        counts = {st: sum(r["status"] == st for r in mine) for st in STATUSES}
        sections.append((s, counts))
    breaches = [r for r in rows if r["status"] == "breach"]
    where = path
    if src.tag is not None:
        where += f" in the working tree, made by {command('learn', src.tag.name)}"
    elif src.scorecard_for:
        where += f", scoring {src.scorecard_for}"
    note = f"{len(rows)} scorecard rows, {len(breaches)} breaches ({where})."
    if src.scorecard_changed:
        scored = src.tag.name if src.tag is not None else src.scorecard_for or src.ws.cycle_id
        changed = ", ".join(src.scorecard_changed[:3]) + (
            f" and {len(src.scorecard_changed) - 3} more" if len(src.scorecard_changed) > 3 else ""
        )
        note += (
            f" The actuals it was computed from have changed since ({changed}): run "
            f"'{command('learn', scored)}' again for a scorecard of the current actuals."
        )
    return Scorecard(True, note, sections, breaches)
