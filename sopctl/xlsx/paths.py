"""Input files a workbook is read from or written to: only plain files inside the repository.

A pull request can turn `inputs/items.csv` into a link to a file outside the repository (a
user's `~/.bashrc`); export must not read it into a workbook and import must not write through
it. A link inside the repository is followed: the file it points to is the input.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..files import escapes_root, link_problem, not_regular
from ..findings import Finding, finding
from ..workspace import display


def target_problem(root: Path, path: Path, where: str) -> Finding | None:
    """Why the input file at `path` may not be read or written (None: it may): a link that
    leads outside or nowhere, a directory, a FIFO or device. Located at `where` (the sheet on
    import, the file itself on export), naming the file when that is not the place."""
    shown = display(root, path)
    found = link_problem(root, path, shown) or not_regular(path, shown)
    if found is None and path.is_dir():
        found = finding(shown, 0, 0, "SOP002", "this is a directory; remove it or rename it")
    if found is None or where == shown:
        return found
    return finding(where, 0, 0, found.code, f"{shown}: {found.message}")


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
