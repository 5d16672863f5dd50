"""Commands: sopctl codeowners (a CODEOWNERS section from the charter).

Imported at the end of app.py; each command registers itself on `app`.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import EXIT_OK
from .app import app, state
from .options import CodeownersPathOpt, as_path

__all__ = ["app", "codeowners", "run_codeowners", "state"]


@app.command()
def codeowners(
    write: Annotated[
        bool,
        typer.Option("--write", help="Write the section into the CODEOWNERS file (atomically)."),
    ] = False,
    path: CodeownersPathOpt = None,
) -> None:
    """Generate the CODEOWNERS section from the charter's input owners and decision rights.

    Without --write the section is printed; with --write only the part between the
    '# BEGIN sopctl' and '# END sopctl' lines is replaced and the change is shown."""
    raise typer.Exit(run_codeowners(state.root, write, as_path(path)))


def run_codeowners(root: Path | None, write: bool, path: Path | None) -> int:
    from .. import codeowners as co
    from ..outputs import shown, write_atomic
    from ..workspace import find_root

    plan = find_root(root or Path.cwd())
    top = co.git_top(plan)
    target = path.resolve() if path is not None else co.default_path(top)
    section = co.generate(plan, top)
    if not write:
        sys.stdout.write(section.text)
        return EXIT_OK
    before = target.read_text(encoding="utf-8") if target.is_file() else ""
    after = co.merge(before, section)
    where = shown(target)
    if after == before:
        print(f"{where}: up to date, nothing written")
        return EXIT_OK
    write_atomic(target, after)
    old, _ = co.current_section(before)
    diff = list(
        difflib.unified_diff(old or [], section.lines, f"a/{where}", f"b/{where}", n=0, lineterm="")
    )
    verb = "created" if not before else ("updated the section in" if old else "added a section to")
    added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
    removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
    print(f"{verb} {where} (+{added} -{removed} lines)")
    for d in diff:
        print(d)
    return EXIT_OK
