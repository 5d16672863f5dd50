"""`sopctl tag`, `verify` and `log` over a whole cycle: init → reconcile → approve → tag."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from sopctl.governance.records import plan_digest
from sopctl.schemas.records import CommitRecord
from sopctl.validate import load_workspace
from tests.helpers import git, run
from tests.test_tag_support import (
    CDIR,
    CYCLE,
    SIGNERS,
    commit_all,
    ready_copy,
    snapshot,
    tags,
    write_approvals,
)


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


def _record(root: Path, tag: str) -> CommitRecord:
    raw = git(root, "cat-file", "tag", tag)
    message = raw.split("\n\n", 1)[1]
    assert message.startswith(f"# sopctl commit record {tag}\n")
    return CommitRecord.model_validate(yaml.safe_load(message))


def test_full_cycle_tag_verify_log(ready: Path) -> None:
    before = snapshot(ready)
    approval_commit = git(ready, "rev-parse", "HEAD").strip()
    r = run(["tag"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert f"committed cycle {CYCLE} as sop/{CYCLE}/v1" in r.out
    assert tags(ready) == [f"sop/{CYCLE}/v1"]
    assert snapshot(ready) == before  # tagging writes nothing in the working tree
    assert git(ready, "status", "--porcelain") == ""
    assert not (ready / ".git" / "sopctl.lock").exists()
    assert git(ready, "rev-list", "-n1", f"sop/{CYCLE}/v1").strip() == approval_commit

    rec = _record(ready, f"sop/{CYCLE}/v1")
    ws, _ = load_workspace(ready, CYCLE, cwd=ready)
    assert rec.version == 1 and rec.cycle == CYCLE and rec.charter == "acme"
    assert rec.scenario == "base" and rec.tagger == "planner@example.test"
    assert rec.plan_digest == plan_digest(ws)
    assert [(a.role, a.person, a.time) for a in rec.approvals] == list(SIGNERS)
    assert {a.commit for a in rec.approvals} == {approval_commit}
    outputs = [p for p in rec.files if p.startswith(f"{CDIR}/outputs/")]
    assert {p.rsplit("/", 1)[1] for p in outputs} == {
        "supply_plan.csv",
        "capacity_plan.csv",
        "materials_plan.csv",
        "exceptions.csv",
        "finance.csv",
        "summary.json",
    }
    assert "charters/acme.yaml" in rec.files and f"{CDIR}/inputs/items.csv" in rec.files
    k = rec.kpis
    assert set(k["service"]) == {"strategic", "standard"}
    assert k["revenue"] > 0 and k["gross_margin"] > 0 and k["currency"] == "EUR"
    assert set(k["working_capital"]) == {"average", "peak", "peak_period"}
    assert set(k["utilisation_peaks"]) == {"ASSY", "CREW"}
    assert rec.assumptions[0]["id"] == "A1"
    assert [(a["id"], a["owner"], a["due"], a["status"]) for a in rec.actions] == [
        ("ACT-1", "ops_lead", "2027-01-15", "open"),
        ("ACT-2", "ops_lead", "2027-01-20", "in_progress"),
    ]
    assert rec.solver["engine"] == "HiGHS" and isinstance(rec.solver["objective"], float)

    r = run(["verify", f"sop/{CYCLE}/v1"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert "verified: identical" in r.out
    assert "6 output files (re-solved in a temporary worktree): all identical" in r.out
    assert "signature: none (unsigned tag)" in r.out
    assert "working tree: matches the tag" in r.out
    assert git(ready, "worktree", "list").count("\n") == 1  # the temporary worktree is gone

    r = run(["log"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert CYCLE in r.out and "planner@example.test" in r.out
    assert "sam@acme.example" in r.out and "strategic 100.0%" in r.out and "EUR" in r.out


def test_dry_run_prints_the_record_and_creates_nothing(ready: Path) -> None:
    before = snapshot(ready)
    r = run(["tag", "--dry-run"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert r.out.startswith(f"# sopctl commit record sop/{CYCLE}/v1\nversion: 1\n")
    assert "dry run: would create" in r.out
    assert tags(ready) == [] and snapshot(ready) == before
    r = run(["tag", "--dry-run", "--format", "json"], cwd=ready)
    doc = json.loads(r.out)
    assert doc["ok"] and not doc["created"] and doc["tag"] == f"sop/{CYCLE}/v1"
    assert doc["record"]["version"] == 1 and tags(ready) == []


def test_a_tagger_address_without_a_dot_is_recorded(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git takes ci@localhost as user.email; the record keeps it (it was an internal error)."""
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@localhost")
    r = run(["tag"], cwd=ready)
    assert r.code == 0, r.out + r.err
    assert run(["verify", f"sop/{CYCLE}/v1"], cwd=ready).code == 0
    (entry,) = json.loads(run(["log", "--format", "json"], cwd=ready).out)
    assert entry["tagger"] == "ci@localhost"


@pytest.mark.parametrize(
    "email", ["a@b@c.d", "ci@", "first last@x.org", "a\x01b@x.org", "\ufeffa@x.org"]
)
def test_a_committer_email_git_takes_but_no_record_can_hold_is_a_usage_error(
    ready: Path, monkeypatch: pytest.MonkeyPatch, email: str
) -> None:
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", email)
    r = run(["tag", "--dry-run"], cwd=ready)
    assert r.code == 2, r.out + r.err
    assert "is not one address (name@domain, no spaces or control characters)" in r.err
    assert "git config user.email you@example.com" in r.err and tags(ready) == []
    assert all(c.isprintable() for c in r.err.replace("\n", ""))  # shown as <U+0001>


def test_recommit_gives_v2_and_log_lists_newest_first(ready: Path) -> None:
    first = git(ready, "rev-parse", "HEAD").strip()
    assert run(["tag"], cwd=ready).code == 0
    r = run(["tag"], cwd=ready)  # nothing new: refused, no v2
    assert r.code == 1 and "already committed as sop/2026-12/v1" in r.out
    assert "nothing was committed since" in r.out  # edits not yet committed do not count
    # the CFO signs as well, in a later commit: a new record, v2
    write_approvals(ready, (*SIGNERS, ("cfo", "carl@acme.example", "2026-12-13T08:00:00Z")))
    second = commit_all(ready, "CFO approves")
    r = run(["tag", "--format", "json"], cwd=ready)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["created"] and doc["tag"] == f"sop/{CYCLE}/v2"
    assert sorted(tags(ready)) == [f"sop/{CYCLE}/v1", f"sop/{CYCLE}/v2"]
    rec = _record(ready, f"sop/{CYCLE}/v2")
    # each approval names the commit that added it
    assert [a.commit for a in rec.approvals] == [first, first, second]
    r = run(["log", "--format", "json"], cwd=ready)
    assert r.code == 0
    entries = json.loads(r.out)
    assert [e["tag"] for e in entries] == [f"sop/{CYCLE}/v2", f"sop/{CYCLE}/v1"]
    assert entries[0]["approvers"][2] == {"role": "cfo", "person": "carl@acme.example"}
    assert set(entries[0]["service"]) == {"strategic", "standard"}
    assert entries[0]["revenue"] > 0 and entries[0]["gross_margin"] > 0


def test_log_without_tags(ready: Path) -> None:
    r = run(["log"], cwd=ready)
    assert r.code == 0 and "no committed cycles yet" in r.out
    r = run(["log", "--format", "json"], cwd=ready)
    assert json.loads(r.out) == []


def test_verify_unknown_tag_is_a_usage_error(ready: Path) -> None:
    r = run(["verify", "sop/2026-12/v9"], cwd=ready)
    assert r.code == 2 and "unknown tag" in r.err
    git(ready, "tag", "sop/2026-12/v7")  # lightweight: not a commit record
    r = run(["verify", "sop/2026-12/v7"], cwd=ready)
    assert r.code == 2 and "lightweight" in r.err
    r = run(["log", "--format", "json"], cwd=ready)
    assert json.loads(r.out)[0]["problem"] == "not annotated"
    text = run(["log"], cwd=ready).out  # the problem under the table, not as an approver
    assert "see below" in text and "sop/2026-12/v7: not annotated" in text


def test_status_tells_whether_the_current_plan_is_the_committed_one(ready: Path) -> None:
    r = run(["status"], cwd=ready)
    # approved already: it says so, and how to commit it (it said "once approved")
    assert "committed: not yet — the plan is approved; run sopctl tag 2026-12 to commit it" in (
        r.out
    )
    assert json.loads(run(["status", "--format", "json"], cwd=ready).out)["committed"] is None
    assert run(["tag"], cwd=ready).code == 0
    r = run(["status"], cwd=ready)
    assert f"committed: sop/{CYCLE}/v1 on " in r.out
    assert "by planner@example.test — the current plan is the committed one" in r.out
    doc = json.loads(run(["status", "--format", "json"], cwd=ready).out)
    ws, _ = load_workspace(ready, CYCLE, cwd=ready)
    assert doc["committed"]["tag"] == f"sop/{CYCLE}/v1"
    assert doc["committed"]["plan_digest"] == plan_digest(ws) and doc["commit_unknown"] is None
    # an input changes and the plan is re-solved: no longer the committed plan
    inv = ready / CDIR / "inputs" / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[-1] = str(int(float(cells[-1])) + 7)
    inv.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    assert run(["reconcile"], cwd=ready).code == 0
    r = run(["status"], cwd=ready)
    assert "the plan has changed since (committed " in r.out
    assert f"its tag would be sop/{CYCLE}/v2" in r.out


def test_status_outside_git_says_the_commit_state_is_unknown(ready: Path) -> None:
    shutil.rmtree(ready / ".git")
    r = run(["status", "--format", "json"], cwd=ready)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["committed"] is None and "not inside a git repository" in doc["commit_unknown"]
    assert "committed: unknown — " in run(["status"], cwd=ready).out
