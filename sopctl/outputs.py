"""Atomic, deterministic file writing: temp file in the same folder, fsync, rename.

A write that the file system refuses (a folder where the file goes, a file where a folder
must be, no permission, a full disk) raises `CannotWrite` naming the path and what to change,
an environment error (exit 2) and never an internal one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import CannotWrite
from .interrupts import signal_gate

TEMP_SUFFIX = ".sopctl-tmp"  # staged files: .<name>.<random>.sopctl-tmp (see write_all)


def shown(path: Path) -> str:
    """`path` relative to the current folder when it lies below it (as written, else with
    symlinks resolved), else as given: how a command names a file it wrote or could not."""
    try:
        here = Path.cwd()
        if path.absolute().is_relative_to(here):
            return path.absolute().relative_to(here).as_posix()
        real, base = Path(os.path.realpath(path)), Path(os.path.realpath(here))
        if real.is_relative_to(base):  # realpath: no exception on a symlink loop
            return real.relative_to(base).as_posix()
    except OSError:  # the current folder was removed
        pass
    return path.as_posix()


def _file_on_the_way(path: Path, folder: bool) -> Path | None:
    """The first ancestor of `path` (or `path` itself, when it must be a folder) that exists
    and is not a folder."""
    steps = [*reversed(path.absolute().parents), *([path.absolute()] if folder else [])]
    return next((p for p in steps if p.exists() and not p.is_dir()), None)


def _broken_link_on_the_way(path: Path, folder: bool) -> Path | None:
    """The first ancestor of `path` (or `path` itself, when it must be a folder) that is a
    symlink leading nowhere (its target missing, or a loop): no folder can be made there."""
    steps = [*reversed(path.absolute().parents), *([path.absolute()] if folder else [])]
    return next((p for p in steps if p.is_symlink() and not p.exists()), None)


def _why_broken(link: Path) -> str:
    try:
        link.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of links"
    return f"to {os.readlink(link)}, which does not exist"


def _nearest_folder(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.is_dir():
            return parent
    return path.absolute().parent


def cannot_write(
    path: Path, exc: OSError | None = None, folder: bool = False, replacing: bool = False
) -> CannotWrite:
    """The error for a file (or, with `folder`, a folder) that cannot be written at `path`,
    with what to change."""
    head = f"cannot write {shown(path)}"
    blocker = _file_on_the_way(path, folder)
    if blocker is not None:
        return CannotWrite(
            f"{head}: {shown(blocker)} is a file, not a folder",
            hint=f"remove or rename {shown(blocker)}, or choose another path",
        )
    link = _broken_link_on_the_way(path, folder)
    if link is not None:
        return CannotWrite(
            f"{head}: {shown(link)} is a broken symlink ({_why_broken(link)})",
            hint=f"remove the link {shown(link)} (sopctl makes the folder), or point it to a "
            "folder of the repository",
        )
    if path.is_dir() and not folder:
        return CannotWrite(
            f"{head}: it is a folder", hint="name a file, not a folder, or remove the folder"
        )
    reason = (exc.strerror if exc is not None else None) or str(exc or "unknown reason")
    where = shown(_nearest_folder(path))
    if replacing and exc is not None and exc.errno in (errno.EACCES, errno.EPERM):
        return CannotWrite(
            f"{head}: {reason}",
            hint=f"{shown(path)} cannot be replaced: make it writable (not read-only, "
            "immutable or locked by another program) in a writable folder, or choose another path",
        )
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


def _prepare(path: Path, follow: bool, root: Path | None = None) -> Path:
    """Where `path`'s bytes go. A symlink is replaced by the file (as a repository's outputs
    and inputs always were: a committed link must not make sopctl write outside the
    repository), unless `follow`: a path the user named (`--out`) is written through its link
    to the file it names, whose folder must exist. Never over a FIFO, a device or a socket
    (renaming over one would put a plain file in its place)."""
    from .files import special_kind

    target = path
    if root is not None and not follow:
        from .files import escapes_root

        folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
        if folder is not None and escapes_root(root, folder):
            raise CannotWrite(
                f"cannot write {shown(path)}: {shown(folder)} leads out of the repository "
                f"(a symlink to {os.path.realpath(folder)})",
                hint=f"make {shown(folder)} a folder of the repository, not a link",
            )
    if follow and path.is_symlink():
        target = Path(os.path.realpath(path))  # realpath: no exception on a loop
        if target.is_symlink():
            raise CannotWrite(
                f"cannot write {shown(path)}: a symlink that cannot be followed (a loop)",
                hint="name a regular file, or fix the link",
            )
        if not target.parent.is_dir():
            raise CannotWrite(
                f"cannot write {shown(path)}: it links to {target}, whose folder does not exist",
                hint="name a regular file, or fix the link",
            )
    if target.is_dir() and not (target.is_symlink() and not follow):
        raise cannot_write(path)
    if not target.is_symlink() and (kind := special_kind(target)):
        raise CannotWrite(
            f"cannot write {shown(path)}: it is {kind}, not a regular file",
            hint="name a regular file (a new one, or one sopctl wrote before)",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    return target


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


def write_atomic(
    path: Path, data: str | bytes, *, follow: bool = False, root: Path | None = None
) -> None:
    """One file, atomically; `follow`: a symlink at `path` is written through (for a path the
    user named, such as `--out`), else replaced; `root`: see `write_all`."""
    write_all({path: data}, follow=follow, root=root)


def write_all(
    files: dict[Path, str | bytes],
    *,
    follow: bool = False,
    root: Path | None = None,
    remove: Iterable[Path] = (),
) -> None:
    """Write several files so that either all of them land or none changes.

    Holding a lock on every folder written to (so a second sopctl writing the same files
    waits: the result is one run's set, never a mix), each file goes to a temp file first,
    then each is renamed into place, keeping the one it replaces as a hard link; when a rename
    fails, those already made are undone. Ctrl-C and SIGTERM that arrive during the renames
    take effect once every file is written or rolled back; before them they stop the write.
    Either way no temp file and no half set is left. Temp files that a killed sopctl left in
    a folder are removed by the next write there (under the lock, no writer is staging).
    `root`: the repository the files belong to; a folder on the way that is a symlink out of
    it (a committed `outputs -> /elsewhere`) is refused, nothing is written.
    `remove`: files of the same set that this write no longer produces (a stale output); those
    that exist are removed with the renames, as part of the set: a failure puts them back.
    """
    path = Path()
    targets: dict[Path, Path] = {}
    try:
        for path in files:
            targets[path] = _prepare(path, follow, root)
        written = {os.path.abspath(t) for t in targets.values()}
        gone = []
        for path in remove:  # a file this write makes again is not removed, however spelt
            if os.path.lexists(path) and os.path.abspath(path) not in written:
                gone.append(_prepare(path, False, root))
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    folders = {target.parent for target in [*targets.values(), *gone]}
    with signal_gate() as gate, _folders_locked(folders) as locked:
        staged: list[tuple[str, Path]] = []
        try:
            _sweep(locked)
            for path in gone:  # a name in the folder to move the file to, until the end
                target = path
                with gate.held():
                    fd, tmp = tempfile.mkstemp(
                        prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
                    )
                    staged.append((tmp, target))
                os.close(fd)
            removals = len(staged)
            for path, data in files.items():
                target = targets[path]
                payload = data.encode("utf-8") if isinstance(data, str) else data
                with gate.held():  # a temp file is made and listed for clean-up at once
                    fd, tmp = tempfile.mkstemp(
                        prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
                    )
                    staged.append((tmp, target))
                with os.fdopen(fd, "wb") as fh:
                    os.fchmod(fh.fileno(), _mode(target))
                    fh.write(payload)
                    fh.flush()
                    os.fsync(fh.fileno())
            with gate.held():
                _replace_all(staged[removals:], staged[:removals])
                staged = []
        except BaseException as exc:
            with gate.held():  # a second Ctrl-C waits for the clean-up
                for tmp, _ in staged:
                    Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, _RenameFailed):
                raise cannot_write(exc.path, exc.cause, replacing=True) from exc.cause
            if isinstance(exc, OSError):
                raise cannot_write(path, exc) from exc
            raise


def is_temp(name: str) -> bool:
    """A file name `write_all` stages under (or keeps a replaced file under) in a folder."""
    return name.startswith(".") and name.endswith((TEMP_SUFFIX, f"{TEMP_SUFFIX}.old"))


def _sweep(folders: list[Path]) -> None:
    """Remove the temp files a sopctl killed mid-write (SIGKILL, a crash) left in `folders`.
    Only under their locks: every writer stages while holding them, so none is live."""
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if is_temp(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


class _RenameFailed(Exception):
    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(str(cause))
        self.path, self.cause = path, cause


def _replace_all(staged: list[tuple[str, Path]], removals: list[tuple[str, Path]]) -> None:
    """Rename every temp file over its target, then move each file to remove onto its temp
    name; on a failure put back what was replaced or moved. The moved files go at the end."""
    done: list[tuple[Path, str | None]] = []  # target, hard link to the file it replaced
    try:
        for tmp, target in staged:
            keep = None
            if os.path.lexists(target):  # a file, or a link replaced (not followed): kept as is
                keep = f"{tmp}.old"
                try:
                    os.link(target, keep, follow_symlinks=False)
                except OSError:  # no hard links here: copy what is replaced
                    try:
                        shutil.copy2(target, keep, follow_symlinks=False)
                    except OSError as exc:
                        Path(keep).unlink(missing_ok=True)
                        raise _RenameFailed(target, exc) from exc
            try:
                os.replace(tmp, target)
            except OSError as exc:
                if keep is not None:
                    Path(keep).unlink(missing_ok=True)
                raise _RenameFailed(target, exc) from exc
            done.append((target, keep))
        for tmp, target in removals:
            if not os.path.lexists(target):  # removed meanwhile by someone else: nothing to do
                Path(tmp).unlink(missing_ok=True)
                continue
            try:
                os.replace(target, tmp)  # a rename: the file lives on under tmp until the end
            except OSError as exc:
                raise _RenameFailed(target, exc) from exc
            done.append((target, tmp))
    except BaseException:
        for target, keep in reversed(done):
            with contextlib.suppress(OSError):
                if keep is None:
                    target.unlink()
                else:
                    os.replace(keep, target)
        raise
    finally:
        for _, keep in done:
            if keep is not None:
                Path(keep).unlink(missing_ok=True)


@contextlib.contextmanager
def _folders_locked(folders: set[Path]) -> Iterator[list[Path]]:
    """An exclusive lock on each folder (flock on the folder itself, so no lock file lands
    among the inputs), taken in one order so two writers cannot deadlock; yields the folders
    locked. Where folders cannot be locked (no flock on this system or file system), nothing
    is locked."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield []
        return
    fds: list[int] = []
    seen: set[tuple[int, int]] = set()
    locked: list[Path] = []
    try:
        for folder in sorted(folders):
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            fds.append(fd)
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) in seen:  # one folder named two ways: locked once
                continue
            seen.add((st.st_dev, st.st_ino))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another sopctl is writing there: say so, then wait
                with contextlib.suppress(OSError, ValueError):
                    print(
                        f"waiting for another sopctl writing {shown(folder)} ...", file=sys.stderr
                    )
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError:
                    continue
            except OSError:  # a file system without flock
                continue
            locked.append(folder)
        yield locked
    finally:
        for fd in fds:
            os.close(fd)  # closing releases the lock
