"""build_demand on a tiny planning repo whose every number is worked out by hand.

Horizon 2027-01..2027-06 (6 months), frozen window 2027-01. Pipeline stages qualified 0.2,
proposal 0.5, committed 0.9; close_to_demand_lag 1; max_slips 2; unhealthy_weight 0.5.
Forecast: default moving_average (window 3), season_length 4, holdout 3; per item
B seasonal_naive, C holt_winters, E and F auto.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.signal import DemandResult, build_demand
from sopctl.validate import Workspace, load_workspace
from tests.helpers import write_files

INPUTS = "cycles/2026-12/inputs"
RIGHTS = {"SOP701", "SOP702"}  # override rights: validate and the demand build report them


def charter(pipeline_extra: str = "", inputs_extra: str = "") -> str:
    return f"""\
version: 1
organisation: {{name: Tiny}}
cadence:
  bucket: month
  horizon_periods: 6
  frozen_periods: 1
  demand_refresh: {{every: 2, unit: week}}
  executive_commit: {{every: 1, unit: month}}
calendar: {{signal: 5, reconcile: 10, commit: 15}}
roles:
  - {{id: sales_lead, title: Sales, members: [sam@tiny.example]}}
  - {{id: demand_planner, title: Planner, members: [dana@tiny.example]}}
  - {{id: ops_lead, title: Ops, members: [olga@tiny.example]}}
  - {{id: coo, title: COO, members: [cora@tiny.example]}}
decision_rights:
  override_demand: [sales_lead, demand_planner, coo]
  approve_capacity_change: [ops_lead]
  approve_frozen_change: [coo]
  sign_off_plan: [sales_lead, coo]
approvals: {{required_roles: [sales_lead, coo], quorum: 2}}
inputs:
  - {{file: history.csv, table: demand_history, owner: demand_planner, due: signal}}
  - {{file: pipeline.csv, table: pipeline, owner: sales_lead, due: signal}}
  - {{file: promotions.csv, table: promotions, owner: sales_lead, due: signal}}
  - {{file: renewals.csv, table: renewals, owner: sales_lead, due: signal}}
  - {{file: overrides.csv, table: overrides, owner: demand_planner, due: signal}}
  - {{file: targets.csv, table: targets, owner: sales_lead, due: signal}}
  - {{file: items.csv, table: items, owner: ops_lead, due: signal}}
{inputs_extra}segments:
  - {{id: strategic, priority: 1, service_level_target: 0.98, shortage_policy: backlog,
      shortage_penalty: 20}}
  - {{id: standard, priority: 2, service_level_target: 0.9, shortage_policy: lost_sales,
      shortage_penalty: 10}}
pipeline:
  stages:
    - {{id: qualified, probability: 0.2}}
    - {{id: proposal, probability: 0.5}}
    - {{id: committed, probability: 0.9}}
  close_to_demand_lag: 1
{pipeline_extra}forecast:
  default_method: moving_average
  per_item: {{B: seasonal_naive, C: holt_winters, E: auto, F: auto}}
  season_length: 4
  holdout_periods: 3
  moving_average_window: 3
finance: {{currency: EUR, dso_days: 30, dpo_days: 30, inventory_carrying_rate: 0.2}}
"""


def history() -> str:
    rows = ["item,segment,period,quantity"]
    series = {
        ("A", "strategic", 7): [10, 10, 10, 20, 30, 40],  # MA(3) = (20 + 30 + 40) / 3 = 30
        ("B", "strategic", 5): [1, 2, 3, 4, 5, 6, 7, 8],  # seasonal naive, m = 4: 5 6 7 8 5 6
        ("C", "standard", 9): [4, 4, 4, 4],  # holt_winters needs 8 → ses = 4
        ("E", "strategic", 1): [10, 50] * 6,  # auto → seasonal_naive: 10 50 10 50 10 50
        ("F", "standard", 10): [3, 6, 9],  # auto needs 5 → ses, α = 1 → 9
    }
    for (item, seg, start), ys in series.items():
        rows += [f"{item},{seg},2026-{start + i:02d},{y}" for i, y in enumerate(ys)]
    rows += ["D,standard,2026-10,9", "D,standard,2026-12,6"]  # 2026-11 missing: (9+0+6)/3 = 5
    return "\n".join(rows) + "\n"


FILES = {
    "cycles/2026-12/cycle.yaml": "id: 2026-12\ncharter: tiny\nfirst_period: 2027-01\n",
    f"{INPUTS}/items.csv": "item,family,description,unit_cost,price,lead_time,holding_cost\n"
    + "".join(f"{i},f,{i},1,2,0,0.1\n" for i in "ABCDEF"),
    f"{INPUTS}/pipeline.csv": (
        "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,probability,"
        "probability_reason,slip_count\n"
        "D-1,Acme,A,strategic,committed,100,2027-01,2,,,0\n"  # .9*100 = 90: 45 in 02 and 03
        "D-2,Acme,A,standard,proposal,40,2027-02,,0.25,Budget cut,\n"  # 10 in 2027-03
        "D-3,Bolt,A,strategic,qualified,50,2026-11,1,,,0\n"  # stale: .2*.5*50 = 5 in 2027-01
        "D-4,Bolt,B,strategic,proposal,20,2027-03,1,,,3\n"  # slipped: .5*.5*20 = 5 in 2027-04
        "D-5,Core,B,strategic,committed,30,2027-05,3,,,0\n"  # 27 → 9 in 06; 18 dropped
    ),
    f"{INPUTS}/promotions.csv": (
        "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units\n"
        "P-1,A,strategic,2027-04,2027-05,10,\n"  # 10% of 30 = 3 in 04 and 05
        "P-2,B,strategic,2027-02,2027-02,,4\n"  # +4 in 2027-02
    ),
    f"{INPUTS}/renewals.csv": (
        "renewal_id,account,item,segment,period,quantity,probability\n"
        "R-1,Core,C,standard,2027-03,20,0.5\n"  # 10 in 2027-03
    ),
    f"{INPUTS}/overrides.csv": (
        "override_id,item,segment,period,kind,quantity,owner,reason\n"
        "O-1,A,strategic,2027-02,delta,5,dana@tiny.example,r\n"  # applied
        "O-2,C,standard,2027-03,replace,12,dana@tiny.example,r\n"  # 12 - (4 + 10) = -2
        "O-3,B,strategic,2027-03,delta,-100,sam@tiny.example,r\n"  # 7 - 100 → floored at 0
        "O-4,A,strategic,2027-04,delta,7,olga@tiny.example,r\n"  # no override right
        "O-5,A,strategic,2027-01,delta,3,dana@tiny.example,r\n"  # frozen, no frozen right
        "O-6,A,strategic,2027-01,delta,2,cora@tiny.example,r\n"  # frozen, allowed
        "O-7,B,strategic,2027-05,delta,1,dana@tiny.example,r\n"  # superseded by O-8
        "O-8,B,strategic,2027-05,replace,20,dana@tiny.example,r\n"  # 20 - 5 = 15
        "O-9,B,strategic,2027-05,delta,2,dana@tiny.example,r\n"  # + 2 → 22
    ),
    f"{INPUTS}/targets.csv": (
        "segment,period,target\nstrategic,2027-02,100\nstandard,2027-03,20\nstandard,2027-04,0\n"
    ),
}

# final demand per series and month, from the comments above
EXPECTED_FINAL = {
    ("A", "standard"): [0, 0, 10, 0, 0, 0],
    ("A", "strategic"): [30 + 5 + 2, 30 + 45 + 5, 30 + 45, 30 + 3, 30 + 3, 30],
    ("B", "strategic"): [5, 6 + 4, 0, 8 + 5, 22, 6 + 9],
    ("C", "standard"): [4, 4, 12, 4, 4, 4],
    ("D", "standard"): [5] * 6,
    ("E", "strategic"): [10, 50] * 3,
    ("F", "standard"): [9] * 6,
}


def make(root: Path, pipeline_extra: str = "", extra: dict[str, str] | None = None) -> Workspace:
    files = dict(FILES)
    inputs_extra = ""
    if extra:
        files.update(extra)
        inputs_extra = (
            "  - {file: baseline.csv, table: baseline, owner: demand_planner, due: signal}\n"
        )
    files["charters/tiny.yaml"] = charter(pipeline_extra, inputs_extra)
    files[f"{INPUTS}/history.csv"] = history()
    write_files(root, files)
    ws, report = load_workspace(root)
    # O-4 and O-5 break the override rights on purpose: validate reports them, the build too
    assert {f.code for f in report.errors} <= RIGHTS, [str(f) for f in report]
    return ws


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> DemandResult:
    return build_demand(make(tmp_path_factory.mktemp("tiny")))


def series(r: DemandResult, item: str, seg: str, col: str = "final") -> list[float]:
    return r.plan.filter(item=item, segment=seg)[col].to_list()


def codes(r: DemandResult) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in r.findings]


def test_final_demand_by_hand(tiny: DemandResult) -> None:
    assert tiny.plan.columns == [
        "item", "segment", "period", "baseline", "pipeline", "promotion", "renewal",
        "override", "final",
    ]  # fmt: skip
    assert tiny.plan.height == 7 * 6
    for (item, seg), want in EXPECTED_FINAL.items():
        assert series(tiny, item, seg) == pytest.approx(want), (item, seg)
    assert tiny.plan["period"].unique().sort().to_list() == [f"2027-0{m}" for m in range(1, 7)]


def test_baseline_methods_and_reasons(tiny: DemandResult) -> None:
    m = {(r["item"], r["segment"]): r for r in tiny.baseline_methods.iter_rows(named=True)}
    assert m[("A", "strategic")]["method"] == "moving_average"
    assert m[("A", "standard")]["method"] == "none"  # only in the pipeline
    assert m[("B", "strategic")]["reason"] == "seasonal_naive as set in forecast.per_item"
    assert m[("C", "standard")]["reason"] == (
        "too little history for holt_winters (4 < 8 periods): fell back to ses"
    )
    assert m[("E", "strategic")]["reason"].startswith(
        "auto chose seasonal_naive (holdout MAE 0.0 over the last 3 periods; next best"
    )
    assert m[("F", "standard")]["method"] == "ses"
    assert m[("D", "standard")]["history_periods"] == 3
    fallbacks = [f for f in tiny.findings if f.code == "SOP706"]
    assert [(f.path, f.line) for f in fallbacks] == [
        (f"{INPUTS}/history.csv", 16),  # first row of C
        (f"{INPUTS}/history.csv", 32),  # first row of F
    ]
    assert "too little history for auto (3 < 5 periods" in fallbacks[1].message


def test_pipeline_weights_lag_spread_and_health(tiny: DemandResult) -> None:
    assert series(tiny, "A", "strategic", "pipeline") == [5, 45, 45, 0, 0, 0]
    assert series(tiny, "A", "standard", "pipeline") == [0, 0, 10, 0, 0, 0]
    assert series(tiny, "B", "strategic", "pipeline") == [0, 0, 0, 5, 0, 9]
    d = {r["deal_id"]: r for r in tiny.deals.iter_rows(named=True)}
    assert d["D-2"]["probability"] == 0.25 and d["D-2"]["ship_periods"] == 1
    assert d["D-3"]["stale"] and d["D-3"]["weight"] == pytest.approx(0.1)
    assert d["D-3"]["start_period"] == "2027-01"
    assert d["D-4"]["slipped"] and d["D-4"]["weight"] == 0.25
    assert d["D-5"]["units_dropped"] == pytest.approx(18)
    found = {(f.code, f.line): f for f in tiny.findings}
    assert ("SOP704", 4) in found and ("SOP705", 5) in found
    assert "18 of its 27 weighted units ship after the horizon's last period 2027-06" in (
        found[("SOP707", 6)].message
    )


def test_promotions_and_renewals(tiny: DemandResult) -> None:
    assert series(tiny, "A", "strategic", "promotion") == pytest.approx([0, 0, 0, 3, 3, 0])
    assert series(tiny, "B", "strategic", "promotion") == [0, 4, 0, 0, 0, 0]
    assert series(tiny, "C", "standard", "renewal") == [0, 0, 10, 0, 0, 0]


def test_override_rights_say_who_may_own_the_row(tmp_path: Path) -> None:
    """One rule: validate reports the same SOP701/SOP702 as the demand build, and each says
    whom to name as owner (in the frozen window: someone holding both rights) or where to move
    the override."""
    ws = make(tmp_path)
    validated = load_workspace(ws.root)[1]
    mine = [f for f in validated if f.code in RIGHTS]
    built = [f for f in build_demand(ws).findings if f.code in RIGHTS]
    assert mine == built and [(f.code, f.line, f.col) for f in mine] == [
        ("SOP701", 5, 7),
        ("SOP702", 6, 4),
    ]
    no_right, frozen = (f.message for f in mine)
    assert no_right == (
        "override O-4 (A, strategic, 2027-04) by olga@tiny.example cannot be applied: its owner "
        "is in no role holding override_demand; set owner to a member of a role holding "
        "override_demand (sales_lead: sam@tiny.example; demand_planner: dana@tiny.example; "
        "coo: cora@tiny.example)"
    )
    assert frozen == (
        "override O-5 (A, strategic, 2027-01) by dana@tiny.example cannot be applied: 2027-01 "
        "is in the frozen window 2027-01, where its owner must also be in a role holding "
        "approve_frozen_change (coo); set owner to a member holding both override_demand and "
        "approve_frozen_change (coo: cora@tiny.example), or move the override to 2027-02 or later"
    )


def test_overrides_rights_frozen_window_and_floor(tiny: DemandResult) -> None:
    assert series(tiny, "A", "strategic", "override") == [2, 5, 0, 0, 0, 0]
    assert series(tiny, "C", "standard", "override") == pytest.approx([0, 0, -2, 0, 0, 0])
    assert series(tiny, "B", "strategic", "override") == [0, 0, -100, 0, 17, 0]
    ov = f"{INPUTS}/overrides.csv"
    by = {(f.code, f.line): f for f in tiny.findings if f.path == ov}
    assert set(by) == {("SOP703", 4), ("SOP701", 5), ("SOP702", 6), ("SOP708", 8)}
    assert by[("SOP701", 5)].severity == "error" and "cannot be applied" in (
        by[("SOP701", 5)].message
    )
    assert by[("SOP702", 6)].severity == "error" and "frozen window 2027-01," in (
        by[("SOP702", 6)].message
    )
    assert by[("SOP703", 4)].severity == "warning" and "to -93" in by[("SOP703", 4)].message
    assert "replace override O-8 on line 9" in by[("SOP708", 8)].message
    ids = set(tiny.sources.filter(component="override")["source_id"].to_list())
    assert ids == {"O-1", "O-2", "O-3", "O-6", "O-8", "O-9"}


def test_waterfall_identity_and_floor(tiny: DemandResult) -> None:
    p = tiny.plan.with_columns(
        (pl.col("baseline") + pl.col("pipeline") + pl.col("promotion") + pl.col("renewal")
         + pl.col("override")).alias("sum")
    )  # fmt: skip
    floored = p.filter((pl.col("sum") - pl.col("final")).abs() > 1e-9)
    assert floored.select("item", "period", "sum", "final").rows() == [("B", "2027-03", -93.0, 0.0)]


def test_sources_sum_to_the_components(tiny: DemandResult) -> None:
    check_sources(tiny)
    one = tiny.sources.filter(source_id="D-1")
    assert one.select("period", "units", "source_line").rows() == [
        ("2027-02", 45.0, 2),
        ("2027-03", 45.0, 2),
    ]


def test_coverage(tiny: DemandResult) -> None:
    assert tiny.coverage.rows() == [
        ("standard", "2027-03", 10.0, 20.0, 0.5),
        ("standard", "2027-04", 0.0, 0.0, None),
        ("strategic", "2027-02", 45.0, 100.0, 0.45),
    ]


def test_coverage_summary_names_the_lowest_period_with_a_target(tiny: DemandResult) -> None:
    """standard has 0.5 in 2027-03 and no coverage in 2027-04 (target 0): the summary's
    lowest period is 2027-03, not the period without a target."""
    from sopctl.cli.demand_view import coverage_summary

    cov = {r["segment"]: r for r in coverage_summary(tiny.coverage).iter_rows(named=True)}
    assert (cov["standard"]["lowest_period"], cov["standard"]["lowest"]) == ("2027-03", 0.5)
    assert (cov["strategic"]["lowest_period"], cov["strategic"]["lowest"]) == ("2027-02", 0.45)
    none = tiny.coverage.filter(pl.col("coverage").is_null())
    assert coverage_summary(none).row(0, named=True)["lowest_period"] is None


def test_changes_against_a_previous_plan(tiny: DemandResult) -> None:
    prev = tiny.plan.with_columns(
        pl.when(item="A", segment="strategic", period="2027-02")
        .then(pl.lit(100.0))
        .when(item="F", period="2027-06")
        .then(pl.lit(8.0))
        .otherwise(pl.col("final"))
        .alias("final")
    ).filter(pl.col("item") != "E")
    ch = build_demand_changes(tiny, prev)
    assert ch.select("item", "period", "previous", "final", "change").rows()[:2] == [
        ("E", "2027-02", 0.0, 50.0, 50.0),
        ("E", "2027-04", 0.0, 50.0, 50.0),
    ]
    a = ch.filter(item="A")
    assert a.select("previous", "final", "change", "change_pct").rows() == [
        (100.0, 80.0, -20.0, -20.0)
    ]
    assert tiny.changes.height == 0  # no previous plan given


def test_no_changes_against_the_file_of_the_same_plan() -> None:
    """A previous plan read back from its 4-decimal CSV equals the plan: no change listed,
    while a change in the fourth decimal is one."""
    from sopctl.results import csv_bytes
    from sopctl.signal.compare import changes

    plan = pl.DataFrame(
        {
            "item": ["A", "A", "B"],
            "segment": ["s", "s", "s"],
            "period": ["2027-01", "2027-02", "2027-01"],
            "final": [21.0 + 1 / 3, 2 / 3, 7.00004999],
        }
    )
    again = pl.read_csv(csv_bytes(plan))
    assert changes(plan, again, 20).height == 0
    moved = again.with_columns(pl.when(item="B").then(6.9999).otherwise("final").alias("final"))
    assert changes(plan, moved, 20).select("item", "change").rows() == [("B", 0.0001)]


def build_demand_changes(r: DemandResult, prev: pl.DataFrame) -> pl.DataFrame:
    from sopctl.signal.compare import changes

    return changes(r.plan, prev, 20)


def test_replaces_baseline_and_supplied_baseline(tmp_path: Path) -> None:
    supplied = {f"{INPUTS}/baseline.csv": "item,segment,period,quantity\nD,standard,2027-01,50\n"
                "D,standard,2027-02,60\nC,standard,2027-06,7\n"}  # fmt: skip
    ws = make(
        tmp_path, "  mode: replaces_baseline\n  replaces_baseline_for: [strategic]\n", supplied
    )
    r = build_demand(ws)
    assert r.baseline_replaced_for == ("strategic",)
    for item in ("A", "B", "E"):
        assert series(r, item, "strategic", "baseline") == [0] * 6
    assert series(r, "A", "strategic", "promotion") == [0] * 6  # 10% of 0
    # C is supplied too: its history is not fitted, so its fallback (SOP706) is gone
    assert series(r, "C", "standard", "baseline") == [0, 0, 0, 0, 0, 7]
    assert [f.line for f in r.findings if f.code == "SOP706"] == [32]
    assert series(r, "C", "standard", "final") == [0, 0, 12, 0, 0, 7]
    assert series(r, "D", "standard", "baseline") == [50, 60, 0, 0, 0, 0]
    m = {(x["item"], x["segment"]): x for x in r.baseline_methods.iter_rows(named=True)}
    assert m[("D", "standard")]["method"] == "supplied"
    assert m[("D", "standard")]["reason"] == (
        f"supplied in {INPUTS}/baseline.csv (2 of 6 periods given; the others count as 0)"
    )
    # a supplied series still reports the history it has (not fitted): D 2026-10..12, C 09..12
    assert (m[("D", "standard")]["history_periods"], m[("C", "standard")]["history_periods"]) == (
        3,
        4,
    )
    assert m[("A", "strategic")]["replaced_by_pipeline"]
    assert not m[("D", "standard")]["replaced_by_pipeline"]
    check_sources(r)


def check_sources(r: DemandResult) -> None:
    """Sources add up to each non-baseline component, and each (row, period) appears once."""
    key = ["item", "segment", "period"]
    comps = ["pipeline", "promotion", "renewal", "override"]
    summed = (
        r.sources.group_by([*key, "component"])
        .agg(pl.col("units").sum())
        .pivot(on="component", index=key, values="units")
    )
    summed = summed.with_columns([pl.lit(0.0).alias(c) for c in comps if c not in summed.columns])
    joined = r.plan.join(summed, on=key, how="left", suffix="_src").fill_null(0.0)
    for c in comps:
        diff = (joined[c] - joined[f"{c}_src"]).abs().max()
        assert diff is not None and float(diff) < 1e-9, c  # type: ignore[arg-type]
    assert not r.sources.select("source_file", "source_line", "period").is_duplicated().any()
    assert r.sources.equals(r.sources.sort(
        ["item", "segment", "period", "component", "source_file", "source_line", "source_id"]
    ))  # fmt: skip
