"""Input files a workbook is read from or written to: only plain files inside the repository.

A pull request can turn `inputs/items.csv` into a link to a file outside the repository (a
user's `~/.bashrc`); export must not read it into a workbook and import must not write through
it. A link inside the repository is followed: the file it points to is the input.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..files import special_kind
from ..findings import Finding, finding
from ..workspace import display, escapes_root


def target_problem(root: Path, path: Path, where: str) -> Finding | None:
    """Why the input file at `path` may not be read or written (None: it may), located at
    `where` (the sheet on import, the file itself on export)."""
    shown = display(root, path)
    what = "this" if where == shown else shown
    if escapes_root(root, path):
        why = f"{what} is a symlink leading outside the repository; sopctl neither reads nor "
        return finding(
            where, 0, 0, "SOP003", why + "writes through it: replace the link by the file"
        )
    if path.is_dir():
        return finding(where, 0, 0, "SOP002", f"{what} is a directory; remove it or rename it")
    if path.is_symlink() and not path.exists():
        why = f"{what} is a broken symlink (or a loop); replace it by the file"
        return finding(where, 0, 0, "SOP007", why)
    if (kind := special_kind(path)) is not None:  # never opened: a FIFO would wait forever
        why = f"{what} is {kind}, not a regular file; replace it by the file"
        return finding(where, 0, 0, "SOP019", why)
    return None


def stage(root: Path, cycle: str, tmp: Path) -> None:
    """Copy the charters and the cycle (without outputs) to `tmp` for a check of the imported
    tables. A link to a file elsewhere in the repository becomes a copy of that file (copied
    as a link, a relative one would lead nowhere from `tmp`); other links stay links, so the
    check finds in them what it finds in the repository."""
    shutil.copytree(root / "charters", tmp / "charters", symlinks=True)
    src = root / "cycles" / cycle
    dest = tmp / "cycles" / cycle
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns("outputs"))
    for staged in [*(tmp / "charters").rglob("*"), *dest.rglob("*")]:
        if not staged.is_symlink():
            continue
        real = root / staged.relative_to(tmp)
        if not escapes_root(root, real) and real.is_file():
            staged.unlink()
            shutil.copyfile(os.path.realpath(real), staged)
