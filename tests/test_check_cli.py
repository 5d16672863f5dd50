"""sopctl check on real repositories with commits by different authors."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import git, record_tag, run

CYCLE = "cycles/2026-12"
OVERRIDES = f"{CYCLE}/inputs/overrides.csv"


def commit_as(root: Path, email: str, message: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)
    return git(root, "rev-parse", "HEAD").strip()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(root: Path, rel: str, line: str) -> None:
    p = root / rel
    p.write_text(p.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.fixture
def branch(repo: Path) -> Path:
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def test_unauthorised_frozen_override(
    branch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(branch, OVERRIDES, "O-2,P-200,strategic,2027-01,delta,10,sam@acme.example,Rush")
    commit_as(branch, "eve@elsewhere.example", "override")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = run(["check", "--format", "github"], cwd=branch)
    assert r.code == 1, r.err
    lines = r.out.splitlines()
    assert any(
        ln.startswith(f"::error file={OVERRIDES},line=3,title=SOP801::row override_id=O-2")
        for ln in lines
    ), r.out
    assert any(ln.startswith(f"::error file={OVERRIDES},line=3,title=SOP802::") for ln in lines)
    (sop801,) = [ln for ln in lines if "title=SOP801" in ln]
    assert sop801.endswith(  # what to do, not only what is wrong
        "who is not a member of role demand_planner (owner of overrides.csv) or a role holding "
        "override_demand (sales_lead, demand_planner): have dana@acme.example or "
        "sam@acme.example make it in a commit of their own and take "
        f"{git(branch, 'rev-parse', '--short=7', 'HEAD').strip()} out of the branch (git rebase "
        "-i, drop it), or add eve@elsewhere.example to demand_planner in the charter first, in a "
        "pull request of its own"
    ), sop801
    text = summary.read_text(encoding="utf-8")
    assert "## Cycle 2026-12: failed" in text
    assert "| decision_rights | ❌ failed | 1 | 0 | 0 |" in text
    assert f"`{OVERRIDES}:3`" in text


def test_junit_and_output_file(branch: Path, tmp_path: Path) -> None:
    append(branch, OVERRIDES, "O-2,P-200,strategic,2027-03,delta,10,sam@acme.example,Later")
    commit_as(branch, "eve@elsewhere.example", "override")
    out = tmp_path / "check.xml"
    r = run(["check", "--format", "junit", "--output", str(out)], cwd=branch)
    assert r.code == 1 and r.out == ""
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    suite, repo_suite = root.findall("testsuite")  # the cycle, then the repository's policies
    assert suite.get("name") == "cycle 2026-12"
    assert repo_suite.get("name") == "repository"
    assert [c.get("name") for c in repo_suite.findall("testcase")] == ["codeowners"]
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) >= {"validation", "decision_rights", "frozen_window", "metrics"}
    failure = cases["decision_rights"].find("failure")
    assert failure is not None and failure.get("type") == "SOP801"
    assert f"{OVERRIDES}:3: error SOP801" in (failure.text or "")
    assert cases["frozen_window"].find("failure") is None  # 2027-03 is outside the window
    junitparser = pytest.importorskip("junitparser")
    xml = junitparser.JUnitXml.fromfile(str(out))
    suites = list(xml)
    assert suites[0].failures == 1
    names = {case.name: case for case in suites[0]}
    assert not names["decision_rights"].is_passed


def test_owner_change_passes_and_line_is_physical(branch: Path) -> None:
    rel = f"{CYCLE}/inputs/pipeline.csv"
    edit(
        branch,
        rel,
        "D-002,Cobalt,P-200,standard,qualified,300",
        "D-002,Cobalt,P-200,standard,qualified,310",
    )
    commit_as(branch, "sam@acme.example", "pipeline by its owner")
    assert run(["check"], cwd=branch).code == 0
    edit(
        branch,
        rel,
        "D-002,Cobalt,P-200,standard,qualified,310",
        "D-002,Cobalt,P-200,standard,qualified,320",
    )
    commit_as(branch, "dana@acme.example", "pipeline by someone else")
    r = run(["check", "--format", "json"], cwd=branch)
    assert r.code == 1
    import json

    doc = json.loads(r.out)
    found = [f for f in doc["findings"] if f["code"] == "SOP801"]
    assert [(f["path"], f["line"]) for f in found] == [(rel, 3)]
    assert "dana@acme.example" in found[0]["message"]


def test_capacity_right_and_frozen_resources(branch: Path) -> None:
    rel = f"{CYCLE}/inputs/resources.csv"
    edit(branch, rel, "ASSY,fixed,Assembly line,320", "ASSY,fixed,Assembly line,330")
    commit_as(branch, "sam@acme.example", "more hours")
    r = run(["check"], cwd=branch)
    assert r.code == 1
    assert f"{rel}:2: error SOP801" in r.out
    assert f"{rel}:2: error SOP802" in r.out  # resources act on every period, the frozen ones too


def test_charter_change_points_at_yaml_line(branch: Path) -> None:
    rel = "charters/acme.yaml"
    edit(branch, rel, "  frozen_periods: 1", "  frozen_periods: 0")
    commit_as(branch, "dana@acme.example", "unfreeze")
    r = run(["check"], cwd=branch)
    assert r.code == 1
    assert f"{rel}:15:3: error SOP808 cadence.frozen_periods changed" in r.out


def test_committed_outputs_drift(repo: Path) -> None:
    assert run(["reconcile"], cwd=repo).code == 0
    commit_as(repo, "olga@acme.example", "outputs")
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, f"{CYCLE}/inputs/inventory.csv", "P-100,150,60,60", "P-100,170,60,60")
    commit_as(repo, "olga@acme.example", "stock count")
    r = run(["check"], cwd=repo)
    assert r.code == 1
    assert "reconcile_manifest.json" not in r.out
    # the finding points at the first line that differs from a fresh reconcile
    rel = f"{CYCLE}/outputs/supply_plan.csv"
    (line,) = [ln for ln in r.out.splitlines() if ln.startswith(f"{rel}:") and "SOP803" in ln]
    assert run(["reconcile"], cwd=repo).code == 0
    old = git(repo, "show", f"HEAD:{rel}").splitlines()
    new = (repo / rel).read_text(encoding="utf-8").splitlines()
    first = next(i for i, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b)
    assert line.startswith(f"{rel}:{first}: error SOP803 differs from a fresh reconcile"), line


def test_tagged_cycle_needs_new_approval(repo: Path) -> None:
    record_tag(repo, "2026-12", "sop/2026-12/v1")
    edit(repo, f"{CYCLE}/inputs/inventory.csv", "P-100,150,60,60", "P-100,170,60,60")
    commit_as(repo, "olga@acme.example", "stock count")
    r = run(["check"], cwd=repo)  # on main: base is HEAD~1
    assert r.code == 1
    assert (
        f"{CYCLE}/approvals.yaml: error SOP806 cycle 2026-12 was committed as sop/2026-12/v1"
        in r.out
    )


@pytest.mark.parametrize(
    "hand_made",
    [["-a", "-m", "oops, not a record"], []],
    ids=["annotated", "lightweight"],
)
def test_a_hand_made_higher_tag_does_not_close_the_approval_round(
    repo: Path, hand_made: list[str]
) -> None:
    """check takes the cycle's last tag as status, learn and diff do (`log.committed_state`):
    a hand-made sop/2026-12/v2 on the changed commit is no commit record, so the change since
    v1 still needs a new approval round (it used to be compared with v2: nothing changed)."""
    record_tag(repo, "2026-12", "sop/2026-12/v1")
    edit(repo, f"{CYCLE}/inputs/inventory.csv", "P-100,150,60,60", "P-100,170,60,60")
    commit_as(repo, "olga@acme.example", "stock count")
    git(repo, "tag", *hand_made, "sop/2026-12/v2")
    r = run(["check", "--format", "json"], cwd=repo)
    assert r.code == 1, r.out + r.err
    doc = json.loads(r.out)
    assert doc["cycles"][0]["tag"] == "sop/2026-12/v1"
    (sop806,) = [f for f in doc["findings"] if f["code"] == "SOP806"]
    assert sop806["message"].startswith("cycle 2026-12 was committed as sop/2026-12/v1, and ")


def test_a_crlf_checkout_changes_no_tagged_input(repo: Path, tmp_path: Path) -> None:
    """core.autocrlf=true checks every input out with CRLF: none of them changed since the tag,
    so a change elsewhere in the cycle is no reason for SOP806."""
    record_tag(repo, "2026-12", "sop/2026-12/v1")
    win = tmp_path / "win"
    git(repo, "clone", "-q", "-c", "core.autocrlf=true", str(repo), str(win))
    assert b"\r\n" in (win / CYCLE / "inputs" / "inventory.csv").read_bytes()
    actions = win / CYCLE / "actions.yaml"
    actions.write_text("version: 1\nactions: []\n")
    commit_as(win, "olga@acme.example", "no actions yet")
    r = run(["check"], cwd=win)
    assert "SOP806" not in r.out, r.out


def test_usage_and_nothing_changed(repo: Path) -> None:
    assert run(["check", "--base", "no-such-ref"], cwd=repo).code == 2
    r = run(["check", "--base", "HEAD"], cwd=repo)
    assert r.code == 0 and "checked 0 cycle(s)" in r.out


SCENARIO = f"{CYCLE}/scenarios/rush.yaml"
RUSH = """description: A rush order from the strategic accounts.
owner: sales_lead
overlays:
  - kind: demand
    segments: [strategic]
    factor: 1.1
"""


def declare_rush(root: Path) -> None:
    append(root, f"{CYCLE}/cycle.yaml", "  - id: rush\n    description: Rush order")
    (root / SCENARIO).parent.mkdir(parents=True, exist_ok=True)
    (root / SCENARIO).write_text(RUSH, encoding="utf-8")


def test_scenario_files_are_changed_by_their_owner_role(branch: Path) -> None:
    declare_rush(branch)
    commit_as(branch, "sam@acme.example", "rush scenario, by its owner (sales_lead)")
    r = run(["check", "--format", "json"], cwd=branch)
    assert "SOP809" not in r.out, r.out
    edit(branch, SCENARIO, "factor: 1.1", "factor: 1.4")
    commit_as(branch, "olga@acme.example", "ops inflates the sales scenario")
    r = run(["check"], cwd=branch)
    assert r.code == 1
    (line,) = [ln for ln in r.out.splitlines() if "SOP809" in ln]
    assert line.startswith(f"{SCENARIO}:6:5: error SOP809 scenario rush changed in ")
    assert "by olga@acme.example, who is not a member of role sales_lead" in line
    (branch / SCENARIO).unlink()
    commit_as(branch, "dana@acme.example", "planner drops it")
    r = run(["check"], cwd=branch)
    assert f"{SCENARIO}: error SOP809 scenario rush removed in " in r.out, r.out


def test_assumptions_are_changed_by_their_owner_role(branch: Path) -> None:
    rel = f"{CYCLE}/cycle.yaml"
    edit(branch, rel, "keeps two shifts through the horizon", "keeps two shifts through July")
    commit_as(branch, "olga@acme.example", "ops_lead updates its own assumption")
    r = run(["check"], cwd=branch)
    assert "SOP810" not in r.out, r.out
    edit(branch, rel, "through July", "through December")
    edit(
        branch,
        rel,
        "scenarios:",
        "  - {id: A2, text: Sales grow 5 %, owner: sales_lead}\nscenarios:",
    )
    commit_as(branch, "sam@acme.example", "sales rewrites ops' assumption and adds its own")
    r = run(["check"], cwd=branch)
    assert r.code == 1, r.out
    found = [ln for ln in r.out.splitlines() if "SOP810" in ln]
    assert len(found) == 1, r.out
    line = found[0]
    assert line.startswith(f"{rel}:7:5: error SOP810 assumption A1 changed in ")
    assert "by sam@acme.example, who is not a member of role ops_lead" in line


def _sop812(root: Path, *args: str) -> str:
    """The one SOP812 line of a failing `sopctl check`, which must blame dana (no sign-off)."""
    r = run(["check", *args], cwd=root)
    assert r.code == 1, r.out
    (line,) = [ln for ln in r.out.splitlines() if "SOP812" in ln]
    assert "by dana@acme.example, who is not a member of a role holding sign_off_plan" in line
    assert ": have carl@acme.example or olga@acme.example or sam@acme.example " in line
    assert "or add dana@acme.example to a role holding sign_off_plan in the charter first" in line
    return line


def test_the_cycle_frame_is_changed_by_the_plan_signers(branch: Path) -> None:
    rel = f"{CYCLE}/cycle.yaml"
    edit(branch, rel, "status: draft", "status: approved")
    commit_as(branch, "dana@acme.example", "the planner marks the cycle approved")
    edit(branch, rel, "id: A1\n", "id: A1\n    # reviewed\n")  # a comment is no change
    commit_as(branch, "dana@acme.example", "a note")
    line = _sop812(branch)
    assert line.startswith(f"{rel}:5:1: error SOP812 status of the cycle changed in ")
    git(branch, "reset", "-q", "--hard", "main")
    edit(branch, f"{CYCLE}/cycle.yaml", "status: draft", "status: reconciled")
    commit_as(branch, "carl@acme.example", "the CFO (sign_off_plan) moves the status on")
    r = run(["check"], cwd=branch)
    assert "SOP812" not in r.out and r.code == 0, r.out
    nxt = "cycles/2027-01/cycle.yaml"  # opening a new cycle is routine: no sign-off needed
    (branch / nxt).parent.mkdir(parents=True)
    text = (branch / CYCLE / "cycle.yaml").read_text().replace("2026-12", "2027-01")
    (branch / nxt).write_text(text.replace("first_period: 2027-01", "first_period: 2027-02"))
    commit_as(branch, "dana@acme.example", "next cycle")
    r = run(["check", "--format", "json"], cwd=branch)
    assert "SOP812" not in r.out


def test_deleting_a_cycle_needs_the_sign_off_right(branch: Path) -> None:
    """A branch that deletes the whole cycle passed ('checked 0 cycle(s)'), while deleting one
    input of it was an error: removing the cycle is the largest change to its frame."""
    (branch / "cycles" / "README").write_text("cycles live here\n", encoding="utf-8")
    commit_as(branch, "carl@acme.example", "keep the folder")
    git(branch, "rm", "-rq", CYCLE)
    sha = commit_as(branch, "dana@acme.example", "drop the cycle")
    line = _sop812(branch, "--base", "HEAD~1")
    assert line.startswith(f"{CYCLE}/cycle.yaml: error SOP812 cycle 2026-12 deleted in {sha[:7]}")
    git(branch, "reset", "-q", "--hard", "HEAD~1")
    edit(branch, f"{CYCLE}/cycle.yaml", "id: A1\n", "id: A1\n    # reviewed\n")
    commit_as(branch, "dana@acme.example", "the planner only edits cycle.yaml")
    git(branch, "rm", "-rq", CYCLE)
    commit_as(branch, "carl@acme.example", "the CFO (sign_off_plan) drops the cycle")
    r = run(["check", "--base", "HEAD~2"], cwd=branch)
    assert r.code == 0 and "SOP812" not in r.out, r.out  # the edit is no deletion


def test_a_removed_row_says_which_line_it_was(branch: Path) -> None:
    rel = f"{CYCLE}/inputs/inventory.csv"
    edit(branch, rel, "P-200,220,80,80\n", "")
    commit_as(branch, "sam@acme.example", "sales drops an inventory row")
    r = run(["check"], cwd=branch)
    assert r.code == 1, r.out
    found = [ln for ln in r.out.splitlines() if "SOP801" in ln]
    assert found, r.out
    assert found[0].startswith(f"{rel}: error SOP801 row item=P-200 removed (was line 3) in ")


def test_old_warnings_are_counted_not_repeated(repo: Path) -> None:
    rel = f"{CYCLE}/inputs/pipeline.csv"
    append(repo, rel, "D-010,Old,P-100,standard,proposal,50,2026-09,")  # SOP704: long past
    commit_as(repo, "sam@acme.example", "an old deal, on main")
    git(repo, "checkout", "-q", "-b", "feature")
    edit(
        repo,
        rel,
        "D-002,Cobalt,P-200,standard,qualified,300",
        "D-002,Cobalt,P-200,standard,qualified,310",
    )
    append(repo, rel, "D-011,Older,P-200,standard,proposal,50,2026-10,")  # SOP704 again, new
    commit_as(repo, "sam@acme.example", "the pull request")
    import json

    doc = json.loads(run(["check", "--format", "json"], cwd=repo).out)
    old_line = 1 + (repo / rel).read_text(encoding="utf-8").splitlines().index(
        "D-010,Old,P-100,standard,proposal,50,2026-09,"
    )
    sop704 = [f for f in doc["findings"] if f["code"] == "SOP704"]
    assert [f["message"].split(" (")[0] for f in sop704] == ["deal D-011"]
    assert old_line not in {f["line"] for f in sop704}
    (counted,) = [f for f in doc["findings"] if f["code"] == "SOP811"]
    assert (counted["path"], counted["severity"]) == (rel, "info")
    assert counted["message"].startswith("1 warning SOP704 on lines this change did not touch")
    # the full list is still where the message says
    full = run(["demand"], cwd=repo).out
    assert "deal D-010" in full and "deal D-011" in full


def test_a_file_that_does_not_parse_is_compared_when_it_parses_again(branch: Path) -> None:
    rel = f"{CYCLE}/inputs/inventory.csv"
    good = "item,on_hand,safety_stock,ending_target\nP-100,150,60,60\nP-200,230,80,80\n"
    # a value more on each row (empty trailing fields alone would be read, with SOP211)
    broken = good.replace("60\n", "60,1\n").replace("80\n", "80,1\n")
    (branch / rel).write_text(broken, encoding="utf-8")
    commit_as(branch, "olga@acme.example", "stock count, saved by a spreadsheet")
    r = run(["check"], cwd=branch)
    assert r.code == 1 and "SOP206" in r.out, r.out
    assert "SOP801" not in r.out and "removed" not in r.out, r.out  # no row is gone
    (branch / rel).write_text(good, encoding="utf-8")
    commit_as(branch, "dana@acme.example", "the planner repairs the file")
    r = run(["check"], cwd=branch)
    assert r.code == 1, r.out
    # the repair is compared with the last version that parsed: one changed row, by dana
    found = [ln for ln in r.out.splitlines() if "SOP801" in ln]
    assert len(found) == 1 and found[0].startswith(
        f"{rel}:3: error SOP801 row item=P-200 changed in "
    )
    assert "dana@acme.example" in found[0] and "SOP206" not in r.out
    # an empty key cell is named as such, not as Python's None
    append(branch, rel, ",10,5,5")
    commit_as(branch, "dana@acme.example", "a row without an item")
    assert "row item=(empty) added" in run(["check"], cwd=branch).out


def test_a_first_period_outside_the_bucket_is_a_finding(branch: Path) -> None:
    edit(branch, f"{CYCLE}/cycle.yaml", "first_period: 2027-01", "first_period: 2027-13")
    commit_as(branch, "carl@acme.example", "a typo in the first period")
    r = run(["check", "--format", "json"], cwd=branch)
    assert r.code == 1 and "internal error" not in r.err, r.out + r.err
    assert "SOP308" in r.out


def _ci_checkout(source: Path, dest: Path) -> Path:
    """What actions/checkout leaves: the pull request's head detached, only origin/* refs."""
    git(source, "checkout", "-q", "main")
    git(source.parent, "clone", "-q", source.as_uri(), str(dest))
    git(dest, "checkout", "-q", "--detach", "origin/feature")
    git(dest, "branch", "-q", "-D", "main")
    return dest


def _unauthorised_then_harmless(branch: Path) -> None:
    append(branch, OVERRIDES, "O-2,P-200,strategic,2027-03,delta,10,sam@acme.example,Later")
    commit_as(branch, "eve@elsewhere.example", "override")
    (branch / "NOTES.md").write_text("who plans what\n", encoding="utf-8")
    commit_as(branch, "carl@acme.example", "notes")


def test_a_ci_checkout_without_local_main_compares_with_origin_main(
    branch: Path, tmp_path: Path
) -> None:
    """A detached HEAD with no local main (actions/checkout) used to be checked from HEAD~1
    alone: the unauthorised commit before the last one passed."""
    _unauthorised_then_harmless(branch)
    ci = _ci_checkout(branch, tmp_path / "ci")
    git(ci, "remote", "set-head", "origin", "-d")  # actions/checkout sets no origin/HEAD
    r = run(["check"], cwd=ci)
    assert r.code == 1, r.out + r.err
    assert "(merge base with origin/main)" in r.out.splitlines()[0]
    assert "error SOP801 row override_id=O-2" in r.out and "note:" not in r.out
    doc = json.loads(run(["check", "--format", "json"], cwd=ci).out)
    assert doc["base"] == git(ci, "merge-base", "origin/main", "HEAD").strip()
    assert doc["base_label"] == "merge base with origin/main" and doc["base_note"] is None


def test_the_remote_default_branch_is_the_base_origin_head_names(
    branch: Path, tmp_path: Path
) -> None:
    _unauthorised_then_harmless(branch)
    git(branch, "branch", "-q", "-m", "main", "trunk")
    git(branch, "checkout", "-q", "trunk")
    ci = tmp_path / "ci"
    git(branch.parent, "clone", "-q", branch.as_uri(), str(ci))
    git(ci, "checkout", "-q", "--detach", "origin/feature")
    git(ci, "branch", "-q", "-D", "trunk")
    assert git(ci, "symbolic-ref", "--short", "refs/remotes/origin/HEAD").strip() == "origin/trunk"
    r = run(["check"], cwd=ci)
    assert r.code == 1 and "(merge base with origin/trunk)" in r.out, r.out + r.err


def test_a_remote_default_on_the_checked_out_branch_does_not_hide_origin_main(
    branch: Path, tmp_path: Path
) -> None:
    """origin/HEAD naming the branch checked out (a clone of a repository whose HEAD was on
    the feature branch) gives no range; origin/main beside it is still the target, not
    HEAD~1..HEAD alone, where the unauthorised commit before the last one passed."""
    _unauthorised_then_harmless(branch)
    ci = _ci_checkout(branch, tmp_path / "ci")
    git(ci, "remote", "set-head", "origin", "feature")
    r = run(["check"], cwd=ci)
    assert r.code == 1, r.out + r.err
    assert "(merge base with origin/main)" in r.out.splitlines()[0], r.out
    assert "error SOP801 row override_id=O-2" in r.out and "note:" not in r.out


def test_a_head_1_fallback_says_so_in_every_format(branch: Path, tmp_path: Path) -> None:
    """No main anywhere: only HEAD~1..HEAD can be checked, and every format says so."""
    _unauthorised_then_harmless(branch)
    ci = _ci_checkout(branch, tmp_path / "ci")
    git(ci, "remote", "set-head", "origin", "-d")
    git(ci, "update-ref", "-d", "refs/remotes/origin/main")
    r = run(["check"], cwd=ci)
    assert r.code == 0, r.out + r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("checked 0 cycle(s) changed since ") and "(HEAD~1)" in lines[0]
    assert lines[1] == (
        "note: no --base was given and no branch main or master (local or on origin) was found "
        "to compare with: only the last commit (HEAD~1..HEAD) is checked; pass --base with the "
        "branch the change goes into (in CI: --base origin/<target branch>)"
    )
    r = run(["check", "--format", "json"], cwd=ci)
    doc = json.loads(r.out)
    assert doc["base_label"] == "HEAD~1" and "only the last commit" in doc["base_note"]
    assert "sopctl: note: no --base was given" in r.err
    md = run(["check", "--format", "markdown"], cwd=ci).out
    assert "> ⚠️ no --base was given" in md
    gh = run(["check", "--format", "github"], cwd=ci).out
    assert gh.startswith("::warning title=sopctl check base::no --base was given")
    r = run(["check", "--base", "origin/feature~2"], cwd=ci)
    assert r.code == 1 and "SOP801" in r.out and "note:" not in r.out


def test_head_1_on_main_itself_is_said_too(repo: Path) -> None:
    r = run(["check"], cwd=repo)
    assert "note: no --base was given and HEAD is on main: HEAD is checked alone" in r.out


def test_an_infeasible_plan_says_what_to_change(branch: Path) -> None:
    edit(
        branch,
        "charters/acme.yaml",
        "shortage_policy: backlog\n",
        "shortage_policy: backlog\n    clear_backlog_by_end: true\n",
    )
    commit_as(branch, "carl@acme.example", "the strategic backlog is cleared by the end")
    edit(
        branch,
        f"{CYCLE}/inputs/resources.csv",
        "ASSY,fixed,Assembly line,320,,45,40",
        "ASSY,fixed,Assembly line,1,,45,0",
    )
    commit_as(branch, "olga@acme.example", "the line is down")
    r = run(["check"], cwd=branch)
    (line,) = [ln for ln in r.out.splitlines() if "SOP807" in ln]
    assert line.startswith(f"{CYCLE}/cycle.yaml: error SOP807 no feasible plan: the model is ")
    assert line.endswith(
        "; change the capacity, supply or demand the diagnosis names until sopctl reconcile "
        "2026-12 finds a plan"
    ), line
