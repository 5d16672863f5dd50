"""Plans of the same cost that differ: compare says so, in every format and in the report.

Between revisions (each solved on its own) a model with several plans of the same least cost
may give either: +9 EUR of working capital and one exception swapped for another is then no
effect of the change. A scenario solved in place keeps the base's plan wherever it is still
optimal (tests/test_scenario_kept.py), so there the same-cost moves are the scenario's own.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest
from rich.console import Console

from sopctl.cli.scenario_view import show_comparison
from sopctl.findings import Report
from sopctl.plandiff.outputs import PlanSnapshot
from sopctl.report import records
from sopctl.scenarios.compare import Comparison, Option, compare_options
from sopctl.scenarios.markdown import to_markdown
from tests.test_scenario_compare import plan

SUB_S = ("safety_stock", "PMP-SUB-S", "2027-08", 2.8)
SUB_M = ("safety_stock", "PMP-SUB-M", "2027-08", 1.53)


def _tied(wc: float = 59.0, cost: float = 600.0, peak: float = 0.9) -> PlanSnapshot:
    """The base's cost, another supply plan (2.8 units made a month later)."""
    p = plan(1000.0, cost, 1.0, peak, [SUB_S])
    p.summary["finance"]["average_working_capital"] = wc
    p.supply = pl.DataFrame({"item": ["A"], "period": ["2027-08"], "demand": [100.0]})
    return p


def _comparison(mode: str, other: PlanSnapshot) -> Comparison:
    base = plan(1000.0, 600.0, 1.0, 0.9, [SUB_M])
    names = ("base", "shift") if mode == "scenarios" else ("main", "scenario/shift")
    options = [Option(names[0], base), Option(names[1], other)]
    return compare_options(options, "2027-01", mode)


def _text(c: Comparison) -> str:
    out = io.StringIO()
    show_comparison(c, Console(file=out, width=200, highlight=False))
    return " ".join(out.getvalue().split())


@pytest.mark.parametrize("mode", ["scenarios", "revisions"])
def test_the_same_cost_with_another_plan_is_said_in_every_format(mode: str) -> None:
    c = _comparison(mode, _tied())
    base, other = c.names
    doc = c.to_dict()
    assert doc["options"][0]["same_cost"] is None
    tie: dict[str, Any] = doc["options"][1]["same_cost"]
    assert tie["differs"] == ["working_capital_avg"]
    head = (
        f"{other}: the same plan cost as {base}; the plans differ where the costs are equal "
        "(Working capital, average (EUR); exceptions 1 new, 1 cleared)"
    )
    assert tie["note"].startswith(head)
    if mode == "revisions":
        assert "alternative optimum, not an effect of the change" in tie["note"]
    else:
        assert "moves the scenario makes at no extra cost" in tie["note"]
    assert head in _text(c)
    assert f"> {head}" in to_markdown(c)
    # the differences stay in the table: nothing is hidden
    assert "59 (+9" in _text(c)


def test_no_note_when_the_cost_differs_or_the_plans_are_the_same() -> None:
    doc = _comparison("scenarios", _tied(cost=610.0)).to_dict()
    assert doc["options"][1]["same_cost"] is None
    # the same supply plan on a line with more hours: utilisation differs, the plan does not
    more_hours = plan(1000.0, 600.0, 1.0, 0.8, [SUB_M])
    assert _comparison("scenarios", more_hours).to_dict()["options"][1]["same_cost"] is None
    same = plan(1000.0, 600.0, 1.0, 0.9, [SUB_M])
    c = _comparison("scenarios", same)
    assert c.to_dict()["options"][1]["same_cost"] is None and not c.same_cost_notes()
    assert "same plan cost" not in _text(c) and "same plan cost" not in to_markdown(c)
    json.dumps(c.to_dict())


def test_the_report_scenario_table_says_it_too(monkeypatch: pytest.MonkeyPatch) -> None:
    options = [
        Option("base", plan(1000.0, 600.0, 1.0, 0.9, [SUB_M])),
        Option("shift", _tied()),
    ]
    monkeypatch.setattr("sopctl.scenarios.load.declared", lambda ws: ["shift"])
    monkeypatch.setattr(
        "sopctl.scenarios.sources.scenario_options",
        lambda root, cycle, only: (None, [], options),
    )
    src: Any = SimpleNamespace(ws=SimpleNamespace(root=None, cycle_id="2027-01"), report=Report())
    rows, names, note = records.scenarios(src, None)
    assert names == ["shift"] and rows
    assert "shift: the same plan cost as base; the plans differ where the costs are equal" in note
