"""`sopctl reconcile --scenario / --all-scenarios` and `sopctl compare` end to end, including
scenarios kept as git branches."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.helpers import git, make_repo, run, write_files
from tests.test_diff_cli import open_next_cycle
from tests.test_scenario_repo import CYCLE, scenario_yaml, tiny_repo

UP = scenario_yaml("  - {kind: price, families: [pumps], factor: 1.5}\n", what="Pumps at 30")
CUT = scenario_yaml(
    "  - {kind: capacity, resources: [LINE], from: 2027-02, to: 2027-02, hours: -30}\n",
    owner="sales_lead",
    what="Line down for a week",
)
OUT = f"{CYCLE}/outputs"
BASE_FILES = [
    "capacity_plan.csv",
    "exceptions.csv",
    "finance.csv",
    "materials_plan.csv",
    "reconcile_manifest.json",
    "summary.json",
    "supply_plan.csv",
]


def test_reconcile_writes_each_scenario_like_the_base(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"up": UP, "cut": CUT})
    r = run(["reconcile", "--scenario", "up"], cwd=root)
    assert r.code == 0, r.out + r.err
    # pumps dearer, none short: the base plan stays optimal and is kept without a solve
    assert "Scenarios against base (EUR)" in r.out and "optimal, kept" in r.out
    assert f"wrote {OUT}/scenarios/up/ (7 files)" in r.out
    base = {p.name for p in (root / OUT).iterdir() if p.is_file()}
    assert set(BASE_FILES) <= base
    up = root / OUT / "scenarios/up"
    assert sorted(p.name for p in up.iterdir()) == BASE_FILES
    assert not (root / OUT / "scenarios/cut").exists()
    doc = json.loads((up / "summary.json").read_text())
    assert doc["scenario"]["owner"] == "ops_lead" and doc["finance"]["revenue"] == 6180.0
    manifest = json.loads((up / "reconcile_manifest.json").read_text())
    assert list(manifest["scenario_file"]) == [f"{CYCLE}/scenarios/up.yaml"]
    first = {p.name: p.read_bytes() for p in up.iterdir()}
    plain = {n: (root / OUT / n).read_bytes() for n in BASE_FILES}
    r = run(["reconcile", "--all-scenarios", "--format", "json"], cwd=root)
    assert r.code == 0, r.out
    doc = json.loads(r.out)
    assert [(s["id"], s["solved"], len(s["written"])) for s in doc["scenarios"]] == [
        ("up", "kept", 7),
        ("cut", "warm", 7),
    ]
    assert {p.name: p.read_bytes() for p in up.iterdir()} == first  # byte-identical rerun
    r = run(["reconcile"], cwd=root)  # the plain command writes the same base files
    assert r.code == 0
    assert {n: (root / OUT / n).read_bytes() for n in BASE_FILES} == plain


def test_reconcile_scenario_usage_errors_and_dry_run(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"up": UP})
    r = run(["reconcile", "--scenario", "nope"], cwd=root)
    assert r.code == 2 and "has no scenario 'nope' (declared: up)" in r.err
    r = run(["reconcile", "--scenario", "up", "--export-mps", str(tmp_path / "m.mps")], cwd=root)
    assert r.code == 2 and "--export-mps" in r.err
    r = run(["reconcile", "--all-scenarios", "--dry-run"], cwd=root)
    assert r.code == 0 and "dry run: nothing written" in r.out
    assert not (root / OUT / "scenarios").exists()


def test_compare_reads_current_outputs_and_solves_stale_ones(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"up": UP, "cut": CUT})
    assert run(["reconcile", "--all-scenarios"], cwd=root).code == 0
    r = run(["compare", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert [(o["name"], o["source"]) for o in doc["options"]] == [
        ("base", "outputs"),
        ("up", "outputs"),
        ("cut", "outputs"),
    ]
    kpis = {k["name"]: k for k in doc["kpis"]}
    assert kpis["revenue"]["deltas"]["up"] == {"delta": 1500.0, "pct": 32.051282}
    assert kpis["revenue"]["best"] == ["up"]
    # the line is 30 hours short in February: 10 hours of B are made in January and held
    assert kpis["cost.holding"]["values"] == {"base": 0.0, "up": 0.0, "cut": 10.0}
    assert doc["findings"] == []
    written = {p: p.read_bytes() for p in (root / OUT).rglob("*") if p.is_file()}
    write_files(root, {f"{CYCLE}/scenarios/cut.yaml": CUT.replace("-30", "-40")})
    r = run(["compare", "2027-01", "cut", "--format", "json"], cwd=root)
    doc = json.loads(r.out)
    assert [(o["name"], o["source"]) for o in doc["options"]] == [
        ("base", "outputs"),
        ("cut", "solved"),
    ]
    kpis = {k["name"]: k for k in doc["kpis"]}
    assert kpis["cost.holding"]["values"] == {"base": 0.0, "cut": 20.0}  # 40 hours ahead
    assert {p: p.read_bytes() for p in (root / OUT).rglob("*") if p.is_file()} == written
    r = run(["compare", "--format", "markdown"], cwd=root)
    assert r.code == 0
    assert r.out.startswith("## Scenario comparison: cycle 2027-01")
    assert "**6,180 (+1,500, +32.1%)**" in r.out
    counts = re.compile(r"up: \d+ new, \d+ cleared; cut: \d+ new, \d+ cleared")
    assert counts.search(r.out), r.out
    r = run(["compare"], cwd=root)
    assert r.code == 0 and "Side by side" in r.out and "Line down for a week" in r.out
    assert counts.search(" ".join(r.out.split())), r.out


def test_compare_without_outputs_solves_everything_and_writes_nothing(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"up": UP})
    r = run(["compare", "base", "up", "--format", "json"], cwd=root)
    assert r.code == 0, r.out
    assert [o["source"] for o in json.loads(r.out)["options"]] == ["solved", "solved"]
    assert not (root / OUT / "reconcile_manifest.json").exists()


def test_compare_git_revisions_scenarios_as_branches(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "plan")  # the minimal example, committed on main
    cycle = "cycles/2026-12"
    git(root, "checkout", "-q", "-b", "scenario/upside")
    items = root / cycle / "inputs/items.csv"
    items.write_text(
        items.read_text().replace(
            "P-100,pumps,Compact pump,40,65", "P-100,pumps,Compact pump,40,70"
        )
    )
    git(root, "commit", "-qam", "upside: pumps at 70")
    git(root, "checkout", "-q", "main")
    r = run(["compare", "main", "scenario/upside", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["mode"] == "revisions"
    names = [(o["name"], o["kind"], len(o["commit"])) for o in doc["options"]]
    assert names == [("main", "revision", 40), ("scenario/upside", "revision", 40)]
    assert doc["options"][1]["inputs_changed"] == ["items.csv: ~1 changed (1 unchanged)"]
    rev = next(k for k in doc["kpis"] if k["name"] == "revenue")
    assert rev["deltas"]["scenario/upside"]["delta"] > 0 and rev["best"] == ["scenario/upside"]
    r = run(["compare", "scenario/upside", "--format", "markdown"], cwd=root)
    assert r.code == 0 and "## Plan comparison: cycle 2026-12" in r.out
    assert "| `scenario/upside` " not in r.out and "working tree" in r.out
    r = run(["compare", "base", "main"], cwd=root)
    assert r.code == 2 and "not both" in r.err
    r = run(["compare", "no-such-branch"], cwd=root)
    assert r.code == 2
    open_next_cycle(root)  # now the default cycle, which neither revision holds
    r = run(["compare", "main", "scenario/upside"], cwd=root)
    assert r.code == 2 and "cycle 2027-01 does not exist at main" in r.err, r
    assert "name the cycle: sopctl compare CYCLE REV REV ..." in r.err
    assert run(["compare", "2026-12", "main", "scenario/upside"], cwd=root).code == 0


def test_a_promotion_for_a_cycle_without_promotions_and_whole_workers(tmp_path: Path) -> None:
    """The cycle declares no promotions input: the added promotion makes the table. With
    --integer every scenario is a MIP, solved cold."""
    root = tiny_repo(
        tmp_path / "tiny",
        {
            "promo": scenario_yaml(
                "  - {kind: promotion, action: add, id: PX, families: [pumps], segments: [key],"
                " from: 2027-02, to: 2027-03, uplift_pct: 10}\n"
            )
        },
    )
    charter = root / "charters/tiny.yaml"
    charter.write_text(
        charter.read_text().replace(
            "  - {file: promotions.csv, table: promotions, owner: sales_lead, due: signal}\n", ""
        )
    )
    (root / CYCLE / "inputs/promotions.csv").unlink()
    r = run(["reconcile", "--all-scenarios", "--dry-run", "--format", "json"], cwd=root)
    assert r.code == 0, r.out
    (sc,) = json.loads(r.out)["scenarios"]
    assert (sc["solved"], sc["demand"]) == ("warm", "rebuilt")
    # key accounts: 3 x 50 pumps + 10 % in February and March; B keeps 60 a month (no P1)
    assert [s["demand"] for s in sc["plan"]["service"]] == [160.0, 180.0]
    r = run(
        ["reconcile", "--all-scenarios", "--dry-run", "--integer", "--format", "json"], cwd=root
    )
    (sc,) = json.loads(r.out)["scenarios"]
    assert (r.code, sc["solved"], sc["plan"]["solver"]["method"]) == (0, "cold", "mip")


def test_explain_a_scenario_solved_in_memory_then_from_its_outputs(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"up": UP, "cut": CUT})
    base = run(["explain", "LINE"], cwd=root)
    assert base.code == 0, base.out + base.err
    assert "LINE in 2027-03: load 95.0 h of 100.0 h" in base.out  # the base never binds
    solved = run(["explain", "LINE", "--scenario", "cut"], cwd=root)
    assert solved.code == 0, solved.out + solved.err
    lines = solved.out.splitlines()
    assert lines[0] == (
        "explaining a plan solved now (no outputs yet; sopctl reconcile --scenario cut writes "
        f"them) of scenario cut (cycle {CYCLE.split('/')[1]})"
    )
    # the week's 30 hours less bind February: 70 of 70 hours, and an hour more is worth 1 EUR
    assert "LINE in 2027-02: load 70.0 h of 70.0 h regular (100%)" in solved.out
    assert "1 more hour on LINE in 2027-02 saves 1.00 EUR." in solved.out
    assert not (root / OUT / "scenarios").exists()  # solved in memory, nothing written
    assert run(["reconcile", "--scenario", "cut"], cwd=root).code == 0
    written = run(["explain", "LINE", "--scenario", "cut"], cwd=root)
    assert (
        written.out.splitlines()[0] == "explaining the written plan of scenario cut (cycle 2027-01)"
    )
    assert written.out.splitlines()[1:] == lines[1:]
    # `base` is the base plan; an unknown scenario is a usage error naming the declared ones
    assert run(["explain", "LINE", "--scenario", "base"], cwd=root).out.endswith(
        base.out.split("\n", 1)[1]
    )
    bad = run(["explain", "LINE", "--scenario", "cutt"], cwd=root)
    assert bad.code == 2 and "has no scenario 'cutt' (declared: up, cut)" in bad.err


def test_explain_a_scenario_with_an_overlay_error_says_what_to_fix(tmp_path: Path) -> None:
    broken = scenario_yaml("  - {kind: capacity, resources: [OVEN], hours: -30}\n")
    root = tiny_repo(tmp_path / "tiny", {"cut": broken})
    r = run(["explain", "LINE", "--scenario", "cut"], cwd=root)
    assert r.code == 1
    assert "SOP623" in r.out and "resource 'OVEN'" in r.out
    assert "no plan to explain: fix the findings above first" in r.out
