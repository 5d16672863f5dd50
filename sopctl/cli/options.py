"""Arguments and options several commands share, and the bounds of counts (Click checks them
before a command runs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

# every count of rows or findings shown (--top, --rows, --max-per-file): a terminal shows far
# fewer, and a larger number would overflow the data libraries after outputs were written
COUNT_MAX = 1_000_000


def named_id(what: str, example: str, or_else: str) -> Callable[[Any], Any]:
    """Typer callback of an id argument or option (a cycle, a scenario, a revision): ''
    or blanks (an unset shell variable, `sopctl validate "$CYCLE"`) is a usage error, where it
    used to mean the default. The message says what to write, with an example, and what
    leaving it out does (`or_else`), as `named_path`'s does for paths."""

    def check(value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not v.strip() for v in values):
            raise typer.BadParameter(f"is empty: name {what}, e.g. {example}, or {or_else}")
        return value

    return check


CYCLE_DEFAULT = "leave it out for the cycle of the current folder, else the latest"


def named_path(what: str, example: str, or_else: str = "") -> Callable[[str | None], str | None]:
    """Typer callback of every path argument and option (`sopctl init PATH`, `--out FILE`):
    '' or blanks (an unset shell variable) is a usage error that says what to write, and for
    an option what leaving it out does (`or_else`). Click would make Path('') the current
    folder before any callback sees it, so such a parameter is declared `str`; a test finds
    every path parameter of the app and gives it ''."""

    def check(value: str | None) -> str | None:
        if value is not None and not value.strip():
            other = f", or {or_else}" if or_else else ""
            raise typer.BadParameter(f"is empty: name {what}, e.g. {example}{other}")
        return value

    return check


def name_empty_extras(exc: Exception) -> None:
    """Click's "Got unexpected extra argument(s) ()" for a command given only empty
    arguments (`sopctl codeowners ''`, an unset shell variable) shows nothing between the
    brackets: name the empty argument instead."""
    message = getattr(exc, "message", None)
    if not isinstance(message, str) or not message.startswith("Got unexpected extra argument"):
        return
    extras = message[message.find(") (") + 3 : message.rfind(")")]  # "argument(s) (...)"
    if not extras.strip():
        exc.message = (  # type: ignore[attr-defined]
            "Got an unexpected empty argument (''): leave it out (an unset shell variable?)"
        )


# Every path argument and option: a string, as Click makes Path('') the current folder before
# any callback sees it; `named_path` refuses '' and blanks with what to write instead.
RootOpt = Annotated[
    str | None,
    typer.Option(
        "--root",
        metavar="PATH",
        callback=named_path(
            "the planning repository's folder",
            "sopctl --root acme-sop validate",
            "leave it out to find it from the current folder",
        ),
        help="Planning repository (default: found from the current folder).",
    ),
]
NewFolderArg = Annotated[
    str,
    typer.Argument(
        metavar="PATH",
        callback=named_path("the folder for the new planning repository", "sopctl init acme-sop"),
        help="Folder for the new planning repository.",
    ),
]
SchemaOutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        metavar="DIR",
        callback=named_path(
            "the folder to write the schemas to",
            "sopctl schema --out schemas",
            "leave it out for schemas/ in the planning repository",
        ),
        help="Folder to write the schemas to (default: schemas/ in the planning repository).",
    ),
]
ExportMpsOpt = Annotated[
    str | None,
    typer.Option(
        "--export-mps",
        metavar="FILE",
        callback=named_path(
            "the MPS file to write the cost LP to",
            "sopctl reconcile --export-mps plan.mps",
            "leave it out",
        ),
        help="Also write the cost LP to this MPS file.",
    ),
]
CheckOutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        callback=named_path(
            "the file to write the report to",
            "sopctl check --output check.md",
            "leave it out to print the report",
        ),
        help="Write the report to FILE instead.",
    ),
]
CodeownersPathOpt = Annotated[
    str | None,
    typer.Option(
        "--path",
        metavar="FILE",
        callback=named_path(
            "the CODEOWNERS file",
            "sopctl codeowners --path .github/CODEOWNERS",
            "leave it out for the one GitHub reads",
        ),
        help="CODEOWNERS file (default: the one GitHub reads, else .github/CODEOWNERS "
        "at the top of the git repository).",
    ),
]
ActualsOpt = Annotated[
    str | None,
    typer.Option(
        "--actuals",
        metavar="PATH",
        callback=named_path(
            "a folder of actuals CSVs or one CSV",
            "sopctl learn --actuals actuals/2026-12",
            "leave it out for actuals/<cycle>/, else actuals/",
        ),
        help="Actuals: a folder of CSVs or one CSV (default: actuals/<cycle>/, else "
        "actuals/ in the planning repository).",
    ),
]
ReportOutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        metavar="FILE",
        callback=named_path(
            "the HTML file to write",
            "sopctl report --out pack.html",
            "leave it out for cycles/<id>/outputs/report.html",
        ),
        help="HTML file to write (default: cycles/<id>/outputs/report.html).",
    ),
]
WorkbookOutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        metavar="FILE",
        callback=named_path(
            "the workbook to write",
            "sopctl export xlsx --out plan.xlsx",
            "leave it out for cycles/<id>/outputs/plan.xlsx (or inputs.xlsx)",
        ),
        help="Workbook to write (default: cycles/<id>/outputs/plan.xlsx, or inputs.xlsx).",
    ),
]
WorkbookArg = Annotated[
    str,
    typer.Argument(
        metavar="WORKBOOK",
        callback=named_path("the .xlsx workbook to read", "sopctl import xlsx plan.xlsx"),
        help="The .xlsx workbook to read.",
    ),
]


def as_path(value: str | None) -> Path | None:
    """An optional path parameter (declared `str`, see above) as the Path the commands take."""
    return Path(value) if value is not None else None


CycleArg = Annotated[
    str | None,
    typer.Argument(
        metavar="CYCLE",
        help="Cycle id (folder under cycles/). Default: current folder or latest.",
        callback=named_id("a cycle (a folder under cycles/)", "2026-12", CYCLE_DEFAULT),
    ),
]
CycleOpt = Annotated[
    str | None,
    typer.Option(
        "--cycle",
        metavar="CYCLE",
        callback=named_id("a cycle (a folder under cycles/)", "--cycle 2026-12", CYCLE_DEFAULT),
        help="Cycle id (default: current folder or latest).",
    ),
]
MaxPerFileOpt = Annotated[
    int,
    typer.Option(
        "--max-per-file", metavar="N", min=1, max=COUNT_MAX, help="Findings shown per file."
    ),
]
