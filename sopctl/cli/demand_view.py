"""Rich and JSON views of a demand run."""

from __future__ import annotations

import json
import sys
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..demand import DemandRun
from ..signal import COMPONENTS
from ..signal.compare import coverage_summary
from .fit import print_table
from .render import emit

NUM = "{:,.0f}"
# rows of the largest changes against the previous cycle: the text view shows the first
# CHANGES_SHOWN, the JSON lists CHANGES_LISTED (all that build_demand keeps, its top_changes)
CHANGES_SHOWN = 10
CHANGES_LISTED = 20


def _totals(run: DemandRun) -> pl.DataFrame:
    assert run.result is not None
    return (
        run.result.plan.group_by("period", maintain_order=True)
        .agg(pl.col(c).sum() for c in (*COMPONENTS, "final"))
        .sort("period")
    )


def missing_note(run: DemandRun) -> str:
    """Why there is no comparison with the previous cycle's plan, and how to get one. The plan
    is not rebuilt from the previous cycle's tag here: that would cost a second demand build
    (validation included) on every run in a fresh clone."""
    from ..governance.log import committed_state
    from ..workspace import command

    prev = run.previous_cycle or ""
    again = f"'{command('demand', prev)}'"
    if run.comparison_note:  # a plan on disk that is not the one of the previous cycle's tag
        return (
            f"No comparison: {run.comparison_note}; check out that tag's inputs and run "
            f"{again} to rebuild it, then this command again."
        )
    if (run.ws.root / "cycles" / prev / "outputs" / "demand_plan.csv").is_file():
        return (
            f"No comparison: cycle {prev}'s outputs/demand_plan.csv cannot be read; {again} "
            "writes it again, then run this command again."
        )
    state = committed_state(run.ws.root, prev)  # the latest tag that verifies cheaply
    said = ([f"committed as {state.entry.tag}"] if state.entry else []) + state.skipped()
    committed = f" ({'; '.join(said)})" if said else ""
    return (
        f"No comparison: cycle {prev}{committed} has no outputs/demand_plan.csv in this clone "
        f"(outputs are git-ignored). Run {again} to rebuild it from that cycle's inputs, then "
        "this command again."
    )


def show_text(run: DemandRun, per_file: int) -> None:
    console = Console(highlight=False, soft_wrap=False)
    res, ws = run.result, run.ws
    assert res is not None and ws.charter is not None
    labels = ws.periods()
    console.print(
        f"[bold]Demand plan[/] cycle {ws.cycle_id} ({escape(ws.charter.organisation.name)}): "
        f"{len(labels)} periods {labels[0]}..{labels[-1]}, "
        f"{res.plan.select('item', 'segment').n_unique()} series"
    )
    t = Table(title="Totals per period (units)", title_justify="left")
    t.add_column("period")
    for c in (*COMPONENTS, "final"):
        t.add_column(c, justify="right", style="bold" if c == "final" else None)
    for row in _totals(run).iter_rows(named=True):
        t.add_row(row["period"], *(NUM.format(row[c]) for c in (*COMPONENTS, "final")))
    print_table(console, t)
    methods = res.baseline_methods.group_by("method").len().sort("len", "method", descending=True)
    console.print(
        "Baseline methods: "
        + ", ".join(f"{m} {n}" for m, n in methods.iter_rows())
        + (
            f" (pipeline replaces the baseline for {', '.join(res.baseline_replaced_for)})"
            if res.baseline_replaced_for
            else ""
        )
    )
    cov = coverage_summary(res.coverage)
    if cov.height:
        ct = Table(
            title="Pipeline coverage over the periods with a target (weighted pipeline ÷ target)",
            title_justify="left",
        )
        for c in ("segment", "weighted pipeline", "target", "coverage", "lowest period"):
            ct.add_column(c, justify="left" if c == "segment" else "right")
        for r in cov.iter_rows(named=True):
            low = "" if r["lowest"] is None else f"{r['lowest_period']} ({r['lowest']:.2f})"
            ct.add_row(
                r["segment"],
                NUM.format(r["weighted_pipeline"]),
                NUM.format(r["target"]),
                f"{r['coverage']:.2f}" if r["coverage"] is not None else "-",
                low,
            )
        print_table(console, ct)
    if res.changes.height:
        ch = Table(title=f"Largest changes vs cycle {run.previous_cycle}", title_justify="left")
        for c in ("item", "segment", "period", "previous", "final", "change"):
            ch.add_column(c, justify="right" if c in ("previous", "final", "change") else "left")
        for r in res.changes.head(CHANGES_SHOWN).iter_rows(named=True):
            ch.add_row(
                r["item"],
                r["segment"],
                r["period"],
                NUM.format(r["previous"]),
                NUM.format(r["final"]),
                f"{r['change']:+,.0f}",
            )
        print_table(console, ch)
    else:
        console.print(
            {
                "compared": f"No change of final demand against cycle {run.previous_cycle}.",
                "missing": missing_note(run),
                "disjoint": f"No comparison: cycle {run.previous_cycle} plans no period of "
                "this horizon.",
            }.get(run.comparison, "No comparison: this is the first cycle.")
        )
    if run.previous_source:
        console.print(f"Previous cycle {run.previous_cycle} read from the {run.previous_source}.")
    if run.report.findings:
        emit(run.report, "text", per_file)
    for path in run.written:
        console.print(f"wrote {path.relative_to(ws.root).as_posix()}")


def show_json(run: DemandRun, per_file: int) -> None:
    doc: dict[str, Any] = json.loads(run.report.to_json(per_file))
    doc["cycle"] = run.ws.cycle_id
    doc["written"] = [p.relative_to(run.ws.root).as_posix() for p in run.written]
    if run.result is not None:
        doc["totals"] = _totals(run).to_dicts()
        doc["coverage"] = coverage_summary(run.result.coverage).to_dicts()
        doc["changes"] = run.result.changes.head(CHANGES_LISTED).to_dicts()
        doc["previous_cycle"] = run.previous_cycle
        doc["comparison"] = run.comparison  # first, missing, disjoint or compared
        doc["comparison_note"] = run.comparison_note or None  # why missing, when a plan was
        doc["previous_source"] = run.previous_source  # "tag sop/<c>/v<N>", "working tree", None
        doc["baseline_methods"] = dict(
            run.result.baseline_methods.group_by("method").len().sort("method").iter_rows()
        )
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
