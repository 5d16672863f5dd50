"""Two `sopctl tag` runs on one cycle: exactly one tag, the other fails cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sopctl import vcs
from sopctl.governance.tag import TagOutcome, commit_cycle, tag_lock
from tests.helpers import git, lock_waits
from tests.test_tag_support import (
    CYCLE,
    ready_copy,
    tags,
)


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


def test_two_processes_racing_make_one_tag(ready: Path) -> None:
    cmd = [sys.executable, "-m", "sopctl", "tag"]
    env = dict(os.environ)
    procs = [
        subprocess.Popen(cmd, cwd=ready, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=60), p.stdout, p.stderr) for p in procs]
    outputs = [
        (code, o.read().decode() if o else "", e.read().decode() if e else "")
        for code, o, e in results
    ]
    codes = sorted(code for code, _, _ in outputs)
    assert codes[0] == 0 and codes[1] in (1, 2), outputs
    assert tags(ready) == [f"sop/{CYCLE}/v1"]
    loser = next(o + e for code, o, e in outputs if code != 0)
    assert "already committed as sop/2026-12/v1" in loser or "already exists" in loser
    assert "Traceback" not in loser, loser
    assert not (ready / ".git" / "sopctl.lock").exists()


def test_the_run_waiting_for_the_lock_checks_again(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that passed its checks while another held the lock sees the other's tag."""
    waiting = lock_waits(monkeypatch)
    out: list[TagOutcome] = []
    with tag_lock(vcs.git_dir(ready)):
        worker = threading.Thread(target=lambda: out.append(commit_cycle(ready, CYCLE)))
        worker.start()
        assert waiting.wait(timeout=30)  # checks passed, now waiting for the lock
        git(ready, "tag", "-a", "-m", "made by the other run", f"sop/{CYCLE}/v1", "HEAD")
    worker.join(timeout=30)
    assert out and not out[0].created
    # the other run's tag (here one made by hand, so no commit record) stops this one
    (reason,) = out[0].reasons
    assert reason.startswith(f"commit {out[0].commit[:12]} carries the tag sop/{CYCLE}/v1, which")
    assert tags(ready) == [f"sop/{CYCLE}/v1"]
    assert not (ready / ".git" / "sopctl.lock").exists()
