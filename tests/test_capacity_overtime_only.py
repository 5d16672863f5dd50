"""A resource's period with no regular hours that still works overtime (a maintenance month
entered as `capacity.csv` hours 0, the overtime limit kept) has no utilisation: load ÷ 0.

A QA planner found the report's tooltip reading "load 10 h (0.0 % of 0 h regular), overtime
10 h", reconcile's heat table a blank cell, and summary.json's `utilisation_peaks` skipping
the month, so the report's "Peak utilisation" and a charter's `capacity_utilisation` metric
missed the bottleneck. Such a period is now "overtime only (no regular hours)" wherever
utilisation is shown ("OT only" in the heat table) and its resource's peak, flagged
`overtime_only: true` (docs/reconcile.md, "Result files").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sopctl.check.metrics import metric_findings
from sopctl.results import peak_utilisation
from sopctl.schemas.charter import Metric
from tests.helpers import make_repo, run

CYCLE = "cycles/2026-12"
OUT = f"{CYCLE}/outputs"
ONLY = "overtime only (no regular hours)"


@pytest.fixture
def shut(tmp_path: Path) -> Path:
    """The minimal demo with its assembly line shut for maintenance in March (0 hours, its
    overtime limit of 40 hours kept, overtime cheap that month) and a charter metric on peak
    utilisation of at most 120 %."""
    root = make_repo(tmp_path / "plan")
    charter = root / "charters" / "acme.yaml"
    text = charter.read_text(encoding="utf-8")
    inv = "  - {file: inventory.csv, table: inventory, owner: ops_lead, due: reconcile}\n"
    cap = "  - {file: capacity.csv, table: capacity, owner: ops_lead, due: reconcile}\n"
    metric = "  - {name: capacity_utilisation, target: 1.2, direction: at_most, owner: ops_lead}\n"
    assert inv in text and "metrics:\n" in text
    text = text.replace(inv, inv + cap).replace("metrics:\n", "metrics:\n" + metric)
    charter.write_text(text, encoding="utf-8")
    (root / CYCLE / "inputs" / "capacity.csv").write_text(
        "resource,period,hours,overtime_cost\nASSY,2027-03,0,5\n", encoding="utf-8"
    )
    return root


def _page(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_month_on_overtime_only_is_named_and_counted_as_the_peak(
    shut: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    said = run(["reconcile"], cwd=shut)
    assert said.code == 0, said.out + said.err
    # the file keeps no utilisation for it: there is none
    rows = (shut / OUT / "capacity_plan.csv").read_text(encoding="utf-8").splitlines()
    (march,) = [r for r in rows if r.startswith("ASSY,fixed,2027-03,")]
    assert march.split(",")[3:8] == ["0.0000", "40.0000", "40.0000", "40.0000", ""]
    # the heat table marks it, in a column as wide as the others' cells
    heat = [ln for ln in said.out.splitlines() if ln.startswith("│ 2027-03")]
    assert heat and "OT only" in heat[0]
    assert "OT only: load on overtime only (no regular hours)" in said.out
    # the summary's peak of the line is that month, flagged; the crew's stays a share
    summary = (shut / OUT / "summary.json").read_bytes()
    peaks = json.loads(summary)["utilisation_peaks"]
    assert peaks[0] == {
        "overtime_only": True,
        "period": "2027-03",
        "resource": "ASSY",
        "utilisation": None,
    }
    assert peaks[1]["resource"] == "CREW" and "overtime_only" not in peaks[1]
    # a rerun writes the same bytes
    assert run(["reconcile"], cwd=shut).code == 0
    assert (shut / OUT / "summary.json").read_bytes() == summary
    # explain says it in the same words
    told = run(["explain", "ASSY", "-p", "2027-03"], cwd=shut)
    assert told.code == 0, told.out + told.err
    assert f"ASSY in 2027-03: load 40.0 h on {ONLY}, overtime 40.0 h of at most 40.0 h." in (
        told.out
    )
    # the report: the KPI names the month and misses the charter's 120 %, never "0.0 %"
    r = run(["report", "--out", "r.html"], cwd=shut)
    assert r.code == 0, r.out + r.err
    html = (shut / "r.html").read_text(encoding="utf-8")
    page = _page(html)
    assert f"Peak utilisation {ONLY} target ≤ 120.0 % misses ASSY in 2027-03" in page
    assert f"2027-03: load 40 h on {ONLY}, overtime 40 h, demand needs " in html
    assert "0.0 % of 0 h regular" not in html and "of 0 h regular" not in html
    assert f"Peak utilisation: {ONLY} in 2027-03; 100.0 % at most in the other periods" in page


def test_the_peak_on_overtime_only_comes_before_any_share_and_misses_a_metric() -> None:
    summary = {
        "utilisation_peaks": [
            {"resource": "crew", "period": "2027-02", "utilisation": 1.15},
            {"resource": "line", "period": "2027-03", "utilisation": None, "overtime_only": True},
        ]
    }
    got = peak_utilisation(summary)
    assert got is not None
    assert got[0]["resource"] == "line" and got[1] == float("inf")
    # a peak without regular hours and without the flag (no load) is still no peak
    assert peak_utilisation({"utilisation_peaks": [{"resource": "x", "utilisation": None}]}) is None
    m = Metric(name="capacity_utilisation", target=1.2, direction="at_most", owner="ops")
    (f,) = [x for x in metric_findings([m], summary, "charters/c.yaml", {}) if x.code == "SOP804"]
    assert f"capacity_utilisation of line in 2027-03 is {ONLY}, target ≤ 1.2" in f.message
    assert "inf" not in f.message
