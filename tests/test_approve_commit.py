"""sopctl approve commits like `git commit` (hooks, signing), all or nothing, one at a time."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from sopctl import vcs
from sopctl.errors import GitError
from sopctl.vcs import commit as commit_module
from tests.helpers import Result, git, lock_waits, run
from tests.test_governance_support import (
    APPROVALS,
    MEMBERS,
    act_as,
    build_template,
    commit_all,
    copy_repo,
    head,
    porcelain,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("approve-commit"))


@pytest.fixture
def plan(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    act_as(monkeypatch, MEMBERS["cfo"])
    return copy_repo(template, tmp_path / "plan")


def hook(root: Path, name: str, body: str) -> None:
    path = root / ".git" / "hooks" / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def approved_roles(root: Path) -> list[str]:
    doc = yaml.safe_load((root / APPROVALS).read_text(encoding="utf-8"))
    return [a["role"] for a in doc["approvals"]]


@pytest.mark.parametrize("name", ["pre-commit", "commit-msg"])
def test_a_refusing_hook_is_exit_2_with_its_words_and_changes_nothing(
    plan: Path, name: str
) -> None:
    before = head(plan)
    hook(plan, name, f'echo "{name} says no: fix the thing" >&2\nexit 1')
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 2, res.out + res.err
    assert f"git commit failed: {name} says no: fix the thing" in res.err
    assert "Traceback" not in res.err and "internal error" not in res.err
    assert head(plan) == before and porcelain(plan) == ""  # index and file as before
    assert not (plan / APPROVALS).exists()


def test_a_refused_second_approval_restores_the_committed_file(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(["approve", "--role", "cfo"], cwd=plan).code == 0
    text, before = (plan / APPROVALS).read_bytes(), head(plan)
    hook(plan, "pre-commit", "exit 1")
    act_as(monkeypatch, MEMBERS["ops_lead"])
    res = run(["approve", "--role", "ops_lead"], cwd=plan)
    assert res.code == 2 and "git commit failed" in res.err
    assert (plan / APPROVALS).read_bytes() == text and head(plan) == before
    assert porcelain(plan) == ""


def test_a_failing_post_commit_hook_does_not_undo_the_commit(plan: Path) -> None:
    before = head(plan)
    hook(plan, "post-commit", 'echo "post-commit failed" >&2\nexit 1')
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 0, res.out + res.err
    assert "approved:" in res.out
    assert git(plan, "rev-parse", "HEAD~1").strip() == before
    assert porcelain(plan) == "" and approved_roles(plan) == ["cfo"]


def test_prepare_commit_msg_and_commit_msg_hooks_run(plan: Path) -> None:
    hook(plan, "prepare-commit-msg", 'printf "\\nTicket: SOP-1\\n" >> "$1"')
    hook(plan, "commit-msg", 'grep -q "Ticket: SOP-1" "$1"')
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 0, res.out + res.err
    assert "Ticket: SOP-1" in git(plan, "log", "-1", "--format=%B")


def test_commit_gpgsign_is_honoured(plan: Path) -> None:
    before = head(plan)
    git(plan, "config", "commit.gpgsign", "true")
    git(plan, "config", "gpg.program", str(plan / "no-such-gpg"))
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 2, res.out + res.err
    assert "git commit failed" in res.err and "sign" in res.err
    assert head(plan) == before and porcelain(plan) == ""


def test_a_left_over_index_lock_gets_a_hint(plan: Path) -> None:
    (plan / ".git" / "index.lock").write_text("", encoding="utf-8")
    res = run(["approve", "--role", "cfo"], cwd=plan)
    (plan / ".git" / "index.lock").unlink()
    assert res.code == 2, res.out + res.err
    assert "another git process is running" in res.err and "delete .git/index.lock" in res.err
    assert porcelain(plan) == ""


def test_detached_head_warns(plan: Path) -> None:
    git(plan, "checkout", "-q", "--detach")
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 0, res.out + res.err
    assert "warning: HEAD is detached" in res.err and "on no branch" in res.err


def test_quorum_line_says_met_plainly(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(["approve", "--role", "cfo"], cwd=plan).code == 0
    act_as(monkeypatch, MEMBERS["ops_lead"])
    res = run(["approve", "--role", "ops_lead"], cwd=plan)
    assert "quorum met: 2 approvals, 2 needed (ops_lead, cfo)" in res.out, res.out


def test_concurrent_approvals_take_turns_and_all_count(plan: Path) -> None:
    signers = ["sales_lead", "ops_lead", "cfo"]
    procs = []
    for role in signers:
        env = dict(os.environ, GIT_COMMITTER_EMAIL=MEMBERS[role], GIT_AUTHOR_EMAIL=MEMBERS[role])
        cmd = [sys.executable, "-m", "sopctl", "approve", "--role", role]
        procs.append(
            subprocess.Popen(cmd, cwd=plan, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    outs = [(p.wait(timeout=120), p.communicate()) for p in procs]
    assert [code for code, _ in outs] == [0, 0, 0], outs
    assert sorted(approved_roles(plan)) == sorted(signers)
    assert len(git(plan, "log", "--format=%s", "-3", "--", APPROVALS).split("\n")) >= 3
    assert porcelain(plan) == ""
    assert not (plan / ".git" / "sopctl.lock").exists()


def test_a_held_lock_is_reported_after_the_wait(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sopctl.cli.governance_cmds import LOCK

    monkeypatch.setattr(commit_module, "LOCK_WAIT", 0.2)
    with vcs.file_lock(vcs.git_dir(plan) / LOCK, "test", 1):
        res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 2 and "another 'sopctl approve' holds" in res.err
    assert "if none is running, delete that file" in res.err
    assert porcelain(plan) == "" and not (plan / APPROVALS).exists()


def test_an_approve_waiting_for_the_lock_reads_the_file_again(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that waited appends to what the other run committed meanwhile."""
    from sopctl.cli.governance_cmds import LOCK

    waiting = lock_waits(monkeypatch)
    results: list[Result] = []
    with vcs.file_lock(vcs.git_dir(plan) / LOCK, "test", 1):
        worker = threading.Thread(
            target=lambda: results.append(run(["approve", "--role", "cfo"], cwd=plan))
        )
        worker.start()
        assert waiting.wait(timeout=60)
        # meanwhile another approver's run commits ops_lead's approval
        act_as(monkeypatch, MEMBERS["ops_lead"])
        from sopctl.governance.approve import decide
        from sopctl.validate import load_workspace

        ws, report = load_workspace(plan)
        d = decide(
            ws,
            report,
            role="ops_lead",
            email=MEMBERS["ops_lead"],
            note="",
            now=dt.datetime(2026, 12, 12, tzinfo=dt.UTC),
            dirty=[],
        )
        assert d.approvals is not None
        from sopctl.governance.approve import approvals_yaml

        (plan / APPROVALS).write_text(approvals_yaml(ws, d.approvals), encoding="utf-8")
        commit_all(plan, "ops_lead approves")
    worker.join(timeout=60)
    assert results and results[0].code == 0, results
    assert approved_roles(plan) == ["ops_lead", "cfo"] and porcelain(plan) == ""


def _interrupt_in_hook(plan: Path, group: bool) -> tuple[int, str]:
    """Run approve in a subprocess; SIGINT it (or its whole process group, as Ctrl-C in a
    terminal does) while the pre-commit hook runs."""
    marker = plan.parent / "hook-started"
    hook(plan, "pre-commit", f'touch "{marker}"\nsleep 2')
    cmd = [sys.executable, "-m", "sopctl", "approve", "--role", "cfo"]
    proc = subprocess.Popen(
        cmd, cwd=plan, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    if group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode()


def test_ctrl_c_in_a_terminal_during_the_commit_changes_nothing(plan: Path) -> None:
    before = head(plan)
    code, err = _interrupt_in_hook(plan, group=True)
    assert code == 130, err
    assert head(plan) == before and porcelain(plan) == "", err
    assert not (plan / APPROVALS).exists()


def test_sigint_to_sopctl_alone_lets_the_commit_finish(plan: Path) -> None:
    before = head(plan)
    code, err = _interrupt_in_hook(plan, group=False)
    assert code == 130, err
    assert git(plan, "rev-parse", "HEAD~1").strip() == before  # fully recorded
    assert porcelain(plan) == "" and approved_roles(plan) == ["cfo"]


def test_commit_file_undoes_an_interrupt_before_the_commit(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (plan / APPROVALS).write_text("version: 1\napprovals: []\n", encoding="utf-8")
    commit_all(plan, "empty approvals")
    before, text = head(plan), (plan / APPROVALS).read_bytes()
    real = commit_module._call

    def interrupted(root: Path, args: list[str], *a: object, **k: object) -> object:
        if args[0] == "commit":
            raise KeyboardInterrupt
        return real(root, args, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(commit_module, "_call", interrupted)
    with pytest.raises(KeyboardInterrupt):
        vcs.commit_file(plan, plan / APPROVALS, b"version: 1\napprovals: []\n# new\n", "m")
    assert head(plan) == before and (plan / APPROVALS).read_bytes() == text
    assert porcelain(plan) == ""


def test_commit_file_keeps_a_commit_made_before_the_interrupt(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = head(plan)
    real = commit_module._call

    def late(root: Path, args: list[str], *a: object, **k: object) -> object:
        result = real(root, args, *a, **k)  # type: ignore[arg-type]
        if args[0] == "commit":
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(commit_module, "_call", late)
    data = b"version: 1\napprovals: []\n"
    with pytest.raises(KeyboardInterrupt):
        vcs.commit_file(plan, plan / APPROVALS, data, "m")
    assert git(plan, "rev-parse", "HEAD~1").strip() == before
    assert (plan / APPROVALS).read_bytes() == data and porcelain(plan) == ""


def test_a_failed_commit_never_restores_over_another_writers_file(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = commit_module._call

    def other_writer(root: Path, args: list[str], *a: object, **k: object) -> object:
        if args[0] == "commit":
            (plan / APPROVALS).write_text("written by someone else\n", encoding="utf-8")
            return 1, "", "fatal: no"
        return real(root, args, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(commit_module, "_call", other_writer)
    with pytest.raises(GitError):
        vcs.commit_file(plan, plan / APPROVALS, b"mine\n", "m")
    assert (plan / APPROVALS).read_text(encoding="utf-8") == "written by someone else\n"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_held_interrupts_raise_after_the_block(sig: int) -> None:
    """Ctrl-C, and SIGTERM from a cancelled CI job or `timeout`, wait for the commit."""
    done = []
    before = signal.getsignal(sig)
    with pytest.raises(KeyboardInterrupt), vcs.held_interrupts():
        os.kill(os.getpid(), sig)
        time.sleep(0.05)
        done.append(True)
    assert done == [True] and signal.getsignal(sig) == before


def test_tag_and_approve_take_one_lock() -> None:
    from sopctl.cli.governance_cmds import LOCK as APPROVE_LOCK
    from sopctl.governance.tag import LOCK as TAG_LOCK

    assert APPROVE_LOCK == TAG_LOCK == vcs.WRITERS_LOCK


def test_the_lock_of_a_killed_run_is_taken_over(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = subprocess.Popen(["true"])  # a process id that no longer runs
    dead.wait()
    (vcs.git_dir(plan) / vcs.WRITERS_LOCK).write_text(f"{dead.pid}\n")
    monkeypatch.setattr(commit_module, "LOCK_WAIT", 0.5)
    act_as(monkeypatch, MEMBERS["cfo"])
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 0, res.out + res.err
    assert not (vcs.git_dir(plan) / vcs.WRITERS_LOCK).exists()
