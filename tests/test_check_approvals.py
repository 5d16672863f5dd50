"""sopctl check on approvals.yaml: an approval is recorded by its approver (SOP813)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import git, run
from tests.test_governance_support import (
    APPROVALS,
    CYCLE,
    MEMBERS,
    build_template,
    copy_repo,
    edit,
)

PIPELINE = f"{CYCLE}/inputs/pipeline.csv"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("check-approvals"))


@pytest.fixture
def plan(template: Path, tmp_path: Path) -> Path:
    root = copy_repo(template, tmp_path / "plan")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def commit_as(root: Path, author: str, message: str, committer: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_EMAIL": author, "GIT_COMMITTER_EMAIL": committer or author}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)
    return git(root, "rev-parse", "HEAD").strip()


def approve(root: Path, role: str, mp: pytest.MonkeyPatch, author: str | None = None) -> None:
    """`sopctl approve` as the role's member (git's committer e-mail), authored by `author`."""
    with mp.context() as m:
        m.setenv("GIT_COMMITTER_EMAIL", MEMBERS[role])
        m.setenv("GIT_AUTHOR_EMAIL", author or MEMBERS[role])
        r = run(["approve", "--role", role], cwd=root)
    assert r.code == 0, r.out + r.err


def digest(root: Path) -> str:
    import json

    r = run(["reconcile", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    return str(json.loads(run(["status", "--format", "json"], cwd=root).out)["plan"]["digest"])


def hand_written(root: Path, roles: list[str], d: str) -> None:
    lines = ["version: 1", "approvals:"] + [
        f"- {{role: {r}, person: {MEMBERS[r]}, time: '2026-12-10T09:00:00Z', plan_digest: {d}}}"
        for r in roles
    ]
    (root / APPROVALS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def sop(out: str, code: str) -> list[str]:
    return [ln for ln in out.splitlines() if f" {code} " in ln]


def frozen_change(root: Path) -> None:
    """The sales lead (owner of pipeline.csv) adds a deal that ships in the frozen month (it
    closes a month before, the charter's close_to_demand_lag): it needs approve_frozen_change
    (ops_lead) as author, or their approval of the plan."""
    path = root / PIPELINE
    deal = "D-004,Echo,P-100,strategic,committed,40,2026-12,1"
    path.write_text(path.read_text(encoding="utf-8") + deal + "\n", encoding="utf-8")
    commit_as(root, MEMBERS["sales_lead"], "a rush deal for the frozen month")


def test_approvals_written_for_others_fail_and_do_not_open_the_frozen_window(plan: Path) -> None:
    """The demand planner (no sign-off right) writes approvals for the sales lead and the ops
    lead (who holds approve_frozen_change) and commits them as herself."""
    frozen_change(plan)
    hand_written(plan, ["sales_lead", "ops_lead"], digest(plan))
    sha = commit_as(plan, MEMBERS["demand_planner"], "approvals")
    r = run(["check", "--base", "main"], cwd=plan)
    assert r.code == 1, r.out
    found = sop(r.out, "SOP813")
    assert [ln.split(" error ")[0] for ln in found] == [f"{APPROVALS}:3:", f"{APPROVALS}:4:"]
    assert found[0].startswith(
        f"{APPROVALS}:3: error SOP813 approval as sales_lead by sam@acme.example added in "
        f"{sha[:7]} by dana@acme.example, who is not sam@acme.example: approvals are recorded "
        "by the approver with `sopctl approve`"
    ), r.out
    # olga's forged approval is no sign-off of the frozen change either
    assert [ln.split(" error ")[0] for ln in sop(r.out, "SOP802")] == [f"{PIPELINE}:5:"], r.out


def test_a_real_approve_passes_with_either_identity(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sopctl approve` records git's committer e-mail: an approval committed by olga and
    authored by dana (her user.email) is olga's, and opens the frozen window; an entry the
    planner then edits (a stale digest refreshed by hand) is no longer olga's record."""
    frozen_change(plan)
    digest(plan)
    approve(plan, "ops_lead", monkeypatch, author=MEMBERS["demand_planner"])
    r = run(["check", "--base", "main"], cwd=plan)
    assert r.code == 0 and "SOP813" not in r.out and "SOP802" not in r.out, r.out
    edit(plan, APPROVALS, "role: ops_lead", "role: sales_lead")
    sha = commit_as(plan, MEMBERS["demand_planner"], "fix the role")
    r = run(["check", "--base", "main"], cwd=plan)
    assert r.code == 1, r.out
    found = sop(r.out, "SOP813")
    assert len(found) == 2, r.out  # a changed entry: the old one removed, the new one added
    assert any(
        ln.startswith(
            f"{APPROVALS}:3: error SOP813 approval as sales_lead by olga@acme.example "
            f"added in {sha[:7]}"
        )
        for ln in found
    ), r.out
    assert any(
        ln.startswith(
            f"{APPROVALS}: error SOP813 approval as ops_lead by olga@acme.example "
            f"removed (was line 3) in {sha[:7]} by dana@acme.example, who is neither"
        )
        for ln in found
    ), r.out


def test_removing_an_approval_needs_its_approver_or_a_signer(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_repo(template, tmp_path / "plan")
    approve(root, "ops_lead", monkeypatch)
    approve(root, "cfo", monkeypatch)
    git(root, "checkout", "-q", "-b", "feature")
    text = (root / APPROVALS).read_text(encoding="utf-8")
    kept = text[: text.index("- role: ops_lead")] + text[text.index("- role: cfo") :]
    (root / APPROVALS).write_text(kept, encoding="utf-8")
    sha = commit_as(root, MEMBERS["demand_planner"], "drop olga's approval")
    r = run(["check", "--base", "main"], cwd=root)
    assert r.code == 1, r.out
    (line,) = sop(r.out, "SOP813")
    assert line.startswith(
        f"{APPROVALS}: error SOP813 approval as ops_lead by olga@acme.example removed "
        f"(was line 3) in {sha[:7]} by dana@acme.example, who is neither olga@acme.example "
        "nor a member of a role holding sign_off_plan (sales_lead, ops_lead, cfo)"
    ), r.out
    git(root, "reset", "-q", "--hard", "HEAD~1")
    (root / APPROVALS).write_text(kept, encoding="utf-8")
    commit_as(root, MEMBERS["cfo"], "the CFO withdraws a mistaken approval")
    r = run(["check", "--base", "main"], cwd=root)  # the CFO (sign_off_plan) may remove it
    assert r.code == 0 and "SOP813" not in r.out, r.out
