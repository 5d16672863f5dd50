"""sopctl check on approvals.yaml (recorded by the approver, SOP813) and on the approval round
of tagged cycles (SOP806) when the shared charter changes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import git, record_tag, run
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
    assert sop(r.out, "SOP802")[0].endswith(  # the hint names the cycle and the role
        "or their approval of the current plan (sopctl approve 2026-12 --role ops_lead)"
    )


def test_frozen_override_its_owner_may_not_make_is_fixed_before_it_is_approved(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An override in the frozen window whose owner lacks approve_frozen_change (SOP702) keeps
    a current plan from being made, so SOP802 does not offer an approval as the way out but
    says to fix the row first; once it is fixed, the approval it then names opens the window."""
    rel = f"{CYCLE}/inputs/overrides.csv"
    path = plan / rel
    rush = "O-2,P-200,strategic,2027-01,delta,10,dana@acme.example,Rush order"
    path.write_text(path.read_text(encoding="utf-8") + rush + "\n", encoding="utf-8")
    commit_as(plan, MEMBERS["demand_planner"], "rush order")
    assert run(["validate"], cwd=plan).code == 1
    r = run(["check", "--base", "main"], cwd=plan)
    assert r.code == 1, r.out
    assert f"{rel}:3:4: error SOP702 override O-2" in r.out
    (hint,) = sop(r.out, "SOP802")
    assert "approval of the current plan" not in hint
    assert hint.endswith(
        "or their approval of a current plan, which cannot be made while this row's own SOP702 "
        "error stands: correct its owner or period as SOP702 says, then run sopctl reconcile "
        "2026-12 and ask for sopctl approve 2026-12 --role ops_lead"
    ), r.out
    edit(plan, rel, "strategic,2027-01,delta,10", "strategic,2027-02,delta,10")
    commit_as(plan, MEMBERS["demand_planner"], "rush order after the frozen month")
    r = run(["check", "--base", "main"], cwd=plan)
    assert "error SOP702" not in r.out, r.out  # the first commit still acted on the window
    assert sop(r.out, "SOP802")[0].endswith(
        "or their approval of the current plan (sopctl approve 2026-12 --role ops_lead)"
    ), r.out
    digest(plan)
    approve(plan, "ops_lead", monkeypatch)
    r = run(["check", "--base", "main"], cwd=plan)
    assert r.code == 0 and "SOP802" not in r.out, r.out


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


def next_cycle(root: Path) -> None:
    """Open cycle 2027-01 (first period 2027-02) from 2026-12's files."""
    src, dst = root / CYCLE, root / "cycles" / "2027-01"
    (dst / "inputs").mkdir(parents=True)
    for f in (src / "inputs").iterdir():
        (dst / "inputs" / f.name).write_bytes(f.read_bytes())
    text = (src / "cycle.yaml").read_text(encoding="utf-8")
    text = text.replace("id: 2026-12", "id: 2027-01")
    text = text.replace("first_period: 2027-01", "first_period: 2027-02")
    (dst / "cycle.yaml").write_text(text, encoding="utf-8")


def add_dave(root: Path) -> None:
    edit(
        root, "charters/acme.yaml", "[dana@acme.example]", "[dana@acme.example, dave@acme.example]"
    )
    commit_as(root, MEMBERS["ops_lead"], "demand planning: add dave")  # ops_lead signs off


def test_a_charter_edit_does_not_reopen_a_cycle_a_later_one_follows(
    template: Path, tmp_path: Path
) -> None:
    root = copy_repo(template, tmp_path / "plan")
    record_tag(root, "2026-12", "sop/2026-12/v1")
    next_cycle(root)
    commit_as(root, MEMBERS["demand_planner"], "open 2027-01")
    git(root, "checkout", "-q", "-b", "charter")
    add_dave(root)
    r = run(["check", "--base", "main"], cwd=root)
    assert "checked 2 cycle(s)" in r.out and "SOP806" not in r.out and r.code == 0, r.out
    # the cycle's own files still need the new round, and only they are named
    edit(root, f"{CYCLE}/inputs/inventory.csv", "P-100,150,60,60", "P-100,170,60,60")
    commit_as(root, MEMBERS["ops_lead"], "a late stock count for the closed cycle")
    r = run(["check", "--base", "main"], cwd=root)
    (line,) = sop(r.out, "SOP806")
    assert line.startswith(
        f"{APPROVALS}: error SOP806 cycle 2026-12 was committed as sop/2026-12/v1, and "
        f"{CYCLE}/inputs/inventory.csv changed since;"
    ), r.out
    # the latest cycle still counts the charter
    git(root, "reset", "-q", "--hard", "main")
    record_tag(root, "2027-01", "sop/2027-01/v1")
    add_dave(root)
    r = run(["check", "--base", "main"], cwd=root)
    (line,) = sop(r.out, "SOP806")
    assert line.startswith(
        "cycles/2027-01/approvals.yaml: error SOP806 cycle 2027-01 was committed as "
        "sop/2027-01/v1, and charters/acme.yaml changed since"
    ), r.out
    # a later cycle of another charter is no follower of an acme cycle
    git(root, "reset", "-q", "--hard", "main")
    beta = (root / "charters/acme.yaml").read_text(encoding="utf-8")
    (root / "charters/beta.yaml").write_text(beta, encoding="utf-8")
    other = root / "cycles/2027-01/cycle.yaml"
    other.write_text(other.read_text("utf-8").replace("charter: acme", "charter: beta"), "utf-8")
    commit_as(root, MEMBERS["ops_lead"], "2027-01 plans under charter beta")
    git(root, "branch", "-q", "-f", "main")
    add_dave(root)
    r = run(["check", "--base", "main"], cwd=root)
    (line,) = sop(r.out, "SOP806")
    assert "cycle 2026-12 was committed as sop/2026-12/v1, and charters/acme.yaml" in line, r.out


def test_a_forged_approval_is_no_new_approval_round_either(template: Path, tmp_path: Path) -> None:
    """A tagged cycle changed since its tag: an approval written for the ops lead by the
    demand planner does not stand for the new round (SOP806 as well as SOP813)."""
    root = copy_repo(template, tmp_path / "plan")
    record_tag(root, "2026-12", "sop/2026-12/v1")
    git(root, "checkout", "-q", "-b", "feature")
    edit(root, f"{CYCLE}/inputs/inventory.csv", "P-100,150,60,60", "P-100,170,60,60")
    commit_as(root, MEMBERS["ops_lead"], "a late stock count")
    hand_written(root, ["ops_lead"], digest(root))
    commit_as(root, MEMBERS["demand_planner"], "approval for olga")
    r = run(["check", "--base", "main"], cwd=root)
    assert r.code == 1 and len(sop(r.out, "SOP813")) == 1, r.out
    (line,) = sop(r.out, "SOP806")
    assert "no approval records the new plan digest" in line, r.out


def test_a_forged_approval_removed_again_is_one_finding(plan: Path) -> None:
    """The demand planner writes the ops lead's approval and removes it in a later commit: one
    forged entry, one SOP813 naming who added and who removed it (removing a forgery takes no
    approval from anyone). Forged once more, it is a second problem and a second finding."""
    before = (plan / APPROVALS).read_bytes() if (plan / APPROVALS).exists() else None
    hand_written(plan, ["ops_lead"], digest(plan))
    added = commit_as(plan, MEMBERS["demand_planner"], "approval for olga")
    if before is None:
        (plan / APPROVALS).unlink()
    else:
        (plan / APPROVALS).write_bytes(before)
    removed = commit_as(plan, MEMBERS["demand_planner"], "take it back")
    r = run(["check", "--base", "main"], cwd=plan)
    assert r.code == 1, r.out
    (line,) = sop(r.out, "SOP813")
    assert line.startswith(
        f"{APPROVALS}: error SOP813 approval as ops_lead by olga@acme.example added in "
        f"{added[:7]} by dana@acme.example, who is not olga@acme.example, and removed again "
        f"(was line 3) in {removed[:7]} by dana@acme.example: approvals are recorded by the "
        "approver with `sopctl approve`; rewrite the branch so that no commit adds it "
        "(git rebase -i) and let olga@acme.example approve with their own git identity"
    ), r.out
    hand_written(plan, ["ops_lead"], digest(plan))
    again = commit_as(plan, MEMBERS["demand_planner"], "approval for olga, again")
    r = run(["check", "--base", "main"], cwd=plan)
    first, second = sop(r.out, "SOP813")
    assert first.startswith(f"{APPROVALS}: error SOP813 approval as ops_lead by"), r.out
    assert f"added in {added[:7]}" in first and "removed again (was line 3) in" in first
    assert second.startswith(
        f"{APPROVALS}:3: error SOP813 approval as ops_lead by olga@acme.example added in "
        f"{again[:7]} by dana@acme.example, who is not olga@acme.example"
    ), r.out
