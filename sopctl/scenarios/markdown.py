"""A comparison as GitHub-flavoured Markdown: a PR comment or an executive pack (pure)."""

from __future__ import annotations

from ..quantities import units
from .compare import Comparison
from .words import cell, failure_lines, headline, no_plan_heading, title


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    out = ["| " + " | ".join(_esc(h) for h in header) + " |"]
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in rows]
    return out


def to_markdown(c: Comparison) -> str:
    what = "Scenario comparison" if c.mode == "scenarios" else "Plan comparison"
    lines = [f"## {what}: cycle {c.cycle}", "", f"**{headline(c)}**", ""]
    lines += [
        f"Δ against `{c.base}`; **bold** marks the best option on each outcome line (service, "
        "units, revenue, margin, plan cost, cash flow), judged on the values as shown; none "
        "when all show the same.",
        "",
    ]
    for o in c.options:
        if not o.ok:
            lines += [f"> **{no_plan_heading(o)}**:", "", "```"]
            lines += [*failure_lines(o), "```", ""]
    names = c.names
    rows = []
    for k in c.kpis:
        cells = []
        for n in names:
            text = cell(k, n, c.base)
            cells.append(f"**{text}**" if n in k.best else text)
        rows.append([k.label, *cells])
    header = ["", *(title(o) for o in c.options)]
    lines += [*_table(header, rows, set(range(1, len(header)))), ""]
    lines += [line for note in c.same_cost_notes() for line in (f"> {_esc(note)}", "")]
    lines += _exceptions(c)
    lines += _options(c)
    return "\n".join(lines).rstrip() + "\n"


def _exceptions(c: Comparison) -> list[str]:
    if not c.changes:
        return []
    lines = [f"### Exceptions against `{c.base}`", ""]
    rows = []
    for name, d in c.changes.items():
        for tag, items in (("appeared", d.appeared), ("cleared", d.cleared)):
            for e in items:
                rows.append(
                    [
                        name,
                        tag,
                        e.label,
                        e.what,
                        e.period,
                        units(e.quantity) + (f" {e.unit}" if e.kind == "overload" else ""),
                        f"{e.value:,.0f}",
                    ]
                )
    counts = "; ".join(
        f"{n}: {d.appeared_count} new, {d.cleared_count} cleared" for n, d in c.changes.items()
    )
    lines += [f"{counts}.", ""]
    if rows:
        head = ["option", "", "exception", "what", "period", "qty", f"at stake ({c.currency})"]
        lines += [*_table(head, rows, {5, 6}), ""]
    return lines


def _options(c: Comparison) -> list[str]:
    lines = ["### Options", ""]
    rows = []
    for o in c.options:
        source = o.source + (f", {o.commit[:7]}" if o.commit else "")
        changed = "; ".join(o.inputs) if o.inputs else ""
        rows.append([title(o), o.owner or "", o.description, changed, source])
    head = ["option", "owner", "description", "inputs changed", "plan from"]
    return [*lines, *_table(head, rows, set()), ""]
