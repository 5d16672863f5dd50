"""Command: sopctl adopt SCENARIO — the scenario's overlays written into the cycle's own files.

The work lives in `sopctl.scenarios.adopt`; this module only parses options and prints.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .app import app, state

__all__ = ["app", "state"]


class AdoptFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def adopt(
    scenario: Annotated[
        str, typer.Argument(metavar="NAME", help="The scenario to adopt (cycle.yaml register).")
    ],
    cycle: Annotated[
        str | None,
        typer.Argument(metavar="CYCLE", help="Cycle id (default: current folder or latest)."),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="EMAIL",
            help="Owner of the overrides a demand overlay becomes (default: git user.email).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and list the changes; write nothing.")
    ] = False,
    fmt: Annotated[AdoptFormat, typer.Option("--format", "-f", help="Output format.")] = (
        AdoptFormat.text
    ),
) -> None:
    """Commit to a scenario: write its overlays into the cycle's inputs (changed, added and
    removed rows; demand overlays as delta overrides), move its description into cycle.yaml's
    assumptions and remove it from the register. Checked on a copy first; nothing is written
    when the result would not validate (exit 1)."""
    raise typer.Exit(run_adopt(state.root, scenario, cycle, owner, dry_run, fmt.value))


def run_adopt(
    root: Path | None, sid: str, cycle: str | None, owner: str | None, dry_run: bool, fmt: str
) -> int:
    import json
    import sys

    from ..errors import EXIT_FINDINGS, EXIT_OK, UserError
    from ..scenarios.adopt import plan_adoption, write_adoption
    from ..workspace import find_root

    top = find_root(root or Path.cwd())
    if owner is None:
        from ..vcs import user_email

        try:
            owner = user_email(top)
        except UserError:
            owner = None  # asked for only when the scenario changes demand
    res = plan_adoption(top, cycle, sid, owner)
    if res.ok:
        _committed_first(top, sid, [*res.files, *res.remove], res.reads)
    if res.ok and not dry_run:
        write_adoption(res)
    if fmt == "json":
        doc = json.loads(res.report.to_json(50))
        doc |= {
            "scenario": sid,
            "dry_run": dry_run,
            "written": res.written,
            "overrides": res.overrides,
            "changes": [{"path": c.path, "what": c.what, "owner": c.owner} for c in res.changes],
        }
        sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
        return EXIT_OK if res.ok else EXIT_FINDINGS
    for f in res.report.sorted():
        typer.echo(str(f))
    if not res.ok:
        n = len(res.report.errors)
        typer.echo(f"failed: {n} error{'s' if n != 1 else ''}; nothing written")
        return EXIT_FINDINGS
    head = f"adopting scenario {sid} would change:" if dry_run else f"adopted scenario {sid}:"
    typer.echo(head)
    width = max(len(c.path) for c in res.changes)
    for c in res.changes:
        who = f"  (owner {c.owner})" if c.owner else ""
        typer.echo(f"  {c.path.ljust(width)}  {c.what}{who}")
    if dry_run:
        typer.echo("nothing written (--dry-run)")
    else:
        typer.echo(
            "next: sopctl reconcile, then commit; sopctl check accepts each file's rows from "
            "its owner role (or a role holding the table's right)"
        )
    return EXIT_OK


def _committed_first(top: Path, sid: str, paths: list[Path], reads: list[Path]) -> None:
    """Refuse (exit 2) when git could not give back a file the adoption changes or removes,
    or is computed from: uncommitted edits would be mixed into the adoption (or into the
    overrides it computes), and an untracked scenario file, which adopting removes, would be
    lost."""
    from .. import vcs
    from ..errors import UserError

    writes = {p.resolve() for p in paths}
    risky = vcs.uncommitted(top, [*paths, *(p for p in reads if p.resolve() not in writes)])
    if not risky:
        return

    def shown(p: Path) -> str:
        try:
            return p.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            return str(p)

    what = {
        ("untracked", True): "not committed: adopting removes or rewrites it for good",
        ("changed", True): "has uncommitted changes, which the adoption would take in",
        ("untracked", False): "not committed, and the adoption is computed from it",
        ("changed", False): "has uncommitted changes, and the adoption is computed from it",
    }
    listed = "; ".join(
        f"{shown(p)} {what[k, p.resolve() in writes]}" for p, k in sorted(risky.items())
    )
    raise UserError(
        f"cannot adopt scenario {sid}: {listed}",
        hint="commit those files first (git add, git commit), so nothing is lost and the "
        "adoption is a change of its own",
    )
