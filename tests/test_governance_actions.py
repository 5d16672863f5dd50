"""sopctl actions: overdue first, then by due date, with owners and how late each one is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sopctl.governance.actions import ActionView
from sopctl.schemas.records import Action
from tests.helpers import run
from tests.test_governance_support import ACTIONS

ACTIONS_YAML = """\
version: 1
actions:
  - id: ACT-1
    description: Confirm the second shift on ASSY
    owner: ops_lead
    due: 2026-12-20
    status: open
    answers: overload:ASSY:2027-01
  - id: ACT-2
    description: Call Borealis about the proposal
    owner: sam@acme.example
    due: 2026-12-04
    status: in_progress
  - id: ACT-3
    description: Check the pump price list
    owner: cfo
    due: 2026-12-01
    status: done
  - id: ACT-4
    description: Agree the safety stock of P-200
    owner: ops_lead
    due: 2026-11-30
    status: open
    answers: A1
  - id: ACT-5
    description: Drop the old forecast file
    owner: demand_planner
    due: 2026-12-10
    status: dropped
  - id: ACT-6
    description: Review the overrides
    owner: demand_planner
    due: 2026-12-09
"""


@pytest.fixture
def with_actions(repo: Path) -> Path:
    (repo / ACTIONS).write_text(ACTIONS_YAML, encoding="utf-8")
    return repo


def test_one_action_is_counted_in_the_singular(repo: Path) -> None:
    one = ACTIONS_YAML[: ACTIONS_YAML.index("  - id: ACT-2")]
    (repo / ACTIONS).write_text(one, encoding="utf-8")
    out = run(["actions", "--today", "2026-12-09"], cwd=repo).out
    assert "1 action, 1 open, 0 overdue" in out


def test_overdue_first_then_by_due_date(with_actions: Path) -> None:
    res = run(["actions", "--today", "2026-12-09", "--format", "json"], cwd=with_actions)
    assert res.code == 0, res.out + res.err
    doc = json.loads(res.out)
    assert [a["id"] for a in doc["actions"]] == [
        "ACT-4",
        "ACT-2",
        "ACT-3",
        "ACT-6",
        "ACT-5",
        "ACT-1",
    ]
    assert [a["overdue_days"] for a in doc["actions"]] == [9, 5, 0, 0, 0, 0]
    assert (doc["count"], doc["open"], doc["overdue"]) == (6, 4, 2)
    first = doc["actions"][0]
    assert first["owner"] == "ops_lead" and first["owner_members"] == ["olga@acme.example"]
    assert first["answers"] == "A1" and first["status"] == "open"


def test_text_says_how_late(with_actions: Path) -> None:
    res = run(["actions", "--today", "2026-12-09"], cwd=with_actions)
    assert res.code == 0
    out = res.out
    assert "6 actions, 4 open, 2 overdue" in out
    assert "ACT-4  overdue by 9 days (due 2026-11-30), open" in out
    assert "owner: ops_lead (olga@acme.example); answers: A1" in out
    assert "ACT-6  due today (due 2026-12-09), open" in out
    assert "ACT-1  due in 11 days" in out and "answers: overload:ASSY:2027-01" in out
    assert "ACT-3  done" in out
    assert out.index("ACT-4") < out.index("ACT-2") < out.index("ACT-3") < out.index("ACT-1")


def test_no_actions_file(repo: Path) -> None:
    res = run(["actions", "--today", "2026-12-09"], cwd=repo)
    assert res.code == 0 and "none (no actions.yaml)" in res.out
    doc = json.loads(run(["actions", "-f", "json"], cwd=repo).out)
    assert doc["actions"] == [] and doc["file"] is False


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("owner: cfo", "owner: nobody", "SOP610"),
        ("id: ACT-5", "id: ACT-1", "SOP611"),
        ("status: dropped", "status: parked", "SOP108"),
        ("due: 2026-12-10", "due: 2026-13-10", "SOP108"),
    ],
)
def test_invalid_actions_file_exits_1(with_actions: Path, old: str, new: str, code: str) -> None:
    path = with_actions / ACTIONS
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    res = run(["actions", "--today", "2026-12-09"], cwd=with_actions)
    assert res.code == 1 and code in res.out and "Traceback" not in res.err


def test_an_unrelated_input_error_does_not_block_the_list(with_actions: Path) -> None:
    items = with_actions / "cycles/2026-12/inputs/items.csv"
    items.write_text(items.read_text(encoding="utf-8").replace(",40,", ",-4,"), encoding="utf-8")
    assert run(["validate"], cwd=with_actions).code == 1
    assert run(["actions", "--today", "2026-12-09"], cwd=with_actions).code == 0


@pytest.mark.parametrize("today", ["9.12.2026", "20261209", "2026-W50-3", "2026-02-30", "2026-12"])
def test_bad_today_is_a_usage_error(with_actions: Path, today: str) -> None:
    # only YYYY-MM-DD: Python's date.fromisoformat would also read the compact and week forms
    res = run(["actions", "--today", today], cwd=with_actions)
    assert res.code == 2 and "YYYY-MM-DD" in res.err and f"'{today}' is not a date" in res.err


@pytest.mark.parametrize(
    ("status", "due", "when", "overdue_days"),
    [
        ("open", "2026-12-08", "overdue by 1 day", 1),
        ("in_progress", "2026-11-09", "overdue by 30 days", 30),
        ("open", "2026-12-09", "due today", 0),
        ("open", "2026-12-10", "due in 1 day", 0),
        ("done", "2026-11-01", "done", 0),
        ("dropped", "2026-11-01", "dropped", 0),
    ],
)
def test_when(status: str, due: str, when: str, overdue_days: int) -> None:
    action = Action.model_validate(
        {"id": "A", "description": "d", "owner": "cfo", "due": due, "status": status}
    )
    view = ActionView(action, dt.date(2026, 12, 9), ())
    assert view.when() == when and view.overdue_days == overdue_days


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("answers: A1", "answers: A9", "answers 'A9' is neither an exception key"),
        ("answers: overload:ASSY:2027-01", "answers: overload:ASSY", "is no exception key"),
        ("answers: overload:ASSY:2027-01", "answers: overlaod:ASSY:*", "is no exception key"),
    ],
)
def test_an_action_that_answers_nothing_is_a_located_warning(
    with_actions: Path, old: str, new: str, message: str
) -> None:
    path = with_actions / ACTIONS
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    res = run(["validate"], cwd=with_actions)
    assert res.code == 0, res.out  # a warning: the action still stands
    assert f"{ACTIONS}:{line}:5: warning SOP613 answers '" in res.out and message in res.out
    path.write_text(text, encoding="utf-8")
    assert "SOP613" not in run(["validate"], cwd=with_actions).out


APPROVAL = "  - role: {}\n    person: {}\n    time: '{}'\n    plan_digest: " + "a" * 64 + "\n"


@pytest.mark.parametrize(
    ("role", "person", "time", "where", "expected"),
    [
        ("cfo", "carl@acme.example", "2026-12-12T09:30:00Z", "", ""),
        ("cto", "carl@acme.example", "2026-12-12T09:30:00Z", ":3:5", "SOP612 this approval does"),
        ("demand_planner", "dana@acme.example", "2026-12-12T09:30:00Z", ":3:5", "may not sign"),
        ("cfo", "sam@acme.example", "2026-12-12T09:30:00Z", ":4:5", "not a member of cfo"),
        ("cfo", "carl@acme.example", "2027-02-30T25:00:00Z", ":5:5", "SOP108 'approvals.0.time'"),
        ("cfo", "carl@acme.example", "yesterday", ":5:5", "not a time in UTC to the second"),
        ("cfo", "carl@acme.example", "2026-12-12T09:30:00+02:00", ":5:5", "YYYY-MM-DDTHH:MM:SSZ"),
    ],
)
def test_approvals_that_cannot_count_are_located(
    repo: Path, role: str, person: str, time: str, where: str, expected: str
) -> None:
    rel = "cycles/2026-12/approvals.yaml"
    (repo / rel).write_text("version: 1\napprovals:\n" + APPROVAL.format(role, person, time))
    res = run(["validate"], cwd=repo)
    if not expected:
        assert res.code == 0 and "approvals.yaml" not in res.out, res.out
        return
    (line,) = [ln for ln in res.out.splitlines() if ln.startswith(rel)]
    assert line.startswith(rel + where) and expected in line, res.out


def test_approvals_and_actions_count_among_the_files_checked(with_actions: Path) -> None:
    """validate reads approvals.yaml and actions.yaml, so its count includes them."""

    def checked() -> int:
        res = run(["validate", "--format", "json"], cwd=with_actions)
        assert res.code == 0, res.out
        files = json.loads(res.out)["checked_files"]
        return len(files)

    with_actions_only = checked()
    (with_actions / "cycles/2026-12/approvals.yaml").write_text(
        "version: 1\napprovals:\n"
        + APPROVAL.format("cfo", "carl@acme.example", "2026-12-12T09:30:00Z")
    )
    assert checked() == with_actions_only + 1
    (with_actions / ACTIONS).unlink()
    assert checked() == with_actions_only
    res = run(["validate"], cwd=with_actions)
    assert res.out.rstrip().endswith(f"ok: {with_actions_only} files checked, 0 warnings"), res.out
