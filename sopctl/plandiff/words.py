"""Numbers and labels shared by the text and Markdown views of a plan diff (pure)."""

from __future__ import annotations

from collections.abc import Callable

from ..finance import PLAN_COST
from ..quantities import percent, units
from .model import Delta, PlanDiff, Row, TableDiff, YamlChange
from .yamldiff import show

KPI_LABELS = {
    "demand_total": "Demand (units)",
    "production_total": "Production (units)",
    "lost_sales_total": "Lost sales (units)",
    "revenue": "Revenue ({cur})",
    "gross_margin": "Gross margin ({cur})",
    "gross_margin_pct": "Gross margin (%)",
    "working_capital_avg": "Working capital, average ({cur})",
    "working_capital_peak": "Working capital, peak ({cur})",
    "cost_total": f"{PLAN_COST} ({{cur}})",  # as the report and compare label it
}


def kpi_label(name: str, currency: str) -> str:
    return KPI_LABELS.get(name, name).format(cur=currency or "money")


def num(x: float | None) -> str:
    """1,234 for large values, 12.35 for small ones, — for none."""
    return "—" if x is None else units(x)


def signed(d: Delta, unit: str = "") -> str:
    """+134 (+5.0%), or 'new'/'gone' when one side lacks the value; '0' when equal."""
    if d.old is None and d.new is not None:
        return "new"
    if d.new is None and d.old is not None:
        return "gone"
    delta = d.delta
    if delta is None or abs(delta) <= 0.005:
        return "0"
    text = ("+" if delta > 0 else "−") + num(abs(delta)) + (f" {unit}" if unit else "")
    pct = d.pct
    if pct is not None:
        text += f" ({'+' if pct >= 0 else '−'}{abs(pct):.1f}%)"
    return text


def share(x: float | None) -> str:
    return "—" if x is None else f"{percent(x)}%"


def points(d: Delta) -> str:
    """A change of a share in percentage points: +1.5 pp."""
    delta = d.delta
    if delta is None:
        return "new" if d.old is None else "gone"
    if abs(delta) < 5e-5:
        return "0"
    return f"{'+' if delta > 0 else '−'}{100 * abs(delta):.1f} pp"


def key_text(key: Row) -> str:
    return " / ".join(v if v is not None else "∅" for v in key.values())


def cell(value: str | None) -> str:
    return "∅" if value is None else value


def row_text(row: Row, key: tuple[str, ...]) -> str:
    """'P-300 / strategic: quantity=50, price=12' for an added or removed row."""
    rest = ", ".join(f"{k}={v}" for k, v in row.items() if k not in key and v is not None)
    return key_text({k: row.get(k) for k in key}) + (f": {rest}" if rest else "")


def table_counts(t: TableDiff) -> str:
    if t.status == "added":
        return f"new table, {t.added} rows"
    if t.status == "removed":
        return f"table removed, {t.removed} rows"
    if t.status == "unreadable":
        return "unreadable"
    if t.status == "unchanged":
        return f"no change ({t.unchanged} row{'s' if t.unchanged != 1 else ''})"
    parts = [
        text
        for n, text in (
            (t.added, f"+{t.added} added"),
            (t.removed, f"-{t.removed} removed"),
            (t.changed, f"~{t.changed} changed"),
        )
        if n
    ]
    return ", ".join(parts) + f" ({t.unchanged} unchanged)"


def sides_line(diff: PlanDiff, side: Callable[[str, str | None], str]) -> str:
    """'cycle C: A → B', or 'cycle C1 A → cycle C2 B' when the sides are two cycles; `side`
    shows a side's label and commit."""
    a, b = diff.a, diff.b
    if a.cycle and a.cycle != diff.cycle:
        return f"cycle {a.cycle} {side(a.label, a.commit)} → cycle {diff.cycle} " + side(
            b.label, b.commit
        )
    return f"cycle {diff.cycle}: {side(a.label, a.commit)} → {side(b.label, b.commit)}"


def headline(diff: PlanDiff) -> str:
    """One line: what moved, for a status line or a PR comment title."""
    changed = [t for t in diff.tables if t.status != "unchanged"]
    yaml = sum(len(y.changes) for y in diff.yaml)
    parts = [f"{len(changed)} of {len(diff.tables)} input tables changed"]
    if yaml:
        parts.append(f"{yaml} YAML change{'s' if yaml != 1 else ''}")
    out = diff.outputs
    if out is None:
        parts.append("no plan comparison (a side has no plan)")
    else:
        kpis = {d.name: d for d in out.kpis}
        for name, short in (("revenue", "revenue"), ("cost_total", "plan cost")):
            if name in kpis:
                parts.append(f"{short} {signed(kpis[name], out.currency)}")
        parts.append(f"exceptions {out.appeared_count} new, {out.cleared_count} cleared")
    return "; ".join(parts)


def yaml_old(c: YamlChange) -> str:
    return "—" if c.kind == "added" else show(c.old)


def yaml_new(c: YamlChange) -> str:
    return "—" if c.kind == "removed" else show(c.new)
