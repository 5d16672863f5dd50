"""The governance half of the pack: approvals, actions, scenario comparison, learn scorecard.

File contracts read here (absent files give a short note, not an error):
- `cycles/<id>/outputs/scenarios/<name>/summary.json`: a scenario's summary, same format as the
  base `outputs/summary.json`;
- `learn/<cycle>/scorecard.csv`: columns section, metric, scope, key, value, target, status,
  owner, escalate_to (status ok | breach | info | no_data).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

from ..errors import UserError
from ..findings import finding
from ..governance.actions import ACTIVE
from ..governance.records import approval_states, load_actions, load_approvals, quorum
from ..governance.status import role_approvals
from ..governance.tag_checks import answers
from ..governance.tag_record import kpis as summary_kpis
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


def approvals(src: PlanSource) -> tuple[list[ApprovalRow], str]:
    """Each role's sign-off state and the quorum sentence."""
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
        rows += [
            ApprovalRow(r, True, "not signed", "", "", "") for r in required if r not in signed
        ]
        have = [r for r in required if r in signed]
        missing = [r for r in required if r not in signed]
        met = len(have) >= needed
    else:
        doc, _ = load_approvals(ws)
        states = approval_states(ws, doc, src.digest)
        rows = []
        for ra in role_approvals(ch, states):
            a = ra.shown.approval if ra.shown else None
            rows.append(
                ApprovalRow(
                    ra.role,
                    ra.required,
                    ra.state,
                    a.person if a else "",
                    a.time if a else "",
                    a.note if a else "",
                )
            )
        q = quorum(ws, states)
        have, missing, met = list(q.roles), list(q.missing), q.met
    text = (
        f"Quorum {'met' if met else 'not met'}: {len(have)} of the {needed} required sign-offs "
        f"(from {', '.join(required)}) are current"
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


def _scenario_kpis(doc: dict[str, Any]) -> dict[str, float | None]:
    k = summary_kpis(doc)
    fin = doc.get("finance") or {}
    out: dict[str, float | None] = {
        f"Service level: {seg}": v for seg, v in (k.get("service") or {}).items()
    }
    pct = k.get("gross_margin_pct")
    cash = fin.get("total_cash_flow")
    out |= {
        "Revenue": k.get("revenue"),
        "Gross margin": k.get("gross_margin"),
        "Gross margin %": pct / 100 if isinstance(pct, int | float) else None,
        "Working capital (average)": (k.get("working_capital") or {}).get("average"),
        "Working capital (peak)": (k.get("working_capital") or {}).get("peak"),
        "Cash flow": float(cash) if isinstance(cash, int | float) else None,
        "Plan cost": k.get("total_cost"),
        "Exceptions": float(sum((k.get("exceptions") or {}).values())),
    }
    return out


def _kind(label: str) -> str:
    if label.startswith("Service") or label.endswith("%"):
        return "share"
    return "count" if label == "Exceptions" else "money"


def scenarios(
    src: PlanSource, base: dict[str, Any], only: list[str] | None
) -> tuple[list[ScenarioRow], list[str], str]:
    """Base KPIs against each scenario's (rows), the scenario names, and a note."""
    found = dict(src.scenarios)
    if only:
        unknown = [n for n in only if n not in found]
        if unknown:
            have = ", ".join(sorted(found)) or "none"
            raise UserError(
                f"no scenario outputs for {', '.join(unknown)} (scenarios with outputs: {have})",
                hint=f"scenario summaries live in cycles/{src.ws.cycle_id}/outputs/scenarios/"
                "<name>/summary.json",
            )
        found = {n: found[n] for n in only}
    docs: dict[str, dict[str, float | None]] = {}
    for name, data in found.items():
        path = f"cycles/{src.ws.cycle_id}/outputs/scenarios/{name}/summary.json"
        try:
            doc = json.loads(data.decode("utf-8"))
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
            docs[name] = _scenario_kpis(doc)
        except (ValueError, UnicodeDecodeError, TypeError, AttributeError) as exc:
            src.report.add(
                finding(path, 0, 0, "SOP961", f"cannot be read ({exc}); left out of the report")
            )
    if not docs:
        note = (
            "No scenario outputs for this cycle "
            f"(cycles/{src.ws.cycle_id}/outputs/scenarios/<name>/summary.json)."
        )
        return [], [], note
    base_k = _scenario_kpis(base)
    names = list(docs)
    labels = list(dict.fromkeys([*base_k, *(k for d in docs.values() for k in d)]))
    rows = [
        ScenarioRow(lab, _kind(lab), base_k.get(lab), {n: docs[n].get(lab) for n in names})
        for lab in labels
    ]
    return rows, names, f"Base plan against {len(names)} scenario(s); Δ = scenario − base."


def scorecard(src: PlanSource) -> Scorecard:
    """Totals per section and every breach of learn/<cycle>/scorecard.csv."""
    path = f"learn/{src.ws.cycle_id}/scorecard.csv"
    if src.scorecard is None:
        return Scorecard(False, f"No learn scorecard yet ({path} appears once actuals exist).")
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
    note = f"{len(rows)} scorecard rows, {len(breaches)} breaches ({path})."
    return Scorecard(True, note, sections, breaches)
