"""sopctl status: calendar phase, missing inputs, approvals and quorum, actions, escalations."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sopctl.governance.cycle_calendar import (
    business_day,
    cycle_month,
    cycle_start,
    nth_business_day,
    phase_of,
)
from sopctl.governance.records import plan_digest
from sopctl.governance.status import escalations
from sopctl.validate import load_workspace
from tests.helpers import run
from tests.test_governance_support import (
    ACTIONS,
    APPROVALS,
    CYCLE,
    MEMBERS,
    act_as,
    build_template,
    commit_all,
    copy_repo,
    edit,
)

D = dt.date
DEC = D(2026, 12, 1)  # a Tuesday


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("status"))


@pytest.fixture
def plan(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path / "plan")


def status(root: Path, today: str = "2026-12-09") -> dict[str, Any]:
    res = run(["status", "--today", today, "--format", "json"], cwd=root)
    assert res.code == 0, res.out + res.err
    doc: dict[str, Any] = json.loads(res.out)
    return doc


# --- calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 11, 30), 0),  # before the cycle month
        (DEC, 1),  # Tue
        (D(2026, 12, 4), 4),  # Fri
        (D(2026, 12, 5), 4),  # Sat keeps Friday's number
        (D(2026, 12, 6), 4),  # Sun
        (D(2026, 12, 7), 5),  # Mon
        (D(2026, 12, 31), 23),
        (D(2027, 1, 1), 24),  # the count runs on into the next month
    ],
)
def test_business_day(day: dt.date, expected: int) -> None:
    assert business_day(DEC, day) == expected


def test_business_day_agrees_with_counting() -> None:
    for start in (D(2026, 2, 1), D(2026, 3, 1), D(2026, 8, 1)):  # Sun, Sun, Sat
        for k in range(60):
            day = start + dt.timedelta(days=k)
            count = sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range(k + 1))
            assert business_day(start, day) == count
            if day.weekday() < 5:
                assert nth_business_day(start, count) == day


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, DEC),
        (5, D(2026, 12, 7)),
        (10, D(2026, 12, 14)),
        (15, D(2026, 12, 21)),
        (25, D(2027, 1, 4)),
    ],
)
def test_nth_business_day(n: int, expected: dt.date) -> None:
    assert nth_business_day(DEC, n) == expected


@pytest.mark.parametrize(
    ("bday", "phase"),
    [(0, "signal"), (5, "signal"), (6, "reconcile"), (10, "reconcile"), (11, "commit"),
     (15, "commit"), (16, "closed")],
)  # fmt: skip
def test_phase_of(bday: int, phase: str) -> None:
    assert phase_of({"signal": 5, "reconcile": 10, "commit": 15}, bday) == phase


@pytest.mark.parametrize(
    ("cycle_id", "first_period", "month"),
    [
        ("2026-12", "2027-01", DEC),
        ("2026-12", "2027-06", DEC),  # the id wins
        ("dec-plan", "2027-01", DEC),
        ("q3", "2026-07", D(2026, 6, 1)),
        ("w1", "2027-W01", DEC),  # week 1 of 2027 starts on 2027-01-04
        ("w10", "2027-W10", D(2027, 2, 1)),
        ("odd", "next year", None),
    ],
)
def test_cycle_month(cycle_id: str, first_period: str, month: dt.date | None) -> None:
    assert cycle_month(cycle_id, first_period) == month


@pytest.mark.parametrize(
    ("cycle_id", "first_period", "start"),
    [
        ("2026-W53", "2027-W01", D(2026, 12, 28)),  # the id names the week: its Monday
        ("2026-W53", "2027-W09", D(2026, 12, 28)),  # the id wins
        ("wk-plan", "2027-W01", D(2026, 12, 28)),  # else the week before the first period's
        ("wk-plan", "2026-W01", D(2025, 12, 22)),  # across the year: 2025 has 52 weeks
        ("2027-W53", "2028-W01", None),  # 2027 has no week 53, nor a first period to fall back
        ("odd", "2027-01", None),  # a month on a weekly charter: no week to tell
    ],
)
def test_cycle_start_of_a_weekly_cycle(cycle_id: str, first_period: str, start: dt.date) -> None:
    """A weekly cycle is made in the week before it plans, as a monthly one in the month
    before: its business days count from that week's Monday (QA: they were counted from the
    month before, so every December week's cycle was due in early November)."""
    assert cycle_start(cycle_id, first_period, "week") == start
    assert cycle_start("2026-12", "2027-01", "month") == DEC


def test_status_of_a_weekly_cycle_counts_its_own_week(tmp_path: Path) -> None:
    root = tmp_path / "cm"
    shutil.copytree(Path(__file__).parents[1] / "examples" / "contract-manufacturer", root)
    r = run(["status", "--today", "2026-12-29", "--format", "json"], cwd=root)
    cal = json.loads(r.out)["calendar"]
    assert (cal["bucket"], cal["period"], cal["start"]) == ("week", "2026-W53", "2026-12-28")
    assert "month" not in cal and (cal["business_day"], cal["phase"]) == (2, "signal")
    assert {p: d["date"] for p, d in cal["due"].items()} == {
        "signal": "2026-12-29",
        "reconcile": "2026-12-31",
        "commit": "2027-01-04",  # business day 6 runs on into the next week
    }
    r = run(["status", "--today", "2026-12-21"], cwd=root)
    assert "business day 0 of cycle week 2026-W53" in r.out
    assert "the cycle week 2026-W53 has not started" in " ".join(r.out.split())


@pytest.mark.parametrize(
    ("today", "bday", "phase", "passed"),
    [
        ("2026-11-20", 0, "signal", []),
        ("2026-12-05", 4, "signal", []),
        ("2026-12-07", 5, "signal", []),
        ("2026-12-08", 6, "reconcile", ["signal"]),
        ("2026-12-21", 15, "commit", ["signal", "reconcile"]),
        ("2026-12-22", 16, "closed", ["signal", "reconcile", "commit"]),
    ],
)
def test_status_phase_with_fixed_dates(
    plan: Path, today: str, bday: int, phase: str, passed: list[str]
) -> None:
    cal = status(plan, today)["calendar"]
    assert (cal["business_day"], cal["phase"]) == (bday, phase)
    assert [p for p, d in cal["due"].items() if d["passed"]] == passed
    assert cal["due"]["commit"] == {"day": 15, "date": "2026-12-21", "passed": "commit" in passed}
    assert cal["started"] is (today >= "2026-12-01")


# --- inputs and plan --------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "late"), [("2026-12-07", False), ("2026-12-08", True)])
def test_missing_inputs_with_owner_and_lateness(plan: Path, today: str, late: bool) -> None:
    (plan / CYCLE / "inputs" / "pipeline.csv").unlink()
    (plan / CYCLE / "inputs" / "overrides.csv").unlink()
    doc = status(plan, today)
    assert doc["validation"]["errors"] >= 1
    by_file = {m["file"]: m for m in doc["missing_inputs"]}
    assert by_file["pipeline.csv"] == {
        "file": "pipeline.csv",
        "table": "pipeline",
        "owner": "sales_lead",
        "members": ["sam@acme.example"],
        "due": "signal",
        "due_date": "2026-12-07",
        "required": True,
        "late": late,
        "problem": None,
    }
    assert (
        by_file["overrides.csv"]["required"] is False and by_file["overrides.csv"]["late"] is False
    )
    text = run(["status", "--today", today], cwd=plan).out
    assert "inputs: 1 required input(s) missing" in text
    assert ("LATE" in text) is late


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.mkdir(), "a folder"),
        (lambda p: os.mkfifo(p), "a FIFO (named pipe)"),
        (lambda p: p.symlink_to("gone.csv"), "a symlink to nothing"),
        (lambda p: p.symlink_to(p.name), "a symlink that cannot be followed (a loop)"),
    ],
    ids=["folder", "fifo", "dangling-link", "loop"],
)
def test_an_unusable_input_is_not_called_missing(
    plan: Path, make: Callable[[Path], None], problem: str
) -> None:
    path = plan / CYCLE / "inputs" / "pipeline.csv"
    path.unlink()
    make(path)
    doc = status(plan)
    assert doc["validation"]["errors"] >= 1  # validate names it; status says what it is
    assert [(m["file"], m["problem"]) for m in doc["missing_inputs"]] == [("pipeline.csv", problem)]
    text = run(["status", "--today", "2026-12-09"], cwd=plan).out
    assert "inputs: 1 required input(s) unusable" in text
    assert f"pipeline.csv (pipeline) is {problem}, not a file (sopctl validate 2026-12)" in text
    assert "missing pipeline.csv" not in text
    (plan / CYCLE / "inputs" / "overrides.csv").unlink()  # optional: the required count stays
    assert "inputs: 1 required input(s) unusable" in run(["status"], cwd=plan).out
    (plan / CYCLE / "inputs" / "inventory.csv").unlink()
    text = run(["status"], cwd=plan).out
    assert "inputs: 2 required input(s) missing or unusable" in text
    assert "missing inventory.csv (inventory)" in text


@pytest.mark.parametrize(
    "outputs",
    [5, [1, "a"], {"/etc/hostname": "0" * 64}, {"../../../../../../etc/hostname": "0" * 64}],
    ids=["number", "list", "absolute", "dotdot"],
)
def test_a_damaged_reconcile_manifest_is_a_stale_plan(plan: Path, outputs: object) -> None:
    """A hand-made or damaged manifest never makes status read outside the outputs nor fail:
    the plan is stale."""
    manifest = plan / CYCLE / "outputs" / "reconcile_manifest.json"
    doc = json.loads(manifest.read_text())
    doc["outputs"] = outputs
    manifest.write_text(json.dumps(doc))
    got = status(plan)
    assert got["plan"]["state"] == "stale"


def test_an_input_linked_outside_the_repository_is_no_part_of_the_plan(
    plan: Path, tmp_path: Path
) -> None:
    """validate refuses it (SOP003); status neither reads it nor fails on it."""
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n")
    path = plan / CYCLE / "inputs" / "pipeline.csv"
    path.unlink()
    path.symlink_to(outside)
    doc = status(plan)
    assert doc["validation"]["errors"] >= 1 and doc["plan"]["state"] == "stale"
    path.unlink()  # the plan digest is that of a cycle without the file: it was not read
    assert status(plan)["plan"]["digest"] == doc["plan"]["digest"]


def test_plan_states(plan: Path) -> None:
    doc = status(plan)
    assert doc["plan"]["state"] == "current" and doc["missing_inputs"] == []
    edit(plan, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,170,")
    doc = status(plan)
    assert doc["plan"]["state"] == "stale" and doc["escalations"] is None
    assert "the plan is stale" in run(["status"], cwd=plan).out
    (plan / CYCLE / "outputs" / "reconcile_manifest.json").unlink()
    assert status(plan)["plan"]["state"] == "missing"


def test_a_stale_plan_with_validation_errors_says_to_fix_them_before_reconciling(
    plan: Path,
) -> None:
    # reconcile refuses while validation errors stand: "run sopctl reconcile" alone would fail
    edit(plan, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,-5,")
    out = run(["status", "--today", "2026-12-09"], cwd=plan).out
    fix = (
        "fix the 1 validation error(s) (sopctl validate 2026-12), then run sopctl reconcile 2026-12"
    )
    assert f"plan: stale — inputs or results changed since the last reconcile; {fix}" in out
    assert f"escalations: unknown — the plan is stale; {fix}" in out
    assert "validation (inputs): 1 error(s), 0 warning(s) — see sopctl validate 2026-12" in out


# --- approvals and quorum -----------------------------------------------------------------------


def _write_approvals(root: Path, rows: list[tuple[str, str, str]]) -> None:
    lines = ["version: 1", "approvals:"]
    for role, person, digest in rows:
        lines += [
            f"  - role: {role}",
            f"    person: {person}",
            "    time: '2026-12-10T09:00:00Z'",
            f"    plan_digest: '{digest}'",
        ]
    (root / APPROVALS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _roles(doc: dict[str, Any]) -> dict[str, str]:
    return {r["role"]: r["state"] for r in doc["approvals"]["roles"]}


@pytest.mark.parametrize(
    ("rows", "met", "states"),
    [
        ([], False, {"sales_lead": "pending", "ops_lead": "pending", "cfo": "pending"}),
        ([("cfo", "carl", "now")], False, {"cfo": "approved", "ops_lead": "pending"}),
        ([("cfo", "carl", "now"), ("ops_lead", "olga", "now")], True, {"sales_lead": "pending"}),
        ([("cfo", "carl", "now"), ("ops_lead", "olga", "old")], False, {"ops_lead": "stale"}),
        ([("cfo", "carl", "now"), ("ops_lead", "carl", "now")], False, {"ops_lead": "invalid"}),
        (
            [("cfo", "carl", "old"), ("cfo", "carl", "now"), ("sales_lead", "sam", "now")],
            True,
            {"cfo": "approved", "sales_lead": "approved", "ops_lead": "pending"},
        ),
    ],
)
def test_quorum(
    plan: Path, rows: list[tuple[str, str, str]], met: bool, states: dict[str, str]
) -> None:
    ws, _ = load_workspace(plan)
    digests = {"now": plan_digest(ws), "old": "a" * 64}
    emails = {"carl": MEMBERS["cfo"], "olga": MEMBERS["ops_lead"], "sam": MEMBERS["sales_lead"]}
    _write_approvals(plan, [(r, emails[p], digests[d]) for r, p, d in rows])
    doc = status(plan)
    quorum = doc["approvals"]["quorum"]
    assert quorum["met"] is met and quorum["needed"] == 2
    assert _roles(doc).items() >= states.items()
    text = run(["status", "--today", "2026-12-22"], cwd=plan).out
    assert ("quorum met: " in text) is met
    assert ("commit was due 2026-12-21" in text) is (not met)


def test_approval_goes_stale_after_an_input_change(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for role in ("cfo", "ops_lead"):
        act_as(monkeypatch, MEMBERS[role])
        assert run(["approve", "--role", role], cwd=plan).code == 0
    doc = status(plan)
    assert doc["approvals"]["quorum"]["met"] is True
    edit(plan, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,170,")
    commit_all(plan, "more stock")
    assert run(["reconcile", "--format", "json"], cwd=plan).code == 0
    doc = status(plan)
    assert doc["approvals"]["quorum"] == {
        "needed": 2,
        "approved": [],
        "missing": ["sales_lead", "ops_lead", "cfo"],
        "people": [],
        "counted": 0,
        "met": False,
    }
    assert _roles(doc) == {"sales_lead": "pending", "ops_lead": "stale", "cfo": "stale"}
    assert "plan changed since" in run(["status"], cwd=plan).out


def test_approvals_of_a_plan_not_reconciled_here_are_unchecked_not_stale(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh clone has no results (outputs are git-ignored), and the plan digest includes
    them: its approvals were all called stale, asking every approver to sign again."""
    for role in ("cfo", "ops_lead"):
        act_as(monkeypatch, MEMBERS[role])
        assert run(["approve", "--role", role], cwd=plan).code == 0
    shutil.rmtree(plan / CYCLE / "outputs")
    doc = status(plan)
    assert doc["plan"]["state"] == "missing" and doc["approvals"]["checked"] is False
    assert doc["approvals"]["quorum"] == {
        "needed": 2,
        "approved": [],
        "missing": [],
        "people": [],
        "counted": None,
        "met": None,
    }
    assert _roles(doc) == {"sales_lead": "pending", "ops_lead": "unchecked", "cfo": "unchecked"}
    text = run(["status"], cwd=plan).out
    assert "approvals: unknown until the plan is reconciled here" in text
    assert "stale" not in text and "plan changed since" not in text
    tag = run(["tag", "--dry-run"], cwd=plan).out
    assert "the approvals are checked once the plan is reconciled here" in tag
    assert "stale" not in tag and "quorum not met" not in tag
    assert run(["reconcile"], cwd=plan).code == 0  # the same bytes as when they approved
    doc = status(plan)
    assert doc["approvals"]["checked"] is True and doc["approvals"]["quorum"]["met"] is True
    assert _roles(doc) == {"sales_lead": "pending", "ops_lead": "approved", "cfo": "approved"}


def _stale_by_hand(plan: Path) -> None:
    out = plan / CYCLE / "outputs" / "summary.json"
    out.write_text(out.read_text(encoding="utf-8").replace("{", "{ ", 1), encoding="utf-8")


def _stale_by_branch_switch(plan: Path) -> None:
    """Outputs are git-ignored: a reconcile on another branch stays on disk after a switch."""
    git = ["git", "-C", str(plan)]
    subprocess.run([*git, "checkout", "-q", "-b", "more-stock"], check=True)
    edit(plan, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,170,")
    commit_all(plan, "more stock")
    assert run(["reconcile"], cwd=plan).code == 0
    subprocess.run([*git, "checkout", "-q", "-"], check=True)


@pytest.mark.parametrize("make_stale", [_stale_by_hand, _stale_by_branch_switch])
def test_approvals_over_stale_outputs_are_unchecked_not_stale(
    plan: Path, monkeypatch: pytest.MonkeyPatch, make_stale: Callable[[Path], None]
) -> None:
    """Outputs on disk that are not the current plan (another branch's, or edited) give the
    digest of no plan: the approvals were all called stale, everyone was asked to approve
    again (and approve refused: the plan is stale), and tag quoted a 'now' of no plan."""
    for role in ("cfo", "ops_lead"):
        act_as(monkeypatch, MEMBERS[role])
        assert run(["approve", "--role", role], cwd=plan).code == 0
    make_stale(plan)
    doc = status(plan)
    assert doc["plan"]["state"] == "stale" and doc["approvals"]["checked"] is False
    assert doc["approvals"]["quorum"]["met"] is None
    assert _roles(doc) == {"sales_lead": "pending", "ops_lead": "unchecked", "cfo": "unchecked"}
    assert doc["tag"]["blockers"] == [
        f"the plan is stale (inputs or results changed since reconcile); run 'sopctl reconcile "
        f"{CYCLE.split('/')[1]}'",
        "the approvals are checked once the plan is reconciled here",
    ]
    text = run(["status"], cwd=plan).out
    assert "approvals: unknown until the plan is reconciled here" in text
    assert "the outputs on disk are not the current plan" in text
    assert "approve" not in text and "plan changed since" not in text
    tag = run(["tag", "--dry-run"], cwd=plan).out
    assert "the approvals are checked once the plan is reconciled here" in tag
    assert "is stale: the plan changed" not in tag and "now " not in tag
    assert "quorum not met" not in tag
    assert run(["reconcile"], cwd=plan).code == 0
    doc = status(plan)
    assert _roles(doc) == {"sales_lead": "pending", "ops_lead": "approved", "cfo": "approved"}


# --- actions and escalations --------------------------------------------------------------------


def test_overdue_actions_in_status(plan: Path) -> None:
    (plan / ACTIONS).write_text(
        "version: 1\nactions:\n"
        "  - {id: X1, description: Book overtime, owner: ops_lead, due: 2026-12-01}\n"
        "  - {id: X2, description: Ask the CFO, owner: cfo, due: 2026-12-30}\n"
        "  - {id: X3, description: Old, owner: cfo, due: 2026-11-01, status: done}\n",
        encoding="utf-8",
    )
    doc = status(plan)
    assert doc["actions"]["open"] == 2
    assert [(a["id"], a["overdue_days"]) for a in doc["actions"]["overdue"]] == [("X1", 8)]
    assert (
        "X1 overdue by 8 days (due 2026-12-01), owner ops_lead: Book overtime"
        in run(["status", "--today", "2026-12-09"], cwd=plan).out
    )


def test_escalations_match_the_reconcile_output(plan: Path) -> None:
    doc = status(plan)
    fired = {e["rule"]: e for e in doc["escalations"] if e["count"]}
    with (plan / CYCLE / "outputs" / "exceptions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    to_ops = [r for r in rows if r["escalate_to"] == "ops_lead"]
    assert list(fired) == [2] and fired[2]["count"] == len(to_ops) > 0
    assert fired[2]["to"] == "ops_lead" and fired[2]["members"] == ["olga@acme.example"]
    assert fired[2]["value"] == pytest.approx(sum(float(r["value"]) for r in to_ops), abs=0.01)
    ws, _ = load_workspace(plan)
    assert ws.charter is not None
    for e in escalations(ws.charter, rows):  # the same first-match rule as reconcile
        assert all(r["escalate_to"] == e.rule.to for r in e.rows)
    text = run(["status"], cwd=plan).out
    assert "rule 2: overload worth >= 1,000.00 EUR → ops_lead" in text
    # the money is named as everywhere else: with its currency, "at stake"
    assert f"exception(s), {fired[2]['value']:,.2f} EUR at stake" in text
    assert ", value " not in text


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ({"kind": "shortage", "segment": "strategic", "value": "1"}, 1),
        ({"kind": "shortage", "segment": "standard", "value": "5000"}, None),
        ({"kind": "overload", "resource": "ASSY", "value": "999.99"}, None),
        ({"kind": "overload", "resource": "ASSY", "value": "1000"}, 2),
        ({"kind": "safety_stock", "value": "1e6"}, None),
    ],
)
def test_first_matching_rule(plan: Path, row: dict[str, str], rule: int | None) -> None:
    ws, _ = load_workspace(plan)
    assert ws.charter is not None
    hit = [e.number for e in escalations(ws.charter, [{"period": "2027-01", **row}]) if e.rows]
    assert hit == ([] if rule is None else [rule])


def test_text_status_reads_well(plan: Path) -> None:
    res = run(["status", "--today", "2026-12-09"], cwd=plan)
    assert res.code == 0
    lines = res.out.splitlines()
    assert lines[0].startswith("Cycle 2026-12 (charter acme, status reconciled), today 2026-12-09")
    assert "business day 7 of cycle month 2026-12" in lines[0]
    assert lines[1].startswith("phase: reconcile — due: signal day 5 = 2026-12-07 (passed)")
    assert "inputs: every required input is present" in res.out
    assert "approvals: quorum not met: 0 approvals, 2 needed; pending" in res.out
    assert "validation (inputs): 0 error(s), 0 warning(s); demand view: 0 warning(s)" in res.out


def test_status_without_a_loadable_charter_exits_1(plan: Path) -> None:
    edit(plan, f"{CYCLE}/cycle.yaml", "charter: acme", "charter: nope")
    res = run(["status"], cwd=plan)
    assert res.code == 1 and "SOP603" in res.out


def test_escalated_exceptions_without_an_answering_action(plan: Path) -> None:
    before = {e["rule"]: e for e in status(plan)["escalations"]}[2]
    assert len(before["unanswered"]) == before["count"]
    (plan / ACTIONS).write_text(
        "version: 1\nactions:\n"
        "  - {id: X1, description: Overtime on ASSY, owner: ops_lead, due: 2026-12-20,"
        " answers: 'overload:ASSY:2027-01'}\n",
        encoding="utf-8",
    )
    # ASSY in 2027-04 is the one overload whose exceptions are worth 1,000 EUR or more
    after = {e["rule"]: e for e in status(plan)["escalations"]}[2]
    assert after["unanswered"] == ["overload:ASSY:2027-04"]
    assert "without an action answering it" in run(["status"], cwd=plan).out


def test_a_hidden_stale_approval_is_noted(plan: Path) -> None:
    """cfo shows approved (carl, current plan), but another cfo member's stale approval still
    blocks sopctl tag: status says so, unless the same person approved the current plan."""
    edit(
        plan,
        "charters/acme.yaml",
        "members: [carl@acme.example]",
        "members: [carl@acme.example, dana@acme.example]",
    )
    assert run(["reconcile"], cwd=plan).code == 0  # the charter is an input: the plan anew
    ws, _ = load_workspace(plan)
    now = plan_digest(ws)
    _write_approvals(plan, [("cfo", "dana@acme.example", "a" * 64), ("cfo", MEMBERS["cfo"], now)])
    text = run(["status"], cwd=plan).out
    assert "cfo                      approved" in text
    assert "tag: blocked — approval by dana@acme.example as cfo" in text
    assert "ask dana@acme.example to approve the current plan" in text
    _write_approvals(plan, [("cfo", MEMBERS["cfo"], "a" * 64), ("cfo", MEMBERS["cfo"], now)])
    assert "approval by carl@acme.example" not in run(["status"], cwd=plan).out  # superseded
