"""Arguments and options several commands share, and the bounds of counts (Click checks them
before a command runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

# every count of rows or findings shown (--top, --rows, --max-per-file): a terminal shows far
# fewer, and a larger number would overflow the data libraries after outputs were written
COUNT_MAX = 1_000_000


def not_empty(value: Any) -> Any:
    """Typer callback of an id option or argument: '' (an unset shell variable, `sopctl
    validate "$CYCLE"`) is a usage error, where it used to mean the default."""
    values = value if isinstance(value, list) else [value]
    if any(isinstance(v, str) and not v.strip() for v in values):
        raise typer.BadParameter("is empty: name one, or leave it out for the default")
    return value


def named_path(what: str, example: str) -> Callable[[str], str]:
    """Typer callback of a required path argument (`sopctl init PATH`): '' or blanks (an unset
    shell variable) is a usage error that says what to write. Click would make Path('') the
    current folder before any callback sees it, so such an argument is declared `str`."""

    def check(value: str) -> str:
        if not value.strip():
            raise typer.BadParameter(f"is empty: name {what}, e.g. {example}")
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


# `sopctl init PATH`: a string, as Click makes Path('') the current folder before any callback
NewFolderArg = Annotated[
    str,
    typer.Argument(
        metavar="PATH",
        callback=named_path("the folder for the new planning repository", "sopctl init acme-sop"),
        help="Folder for the new planning repository.",
    ),
]
CycleArg = Annotated[
    str | None,
    typer.Argument(
        metavar="CYCLE",
        help="Cycle id (folder under cycles/). Default: current folder or latest.",
        callback=not_empty,
    ),
]
CycleOpt = Annotated[
    str | None,
    typer.Option(
        "--cycle",
        metavar="CYCLE",
        callback=not_empty,
        help="Cycle id (default: current folder or latest).",
    ),
]
MaxPerFileOpt = Annotated[
    int,
    typer.Option(
        "--max-per-file", metavar="N", min=1, max=COUNT_MAX, help="Findings shown per file."
    ),
]
