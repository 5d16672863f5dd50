"""An input committed after its phase was due stays late in status and in the commit record,
by the committer date of its last change (governance/inputs_due.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import git, run
from tests.test_governance_support import (
    CYCLE,
    MEMBERS,
    act_as,
    build_template,
    commit_all,
    copy_repo,
    edit,
)
from tests.test_tag_support import ready_copy, write_approvals

PIPELINE = f"{CYCLE}/inputs/pipeline.csv"
# cycle 2026-12 of the minimal charter: signal is due on business day 5, Monday 2026-12-07
ON_TIME = "2026-12-07T18:00:00+01:00"
LATE = "2026-12-09T10:00:00+01:00"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("late"))


@pytest.fixture
def plan(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path / "plan")


def commit_pipeline(root: Path, mp: pytest.MonkeyPatch, when: str, qty: str = "220") -> str:
    """sam commits a new quantity of deal D-001 at `when` (committer date)."""
    old = "D-001,Borealis,P-100,strategic,proposal,"
    text = (root / PIPELINE).read_text(encoding="utf-8")
    start = text.index(old) + len(old)
    end = text.index(",", start)
    (root / PIPELINE).write_text(text[:start] + qty + text[end:], encoding="utf-8")
    act_as(mp, MEMBERS["sales_lead"])
    mp.setenv("GIT_COMMITTER_DATE", when)
    commit_all(root, "pipeline")
    mp.delenv("GIT_COMMITTER_DATE")
    return git(root, "rev-parse", "HEAD").strip()


def late_pipeline(root: Path, today: str) -> list[dict[str, Any]]:
    r = run(["status", "--today", today, "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    return [x for x in doc["late_inputs"] if x["file"] == "pipeline.csv"]


def test_an_input_committed_after_its_due_day_stays_late(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before it came, status said 'missing pipeline.csv … LATE'; once committed after the
    cut-off it said nothing at all."""
    sha = commit_pipeline(plan, monkeypatch, LATE)
    assert late_pipeline(plan, "2026-12-10") == [
        {
            "file": "pipeline.csv",
            "table": "pipeline",
            "owner": "sales_lead",
            "members": ["sam@acme.example"],
            "due": "signal",
            "due_date": "2026-12-07",
            "committed": "2026-12-09",
            "commit": sha,
        }
    ]
    text = run(["status", "--today", "2026-12-10"], cwd=plan).out
    assert (
        f"  pipeline.csv (pipeline) came late: committed 2026-12-09 in {sha[:12]}, due at signal "
        "(2026-12-07), owner sales_lead (sam@acme.example) LATE"
    ) in text


@pytest.mark.parametrize(
    "when",
    [ON_TIME, "2026-12-07T23:30:00-08:00", "2026-11-20T09:00:00+00:00"],
    ids=["on-the-due-day", "the-committers-own-day", "before-the-cycle-month"],
)
def test_an_input_committed_by_its_due_day_is_not_late(
    plan: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    commit_pipeline(plan, monkeypatch, when)
    assert late_pipeline(plan, "2026-12-22") == []


def test_the_last_change_decides(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_pipeline(plan, monkeypatch, ON_TIME)
    assert late_pipeline(plan, "2026-12-22") == []
    sha = commit_pipeline(plan, monkeypatch, LATE, qty="250")
    (found,) = late_pipeline(plan, "2026-12-22")
    assert found["commit"] == sha and found["committed"] == "2026-12-09"


def test_uncommitted_edits_are_not_in_yet(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_pipeline(plan, monkeypatch, ON_TIME)
    edit(plan, PIPELINE, "proposal,220,", "proposal,230,")
    assert late_pipeline(plan, "2026-12-04") == []  # signal not due yet
    (found,) = late_pipeline(plan, "2026-12-08")
    assert found["committed"] is None and found["commit"] is None
    text = run(["status", "--today", "2026-12-08"], cwd=plan).out
    assert "pipeline.csv (pipeline) is not in yet (changes not committed), due at signal" in text


def test_tag_records_a_late_input_and_does_not_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = ready_copy(tmp_path / "plan")
    sha = commit_pipeline(ready, monkeypatch, LATE, qty="201")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "planner@example.test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "planner@example.test")
    assert run(["reconcile"], cwd=ready).code == 0
    write_approvals(ready)
    git(ready, "commit", "-qam", "approve the plan with the late deal")
    r = run(["tag", "--dry-run", "--format", "json"], cwd=ready)
    assert r.code == 0, r.out + r.err
    record = json.loads(r.out)["record"]
    late = [x for x in record["late_inputs"] if x["file"] == "pipeline.csv"]
    assert late == [
        {
            "file": "pipeline.csv",
            "owner": "sales_lead",
            "due": "signal",
            "due_date": "2026-12-07",
            "committed": "2026-12-09",
            "commit": sha,
        }
    ]
    text = run(["tag", "--dry-run"], cwd=ready).out
    body = yaml.safe_load(text.split("\n", 1)[1].rsplit("dry run:", 1)[0])
    assert body["late_inputs"] == record["late_inputs"]


def test_a_record_of_inputs_on_time_has_no_late_inputs_key() -> None:
    from sopctl.governance.tag_record import dump
    from sopctl.schemas.records import CommitRecord

    record = CommitRecord(
        cycle="2026-12",
        charter="acme",
        tagger="planner@example.test",
        plan_digest="a" * 64,
        approvals=[],
        files={},
        kpis={},
    )
    assert "late_inputs" not in dump(record, "sop/2026-12/v1")
    late = record.model_copy(update={"late_inputs": [{"file": "pipeline.csv"}]})
    assert "late_inputs:\n- file: pipeline.csv\n" in dump(late, "sop/2026-12/v1")


def test_an_optional_input_that_comes_after_its_phase_is_late_too(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """overrides.csv is `required: false`: it need not come, but an override raised after the
    signal phase was due is the late, inflated input the process guards against. It was
    flagged nowhere (status, the commit record, check)."""
    path = plan / CYCLE / "inputs" / "overrides.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("delta,30,sam", "delta,90,sam"), encoding="utf-8")
    act_as(monkeypatch, MEMBERS["sales_lead"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", LATE)
    commit_all(plan, "raise the override")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    r = run(["status", "--today", "2026-12-10", "--format", "json"], cwd=plan)
    late = [x for x in json.loads(r.out)["late_inputs"] if x["file"] == "overrides.csv"]
    assert [(x["due"], x["committed"], x["owner"]) for x in late] == [
        ("signal", "2026-12-09", "demand_planner")
    ]
