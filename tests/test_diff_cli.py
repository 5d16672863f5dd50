"""`sopctl diff` end to end, on real temporary git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sopctl.demos import EXAMPLES
from tests.helpers import git, make_repo, run, write_files

INPUTS = "cycles/2026-12/inputs"
CHARTER = "charters/acme.yaml"
# enough hours and people that more demand becomes more production
ROOMY = (
    "resource,kind,description,hours,regular_cost,overtime_cost,overtime_limit,"
    "workforce,hours_per_worker,hire_cost,layoff_cost\n"
    "ASSY,fixed,Assembly line,2000,,45,40,,,,\n"
    "CREW,labour,Warehouse crew,,18,27,12,12,160,900,1500\n"
)


OVERRIDES_HEADER = "override_id,item,segment,period,kind,quantity,owner,reason\n"


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def tag(root: Path, name: str) -> None:
    git(root, "tag", "-a", name, "-m", f"approved {name}")


def open_next_cycle(root: Path) -> None:
    """cycles/2027-01 in the working tree: cycle 2026-12's files one month later."""
    old, new = root / "cycles" / "2026-12", root / "cycles" / "2027-01"
    (new / "inputs").mkdir(parents=True)
    for f in (old / "inputs").iterdir():
        (new / "inputs" / f.name).write_bytes(f.read_bytes())
    text = (old / "cycle.yaml").read_text(encoding="utf-8")
    text = text.replace("2027-01", "2027-02").replace("id: 2026-12", "id: 2027-01")
    (new / "cycle.yaml").write_text(text, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_working_tree_against_head_in_three_formats(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reordered history file, a changed deal, an added and a removed override, a charter value
    history = (repo / INPUTS / "history.csv").read_text(encoding="utf-8").splitlines()
    write_files(repo, {f"{INPUTS}/history.csv": "\n".join([history[0], *history[:0:-1]]) + "\n"})
    edit(
        repo,
        f"{INPUTS}/pipeline.csv",
        "D-001,Borealis,P-100,strategic,proposal,200",
        "D-001,Borealis,P-100,strategic,committed,260",
    )
    write_files(
        repo,
        {
            f"{INPUTS}/overrides.csv": OVERRIDES_HEADER
            + "O-2,P-200,standard,2027-05,delta,40,sam@acme.example,Tender won\n"
        },
    )
    edit(repo, CHARTER, "quorum: 2", "quorum: 3")

    r = run(["diff", "HEAD", "--format", "json"], cwd=repo)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["ok"] and doc["a"]["label"] == "HEAD" and doc["b"]["label"] == "working tree"
    tables = {t["table"]: t for t in doc["inputs"]}
    assert tables["demand_history"]["status"] == "unchanged"  # reordered only
    pipe = tables["pipeline"]
    assert pipe["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 2}
    assert pipe["changed_rows"] == [
        {
            "key": {"deal_id": "D-001", "item": "P-100"},
            "changes": {
                "quantity": {"old": "200", "new": "260"},
                "stage": {"old": "proposal", "new": "committed"},
            },
        }
    ]
    ov = tables["overrides"]
    assert (ov["counts"]["added"], ov["counts"]["removed"]) == (1, 1)
    assert ov["added_rows"][0]["override_id"] == "O-2"
    assert ov["removed_rows"][0]["override_id"] == "O-1"
    charter = next(y for y in doc["yaml"] if y["role"] == "charter")
    assert charter["changes"] == [
        {"path": "approvals.quorum", "kind": "changed", "old": 2, "new": 3}
    ]
    out = doc["outputs"]
    assert out["kpis"]["demand_total"]["delta"] > 0
    assert out["exceptions"]["appeared_count"] >= 1  # the line was full already
    assert {"2027-02", "2027-05"} <= set(out["periods"])
    assert json.loads(run(["diff", "HEAD", "--format", "json"], cwd=repo).out) == doc  # stable

    r = run(["diff", "HEAD"], cwd=repo)
    assert r.code == 0
    assert "approvals.quorum: 2 → 3" in r.out
    assert "stage: proposal → committed" in r.out and "quantity: 200 → 260" in r.out
    assert "+ O-2" in r.out and "- O-1" in r.out
    assert "Service level per segment" in r.out
    n = out["exceptions"]["appeared_count"], out["exceptions"]["cleared_count"]
    assert f"exceptions {n[0]} new, {n[1]} cleared" in " ".join(r.out.split())
    # an exception's money heads its column as in reconcile and the report
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no heading wraps
    wide = run(["diff", "HEAD"], cwd=repo).out
    assert "at stake (EUR)" in wide and "value EUR" not in wide

    r = run(["diff", "HEAD", "--format", "markdown"], cwd=repo)
    assert r.code == 0
    md = r.out
    assert md.startswith("## Plan diff: cycle 2026-12")
    assert "| D-001 | P-100 | stage | proposal | committed |" in md
    assert "| charters/acme.yaml | approvals.quorum | 2 | 3 |" in md
    assert "| Demand (units) |" in md and "|---|---:|---:|---:|" in md
    assert "| quantity | at stake (EUR) |" in md and "value EUR" not in md
    assert not (repo / "cycles/2026-12/outputs").exists()  # a diff writes nothing


def test_default_base_is_the_last_tag_by_number(repo: Path) -> None:
    tag(repo, "sop/2026-12/v2")
    edit(
        repo,
        f"{INPUTS}/items.csv",
        "P-200,valves,Ball valve,12,21",
        "P-200,valves,Ball valve,12,23",
    )
    commit(repo, "price up")
    tag(repo, "sop/2026-12/v10")  # v10 is after v2 although it sorts before it as text
    tag(repo, "sop/2027-01/v11")  # another cycle's tag is not a candidate
    edit(
        repo,
        f"{INPUTS}/items.csv",
        "P-100,pumps,Compact pump,40,65",
        "P-100,pumps,Compact pump,40,70",
    )
    r = run(["diff", "--format", "json"], cwd=repo)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["a"]["label"] == "sop/2026-12/v10"
    items = next(t for t in doc["inputs"] if t["table"] == "items")
    assert items["changed_rows"] == [
        {"key": {"item": "P-100"}, "changes": {"price": {"old": "65", "new": "70"}}}
    ]


def test_two_revisions_more_demand_more_production_then_exceptions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    write_files(repo, {f"{INPUTS}/resources.csv": ROOMY})
    base = commit(repo, "roomy capacity")
    edit(repo, f"{INPUTS}/overrides.csv", "2027-04,delta,30", "2027-04,delta,230")
    more = commit(repo, "trade fair: 200 more")

    r = run(["diff", base, more, "--format", "json"], cwd=repo)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["a"]["commit"] == base and doc["b"]["commit"] == more
    kpis = doc["outputs"]["kpis"]
    assert kpis["demand_total"]["delta"] == 200
    assert kpis["production_total"]["delta"] > 100 and kpis["revenue"]["delta"] > 0
    assert doc["outputs"]["periods"]["2027-04"]["demand"]["delta"] == 200
    assert not any(e["kind"] == "shortage" for e in doc["outputs"]["exceptions"]["appeared"])

    # the working tree cuts the line to an eighth: shortages and overloads appear
    edit(repo, f"{INPUTS}/resources.csv", "Assembly line,2000", "Assembly line,250")
    r = run(["diff", "HEAD", "--format", "json"], cwd=repo)
    out = json.loads(r.out)["outputs"]
    assert out["exceptions"]["appeared_count"] > 0
    kinds = {e["kind"] for e in out["exceptions"]["appeared"]}
    assert "overload" in kinds
    assert any(e["resource"] == "ASSY" for e in out["exceptions"]["appeared"])
    assert out["kpis"]["production_total"]["delta"] < 0


def test_planning_repo_in_a_subfolder(tmp_path: Path) -> None:
    top = tmp_path / "company"
    write_files(top / "planning", EXAMPLES["minimal"]())
    git(top, "init", "-q", "-b", "main")
    commit(top, "plan in a subfolder of the company repository")
    edit(top / "planning", f"{INPUTS}/inventory.csv", "P-100,150,60,60", "P-100,150,70,60")
    r = run(["--root", str(top / "planning"), "diff", "HEAD", "--format", "json"])
    assert r.code == 0, r.err
    inv = next(t for t in json.loads(r.out)["inputs"] if t["table"] == "inventory")
    assert inv["changed_columns"] == {"safety_stock": 1}


def test_unknown_revision_no_tag_and_unknown_cycle_are_usage_errors(repo: Path) -> None:
    r = run(["diff"], cwd=repo)
    assert r.code == 2
    assert "no approved tag" in r.err and "hint:" in r.err
    assert (
        "'sopctl diff --cycle 2026-12 main', or tag the committed plan with 'sopctl tag 2026-12'"
        in r.err
    )
    r = run(["diff", "no-such-rev"], cwd=repo)
    assert r.code == 2 and "unknown revision 'no-such-rev'" in r.err
    r = run(["diff", "HEAD", "nope"], cwd=repo)
    assert r.code == 2 and "unknown revision 'nope'" in r.err
    r = run(["diff", "HEAD", "--cycle", "2030-01"], cwd=repo)
    assert r.code == 2 and "2030-01" in r.err
    r = run(["diff", "--cycle", "2030-01"], cwd=repo)  # not "has no approved tag"
    assert r.code == 2 and "unknown cycle '2030-01' (cycles here: 2026-12)" in r.err, r


def test_this_months_plan_against_last_months_committed_one(repo: Path) -> None:
    """--from-cycle: side A is the other cycle at its last approved tag. Rows compare by key,
    the plans by period; the note says which periods both horizons cover."""
    r = run(["diff", "--from-cycle", "2026-12"], cwd=repo)  # not tagged yet: the hint names it
    assert r.code == 2 and "'sopctl diff --from-cycle 2026-12 main'" in r.err, r.err
    assert "'sopctl tag 2026-12'" in r.err
    approvals = "version: 1\napprovals: []\n"  # last month's record, no part of this one
    write_files(repo, {"cycles/2026-12/approvals.yaml": approvals})
    commit(repo, "approvals")
    tag(repo, "sop/2026-12/v1")
    open_next_cycle(repo)
    edit(repo, "cycles/2027-01/inputs/items.csv", "Compact pump,40,65", "Compact pump,40,70")
    r = run(["diff", "--from-cycle", "2026-12", "--format", "json"], cwd=repo)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert (doc["cycle"], doc["a"]["cycle"], doc["b"]["cycle"]) == ("2027-01", "2026-12", "2027-01")
    assert (doc["a"]["label"], doc["b"]["label"]) == ("sop/2026-12/v1", "working tree")
    items = next(t for t in doc["inputs"] if t["table"] == "items")
    assert items["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1}
    assert doc["notes"] == [
        "sop/2026-12/v1 is compared as a plain revision: not a commit record: the message is "
        "not a YAML mapping; run sopctl verify sop/2026-12/v1",  # a hand-made tag here
        "cycle 2026-12 plans 2027-01..2027-06, cycle 2027-01 plans 2027-02..2027-07: "
        "2027-02..2027-06 are in both; totals cover each cycle's own horizon, the periods "
        "compare like with like",
    ]
    assert [y["role"] for y in doc["yaml"]] == ["cycle.yaml", "charter"]
    periods = doc["outputs"]["periods"]
    assert periods["2027-01"]["demand"]["new"] is None  # only last month's plan has it
    assert periods["2027-07"]["demand"]["old"] is None  # only this month's
    r = run(["diff", "--from-cycle", "2026-12", "--format", "markdown"], cwd=repo)
    assert r.out.startswith(
        "## Plan diff: cycles 2026-12 → 2027-01\n\ncycle 2026-12 `sop/2026-12/v1`"
    )
    assert "> cycle 2026-12 plans 2027-01..2027-06" in r.out
    r = run(["diff", "--from-cycle", "2026-12"], cwd=repo)
    assert "Plan diff cycle 2026-12 sop/2026-12/v1 (" in r.out and "→ cycle 2027-01" in r.out
    assert "note: cycle 2026-12 plans" in " ".join(r.out.split())
    r = run(["diff", "--from-cycle", "2030-01"], cwd=repo)
    assert r.code == 2 and "unknown cycle '2030-01'" in r.err
    r = run(["diff", "--from-cycle", "2030-01", "HEAD"], cwd=repo)
    assert r.code == 2 and "cycle 2030-01 does not exist at HEAD" in r.err
    assert "name the cycle: sopctl diff --from-cycle CYCLE [REV_A] [REV_B]" in r.err


def test_a_revision_without_the_latest_cycle_says_how_to_name_one(repo: Path) -> None:
    """A cycle opened since the revision is the default one: the hint shows how diff names
    the cycle, and that form works."""
    open_next_cycle(repo)
    r = run(["diff", "HEAD"], cwd=repo)
    assert r.code == 2 and "cycle 2027-01 does not exist at HEAD" in r.err, r
    assert "name the cycle: sopctl diff --cycle CYCLE REV_A REV_B" in r.err
    assert run(["diff", "--cycle", "2026-12", "HEAD"], cwd=repo).code == 0


def test_a_side_without_a_plan_exits_1_and_says_why(repo: Path) -> None:
    write_files(repo, {f"{INPUTS}/routings.csv": "item,resource,hours_per_unit\nP-100,NOPE,1\n"})
    r = run(["diff", "HEAD"], cwd=repo)
    assert r.code == 1
    assert "Side B (working tree) has no plan" in r.out and "SOP402" in r.out
    assert "routings.csv" in r.out  # the input diff is still shown

    write_files(
        repo,
        {
            f"{INPUTS}/routings.csv": "item,resource,hours_per_unit\nP-100,ASSY,1.2\n"
            "P-100,CREW,0.5\nP-200,ASSY,0.4\nP-200,CREW,0.3\n",
            f"{INPUTS}/inventory.csv": "item,on_hand,safety_stock,ending_target\n"
            "P-100,150,60,1000000\nP-200,220,80,80\n",
        },
    )
    r = run(["diff", "HEAD", "--format", "markdown"], cwd=repo)
    assert r.code == 1
    assert "has no plan** (infeasible)" in r.out and "ending_target[P-100]" in r.out
    doc = json.loads(run(["diff", "HEAD", "--format", "json"], cwd=repo).out)
    assert doc["ok"] is False and doc["outputs"] is None and doc["b"]["status"] == "infeasible"


def test_scenario_files_are_diffed_by_key_path(repo: Path) -> None:
    cycle_yaml = "cycles/2026-12/cycle.yaml"
    text = (repo / cycle_yaml).read_text(encoding="utf-8")
    text += "  - id: rush\n    description: More demand\n"
    scenario = (
        "description: Ten percent more demand\nowner: sales_lead\noverlays:\n"
        "  - kind: demand\n    factor: 1.1\n"
    )
    write_files(repo, {cycle_yaml: text, "cycles/2026-12/scenarios/rush.yaml": scenario})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a scenario")
    write_files(repo, {"cycles/2026-12/scenarios/rush.yaml": scenario.replace("1.1", "1.2")})
    r = run(["diff", "HEAD", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    rush = next(y for y in doc["yaml"] if y["role"] == "scenarios/rush.yaml")
    assert rush["changes"] == [
        {"path": "overlays[0].factor", "kind": "changed", "old": 1.1, "new": 1.2}
    ]
