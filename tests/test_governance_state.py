"""The cycle's state in `sopctl status`: derived from the tag (the record) and the plan, not
from cycle.yaml's `status`, which no command writes (cycle_state.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git, run
from tests.test_tag_support import CDIR, CYCLE, ready_copy


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    """The minimal cycle, reconciled, escalations answered, approved by a quorum (2 of 3)."""
    return ready_copy(tmp_path / "plan")


def status(root: Path, fmt: str = "json") -> Any:
    r = run(["status", CYCLE, "--today", "2026-12-22", "--format", fmt], cwd=root)
    assert r.code == 0, r.out + r.err
    return json.loads(r.out) if fmt == "json" else r.out


def test_tagged_cycle_reads_committed_with_its_tag(ready: Path) -> None:
    before = status(ready)
    assert before["state"]["name"] == "approved" and before["state"]["tag"] is None
    assert "(charter acme, status approved)" in status(ready, "text")
    assert run(["tag"], cwd=ready).code == 0
    doc = status(ready)
    assert doc["state"] == {
        "name": "committed",
        "tag": f"sop/{CYCLE}/v1",
        "plan_changed": False,
        "declared": "draft",
        "text": f"committed as sop/{CYCLE}/v1",
    }
    assert doc["cycle_status"] == "draft"  # cycle.yaml's field, as before: no command sets it
    text = status(ready, "text")
    assert text.startswith(f"Cycle {CYCLE} (charter acme, status committed as sop/{CYCLE}/v1)")
    # the record is made: the third sign-off is no longer awaited
    assert "cfo                      not given (carl@acme.example); not needed for the commit" in (
        text
    )
    assert "pending" not in text
    assert "the current plan is the committed one" in text


def test_a_plan_changed_after_the_tag_says_so(ready: Path) -> None:
    assert run(["tag"], cwd=ready).code == 0
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,175,"))
    git(ready, "commit", "-qam", "stock count")
    doc = status(ready)
    assert doc["state"]["name"] == "committed" and doc["state"]["plan_changed"] is True
    assert doc["state"]["text"] == f"committed as sop/{CYCLE}/v1, plan changed since"
    text = status(ready, "text")
    assert "the plan has changed since" in text
    assert "cfo                      pending" in text  # a new round of approvals is open


def test_a_fresh_clone_is_committed_without_claiming_a_change(ready: Path, tmp_path: Path) -> None:
    assert run(["tag"], cwd=ready).code == 0
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(ready), str(clone))
    assert not (clone / CDIR / "outputs").exists()  # results are git-ignored
    doc = status(clone)
    assert doc["plan"]["state"] == "missing"
    assert doc["state"]["name"] == "committed" and doc["state"]["plan_changed"] is None
    text = status(clone, "text")
    assert f"status committed as sop/{CYCLE}/v1" in text
    assert "the plan has changed since" not in text
    assert f"the plan is not reconciled here; run sopctl reconcile {CYCLE} to compare it" in text


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("committed", "draft", "sop/a/v1", False), "committed as sop/a/v1"),
        (("committed", "committed", "sop/a/v1"), "committed as sop/a/v1"),
        (
            ("committed", "closed", "sop/a/v1", True),
            "committed as sop/a/v1, plan changed since (cycle.yaml says closed)",
        ),
        (
            ("committed", "draft", "sop/a/v1", None, "sop/a/v2"),
            "committed as sop/a/v1, superseded by sop/a/v2",
        ),
        (("reconciled", "approved"), "reconciled (cycle.yaml says approved)"),
        (("draft", "draft"), "draft"),
    ],
)
def test_cycle_yaml_status_is_shown_only_when_set_and_different(
    args: tuple[Any, ...], text: str
) -> None:
    from sopctl.governance.cycle_state import CycleState

    assert CycleState(*args).text == text


def test_derive() -> None:
    from sopctl.governance.cycle_state import derive

    assert derive("draft", "sop/a/v2", "d1", "d1", False, True).changed is False
    assert derive("draft", "sop/a/v2", "d1", "d2", True, True).changed is True
    assert derive("draft", "sop/a/v2", "d1", None, None, False).changed is None
    assert derive("draft", "", "", "d1", True, True).name == "approved"
    assert derive("draft", "", "", "d1", False, True).name == "reconciled"
    assert derive("draft", "", "", None, None, False).name == "draft"


def test_outputs_edited_after_the_tag_claim_no_change(ready: Path) -> None:
    """Outputs on disk that are not the current plan (edited, or left by another branch) are
    no plan: the state cannot say the plan changed since the tag while its inputs did not."""
    assert run(["tag"], cwd=ready).code == 0
    summary = ready / CDIR / "outputs" / "summary.json"
    summary.write_text(summary.read_text().replace("{", "{ ", 1))
    doc = status(ready)
    assert doc["plan"]["state"] == "stale"
    assert doc["state"]["name"] == "committed" and doc["state"]["plan_changed"] is None
    text = status(ready, "text")
    assert "the plan has changed since" not in text and "unchecked" in text
    assert f"the outputs here are not the current plan; run sopctl reconcile {CYCLE}" in text


def test_a_fresh_clone_with_changed_inputs_says_the_plan_changed(
    ready: Path, tmp_path: Path
) -> None:
    assert run(["tag"], cwd=ready).code == 0
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,175,"))
    git(ready, "commit", "-qam", "stock count")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(ready), str(clone))
    doc = status(clone)
    assert doc["plan"]["state"] == "missing" and doc["state"]["plan_changed"] is True
    assert "the plan has changed since" in status(clone, "text")
