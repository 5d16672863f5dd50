"""Each overlay kind on the hand-checkable repository (tests/test_scenario_repo.py), the empty
scenario against the base, and the in-place warm start against a cold rebuild."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from sopctl.scenarios.run import ScenarioResult, ScenarioRun, run_scenarios
from tests.helpers import write_files
from tests.test_scenario_repo import CYCLE, scenario_yaml, tiny_repo

S = {
    "empty": "",
    "demand_factor": "  - {kind: demand, items: [A], segments: [key], from: 2027-02, to: 2027-03,"
    " factor: 1.5}\n",
    "demand_units": "  - {kind: demand, items: [B], segments: [spot], from: 2027-01, to: 2027-01,"
    " units: 10}\n",
    "new_pair": "  - {kind: demand, items: [A], segments: [spot], from: 2027-02, to: 2027-02,"
    " units: 5}\n",
    "capacity_cut": "  - {kind: capacity, resources: [LINE], from: 2027-02, to: 2027-02,"
    " hours: -30}\n",
    "capacity_half": "  - {kind: capacity, resources: [LINE], to: 2027-01, factor: 0.5}\n",
    "shift": "  - {kind: shift, resources: [LINE], from: 2027-02, hours: 40}\n",
    "no_layoffs": "  - {kind: workforce, policy: no_layoffs}\n",
    "crew_short": "  - {kind: capacity, resources: [CREW], hours: -90}\n",
    "crew_short_freeze": "  - {kind: capacity, resources: [CREW], hours: -90}\n"
    "  - {kind: workforce, resources: [CREW], policy: hiring_freeze}\n",
    # an agreement for January only: the crew is cut a month later
    "no_layoffs_jan": "  - {kind: workforce, policy: no_layoffs, from: 2027-01, to: 2027-01}\n",
    # a January freeze: January makes 40 pumps with the 2 workers there are, the rest is hired
    # in February
    "crew_short_freeze_jan": "  - {kind: capacity, resources: [CREW], hours: -90}\n"
    "  - {kind: workforce, resources: [CREW], policy: hiring_freeze, to: 2027-01}\n",
    # a range after a whole-horizon capacity change keeps the changed hours in its rows
    "crew_short_then_no_layoffs_feb": "  - {kind: capacity, resources: [CREW], hours: -90}\n"
    "  - {kind: workforce, policy: no_layoffs, from: 2027-02}\n",
    # a capacity change on a period with a limit row keeps the limit
    "no_layoffs_jan_more_hours": "  - {kind: workforce, policy: no_layoffs, to: 2027-01}\n"
    "  - {kind: capacity, resources: [CREW], to: 2027-01, factor: 1.1}\n",
    "supplier_half": "  - {kind: supplier, materials: [M], capacity_factor: 0.5}\n",
    "supplier_late": "  - {kind: supplier, suppliers: [Acme Metals], delay: 1}\n",
    "supplier_march": "  - {kind: supplier, materials: [M], from: 2027-03, to: 2027-03,"
    " capacity_factor: 0.3}\n",
    "supplier_from_feb": "  - {kind: supplier, suppliers: [Acme Metals], from: 2027-02,"
    " capacity_units: -40}\n",
    # a period row first, then the whole horizon: the row is changed too (they compound)
    "supplier_march_then_half": "  - {kind: supplier, materials: [M], from: 2027-03,"
    " capacity_factor: 0.3}\n  - {kind: supplier, materials: [M], capacity_factor: 0.5}\n",
    "price_up": "  - {kind: price, families: [pumps], factor: 1.5}\n",
    "price_key": "  - {kind: price, items: [A], segments: [key], change: 2}\n",
    "price_from_feb": "  - {kind: price, families: [pumps], from: 2027-02, factor: 1.5}\n",
    "price_key_march": "  - {kind: price, items: [A], segments: [key], from: 2027-03,"
    " to: 2027-03, change: 2}\n",
    # a range, then the whole horizon: the period rows are changed too (they compound)
    "price_feb_then_all": "  - {kind: price, items: [A], from: 2027-02, factor: 1.5}\n"
    "  - {kind: price, families: [pumps], factor: 2}\n",
    "cost_item": "  - {kind: cost, items: [A], change: 1}\n",
    "cost_material": "  - {kind: cost, materials: [M], change: 1}\n",
    # B costs 6 to make from February: 40 of February's B are made in January's spare hours
    "cost_b_from_feb": "  - {kind: cost, items: [B], from: 2027-02, change: 1}\n",
    # M at 3 in March: March's 50 are received in February (holding 50 x 0.02)
    "cost_material_march": "  - {kind: cost, materials: [M], from: 2027-03, to: 2027-03,"
    " factor: 1.5}\n",
    # a March row, then the whole horizon: M at 3, 3, 4 (the row is changed too)
    "cost_material_then_all": "  - {kind: cost, materials: [M], from: 2027-03, to: 2027-03,"
    " change: 1}\n  - {kind: cost, materials: [M], change: 1}\n",
    # LINE's hour costs 2 in February (0 otherwise): 40 of February's B move into January
    "cost_line_feb": "  - {kind: cost, resources: [LINE], from: 2027-02, to: 2027-02, change: 2}\n",
    "promo_removed": "  - {kind: promotion, action: remove, id: P1}\n",
    "promo_added": "  - {kind: promotion, action: add, id: PX, items: [A], segments: [key],"
    " from: 2027-01, to: 2027-02, uplift_units: 10}\n",
    # ranges partly outside the horizon (2027-01..03) apply to the part inside
    "demand_clipped": "  - {kind: demand, items: [B], segments: [spot], from: 2026-10, to: 2027-02,"
    " units: 10}\n",
    "promo_clipped": "  - {kind: promotion, action: add, id: PY, items: [A], segments: [key],"
    " from: 2026-11, to: 2027-01, uplift_units: 10}\n  - {kind: promotion, action: add, id: PZ,"
    " items: [A], segments: [key], from: 2027-03, to: 2027-06, uplift_units: 5}\n",
}
IDS = {"item": pl.String, "resource": pl.String, "material": pl.String, "period": pl.String}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScenarioRun, ScenarioRun]:
    root = tiny_repo(
        tmp_path_factory.mktemp("overlays") / "tiny",
        {sid: scenario_yaml(text) for sid, text in S.items()},
    )
    warm = run_scenarios(root, None, [], every=True, dry_run=True)
    cold = run_scenarios(root, None, [], every=True, dry_run=True, warm=False)
    return warm, cold


def one(run: ScenarioRun, sid: str) -> ScenarioResult:
    res = next(s for s in run.scenarios if s.id == sid)
    assert res.ok, (sid, [str(f) for f in res.report], res.result and res.result.status)
    return res


def frame(res: ScenarioResult, name: str, key: str, value: str, col: str) -> list[float]:
    df = pl.read_csv(io.BytesIO(res.files[name]), schema_overrides=IDS)
    return df.filter(pl.col(key) == value)[col].to_list()


def summary(res: ScenarioResult) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(res.files["summary.json"])
    return doc


def crew(sid: str, col: str, values: list[float]) -> tuple[Any, ...]:
    """A CASES row about the CREW labour pool in capacity_plan.csv, solved warm."""
    return (sid, "capacity_plan.csv", "resource", "CREW", col, values, "warm")


# (scenario, file, key column, key, value column, expected per period, how it is solved)
CASES = [
    ("demand_factor", "supply_plan.csv", "item", "A", "demand", [50, 75, 75], "warm"),
    ("demand_units", "supply_plan.csv", "item", "B", "demand", [70, 60, 90], "warm"),
    ("new_pair", "supply_plan.csv", "item", "A", "demand", [50, 55, 50], "cold"),
    ("capacity_cut", "capacity_plan.csv", "resource", "LINE", "available", [100, 70, 100], "warm"),
    ("capacity_half", "capacity_plan.csv", "resource", "LINE", "available", [50, 100, 100], "warm"),
    # the base plan stays optimal (LINE never binds): kept, no solve
    ("shift", "capacity_plan.csv", "resource", "LINE", "available", [100, 140, 140], "kept"),
    crew("no_layoffs", "layoffs", [0, 0, 0]),
    crew("no_layoffs", "workforce", [2, 2, 2]),
    crew("no_layoffs_jan", "layoffs", [0, 1.75, 0]),
    crew("no_layoffs_jan", "workforce", [2, 0.25, 0.25]),
    crew("crew_short_freeze_jan", "hires", [0, 1, 0]),
    crew("no_layoffs_jan_more_hours", "layoffs", [0, 1.75, 0]),
    crew("no_layoffs_jan_more_hours", "available", [220, 25, 25]),
    ("crew_short_freeze_jan", "supply_plan.csv", "item", "A", "production", [40, 60, 50], "warm"),
    crew("crew_short_then_no_layoffs_feb", "available", [25, 25, 25]),
    # 10 hours per worker: 25 hours need 2.5 workers, so half a worker is hired in January
    crew("crew_short", "hires", [0.5, 0, 0]),
    crew("crew_short", "available", [25, 25, 25]),
    # ... which the freeze forbids: 2 workers x 10 hours make 40 pumps a month
    crew("crew_short_freeze", "hires", [0, 0, 0]),
    ("crew_short_freeze", "supply_plan.csv", "item", "A", "production", [40, 40, 40], "warm"),
    (
        "supplier_half",  # the 50 a month the base buys: kept
        "materials_plan.csv",
        "material",
        "M",
        "supplier_capacity",
        [0, 50, 50],
        "kept",
    ),
    (
        "supplier_late",
        "materials_plan.csv",
        "material",
        "M",
        "supplier_capacity",
        [0, 0, 100],
        "warm",
    ),
    ("supplier_late", "materials_plan.csv", "material", "M", "open_orders", [0, 50, 0], "warm"),
    (
        "supplier_march",
        "materials_plan.csv",
        "material",
        "M",
        "supplier_capacity",
        [0, 100, 30],
        "warm",
    ),
    (
        "supplier_from_feb",  # 60 is more than the 50 the base buys: kept
        "materials_plan.csv",
        "material",
        "M",
        "supplier_capacity",
        [0, 60, 60],
        "kept",
    ),
    (
        "supplier_march_then_half",
        "materials_plan.csv",
        "material",
        "M",
        "supplier_capacity",
        [0, 50, 15],
        "warm",
    ),
    ("cost_b_from_feb", "supply_plan.csv", "item", "B", "production", [100, 20, 90], "warm"),
    ("cost_material_march", "materials_plan.csv", "material", "M", "receipts", [0, 100, 0], "warm"),
    (
        "cost_material_then_all",
        "materials_plan.csv",
        "material",
        "M",
        "receipts",
        [0, 100, 0],
        "warm",
    ),
    ("cost_line_feb", "supply_plan.csv", "item", "B", "production", [100, 20, 90], "warm"),
    ("cost_line_feb", "capacity_plan.csv", "resource", "LINE", "load", [100, 60, 95], "warm"),
    ("promo_removed", "supply_plan.csv", "item", "B", "demand", [60, 60, 60], "warm"),
    ("promo_added", "supply_plan.csv", "item", "A", "demand", [60, 60, 50], "warm"),
    ("demand_clipped", "supply_plan.csv", "item", "B", "demand", [70, 70, 90], "warm"),
    ("promo_clipped", "supply_plan.csv", "item", "A", "demand", [60, 50, 55], "warm"),
]


@pytest.mark.parametrize(("sid", "name", "key", "value", "col", "expected", "how"), CASES)
def test_overlay_changes_what_it_says(
    runs: tuple[ScenarioRun, ScenarioRun],
    sid: str,
    name: str,
    key: str,
    value: str,
    col: str,
    expected: list[float],
    how: str,
) -> None:
    res = one(runs[0], sid)
    assert frame(res, name, key, value, col) == pytest.approx(expected, abs=1e-6)
    assert res.solved == how


# (scenario, revenue, cost of goods, plan cost): prices and costs, worked out by hand
MONEY = [
    ("price_up", 4680 + 150 * 10, 2550, 2612.5),  # A at 30 instead of 20
    ("price_key", 4680 + 150 * 2, 2550, 2612.5),  # A at 22 for key accounts
    ("price_from_feb", 4680 + 100 * 10, 2550, 2612.5),  # A at 30 from February: 100 units
    ("price_key_march", 4680 + 50 * 2, 2550, 2612.5),  # A at 22 for key accounts in March
    # A at 40 in January (20 x 2), 60 in February and March (20 x 1.5 x 2): 2000 + 6000
    ("price_feb_then_all", 4680 - 3000 + 8000, 2550, 2612.5),
    ("cost_item", 4680, 2550 + 150, 2612.5 + 150),  # A costs 11 to make
    ("cost_material", 4680, 2550 + 150, 2612.5 + 100),  # M at 3: A's unit cost 11; 100 bought
    # B made at 5 (100 in January), 6 (20 in February), 6 (90 in March); 40 held a month at
    # 0.5; COGS at each period's standard cost: 60 x 5, 60 x 6, 90 x 6 for B
    ("cost_b_from_feb", 4680, 2550 + 60 + 90, 2612.5 + 110 + 20),
    # A's standard cost 11 in March (COGS + 50); 100 of M bought in February at 2, held 0.02
    ("cost_material_march", 4680, 2550 + 50, 2612.5 + 1),
    # M at 3, 3, 4: A at 11, 11, 12 (COGS + 200); 100 bought in February at 3, held 50 x 0.03
    ("cost_material_then_all", 4680, 2550 + 200, 2612.5 + 100 + 1.5),
    # February's 60 LINE hours at 2; 40 B held a month at 0.5
    ("cost_line_feb", 4680, 2550, 2612.5 + 120 + 20),
]


@pytest.mark.parametrize(("sid", "revenue", "cogs", "cost"), MONEY)
def test_price_and_cost_overlays_by_hand(
    runs: tuple[ScenarioRun, ScenarioRun], sid: str, revenue: float, cogs: float, cost: float
) -> None:
    doc = summary(one(runs[0], sid))
    assert doc["finance"]["revenue"] == pytest.approx(revenue)
    assert doc["finance"]["cogs"] == pytest.approx(cogs)
    assert doc["costs"]["total"] == pytest.approx(cost)


def test_the_empty_scenario_is_the_base_byte_for_byte(
    runs: tuple[ScenarioRun, ScenarioRun],
) -> None:
    for run in runs:
        base, empty = run.base, one(run, "empty")
        assert sorted(empty.files) == sorted(base.files)
        for name, data in base.files.items():
            if name != "summary.json":
                assert empty.files[name] == data, name
        doc = summary(empty)
        assert doc.pop("scenario")["overlays"] == []
        assert doc == json.loads(base.files["summary.json"])
    assert one(runs[0], "empty").solved == "unchanged"


# Scenarios whose optimal plan is unique but whose shadow prices are not (a degenerate vertex:
# one more CREW hour is worth 1 EUR in one month or another, or a supplier limit binds at a
# price of 0 or 0.02): the warm and the cold solve may name different prices, so the files
# built from them (exceptions, capacity shadow prices) may differ; the plan itself may not.
DUAL_DEGENERATE = {
    "crew_short",
    "crew_short_then_no_layoffs_feb",
    "supplier_half",
    "cost_item",
    "cost_material",
    "cost_material_then_all",
}
PRIMAL_FILES = ("supply_plan.csv", "materials_plan.csv", "finance.csv")


def test_warm_start_in_place_equals_a_cold_rebuild(
    runs: tuple[ScenarioRun, ScenarioRun],
) -> None:
    warm, cold = runs
    assert warm.base.files == cold.base.files
    for w, c in zip(warm.scenarios, cold.scenarios, strict=True):
        assert w.id == c.id and c.solved == "cold"
        assert w.ok and c.ok, w.id
        assert w.result is not None and c.result is not None
        ow, oc = w.result.objective or 0.0, c.result.objective or 0.0
        assert abs(ow - oc) <= 1e-6 * max(1.0, abs(oc)), w.id
        if w.id not in DUAL_DEGENERATE:  # a unique optimum: the same files, byte for byte
            assert w.files == c.files, w.id
            continue
        for name in PRIMAL_FILES:
            assert w.files[name] == c.files[name], (w.id, name)
        cap_w, cap_c = (
            pl.read_csv(io.BytesIO(r.files["capacity_plan.csv"])).drop("shadow_price")
            for r in (w, c)
        )
        assert cap_w.equals(cap_c), w.id


def test_priority_stages_run_on_the_warm_instance_and_are_undone(
    runs: tuple[ScenarioRun, ScenarioRun],
) -> None:
    """capacity_half shorts the key accounts in January (stages run); the scenarios solved
    after it still match their cold rebuilds (checked above) and run a single LP."""
    res = one(runs[0], "capacity_half")
    assert res.result is not None and res.result.solver.runs > 1
    late = one(runs[0], "price_key")
    assert late.result is not None and late.result.solver.runs == 1


def test_a_supplier_range_on_materials_without_a_capacity_column(tmp_path: Path) -> None:
    """materials.csv may leave out `capacity` (every supplier unlimited): a supplier overlay
    with a period range then changes nothing and says so (SOP629), and the plan is the base's."""
    root = tiny_repo(
        tmp_path / "tiny",
        {
            "short": scenario_yaml(
                "  - {kind: supplier, materials: [M], from: 2027-02, capacity_factor: 0.5}\n"
            )
        },
    )
    write_files(
        root,
        {
            f"{CYCLE}/inputs/materials.csv": "material,supplier,unit_cost,lead_time,on_hand\n"
            "M,Acme Metals,2,1,0\n"
        },
    )
    run_ = run_scenarios(root, None, ["short"], dry_run=True)
    res = one(run_, "short")
    assert [f.code for f in res.report] == ["SOP629"]
    assert summary(res)["objective"] == pytest.approx(run_.base.result.objective)


def test_removing_a_promotion_twice_says_the_second_changes_nothing(tmp_path: Path) -> None:
    root = tiny_repo(
        tmp_path / "tiny",
        {"twice": scenario_yaml(S["promo_removed"] + S["promo_removed"])},
    )
    run_ = run_scenarios(root, None, ["twice"], dry_run=True)
    res = one(run_, "twice")
    assert [(f.code, f.line) for f in res.report] == [("SOP629", 5)]
    assert "promotion P1 is removed already" in res.report.findings[0].message
