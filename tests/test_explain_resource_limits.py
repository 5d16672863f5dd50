"""`sopctl explain RESOURCE` lists every exception its value at stake counts, each with its own
binding limit and price, and words the state of its hours as every output does.

A QA planner's crew (her repository C2): 10 workers of 10 hours with 1 overtime hour each, at
most 13 workers and 2 hires a month, hiring free. March's 300 units need more than 13 workers
can make: the shortage is bound by `max_workforce[crew,2027-03]`, April's by January's
`max_hires`. The crew's overload rows count them ("1,640.00 EUR at stake in the exceptions it
causes"), yet explain listed only exceptions bound by `capacity[crew,...]`: none, so the reader
could not learn that the ceiling is head-count or hiring, not hours.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.exception_words import kind_label, row_label
from sopctl.explain import PlanFrames, explain_resource
from sopctl.plan import read_plan_frames
from sopctl.plan_files import exception_messages, plan_files
from sopctl.plandiff.outputs import PlanSnapshot, diff_outputs
from sopctl.reconcile import PlanResult, reconcile
from sopctl.validate import Workspace
from tests.test_reconcile_support import ITEMS_HEADER, RES_HEADER, demand, make_ws, segment

P4 = ["2027-01", "2027-02", "2027-03", "2027-04"]
# what an overload is, by the overtime it uses (exception_words)
AT_CAPACITY = "at capacity"
AT_REGULAR_HOURS = "at regular hours, overtime left"
ON_OVERTIME = "on overtime, overtime left"


def _crew(tmp_path: Path) -> tuple[Workspace, PlanResult]:
    files = {
        "items.csv": ITEMS_HEADER + "Z,10,100,0,1,,\n",
        "resources.csv": RES_HEADER + "crew,labour,,0.1,2,1,10,10,0,0,2,,,13\n",
        "routings.csv": "item,resource,hours_per_unit\nZ,crew,1\n",
    }
    ws = make_ws(tmp_path, files, segments=[segment("s", penalty=10)], horizon=4)
    rows = [("Z", "s", p, q) for p, q in zip(P4, (100.0, 100.0, 300.0, 100.0), strict=True)]
    res = reconcile(ws, demand(rows))
    assert res.status == "optimal", (res.status, res.diagnosis)
    return ws, res


def _frames(res: PlanResult) -> PlanFrames:
    return PlanFrames(res.supply, res.capacity, res.exceptions, res.currency, res.materials)


def test_explain_lists_the_exceptions_bound_by_the_crews_workforce_and_hiring_limits(
    tmp_path: Path,
) -> None:
    ws, res = _crew(tmp_path)
    exc = res.exceptions
    bound = dict(zip(exc["kind"] + " " + exc["period"], exc["binding_constraint"], strict=True))
    assert bound["shortage 2027-03"] == "max_workforce[crew,2027-03]"
    assert bound["shortage 2027-04"] == "max_hires[crew,2027-01]"
    lines = explain_resource(ws, _frames(res), "crew", "2027-03")
    assert "  at capacity: 1,640.00 EUR at stake in the exceptions it causes." in lines
    assert "  the exceptions it causes (1,640.00 EUR in all):" in lines
    for kind in ("shortage", "late delivery"):
        assert (
            f"    Z ({kind}) in 2027-03 for s: 820.00 EUR at stake, bound by the maximum "
            "workforce of crew in 2027-03; 1 more worker allowed on crew in 2027-03 saves "
            "1,207.00 EUR." in lines
        )
    april = explain_resource(ws, _frames(res), "crew", "2027-04")
    assert "  the exceptions it causes (4,680.00 EUR in all):" in april
    assert (
        "    Z (shortage) in 2027-04 for s: 4,290.00 EUR at stake, bound by the hiring limit "
        "of crew in 2027-01; 1 more hire allowed on crew in 2027-01 saves 1,185.00 EUR."
    ) in april
    # January's hours bind at a price, but no exception counts toward them
    january = explain_resource(ws, _frames(res), "crew", "2027-01")
    assert "  at capacity: no exception caused, nothing at stake." in january
    assert not any("exceptions it causes" in ln for ln in january)


def test_the_listed_exceptions_add_up_to_the_value_from_the_written_files_too(
    tmp_path: Path,
) -> None:
    """Every overload's listed exceptions add up to its value, in memory and as read back from
    the written files (which keep the binding constraint, not the periods a hire works in)."""
    from sopctl.explain_counted import counted

    ws, res = _crew(tmp_path)
    files, _ = plan_files(ws, res)
    out = tmp_path / "out"
    out.mkdir()
    for name, data in files.items():
        (out / name).write_bytes(data)
    written = read_plan_frames(out, "EUR")
    lead = {"Z": 0}
    for f in (_frames(res), written):
        over = f.exceptions.filter(pl.col("kind") == "overload")
        assert over.height == 4
        for r in over.iter_rows(named=True):
            got = counted(f.exceptions, "crew", r["period"], P4, lead)
            assert float(got["value"].sum()) == pytest.approx(r["value"]), r["period"]
    # the story is the same from the files as from memory
    for p in P4:
        assert explain_resource(ws, written, "crew", p) == explain_resource(
            ws, _frames(res), "crew", p
        )


def test_a_hire_whose_exception_counts_toward_no_overload_is_left_out() -> None:
    """A hire's exception counts toward the latest overloaded period its hours could reach;
    where the solve found its stock could not reach it from there (the overload's value is
    the other exceptions alone), it is not listed."""
    from sopctl.explain_counted import counted

    exc = pl.DataFrame(
        {
            "kind": ["shortage", "shortage", "overload"],
            "item": ["A", "B", None],
            "segment": ["s", "s", None],
            "resource": ["crew", "crew", "crew"],
            "material": [None, None, None],
            "period": ["2027-02", "2027-02", "2027-02"],
            "quantity": [1.0, 1.0, 50.0],
            "value": [100.0, 40.0, 100.0],
            "binding_constraint": [
                "capacity[crew,2027-02]",
                "max_hires[crew,2027-01]",
                "capacity[crew,2027-02]",
            ],
            "shadow_price": [5.0, 9.0, 5.0],
        }
    )
    got = counted(exc, "crew", "2027-02", P4, {})
    assert got["item"].to_list() == ["A"]
    # with the value counting both, both are listed
    both = exc.with_columns(
        pl.when(pl.col("kind") == "overload").then(140.0).otherwise("value").alias("value")
    )
    assert counted(both, "crew", "2027-02", P4, {})["item"].to_list() == ["A", "B"]


def _line(tmp_path: Path, overtime_limit: str) -> tuple[Workspace, PlanResult]:
    # a line of 100 hours (regular 1, overtime 5 an hour), demand 105 in January that cannot
    # be built ahead, then exactly 100 a month
    files = {
        "items.csv": ITEMS_HEADER + "A,10,50,0,100,,\n",
        "resources.csv": RES_HEADER + f"line,fixed,100,1,5,{overtime_limit},,,,,,,,\n",
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
    }
    ws = make_ws(tmp_path, files, segments=[segment("s", policy="lost_sales", penalty=10)])
    months = zip(P4[:3], (105.0, 100.0, 100.0), strict=True)
    res = reconcile(ws, demand([("A", "s", p, q) for p, q in months]))
    assert res.status == "optimal", (res.status, res.diagnosis)
    return ws, res


def test_a_resource_on_overtime_with_overtime_left_is_worded_so_everywhere(
    tmp_path: Path,
) -> None:
    """QA: a pool at 113 % of its regular hours using 16.9 of 19.5 overtime hours read "at
    regular hours, overtime left". It is on overtime: one state, one name in every output."""
    ws, res = _line(tmp_path, "10")
    (over,) = res.exceptions.filter(pl.col("kind") == "overload").to_dicts()
    assert over["period"] == "2027-01" and over["quantity"] == pytest.approx(105.0)
    assert row_label(over) == ON_OVERTIME
    (msg,) = exception_messages(res.exceptions.filter(pl.col("kind") == "overload"), "EUR")
    assert msg.startswith("line on overtime, overtime left, in 2027-01: 105.0 hours, ")
    assert msg.endswith("; overtime not used up: 5.0 of 10.0 hours")
    # the written message gives the same label back (the report, diff and compare read it)
    assert row_label({"kind": "overload", "resource": "line", "message": msg}) == ON_OVERTIME
    lines = explain_resource(ws, _frames(res), "line", "2027-01")
    assert "  on overtime, overtime left: no exception caused, nothing at stake." in lines
    supply = res.supply.select("item", "period", "demand", "production")
    exc = res.exceptions.with_columns(exception_messages(res.exceptions, "EUR"))
    diff = diff_outputs(PlanSnapshot({}, supply, exc.clear()), PlanSnapshot({}, supply, exc))
    assert {e.label for e in diff.appeared if e.period == "2027-01"} == {ON_OVERTIME}


def test_labels_of_an_overload_by_the_overtime_it_uses() -> None:
    def row(used: str) -> dict[str, str]:
        return {
            "kind": "overload",
            "resource": "crew",
            "message": f"crew … in 2027-01: 1.0 hours; overtime not used up: {used} of 19.5 hours",
        }

    assert row_label(row("16.9")) == ON_OVERTIME
    assert row_label(row("1,016.9")) == ON_OVERTIME
    assert row_label(row("0.0")) == AT_REGULAR_HOURS
    assert row_label({"kind": "overload", "resource": "crew", "message": "x"}) == AT_CAPACITY
    cause = {
        "kind": "overload",
        "resource": "crew",
        "cause": "overtime not used up: 2.5 of 3 hours",
    }
    assert row_label(cause) == ON_OVERTIME
    assert kind_label("overload", "crew", None, True) == AT_REGULAR_HOURS


def test_explain_says_only_the_regular_hours_are_used_up_while_overtime_is_left(
    tmp_path: Path,
) -> None:
    """QA: "its hours are used up, but 1 more saves nothing" with all overtime left."""
    ws, res = _line(tmp_path, "10")
    feb = explain_resource(ws, _frames(res), "line", "2027-02")
    assert feb[0].endswith("overtime 0.0 h of at most 10.0 h.")
    assert (
        "  its regular hours are used up, but 1 more saves nothing: the plan has no use for it."
        in feb
    )
    assert not any("  its hours are used up" in ln for ln in feb)
    # without overtime, all its hours are used up
    ws, res = _line(tmp_path / "none", "0")
    feb = explain_resource(ws, _frames(res), "line", "2027-02")
    assert "  its hours are used up, but 1 more saves nothing: the plan has no use for it." in feb
