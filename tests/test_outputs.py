"""Atomic writes keep the permissions people expect: the umask for a new file, the old mode
for a replaced one (not mkstemp's owner-only 0600)."""

from __future__ import annotations

import io
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sopctl.errors import CannotWrite
from sopctl.outputs import is_temp, write_all, write_atomic
from tests.helpers import deadline


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "out" / "b.csv", tmp_path / "out" / "c.json"
    write_atomic(a, "x\n")
    write_all({b: b"1\n", c: "{}\n"})
    assert (_mode(a), _mode(b), _mode(c)) == (0o644, 0o644, 0o644)
    a.chmod(0o600)
    b.chmod(0o664)
    write_atomic(a, "y\n")
    write_all({b: b"2\n", c: "[]\n"})
    assert (_mode(a), _mode(b), _mode(c)) == (0o600, 0o664, 0o644)
    assert (a.read_text(), b.read_text(), c.read_text()) == ("y\n", "2\n", "[]\n")
    assert [p.name for p in tmp_path.rglob("*") if is_temp(p.name)] == []


# --- all or nothing -------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir()) if p.is_file()}


def _rename_fails_for(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """The rename onto `target` is refused, as for an immutable file or one open in Excel."""
    real = os.replace

    def replace(src: str, dst: str | Path) -> None:
        if Path(dst) == target:
            raise PermissionError(1, "Operation not permitted")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_a_failed_rename_puts_back_what_was_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third rename fails (an immutable file, or a CSV open in Excel on Windows): the two
    files already replaced get their old bytes back, the new file disappears, no temp file."""
    a, b, c, new = (tmp_path / n for n in ("a.csv", "b.csv", "c.csv", "new.csv"))
    for p in (a, b, c):
        p.write_text(f"old {p.name}\n")
    before = _files(tmp_path)
    _rename_fails_for(monkeypatch, c)
    with pytest.raises(CannotWrite) as err:
        write_all({a: "new a\n", new: "new\n", b: "new b\n", c: "new c\n"})
    assert "c.csv" in err.value.message and "cannot be replaced" in (err.value.hint or "")
    assert _files(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_named_symlink_is_written_through_and_a_fifo_is_refused(tmp_path: Path) -> None:
    """`--out LINK` writes the file the link names; a symlink among a repository's outputs
    is replaced, never followed (a committed link must not make sopctl write elsewhere)."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "plan.csv").write_text("old\n")
    link = tmp_path / "plan.csv"
    link.symlink_to("real/plan.csv")
    write_atomic(link, "new\n", follow=True)
    assert link.is_symlink() and (real / "plan.csv").read_text() == "new\n"
    write_all({link: "repo\n"})
    assert not link.is_symlink() and link.read_text() == "repo\n"
    assert (real / "plan.csv").read_text() == "new\n"
    outside = tmp_path / "outside" / "deep" / "summary.json"  # dangling, folder missing
    dangling = tmp_path / "summary.json"
    dangling.symlink_to(outside)
    write_all({dangling: "{}\n"})
    assert not outside.parent.exists() and dangling.read_text() == "{}\n"
    loop = tmp_path / "loop.html"
    loop.symlink_to("loop.html")
    with pytest.raises(CannotWrite) as err:
        write_atomic(loop, "x\n", follow=True)
    assert "a symlink that cannot be followed (a loop)" in err.value.message
    if not hasattr(os, "mkfifo"):
        return
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(CannotWrite) as err:
        write_atomic(fifo, "x\n")
    assert "it is a FIFO (named pipe), not a regular file" in err.value.message
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # not replaced by a plain file


class Stopped(Exception):
    pass


class _Stderr(io.StringIO):
    """sys.stderr that tells when a writer says it waits for the lock."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def write(self, text: str) -> int:
        if "waiting for another sopctl writing" in text:
            self.waiting.set()
        return super().write(text)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_write_takes_effect_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
) -> None:
    """Ctrl-C or SIGTERM between two renames: every file is written first, then the signal
    reaches the handler that was there (SIGTERM's default would end the process)."""
    got: list[int] = []

    def handler(signum: int, _frame: object) -> None:
        got.append(signum)
        raise Stopped  # as Ctrl-C's KeyboardInterrupt does

    old = signal.signal(sig, handler)
    real, calls = os.replace, []

    def replace(src: str, dst: str | Path) -> None:
        if not calls:
            os.kill(os.getpid(), sig)
        calls.append(dst)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    try:
        with pytest.raises(Stopped):
            write_all({tmp_path / "a.csv": "a\n", tmp_path / "b.csv": "b\n"})
        assert got == [sig]
    finally:
        signal.signal(sig, old)
    assert _files(tmp_path) == {"a.csv": "a\n", "b.csv": "b\n"}
    assert len(calls) == 2


def test_a_second_writer_waits_for_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers of the same folder take turns (flock on the folder): while another process
    holds it, the files stay as they were and nothing is staged."""
    fcntl = pytest.importorskip("fcntl")
    target = tmp_path / "a.csv"
    target.write_text("old\n")
    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    done = threading.Event()

    def write() -> None:
        write_all({target: "new\n"})
        done.set()

    stderr = _Stderr()
    monkeypatch.setattr(sys, "stderr", stderr)
    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert stderr.waiting.wait(30)  # the writer is at the lock now
        assert not done.wait(0.3) and target.read_text() == "old\n"
        assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    finally:
        os.close(fd)
    thread.join(30)
    assert done.is_set() and target.read_text() == "new\n"


def test_a_writer_waiting_for_the_lock_can_be_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a stuck writer, Ctrl-C stops the wait (it was held back with the renames): the
    files stay as they were, no temp file is left, and the waiting was said on stderr."""
    fcntl = pytest.importorskip("fcntl")
    target = tmp_path / "a.csv"
    target.write_text("old\n")
    fd = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)

    def handler(_signum: int, _frame: object) -> None:
        raise Stopped

    old = signal.signal(signal.SIGINT, handler)
    stderr = _Stderr()
    monkeypatch.setattr(sys, "stderr", stderr)

    def interrupt() -> None:
        stderr.waiting.wait(30)
        time.sleep(0.2)  # the writer is in flock now
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=interrupt)
    thread.start()
    try:
        with deadline(60), pytest.raises(Stopped):  # SIGALRM: fails rather than hangs
            write_all({target: "new\n"})
    finally:
        thread.join(30)
        signal.signal(signal.SIGINT, old)
        os.close(fd)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    assert stderr.waiting.is_set()


def test_an_ignored_signal_stays_ignored_and_a_swallowed_stop_is_no_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sopctl reconcile &` in a script ignores SIGINT: the write goes on. A handler that
    records the signal without raising must not make a stopped write look written."""
    target = tmp_path / "a.csv"
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        os.kill(os.getpid(), signal.SIGINT)  # while staging, where a signal stops the write

    monkeypatch.setattr(os, "fsync", fsync)
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        write_all({target: "a\n"})
        assert target.read_text() == "a\n"
        got: list[int] = []
        signal.signal(signal.SIGINT, lambda signum, _frame: got.append(signum))
        with pytest.raises(KeyboardInterrupt):
            write_all({target: "b\n"})
        assert got == [signal.SIGINT] and target.read_text() == "a\n"
        assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    finally:
        signal.signal(signal.SIGINT, old)


def test_an_outputs_folder_linked_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "cycles" / "c").mkdir(parents=True)
    outside.mkdir()
    (root / "cycles" / "c" / "outputs").symlink_to(outside)
    with pytest.raises(CannotWrite) as err:
        write_all({root / "cycles" / "c" / "outputs" / "plan.csv": "x\n"}, root=root)
    assert "leads out of the repository" in err.value.message
    assert list(outside.iterdir()) == []


def test_one_folder_named_two_ways_is_locked_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "alias").symlink_to("out")
    with deadline(10):  # it waited for itself
        write_all({tmp_path / "out" / "a.csv": "a\n", tmp_path / "alias" / "b.csv": "b\n"})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.csv", "b.csv"]
    assert "waiting for another sopctl" not in capsys.readouterr().err


def test_a_failed_set_puts_a_replaced_symlink_back_as_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "real.csv").write_text("real\n")
    link, other = tmp_path / "plan.csv", tmp_path / "z.csv"
    link.symlink_to("real.csv")
    dangling = tmp_path / "gone.csv"
    dangling.symlink_to("nowhere.csv")
    _rename_fails_for(monkeypatch, other)
    with pytest.raises(CannotWrite):
        write_all({link: "new\n", dangling: "new\n", other: "new\n"})
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert dangling.is_symlink() and os.readlink(dangling) == "nowhere.csv"
    assert (tmp_path / "real.csv").read_text() == "real\n" and not other.exists()


def test_temp_files_of_a_killed_writer_go_with_the_next_write_there(tmp_path: Path) -> None:
    """A sopctl killed with SIGKILL leaves its staged files; the next write into that folder
    removes them (under the lock nobody else is staging), and nothing that only looks alike."""
    out, other = tmp_path / "outputs", tmp_path / "inputs"
    out.mkdir()
    other.mkdir()
    left = [".supply_plan.csv.k3j2h1g0.sopctl-tmp", ".summary.json.a1b2c3d4.sopctl-tmp.old"]
    alike = [".notes.tmp", "draft.sopctl-tmp", ".x.sopctl-tmp.bak"]
    for name in [*left, *alike]:
        (out / name).write_text("stale\n")
    (out / ".dir.sopctl-tmp").mkdir()
    (out / ".link.sopctl-tmp").symlink_to("draft.sopctl-tmp")
    (other / left[0]).write_text("stale\n")  # another folder: not written, not swept
    write_all({out / "supply_plan.csv": "new\n"})
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*alike, ".dir.sopctl-tmp", ".link.sopctl-tmp", "supply_plan.csv"]
    )
    assert [p.name for p in other.iterdir()] == [left[0]]


# --- files a write no longer produces -------------------------------------------------------


def test_remove_takes_stale_files_away_with_the_write(tmp_path: Path) -> None:
    """A file of the set this write does not produce is removed; one that is not there, or
    that the write produces after all, is no matter."""
    a, patch = tmp_path / "a.csv", tmp_path / "charter.patch"
    write_all({a: "1\n", patch: "old\n"})
    write_all({a: "2\n"}, remove=[patch, tmp_path / "never.json", a])
    assert _files(tmp_path) == {"a.csv": "2\n"}
    assert [p.name for p in tmp_path.iterdir() if is_temp(p.name)] == []


def test_a_removal_spelt_otherwise_than_a_written_file_is_not_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same file named relative in `remove` and absolute in `files` is written, not lost."""
    a = tmp_path / "a.csv"
    monkeypatch.chdir(tmp_path)
    write_all({a: "1\n"})
    write_all({a: "2\n"}, remove=[Path("a.csv"), Path("./a.csv")])
    assert _files(tmp_path) == {"a.csv": "2\n"}


def test_a_failed_removal_puts_back_the_whole_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stale file cannot be moved away (refused as an immutable file would be): the files
    already replaced get their old bytes back and the stale file stays, no temp file left."""
    a, b, patch = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "charter.patch"
    write_all({a: "old a\n", b: "old b\n", patch: "old patch\n"})
    before = _files(tmp_path)
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(src) == patch:
            raise PermissionError(1, "Operation not permitted")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(CannotWrite) as err:
        write_all({a: "new a\n", b: "new b\n"}, remove=[patch])
    assert "charter.patch" in err.value.message
    assert _files(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # the second of two stale files cannot be moved: the first, already moved, comes back
    old = tmp_path / "old.json"
    old.write_text("{}\n")
    before = _files(tmp_path)
    with pytest.raises(CannotWrite):
        write_all({a: "new a\n"}, remove=[old, patch])
    assert _files(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
