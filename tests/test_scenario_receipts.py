"""The `receipts` overlay: scheduled receipts of items arriving later or short, by hand.

The tiny repository (tests/test_scenario_repo.py) with the valve B on a lead time of one month
and two scheduled receipts of it: PO-9 brings 60 in January, PO-10 30 in March. B sells 60,
60 and 90 (spot: lost sales at 5 EUR a unit, besides the 8 EUR of revenue lost), costs 5 to
make and needs 0.5 hour of LINE. Production started in a month arrives the month after, so
January is served from PO-9 alone, and production started in March would arrive after the
horizon.

Base plan by hand: January ships PO-9's 60; February's 60 are started in January; March's 90
are PO-10's 30 and 60 started in February. B: production 60, 60, 0. The receipts cost the
plan nothing, so the plan costs the tiny base's 2,612.50 less 90 x 5 = 2,162.50. A and the
crew are planned as in the tiny base.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

from sopctl.plan import run_reconcile
from sopctl.scenarios.run import ScenarioResult, ScenarioRun, run_scenarios
from tests.helpers import git, run, write_files
from tests.test_scenario_repo import CHARTER, CYCLE, INPUTS, scenario_yaml, tiny_repo

RECEIPTS = "order_id,item,period,quantity\nPO-9,B,2027-01,60\nPO-10,B,2027-03,30\n"
DECL = "  - {file: receipts.csv, table: scheduled_receipts, owner: ops_lead, due: reconcile}\n"
FILE = f"{CYCLE}/inputs/receipts.csv"
BASE_COST = 2162.5

S = {
    # PO-9 two months late: nothing can serve January (60 lost: 60 x (5 + 8) = 780); March
    # gets 60 + 30 from the receipts, so only February's 60 are made (started in January):
    # production 300 less. 2,162.50 - 300 + 780 = 2,642.50.
    "late": "  - {kind: receipts, items: [B], from: 2027-01, to: 2027-01, delay: 2}\n",
    # PO-10 half delivered: 15 arrive in March, 75 are started in February (+15 x 5 = 75).
    "half": "  - {kind: receipts, families: [valves], from: 2027-03, factor: 0.5}\n",
    # Every receipt a month late: PO-9 serves February, PO-10 would arrive in April and is
    # dropped (SOP632). January's 60 are lost (+780); March's 90 are started in February:
    # production 90 instead of 120 (-150). 2,162.50 - 150 + 780 = 2,792.50.
    "all_late": "  - {kind: receipts, delay: 1}\n",
    # PO-9 a month late and half delivered: 30 ship in February with 30 started in January;
    # March's 90 are PO-10's 30 and 60 started in February. January lost (+780); production
    # 90 instead of 120 (-150): 2,792.50.
    "late_half": "  - {kind: receipts, items: [B], to: 2027-01, delay: 1, factor: 0.5}\n",
}
# scenario -> B's production, scheduled receipts and shipments per month, and the plan cost
EXPECTED = {
    "late": ([60, 0, 0], [0, 0, 90], [0, 60, 90], 2642.5),
    "half": ([60, 75, 0], [60, 0, 15], [60, 60, 90], 2237.5),
    "all_late": ([0, 90, 0], [0, 60, 0], [0, 60, 90], 2792.5),
    "late_half": ([30, 60, 0], [0, 30, 30], [0, 60, 90], 2792.5),
}


def receipts_repo(root: Path, scenarios: dict[str, str]) -> Path:
    """The tiny repository with B's lead time of one month and its scheduled receipts."""
    tiny_repo(root, {sid: scenario_yaml(text) for sid, text in scenarios.items()})
    items = INPUTS["items.csv"].replace("B,valves,5,8,0,0.5", "B,valves,5,8,1,0.5")
    write_files(
        root,
        {
            "charters/tiny.yaml": CHARTER.replace("inputs:\n", "inputs:\n" + DECL),
            f"{CYCLE}/inputs/items.csv": items,
            FILE: RECEIPTS,
        },
    )
    return root


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScenarioRun, ScenarioRun]:
    root = receipts_repo(tmp_path_factory.mktemp("receipts") / "tiny", S)
    warm = run_scenarios(root, None, [], every=True, dry_run=True)
    cold = run_scenarios(root, None, [], every=True, dry_run=True, warm=False)
    return warm, cold


def _one(run_: ScenarioRun, sid: str) -> ScenarioResult:
    res = next(s for s in run_.scenarios if s.id == sid)
    assert res.ok, (sid, [str(f) for f in res.report])
    return res


def _b(files: dict[str, bytes], col: str) -> list[float]:
    df = pl.read_csv(io.BytesIO(files["supply_plan.csv"]), schema_overrides={"item": pl.String})
    return df.filter(pl.col("item") == "B").sort("period")[col].to_list()


def _cost(files: dict[str, bytes]) -> float:
    return float(json.loads(files["summary.json"])["costs"]["total"])


def test_the_base_plan_with_the_receipts_by_hand(runs: tuple[ScenarioRun, ScenarioRun]) -> None:
    base = runs[0].base.files
    assert _b(base, "production") == [60, 60, 0]
    assert _b(base, "scheduled_receipts") == [60, 0, 30]
    assert _b(base, "shipments") == [60, 60, 90]
    assert _cost(base) == pytest.approx(BASE_COST)


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_moved_and_short_receipts_change_the_plan_as_worked_out(
    runs: tuple[ScenarioRun, ScenarioRun], sid: str
) -> None:
    production, receipts, shipments, cost = EXPECTED[sid]
    res = _one(runs[0], sid)
    assert _b(res.files, "production") == pytest.approx(production, abs=1e-6)
    assert _b(res.files, "scheduled_receipts") == pytest.approx(receipts, abs=1e-6)
    assert _b(res.files, "shipments") == pytest.approx(shipments, abs=1e-6)
    assert _cost(res.files) == pytest.approx(cost)
    assert res.solved == "warm"  # only right-hand sides of the inventory balance move


def test_solved_in_place_as_a_cold_rebuild_solves_them(
    runs: tuple[ScenarioRun, ScenarioRun],
) -> None:
    warm, cold = runs
    for w, c in zip(warm.scenarios, cold.scenarios, strict=True):
        assert (w.id, w.solved, c.solved) == (c.id, "warm", "cold")
        assert w.files == c.files, w.id


def test_a_receipt_pushed_past_the_horizon_is_dropped_with_a_warning(tmp_path: Path) -> None:
    root = receipts_repo(tmp_path / "tiny", {"s": S["all_late"]})
    r = run(["reconcile", "--scenario", "s", "--dry-run", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    (sc,) = json.loads(r.out)["scenarios"]
    assert [(f["code"], f["severity"], f["line"], f["col"]) for f in sc["findings"]] == [
        ("SOP632", "warning", 4, 5)
    ]
    assert sc["findings"][0]["message"] == (
        "1 scheduled receipt(s) (30 units) arrive after the horizon once delayed by 1 period(s) "
        "and are left out of the scenario"
    )


@pytest.mark.parametrize(
    ("overlay", "words"),
    [
        (
            "  - {kind: receipts, items: [A], delay: 1}\n",
            "no scheduled receipt of the selected items arrives in 2027-01 to 2027-03 "
            f"({FILE}), so the overlay changes nothing",
        ),
        (
            "  - {kind: receipts, items: [B], from: 2027-02, to: 2027-02, factor: 0}\n",
            "arrives in 2027-02 (",
        ),
        ("  - {kind: receipts, items: [B], factor: 1}\n", "changes no scheduled receipts"),
    ],
)
def test_an_overlay_that_moves_nothing_says_so(tmp_path: Path, overlay: str, words: str) -> None:
    root = receipts_repo(tmp_path / "tiny", {"s": overlay})
    got = run_scenarios(root, None, ["s"], dry_run=True)
    res = _one(got, "s")
    assert [(f.code, f.line) for f in res.report] == [("SOP629", 4)]
    assert words in res.report.findings[0].message
    assert res.files["supply_plan.csv"] == got.base.files["supply_plan.csv"]


def test_a_cycle_without_scheduled_receipts(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": scenario_yaml(S["late"])})
    res = _one(run_scenarios(root, None, ["s"], dry_run=True), "s")
    (f,) = res.report
    assert f.code == "SOP629" and "the cycle has no scheduled_receipts table" in f.message


def test_reconcile_compare_adopt_and_explain_from_the_cli(tmp_path: Path) -> None:
    root = receipts_repo(tmp_path / "tiny", {"late": S["all_late"]})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    r = run(["reconcile", "--scenario", "late"], cwd=root)
    assert r.code == 0, r.out + r.err
    assert "optimal, warm" in r.out and "SOP632" in r.out
    out = root / CYCLE / "outputs/scenarios/late"
    scenario = {p.name: p.read_bytes() for p in out.iterdir()}
    assert _b(scenario, "scheduled_receipts") == [0, 60, 0]
    r = run(["compare", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    kpis = {k["name"]: k for k in json.loads(r.out)["kpis"]}
    assert kpis["revenue"]["deltas"]["late"]["delta"] == -480.0  # January's 60 valves at 8
    assert kpis["cost_total"]["values"] == {"base": BASE_COST, "late": 2792.5}

    r = run(["adopt", "late", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["changes"][0] == {"path": FILE, "what": "1 changed, 1 removed", "owner": "ops_lead"}
    assert [f["code"] for f in doc["findings"]] == ["SOP632"]
    assert (root / FILE).read_text() == "order_id,item,period,quantity\nPO-9,B,2027-02,60\n"
    diff = git(root, "diff", "--unified=0", "--", FILE)
    assert "-PO-9,B,2027-01,60\n-PO-10,B,2027-03,30\n+PO-9,B,2027-02,60\n" in diff
    base = run_reconcile(root, None, dry_run=True)
    assert base.result is not None and base.result.ok
    for name in ("supply_plan.csv", "materials_plan.csv", "exceptions.csv", "finance.csv"):
        assert base.files[name] == scenario[name], name

    assert run(["reconcile"], cwd=root).code == 0
    r = run(["explain", "B", "--period", "2027-01"], cwd=root)
    assert r.code == 0, r.out + r.err
    assert "B in 2027-01 for spot" in r.out and "scheduled receipts 60.0" not in r.out
    assert "served from the stock on hand at the start, the scheduled receipts and" in r.out
