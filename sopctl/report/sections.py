"""Table sections of the report: finance bridge, exceptions, scenarios, approvals, actions and
the learn scorecard. Each takes the report data and the page's table helper."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import fmt
from .breaches import breach_row
from .model import ReportData
from .svgkit import esc

Table = Callable[[Sequence[str], Sequence[Sequence[str]], set[int]], str]


def finance_table(d: ReportData, table: Table) -> str:
    rows = [
        (
            p.period,
            fmt.num(p.revenue),
            fmt.num(p.cogs),
            fmt.num(p.gross_margin),
            fmt.num(p.material_purchases),
            fmt.num(p.conversion_costs),
            fmt.signed(-p.working_capital_change),
            fmt.num(p.cash_flow),
            fmt.num(p.cumulative_cash_flow),
            fmt.num(p.working_capital),
        )
        for p in d.finance
    ]
    head = [
        "period",
        "revenue",
        "COGS",
        "gross margin",
        "materials bought",
        "conversion, resale",
        "− Δ net receivables",
        "cash flow",
        "cumulative",
        "working capital",
    ]
    return (
        f'<p class="note">All amounts in {esc(d.header.currency)}. Gross margin = revenue − COGS '
        "at standard cost. Cash flow = revenue − materials bought − conversion, resale "
        "(conversion costs and goods bought in for resale: planned purchases and scheduled "
        "receipts of bought-in items) − Δ net receivables, where net receivables = receivables "
        "− payables (a rise is cash not yet collected). Cumulative: the running sum of cash "
        "flow. Working capital = stock (goods, work in process, materials) + net receivables: its "
        "change also holds the change of stock, which the cash flow pays in materials and "
        "conversion, so it can move against the − Δ net receivables column.</p>"
        + table(head, rows, set(range(1, 10)))
    )


def exceptions(d: ReportData, table: Table) -> str:
    if not d.exception_total:
        return '<p class="note">The plan has no exceptions.</p>'
    cur = d.header.currency
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(d.exception_counts.items()))
    rows = [
        (
            f"{e.kind.replace('_', ' ')}: {e.subject}" + (f" ({e.segment})" if e.segment else ""),
            e.period,
            f"{fmt.num(e.quantity, 1)} {e.unit}",
            fmt.num(e.value, 2),
            e.cause + (f": {e.why}" if e.why else ""),
            "–" if e.shadow_price is None else fmt.num(e.shadow_price, 2),
            e.owner or "–",
            "; ".join(e.actions) if e.actions else ("none: needs one" if e.owner else "–"),
        )
        for e in d.exceptions
    ]
    head = [
        "exception",
        "period",
        "quantity",
        f"at stake ({cur})",
        "cause (binding constraint: what it means)",
        f"shadow price ({cur})",
        "owner",
        "action",
    ]
    shown = len(d.exceptions)
    more = (
        f" Shown: the {shown} escalated or largest; the rest are in exceptions.csv."
        if shown < d.exception_total
        else ""
    )
    return (
        f'<p class="note">{d.exception_total} exceptions ({esc(counts)}). Escalated ones first, '
        "then by value at stake. The shadow price is what one more unit of the binding "
        f"constraint is worth.{esc(more)}</p>" + table(head, rows, {2, 3, 5})
    )


def _delta(kind: str, v: float | None, base: float | None) -> str:
    if v is None or base is None:
        return "–"
    if kind == "share":  # the difference of the shares as shown (99.99 % - 100.00 %)
        return fmt.points(_shown_share(v) - _shown_share(base), 2)
    return fmt.signed(v - base, 2 if kind == "ratio" else 0)


def _shown_share(x: float) -> float:
    """The share as `_value` shows it (two decimals of a percent, a shortfall never shown as
    100 %), so that a delta never contradicts the values beside it."""
    return float(fmt.kpi_value("share", x, "").removesuffix(" %").replace(",", "")) / 100


def scenarios(d: ReportData, table: Table) -> str:
    note = f'<p class="note">{esc(d.scenario_note)}</p>'
    if not d.scenarios:
        return note
    cur = d.header.currency
    head = ["KPI", "base"]
    for n in d.scenario_names:
        head += [n, f"Δ {n}"]
    rows = []
    for r in d.scenarios:
        star = {n: " ★" if n in r.best else "" for n in ("base", *d.scenario_names)}
        row = [r.label, fmt.kpi_value(r.kind, r.base, cur) + star["base"]]
        for n in d.scenario_names:
            v = r.values.get(n)
            row += [fmt.kpi_value(r.kind, v, cur) + star[n], _delta(r.kind, v, r.base)]
        rows.append(row)
    return note + table(head, rows, set(range(1, len(head))))


def approvals(d: ReportData, table: Table) -> str:
    rows = [
        (
            a.role + (" (required)" if a.required else ""),
            a.state,
            a.person or "–",
            a.time or "–",
            a.note,
        )
        for a in d.approvals
    ]
    return f'<p class="note">{esc(d.quorum)}</p>' + table(
        ["role", "state", "approver", "time (UTC)", "note"], rows, set()
    )


def actions(d: ReportData, table: Table) -> str:
    note = f'<p class="note">{esc(d.actions_note)}</p>'
    if not d.actions:
        return note + '<p class="note">No actions recorded.</p>'
    out = [note]
    owners = list(dict.fromkeys(a.owner for a in d.actions))
    for owner in owners:
        mine = [a for a in d.actions if a.owner == owner]
        members = mine[0].members
        out.append(
            f"<h3>{esc(owner)}" + (f" ({esc(', '.join(members))})" if members else "") + "</h3>"
        )
        rows = []
        for a in mine:
            late = (
                "–"
                if a.overdue_days is None
                else (f"overdue {a.overdue_days} d" if a.overdue_days else "no")
            )
            rows.append(
                (a.due, a.id, a.status.replace("_", " "), a.description, a.answers or "–", late)
            )
        out.append(table(["due", "id", "status", "what", "answers", "overdue"], rows, set()))
    return "".join(out)


def learn(d: ReportData, table: Table) -> str:
    sc = d.scorecard
    note = f'<p class="note">{esc(sc.note)}</p>'
    if not sc.present:
        return note
    rows = [
        (s, str(c["ok"]), str(c["breach"]), str(c["info"]), str(c["no_data"]))
        for s, c in sc.sections
    ]
    out = note + table(["section", "ok", "breach", "info", "no data"], rows, {1, 2, 3, 4})
    if sc.breaches:
        b = [breach_row(r) for r in sc.breaches]
        head = ["section", "metric", "scope", "key", "value", "target", "severity", "owner"]
        out += (
            "<h3>Breaches</h3>"
            + '<p class="note">Rates in percent (a change of a rate in percentage points); '
            "|v|: the size of the value is judged, whatever its sign; ± the tolerance.</p>"
            + table([*head, "escalate to"], b, {4, 5})
        )
    else:
        out += '<p class="note">No breaches.</p>'
    return out
