"""Infeasible plans come back with a status and the conflicting constraints, by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopctl.reconcile import SolveOptions, reconcile
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

LINE = {
    "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
    "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
}
NO_TARGET = "item,on_hand,safety_stock,ending_target\nA,0,0,0\n"


@pytest.mark.parametrize("integer", [False, True])
def test_ending_target_above_what_can_be_made(tmp_path: Path, integer: bool) -> None:
    # 10 units a month for 2 months, nothing on hand, 25 wanted at the end
    files = LINE | {"inventory.csv": "item,on_hand,safety_stock,ending_target\nA,0,0,25\n"}
    res = reconcile(make_ws(tmp_path, files, horizon=2), demand([]), integer=integer)
    assert res.status == "infeasible" and res.objective is None
    assert "ending_target[A]" in res.diagnosis
    assert {"capacity[line,2027-01]", "capacity[line,2027-02]"} <= set(res.diagnosis)
    assert any("ending target (25)" in h and "at most 20" in h for h in res.hints)
    assert res.supply.is_empty() and res.exceptions.is_empty()


def test_backlog_that_cannot_be_cleared(tmp_path: Path) -> None:
    files = LINE | {"inventory.csv": NO_TARGET}
    ws = make_ws(tmp_path, files, horizon=2, segments=[segment("s", clear=True)])
    res = reconcile(ws, demand([("A", "s", "2027-02", 30)]))
    assert res.status == "infeasible"
    assert "clear_backlog_by_end[A,s]" in res.diagnosis
    assert "demand[A,s,2027-02]" in res.diagnosis
    assert "capacity[line,2027-02]" in res.diagnosis


def test_workforce_limits_that_contradict(tmp_path: Path) -> None:
    files = LINE | {
        "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\ncrew,labour,,1,,,5,10,1,1,,,8,6\n",
        "inventory.csv": NO_TARGET,
    }
    res = reconcile(make_ws(tmp_path, files, horizon=2), demand([]))
    assert res.status == "infeasible"
    assert {"min_workforce[crew,2027-01]", "max_workforce[crew,2027-01]"} <= set(res.diagnosis)
    assert res.hints == ["crew: min_workforce 8 is above max_workforce 6"]


def test_own_diagnosis_without_iis(tmp_path: Path) -> None:
    files = LINE | {"inventory.csv": "item,on_hand,safety_stock,ending_target\nA,0,0,25\n"}
    ws = make_ws(tmp_path, files, horizon=2)
    res = reconcile(ws, demand([]), options=SolveOptions(iis=False))
    assert res.status == "infeasible"
    assert res.diagnosis == ["ending_target[A]"]


FAR_APART = {
    "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\nB,10,50,0,1,,\n",
    "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
    "routings.csv": "item,resource,hours_per_unit\nA,line,1e9\nB,line,1e-6\n",
    "inventory.csv": "item,on_hand,safety_stock,ending_target\nA,0,0,0\nB,0,0,0\n",
}


def test_numbers_too_far_apart_are_named(tmp_path: Path) -> None:
    from sopctl.reconcile.data import gather
    from sopctl.reconcile.diagnose import numerics
    from sopctl.reconcile.model import build_model

    lp = build_model(gather(make_ws(tmp_path / "far", FAR_APART, horizon=2), demand([])))
    (msg,) = numerics(lp)
    assert "coefficients span 1e+15: 1e-06 for production[B,2027-01] in capacity[line" in msg
    assert "to 1e+09 for production[A,2027-01] in capacity[line,2027-01]" in msg
    files = LINE | {"inventory.csv": NO_TARGET}
    assert numerics(build_model(gather(make_ws(tmp_path / "ok", files), demand([])))) == []


def test_a_model_highs_refuses_is_an_error_not_an_empty_plan(tmp_path: Path) -> None:
    from sopctl.reconcile.data import gather
    from sopctl.reconcile.model import build_model
    from sopctl.reconcile.solve import solve

    # a lower bound HiGHS reads as +infinity: it refuses the model, and an empty model must
    # not be reported as an optimal plan of cost 0
    lp = build_model(gather(make_ws(tmp_path, LINE | {"inventory.csv": NO_TARGET}), demand([])))
    lp.col_lower[0] = 1e21
    sol = solve(lp, SolveOptions())
    assert (sol.status, sol.facts.status, sol.x, sol.objective) == (
        "error",
        "Model rejected",
        None,
        None,
    )
