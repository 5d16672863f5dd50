"""Renewals in the demand view: rows outside the horizon, and renewals a deal also counts.

Charter of test_signal_engine (horizon 2027-01..2027-06, close_to_demand_lag 1, stages
qualified 0.2, proposal 0.5, committed 0.9)."""

from __future__ import annotations

from pathlib import Path

from sopctl.demand import run_demand
from tests.test_signal_rules import load, series

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
