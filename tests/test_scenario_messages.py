"""What scenario commands say when something is misspelt or missing: the name meant, the line
of the overlay at fault, every error of a file at once, and deltas that agree with the
values shown beside them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sopctl.report.model import ScenarioRow
from sopctl.report.sections import scenarios as report_scenarios
from sopctl.scenarios.compare import Kpi
from sopctl.scenarios.words import cell
from sopctl.validate import validate
from tests.helpers import git, run
from tests.test_scenario_repo import CYCLE, scenario_yaml, tiny_repo

DEMAND = "  - {kind: demand, items: [A], segments: [key], factor: 1.1}\n"


def test_compare_names_the_scenario_a_misspelt_name_is_spelt_like(tmp_path: Path) -> None:
    root = tiny_repo(
        tmp_path / "tiny", {"valve_boom": scenario_yaml(DEMAND), "upside": scenario_yaml("")}
    )
    r = run(["compare", "2027-01", "base", "valveboom"], cwd=root)
    assert r.code == 2
    assert (
        "valveboom is not a scenario of cycle 2027-01, but base is: compare scenarios of one "
        "cycle, or git revisions, not both"
    ) in r.err
    assert "hint: did you mean valve_boom? sopctl compare 2027-01 base valve_boom" in r.err
    r = run(["compare", "upside", "valveboom", "lost"], cwd=root)
    assert r.code == 2
    assert "valveboom and lost are not scenarios of cycle 2027-01, but upside is" in r.err
    assert "did you mean valve_boom for valveboom? scenarios of cycle 2027-01: base," in r.err
    # no scenario named: revisions, but one spelt like a scenario that is no revision either
    r = run(["compare", "valveboom"], cwd=root)
    assert r.code == 2
    assert "valveboom is neither a scenario of cycle 2027-01 nor a git revision" in r.err
    assert "hint: did you mean valve_boom? sopctl compare valve_boom" in r.err
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    git(root, "branch", "upsides")  # a branch spelt like a scenario is still a revision
    r = run(["compare", "upsides", "--format", "json"], cwd=root)
    assert r.code == 0, r.err
    r = run(["reconcile", "--scenario", "valveboom", "--dry-run"], cwd=root)
    assert r.code == 2 and "hint: did you mean valve_boom?" in r.err
    r = run(["adopt", "valveboom", "--dry-run"], cwd=root)
    assert r.code == 2 and "hint: did you mean valve_boom?" in r.err


def test_a_misspelt_kind_names_the_kind_and_hides_no_other_error(tmp_path: Path) -> None:
    text = (
        "description: Valves boom\nowner: ops_leed\noverlays:\n"  # lines 1-3
        "  - {kind: demand, items: [A], factor: 1.4}\n"  # 4
        "  - kind: demnad\n    items: [A]\n    factor: 1.4\n"  # 5-7
        "  - kind: capacity\n    resources: [LINE-Z]\n    hours: 10\n    bogus: 1\n"  # 8-11
        "  - {kind: shift, resources: [LYNE], from: 2027-02, hours: 10}\n"  # 12
    )
    root = tiny_repo(tmp_path / "tiny", {"s": text})
    path = f"{CYCLE}/scenarios/s.yaml"
    got = sorted((f.line, f.code, f.message) for f in validate(root) if f.path == path)
    assert [(line, code) for line, code, _ in got] == [
        (2, "SOP627"),
        (5, "SOP108"),
        (9, "SOP623"),
        (11, "SOP106"),
        (12, "SOP623"),
    ]
    assert "did you mean 'ops_lead'?" in got[0][2]
    assert got[1][2].startswith("'overlays.1' (entry 2 of overlays): kind 'demnad' is not one of")
    assert got[1][2].endswith("; did you mean 'demand'?")
    assert "resource 'LINE-Z' is not in" in got[2][2] and "'LYNE'" in got[4][2]
    # a kind like none of the kinds gets no guess
    root = tiny_repo(tmp_path / "tiny2", {"s": scenario_yaml("  - {kind: weather}\n")})
    (f,) = [f for f in validate(root) if f.path == path]
    assert "kind 'weather' is not one of" in f.message and "did you mean" not in f.message


def test_sop633_points_at_the_overlay_that_needs_the_table(tmp_path: Path) -> None:
    overlays = (
        "  - {kind: supplier, materials: [M], delay: 1}\n"  # line 4: needs no new table
        "  - {kind: price, items: [A], from: 2027-02, factor: 1.1}\n"  # 5: period_prices
        + DEMAND  # 6: overrides
    )
    root = tiny_repo(tmp_path / "tiny", {"pump": scenario_yaml(overlays)})
    r = run(["adopt", "pump", "--owner", "sam@tiny.example"], cwd=root)
    assert r.code == 1, r.out + r.err
    shown = f"{CYCLE}/scenarios/pump.yaml"
    assert f"{shown}:5:5: error SOP633 adopting 'pump' needs a period_prices table" in r.out
    assert f"{shown}:6:5: error SOP633 adopting 'pump' needs an overrides table" in r.out


def _kpi(unit: str, base: float, other: float) -> Kpi:
    return Kpi("k", "K", "service", unit, "higher", {"base": base, "s": other}, ())


def test_a_delta_agrees_with_the_values_shown() -> None:
    """99.99 % beside 100.00 % is −0.01 pp, not 0.00 pp; in compare's one decimal, 99.9 %
    beside 100.0 % is −0.1 pp, not no change."""
    assert cell(_kpi("share", 1.0, 0.99996), "s", "base") == "99.9% (−0.1 pp)"
    assert cell(_kpi("share", 0.5, 0.50004), "s", "base") == "50.0%"
    assert cell(_kpi("pct", 38.84, 38.86), "s", "base") == "38.9% (+0.1 pp)"
    rows = [ScenarioRow("Service level key", "share", 1.0, {"base": 1.0, "s": 0.99995})]
    d: Any = SimpleNamespace(
        scenario_note="note", scenarios=rows, scenario_names=["s"], header=SimpleNamespace()
    )
    d.header.currency = "EUR"
    html = report_scenarios(d, lambda head, body, numeric: repr([list(r) for r in body]))
    assert "'99.99 %', '−0.01 pp'" in html, html
