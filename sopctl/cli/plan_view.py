"""Rich and JSON views of a reconcile run."""

from __future__ import annotations

import json
import sys
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..exception_words import (
    AT_A_LIMIT,
    LOAD_SHOWN,
    OVERTIME_ONLY,
    OVERTIME_ONLY_CELL,
    constraint_words,
    overtime_only,
    quantity_unit,
    row_label,
)
from ..finance import PLAN_COST, cost_words
from ..plan import ReconcileRun
from ..plan_files import cause_words, exception_messages
from ..quantities import percent, units
from ..reconcile.engine import price_basis
from ..results import unsolved_reason
from .fit import print_table
from .render import emit


def _heat(value: float) -> str:
    if value >= 0.999:
        return "bold white on red"
    if value >= 0.9:
        return "black on yellow"
    if value >= 0.7:
        return "black on green"
    return "dim"


def _short(period: str) -> str:
    return period[2:] if len(period) == 7 else period[2:].replace("-W", "W")


def show_infeasible(run: ReconcileRun, console: Console) -> None:
    res = run.result
    assert res is not None
    console.print(f"[bold red]No plan:[/] {unsolved_reason(res.status)}.")
    if res.diagnosis:
        console.print("Conflicting constraints:")
        for name in res.diagnosis:
            console.print(Text(f"  - {name}"))
    for hint in res.hints:
        console.print(Text(f"hint: {hint}"))
    console.print("Nothing was written.")


def show_text(run: ReconcileRun, per_file: int, top: int = 10) -> None:
    console = Console(highlight=False)
    res, ws = run.result, run.ws
    if res is None:
        emit(run.report, "text", per_file)
        return
    if not res.ok:
        show_infeasible(run, console)
        return
    assert ws.charter is not None
    cur = res.currency
    f = res.solver
    console.print(
        f"[bold]Plan[/] cycle {ws.cycle_id} ({escape(ws.charter.organisation.name)}): "
        f"{res.status}, "
        f"plan cost {res.objective or 0:,.2f} {cur} — {f.engine} {f.version}, {f.method}, "
        f"{f.runs} run(s), {f.seconds:.2f} s; demand view {run.demand_source}"
    )
    sv = Table(title="Service level per segment", title_justify="left")
    for c in ("segment", "prio", "demand", "on time", "late", "unserved", "service", "target", ""):
        sv.add_column(c, justify="left" if c == "segment" else "right", no_wrap=True)
    for r in res.service.iter_rows(named=True):
        ok = r["meets_target"]
        backlog = r["shortage_policy"] == "backlog"
        unserved = r["backlog_at_end"] if backlog else r["lost_sales"]
        sv.add_row(
            r["segment"],
            str(r["priority"]),
            f"{r['demand']:,.0f}",
            f"{r['on_time']:,.0f}",
            f"{r['late']:,.0f}",
            f"{unserved:,.0f} {'backlog' if backlog else 'lost'}",
            f"{percent(r['service_level'])}%",
            f"{r['target']:.0%}",
            Text("ok", style="green") if ok else Text("BELOW", style="bold red"),
        )
    print_table(console, sv)
    total = res.costs.get("total", 0.0) or 1.0
    ct = Table(title=f"{PLAN_COST} ({cur})", title_justify="left")
    ct.add_column("component", no_wrap=True)
    ct.add_column("value", justify="right", no_wrap=True)
    ct.add_column("share", justify="right", no_wrap=True)
    for k, v in res.costs.items():
        if k != "total" and abs(v) >= 0.005:
            ct.add_row(cost_words(k), f"{v:,.2f}", f"{v / total:.1%}")  # as compare
    ct.add_row(Text("total", style="bold"), Text(f"{res.costs.get('total', 0):,.2f}", "bold"), "")
    print_table(console, ct)
    _utilisation(console, res.capacity)
    _exceptions(console, run, top)
    if run.summary.get("finance"):
        fin = run.summary["finance"]
        margin_pct = fin["gross_margin_pct"] or 0.0
        console.print(
            f"Finance: revenue {fin['revenue']:,.0f} {cur}, gross margin "
            f"{fin['gross_margin']:,.0f} ({margin_pct:.1f}%), working capital avg "
            f"{fin['average_working_capital']:,.0f} / peak {fin['peak_working_capital']:,.0f} "
            f"({fin['peak_working_capital_period']}), cash flow {fin['total_cash_flow']:,.0f}"
        )
    for note in res.notes:
        console.print(Text(f"note: {note}"))
    if run.report.findings:
        emit(run.report, "text", per_file)
    for path in run.written:
        console.print(f"wrote {path.relative_to(ws.root).as_posix()}")
    if not run.written:
        console.print("dry run: nothing written")


HEAT_COLUMNS = 8  # resources shown across; more do not fit a terminal


def _utilisation(console: Console, cap: pl.DataFrame) -> None:
    """Heat table: periods down, the busiest resources (by peak utilisation) across."""
    if not cap.height:
        return
    util = pl.col("utilisation").fill_nan(None)
    only = util.is_null() & (pl.col("load") > LOAD_SHOWN)  # overtime only: above any share
    peak = (
        cap.group_by("resource")
        .agg(pl.when(only.any()).then(float("inf")).otherwise(util.max()).alias("peak"))
        .sort(["peak", "resource"], descending=[True, False], nulls_last=True)
    )
    resources = sorted(peak["resource"].head(HEAT_COLUMNS).to_list())
    by = {
        (r["resource"], r["period"]): (r["load"], r["utilisation"])
        for r in cap.filter(pl.col("resource").is_in(resources)).iter_rows(named=True)
    }
    title = "Utilisation (load ÷ regular capacity, %)"
    if peak.height > len(resources):
        title += f": the {len(resources)} busiest of {peak.height} resources"
    t = Table(title=title, title_justify="left")
    t.add_column("period", no_wrap=True)
    for r in resources:
        t.add_column(Text(r), justify="right", no_wrap=True)
    marked = False
    for p in sorted(set(cap["period"].to_list())):
        cells = []
        for r in resources:
            load, u = by.get((r, p), (None, None))
            if overtime_only(load, u):  # no regular hours: never 0 %, never blank
                cells.append(Text(OVERTIME_ONLY_CELL, style=_heat(1.0)))
                marked = True
            elif u is None or u != u:
                cells.append(Text(""))
            else:
                cells.append(Text(f"{100 * u:.0f}", style=_heat(u)))
        t.add_row(p, *cells)
    print_table(console, t)
    if marked:
        console.print(f"{OVERTIME_ONLY_CELL}: load on {OVERTIME_ONLY}")
    if peak.height > len(resources):
        rest = max(peak["peak"].slice(len(resources)).fill_null(0.0).to_list(), default=0.0)
        most = f"{OVERTIME_ONLY} in a period" if rest == float("inf") else f"{100 * rest:.0f}%"
        console.print(
            f"{peak.height - len(resources)} more resources peak at "
            f"{most} or less; every one is in capacity_plan.csv"
        )


def _exceptions(console: Console, run: ReconcileRun, top: int) -> None:
    res = run.result
    assert res is not None
    exc = res.exceptions
    if not exc.height:
        console.print(
            "No exceptions: every segment is served on time, no item is below safety stock "
            f"and no resource or supplier is {AT_A_LIMIT}."
        )
        return
    # ties (an overload that causes no exception is worth 0) keep the file's order: kind,
    # period, then keys
    shown = exc.sort("value", descending=True, maintain_order=True).head(top)
    t = Table(
        title=f"Top exceptions ({exc.height} in all, by value at stake)", title_justify="left"
    )
    stake = f"at stake ({res.currency})"  # the report's heading; "… at stake" in the message
    for c in ("exception", "what", "period", "qty", stake, "cause", "escalate"):
        t.add_column(
            c,
            justify="right" if c in ("qty", stake) else "left",
            no_wrap=c not in ("exception", "what", "cause"),
        )
    for r in shown.iter_rows(named=True):
        what = (r["item"] or r["resource"] or r["material"] or "") + (
            f" / {r['segment']}" if r["segment"] else ""
        )
        cause = constraint_words(r["binding_constraint"])
        gain = "\n".join(cause_words(r, res.currency, price_basis(res.notes)))
        qty = units(r["quantity"])
        if r["kind"] == "overload":  # hours of a resource, units of a supplier's material
            qty += f" {quantity_unit(r['kind'], r['item'], r['resource'])}"
        t.add_row(
            row_label(r),
            what,
            r["period"],
            qty,
            f"{r['value']:,.0f}",
            Text(cause + (f"\n{gain}" if gain else "")),
            r["escalate_to"] or "",
        )
    print_table(console, t)


def show_json(run: ReconcileRun, per_file: int) -> None:
    doc = json_doc(run, per_file)
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")


def json_doc(run: ReconcileRun, per_file: int) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(run.report.to_json(per_file))
    doc["cycle"] = run.ws.cycle_id
    doc["written"] = [p.relative_to(run.ws.root).as_posix() for p in run.written]
    doc["demand"] = run.demand_source
    res = run.result
    if res is not None:
        doc["status"] = res.status
        doc["plan"] = run.summary
        doc["diagnosis"] = res.diagnosis
        doc["hints"] = res.hints
        doc["timings"] = {k: round(v, 4) for k, v in res.timings.items()}
        top = res.exceptions.sort("value", descending=True, maintain_order=True).head(50)
        basis = price_basis(res.notes)
        top = top.with_columns(exception_messages(top, res.currency, basis))  # as in the file
        doc["exceptions"] = top.drop("cause", "price_bound", strict=False).to_dicts()
        doc["ok"] = doc["ok"] and res.ok
    return doc
