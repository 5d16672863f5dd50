"""Commands: sopctl report (the executive pack as HTML), sopctl export xlsx, sopctl import xlsx.

Imported at the end of app.py; each command registers itself on `app`. The work is done in
`sopctl.report` and `sopctl.xlsx`; this module maps options to one call and prints the result.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, state
from .options import ReportOutOpt, WorkbookArg, WorkbookOutOpt, as_path, named_id

if TYPE_CHECKING:
    from ..findings import Report

__all__ = ["app", "state"]

TargetArg = Annotated[
    str | None,
    typer.Argument(
        metavar="CYCLE|TAG",
        help="A cycle id (default: current folder or latest) or a tag sop/<cycle>/v<N>, "
        "which is verified first.",
    ),
]

export_app = typer.Typer(
    help="Export a plan to a file format (xlsx).", no_args_is_help=True, rich_markup_mode=None
)
import_app = typer.Typer(
    help="Import a cycle's inputs from a file format (xlsx).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


class ImportFormat(StrEnum):
    text = "text"
    json = "json"


def _root() -> Path:
    from ..workspace import find_root

    return find_root(state.root or Path.cwd())


def _date(text: str | None) -> dt.date | None:
    from ..errors import UserError
    from ..periods import calendar_date

    if text is None:
        return None
    if (day := calendar_date(text)) is None:
        raise UserError(
            f"--as-of/--today '{text}' is not a date",
            hint="write it as YYYY-MM-DD, e.g. 2026-12-09",
        )
    return day


def _own_warnings(report: Report) -> None:
    """Print the report's own warnings (SOP96x); count the inputs' warnings in one line."""
    own = [f for f in report.sorted() if f.code.startswith("SOP96")]
    for f in own:
        typer.echo(str(f))
    rest = len(report.warnings) - sum(f.severity == "warning" for f in own)
    if rest:
        what = "1 warning" if rest == 1 else f"{rest} warnings"
        typer.echo(f"note: {what} in the inputs (sopctl demand lists them all)")


def _refused(exc: Exception) -> int:
    from ..cli.render import emit
    from ..errors import EXIT_FINDINGS
    from ..report import PlanUnavailable

    assert isinstance(exc, PlanUnavailable)
    if exc.report.errors:
        emit(exc.report, "text", 20)
    typer.echo(f"sopctl: error: {exc.message}", err=True)
    if exc.hint:
        typer.echo(f"hint: {exc.hint}", err=True)
    return EXIT_FINDINGS


@app.command()
def report(
    target: TargetArg = None,
    out: ReportOutOpt = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            metavar="NAME",
            callback=named_id(
                "a scenario",
                "sopctl report --scenario upside",
                "leave it out to compare every declared scenario",
            ),
            help="Compare only these scenarios (repeat the option).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            "--today",
            metavar="DATE",
            help="Date for overdue actions, YYYY-MM-DD (a tag uses its own date).",
        ),
    ] = None,
) -> None:
    """The executive pack: one self-contained HTML file (KPIs against the charter, demand
    waterfall, capacity, inventory, finance bridge, exceptions, scenarios, approvals, actions,
    learn). Exit 1 when there is no plan or a tag does not verify."""
    from ..outputs import shown
    from ..report import PlanUnavailable, build_report

    when = _date(as_of)
    try:
        res = build_report(_root(), target, as_path(out), scenario or None, when)
    except PlanUnavailable as exc:
        raise typer.Exit(_refused(exc)) from None
    _own_warnings(res.report)
    src = res.label + (f" (verified: {res.verdict.replace('_', ' ')})" if res.verdict else "")
    typer.echo(
        f"wrote {shown(res.path)}: cycle {res.cycle} from {src}, {res.charts} charts, "
        f"{res.size / 1024:,.0f} KiB"
    )


@export_app.command("xlsx")
def export_xlsx(
    target: TargetArg = None,
    out: WorkbookOutOpt = None,
    inputs: Annotated[
        bool,
        typer.Option(
            "--inputs",
            help="Write the input tables instead of the results (for editing and "
            "'sopctl import xlsx').",
        ),
    ] = False,
) -> None:
    """Write the plan's result tables (one sheet each, plus a summary) to an .xlsx workbook:
    header frozen, number formats, widths, utilisation above 100 % highlighted."""
    raise typer.Exit(run_export(target, as_path(out), inputs))


def run_export(target: str | None, out: Path | None, inputs: bool) -> int:
    from ..errors import EXIT_FINDINGS, EXIT_OK
    from ..outputs import shown, write_atomic
    from ..report import PlanUnavailable, default_out, plan_source
    from ..xlsx import require

    require("xlsxwriter")
    root = _root()
    try:
        with plan_source(root, target, solve=not inputs) as src:
            from ..xlsx.export import export_inputs, export_outputs

            res = export_inputs(src.ws) if inputs else export_outputs(src)
            path = out or default_out(root, src, "inputs" if inputs else "plan", "xlsx")
            label = src.tag.name if src.tag else "working tree"
    except PlanUnavailable as exc:
        return _refused(exc)
    if res.report.errors:
        from .render import emit

        emit(res.report, "text", 20)
        typer.echo("sopctl: error: nothing written", err=True)
        return EXIT_FINDINGS
    write_atomic(path, res.data, follow=out is not None)  # a named --out: through a link
    rows = sum(n for _, n in res.sheets)
    typer.echo(
        f"wrote {shown(path)} from {label}: {len(res.sheets)} sheets, {rows:,} rows "
        f"({', '.join(s for s, _ in res.sheets)})"
    )
    return EXIT_OK


@import_app.command("xlsx")
def import_xlsx(
    workbook: WorkbookArg,
    cycle: Annotated[
        str | None,
        typer.Argument(
            metavar="CYCLE",
            help="Cycle id (default: current folder or latest). A workbook exported from "
            "another cycle is imported only into a cycle named here.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the sheets and list the files; write nothing.")
    ] = False,
    fmt: Annotated[ImportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ImportFormat.text
    ),
) -> None:
    """Sheets named after input tables become the cycle's CSV inputs, checked like
    'sopctl validate' (findings name sheet, row and column: plan.xlsx:pipeline!C12) and
    written all at once; nothing is written when any sheet is invalid (exit 1). A sheet not
    edited since the export leaves its file alone; an edited sheet whose file changed in the
    repository since the export is refused (exit 1)."""
    raise typer.Exit(run_import(Path(workbook), cycle, dry_run, fmt.value))


def _chosen(root: Path, cycle_id: str) -> str:
    """How a cycle not named on the command line was picked."""
    try:
        rel = Path.cwd().resolve().relative_to(root.resolve() / "cycles")
    except ValueError:
        rel = None
    if rel is not None and rel.parts and rel.parts[0] == cycle_id:
        return "the cycle of the current folder"
    return "the latest cycle"


def run_import(workbook: Path, cycle: str | None, dry_run: bool, fmt: str) -> int:
    import json

    from ..errors import EXIT_FINDINGS, EXIT_OK, UserError
    from ..workspace import pick_cycle
    from ..xlsx import require
    from ..xlsx.load import import_workbook

    require("openpyxl")
    if not workbook.is_file():
        from ..files import unusable

        kind = unusable(workbook)
        what = f"is {kind}" if kind else "not found"
        raise UserError(f"workbook {workbook} {what}", hint="name an .xlsx file")
    root = _root()
    cycle_id = pick_cycle(root, cycle, Path.cwd())
    chosen = None if cycle else _chosen(root, cycle_id)
    res = import_workbook(root, cycle_id, workbook, dry_run=dry_run, chosen=chosen)
    if fmt == "json":
        doc = json.loads(res.report.to_json(50))
        doc |= {
            "cycle": cycle_id,
            "dry_run": dry_run,
            "written": res.written,
            "changed": res.changed,
            "unchanged": res.unchanged,
            "untouched": res.untouched,
            "no_sheet": res.no_sheet,
        }
        doc["sheets"] = [{"sheet": s, "file": f} for s, f in res.sheets]
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    else:
        shown = res.report.sorted()
        for f in shown[:200]:
            typer.echo(str(f))
        if len(shown) > 200:
            typer.echo(f"note: {len(shown) - 200} more findings not shown")
        if not res.ok:
            n = len(res.report.errors)
            typer.echo(f"failed: {n} error{'s' if n != 1 else ''}; nothing written")
            return EXIT_FINDINGS
        inputs = f"cycles/{cycle_id}/inputs/"
        for name in res.changed:
            typer.echo(f"{'would write' if dry_run else 'wrote'} {inputs}{name}")
        if res.unchanged:
            typer.echo(f"unchanged: {', '.join(res.unchanged)}")
        if res.untouched:
            typer.echo(f"not edited since the export, left as they are: {', '.join(res.untouched)}")
        if res.no_sheet:
            typer.echo(f"no sheet, files left as they are: {', '.join(res.no_sheet)}")
        if dry_run:
            typer.echo(f"ok: {len(res.sheets)} sheets valid; nothing written (--dry-run)")
    return EXIT_OK if res.ok else EXIT_FINDINGS
