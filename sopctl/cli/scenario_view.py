"""Rich and JSON views of a scenario comparison and of `sopctl reconcile --scenario`."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..quantities import units
from ..results import unsolved_reason
from ..scenarios.compare import Comparison
from ..scenarios.run import ScenarioResult, ScenarioRun
from ..scenarios.words import cell, failure_lines, headline, no_plan_heading, title
from .fit import print_table
from .plan_view import json_doc, show_text
from .render import report_text


def show_comparison(c: Comparison, console: Console) -> None:
    what = "Scenarios" if c.mode == "scenarios" else "Plans"
    console.print(f"[bold]{what}[/] cycle {escape(c.cycle)}: {escape(headline(c))}")
    for o in c.options:
        if not o.ok:
            console.print(f"[bold red]{escape(no_plan_heading(o))}[/]:")
            for line in failure_lines(o):
                console.print(Text(f"  {line}"))
    t = Table(
        title=f"Side by side (Δ against {c.base}; bold green: best on an outcome line)",
        title_justify="left",
    )
    t.add_column("")
    for o in c.options:
        t.add_column(Text(title(o)), justify="right")
    group = ""
    for k in c.kpis:
        if k.group != group and group:
            t.add_section()
        group = k.group
        cells = []
        for n in c.names:
            text = cell(k, n, c.base)
            cells.append(Text(text, style="bold green" if n in k.best else ""))
        t.add_row(Text(k.label), *cells)
    print_table(console, t)
    for note in c.same_cost_notes():
        console.print(Text(note, style="yellow"))
    _changes(c, console)
    ot = Table(title="Options", title_justify="left")
    for col in ("option", "owner", "description", "inputs changed", "plan from"):
        ot.add_column(col)
    for opt in c.options:
        source = opt.source + (f", {opt.commit[:7]}" if opt.commit else "")
        ot.add_row(
            Text(title(opt)),
            Text(opt.owner or ""),
            Text(opt.description),
            Text("\n".join(opt.inputs)),
            Text(source),
        )
    print_table(console, ot)


def _changes(c: Comparison, console: Console) -> None:
    if not c.changes:
        return
    parts = [
        f"{n}: {d.appeared_count} new, {d.cleared_count} cleared" for n, d in c.changes.items()
    ]
    console.print(Text(f"Exceptions against {c.base}: " + "; ".join(parts)))
    shown = [(n, "appeared", e) for n, d in c.changes.items() for e in d.appeared]
    shown += [(n, "cleared", e) for n, d in c.changes.items() for e in d.cleared]
    if not shown:
        return
    t = Table(title="", show_header=True)
    stake = f"at stake ({c.currency})"  # as reconcile and the report head it
    for col in ("option", "", "exception", "what", "period", "qty", stake):
        t.add_column(col, justify="right" if col in ("qty", stake) else "left")
    for name, tag, e in shown:
        t.add_row(
            Text(name),
            Text(tag, style="red" if tag == "appeared" else "green"),
            Text(e.label),
            Text(e.what),
            e.period,
            units(e.quantity) + (f" {e.unit}" if e.kind == "overload" else ""),
            f"{e.value:,.0f}",
        )
    print_table(console, t)


def _money(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _signed(x: float | None, base: float | None) -> str:
    if x is None or base is None:
        return "—"
    d = x - base
    return "±0" if abs(d) < 0.5 else f"{'+' if d > 0 else '−'}{abs(d):,.0f}"


def _fin(summary: dict[str, Any], key: str) -> float | None:
    v = (summary.get("finance") or {}).get(key)
    return float(v) if isinstance(v, int | float) else None


def reconcile_text(run: ScenarioRun, per_file: int, top: int) -> None:
    console = Console(highlight=False)
    show_text(run.base, per_file, top)
    if not run.scenarios:
        return
    base = run.base.summary
    cur = run.base.result.currency if run.base.result else ""
    t = Table(title=f"Scenarios against base ({cur})", title_justify="left")
    for col in ("scenario", "plan", "Δ plan cost", "Δ revenue", "lost units"):
        t.add_column(col, justify="left" if col in ("scenario", "plan") else "right")
    for s in run.scenarios:
        res, summ = s.result, s.summary
        cost = (summ.get("costs") or {}).get("total") if summ else None
        base_cost = (base.get("costs") or {}).get("total") if base else None
        rev, base_rev = _fin(summ, "revenue"), _fin(base, "revenue") if base else None
        service = summ.get("service", []) if summ else []
        lost = sum(float(r.get("lost_sales", 0.0)) for r in service) if summ else None
        plan = f"{res.status}, {s.solved}" if res else "invalid"
        t.add_row(
            Text(s.id),
            Text(plan, style="" if s.ok else "bold red"),
            _signed(cost, base_cost),
            _signed(rev, base_rev),
            _money(lost),
        )
    print_table(console, t)
    for s in run.scenarios:
        _scenario_notes(s, console, per_file)
    root = run.base.ws.root
    for s in run.scenarios:
        if s.written:
            folder = s.written[0].parent.relative_to(root).as_posix()
            console.print(f"wrote {folder}/ ({len(s.written)} files)")
    console.print("compare them side by side: sopctl compare")


def _scenario_notes(s: ScenarioResult, console: Console, per_file: int) -> None:
    if s.report.findings:
        console.print(Text(f"scenario {s.id} ({s.file}):", style="bold"))
        console.print(Text(report_text(s.report, per_file)))
    if s.result is not None and not s.result.ok and s.report.ok:
        console.print(Text(f"scenario {s.id}:", style="bold"))
        show_infeasible_result(s, console)


def show_infeasible_result(s: ScenarioResult, console: Console) -> None:
    res = s.result
    assert res is not None
    console.print(f"[bold red]No plan:[/] {unsolved_reason(res.status)}.")
    for name in res.diagnosis:
        console.print(Text(f"  - {name}"))
    for hint in res.hints:
        console.print(Text(f"hint: {hint}"))
    console.print("Nothing was written for this scenario.")


def reconcile_json(run: ScenarioRun, per_file: int) -> None:
    doc = json_doc(run.base, per_file)
    root = run.base.ws.root
    doc["scenarios"] = [
        {
            "id": s.id,
            "description": s.description,
            "owner": s.owner,
            "file": s.file,
            "ok": s.ok,
            "status": s.result.status if s.result else "invalid",
            "solved": s.solved,
            "demand": s.demand,
            "plan": s.summary,
            "findings": [f.to_dict() for f in s.report.sorted()],
            "diagnosis": s.result.diagnosis if s.result else [],
            "hints": s.result.hints if s.result else [],
            "written": [p.relative_to(root).as_posix() for p in s.written],
            "seconds": round(s.seconds, 4),
        }
        for s in run.scenarios
    ]
    doc["ok"] = bool(doc["ok"]) and run.ok
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")
