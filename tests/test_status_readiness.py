"""sopctl status judges whether the cycle can be committed by the rules sopctl tag applies
(governance/readiness.py): it never advises `sopctl tag` when tag would refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run
from tests.test_governance_support import (
    ACTIONS,
    CYCLE,
    MEMBERS,
    act_as,
    build_template,
    commit_all,
    copy_repo,
    edit,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("ready"))


@pytest.fixture
def plan(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path / "plan")


def status(root: Path) -> dict[str, Any]:
    res = run(["status", "--today", "2026-12-09", "--format", "json"], cwd=root)
    assert res.code == 0, res.out + res.err
    doc: dict[str, Any] = json.loads(res.out)
    return doc


def approve(root: Path, mp: pytest.MonkeyPatch, *roles: str) -> None:
    for role in roles:
        act_as(mp, MEMBERS[role])
        res = run(["approve", "--role", role], cwd=root)
        assert res.code == 0, res.out + res.err


def answer_escalations(root: Path) -> None:
    """Actions for every escalated exception of the minimal example, committed."""
    (root / ACTIONS).write_text(
        "version: 1\nactions:\n"
        "  - {id: X1, description: Overtime, owner: ops_lead, due: 2026-12-20, answers: '*:*:*'}\n",
        encoding="utf-8",
    )
    commit_all(root, "actions")


def test_a_stale_approval_beside_a_met_quorum_blocks_and_status_says_so(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA: quorum met by current approvals while sales_lead's earlier approval stays stale
    (not superseded): status said 'approved — run sopctl tag', notes empty; tag refused."""
    answer_escalations(plan)
    approve(plan, monkeypatch, "sales_lead", "cfo", "ops_lead")
    edit(plan, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,170,")
    commit_all(plan, "more stock")
    assert run(["reconcile", "--format", "json"], cwd=plan).code == 0
    approve(plan, monkeypatch, "cfo", "ops_lead")
    doc = status(plan)
    assert doc["approvals"]["quorum"]["met"] is True
    assert doc["state"]["name"] != "approved"
    assert doc["tag"]["ready"] is False and doc["tag"]["approved"] is False
    assert any("sales_lead" in b and "is stale" in b for b in doc["tag"]["blockers"])
    text = run(["status"], cwd=plan).out
    assert "run sopctl tag" not in text
    assert "sopctl tag 2026-12 would refuse" in text
    assert "tag: blocked — approval by sam@acme.example as sales_lead" in text
    tag = run(["tag", "--dry-run"], cwd=plan)
    assert tag.code == 1 and "sales_lead" in tag.out
    out = plan.parent / "pack.html"  # the report's status line judges alike
    assert run(["report", "--out", str(out)], cwd=plan).code == 0
    html = out.read_text(encoding="utf-8")
    assert "cycle status reconciled" in html and "cycle status approved" not in html
    approve(plan, monkeypatch, "sales_lead")  # supersedes the stale one: tag would commit
    doc = status(plan)
    assert doc["tag"] == {"ready": True, "approved": True, "blockers": []}
    assert doc["state"]["name"] == "approved"
    assert "run sopctl tag 2026-12 to commit it" in run(["status"], cwd=plan).out
    assert run(["tag", "--dry-run"], cwd=plan).code == 0


def test_an_unanswered_escalation_blocks_an_approved_plan(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approve(plan, monkeypatch, "cfo", "ops_lead")
    doc = status(plan)
    assert doc["state"]["name"] == "approved" and doc["tag"]["approved"] is True
    assert any("no action answers" in b for b in doc["tag"]["blockers"])
    text = run(["status"], cwd=plan).out
    assert "the plan is approved, but sopctl tag 2026-12 would refuse" in text
    assert "run sopctl tag" not in text
    assert run(["tag", "--dry-run"], cwd=plan).code == 1


def test_the_quorum_line_calls_stale_roles_stale_not_pending(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approve(plan, monkeypatch, "cfo", "ops_lead")
    edit(plan, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,170,")
    commit_all(plan, "more stock")
    assert run(["reconcile", "--format", "json"], cwd=plan).code == 0
    approve(plan, monkeypatch, "cfo")
    text = run(["status"], cwd=plan).out
    assert "quorum not met: 1 approval, 2 needed (cfo); pending: sales_lead; stale: ops_lead" in (
        text
    )


def test_validation_counts_say_what_they_count(plan: Path) -> None:
    """status counted only the inputs' findings as 'validation: 0 warnings' while reconcile
    reported the demand view's warnings too."""
    manifest = plan / CYCLE / "outputs" / "demand_manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    want = sum(f["severity"] == "warning" for f in doc.get("findings", []))
    st = status(plan)
    assert st["validation"]["demand_warnings"] == want
    text = run(["status"], cwd=plan).out
    assert f"validation (inputs): 0 error(s), 0 warning(s); demand view: {want} warning(s)" in (
        text
    )


def test_tag_names_an_untracked_actions_file_once(plan: Path) -> None:
    (plan / ACTIONS).write_text(
        "version: 1\nactions:\n"
        "  - {id: X1, description: Overtime, owner: ops_lead, due: 2026-12-20}\n",
        encoding="utf-8",
    )
    res = run(["tag", "--dry-run", "--format", "json"], cwd=plan)
    reasons = json.loads(res.out)["reasons"]
    assert sum(f"{CYCLE}/actions.yaml" in r for r in reasons) == 1, reasons


def test_a_tagged_commit_is_not_ready_to_tag_again(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: after `sopctl tag`, status said {"ready": true, "blockers": []} while tag
    refused ('commit … is already committed as sop/2026-12/v1')."""
    answer_escalations(plan)
    approve(plan, monkeypatch, "cfo", "ops_lead")
    assert run(["tag"], cwd=plan).code == 0
    again = run(["tag", "--dry-run"], cwd=plan)
    assert again.code == 1 and "is already committed as sop/2026-12/v1" in again.out
    doc = status(plan)
    assert doc["tag"]["ready"] is False and doc["tag"]["approved"] is True
    assert [b for b in doc["tag"]["blockers"] if "already committed as sop/2026-12/v1" in b]
    assert doc["state"]["name"] == "committed"
    text = run(["status"], cwd=plan).out
    assert "committed: sop/2026-12/v1" in text and "the current plan is the committed one" in text
    assert "run sopctl tag" not in text
