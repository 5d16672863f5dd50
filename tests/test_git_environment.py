"""Repositories git treats specially: owned by another user, shallow clones, reflog selectors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sopctl.vcs.repo import git_failure
from tests.helpers import git, run
from tests.test_tag_support import ready_copy

DUBIOUS_STDERR = """fatal: detected dubious ownership in repository at '/srv/plan'
To add an exception for this directory, call:

\tgit config --global --add safe.directory /srv/plan
"""


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ready repository with its cycle tagged as sop/2026-12/v1."""
    with pytest.MonkeyPatch.context() as mp:
        from tests.helpers import IDENTITY

        for key, value in IDENTITY.items():
            mp.setenv(key, value)
        root = ready_copy(tmp_path_factory.mktemp("tagged") / "plan")
        res = run(["tag"], cwd=root)
        assert res.code == 0, res.out + res.err
    return root


def test_dubious_ownership_is_classified() -> None:
    exc = git_failure("git log", DUBIOUS_STDERR)
    assert exc.message == (
        "git refuses this repository: detected dubious ownership (owned by another user)"
    )
    assert exc.hint is not None
    assert "git config --global --add safe.directory /srv/plan" in exc.hint


@pytest.mark.parametrize(
    "args",
    [
        ["tag", "--dry-run"],
        ["check"],
        ["verify", "sop/2026-12/v1"],
        ["log"],
        ["diff", "sop/2026-12/v1"],
        ["approve", "--role", "cfo"],
        ["learn", "sop/2026-12/v1"],
    ],
)
def test_a_repository_owned_by_another_user_says_so_everywhere(
    tagged: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    res = run(args, cwd=tagged)
    assert res.code == 2, (args, res.out, res.err)
    assert "git refuses this repository: detected dubious ownership" in res.err, res.err
    assert f"safe.directory {tagged}" in res.err
    assert "no commit yet" not in res.err and "unknown tag" not in res.err


def test_status_names_the_ownership_problem(tagged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    res = run(["status"], cwd=tagged)
    assert "committed: unknown — git refuses this repository: detected dubious" in res.out


@pytest.mark.parametrize(
    "args",
    [["diff", "@{-1}"], ["diff", "HEAD@{999}"], ["compare", "@{-1}", "HEAD"]],
)
def test_reflog_selectors_git_cannot_resolve_are_unknown_revisions(
    tagged: Path, args: list[str]
) -> None:
    res = run(args, cwd=tagged)
    assert res.code == 2, (res.out, res.err)
    # compare says what else the name could have been (a scenario of the cycle)
    unknown = "nor a git revision" if args[0] == "compare" else "unknown revision"
    assert unknown in res.err and "internal error" not in res.err


def _shallow(source: Path, dest: Path, depth: int) -> Path:
    git(source.parent, "clone", "-q", f"--depth={depth}", source.as_uri(), str(dest))
    return dest


def test_check_in_a_depth_1_clone_asks_for_the_history(tagged: Path, tmp_path: Path) -> None:
    clone = _shallow(tagged, tmp_path / "clone", 1)
    res = run(["check"], cwd=clone)
    assert res.code == 2, res.out + res.err
    assert "the clone is shallow; fetch the history (actions/checkout: fetch-depth: 0)" in res.err
    assert "SOP8" not in res.out


def test_check_in_a_shallow_clone_runs_when_the_range_is_fetched(
    tagged: Path, tmp_path: Path
) -> None:
    clone = _shallow(tagged, tmp_path / "clone", 2)
    res = run(["check", "--format", "json"], cwd=clone)  # HEAD~1..HEAD: inside the fetch
    assert res.code in (0, 1), res.out + res.err
    assert json.loads(res.out)["base"] == git(clone, "rev-parse", "HEAD~1").strip()
    res = run(["check", "--base", "HEAD~1"], cwd=clone)
    assert res.code in (0, 1) and "shallow" not in res.err


def test_check_refuses_a_base_whose_range_crosses_the_cut(tagged: Path, tmp_path: Path) -> None:
    """main: A-B-C, side: A-D; a depth-2 clone has C, B (cut) and D, A (cut): the range
    side..main cannot find the merge base A from C, so it would walk into B's missing parent."""
    source = tmp_path / "source"
    shutil.copytree(tagged, source, symlinks=True)
    git(source, "checkout", "-q", "-b", "side", "HEAD~1")
    git(source, "commit", "-q", "--allow-empty", "-m", "D")
    git(source, "checkout", "-q", "main")
    for name in ("B", "C"):
        git(source, "commit", "-q", "--allow-empty", "-m", name)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=2", "--no-single-branch", source.as_uri(), str(clone))
    res = run(["check", "--base", "origin/side"], cwd=clone)
    assert res.code == 2, res.out + res.err
    assert "the clone is shallow" in res.err and "reach past the fetched commits" in res.err


def test_tag_refuses_in_a_shallow_clone(tagged: Path, tmp_path: Path) -> None:
    clone = _shallow(tagged, tmp_path / "clone", 1)
    git(clone, "tag", "-d", "sop/2026-12/v1")
    res = run(["tag", "--dry-run"], cwd=clone)
    assert res.code == 2, res.out + res.err
    assert "the clone is shallow" in res.err and "fetch-depth: 0" in res.err


def test_verify_in_a_shallow_clone_names_the_cut_off_history(tagged: Path, tmp_path: Path) -> None:
    """An approval's commit before the tagged one is cut off from a depth-1 clone."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(tagged, src, symlinks=True)
    record = git(src, "cat-file", "tag", "sop/2026-12/v1").split("\n\n", 1)[1]
    (tmp_path / "record.txt").write_text(record)
    git(src, "commit", "-q", "--allow-empty", "-m", "a later commit, tagged instead")
    tag_args = ["-f", "-a", "--cleanup=verbatim", "-F", str(tmp_path / "record.txt")]
    git(src, "tag", *tag_args, "sop/2026-12/v1", "HEAD")
    clone = _shallow(src, tmp_path / "clone", 1)
    res = run(["verify", "sop/2026-12/v1"], cwd=clone)
    assert res.code == 1, res.out + res.err
    assert "is not in the repo: this clone is shallow; fetch the history" in res.out, res.out
    assert "not re-made" not in res.out  # the outputs are checked all the same
    assert "output files (re-solved in a temporary worktree): all identical" in res.out


def test_check_header_names_the_start_whole(tagged: Path) -> None:
    from sopctl.check.engine import CheckResult
    from sopctl.cli.check_cmd import render

    assert render(CheckResult(None, "all history", "abc"), "text").startswith(
        "checked 0 cycle(s) changed since the start\n"
    )


def test_status_in_a_shallow_clone_lists_the_stop_tag_makes(tmp_path: Path) -> None:
    """status said 'the plan is approved; run sopctl tag' where tag stops with exit 2."""
    source = ready_copy(tmp_path / "source")
    clone = _shallow(source, tmp_path / "clone", 1)
    assert run(["reconcile"], cwd=clone).code == 0
    res = run(["status", "--format", "json"], cwd=clone)
    tag = json.loads(res.out)["tag"]
    assert tag["ready"] is False and tag["approved"] is True
    assert tag["blockers"] == [
        "the clone is shallow, so the commits that recorded the approvals cannot be found; "
        "fetch the history (actions/checkout: fetch-depth: 0) (git fetch --unshallow, then run "
        "sopctl tag again)"
    ]
    text = run(["status"], cwd=clone).out
    assert "would refuse" in text and "tag: blocked — the clone is shallow" in text
    assert run(["tag", "--dry-run"], cwd=clone).code == 2
    assert json.loads(run(["status", "--format", "json"], cwd=source).out)["tag"]["ready"]
