"""Shared setup of the governance tests: a reconciled minimal repo, copied per test (no tests).

Reconciling once per module and copying the folder (with .git) keeps each test at git speed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import IDENTITY, git, make_repo, run

CYCLE = "cycles/2026-12"
APPROVALS = f"{CYCLE}/approvals.yaml"
ACTIONS = f"{CYCLE}/actions.yaml"
MEMBERS = {
    "sales_lead": "sam@acme.example",
    "ops_lead": "olga@acme.example",
    "demand_planner": "dana@acme.example",
    "cfo": "carl@acme.example",
}


def build_template(base: Path, reconcile: bool = True) -> Path:
    """The minimal example committed with a .gitignore for outputs, reconciled when asked."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in IDENTITY.items():
            mp.setenv(key, value)
        root = make_repo(base / "plan")
        (root / ".gitignore").write_text("cycles/*/outputs/\n", encoding="utf-8")
        git(root, "add", ".gitignore")
        git(root, "commit", "-q", "-m", "ignore outputs")
        if reconcile:
            res = run(["reconcile", "--format", "json"], cwd=root)
            assert res.code == 0, res.out + res.err
    return root


def copy_repo(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest, symlinks=True)
    return dest


def act_as(mp: pytest.MonkeyPatch, email: str) -> None:
    """Make git (user_email and the commit) see `email` as the committer and author."""
    mp.setenv("GIT_COMMITTER_EMAIL", email)
    mp.setenv("GIT_AUTHOR_EMAIL", email)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def porcelain(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
