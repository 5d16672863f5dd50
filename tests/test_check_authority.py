"""sopctl check judges a pull request by the charter at its base, never by its own charter:
a pull request cannot grant itself a role, a right or a smaller frozen window and use it, and
a charter it adds grants nobody anything in it (SOP815, SOP816)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import git, run, write_files
from tests.test_check_cli import append, commit_as, edit

CHARTER = "charters/acme.yaml"
CYCLE = "cycles/2026-12"
PIPELINE = f"{CYCLE}/inputs/pipeline.csv"
RESOURCES = f"{CYCLE}/inputs/resources.csv"
FROZEN_DEAL = "D-004,Echo,P-200,standard,committed,40,2026-12,1"  # ships in 2027-01 (frozen)


@pytest.fixture
def branch(repo: Path) -> Path:
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def check(root: Path, *args: str) -> tuple[int, list[str]]:
    r = run(["check", "--base", "main", *args], cwd=root)
    assert r.code in (0, 1), r.err
    return r.code, r.out.splitlines()


def codes(lines: list[str], code: str) -> list[str]:
    return [ln for ln in lines if f" {code} " in ln]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "members: [carl@acme.example]",
            "members: [carl@acme.example, dana@acme.example]",
            f"{CHARTER}:34:5:",
        ),
        (
            "sign_off_plan: [sales_lead, ops_lead, cfo]",
            "sign_off_plan: [sales_lead, ops_lead, cfo, demand_planner]",
            f"{CHARTER}:39:3:",
        ),
    ],
)
def test_a_charter_edit_cannot_grant_its_own_author_the_sign_off_right(
    branch: Path, old: str, new: str, where: str
) -> None:
    """dana (demand_planner) adds herself to cfo, or gives her role sign_off_plan: the edit
    is judged by the charter before it, where she may not change the charter."""
    edit(branch, CHARTER, old, new)
    commit_as(branch, "dana@acme.example", "dana signs too")
    code, lines = check(branch)
    assert code == 1, lines
    (found,) = codes(lines, "SOP808")
    assert found.startswith(where) and "by dana@acme.example, who is not a member" in found


@pytest.mark.parametrize("charter_first", [True, False])
def test_rights_granted_in_the_pull_request_are_not_used_in_it(
    branch: Path, charter_first: bool
) -> None:
    """sam (sales_lead, may change the charter) adds himself to ops_lead, then (or before)
    raises the assembly hours (ops_lead's) and adds a deal shipping in the frozen month."""

    def grant() -> None:
        edit(
            branch,
            CHARTER,
            "members: [olga@acme.example]",
            "members: [olga@acme.example, sam@acme.example]",
        )
        commit_as(branch, "sam@acme.example", "sam helps ops")

    def rows() -> None:
        append(branch, PIPELINE, FROZEN_DEAL)
        edit(branch, RESOURCES, "ASSY,fixed,Assembly line,320", "ASSY,fixed,Assembly line,480")
        commit_as(branch, "sam@acme.example", "Echo deal in January and more assembly hours")

    for step in (grant, rows) if charter_first else (rows, grant):
        step()
    code, lines = check(branch)
    assert code == 1, lines
    assert not codes(lines, "SOP808")  # sam may edit the charter; he may not use the edit
    assert [ln.split(" error")[0] for ln in codes(lines, "SOP801")] == [f"{RESOURCES}:2:"]
    assert {ln.split(" error")[0] for ln in codes(lines, "SOP802")} == {
        f"{PIPELINE}:5:",
        f"{RESOURCES}:2:",
    }


def test_the_frozen_window_comes_from_the_base(branch: Path) -> None:
    edit(branch, CHARTER, "  frozen_periods: 1", "  frozen_periods: 0")
    append(branch, PIPELINE, FROZEN_DEAL)
    commit_as(branch, "sam@acme.example", "no freeze, and a January deal")
    code, lines = check(branch)
    assert code == 1, lines
    (found,) = codes(lines, "SOP802")
    assert found.startswith(f"{PIPELINE}:5:") and "frozen window 2027-01" in found
    assert not codes(lines, "SOP808")


def own_charter(root: Path, who: str) -> None:
    """A charter `own` in which `who` holds every role, and cycle 2027-01 run under it."""
    text = (root / CHARTER).read_text(encoding="utf-8")
    for person in ("sam", "olga", "dana", "carl"):
        text = text.replace(f"{person}@acme.example", who)
    (root / "charters/own.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(root / CYCLE / "inputs", root / "cycles/2027-01/inputs")
    cycle = (root / CYCLE / "cycle.yaml").read_text(encoding="utf-8")
    cycle = cycle.replace("id: 2026-12", "id: 2027-01").replace("charter: acme", "charter: own")
    (root / "cycles/2027-01/cycle.yaml").write_text(
        cycle.replace("first_period: 2027-01", "first_period: 2027-02"), encoding="utf-8"
    )
    over = root / "cycles/2027-01/inputs/overrides.csv"
    over.write_text(over.read_text().replace("sam@acme.example", who), encoding="utf-8")


def test_a_new_charter_grants_nobody_anything(branch: Path) -> None:
    own_charter(branch, "dana@acme.example")
    commit_as(branch, "dana@acme.example", "my own charter and cycle")
    code, lines = check(branch)
    assert code == 1, lines
    (added,) = codes(lines, "SOP815")
    assert added.startswith("charters/own.yaml:22:1: error SOP815 charter own (not in the base)")
    assert "by dana@acme.example, who is not a member of a role holding sign_off_plan" in added
    assert "(acme: sales_lead, ops_lead, cfo)" in added
    (unknown,) = codes(lines, "SOP816")
    assert unknown.startswith("cycles/2027-01/cycle.yaml:3:1: error SOP816 cycle 2027-01 runs")
    assert "merge the charter first" in unknown


def test_a_sign_off_member_adds_a_charter_then_its_cycle(branch: Path) -> None:
    own_charter(branch, "dana@acme.example")
    shutil.rmtree(branch / "cycles/2027-01")
    commit_as(branch, "carl@acme.example", "the CFO adds a charter for the planner")
    r = run(["check", "--base", "main", "--format", "json"], cwd=branch)
    assert r.code == 0, r.out
    assert json.loads(r.out)["repository"]["policies"]["charters"] == 0
    git(branch, "checkout", "-q", "main")
    git(branch, "merge", "-q", "--ff-only", "feature")
    git(branch, "checkout", "-q", "-b", "next")
    own_charter(branch, "dana@acme.example")
    commit_as(branch, "dana@acme.example", "dana opens a cycle under her merged charter")
    lines = check(branch)[1]
    assert not codes(lines, "SOP815") and not codes(lines, "SOP816"), lines


def test_a_sign_off_member_cannot_use_a_new_charter_in_the_same_pull_request(
    branch: Path,
) -> None:
    own_charter(branch, "carl@acme.example")
    commit_as(branch, "carl@acme.example", "charter and cycle at once")
    code, lines = check(branch)
    assert code == 1 and len(codes(lines, "SOP816")) == 1 and not codes(lines, "SOP815"), lines


def test_a_renamed_charter_is_judged_as_it_was_at_the_base(branch: Path) -> None:
    """carl (cfo) renames acme.yaml to main.yaml, moves the cycle to it and makes dana a
    sales_lead there; dana's deal in the same pull request is judged by acme at the base."""
    text = (branch / CHARTER).read_text(encoding="utf-8")
    (branch / CHARTER).unlink()
    text = text.replace("members: [sam@acme.example]", "members: [sam@acme.example, dana@a.b]")
    (branch / "charters/main.yaml").write_text(text.replace("dana@a.b", "dana@acme.example"))
    edit(branch, f"{CYCLE}/cycle.yaml", "charter: acme", "charter: main")
    commit_as(branch, "carl@acme.example", "one charter, renamed")
    edit(branch, PIPELINE, "qualified,300", "qualified,310")
    commit_as(branch, "dana@acme.example", "dana as sales lead")
    code, lines = check(branch)
    assert code == 1, lines
    (found,) = codes(lines, "SOP801")
    assert found.startswith(f"{PIPELINE}:3:") and "dana@acme.example" in found
    assert "role sales_lead (owner of pipeline.csv)" in found
    assert not codes(lines, "SOP815") and not codes(lines, "SOP812"), lines


def test_deleting_a_cycle_is_judged_by_the_charter_at_the_base(branch: Path) -> None:
    (branch / "cycles" / "README").write_text("cycles live here\n", encoding="utf-8")
    commit_as(branch, "carl@acme.example", "keep the folder")
    git(branch, "checkout", "-q", "-b", "pr")
    edit(
        branch,
        CHARTER,
        "members: [carl@acme.example]",
        "members: [carl@acme.example, dana@acme.example]",
    )
    git(branch, "rm", "-rq", CYCLE)
    commit_as(branch, "dana@acme.example", "dana joins cfo and drops the cycle")
    r = run(["check", "--base", "feature"], cwd=branch)
    assert r.code == 1, r.out
    assert f"{CYCLE}/cycle.yaml: error SOP812 cycle 2026-12 deleted" in r.out


def test_the_first_charter_bootstraps_the_repository(tmp_path: Path) -> None:
    """The base has no charter at all: nobody holds a right to judge by, so the pull request's
    own charter does (and its reviewers are the gate)."""
    root = tmp_path / "plan"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("planning\n")
    commit_as(root, "admin@acme.example", "empty repository")
    git(root, "checkout", "-q", "-b", "start")
    from sopctl.demos import EXAMPLES

    write_files(root, EXAMPLES["minimal"]())
    commit_as(root, "dana@acme.example", "Start S&OP")
    r = run(["check", "--base", "main", "--format", "json"], cwd=root)
    doc = json.loads(r.out)
    assert doc["repository"]["policies"]["charters"] == 0, r.out
    assert not [f for f in doc["findings"] if f["code"] in ("SOP815", "SOP816")]
    # the rows are judged by the roles of the charter the pull request adds
    sop801 = [f["message"] for f in doc["findings"] if f["code"] == "SOP801"]
    assert sop801 and all("declares no such input" not in m for m in sop801), r.out
    assert any("role sales_lead (owner of pipeline.csv)" in m for m in sop801), r.out


OVERRIDES = f"{CYCLE}/inputs/overrides.csv"
O1 = "O-1,P-100,standard,2027-04,delta,{q},{owner},Trade fair orders expected"


def test_an_override_is_changed_by_the_owner_it_names(branch: Path) -> None:
    """dana (owner role of overrides.csv, override_demand) raises sam's override O-1 from 30
    to 300 while it still names sam, who `learn` credits with it: SOP817 at the row."""
    edit(
        branch,
        OVERRIDES,
        O1.format(q=30, owner="sam@acme.example"),
        O1.format(q=300, owner="sam@acme.example"),
    )
    sha = commit_as(branch, "dana@acme.example", "more trade fair orders")
    code, lines = check(branch)
    assert code == 1, lines
    (found,) = codes(lines, "SOP817")
    assert found.startswith(f"{OVERRIDES}:2: error SOP817 row override_id=O-1 changed in {sha[:7]}")
    assert "by dana@acme.example, but it named sam@acme.example as its owner" in found
    assert not codes(lines, "SOP801")
    # sam hands it over (his change), then dana changes what is now hers
    git(branch, "reset", "-q", "--hard", "main")
    edit(
        branch,
        OVERRIDES,
        O1.format(q=30, owner="sam@acme.example"),
        O1.format(q=30, owner="dana@acme.example"),
    )
    commit_as(branch, "sam@acme.example", "dana takes O-1 over")
    edit(
        branch,
        OVERRIDES,
        O1.format(q=30, owner="dana@acme.example"),
        O1.format(q=40, owner="dana@acme.example"),
    )
    commit_as(branch, "dana@acme.example", "dana adjusts her override")
    assert not codes(check(branch)[1], "SOP817")
    # an override added in someone else's name
    append(branch, OVERRIDES, "O-2,P-200,standard,2027-05,delta,10,sam@acme.example,For sam")
    commit_as(branch, "dana@acme.example", "dana adds an override in sam's name")
    (added,) = codes(check(branch)[1], "SOP817")
    assert "row override_id=O-2 added" in added and "it names sam@acme.example" in added


def test_a_charter_no_cycle_runs_under_is_still_gated(branch: Path) -> None:
    """A second charter without cycles yet: dana making herself every role in it would be
    checked by no cycle's decision_rights, and give her every right once merged."""
    own_charter(branch, "carl@acme.example")
    shutil.rmtree(branch / "cycles/2027-01")
    commit_as(branch, "carl@acme.example", "a charter for later")
    git(branch, "checkout", "-q", "main")
    git(branch, "merge", "-q", "--ff-only", "feature")
    git(branch, "checkout", "-q", "-b", "grab")
    edit(
        branch, "charters/own.yaml", "members: [carl@acme.example]", "members: [dana@acme.example]"
    )
    commit_as(branch, "dana@acme.example", "dana takes the sales role of the spare charter")
    code, lines = check(branch)
    assert code == 1, lines
    (found,) = codes(lines, "SOP808")
    assert found.startswith("charters/own.yaml:25:5: error SOP808 roles[sales_lead].members")


def test_an_input_declared_in_the_pull_request_has_no_owner_in_it(branch: Path) -> None:
    """sam (may change the charter) declares promotions.csv, owned by his role, and fills it
    in the same pull request: at the base no role owns it, so nobody may write its rows yet."""
    edit(
        branch,
        CHARTER,
        "  - {file: items.csv,",
        "  - {file: promotions.csv, table: promotions, owner: sales_lead, due: signal}\n"
        "  - {file: items.csv,",
    )
    write_files(
        branch,
        {
            f"{CYCLE}/inputs/promotions.csv": "promo_id,item,segment,start_period,end_period,"
            "uplift_pct,uplift_units,owner\nPR-1,P-100,standard,2027-03,2027-04,10,,\n"
        },
    )
    commit_as(branch, "sam@acme.example", "a promotion, and the file for it")
    code, lines = check(branch)
    assert code == 1, lines
    (found,) = codes(lines, "SOP801")
    assert found.startswith(f"{CYCLE}/inputs/promotions.csv:2: error SOP801 row promo_id=PR-1")
    assert "the charter at the base declares no such input" in found


def test_a_branch_forked_before_the_first_charter_is_judged_by_the_base_tip(
    tmp_path: Path,
) -> None:
    """The merge base of a branch forked from before the first charter has no charter; the
    tip of the base does, and it judges: dana cannot bootstrap her own charter from there."""
    from sopctl.demos import EXAMPLES

    root = tmp_path / "plan"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("planning\n")
    commit_as(root, "admin@acme.example", "empty repository")
    git(root, "branch", "old")
    write_files(root, EXAMPLES["minimal"]())
    commit_as(root, "carl@acme.example", "Start S&OP")
    git(root, "checkout", "-q", "-b", "evil", "old")
    files = EXAMPLES["minimal"]()
    charter = files.pop("charters/acme.yaml")
    for who in ("sam", "olga", "carl"):
        charter = charter.replace(f"{who}@acme.example", "dana@acme.example")
    files = {k.replace("2026-12", "2027-01"): v for k, v in files.items()}
    files["cycles/2027-01/cycle.yaml"] = (
        files["cycles/2027-01/cycle.yaml"]
        .replace("charter: acme", "charter: own")
        .replace("id: 2026-12", "id: 2027-01")
        .replace("first_period: 2027-01", "first_period: 2027-02")
    )
    write_files(root, {"charters/own.yaml": charter, **files})
    commit_as(root, "dana@acme.example", "my own charter, from an old commit")
    code, lines = check(root)
    assert code == 1, lines
    assert codes(lines, "SOP815") and codes(lines, "SOP816"), lines


def _break_base(root: Path, old: str, new: str) -> None:
    """A charter on main that this sopctl refuses (written there before a bound existed)."""
    git(root, "checkout", "-q", "main")
    edit(root, CHARTER, old, new)
    commit_as(root, "carl@acme.example", "as merged long ago")
    git(root, "checkout", "-q", "-b", "fix")


def test_a_base_charter_refused_only_outside_its_rights_still_judges(repo: Path) -> None:
    """A penalty above today's bound at the base: the rights still load there, so the CFO's
    pull request fixing it is judged (and passes) instead of being blocked as unreadable."""
    _break_base(repo, "shortage_penalty: 20", "shortage_penalty: 5.0e+9")
    edit(repo, CHARTER, "shortage_penalty: 5.0e+9", "shortage_penalty: 20")
    commit_as(repo, "carl@acme.example", "the penalty within the bound")
    code, lines = check(repo)
    assert code == 0, lines
    assert not codes(lines, "SOP816"), lines
    # dana may not change the charter: judged by the base's rights, not waved through
    edit(repo, CHARTER, "shortage_penalty: 10", "shortage_penalty: 11")
    commit_as(repo, "dana@acme.example", "dana edits the charter")
    code, lines = check(repo)
    assert code == 1 and codes(lines, "SOP808"), lines


def test_a_base_charter_whose_rights_do_not_load_blocks_with_its_reason(repo: Path) -> None:
    _break_base(repo, "frozen_periods: 1", "frozen_periods: -1")
    edit(repo, CHARTER, "frozen_periods: -1", "frozen_periods: 1")
    commit_as(repo, "carl@acme.example", "fix the window")
    code, lines = check(repo)
    (found,) = codes(lines, "SOP816")
    assert code == 1 and "do not load, so nobody's right to change this cycle" in found
    assert "which the base" not in found  # it has the charter: not called a new one


def test_deleting_a_cycle_whose_base_charter_does_not_load_fails_closed(repo: Path) -> None:
    (repo / "cycles" / "README").write_text("cycles live here\n", encoding="utf-8")
    commit_as(repo, "carl@acme.example", "keep the folder")
    _break_base(repo, "frozen_periods: 1", "frozen_periods: -1")
    git(repo, "rm", "-rq", CYCLE)
    commit_as(repo, "dana@acme.example", "drop the cycle")
    r = run(["check", "--base", "main"], cwd=repo)
    assert r.code == 1, r.out
    assert f"{CYCLE}/cycle.yaml: error SOP812 cycle 2026-12 is deleted, but its charter" in r.out


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_a_cycle_opened_as_approved_needs_the_sign_off_right(branch: Path, status: str) -> None:
    """Opening a cycle is routine, but one opened with status approved (or committed) claims a
    decision nobody took: judged as a change of its status from draft."""
    shutil.copytree(branch / CYCLE, branch / "cycles/2027-01")
    cy = branch / "cycles/2027-01/cycle.yaml"
    text = cy.read_text(encoding="utf-8").replace("id: 2026-12", "id: 2027-01")
    text = text.replace("first_period: 2027-01", "first_period: 2027-02")
    cy.write_text(text.replace("status: draft", f"status: {status}"), encoding="utf-8")
    commit_as(branch, "dana@acme.example", "open January")
    _, lines = check(branch)
    flagged = [ln for ln in lines if ln.startswith("cycles/2027-01/cycle.yaml:5:")]
    if status == "draft":
        assert not flagged, lines
    else:
        (found,) = flagged
        assert "status" in found and "dana@acme.example" in found, found


def test_a_cycle_moved_to_another_charter_has_that_charters_edits_judged_by_it(
    repo: Path,
) -> None:
    """carl signs for acme, not for beta; he moves the cycle to beta and makes himself beta's
    cfo in the same pull request: beta's edit is judged by beta at the base, not by acme."""
    beta = (repo / CHARTER).read_text(encoding="utf-8")
    beta = beta.replace("members: [carl@acme.example]", "members: [olga@acme.example]")
    (repo / "charters/beta.yaml").write_text(beta, encoding="utf-8")
    commit_as(repo, "carl@acme.example", "a second charter")
    git(repo, "checkout", "-q", "-b", "move")
    edit(repo, f"{CYCLE}/cycle.yaml", "charter: acme", "charter: beta")
    edit(
        repo,
        "charters/beta.yaml",
        "members: [olga@acme.example]\n",
        "members: [olga@acme.example, carl@acme.example]\n",
    )
    commit_as(repo, "carl@acme.example", "the cycle to beta, and carl into its cfo")
    code, lines = check(repo)
    found = [ln for ln in codes(lines, "SOP808") if ln.startswith("charters/beta.yaml:")]
    assert code == 1 and found and "carl@acme.example" in found[0], lines


def test_without_a_local_main_the_tip_of_origin_main_judges_the_rights(
    branch: Path, tmp_path: Path
) -> None:
    """A CI checkout (detached, only origin/* refs) takes its base from origin/main, and so
    its rights: a right revoked on main after the branch was forked is revoked for it."""
    append(branch, PIPELINE, "D-009,Echo,P-200,standard,qualified,40,2027-04,1")
    commit_as(branch, "sam@acme.example", "a new deal")
    git(branch, "checkout", "-q", "main")
    edit(branch, CHARTER, "members: [sam@acme.example]", "members: [sue@acme.example]")
    commit_as(branch, "carl@acme.example", "sam left sales")
    ci = tmp_path / "ci"
    git(branch.parent, "clone", "-q", branch.as_uri(), str(ci))
    git(ci, "checkout", "-q", "--detach", "origin/feature")
    git(ci, "branch", "-q", "-D", "main")
    r = run(["check"], cwd=ci)
    assert r.code == 1, r.out + r.err
    (found,) = codes(r.out.splitlines(), "SOP801")
    assert "row deal_id=D-009" in found and "by sam@acme.example" in found
