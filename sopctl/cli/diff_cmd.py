"""Commands: sopctl diff (the plan diff between two revisions).

Imported at the end of app.py; each command registers itself on `app`. The diff itself is
computed in `sopctl.plandiff`; this module maps options to one call and renders the result
(Rich text here; Markdown and JSON come from the core).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, state
from .fit import print_table
from .options import COUNT_MAX, CycleOpt, named_id

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..plandiff.model import PlanDiff, TableDiff

__all__ = ["app", "state"]


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def diff(
    rev_a: Annotated[
        str | None,
        typer.Argument(
            metavar="REV_A",
            callback=named_id(
                "the base revision (a commit, tag or branch)",
                "sopctl diff sop/2026-12/v1",
                "leave it out for the cycle's last approved tag",
            ),
            help="Base revision: commit, tag or branch "
            "(default: the cycle's last approved tag sop/<cycle>/v<N>).",
        ),
    ] = None,
    rev_b: Annotated[
        str | None,
        typer.Argument(
            metavar="REV_B",
            callback=named_id(
                "the revision to compare with the base",
                "sopctl diff sop/2026-12/v1 HEAD",
                "leave it out for the working tree",
            ),
            help="Revision to compare with the base (default: the working tree).",
        ),
    ] = None,
    cycle: CycleOpt = None,
    from_cycle: Annotated[
        str | None,
        typer.Option(
            "--from-cycle",
            metavar="CYCLE",
            callback=named_id(
                "the cycle of side A",
                "sopctl diff --from-cycle 2026-11",
                "leave it out to compare within the cycle",
            ),
            help="Side A is this cycle (default REV_A: its last approved tag), e.g. last "
            "month's committed plan against this month's.",
        ),
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text, json (for CI) or markdown (PR comment)."),
    ] = DiffFormat.text,
    rows: Annotated[
        int,
        typer.Option(
            "--rows",
            metavar="N",
            min=1,
            max=COUNT_MAX,
            help="Example rows and exceptions shown per table.",
        ),
    ] = 10,
) -> None:
    """The plan diff: input rows by key, charter/cycle keys, and how the plan moved
    (demand, production, service, revenue, margin, working capital, cost, exceptions).
    Exit 1 when a side fails validation or has no feasible plan."""
    raise typer.Exit(run_diff_cmd(state.root, rev_a, rev_b, cycle, fmt.value, rows, from_cycle))


def run_diff_cmd(
    root: Path | None,
    rev_a: str | None,
    rev_b: str | None,
    cycle: str | None,
    fmt: str,
    rows: int,
    from_cycle: str | None = None,
) -> int:
    import sys

    from rich.console import Console

    from ..errors import EXIT_FINDINGS, EXIT_OK
    from ..plandiff.engine import plan_diff, resolve_base
    from ..plandiff.markdown import to_markdown
    from ..workspace import find_root, pick_cycle

    top = find_root(root or Path.cwd())
    cycle_id = cycle or pick_cycle(top, None, Path.cwd())
    named = "--from-cycle" if from_cycle else "--cycle"
    base = resolve_base(top, from_cycle or cycle_id, rev_a, named)
    err = Console(stderr=True)
    if fmt == "text" and err.is_terminal:
        with err.status("comparing") as status:
            result = plan_diff(
                top,
                cycle_id,
                base,
                rev_b,
                limit=rows,
                progress=lambda m: status.update(m),
                cycle_a=from_cycle,
            )
    else:
        result = plan_diff(top, cycle_id, base, rev_b, limit=rows, cycle_a=from_cycle)
    if fmt == "json":
        sys.stdout.write(result.to_json())
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(result))
    else:
        show_text(result, Console(highlight=False))
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _side(label: str, commit: str | None) -> str:
    return f"{label} ({commit[:7]})" if commit else label


def show_text(d: PlanDiff, console: Console) -> None:
    from rich.markup import escape
    from rich.text import Text

    from ..plandiff.words import headline, sides_line

    console.print(f"[bold]Plan diff[/] {escape(sides_line(d, _side))}")
    console.print(Text(headline(d)))
    for note in d.notes:
        console.print(Text(f"note: {note}"))
    for label, s in (("A", d.a), ("B", d.b)):
        if not s.ok:
            console.print(
                f"[bold red]Side {label} ({escape(s.label)}) has no plan[/] ({s.status}):"
            )
            for line in s.errors:
                console.print(Text(f"  {line}"))
    _outputs(d, console)
    _inputs(d, console)
    _yaml(d, console)


def _outputs(d: PlanDiff, console: Console) -> None:
    from rich.text import Text

    from ..exception_words import kind_words
    from ..plandiff.words import kpi_label, num, points, share, signed

    out = d.outputs
    if out is None:
        console.print("No plan comparison: fix the side(s) above first.")
        return
    a, b = d.a.label, d.b.label
    t = _table("Plan", ["", a, b, "Δ"])
    for k in out.kpis:
        t.add_row(kpi_label(k.name, out.currency), num(k.old), num(k.new), _delta(signed(k)))
    print_table(console, t)
    moved = [p for p in out.periods if p.changed()]
    if moved:
        head = ["period", "demand A", "demand B", "Δ", "prod. A", "prod. B", "Δ"]
        t = _table("Demand and production per period (changed periods)", head)
        for p in moved:
            dm, pr = p.demand, p.production
            t.add_row(
                p.period,
                num(dm.old),
                num(dm.new),
                _delta(signed(dm)),
                num(pr.old),
                num(pr.new),
                _delta(signed(pr)),
            )
        print_table(console, t)
    else:
        console.print("Demand and production: no change in any period.")
    t = _table("Service level per segment", ["segment", a, b, "Δ"])
    for s in out.service:
        t.add_row(s.name, share(s.old), share(s.new), _delta(points(s)))
    print_table(console, t)
    console.print(
        f"Exceptions: {out.appeared_count} appeared, {out.cleared_count} cleared, "
        f"{out.kept_count} still open"
        + "".join(
            f"; {kind_words(k.name)} {num(k.old)} → {num(k.new)}" for k in out.exceptions_by_kind
        )
    )
    shown = [("appeared", e) for e in out.appeared] + [("cleared", e) for e in out.cleared]
    if shown:
        t = _table(
            "", ["", "exception", "what", "period", "qty", f"at stake ({out.currency})"], {4, 5}
        )
        for tag, e in shown:
            style = "red" if tag == "appeared" else "green"
            qty = num(e.quantity) + (f" {e.unit}" if e.kind == "overload" else "")
            t.add_row(Text(tag, style=style), e.label, e.what, e.period, qty, num(e.value))
        print_table(console, t)


def _inputs(d: PlanDiff, console: Console) -> None:
    from ..plandiff.words import table_counts

    t = _table("Inputs (rows compared by key)", ["file", "table", "key", "rows"], set())
    for tab in d.tables:
        t.add_row(tab.file, tab.table, ", ".join(tab.key), table_counts(tab))
    print_table(console, t)
    for tab in d.tables:
        if tab.status != "unchanged" or tab.notes:
            _table_detail(tab, console)


def _table_detail(tab: TableDiff, console: Console) -> None:
    from rich.text import Text

    from ..plandiff.words import cell, row_text

    console.print(Text(f"{tab.file}:", style="bold"))
    for n in tab.notes:
        console.print(Text(f"  note: {n}"))
    if tab.columns_added:
        console.print(Text(f"  columns added: {', '.join(tab.columns_added)}"))
    if tab.columns_removed:
        console.print(Text(f"  columns removed: {', '.join(tab.columns_removed)}"))
    for c in tab.changes:
        key = " / ".join(cell(v) for v in c.key.values())
        cells = ", ".join(f"{x.column}: {cell(x.old)} → {cell(x.new)}" for x in c.cells)
        console.print(Text(f"  ~ {key}: {cells}", style="yellow"))
    _more(console, tab.changed, len(tab.changes), "changed rows")
    for sign, style, rows, total in (
        ("+", "green", tab.added_rows, tab.added),
        ("-", "red", tab.removed_rows, tab.removed),
    ):
        for r in rows:
            console.print(Text(f"  {sign} {row_text(r, tab.key)}", style=style))
        _more(console, total, len(rows), "added rows" if sign == "+" else "removed rows")


def _more(console: Console, total: int, shown: int, what: str) -> None:
    if total > shown:
        console.print(f"  … and {total - shown} more {what} (raise --rows)")


def _yaml(d: PlanDiff, console: Console) -> None:
    from rich.text import Text

    from ..plandiff.words import yaml_new, yaml_old

    changed = [y for y in d.yaml if y.changes or y.notes]
    if not changed:
        console.print("Charter and cycle: no change.")
        return
    for y in changed:
        console.print(Text(f"{y.file}:", style="bold"))
        for n in y.notes:
            console.print(Text(f"  note: {n}"))
        for c in y.changes:
            console.print(Text(f"  {c.path}: {yaml_old(c)} → {yaml_new(c)}"))


def _table(title: str, columns: list[str], right: set[int] | None = None) -> Table:
    """A table whose columns after the first are right-aligned (numbers) unless `right` says."""
    from rich.table import Table

    right = set(range(1, len(columns))) if right is None else right
    t = Table(title=title or None, title_justify="left")
    for i, c in enumerate(columns):
        t.add_column(c, justify="right" if i in right else "left")
    return t


def _delta(text: str) -> Text:
    from rich.text import Text

    return Text(text, style="dim" if text == "0" else "bold")
