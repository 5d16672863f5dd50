"""`sopctl adopt`: a scenario written into the cycle's own files gives the scenario's plan.

The strongest check: for every overlay case of the scenario tests (every kind, with and
without period ranges), the base plan of the adopted files is the plan the scenario gave,
file for file. Then the command itself: what it prints and writes, and what it refuses.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sopctl.plan import run_reconcile
from sopctl.scenarios.adopt import plan_adoption, write_adoption
from sopctl.scenarios.run import run_scenarios
from tests.helpers import git, run, write_files
from tests.test_scenario_overlays import S
from tests.test_scenario_repo import CHARTER, CYCLE, scenario_yaml, tiny_repo

ROOT = Path(__file__).resolve().parents[1]
OWNER = "sam@tiny.example"  # sales_lead: may override demand
OPTIONAL = {  # the tables the tiny charter leaves out, declared with only a header
    "capacity": "resource,period,hours,overtime_limit",
    "supplier_capacity": "material,period,capacity",
    "prices": "item,segment,price",
    "period_prices": "item,segment,period,price",
    "period_costs": "item,period,unit_cost",
    "material_period_costs": "material,period,unit_cost",
    "overrides": "override_id,item,segment,period,kind,quantity,owner,reason",
}
PLAN = ["supply_plan.csv", "capacity_plan.csv", "materials_plan.csv", "exceptions.csv"]


def full_repo(root: Path, scenarios: dict[str, str]) -> Path:
    """The tiny repository with every table an overlay can write declared."""
    tiny_repo(root, scenarios)
    decl = "".join(
        f"  - {{file: {t}.csv, table: {t}, owner: ops_lead, due: reconcile}}\n" for t in OPTIONAL
    )
    write_files(root, {"charters/tiny.yaml": CHARTER.replace("inputs:\n", "inputs:\n" + decl)})
    write_files(root, {f"{CYCLE}/inputs/{t}.csv": head + "\n" for t, head in OPTIONAL.items()})
    return root


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, bytes]]]:
    root = full_repo(
        tmp_path_factory.mktemp("adopt") / "tiny",
        {sid: scenario_yaml(text) for sid, text in S.items()},
    )
    solved = run_scenarios(root, None, [], every=True, dry_run=True, warm=False)
    assert solved.ok
    return root, {s.id: s.files for s in solved.scenarios}


@pytest.mark.parametrize("sid", sorted(S))
def test_the_adopted_base_plan_is_the_scenario_plan(
    catalogue: tuple[Path, dict[str, dict[str, bytes]]], tmp_path: Path, sid: str
) -> None:
    _, plans = catalogue
    root = full_repo(tmp_path / "repo", {sid: scenario_yaml(S[sid])})  # alone: faster to check
    got = plan_adoption(root, None, sid, OWNER)
    assert got.ok, [str(f) for f in got.report]
    write_adoption(got)
    assert not (root / CYCLE / "scenarios" / f"{sid}.yaml").exists()
    base = run_reconcile(root, None, dry_run=True)
    assert base.result is not None and base.result.ok
    for name in [*PLAN, "finance.csv"]:
        assert base.files[name] == plans[sid][name], (sid, name)


def test_adopt_prints_the_changes_writes_them_and_the_diff_reads_as_rows(tmp_path: Path) -> None:
    cut = "  - {kind: capacity, resources: [LINE], from: 2027-02, to: 2027-02, hours: -30}\n"
    root = full_repo(
        tmp_path / "tiny",
        {"cut": scenario_yaml(cut, what="Line down for a week"), "up": scenario_yaml("")},
    )
    write_files(
        root, {f"{CYCLE}/inputs/capacity.csv": OPTIONAL["capacity"] + "\nLINE,2027-02,90,\n"}
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    r = run(["adopt", "cut", "--dry-run"], cwd=root)
    assert r.code == 0, r.out + r.err
    assert "adopting scenario cut would change:" in r.out and "nothing written" in r.out
    assert git(root, "status", "--porcelain") == ""
    assert run(["reconcile", "--scenario", "cut"], cwd=root).code == 0
    assert (root / CYCLE / "outputs/scenarios/cut").is_dir()
    r = run(["adopt", "cut", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["ok"] and doc["written"] and doc["overrides"] == 0
    assert [(c["path"], c["what"], c["owner"]) for c in doc["changes"]] == [
        (f"{CYCLE}/inputs/capacity.csv", "1 changed", "ops_lead"),
        (
            f"{CYCLE}/cycle.yaml",
            "scenario cut leaves the register; assumption adopted-cut added",
            "ops_lead",
        ),
        (f"{CYCLE}/scenarios/cut.yaml", "removed", "ops_lead"),
    ]
    diff = git(root, "diff", "--unified=0", "--", f"{CYCLE}/inputs/capacity.csv")
    assert "-LINE,2027-02,90,\n+LINE,2027-02,60,\n" in diff  # the upserted row, changed in place
    status = git(root, "status", "--porcelain")
    assert f" D {CYCLE}/scenarios/cut.yaml" in status
    assert not (root / CYCLE / "outputs/scenarios/cut").exists()  # the plan of a gone scenario
    text = (root / CYCLE / "cycle.yaml").read_text()
    assert "adopted as the plan: Line down for a week" in text and "id: cut" not in text
    r = run(["adopt", "cut"], cwd=root)  # it is the plan now
    assert r.code == 2 and "has no scenario 'cut' to adopt" in r.err
    r = run(["adopt", "base"], cwd=root)
    assert r.code == 2 and "base is the plan already" in r.err


def test_what_git_could_not_give_back_is_committed_first(tmp_path: Path) -> None:
    """Adopting removes the scenario file and rewrites inputs: an untracked scenario file
    would be lost for good, and uncommitted edits would ride along in the adoption. Both are
    refused (exit 2), the dry run too, and nothing is written."""
    cut = "  - {kind: capacity, resources: [LINE], from: 2027-02, to: 2027-02, hours: -30}\n"
    root = full_repo(tmp_path / "tiny", {"cut": scenario_yaml(cut)})
    capacity = root / CYCLE / "inputs" / "capacity.csv"
    capacity.write_text(OPTIONAL["capacity"] + "\nLINE,2027-02,90,\n", encoding="utf-8")
    charter = root / "charters" / "tiny.yaml"
    prices = "{file: prices.csv, table: prices, owner: ops_lead, due: reconcile"
    charter.write_text(charter.read_text("utf-8").replace(prices, prices + ", required: false"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A", "--", ".", f":!{CYCLE}/scenarios/cut.yaml")
    git(root, "commit", "-q", "-m", "start, the scenario not yet committed")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    for args in (["adopt", "cut"], ["adopt", "cut", "--dry-run"]):
        r = run(args, cwd=root)
        assert r.code == 2, r.out + r.err
        assert (
            f"cannot adopt scenario cut: {CYCLE}/scenarios/cut.yaml not committed: adopting "
            "removes or rewrites it for good"
        ) in r.err
        assert "hint: commit those files first" in r.err
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the scenario")
    capacity.write_text(capacity.read_text(encoding="utf-8") + "LINE,2027-03,80,\n", "utf-8")
    r = run(["adopt", "cut"], cwd=root)
    assert r.code == 2 and f"{CYCLE}/inputs/capacity.csv has uncommitted changes" in r.err, r.err
    now = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert now == {**before, capacity: capacity.read_bytes()}  # nothing else written
    git(root, "checkout", "--", ".")
    inventory = root / CYCLE / "inputs" / "inventory.csv"  # not rewritten, but read
    inventory.write_text(inventory.read_text("utf-8").replace("A,0,0,0", "A,5,0,0"), "utf-8")
    r = run(["adopt", "cut"], cwd=root)
    assert r.code == 2, r.out + r.err
    assert (
        f"{CYCLE}/inputs/inventory.csv has uncommitted changes, and the adoption is computed "
        "from it"
    ) in r.err
    git(root, "checkout", "--", ".")
    (root / CYCLE / "inputs" / "prices.csv").unlink()  # optional, read: gone, not committed
    r = run(["adopt", "cut"], cwd=root)
    assert r.code == 2, r.out + r.err
    assert f"{CYCLE}/inputs/prices.csv has uncommitted changes" in r.err
    git(root, "checkout", "--", ".")
    assert run(["adopt", "cut"], cwd=root).code == 0


def test_a_table_the_charter_does_not_declare_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    cut = "  - {kind: capacity, resources: [LINE], from: 2027-02, to: 2027-02, hours: -30}\n"
    root = tiny_repo(tmp_path / "tiny", {"cut": scenario_yaml(cut)})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    r = run(["adopt", "cut"], cwd=root)
    assert r.code == 1
    assert f"{CYCLE}/scenarios/cut.yaml:4:5: error SOP633" in r.out  # the overlay
    assert "needs a capacity table" in r.out and "nothing written" in r.out
    assert "{file: capacity.csv, table: capacity, owner: ROLE, due: reconcile}" in r.out
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_demand_overrides_need_an_owner_with_the_right(tmp_path: Path) -> None:
    up = "  - {kind: demand, items: [A], segments: [key], factor: 1.5}\n"
    root = full_repo(tmp_path / "tiny", {"up": scenario_yaml(up)})
    r = run(["adopt", "up", "--owner", "olga@tiny.example"], cwd=root)  # ops_lead: no right
    assert r.code == 2 and "must be a member of sales_lead" in r.err
    r = run(["adopt", "up", "--owner", "SAM@tiny.example"], cwd=root)
    assert r.code == 0, r.out + r.err
    rows = (root / CYCLE / "inputs/overrides.csv").read_text().splitlines()
    assert rows[1:] == [
        f"up-00{n},A,key,2027-0{n},delta,25,sam@tiny.example,scenario up adopted: Scenario up"
        for n in (1, 2, 3)
    ]


def test_the_demo_scenarios_adopted(tmp_path: Path) -> None:
    """Each scenario of the embedded demo adopted on a copy: the plan is the scenario's (the
    demand one to solver precision: its overrides are rounded to 6 decimals), and an override
    inside the frozen window needs the frozen-change right.

    The adopted inputs are solved cold, so their files are those of the scenario solved cold.
    late_supplier's LP is degenerate: the warm start from the base's basis ends on another
    plan of the same cost (the objective agrees to the last bit), so its files are compared
    with the cold solve; lost_shift's are the same either way."""
    src = tmp_path / "demo"
    for sub in ("charters", "cycles"):
        shutil.copytree(ROOT / sub, src / sub, ignore=shutil.ignore_patterns("outputs"))
    solved = run_scenarios(src, None, [], every=True, dry_run=True)
    want = {s.id: s for s in solved.scenarios}
    cold = {
        s.id: s
        for s in run_scenarios(src, None, [], every=True, dry_run=True, warm=False).scenarios
    }
    assert all(want["lost_shift"].files[n] == cold["lost_shift"].files[n] for n in PLAN)
    for sid in ("lost_shift", "late_supplier", "upside"):
        root = tmp_path / sid
        shutil.copytree(src, root)
        got = plan_adoption(root, None, sid, "tomas.keller@northwind.example")
        assert got.ok, [str(f) for f in got.report]
        write_adoption(got)
        base = run_reconcile(root, None, dry_run=True)
        assert base.result is not None and want[sid].result is not None
        a, b = base.result.objective or 0.0, want[sid].result.objective or 0.0
        assert abs(a - b) <= 1e-7 * abs(b), sid
        if sid != "upside":
            assert all(base.files[n] == cold[sid].files[n] for n in PLAN), sid
    frozen = "  - {kind: demand, families: [pumps], segments: [strategic], to: 2027-01, units: 5}\n"
    write_files(src, {"cycles/2026-12/scenarios/upside.yaml": scenario_yaml(frozen, "sales_lead")})
    got = plan_adoption(src, None, "upside", "tomas.keller@northwind.example")
    assert not got.ok and {f.code for f in got.report.errors} == {"SOP702"}
    assert not got.files or not got.written
