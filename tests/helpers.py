"""Test helpers: run the CLI in-process and build planning repos in temporary folders."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sopctl.cli.app import main
from sopctl.demos import EXAMPLES

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Planner",
    "GIT_AUTHOR_EMAIL": "planner@example.test",
    "GIT_COMMITTER_NAME": "Test Planner",
    "GIT_COMMITTER_EMAIL": "planner@example.test",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(args: list[str], cwd: Path | None = None) -> Result:
    """Invoke `sopctl ARGS` in this process, through the real entry point and error handler."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                import sys

                saved = sys.argv
                sys.argv = ["sopctl", *args]
                try:
                    main()
                finally:
                    sys.argv = saved
            except SystemExit as exc:
                code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def make_repo(root: Path, example: str = "minimal", commit: bool = True) -> Path:
    """A planning repo from a built-in example, committed in a real git repository."""
    write_files(root, EXAMPLES[example]())
    git(root, "init", "-q", "-b", "main")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "start")
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def no_plain_file(path: Path, make: str, scratch: Path) -> Path:
    """Turn the file at `path` into what a hostile or broken checkout may hold instead: a
    symlink to a file outside the repository (written in `scratch` and returned, so a test can
    check it was neither read nor changed), a symlink loop, or a directory."""
    outside = scratch / "outside.txt"
    outside.write_text("item,note\nkey,not for the repository\n")
    path.unlink()
    if make == "outside":
        path.symlink_to(outside)
    elif make == "loop":
        path.symlink_to(path.name)
    else:
        path.mkdir()
    return outside


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a FIFO opened for reading waits for a writer forever)."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def lock_waits(monkeypatch: Any) -> threading.Event:
    """An event set once a sopctl run starts waiting for the writers' lock (the lock's wait
    loop is the only caller of `time.sleep` in sopctl.vcs.commit)."""
    import time
    from types import SimpleNamespace

    from sopctl.vcs import commit as lock_module

    waiting = threading.Event()

    def sleep(seconds: float) -> None:
        waiting.set()
        time.sleep(seconds)

    monkeypatch.setattr(lock_module, "time", SimpleNamespace(monotonic=time.monotonic, sleep=sleep))
    return waiting


def old_export(monkeypatch: Any) -> None:
    """Make `export xlsx --inputs` write workbooks as a sopctl before the export record did:
    `_about` names the cycle but not what each sheet was made from, so import reads every
    sheet and compares the CSV text it makes with the file."""
    from sopctl.xlsx import record

    rows = record.about_rows
    monkeypatch.setattr(record, "about_rows", lambda cycle, charter, _: rows(cycle, charter, []))


def record_tag(root: Path, cycle: str, name: str) -> None:
    """An annotated tag `name` at HEAD whose message is a sound commit record of the cycle's
    files, by the test identity: it passes the cheap checks (`log.committed_state`) that a
    hand-made tag fails. No plan is solved and no approval recorded."""
    from sopctl.governance.records import files_digest, plan_files
    from sopctl.governance.tag_record import dump
    from sopctl.schemas.records import CommitRecord
    from sopctl.validate import load_workspace

    ws, _ = load_workspace(root, cycle, cwd=root)
    assert ws.cycle is not None
    files = plan_files(ws)
    record = CommitRecord(
        cycle=cycle,
        charter=ws.cycle.charter,
        tagger=IDENTITY["GIT_COMMITTER_EMAIL"],
        plan_digest=files_digest(files),
        approvals=[],
        files=files,
        kpis={},
    )
    message = root / ".git" / "RECORD_MSG"
    message.write_text(dump(record, name), encoding="utf-8")
    git(root, "tag", "-a", "--cleanup=verbatim", "-F", str(message), name)
