"""Every reason `sopctl tag` refuses: exit 1, one reason per problem, no tag, nothing written."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import git, run
from tests.test_tag_support import (
    ACTIONS,
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


def _refused(root: Path, *expected: str) -> list[str]:
    before = snapshot(root)
    r = run(["tag", "--format", "json"], cwd=root)
    assert r.code == 1, r.out + r.err
    doc = json.loads(r.out)
    assert not doc["ok"] and not doc["created"] and doc["record"] is None
    reasons: list[str] = doc["reasons"]
    for text in expected:
        assert any(text in reason for reason in reasons), (text, reasons)
    assert tags(root) == []
    assert snapshot(root) == before
    assert not (root / ".git" / "sopctl.lock").exists()
    return reasons


def test_dirty_working_tree(ready: Path) -> None:
    (ready / "notes.txt").write_text("draft\n")
    reasons = _refused(ready, "uncommitted changes (notes.txt)")
    assert len(reasons) == 1
    r = run(["tag"], cwd=ready)  # the text view says the same
    assert r.code == 1 and "refused to commit cycle 2026-12 (1 problem)" in r.out
    assert "no tag created, nothing written" in r.out


def test_uncommitted_actuals_are_asked_to_be_committed(ready: Path) -> None:
    """Actuals are data of record (docs/learn.md): the refusal says to commit them."""
    (ready / "actuals").mkdir()
    (ready / "actuals" / "demand.csv").write_text("item,segment,period,ordered,shipped\n")
    (reason,) = _refused(ready, "uncommitted changes (actuals/)")
    assert reason.endswith(
        "commit actuals/ (they are inputs of sopctl learn, kept in git as data of record) "
        "or stash them first"
    ), reason
    (ready / "notes.txt").write_text("draft\n")
    (reason,) = _refused(ready, "uncommitted changes (actuals/, notes.txt)")
    assert reason.endswith(
        "commit or stash them first; commit actuals/ (they are inputs of "
        "sopctl learn, kept in git as data of record)"
    ), reason
    git(ready, "add", "actuals")
    git(ready, "commit", "-qm", "actuals")
    (reason,) = _refused(ready, "uncommitted changes (notes.txt)")
    assert "actuals" not in reason


def test_validation_fails(ready: Path) -> None:
    items = ready / CDIR / "inputs" / "items.csv"
    items.write_text(items.read_text().replace("P-200,valves,Ball valve,12", "P-200,valves,x,abc"))
    commit_all(ready, "break items")
    reasons = _refused(ready, "validation fails: cycles/2026-12/inputs/items.csv:3:")
    assert all(r.startswith("validation fails") for r in reasons)


def test_outputs_missing(ready: Path) -> None:
    shutil.rmtree(ready / CDIR / "outputs")
    _refused(ready, f"outputs are missing in {CDIR}/outputs/; run 'sopctl reconcile {CYCLE}'")


def test_outputs_stale_after_an_input_changed(ready: Path) -> None:
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,170,"))
    commit_all(ready, "more stock")
    # the outputs on disk are no plan's: the approvals cannot be compared before a reconcile
    reasons = _refused(
        ready,
        "outputs are stale: supply_plan.csv",
        "the approvals are checked once the plan is reconciled here",
    )
    assert not any("is stale: the plan changed" in r or "quorum" in r for r in reasons)
    assert run(["reconcile"], cwd=ready).code == 0
    reasons = _refused(ready, "is stale: the plan changed")
    # both approvals are stale (the plan changed), so the quorum is not met either
    assert sum("is stale" in r for r in reasons) == 2
    assert any("quorum not met" in r for r in reasons)


def test_output_file_edited_by_hand(ready: Path) -> None:
    path = ready / CDIR / "outputs" / "finance.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    _refused(ready, "outputs are stale: finance.csv")


def test_quorum_not_met(ready: Path) -> None:
    write_approvals(ready, SIGNERS[:1])
    commit_all(ready, "only sales approves")
    reasons = _refused(ready, "approval quorum not met: 1 of 2 required sign-offs")
    assert "missing: ops_lead, cfo" in reasons[0] and len(reasons) == 1


def test_one_stale_approval_refuses_even_with_quorum(ready: Path) -> None:
    _old_cfo_approval(ready)
    reasons = _refused(
        ready, "approval by carl@acme.example as cfo (2026-12-01T08:00:00Z) is stale"
    )
    assert len(reasons) == 1


def test_approval_by_a_non_member(ready: Path) -> None:
    signers = (*SIGNERS, ("cfo", "sam@acme.example", "2026-12-12T11:00:00Z"))
    write_approvals(ready, signers)
    commit_all(ready, "sam signs as cfo")
    _refused(ready, "approval by sam@acme.example as cfo (2026-12-12T11:00:00Z) does not count")


MONTHS = [f"2027-0{m}" for m in range(1, 7)]
CREW_BY_PERIOD = "".join(
    f"  - {{id: C-{p}, description: Crew for {p}, owner: ops_lead, due: 2027-01-20,"
    f' answers: "overload:CREW:{p}"}}\n'
    for p in MONTHS[:5]
)


def _escalate_every_overload(root: Path) -> None:
    """The example's charter escalates an overload from 1,000 EUR of exceptions it causes (one:
    ASSY in 2027-04); from 0 every period of ASSY and CREW escalates, so several periods of
    one resource make one reason. Solved, approved and committed again."""
    charter = root / "charters" / "acme.yaml"
    text = charter.read_text(encoding="utf-8")
    rule = "{exception: overload, min_value: 1000, to: ops_lead}"
    assert rule in text
    charter.write_text(text.replace(rule, rule.replace("1000", "0")), encoding="utf-8")
    assert run(["reconcile"], cwd=root).code == 0
    write_approvals(root)
    commit_all(root, "every overload goes to ops_lead")


def test_the_overload_worth_the_exceptions_it_causes_is_escalated(ready: Path) -> None:
    # ASSY in 2027-04 causes 2,254.17 EUR of shortages (30.06 units of P-100 at 75): the only
    # overload at 1,000 or more; the others cause less, CREW's none
    path = ready / CDIR / "actions.yaml"
    path.write_text("version: 1\nactions: []\n")
    commit_all(ready, "no actions")
    (reason,) = _refused(ready, "but no action answers")
    assert reason.startswith(
        "exception overload:ASSY:2027-04 (2,254.17 EUR at stake) escalates to ops_lead"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (  # every overload of both resources, one reason per resource
            lambda text: "version: 1\nactions: []\n",
            [
                f"6 exceptions overload:ASSY in {', '.join(MONTHS)} (",
                f"6 exceptions overload:CREW in {', '.join(MONTHS)} (",
            ],
        ),
        (  # ASSY answered for January only
            lambda text: text.replace('"overload:ASSY:*"', '"overload:ASSY:2027-01"'),
            [f"5 exceptions overload:ASSY in {', '.join(MONTHS[1:])} ("],
        ),
        (  # the CREW action dropped
            lambda text: text.replace("status: in_progress", "status: dropped"),
            [f"6 exceptions overload:CREW in {', '.join(MONTHS)} ("],
        ),
        (  # CREW answered period by period, June forgotten: one exception, its own key
            lambda text: text.split("  - id: ACT-2")[0] + CREW_BY_PERIOD,
            ["exception overload:CREW:2027-06 (0.00 EUR at stake) escalates to ops_lead"],
        ),
    ],
    ids=["no-actions", "other-period", "dropped", "one-left"],
)
def test_escalated_exception_without_an_answer(
    ready: Path, change: Callable[[str], str], expected: list[str]
) -> None:
    _escalate_every_overload(ready)
    path = ready / CDIR / "actions.yaml"
    path.write_text(change(ACTIONS))
    commit_all(ready, "actions changed")
    reasons = _refused(ready, "but no action answers")
    assert len(reasons) == len(expected), reasons
    for reason, start in zip(reasons, expected, strict=True):
        assert reason.startswith(start), (reason, start)
        assert "ops_lead but no action answers" in reason
        if start.startswith("exception "):
            assert reason.endswith("answers: overload:CREW:2027-06")
        else:  # one wildcard action answers the whole group
            subject = start.split()[2]
            assert reason.endswith(f"answers: {subject}:* (every period) or one per period")
            assert " in all) escalate to " in reason


def test_input_not_tracked_by_git(ready: Path) -> None:
    (ready / ".gitignore").write_text((ready / ".gitignore").read_text() + "overrides.csv\n")
    git(ready, "rm", "-q", "--cached", f"{CDIR}/inputs/overrides.csv")
    commit_all(ready, "stop tracking overrides")
    reasons = _refused(ready, f"{CDIR}/inputs/overrides.csv is not committed")
    assert len(reasons) == 1


def test_already_committed(ready: Path) -> None:
    assert run(["tag"], cwd=ready).code == 0
    before = snapshot(ready)
    r = run(["tag", "--dry-run"], cwd=ready)
    assert r.code == 1 and "is already committed as sop/2026-12/v1" in r.out
    assert tags(ready) == ["sop/2026-12/v1"] and snapshot(ready) == before


def test_a_hand_made_tag_under_sopctls_name_is_named_as_such(ready: Path) -> None:
    git(ready, "tag", "sop/2026-12/v1")  # lightweight, by hand: no commit record
    r = run(["tag"], cwd=ready)
    assert r.code == 1, r.out
    assert "carries the tag sop/2026-12/v1, which is no sopctl commit record" in r.out
    assert "git tag -d sop/2026-12/v1" in r.out and "already committed" not in r.out
    assert tags(ready) == ["sop/2026-12/v1"]


def test_sign_without_a_key_is_an_environment_error(ready: Path) -> None:
    git(ready, "config", "gpg.format", "ssh")
    git(ready, "config", "user.signingkey", str(ready / "no-such-key.pub"))
    r = run(["tag", "--sign"], cwd=ready)
    assert r.code == 2, r.out + r.err
    assert "git tag sop/2026-12/v1 failed" in r.err and "user.signingkey" in r.err
    assert tags(ready) == [] and not (ready / ".git" / "sopctl.lock").exists()


def test_a_long_run_of_periods_is_shortened() -> None:
    from sopctl.governance.tag_checks import _periods

    keys = {f"overload:ASSY:2027-{m:02d}": 1.0 for m in (12, 1, 2, 3, 4, 5, 6)}
    assert _periods(keys) == "2027-01, 2027-02, 2027-03 ... 2027-12"
    assert _periods(dict(list(keys.items())[:3])) == "2027-01, 2027-02, 2027-12"


def test_a_stale_approval_says_how_to_clear_it(ready: Path) -> None:
    _old_cfo_approval(ready)
    (reason,) = _refused(ready, "is stale")
    assert "ask carl@acme.example to approve the current plan" in reason
    assert "sopctl approve 2026-12 --role cfo" in reason
    assert "remove the entry from approvals.yaml in a reviewed commit" in reason


def test_a_new_round_supersedes_the_stale_approvals(ready: Path) -> None:
    """The plan changed and everyone approved it again: their old approvals no longer block,
    and the record lists the approvals of the committed plan only."""
    old = "".join(
        f"  - role: {role}\n    person: {person}\n    time: '2026-12-01T08:00:00Z'\n"
        f"    plan_digest: {'ab' * 32}\n"
        for role, person, _ in SIGNERS
    )
    write_approvals(ready)
    text = (ready / CDIR / "approvals.yaml").read_text("utf-8")
    head_, _, rows = text.partition("approvals:\n")
    (ready / CDIR / "approvals.yaml").write_text(f"{head_}approvals:\n{old}{rows}", "utf-8")
    commit_all(ready, "the old round, then the new one")
    r = run(["tag", "--format", "json"], cwd=ready)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["created"] and doc["reasons"] == []
    times = {a["time"] for a in doc["record"]["approvals"]}
    assert times == {t for _, _, t in SIGNERS}
    assert run(["verify", doc["tag"]], cwd=ready).code == 0


def _old_cfo_approval(ready: Path) -> None:
    """Commit the current approvals plus one by carl as cfo of another (older) plan."""
    extra = (
        "  - role: cfo\n    person: carl@acme.example\n    time: '2026-12-01T08:00:00Z'\n"
        f"    plan_digest: {'ab' * 32}\n"
    )
    write_approvals(ready, extra=extra)
    commit_all(ready, "an old approval")


def test_the_hint_names_the_cycle_so_it_approves_that_one(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a later cycle opened, a bare 'sopctl approve' would approve that one: the hint
    names the cycle the tag refused, and running it as written clears the refusal."""
    _old_cfo_approval(ready)
    later = ready / "cycles" / "2027-01"
    shutil.copytree(ready / CDIR, later, ignore=shutil.ignore_patterns("outputs", "*.yaml"))
    cycle_yaml = (ready / CDIR / "cycle.yaml").read_text("utf-8")
    (later / "cycle.yaml").write_text(cycle_yaml.replace("2027-01", "2027-02"), "utf-8")
    commit_all(ready, "open 2027-01")
    r = run(["tag", CYCLE, "--format", "json"], cwd=ready)
    (reason,) = json.loads(r.out)["reasons"]
    hinted = re.search(r"\('(sopctl approve [^']+)'\)", reason)
    assert hinted is not None and hinted[1] == f"sopctl approve {CYCLE} --role cfo", reason
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "carl@acme.example")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "carl@acme.example")
    r = run(shlex.split(hinted[1])[1:], cwd=ready)
    assert r.code == 0 and f"of cycle {CYCLE}" in r.out, r.out + r.err
    assert not (later / "approvals.yaml").exists()
    r = run(["tag", CYCLE, "--format", "json"], cwd=ready)
    doc = json.loads(r.out)
    assert r.code == 0 and doc["created"] and doc["tag"] == f"sop/{CYCLE}/v1", r.out


def test_stale_approvals_of_one_person_and_role_are_one_reason(ready: Path) -> None:
    """Two earlier rounds by the same person: one reason, naming the latest and counting the
    others, instead of one per entry."""
    extra = "".join(
        f"  - role: cfo\n    person: carl@acme.example\n    time: '2026-12-0{day}T08:00:00Z'\n"
        f"    plan_digest: {digit * 64}\n"
        for day, digit in ((1, "a"), (3, "b"), (5, "c"))
    )
    write_approvals(ready, extra=extra)
    commit_all(ready, "three old rounds")
    (reason,) = _refused(ready, "is stale")
    assert reason.startswith(
        "approval by carl@acme.example as cfo (2026-12-05T08:00:00Z and 2 earlier) is stale: "
        "the plan changed after it was given (plan cccccccccccc, now "
    )
