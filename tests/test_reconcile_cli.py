"""`sopctl reconcile` and `sopctl explain` from the command line."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import run, write_files

OUT = "cycles/2026-12/outputs"
ROOT = Path(__file__).resolve().parent.parent
PLAN_FILES = (
    "supply_plan.csv",
    "capacity_plan.csv",
    "materials_plan.csv",
    "exceptions.csv",
    "finance.csv",
    "summary.json",
    "reconcile_manifest.json",
)


def _snapshot(repo: Path) -> dict[str, bytes]:
    return {n: (repo / OUT / n).read_bytes() for n in PLAN_FILES}


def test_signal_warnings_are_reported_when_the_demand_view_is_reused(repo: Path) -> None:
    pipe = repo / "cycles/2026-12/inputs/pipeline.csv"
    pipe.write_text(pipe.read_text() + "D-010,Old,P-100,standard,proposal,50,2026-09,\n")
    first = json.loads(run(["reconcile", "--format", "json"], cwd=repo).out)
    again = json.loads(run(["reconcile", "--format", "json"], cwd=repo).out)
    assert (first["demand"], again["demand"]) == ("rebuilt", "reused")
    codes = [(f["code"], f["line"], f["severity"]) for f in first["findings"]]
    assert ("SOP704", 5, "warning") in codes
    assert [(f["code"], f["line"], f["severity"]) for f in again["findings"]] == codes
    assert "SOP704" in run(["reconcile", "--dry-run"], cwd=repo).out  # and in text


def test_reconcile_writes_deterministic_outputs(repo: Path) -> None:
    r = run(["reconcile"], cwd=repo)
    assert r.code == 0, r.out + r.err
    assert "Service level per segment" in r.out and "Utilisation" in r.out
    assert "regular time" in r.out and "regular_time" not in r.out  # worded as compare has it
    first = _snapshot(repo)
    summary = json.loads(first["summary.json"])
    assert summary["status"] == "optimal"
    assert "seconds" not in json.dumps(summary["solver"])  # no clock inside result files
    r = run(["reconcile", "--format", "json"], cwd=repo)
    assert r.code == 0
    assert json.loads(r.out)["demand"] == "reused"
    assert _snapshot(repo) == first
    header = (repo / OUT / "supply_plan.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["item", "period", "demand"]
    assert {"shipped_strategic", "shipped_standard", "backlog", "lost_sales"} <= set(header)


def test_supply_plan_has_a_column_for_every_charter_segment(repo: Path) -> None:
    """A segment without demand this cycle still gets its shipped_ column (all 0), so the
    file's columns depend on the charter, not on the data."""
    charter = repo / "charters/acme.yaml"
    text = charter.read_text(encoding="utf-8")
    key = (
        "  - id: key\n    priority: 3\n    service_level_target: 0.9\n"
        "    shortage_policy: lost_sales\n    shortage_penalty: 5\npipeline:\n"
    )
    charter.write_text(text.replace("pipeline:\n", key, 1), encoding="utf-8")
    r = run(["reconcile"], cwd=repo)
    assert r.code == 0, r.out + r.err
    lines = (repo / OUT / "supply_plan.csv").read_text().splitlines()
    header = lines[0].split(",")
    shipped = [c for c in header if c.startswith("shipped_")]
    assert shipped == ["shipped_strategic", "shipped_standard", "shipped_key"]
    at = header.index("shipped_key")
    assert {line.split(",")[at] for line in lines[1:]} == {"0.0000"}


def test_dry_run_writes_nothing(repo: Path) -> None:
    r = run(["reconcile", "--dry-run"], cwd=repo)
    assert r.code == 0, r.out + r.err
    assert "dry run: nothing written" in r.out
    assert not (repo / OUT).exists()


def test_json_costs_add_up(repo: Path) -> None:
    r = run(["reconcile", "--format", "json", "--dry-run"], cwd=repo)
    doc = json.loads(r.out)
    costs = doc["plan"]["costs"]
    parts = sum(v for k, v in costs.items() if k != "total")
    assert abs(parts - costs["total"]) < 0.05
    assert abs(costs["total"] - doc["plan"]["objective"]) < 0.01


KEY = ("kind", "item", "segment", "resource", "material", "period")


def test_json_exceptions_carry_the_message_of_exceptions_csv(repo: Path) -> None:
    r = run(["reconcile", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out
    listed = json.loads(r.out)["exceptions"]
    assert listed, "the repo's plan has exceptions"
    with (repo / OUT / "exceptions.csv").open(encoding="utf-8", newline="") as fh:
        written = {tuple(x[k] for k in KEY): x["message"] for x in csv.DictReader(fh)}
    for x in listed:
        assert x["message"] == written[tuple(x[k] or "" for k in KEY)]


def test_infeasible_plan_names_the_conflict_and_writes_nothing(repo: Path) -> None:
    # an ending target no capacity can reach, with backlog cleared by the horizon end
    write_files(
        repo,
        {
            "cycles/2026-12/inputs/inventory.csv": "item,on_hand,safety_stock,ending_target\n"
            "P-100,150,60,1000000\nP-200,220,80,80\n"
        },
    )
    r = run(["reconcile"], cwd=repo)
    assert r.code == 1
    assert "No plan" in r.out and "Conflicting constraints" in r.out
    assert "ending_target[P-100]" in r.out
    assert not (repo / OUT).exists()  # not even the demand view it rebuilt for the solve
    # explain has no plan to explain either, and says why, as reconcile does
    r = run(["explain", "P-100"], cwd=repo)
    assert r.code == 1
    assert "no feasible plan: the model is infeasible" in r.out
    assert "conflicting constraint: ending_target[P-100]" in r.out
    assert "no plan to explain: fix the conflicting data above first" in r.out


def test_a_rebuilt_demand_view_is_written_and_listed_with_the_plan(repo: Path) -> None:
    r = run(["reconcile", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    written = json.loads(r.out)["written"]
    demand = [f"{OUT}/{n}" for n in ("demand_plan.csv", "demand_manifest.json")]
    assert set(demand) <= set(written) and f"{OUT}/supply_plan.csv" in written
    assert sorted(p.name for p in (repo / OUT).iterdir()) == sorted(Path(w).name for w in written)
    again = run(["reconcile", "--format", "json"], cwd=repo)  # the view is current: reused
    assert json.loads(again.out)["demand"] == "reused"
    assert not set(demand) & set(json.loads(again.out)["written"])


def test_invalid_inputs_stop_before_solving(repo: Path) -> None:
    write_files(
        repo, {"cycles/2026-12/inputs/routings.csv": "item,resource,hours_per_unit\nP-100,NOPE,1\n"}
    )
    r = run(["reconcile"], cwd=repo)
    assert r.code == 1
    assert "SOP402" in r.out
    assert not (repo / OUT).exists()


@pytest.mark.parametrize(("example", "optimum"), [("red-tomato", 422275.00), ("sailco", 78450.00)])
def test_textbook_optimum_from_the_cli(example: str, optimum: float, tmp_path: Path) -> None:
    repo = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, repo)
    r = run(["--root", str(repo), "reconcile", "--format", "json", "--dry-run"])
    assert r.code == 0, r.out + r.err
    assert round(json.loads(r.out)["plan"]["objective"], 2) == optimum
    r = run(["--root", str(repo), "reconcile", "--format", "json", "--dry-run", "--integer"])
    assert r.code == 0, r.out + r.err
    assert json.loads(r.out)["plan"]["objective"] >= optimum - 0.005


def test_explain_item_resource_and_unknown(repo: Path) -> None:
    assert run(["reconcile"], cwd=repo).code == 0
    r = run(["explain", "ASSY"], cwd=repo)
    assert r.code == 0, r.err
    assert "explaining the written plan" in r.out
    assert "ASSY in 2027-" in r.out and "regular" in r.out
    r = run(["explain", "P-100"], cwd=repo)
    assert r.code == 0 and "P-100" in r.out
    r = run(["explain", "NOPE"], cwd=repo)
    assert r.code == 2 and "'NOPE' is no item, resource or material of the plan" in r.err
    r = run(["explain", "p-100"], cwd=repo)  # another case reads as the id, as in a CSV
    assert r.code == 0 and "reading 'p-100' as P-100" in r.err and "P-100" in r.out
    for period in ("2030-01", "2027-13", "junk"):  # not a period of the plan: exit 2, no story
        r = run(["explain", "ASSY", "--period", period], cwd=repo)
        assert r.code == 2 and f"period '{period}' is not in the plan" in r.err, r.err
        assert "(periods 2027-01..2027-06)" in r.err and r.out == ""


@pytest.mark.parametrize(
    ("period", "said", "hint"),
    [
        ("2027-W05", "it is an ISO week", "this charter plans in months: write 2027-02 "),
        ("2027-13", "it is not a valid period", "use a month written YYYY-MM"),
    ],
)
def test_explain_says_what_is_wrong_with_a_misspelt_period(
    repo: Path, period: str, said: str, hint: str
) -> None:
    r = run(["explain", "ASSY", "--period", period], cwd=repo)
    assert r.code == 2 and r.out == "", r.out + r.err
    head = f"period '{period}' is not in the plan of cycle 2026-12 (periods 2027-01..2027-06)"
    assert f"{head}: {said}\n" in r.err and f"hint: {hint}" in r.err, r.err


def test_explain_solves_in_memory_when_outputs_are_stale(repo: Path) -> None:
    r = run(["explain", "ASSY"], cwd=repo)
    assert r.code == 0, r.out + r.err
    assert "a plan solved now (no outputs yet; sopctl reconcile writes them)" in r.out
    assert not (repo / OUT).exists()
    assert run(["reconcile"], cwd=repo).code == 0
    inv = repo / "cycles/2026-12/inputs/inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,151,"))
    r = run(["explain", "ASSY"], cwd=repo)
    assert r.code == 0 and "a plan solved now (the outputs are stale)" in r.out


def test_export_mps_writes_the_cost_lp(repo: Path, tmp_path: Path) -> None:
    import highspy

    mps = tmp_path / "plan.mps"
    r = run(["reconcile", "--dry-run", "--export-mps", str(mps), "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(mps))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    r = run(["reconcile", "--dry-run", "--export-mps", str(tmp_path / "no" / "x.mps")], cwd=repo)
    assert r.code == 2 and "does not exist" in r.err


def test_heat_table_shows_the_busiest_resources_and_names_the_rest() -> None:
    import polars as pl
    from rich.console import Console

    from sopctl.cli.plan_view import HEAT_COLUMNS, _utilisation

    n = HEAT_COLUMNS + 3
    cap = pl.DataFrame(
        {
            "resource": [f"R{i:02d}" for i in range(n) for _ in range(2)],
            "period": ["2027-01", "2027-02"] * n,
            # R00 peaks at 0.50, R01 at 0.55 ... R10 at 1.00: the three least busy are R00-R02
            "utilisation": [u for i in range(n) for u in (0.1, 0.5 + 0.05 * i)],
        }
    ).with_columns(load=pl.col("utilisation") * 100)
    console = Console(record=True, width=200)
    _utilisation(console, cap)
    text = " ".join(console.export_text().split())  # the title wraps at the table's width
    assert f"the {HEAT_COLUMNS} busiest of {n} resources" in text
    assert "R03" in text and "R10" in text and "R02" not in text
    assert "3 more resources peak at 60% or less" in text
    assert "OT only" not in text


def test_heat_table_marks_a_period_on_overtime_only_and_ranks_it_busiest() -> None:
    """A period with load and no regular hours (a maintenance month entered as 0 hours, its
    overtime kept) has no utilisation: its cell says "OT only", never blank or 0, and its
    resource counts as the busiest, shown before any other."""
    import polars as pl
    from rich.console import Console

    from sopctl.cli.plan_view import HEAT_COLUMNS, _utilisation

    n = HEAT_COLUMNS + 1
    names = [f"R{i:02d}" for i in range(n)]
    cap = pl.DataFrame(
        {
            "resource": [r for r in names for _ in range(2)],
            "period": ["2027-01", "2027-02"] * n,
            # R00 is the least busy by share (0.30) but works 10 h in February on overtime
            # only; R08 peaks at 1.10; R01-R07 at 0.5 ... 0.8; none has hours and no load
            "utilisation": [
                u for i in range(n) for u in ((0.3, None) if i == 0 else (0.2, 0.4 + 0.05 * i))
            ],
            "load": [x for i in range(n) for x in ((30.0, 10.0) if i == 0 else (20.0, 50.0))],
        },
        schema_overrides={"utilisation": pl.Float64},
    )
    console = Console(record=True, width=240)
    _utilisation(console, cap)
    lines = console.export_text().splitlines()
    row = next(line for line in lines if line.startswith("│ 2027-02"))
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[1] == "OT only"  # R00, first by name among the shown
    assert "R01" not in " ".join(lines)  # the least busy of the others makes room for R00
    assert "OT only: load on overtime only (no regular hours)" in lines
    # the columns stay aligned: every row as wide as the header
    widths = {len(line) for line in lines if line.startswith(("┃", "│"))}
    assert len(widths) == 1


def test_plan_is_the_same_whether_the_demand_view_is_rebuilt_or_reused(tmp_path: Path) -> None:
    from sopctl.demand import run_demand
    from sopctl.plan import run_reconcile

    repo = tmp_path / "demo"  # the embedded demo: its demand has more than 4 decimals
    for sub in ("charters", "cycles"):
        shutil.copytree(ROOT / sub, repo / sub, ignore=shutil.ignore_patterns("outputs"))
    rebuilt = run_reconcile(repo, dry_run=True)  # demand built in memory, nothing written
    assert rebuilt.ok and rebuilt.demand_source == "rebuilt"
    assert run_demand(repo).ok  # demand_plan.csv on disk: the next run reuses it
    reused = run_reconcile(repo, dry_run=True)
    assert reused.ok and reused.demand_source == "reused"
    assert rebuilt.files == reused.files


def test_explain_reads_a_resource_without_regular_hours_from_the_written_plan(
    tmp_path: Path,
) -> None:
    """Sailco's yard with 0 regular hours (overtime only): its utilisation column is empty in
    every row of capacity_plan.csv, and explain still reads it as numbers."""
    import shutil

    root = tmp_path / "sailco"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "sailco", root)
    res = root / "cycles/2026-12/inputs/resources.csv"
    text = res.read_text()
    assert "(1 hour = 1 boat),40,400,450,200," in text  # hours 40, overtime limit 200
    res.write_text(
        text.replace("(1 hour = 1 boat),40,400,450,200,", "(1 hour = 1 boat),0,400,450,500,")
    )
    assert run(["reconcile"], cwd=root).code == 0
    r = run(["explain", "yard"], cwd=root)
    assert r.code == 0, r.out + r.err
    assert "explaining the written plan" in r.out and "(no regular hours)" in r.out
