"""`sopctl tag` commits only a plan that passes the charter's error-severity metrics as the CI
gate (`sopctl check`, its `metrics` policy) judges them; a warning-severity metric does not
stop it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run
from tests.test_tag_support import CDIR, CYCLE, commit_all, ready_copy, snapshot, tags
from tests.test_tag_support import write_approvals as approve_all

CHARTER = "charters/acme.yaml"


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


def _tag_json(root: Path) -> tuple[int, dict[str, object]]:
    r = run(["tag", "--format", "json"], cwd=root)
    return r.code, json.loads(r.out)


def _standard_target_above_the_plan(root: Path) -> None:
    """Segment standard plans 97.1 %; a target of 1.0 (tolerance 0.02) is missed: SOP804."""
    path = root / CHARTER
    text = path.read_text("utf-8")
    assert "service_level_target: 0.9\n" in text
    path.write_text(text.replace("service_level_target: 0.9\n", "service_level_target: 1.0\n"))
    commit_all(root, "charter")
    assert run(["reconcile"], cwd=root).code == 0  # the charter is part of the plan digest
    approve_all(root)
    commit_all(root, "approve the plan again")


def test_tag_refuses_a_plan_that_check_fails_on_its_metrics(ready: Path) -> None:
    _standard_target_above_the_plan(ready)
    before = snapshot(ready)
    r = run(["check", "--base", "HEAD~2", "--format", "json"], cwd=ready)
    (metric,) = [
        f
        for f in json.loads(r.out)["findings"]
        if f["code"] == "SOP804" and f["severity"] == "error"
    ]
    code, doc = _tag_json(ready)
    assert code == 1 and not doc["created"] and tags(ready) == []
    (reason,) = doc["reasons"]  # type: ignore[misc]
    assert reason.startswith(f"{CHARTER}:{metric['line']}:{metric['col']}: error SOP804 ")
    assert metric["message"] in reason
    assert "service_level of segment standard is 0.9714, target ≥ 1 (tolerance 0.02)" in reason
    assert "set this metric's severity to warning in charters/acme.yaml" in reason
    # one message: check says what to do as tag does
    assert reason == f"{CHARTER}:{metric['line']}:{metric['col']}: error SOP804 {metric['message']}"
    assert metric["message"].endswith(
        "owner ops_lead: raise the plan to the target, or, if the leaders accept it, set this "
        "metric's severity to warning in charters/acme.yaml (a reviewed change by a "
        "sign_off_plan member)"
    )
    assert snapshot(ready) == before
    assert run(["tag", "--dry-run"], cwd=ready).code == 1  # the dry run says the same


def test_a_metric_the_leaders_accept_as_a_warning_does_not_stop_the_tag(ready: Path) -> None:
    path = ready / CHARTER
    path.write_text(
        path.read_text("utf-8").replace(
            "{name: service_level, target: 0.95, tolerance: 0.02, owner: ops_lead}",
            "{name: service_level, target: 0.95, tolerance: 0.02, owner: ops_lead, "
            "severity: warning}",
        ),
        "utf-8",
    )
    _standard_target_above_the_plan(ready)
    code, doc = _tag_json(ready)
    assert code == 0 and doc["created"], doc["reasons"]
    assert tags(ready) == [f"sop/{CYCLE}/v1"]
    assert (ready / CDIR / "approvals.yaml").is_file()
