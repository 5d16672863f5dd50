"""Actuals for periods outside the committed horizon are not compared with the plan; learn
says so (SOP735, a warning at the first such row) instead of dropping them silently, and a
section whose given file has no row inside the horizon says that, not "add the file"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run, write_files
from tests.test_learn_support import three_cycles


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return three_cycles(tmp_path / "plan")


def learn(root: Path, *args: str) -> tuple[int, dict]:
    r = run(["learn", *args, "--format", "json"], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    return r.code, json.loads(r.out)


def test_actuals_only_after_the_horizon_are_a_warning_and_the_reason(repo: Path) -> None:
    body = "item,segment,period,ordered,shipped\n"
    body += "P-100,strategic,2027-09,100,100\nP-100,standard,2027-09,80,80\n"
    write_files(repo, {"elsewhere/demand.csv": body})
    code, doc = learn(repo, "sop/2026-12/v1", "--actuals", "elsewhere")
    assert code == 0  # a warning: the exit code is the metrics'
    found = [f for f in doc["findings"] if f["code"] == "SOP735"]
    assert len(found) == 1
    f = found[0]
    assert (f["path"], f["line"], f["col"], f["severity"]) == (
        "elsewhere/demand.csv",
        2,
        3,
        "warning",
    )
    assert f["message"].startswith("both rows of demand.csv fall outside")
    assert (
        "outside the committed horizon 2027-01..2027-06 of sop/2026-12/v1 (period 2027-09)"
        in f["message"]
    )
    assert f["message"].endswith(
        "; no committed cycle's horizon holds them all: check their periods, or learn the cycle "
        "that plans them once it is committed"
    )
    assert doc["observed_periods"] == []
    notes = {
        (r["section"], r["metric"]): r["note"] for r in doc["scorecard"] if r["status"] == "no_data"
    }
    said = "no actuals in the committed horizon 2027-01..2027-06: demand.csv has no row inside it"
    assert notes[("forecast", "wape")] == said
    assert notes[("lag", "wape")] == said
    assert notes[("service", "unit_fill_rate")] == said
    text = run(["learn", "sop/2026-12/v1", "--actuals", "elsewhere"], cwd=repo)
    assert text.code == 0
    assert "elsewhere/demand.csv:2:3: warning SOP735" in text.out
    assert "add demand.csv" not in text.out


def test_a_shared_folder_reaching_past_the_horizon_is_no_finding(repo: Path) -> None:
    """actuals/ serves every cycle: its order line SO-4 (2027-09) is after the horizon of
    sop/2026-12/v1 while its other lines are inside; that is the documented practice, not a
    mistake, so there is no finding (only a file with no row inside the horizon gets one)."""
    _, doc = learn(repo, "sop/2026-12/v1")
    assert [f for f in doc["findings"] if f["code"] == "SOP735"] == []
    fill = [r for r in doc["scorecard"] if r["metric"] == "line_fill_rate"]
    assert fill and all(r["status"] != "no_data" for r in fill)


@pytest.mark.parametrize(
    ("period", "tags"),
    [("2027-08", "sop/2027-02/v1"), ("2027-07", "sop/2027-01/v1 or sopctl learn sop/2027-02/v1")],
)
def test_actuals_of_another_committed_cycle_name_it(repo: Path, period: str, tags: str) -> None:
    """SOP735 said 'learn the cycle whose horizon holds them' while it knows which one."""
    body = f"item,segment,period,ordered,shipped\nP-100,strategic,{period},100,100\n"
    write_files(repo, {"elsewhere/demand.csv": body})
    _, doc = learn(repo, "sop/2026-12/v1", "--actuals", "elsewhere")
    (f,) = [f for f in doc["findings"] if f["code"] == "SOP735"]
    assert f["message"].endswith(f"; run sopctl learn {tags} to score it"), f["message"]
