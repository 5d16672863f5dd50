"""The approval quorum counts people: one person's sign-offs for two required roles count once
(tag, status, approve and the report judge it with one function, count_quorum)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run
from tests.test_tag_support import CDIR, CYCLE, commit_all, ready_copy, snapshot, tags
from tests.test_tag_support import write_approvals as approve_all

CHARTER = "charters/acme.yaml"
SAM = "sam@acme.example"


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


def _edit_charter(root: Path, old: str, new: str) -> None:
    path = root / CHARTER
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    commit_all(root, "charter")
    assert run(["reconcile"], cwd=root).code == 0  # the charter is part of the plan digest


def _sam_covers_for_carl(root: Path) -> None:
    """sam is a member of sales_lead and of cfo, and signs for both: one person."""
    _edit_charter(root, "members: [carl@acme.example]", f"members: [carl@acme.example, {SAM}]")
    approve_all(
        root,
        (
            ("sales_lead", SAM, "2026-12-12T09:30:00Z"),
            ("cfo", SAM, "2026-12-12T09:31:00Z"),
        ),
    )
    commit_all(root, "sam approves twice")


def _tag_json(root: Path) -> tuple[int, dict[str, object]]:
    r = run(["tag", "--format", "json"], cwd=root)
    return r.code, json.loads(r.out)


def test_count_quorum_counts_people_not_sign_offs() -> None:
    from sopctl.governance.records import count_quorum

    req = ["sales_lead", "ops_lead", "cfo"]
    q = count_quorum(req, 2, [("sales_lead", SAM), ("cfo", SAM)])
    assert q.roles == ("sales_lead", "cfo") and q.missing == ("ops_lead",)
    assert q.people == (SAM,) and q.counted == 1 and not q.met and q.shared
    assert q.shortfall() == f"2 sign-offs but 1 person ({SAM}); 2 people needed"
    # a second person for one of the roles sam signed: two people, one role each
    q = count_quorum(req, 2, [("sales_lead", SAM), ("cfo", SAM), ("ops_lead", "olga@x.org")])
    assert q.counted == 2 and q.met
    # two members of one role: two people, but one role
    q = count_quorum(req, 2, [("sales_lead", SAM), ("sales_lead", "sue@x.org")])
    assert q.counted == 1 and not q.met and not q.shared
    assert q.shortfall() == "1 of 2 required sign-offs"
    # the matching moves sam to the role only he signed
    q = count_quorum(req, 3, [("sales_lead", SAM), ("cfo", SAM), ("sales_lead", "sue@x.org")])
    assert q.counted == 2 and not q.met
    assert count_quorum(req, 2, [("other", SAM), ("sales_lead", "SAM@acme.example")]).counted == 1


def test_one_person_for_two_roles_does_not_make_the_quorum(ready: Path) -> None:
    _sam_covers_for_carl(ready)
    before = snapshot(ready)
    code, doc = _tag_json(ready)
    assert code == 1 and not doc["created"] and tags(ready) == []
    (reason,) = doc["reasons"]  # type: ignore[misc]
    assert reason.startswith(
        f"approval quorum not met: 2 sign-offs but 1 person ({SAM}); 2 people needed; "
        "one person's sign-offs for several roles count once (current approvals: sales_lead, "
        "cfo; missing: ops_lead)"
    ), reason
    assert snapshot(ready) == before


def test_status_counts_the_quorum_in_people(ready: Path) -> None:
    _sam_covers_for_carl(ready)
    r = run(["status", CYCLE, "--format", "json", "--today", "2026-12-09"], cwd=ready)
    doc = json.loads(r.out)
    q = doc["approvals"]["quorum"]
    assert q["met"] is False and q["counted"] == 1 and q["people"] == [SAM]
    assert q["approved"] == ["sales_lead", "cfo"]
    states = {x["role"]: x["state"] for x in doc["approvals"]["roles"]}
    assert states["sales_lead"] == states["cfo"] == "approved"  # both roles show as signed
    assert doc["state"]["name"] == "reconciled"  # not "approved"
    text = run(["status", CYCLE, "--today", "2026-12-09"], cwd=ready).out
    assert (
        f"approvals: quorum not met: 2 sign-offs but 1 person ({SAM}); 2 people needed "
        "(sales_lead, cfo); pending: ops_lead; one person's sign-offs for several roles count once"
    ) in text


def test_approve_says_one_person_counts_once(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_charter(ready, "members: [carl@acme.example]", f"members: [carl@acme.example, {SAM}]")
    (ready / CDIR / "approvals.yaml").unlink()
    commit_all(ready, "no approvals yet")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", SAM)
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", SAM)
    assert run(["approve", "--role", "sales_lead"], cwd=ready).code == 0
    r = run(["approve", "--role", "cfo"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert f"quorum not met: 2 sign-offs but 1 person ({SAM}); 2 people needed" in r.out
    assert "quorum met" not in r.out


def test_the_report_of_a_record_counts_people() -> None:
    from sopctl.report.model import ApprovalRow
    from sopctl.report.records import _committed_text

    rows = [
        ApprovalRow("sales_lead", True, "approved", SAM, "t", ""),
        ApprovalRow("cfo", True, "approved", SAM, "t", ""),
        ApprovalRow("ops_lead", True, "not given", "", "", ""),
    ]
    text = _committed_text("sop/x/v1", rows, ["sales_lead", "ops_lead", "cfo"], 2)
    assert f"2 sign-offs but 1 person ({SAM})" in text
    assert "the record does not make the quorum" in text and "not needed" not in text
