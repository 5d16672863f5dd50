"""A number that reaches the LP and that the solver cannot hold (QA finding 4: a demand factor
of 1e20 silently did nothing, 1e9 came out infeasible, 1e12 'optimal' with negative revenue) is
a located validation error that names the largest value sopctl accepts and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run
from tests.test_scenario_repo import CHARTER, CYCLE, scenario_yaml, tiny_repo

FACTOR_LIMIT, LP_LIMIT = 1e3, 1e9  # schemas.common, as docs/formats.md states them
FILE = f"{CYCLE}/scenarios/s.yaml"
LINE = 4  # the overlay's line: description, owner, overlays:, then the entry
FACTOR_WORDS = "must be at most 1000, the largest factor sopctl accepts"
AMOUNT_WORDS = "must lie within ±1e9, the largest size sopctl accepts"

# (overlay entry, its key, words the message holds)
TOO_BIG = [
    ("{kind: demand, items: [A], factor: 1.0e+20}", "factor", FACTOR_WORDS),
    ("{kind: demand, items: [A], factor: 1.0e+6}", "factor", FACTOR_WORDS),
    ("{kind: demand, items: [A], units: 1.0e+12}", "units", AMOUNT_WORDS),
    ("{kind: demand, items: [A], units: -1.0e+12}", "units", AMOUNT_WORDS),
    ("{kind: capacity, resources: [LINE], factor: 1.0e+300}", "factor", FACTOR_WORDS),
    ("{kind: capacity, resources: [LINE], hours: 1.0e+10}", "hours", AMOUNT_WORDS),
    ("{kind: shift, resources: [LINE], from: 2027-01, hours: 1.0e+20}", "hours", AMOUNT_WORDS),
    ("{kind: supplier, materials: [M], capacity_factor: 1.0e+4}", "capacity_factor", FACTOR_WORDS),
    ("{kind: supplier, materials: [M], capacity_units: 1.0e+20}", "capacity_units", AMOUNT_WORDS),
    ("{kind: receipts, factor: 5000}", "factor", FACTOR_WORDS),
    ("{kind: price, items: [A], factor: 1.0e+9}", "factor", FACTOR_WORDS),
    ("{kind: price, items: [A], change: 1.0e+15}", "change", AMOUNT_WORDS),
    ("{kind: cost, items: [A], factor: 1.0e+9}", "factor", FACTOR_WORDS),
    ("{kind: cost, resources: [LINE], change: -1.0e+10}", "change", AMOUNT_WORDS),
]


def _findings(root: Path) -> list[dict]:
    r = run(["validate", "--format", "json"], cwd=root)
    doc = json.loads(r.out)
    assert r.code == (1 if doc["findings"] else 0), r.out + r.err
    return [f for f in doc["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize(("entry", "key", "words"), TOO_BIG)
def test_an_overlay_number_the_solver_cannot_hold_is_located(
    tmp_path: Path, entry: str, key: str, words: str
) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": scenario_yaml(f"  - {entry}\n")})
    (f,) = _findings(root)
    assert (f["code"], f["path"], f["line"]) == ("SOP108", FILE, LINE)
    assert f["col"] == entry.index(f"{key}:") + 5  # 1-based, after "  - "
    assert f["message"].startswith(f"'overlays.0.{key}' is ") and words in f["message"]
    assert "solver" in f["message"]


@pytest.mark.parametrize(
    "entry",
    [
        f"{{kind: demand, items: [A], factor: {FACTOR_LIMIT:g}}}",
        f"{{kind: demand, items: [A], units: {-LP_LIMIT:.1e}}}",
        f"{{kind: price, items: [A], change: {LP_LIMIT:.1e}}}",
        "{kind: receipts, factor: 0}",
    ],
)
def test_the_limits_themselves_are_accepted(tmp_path: Path, entry: str) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": scenario_yaml(f"  - {entry}\n")})
    assert _findings(root) == []


@pytest.mark.parametrize(
    ("penalty", "ok"), [("1.0e+300", False), ("1.0e+10", False), ("1.0e+9", True)]
)
def test_a_shortage_penalty_the_solver_cannot_hold_is_located(
    tmp_path: Path, penalty: str, ok: bool
) -> None:
    root = tiny_repo(tmp_path / "tiny")
    charter = CHARTER.replace("shortage_penalty: 5}", f"shortage_penalty: {penalty}}}")
    (root / "charters" / "tiny.yaml").write_text(charter, encoding="utf-8")
    found = _findings(root)
    if ok:
        assert found == []
        return
    (f,) = found
    line = charter.splitlines().index(f"     shortage_penalty: {penalty}}}") + 1
    assert (f["code"], f["path"], f["line"]) == ("SOP108", "charters/tiny.yaml", line)
    assert (
        f["message"].startswith("'segments.1.shortage_penalty' is ")
        and AMOUNT_WORDS in f["message"]
    )
