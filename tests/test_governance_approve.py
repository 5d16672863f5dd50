"""sopctl approve: records a sign-off bound to the plan digest and commits exactly that file."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from sopctl.governance.approve import approvals_yaml, decide, utc_stamp
from sopctl.governance.records import load_approvals, plan_digest
from sopctl.schemas.records import Approval, ApprovalsFile
from sopctl.validate import load_workspace
from tests.helpers import git, run
from tests.test_governance_support import (
    APPROVALS,
    CYCLE,
    MEMBERS,
    act_as,
    build_template,
    commit_all,
    copy_repo,
    edit,
    head,
    porcelain,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("approve"))


@pytest.fixture
def plan(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path / "plan")


def approvals(root: Path) -> list[dict[str, str]]:
    doc = yaml.safe_load((root / APPROVALS).read_text(encoding="utf-8"))
    assert doc["version"] == 1
    rows: list[dict[str, str]] = doc["approvals"]
    return rows


def test_approve_records_and_commits_only_the_approvals_file(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, MEMBERS["cfo"])
    before = head(plan)
    res = run(["approve", "--role", "cfo", "--note", "margin is fine"], cwd=plan)
    assert res.code == 0, res.out + res.err
    assert "approved:" in res.out and "quorum not met: 1 approval, 2 needed (cfo)" in res.out
    [row] = approvals(plan)
    ws, _ = load_workspace(plan)
    assert row["role"] == "cfo" and row["person"] == "carl@acme.example"
    assert row["plan_digest"] == plan_digest(ws)
    assert row["note"] == "margin is fine"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["time"])
    assert git(plan, "rev-parse", "HEAD~1").strip() == before
    assert git(plan, "log", "-1", "--format=%s").strip() == "sop(2026-12): approve as cfo"
    assert git(plan, "show", "--name-only", "--format=", "HEAD").split() == [APPROVALS]
    assert porcelain(plan) == ""
    assert run(["validate"], cwd=plan).code == 0


def test_same_person_role_and_plan_is_idempotent(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(monkeypatch, MEMBERS["cfo"])
    assert run(["approve", "--role", "cfo"], cwd=plan).code == 0
    text, sha = (plan / APPROVALS).read_text(encoding="utf-8"), head(plan)
    res = run(["approve", "--role", "cfo", "--note", "again"], cwd=plan)
    assert res.code == 0
    assert "already approved this plan as cfo" in res.out
    assert (plan / APPROVALS).read_text(encoding="utf-8") == text and head(plan) == sha


def test_dry_run_writes_and_commits_nothing(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    act_as(monkeypatch, MEMBERS["ops_lead"])
    sha = head(plan)
    res = run(["approve", "2026-12", "--role", "ops_lead", "--dry-run"], cwd=plan)
    assert res.code == 0 and "would write cycles/2026-12/approvals.yaml" in res.out
    assert not (plan / APPROVALS).exists() and head(plan) == sha and porcelain(plan) == ""


def _untracked(root: Path) -> None:
    (root / "notes.txt").write_text("draft\n", encoding="utf-8")


def _modified(root: Path) -> None:
    with (root / ".gitignore").open("a", encoding="utf-8") as fh:
        fh.write("*.tmp\n")


def _outputs_not_ignored(root: Path) -> None:
    git(root, "rm", "-q", ".gitignore")
    git(root, "commit", "-q", "-m", "track everything")


def _no_outputs(root: Path) -> None:
    shutil.rmtree(root / CYCLE / "outputs")


def _input_changed(root: Path) -> None:
    edit(root, f"{CYCLE}/inputs/inventory.csv", "P-100,150,", "P-100,170,")
    commit_all(root, "more stock")


def _invalid(root: Path) -> None:
    edit(root, f"{CYCLE}/inputs/items.csv", "P-100,pumps,Compact pump,40", "P-100,pumps,x,-4")
    commit_all(root, "bad cost")


def _nothing(root: Path) -> None:
    pass


def _actuals(root: Path) -> None:
    (root / "actuals").mkdir()
    (root / "actuals" / "demand.csv").write_text("item,segment,period,ordered,shipped\n")


REFUSALS: list[tuple[str, str, str, Callable[[Path], None], str]] = [
    # (id, who, role, setup, reason in the output)
    ("unknown-role", "cfo", "boss", _nothing, "'boss' is not a role of the charter"),
    ("no-right", "demand_planner", "demand_planner", _nothing, "does not hold the sign_off_plan"),
    ("not-member", "cfo", "ops_lead", _nothing, "carl@acme.example is not a member of role"),
    ("not-member-default", "", "cfo", _nothing, "planner@example.test is not a member"),
    ("untracked", "cfo", "cfo", _untracked, "uncommitted changes in notes.txt"),
    ("modified", "cfo", "cfo", _modified, "uncommitted changes in .gitignore"),
    ("actuals", "cfo", "cfo", _actuals, "commit actuals/ (they are inputs of sopctl learn"),
    ("outputs-untracked", "cfo", "cfo", _outputs_not_ignored, "add cycles/*/outputs/ to .git"),
    ("no-outputs", "cfo", "cfo", _no_outputs, "no reconciled plan to approve"),
    ("stale", "cfo", "cfo", _input_changed, "run sopctl reconcile 2026-12 first"),
    ("invalid", "cfo", "cfo", _invalid, "validation error(s); fix them before approving"),
]


@pytest.mark.parametrize(
    ("who", "role", "setup", "reason"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refusals_write_nothing_and_commit_nothing(
    plan: Path,
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    role: str,
    setup: Callable[[Path], None],
    reason: str,
) -> None:
    if who:
        act_as(monkeypatch, MEMBERS[who])
    setup(plan)
    sha, status = head(plan), porcelain(plan)
    res = run(["approve", "--role", role], cwd=plan)
    assert res.code == 1, res.out + res.err
    assert "approval refused:" in res.out and reason in res.out, res.out
    assert head(plan) == sha and porcelain(plan) == status
    assert not (plan / APPROVALS).exists()
    assert "Traceback" not in res.err


def test_invalid_cycle_shows_the_findings(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    act_as(monkeypatch, MEMBERS["cfo"])
    _invalid(plan)
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 1 and "items.csv" in res.out and "SOP3" in res.out


def test_new_plan_appends_and_keeps_history(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    act_as(monkeypatch, MEMBERS["cfo"])
    assert run(["approve", "--role", "cfo"], cwd=plan).code == 0
    _input_changed(plan)
    assert run(["approve", "--role", "cfo"], cwd=plan).code == 1  # outputs stale
    assert run(["reconcile", "--format", "json"], cwd=plan).code == 0
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 0, res.out
    first, second = approvals(plan)
    assert first["plan_digest"] != second["plan_digest"]
    ws, _ = load_workspace(plan)
    assert second["plan_digest"] == plan_digest(ws)
    assert git(plan, "log", "--format=%s").splitlines()[:3] == [
        "sop(2026-12): approve as cfo",
        "more stock",
        "sop(2026-12): approve as cfo",
    ]


def test_outside_git_is_a_usage_error(plan: Path) -> None:
    shutil.rmtree(plan / ".git")
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 2 and "not inside a git repository" in res.err


def test_decide_is_pure_given_the_edge_inputs(plan: Path) -> None:
    ws, report = load_workspace(plan)
    now = dt.datetime(2026, 12, 12, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    d = decide(ws, report, role=" cfo ", email="Carl@Acme.Example", note="", now=now, dirty=[])
    assert d.outcome == "record" and d.approval is not None and d.approvals is not None
    assert d.approval.time == "2026-12-12T09:30:00Z" and d.approval.person == "carl@acme.example"
    text = approvals_yaml(ws, d.approvals)
    assert "note" not in text and text.startswith("version: 1\n")
    dirty = [f"f{i}.csv" for i in range(7)]
    d = decide(ws, report, role="cfo", email="carl@acme.example", note="", now=now, dirty=dirty)
    assert d.code == "dirty" and "f4.csv and 2 more" in d.message
    assert d.to_dict()["outcome"] == "refused"


def test_approvals_yaml_round_trips(plan: Path) -> None:
    ws, _ = load_workspace(plan)
    doc = ApprovalsFile(
        approvals=[
            Approval(
                role="cfo",
                person="carl@acme.example",
                time=utc_stamp(dt.datetime(2026, 12, 1)),
                plan_digest="0" * 64,
                note="1e5",
            ),
        ]
    )
    (plan / APPROVALS).write_text(approvals_yaml(ws, doc), encoding="utf-8")
    loaded, findings = load_approvals(ws)
    assert findings == [] and loaded == doc


def test_an_emptied_approvals_file_records_nothing_and_approve_fills_it(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clearing approvals.yaml by hand is 'no approvals', as a file of '---' is, not SOP005."""
    (plan / APPROVALS).write_text("\n", encoding="utf-8")
    (plan / CYCLE / "actions.yaml").write_text("", encoding="utf-8")
    commit_all(plan, "clear the records")
    res = run(["validate"], cwd=plan)
    assert res.code == 0 and "SOP005" not in res.out, res.out
    act_as(monkeypatch, MEMBERS["cfo"])
    res = run(["approve", "--role", "cfo"], cwd=plan)
    assert res.code == 0, res.out + res.err
    assert [row["role"] for row in approvals(plan)] == ["cfo"]


def test_a_signer_outside_the_required_roles_is_told_it_does_not_count(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A role that holds sign_off_plan but is no required role is recorded, and approve says
    why the quorum did not move (an adopter's ops analyst signed first and saw '0 approvals')."""
    edit(
        plan,
        "charters/acme.yaml",
        "sign_off_plan: [sales_lead, ops_lead, cfo]",
        "sign_off_plan: [sales_lead, ops_lead, cfo, demand_planner]",
    )
    commit_all(plan, "the demand planner signs too")
    assert run(["reconcile", "--format", "json"], cwd=plan).code == 0
    act_as(monkeypatch, MEMBERS["demand_planner"])
    res = run(["approve", "--role", "demand_planner"], cwd=plan)
    assert res.code == 0, res.out + res.err
    out = " ".join(res.out.split())
    assert "quorum not met: 0 approvals, 2 needed" in out
    assert (
        "role demand_planner may sign off, but its sign-off does not count toward the quorum: "
        "only the required roles do (sales_lead, ops_lead, cfo; approvals.required_roles in "
        "the charter)"
    ) in out
    act_as(monkeypatch, MEMBERS["cfo"])  # a required role's sign-off: no such note
    res = run(["approve", "--role", "cfo", "--dry-run"], cwd=plan)
    assert res.code == 0 and "does not count toward the quorum" not in res.out
