"""Atomic, deterministic file writing: temp file in the same folder, fsync, rename.

A write that the file system refuses (a folder where the file goes, a file where a folder
must be, no permission, a full disk) raises `CannotWrite` naming the path and what to change,
an environment error (exit 2) and never an internal one.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import CannotWrite


def shown(path: Path) -> str:
    """`path` relative to the current folder when it lies below it (as written, else with
    symlinks resolved), else as given: how a command names a file it wrote or could not."""
    try:
        pairs = ((path.absolute(), Path.cwd()), (path.resolve(), Path.cwd().resolve()))
        for p, base in pairs:
            if p.is_relative_to(base):
                return p.relative_to(base).as_posix()
    except OSError:  # the current folder was removed
        pass
    return path.as_posix()


def _file_on_the_way(path: Path, folder: bool) -> Path | None:
    """The first ancestor of `path` (or `path` itself, when it must be a folder) that exists
    and is not a folder."""
    steps = [*reversed(path.absolute().parents), *([path.absolute()] if folder else [])]
    return next((p for p in steps if p.exists() and not p.is_dir()), None)


def _nearest_folder(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.is_dir():
            return parent
    return path.absolute().parent


def cannot_write(path: Path, exc: OSError | None = None, folder: bool = False) -> CannotWrite:
    """The error for a file (or, with `folder`, a folder) that cannot be written at `path`,
    with what to change."""
    head = f"cannot write {shown(path)}"
    blocker = _file_on_the_way(path, folder)
    if blocker is not None:
        return CannotWrite(
            f"{head}: {shown(blocker)} is a file, not a folder",
            hint=f"remove or rename {shown(blocker)}, or choose another path",
        )
    if path.is_dir() and not folder:
        return CannotWrite(
            f"{head}: it is a folder", hint="name a file, not a folder, or remove the folder"
        )
    reason = (exc.strerror if exc is not None else None) or str(exc or "unknown reason")
    where = shown(_nearest_folder(path))
    if exc is not None and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return CannotWrite(
            f"{head}: {reason}",
            hint=f"make {where} a writable folder (for example chmod u+w {where}), "
            "or choose another path",
        )
    return CannotWrite(
        f"{head}: {reason}", hint=f"check that {where} is a writable folder with free space"
    )


def make_folder(path: Path) -> None:
    """`mkdir -p path`, or `CannotWrite` saying why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc, folder=True) from exc


def _prepare(path: Path) -> None:
    if path.is_dir():
        raise cannot_write(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def _mode(path: Path) -> int:
    """The permissions a written file gets: those of the file it replaces, else what the
    umask allows a new file (mkstemp alone would leave every output readable by its owner
    only)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, data: str | bytes) -> None:
    write_all({path: data})


def write_all(files: dict[Path, str | bytes]) -> None:
    """Write several files so that either all of them land or none changes.

    Each file goes to a temp file first; renames happen only after every temp file is complete.
    """
    staged: list[tuple[str, Path]] = []
    path = Path()
    try:
        for path, data in files.items():
            _prepare(path)
            payload = data.encode("utf-8") if isinstance(data, str) else data
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), _mode(path))
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from exc
        raise
