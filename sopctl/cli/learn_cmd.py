"""Command: sopctl learn (outcomes against the committed plan and its assumptions).

The scorecard is computed in `sopctl.learn`; this module maps options to one call and renders
the result (Rich text here; JSON and Markdown come from the core).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, state
from .fit import print_table, wrap_lines
from .options import COUNT_MAX, ActualsOpt, as_path, named_id

if TYPE_CHECKING:
    from rich.console import Console

    from ..learn.engine import LearnResult

__all__ = ["app", "state"]


class LearnFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def learn(
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="TAG|CYCLE",
            callback=named_id(
                "a tag or a cycle",
                "sopctl learn sop/2026-11/v1",
                "leave it out for the cycle of the current folder, else the latest committed",
            ),
            help="A tag sop/<cycle>/v<N>, or a cycle (its highest tag). Default: the cycle of "
            "the current folder, else the latest committed cycle.",
        ),
    ] = None,
    actuals: ActualsOpt = None,
    fmt: Annotated[
        LearnFormat, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = LearnFormat.text,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest",
            help="Write learn/<cycle>/charter.patch with recalibrated stage probabilities "
            "for review (the charter itself is never edited).",
        ),
    ] = False,
    rows: Annotated[
        int,
        typer.Option(
            "--rows", metavar="N", min=1, max=COUNT_MAX, help="Item breaches shown per metric."
        ),
    ] = 10,
) -> None:
    """Learn: compare what happened (actuals) with the plan committed in a tag — forecast
    quality, accuracy by lag, service, inventory, plan adherence, pipeline calibration and
    assumptions — and write learn/<cycle>/scorecard.csv and series.csv. Exit 1 when a metric
    with severity error breaches or the actuals are invalid; 2 for an unknown tag or no
    actuals."""
    raise typer.Exit(run_learn_cmd(state.root, target, as_path(actuals), fmt.value, suggest, rows))


def run_learn_cmd(
    root: Path | None,
    target: str | None,
    actuals: Path | None,
    fmt: str,
    suggest: bool,
    rows: int,
) -> int:
    import sys

    from rich.console import Console

    from ..learn.engine import run_learn
    from ..learn.render import to_json, to_markdown
    from .render import report_text

    err = Console(stderr=True)
    if fmt == "text" and err.is_terminal:
        with err.status("learning") as status:
            res = run_learn(
                root, target, actuals, suggest=suggest, progress=lambda m: status.update(m)
            )
    else:
        res = run_learn(root, target, actuals, suggest=suggest)
    if not res.ok and not res.scorecard.height:
        if fmt == "json":
            sys.stdout.write(to_json(res))
        else:
            sys.stdout.write(report_text(res.report, 20) + "\n")
        return res.exit_code
    if fmt == "json":
        sys.stdout.write(to_json(res))
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(res, rows))
    else:
        show_text(res, Console(highlight=False), rows)
    return res.exit_code


def show_text(res: LearnResult, console: Console, rows: int) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from ..learn.render import (
        TITLES,
        limit_notes,
        no_data_notes,
        shown_rows,
        target_text,
        value_text,
    )
    from ..learn.scorecard import SECTIONS
    from ..learn.signs import value_suffix

    console.print(
        f"[bold]Learn[/] cycle {escape(res.cycle)} against {escape(res.tag)} ({res.commit[:7]})"
    )
    made = ", ".join(f"{k} ({v})" for k, v in sorted(res.sources.items()))
    console.print(Text(f"committed plan: {made or 'none'}"))
    files = ", ".join(sorted(res.actuals_files)) or "none"
    console.print(
        Text(f"actuals: {res.actuals} ({files}); observed: {', '.join(res.observed) or 'none'}")
    )
    if len(res.lag_tags) > 1:
        console.print(Text(f"lag analysis over: {', '.join(res.lag_tags)}"))
    for f in res.report.sorted():
        console.print(Text(str(f), style="red" if f.severity == "error" else "yellow"))
    style = {"breach": "bold red", "ok": "green", "no_data": "dim", "info": ""}
    for section in SECTIONS:
        part, left = shown_rows(res.scorecard, section, rows)
        if not part.height:
            continue
        t = Table(title=TITLES[section], title_justify="left")
        t.add_column("for", ratio=2)
        t.add_column("metric", no_wrap=True)
        t.add_column("value", justify="right", no_wrap=True, min_width=8)
        t.add_column("target", justify="right", no_wrap=True)
        t.add_column("status", no_wrap=True, min_width=7)
        t.add_column("owner → escalation", ratio=1, overflow="fold")  # breaches only
        for r in part.iter_rows(named=True):
            breach = r["status"] == "breach"
            who = f"{r['owner']} → {r['escalate_to']}" if r["escalate_to"] else r["owner"]
            t.add_row(
                r["scope"] if r["scope"] == "total" else f"{r['scope']} {r['key']}",
                r["metric"],
                value_text(r) + value_suffix(r["section"], r["metric"], r["value"]),
                target_text(r),
                Text(r["status"], style=style.get(r["status"], "")),
                who if breach else "",
            )
        print_table(console, t)
        if left:
            console.print(Text(f"  {left}"))
        notes = [f"  no data for {note}" for note in no_data_notes(part)]
        notes += [f"  {note}" for note in limit_notes(res.scorecard, section)]
        for line in wrap_lines(notes, console.width):
            console.print(Text(line, style="dim"), soft_wrap=True)
    errors = res.scorecard.filter(
        (res.scorecard["status"] == "breach") & (res.scorecard["severity"] == "error")
    ).height
    console.print(Text(f"{res.breaches} breaches ({errors} with severity error)"))
    if res.patch:
        console.print(Text("suggested charter change: learn/" + res.cycle + "/charter.patch"))
    elif res.suggestions:
        console.print(Text("recalibration suggested; rerun with --suggest to write the patch"))
    for p in res.written:
        console.print(Text(f"wrote {p}"))
    for p in res.removed:  # only a charter.patch of an earlier run this run did not suggest
        console.print(Text(f"removed {p} (an earlier run's; this run suggests no change)"))
