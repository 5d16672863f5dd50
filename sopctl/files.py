"""What a path is before sopctl opens it: only regular files (and folders) are opened.

Reading a FIFO waits for a writer that may never come, and a device may never end, so a YAML
file, an input table or an actuals table that is one is reported (SOP019) and never opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .findings import Finding, finding

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def special_kind(path: Path) -> str | None:
    """'a FIFO (named pipe)', 'a socket'... when `path` (through symlinks) is one; None for
    a regular file, a folder, or a path that cannot be looked at (its reader reports that)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def not_regular(path: Path, shown: str) -> Finding | None:
    """SOP019 at `shown` when `path` is a FIFO, a socket or a device; else None."""
    kind = special_kind(path)
    if kind is None:
        return None
    return finding(
        shown,
        0,
        0,
        "SOP019",
        f"this is {kind}, not a regular file, and is not opened; replace it with the file",
    )


def escapes_root(root: Path, path: Path) -> bool:
    """True when `path` is (or passes through) a symlink that leads outside `root`."""
    try:
        Path(os.path.realpath(path)).relative_to(root.resolve())
    except ValueError:
        return True
    return False


def link_problem(root: Path, path: Path, shown: str) -> Finding | None:
    """A symlink sopctl does not follow: one leaving the repository (SOP003), one that cannot
    be followed, e.g. a loop (SOP007), one to a file that does not exist (SOP001)."""
    if escapes_root(root, path):
        return finding(
            shown,
            0,
            0,
            "SOP003",
            "this path leads outside the repository through a symlink; sopctl neither reads "
            "nor writes through it: copy the file into the repository instead",
        )
    if not path.is_symlink() or path.exists():
        return None
    try:
        path.stat()
    except FileNotFoundError:
        pass
    except OSError as exc:  # a loop of symlinks, no permission...
        return finding(
            shown,
            0,
            0,
            "SOP007",
            f"this symlink cannot be followed ({exc.strerror}); replace it with the file",
        )
    return finding(
        shown,
        0,
        0,
        "SOP001",
        "this symlink points to a file that does not exist; replace it with the file",
    )


def unusable(path: Path) -> str | None:
    """What stands where a file should be and is not a regular file ('a folder', 'a FIFO
    (named pipe)', 'a symlink to nothing'); None when nothing is there. `status` names an
    input's this way (validate reports it), `import xlsx` a workbook's."""
    if not os.path.lexists(path):
        return None
    if path.is_dir():
        return "a folder"
    if kind := special_kind(path):
        return kind
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink that cannot be followed (a loop)"
        if path.is_symlink():
            return "a symlink to nothing"
    return "a path that cannot be read"
