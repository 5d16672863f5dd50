"""`sopctl init`: create a planning repository from a starting point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import periods
from .demos import EXAMPLES
from .errors import TargetExists, UserError
from .outputs import make_folder, write_atomic
from .schema_export import SCHEMA_FILES, write_schemas
from .vcs import enclosing_work_tree, init_repo, require_git

GITIGNORE = """\
# sopctl: results are rebuilt from the inputs; commit them only if your charter says so
cycles/*/outputs/
.sopctl-cache/
# sopctl learn's scorecards: remove this line to keep them in git as the record of the review
/learn/
# actuals/ (what happened, read by sopctl learn) is not ignored: commit it, it is data of record
"""


def next_cycle(today: dt.date) -> str:
    """The cycle to start with: next month's (YYYY-MM). Its calendar days (signal, reconcile,
    commit) all lie ahead, and it plans from the month after it."""
    return periods.shift(f"{today:%Y-%m}", 1, "month")


def scaffold(path: Path, example: str, cycle: str | None = None) -> tuple[list[str], Path | None]:
    """Write the example's files under `path`, its first cycle `cycle` (default: next month's),
    and git-init it — unless `path` lies inside an existing git work tree: then the planning
    repository is a folder of that repository (no nested repository, which the enclosing one
    could not add). Returns the files written and the enclosing work tree's top (None when
    `git init` made a new repository)."""
    if example not in EXAMPLES:
        raise UserError(
            f"unknown example '{example}'",
            hint=f"choose one of: {', '.join(sorted(EXAMPLES))}",
        )
    if cycle is None:
        cycle = next_cycle(dt.date.today())
    elif periods.to_ordinal(cycle, "month") is None:
        raise UserError(
            f"--cycle '{cycle}' is not a month",
            hint="give the cycle as YYYY-MM, for example 2027-03",
        )
    files = EXAMPLES[example](cycle)
    files[".gitignore"] = GITIGNORE
    if path.exists() and not path.is_dir():
        raise TargetExists(f"{path} exists and is not a folder", hint="choose another PATH")
    clashes = sorted(rel for rel in files if (path / rel).exists())
    clashes += [f"schemas/{n}" for n in SCHEMA_FILES if (path / "schemas" / n).exists()]
    for top in ("charters", "cycles"):
        if (path / top).exists() and not any(c.startswith(top) for c in clashes):
            clashes.append(top + "/")
    if clashes:
        raise TargetExists(
            f"{path} already holds {', '.join(clashes[:5])}" + (" ..." if len(clashes) > 5 else ""),
            hint="sopctl init never overwrites files; choose an empty or new folder",
        )
    require_git()  # before the first file: without git, init would stop half done
    enclosing = enclosing_work_tree(path)
    make_folder(path)
    for rel, text in sorted(files.items()):
        write_atomic(path / rel, text)
    written = [p.relative_to(path).as_posix() for p in write_schemas(path / "schemas")]
    if enclosing is None:
        init_repo(path)
    return sorted([*files, *written]), enclosing
