"""Renewals in the demand view: rows outside the horizon, and renewals a deal also counts.

Charter of test_signal_engine (horizon 2027-01..2027-06, close_to_demand_lag 1, stages
qualified 0.2, proposal 0.5, committed 0.9)."""

from __future__ import annotations

from pathlib import Path

from sopctl.demand import run_demand
from tests.test_signal_engine import INPUTS
from tests.test_signal_rules import demand, load, series

RENEWALS = "renewal_id,account,item,segment,period,quantity,probability\n"


def test_a_renewal_outside_the_horizon_is_ignored_not_an_error(tmp_path: Path) -> None:
    """Last cycle's renewal (2026-12) left in the file, and one after the horizon: warnings,
    nothing counted; the one inside counts 0.5 × 20 = 10. An override outside the horizon
    stays an error: it names a cell of this plan."""
    rows = RENEWALS + (
        "R-0,Core,C,standard,2026-12,20,0.5\n"
        "R-1,Core,C,standard,2027-03,20,0.5\n"
        "R-9,Core,C,standard,2027-08,20,0.5\n"
    )
    ws, found = load(tmp_path, {"renewals.csv": rows})
    mine = [(f.code, f.line, f.severity) for f in found if f.path.endswith("renewals.csv")]
    assert mine == [("SOP408", 2, "warning"), ("SOP408", 4, "warning")]
    run = run_demand(ws.root)
    assert run.ok and run.result is not None
    assert series(run.result, "C", "standard", "renewal") == [0, 0, 10, 0, 0, 0]
    ids = set(run.result.sources.filter(component="renewal")["source_id"].to_list())
    assert ids == {"R-1"}
    override = (
        "override_id,item,segment,period,kind,quantity,owner,reason\n"
        "O-1,C,standard,2026-12,delta,5,dana@tiny.example,r\n"
    )
    _, found = load(tmp_path / "o", {"overrides.csv": override})
    assert [f.code for f in found if f.path.endswith("overrides.csv")] == ["SOP404"]


def test_a_pair_only_rows_outside_the_horizon_name_gets_no_series(tmp_path: Path) -> None:
    """C/strategic is named only by renewals outside the horizon, B/standard only by a
    promotion wholly before it: both are ignored (SOP408), and neither pair gets a series
    of zeros in demand_plan.csv or a row in demand_sources.csv. C/standard, whose history
    gives it a series, keeps it beside its own renewal outside the horizon; a promotion that
    reaches into the horizon still gives its pair a series."""
    rows = RENEWALS + (
        "R-0,Core,C,standard,2026-12,20,0.5\n"
        "R-1,Core,C,strategic,2026-12,20,0.5\n"
        "R-2,Core,C,strategic,2027-08,20,0.5\n"
    )
    promotions = (
        "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units\n"
        "P-1,B,standard,2026-10,2026-11,,4\n"  # wholly before the horizon
        "P-2,D,strategic,2026-11,2027-01,,3\n"  # reaches 2027-01
    )
    history = "item,segment,period,quantity\n" + "".join(
        f"C,standard,2026-{m:02d},4\n" for m in range(7, 13)
    )
    ws, found = load(
        tmp_path, {"renewals.csv": rows, "promotions.csv": promotions, "history.csv": history}
    )
    ignored = {f.code for f in found if f.path.endswith(("renewals.csv", "promotions.csv"))}
    assert ignored == {"SOP408"} and not [f for f in found if f.severity == "error"]
    run = run_demand(ws.root)
    assert run.ok and run.result is not None
    pairs = set(run.result.plan.select("item", "segment").unique().iter_rows())
    assert pairs == {("C", "standard"), ("D", "strategic")}
    assert series(run.result, "D", "strategic", "promotion") == [3, 0, 0, 0, 0, 0]
    plan = (ws.cycle_dir / "outputs" / "demand_plan.csv").read_text().splitlines()
    assert {tuple(r.split(",")[:2]) for r in plan[1:]} == pairs
    assert not run.result.baseline_methods.filter(item="C", segment="strategic").height


DEALS = (
    "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,probability,"
    "probability_reason\n"
    "D-1,Core Ltd,C,standard,proposal,40,2027-02,2,,\n"  # 0.5 × 40 = 20: 10 in 03 and 04
    "D-2,Core Ltd,A,standard,proposal,40,2027-02,1,,\n"  # another item: not the renewal
    "D-3,Other,C,standard,proposal,40,2027-02,1,,\n"  # another account
)
RENEWAL = RENEWALS + "R-1,core ltd ,C,standard,2027-05,20,0.5\n"  # 10 in 2027-05


def test_a_renewal_a_deal_counts_again_is_named(tmp_path: Path) -> None:
    """R-1 and D-1 (one account, trimmed and in any case, one item) both count, in different
    periods of the horizon: a warning at the renewal's account cell naming the deal's line."""
    r = demand(tmp_path, {"renewals.csv": RENEWAL, "pipeline.csv": DEALS})
    assert series(r, "C", "standard", "renewal") == [0, 0, 0, 0, 10, 0]
    assert series(r, "C", "standard", "pipeline") == [0, 0, 10 + 20, 10, 0, 0]
    (f,) = [f for f in r.findings if f.code == "SOP711"]
    assert (f.path, f.line, f.col, f.severity) == (f"{INPUTS}/renewals.csv", 2, 2, "warning")
    assert f.message == (
        "renewal R-1 (core ltd, C, 2027-05: 10 units) and deal D-1 "
        f"({INPUTS}/pipeline.csv:2, from 2027-03 over 2 periods: 20 units in the horizon) are "
        "both counted for this account and item; if the deal is this renewal, delete one of "
        "the two rows or mark the deal as the renewal (probability 0, probability_reason "
        "'renewal R-1'); if they are separate orders, nothing to change"
    )


def test_a_deal_marked_as_the_renewal_is_not_counted_twice(tmp_path: Path) -> None:
    """Following the advice: D-1 at probability 0 adds nothing, so nothing is counted twice
    (and a lost deal is no stale deal either). A renewal outside the horizon counts nothing."""
    marked = DEALS.replace("2027-02,2,,", "2027-02,2,0,renewal R-1")
    r = demand(tmp_path / "a", {"renewals.csv": RENEWAL, "pipeline.csv": marked})
    assert not [f for f in r.findings if f.code == "SOP711"]
    assert series(r, "C", "standard", "pipeline") == [0, 0, 20, 0, 0, 0]
    outside = RENEWAL.replace("2027-05", "2026-12")
    r = demand(tmp_path / "b", {"renewals.csv": outside, "pipeline.csv": DEALS})
    assert not [f for f in r.findings if f.code == "SOP711"]
