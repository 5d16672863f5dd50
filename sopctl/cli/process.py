"""The process edge: standard streams that may be closed, broken or not UTF-8, and Ctrl-C.

`main()` calls `prepare()` before a command runs and `restore()` after it, so the in-process
tests get their Ctrl-C handler back.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import signal
import sys
from typing import Any, TextIO

from ..errors import EXIT_BROKEN_PIPE
from .entry import on_early_sigint

__all__ = [
    "EXIT_BROKEN_PIPE",
    "interrupted",
    "is_broken_pipe",
    "prepare",
    "restore",
    "stdout_broken",
]

# characters sopctl prints, spelled in ASCII for a terminal that cannot show them
_PLAIN = {
    "—": "-",
    "–": "-",
    "→": "->",
    "←": "<-",
    "↑": "^",
    "↓": "v",
    "Δ": "delta",
    "−": "-",
    "÷": "/",
    "Σ": "sum",
    "▲": "^",
    "∅": "-",
    "…": "...",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "×": "x",
    "±": "+/-",
    "·": ".",
    "•": "*",
    "‘": "'",
    "’": "'",
    "“": "'",  # never '"': the text may sit inside a JSON string
    "”": "'",
    "✓": "ok",
    "✗": "x",
    "\u00a0": " ",
    "\u202f": " ",
}


# the environment variables that tell git where a repository and its parts are (those of
# `git rev-parse --local-env-vars` but the config ones); set aside for a run, see prepare
GIT_LOCATION = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_GRAFT_FILE",
    "GIT_SHALLOW_FILE",
    "GIT_PREFIX",
)

# errors of a path that the machine, not sopctl, causes: permissions, a full or read-only disk,
# a file where a folder must be and the like. A missing file (ENOENT) that no command reported
# stays an internal error: sopctl itself should have made it, or checked for it.
ENVIRONMENT = frozenset(
    getattr(errno, name)
    for name in (
        "EACCES",
        "EPERM",
        "EROFS",
        "ENOSPC",
        "EDQUOT",
        "EISDIR",
        "ENOTDIR",
        "ELOOP",
        "EEXIST",
        "ENAMETOOLONG",
        "EBUSY",
        "ETXTBSY",
        "EMLINK",
        "EXDEV",
        "EIO",
    )
    if hasattr(errno, name)
)


def _plain(char: str) -> str:
    import unicodedata

    if char in _PLAIN:
        return _PLAIN[char]
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        return (
            "-"
            if "HORIZONTAL" in name and "VERTICAL" not in name
            else ("|" if "VERTICAL" in name and "HORIZONTAL" not in name else "+")
        )
    return "?"


def _degrade(exc: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    char = exc.object[exc.start]
    if "\udc80" <= char <= "\udcff":  # a byte that surrogateescape kept (a file name): as is
        return bytes([ord(char) - 0xDC00]), exc.start + 1
    return _plain(char), exc.start + 1


codecs.register_error("sopctl-plain", _degrade)


class _Session:
    interrupted = False
    saved_handler: Any = None
    blocked = False  # SIGINT blocked for the run, see _keep_ignored
    git_env: dict[str, str] | None = None
    stdout_id: tuple[int, int] | None = None  # (device, inode) of descriptor 1 at the start


_session = _Session()


def _null_stream(fd: int) -> TextIO:
    """Where a closed stdout or stderr goes: the null device. When the descriptor itself is
    closed it is taken too, so that no file sopctl opens later lands on descriptor 1 or 2."""
    null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the run)
    try:
        os.fstat(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.dup2(null.fileno(), fd)
    return null


def _tolerant(stream: Any) -> None:
    """A stream whose encoding is not UTF-8 (a latin-1 locale, a cp1252 console,
    PYTHONIOENCODING=ascii) prints what it cannot encode in ASCII instead of failing."""
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    errors = getattr(stream, "errors", "strict")
    if not encoding or reconfigure is None or errors not in ("strict", "surrogateescape"):
        return
    try:
        if codecs.lookup(encoding).name == "utf-8":
            return
        reconfigure(errors="sopctl-plain")
    except (LookupError, ValueError, OSError):
        pass


def _on_sigint(signum: int, frame: Any) -> None:
    _session.interrupted = True
    signal.default_int_handler(signum, frame)


def prepare() -> None:
    """Before a command: usable streams, and a Ctrl-C that `main` can tell apart from an
    exit code 130 (Click turns KeyboardInterrupt into a plain `Exit(130)`): in place of
    Python's handler or of the start-up one (`entry.on_early_sigint`), which `restore` puts
    back. An ignored SIGINT stays ignored."""
    _session.interrupted = False
    _session.stdout_id = _stdout_id()
    if sys.stdout is None:
        sys.stdout = _null_stream(1)
    if sys.stderr is None:
        sys.stderr = _null_stream(2)
    for stream in (sys.stdout, sys.stderr):
        _tolerant(stream)
    # sopctl finds the repository from --root or the current folder, for every git call alike;
    # an inherited GIT_DIR, GIT_WORK_TREE or GIT_INDEX_FILE (a shell that exported one, a git
    # hook of another repository) would point some calls (git itself) elsewhere than others
    _session.git_env = {k: os.environ.pop(k) for k in GIT_LOCATION if k in os.environ}
    _session.saved_handler = None
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        handler = signal.getsignal(signal.SIGINT)
        if handler is signal.default_int_handler or handler is on_early_sigint:
            _session.saved_handler = signal.signal(signal.SIGINT, _on_sigint)
        elif handler is signal.SIG_IGN:
            _keep_ignored()


def _keep_ignored() -> None:
    """A SIGINT that the parent ignores (`sopctl ... &` in a script, `trap '' INT`) stays
    ignored for the whole run. SIG_IGN alone does not ensure it: polars installs a handler of
    its own in Rust that turns SIGINT into KeyboardInterrupt during a query. Blocked, the signal
    reaches no handler; `restore` discards it (ignored again) and unblocks. Child processes
    started meanwhile (git) inherit the blocked mask and keep it after `restore`: for them it
    means what the parent asked for, SIGINT ignored."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        _session.blocked = True


def restore() -> None:
    """After a command: the Ctrl-C handler and git variables that were there before."""
    if _session.git_env:
        os.environ.update(_session.git_env)
    _session.git_env = None
    if _session.saved_handler is not None:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGINT, _session.saved_handler)
        _session.saved_handler = None
    if _session.blocked:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # drops a pending SIGINT (POSIX)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        _session.blocked = False


def interrupted() -> bool:
    """True when Ctrl-C (SIGINT) arrived during this run."""
    return _session.interrupted


def is_broken_pipe(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def _stdout_id() -> tuple[int, int] | None:
    try:
        st = os.fstat(1)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def stdout_broken() -> bool:
    """True when whoever read stdout has gone (`sopctl ... | head -1` after head ended).

    A BrokenPipeError can also come from a pipe to a child process (git); only descriptor 1
    tells the two apart: its pipe reports an error, or it is no longer the file it was (rich
    puts the null device in place of a broken stdout). Without poll, assume stdout."""
    if _session.stdout_id is not None and _stdout_id() != _session.stdout_id:
        return True
    try:
        import select

        poller = select.poll()
    except (ImportError, AttributeError):
        return True
    try:
        poller.register(1, select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError):
        return False
    return any(mask & (select.POLLERR | select.POLLHUP) for _fd, mask in events)
