"""Commit one file as `git commit` would, all or nothing; the lock of sopctl's writers.

`commit_file` writes the new bytes and runs `git commit --only -- <path>`, so git runs the
hooks (pre-commit, prepare-commit-msg, commit-msg, post-commit) and signs when
`commit.gpgsign` says so. When git refuses (a hook, signing, a lock), or the run stops before
the commit is made, the path's index entry and the file are put back as they were before the
run: the file only while it still holds the bytes this run wrote, never over another writer's.
A post-commit hook cannot undo a commit (git ignores its status), so the commit stands.

`held_interrupts` keeps a Ctrl-C from cutting that sequence in half: the interrupt is raised
once the commit is made or undone. `file_lock` is the exclusive lock file in the git folder
that `sopctl tag` and `sopctl approve` take, so two runs in one clone take turns.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from ..errors import GitError, UserError
from .repo import _call, git_dir, git_failure, repo_top, resolve_commit, show_file

LOCK_WAIT = 15.0  # seconds to wait for another sopctl run holding the lock
WRITERS_LOCK = "sopctl.lock"  # in the git folder: `sopctl tag` and `sopctl approve` take turns


def _entry(root: Path, rel: str) -> str:
    """The index entry of `rel` as `git ls-files -s` prints it ('' when not in the index)."""
    _, out, _ = _call(root, ["ls-files", "-s", "--", rel], "git ls-files")
    return out.strip()


def _restore_entry(root: Path, rel: str, entry: str) -> None:
    if _entry(root, rel) == entry:
        return
    if not entry:
        _call(root, ["update-index", "--force-remove", "--", rel], "git update-index")
        return
    mode, sha, _ = entry.split("\t", 1)[0].split()
    _call(root, ["update-index", "--cacheinfo", f"{mode},{sha},{rel}"], "git update-index")


def _write(path: Path, data: bytes | None) -> None:
    from ..outputs import write_atomic

    if data is None:
        path.unlink(missing_ok=True)
    else:
        write_atomic(path, data)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def commit_file(root: Path, path: Path, data: bytes, message: str) -> str:
    """Write `data` to `path` and commit exactly that file; the new commit's sha.

    GitError (exit 2) with git's or the hook's words when git does not commit; the file and
    its index entry are then as they were before."""
    top = repo_top(root)
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    before_head = resolve_commit(root, "HEAD")
    before_entry = _entry(root, rel)
    before = _read(path)
    fd, msg = tempfile.mkstemp(prefix="sopctl-commit-", suffix=".txt", dir=git_dir(root))
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(message)
        _write(path, data)
        if not before_entry:
            _call(root, ["add", "--intent-to-add", "--", rel], "git add")
        status, out, err = _call(
            root, ["commit", "--quiet", "--only", "-F", msg, "--", rel], "git commit", check=False
        )
        if status != 0:
            raise git_failure("git commit", err, out, status)
        sha = resolve_commit(root, "HEAD")
        if sha is None or sha == before_head:
            raise GitError("git commit failed: HEAD did not move")
        return sha
    except BaseException:
        if not _made(root, before_head, rel, data):
            if _read(path) == data:  # never over bytes another writer put there
                _write(path, before)
            _restore_entry(root, rel, before_entry)
        raise
    finally:
        Path(msg).unlink(missing_ok=True)


def _made(root: Path, before_head: str | None, rel: str, data: bytes) -> bool:
    """Whether HEAD moved to a commit that holds `data` at `rel` (the commit was made)."""
    try:
        now = resolve_commit(root, "HEAD")
        return now is not None and now != before_head and show_file(root, now, rel) == data
    except GitError:
        return False


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job, `timeout`) until the block ends,
    then raise KeyboardInterrupt. Outside the main thread (where Python cannot install a
    handler) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        caught.append(signum)

    held = (signal.SIGINT, signal.SIGTERM)
    before = {sig: signal.signal(sig, hold) for sig in held}
    try:
        yield
    except BaseException as exc:
        if caught and not isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt from exc
        raise
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
    if caught:
        raise KeyboardInterrupt


@contextmanager
def file_lock(path: Path, holder: str, wait: float | None = None) -> Iterator[None]:
    """An exclusive lock file (O_CREAT | O_EXCL), usually in the git folder (`git_dir`);
    waits up to `wait` seconds (default LOCK_WAIT) for `holder` (e.g. "sopctl tag")."""
    deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            if _abandoned(path):  # its run was killed: nobody will delete it
                path.unlink(missing_ok=True)
                continue
            if time.monotonic() >= deadline:
                raise UserError(
                    f"another '{holder}' holds {path}",
                    hint="wait for it to finish; if none is running, delete that file",
                ) from None
            time.sleep(0.05)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        os.close(fd)
        yield
    finally:
        path.unlink(missing_ok=True)


def _abandoned(path: Path) -> bool:
    """Whether the lock's holder, by the process id written in it, no longer runs on this
    machine (a lock without a readable id is left to the wait and its message)."""
    try:
        pid = int(path.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs under another user
        return False
    return False
