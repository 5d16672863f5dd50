"""Unit costs that change over the horizon (period_costs.csv, material_period_costs.csv), by
hand on the tiny repository of the scenario tests (its base plan is worked out there:
total 2,612.50, COGS 2,550).
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from sopctl.plan import ReconcileRun, run_reconcile
from tests.helpers import write_files
from tests.test_scenario_repo import CHARTER, CYCLE, tiny_repo

TABLES = {
    "period_costs": "item,period,unit_cost",
    "material_period_costs": "material,period,unit_cost",
    "capacity": "resource,period,hours,regular_cost",
}
RESOURCES = (  # the tiny repository's, with LINE costed at 1 an hour
    "resource,kind,hours,regular_cost,overtime_cost,overtime_limit,workforce,"
    "hours_per_worker,hire_cost,layoff_cost\nLINE,fixed,100,1,,,,,,\nCREW,labour,,1,,,2,100,50,50\n"
)


def costed_repo(root: Path, rows: dict[str, str], scenarios: dict[str, str] | None = None) -> Path:
    tiny_repo(root, scenarios)
    decl = "".join(
        f"  - {{file: {t}.csv, table: {t}, owner: ops_lead, due: reconcile}}\n" for t in TABLES
    )
    write_files(root, {"charters/tiny.yaml": CHARTER.replace("inputs:\n", "inputs:\n" + decl)})
    write_files(
        root,
        {f"{CYCLE}/inputs/{t}.csv": f"{head}\n{rows.get(t, '')}" for t, head in TABLES.items()},
    )
    return root


def solved(root: Path) -> ReconcileRun:
    run = run_reconcile(root, None, dry_run=True)
    assert run.result is not None and run.result.ok, [str(f) for f in run.report]
    return run


def column(run: ReconcileRun, name: str, col: str, **where: str) -> list[float]:
    df = pl.read_csv(io.BytesIO(run.files[name]), infer_schema_length=0)
    for k, v in where.items():
        df = df.filter(pl.col(k) == v)
    return [float(x) for x in df[col].to_list()]


def test_a_material_price_rise_is_bought_ahead_and_rolls_into_the_item_cost(
    tmp_path: Path,
) -> None:
    # M costs 3 from March (2 before). March's 50 are received in February instead, when the
    # supplier (100 a month) has room: 50 x (3 - 2) saved against one month of material
    # holding, 50 x 2 x 0.12 / 12 = 1.00. Total 2,612.50 + 1.00.
    root = costed_repo(tmp_path / "tiny", {"material_period_costs": "M,2027-03,3\n"})
    run = solved(root)
    assert run.result is not None
    assert run.result.objective == pytest.approx(2613.5)
    assert column(run, "materials_plan.csv", "receipts") == [0, 100, 0]
    assert run.result.costs["materials"] == pytest.approx(200)
    assert run.result.costs["material_holding"] == pytest.approx(1.0)
    # A's standard cost is 10 + 1 x (3 - 2) = 11 in March: COGS 50 x 10 + 60 x 5 = 800,
    # 800, 50 x 11 + 90 x 5 = 1,000; production (conversion) stays 8 a unit
    assert column(run, "finance.csv", "cogs") == [800, 800, 1000]
    assert run.result.costs["production"] == pytest.approx(2250)
    # purchases at each period's price: the open order 50 x 2, then 100 x 2, then nothing
    assert column(run, "finance.csv", "material_purchases") == [100, 200, 0]
    assert column(run, "finance.csv", "material_inventory_value") == [0, 100, 0]


def test_an_item_period_cost_moves_production_into_the_cheaper_month(tmp_path: Path) -> None:
    # B costs 6 to make in February (5 otherwise). January's line has 20 hours spare (80 of
    # 100): 40 of February's 60 B are made in January (saving 1 a unit, holding 0.5 a unit).
    # Production 2,250 + 20 x (6 - 5) = 2,270, holding 40 x 0.5 = 20: total 2,652.50.
    root = costed_repo(tmp_path / "tiny", {"period_costs": "B,2027-02,6\n"})
    run = solved(root)
    assert run.result is not None
    assert run.result.objective == pytest.approx(2652.5)
    assert column(run, "supply_plan.csv", "production", item="B") == [100, 20, 90]
    assert run.result.costs["production"] == pytest.approx(2270)
    assert run.result.costs["holding"] == pytest.approx(20)
    # COGS at each period's standard cost: February's 60 shipped B at 6
    assert column(run, "finance.csv", "cogs") == [800, 860, 950]
    # stock is valued at the period's cost: 40 B at 5 at the end of January
    assert column(run, "finance.csv", "inventory_value") == [200, 0, 0]


def test_an_explicit_item_cost_wins_over_the_material_roll(tmp_path: Path) -> None:
    # M at 3 from March would make A 11 in March; A's own March row says 12
    root = costed_repo(
        tmp_path / "tiny",
        {"material_period_costs": "M,2027-03,3\n", "period_costs": "A,2027-03,12\n"},
    )
    run = solved(root)
    assert column(run, "finance.csv", "cogs") == [800, 800, 50 * 12 + 90 * 5]
    assert run.result is not None
    # the conversion part in March is 12 - 3 = 9 instead of 8: + 50
    assert run.result.costs["production"] == pytest.approx(2300)


def test_the_report_values_stock_as_finance_does(tmp_path: Path) -> None:
    from sopctl.report.gather import inventory
    from sopctl.report.source import PlanSource

    # B costs 4 in January: 40 of February's B are made then and held at January's cost
    root = costed_repo(tmp_path / "tiny", {"period_costs": "B,2027-01,4\n"})
    run = solved(root)
    assert column(run, "finance.csv", "inventory_value") == [160, 0, 0]
    src = PlanSource(run.ws, run.files, [], "", "solved", run.report)
    supply = pl.read_csv(io.BytesIO(run.files["supply_plan.csv"]), infer_schema_length=0)
    supply = supply.with_columns(pl.exclude("item", "period").cast(pl.Float64))
    assert inventory(src, supply).value == column(run, "finance.csv", "inventory_value")


def test_a_material_overlay_rolls_into_the_items_own_period_rows(tmp_path: Path) -> None:
    # A has its own March row (12). M +1 in March must make that row 13, as if the planner had
    # written both rows by hand; left at 12, A's conversion part would drop by 1 in March.
    from sopctl.scenarios.run import run_scenarios
    from tests.test_scenario_repo import scenario_yaml

    up = "  - {kind: cost, materials: [M], from: 2027-03, to: 2027-03, change: 1}\n"
    root = costed_repo(
        tmp_path / "tiny", {"period_costs": "A,2027-03,12\n"}, {"up": scenario_yaml(up)}
    )
    (sc,) = run_scenarios(root, None, ["up"], dry_run=True).scenarios
    by_hand = solved(
        costed_repo(
            tmp_path / "hand",
            {"period_costs": "A,2027-03,13\n", "material_period_costs": "M,2027-03,3\n"},
        )
    )
    unrolled = solved(
        costed_repo(
            tmp_path / "unrolled",
            {"period_costs": "A,2027-03,12\n", "material_period_costs": "M,2027-03,3\n"},
        )
    )
    assert sc.result is not None and by_hand.result is not None and unrolled.result is not None
    assert sc.result.objective == pytest.approx(by_hand.result.objective, abs=1e-6)
    assert unrolled.result.objective < by_hand.result.objective - 1  # the roll matters
    for name in ("supply_plan.csv", "materials_plan.csv", "finance.csv"):
        assert sc.files[name] == by_hand.files[name], name


def test_a_dearer_hour_in_february_moves_work_into_january(tmp_path: Path) -> None:
    # LINE costs 1 an hour, 3 in February (a capacity row). Base with 1 throughout: LINE
    # 80 + 80 + 95 hours = 255 more than the worked-out 2,612.50. With February at 3, 40 of
    # February's B (0.5 hour each) move into January's 20 spare hours: 40 x 0.5 x 2 saved
    # against 40 x 0.5 holding. LINE: 100 x 1 + 60 x 3 + 95 x 1 = 375; total 2,612.50 + 375
    # + 20. (A cannot move: January's M is the open order's 50.)
    flat = costed_repo(tmp_path / "flat", {})
    write_files(flat, {f"{CYCLE}/inputs/resources.csv": RESOURCES})
    assert solved(flat).result.objective == pytest.approx(2612.5 + 255)  # type: ignore[union-attr]
    root = costed_repo(tmp_path / "tiny", {"capacity": "LINE,2027-02,100,3\n"})
    write_files(root, {f"{CYCLE}/inputs/resources.csv": RESOURCES})
    run = solved(root)
    assert run.result is not None
    assert run.result.objective == pytest.approx(2612.5 + 375 + 20)
    assert column(run, "supply_plan.csv", "production", item="B") == [100, 20, 90]
    assert run.result.costs["regular_time"] == pytest.approx(375 + 75)


def test_a_wage_overlay_over_the_horizon_changes_the_period_rows_too(tmp_path: Path) -> None:
    # LINE at 1 an hour, 3 in February; "LINE costs twice as much" must give 2 and 6, as if
    # written by hand (left at 3, February would look cheaper than it is)
    from sopctl.scenarios.run import run_scenarios
    from tests.test_scenario_repo import scenario_yaml

    twice = scenario_yaml("  - {kind: cost, resources: [LINE], factor: 2}\n")
    root = costed_repo(tmp_path / "tiny", {"capacity": "LINE,2027-02,100,3\n"}, {"up": twice})
    write_files(root, {f"{CYCLE}/inputs/resources.csv": RESOURCES})
    (sc,) = run_scenarios(root, None, ["up"], dry_run=True).scenarios
    hand = costed_repo(tmp_path / "hand", {"capacity": "LINE,2027-02,100,6\n"})
    write_files(hand, {f"{CYCLE}/inputs/resources.csv": RESOURCES.replace("100,1,", "100,2,")})
    by_hand = solved(hand)
    assert sc.result is not None and by_hand.result is not None
    assert sc.result.objective == pytest.approx(by_hand.result.objective, abs=1e-6)
    for name in ("supply_plan.csv", "capacity_plan.csv", "finance.csv"):
        assert sc.files[name] == by_hand.files[name], name
