"""The numbers `sopctl adopt` writes are the ones a person would write, and the scenario's plan
was made with exactly those numbers.

700 x 0.7 is 489.99999999999994 in binary floating point. Every overlay that computes a value
(a factor or a change on supplier capacity, capacity hours, prices, unit costs, hourly costs,
scheduled receipts, and a material's change rolled into its items) rounds it to 12
significant digits, so the scenario is solved with 490 and adopt writes 490. Values nobody
computed keep their spelling.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sopctl.plan import run_reconcile
from sopctl.scenarios.adopt import plan_adoption, write_adoption
from sopctl.scenarios.frames import tidy_number
from sopctl.scenarios.run import run_scenarios
from tests.helpers import git, run, write_files
from tests.test_adopt_cli import OWNER, PLAN, full_repo
from tests.test_scenario_repo import CYCLE, scenario_yaml

RECEIPTS_DECL = (
    "  - {file: receipts.csv, table: scheduled_receipts, owner: ops_lead, due: reconcile}\n"
)

# scenario -> overlays, and the lines adopt must write (file -> lines expected in it); each
# factor or change gives binary noise on the tiny repository's numbers without the rounding
NOISY = {
    # M's capacity 100 x 1.15 = 114.99999999999999
    "supplier": (
        "  - {kind: supplier, materials: [M], capacity_factor: 1.15}\n",
        {"materials.csv": ["M,Acme Metals,2,1,115,0"]},
    ),
    # LINE's 100 hours x 1.1 = 110.00000000000001, as capacity rows of February and March
    "capacity": (
        "  - {kind: capacity, resources: [LINE], from: 2027-02, factor: 1.1}\n",
        {"capacity.csv": ["LINE,2027-02,110,", "LINE,2027-03,110,"]},
    ),
    # A's price 20 x 1.07 = 21.400000000000002; with a range, period_prices rows
    "price": (
        "  - {kind: price, items: [A], factor: 1.07}\n"
        "  - {kind: price, items: [B], from: 2027-03, factor: 1.1}\n",
        {"items.csv": ["A,pumps,10,21.4,0,1"], "period_prices.csv": ["B,spot,2027-03,8.8"]},
    ),
    # A's unit cost 10 x 1.07 = 10.700000000000001; M's cost 2 + 0.1 + 0.2 compounds to
    # 2.3000000000000003, and A takes the change of its material (one M each)
    "cost": (
        "  - {kind: cost, materials: [M], change: 0.1}\n"
        "  - {kind: cost, materials: [M], change: 0.2}\n"
        "  - {kind: cost, items: [B], factor: 1.07}\n"
        "  - {kind: cost, resources: [CREW], factor: 1.1}\n",
        {
            "materials.csv": ["M,Acme Metals,2.3,1,100,0"],
            "items.csv": ["A,pumps,10.3,20,0,1", "B,valves,5.35,8,0,0.5"],
            "resources.csv": ["CREW,labour,,1.1,,,2,100,50,50"],
        },
    ),
    # PO-9's 50 x 1.1 = 55.00000000000001
    "receipts": (
        "  - {kind: receipts, items: [B], from: 2027-01, to: 2027-01, factor: 1.1}\n",
        {"receipts.csv": ["PO-9,B,2027-01,55"]},
    ),
    # A's key demand 50 x 1.1: the override is 5, not 5.000000000000007
    "demand": (
        "  - {kind: demand, items: [A], segments: [key], from: 2027-03, factor: 1.1}\n",
        {"overrides.csv": ["demand-001,A,key,2027-03,delta,5,sam@tiny.example,"]},
    ),
}


def noisy_repo(root: Path, sid: str) -> Path:
    full_repo(root, {sid: scenario_yaml(NOISY[sid][0])})
    charter = root / "charters" / "tiny.yaml"
    text = charter.read_text(encoding="utf-8").replace("inputs:\n", "inputs:\n" + RECEIPTS_DECL)
    write_files(
        root,
        {
            "charters/tiny.yaml": text,
            f"{CYCLE}/inputs/receipts.csv": "order_id,item,period,quantity\nPO-9,B,2027-01,50\n",
        },
    )
    return root


def test_a_computed_number_keeps_12_significant_digits() -> None:
    assert tidy_number(700 * 0.7) == 490.0
    assert tidy_number(0.1 + 0.2) == 0.3
    assert tidy_number(1234.5678) == 1234.5678  # fewer digits: as it was
    assert tidy_number(1 / 3) == 0.333333333333
    assert tidy_number(2.5e-9 * 3) == 7.5e-9


@pytest.mark.parametrize("sid", sorted(NOISY))
def test_adopt_writes_the_numbers_the_scenario_was_solved_with(tmp_path: Path, sid: str) -> None:
    root = noisy_repo(tmp_path / "tiny", sid)
    solved = run_scenarios(root, None, [sid], dry_run=True)
    assert solved.ok, [str(f) for s in solved.scenarios for f in s.report]
    scenario = solved.scenarios[0]
    before = {
        p.name: p.read_text(encoding="utf-8") for p in (root / CYCLE / "inputs").glob("*.csv")
    }
    got = plan_adoption(root, None, sid, OWNER)
    assert got.ok, [str(f) for f in got.report]
    write_adoption(got)
    for name, lines in NOISY[sid][1].items():
        text = (root / CYCLE / "inputs" / name).read_text(encoding="utf-8")
        for line in lines:
            assert any(row.startswith(line) for row in text.splitlines()), (name, text)
        # no number with more than 12 significant digits in a changed file
        for cell in text.replace("\n", ",").split(","):
            digits = cell.replace(".", "").replace("-", "").lstrip("0")
            if digits.isdigit():
                assert len(digits.rstrip("0")) <= 12, (name, cell)
        old = set(before[name].splitlines())  # every unchanged line is as it was
        assert {r for r in text.splitlines() if r in old} <= old
    base = run_reconcile(root, None, dry_run=True)
    assert base.result is not None and base.result.ok
    for name in [*PLAN, "finance.csv"]:  # the same numbers in: the same plan out
        assert base.files[name] == scenario.files[name], (sid, name)


def test_the_cli_writes_490_for_700_times_0_7(tmp_path: Path) -> None:
    """The QA case: a supplier 30 % short on a capacity of 700."""
    late = "  - {kind: supplier, suppliers: [Acme Metals], delay: 2, capacity_factor: 0.7}\n"
    root = full_repo(tmp_path / "tiny", {"late": scenario_yaml(late)})
    mats = root / CYCLE / "inputs" / "materials.csv"
    mats.write_text(mats.read_text("utf-8").replace(",1,100,0", ",1,700,0"), "utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    r = run(["adopt", "late"], cwd=root)
    assert r.code == 0, r.out + r.err
    diff = git(root, "diff", "--unified=0", "--", f"{CYCLE}/inputs/materials.csv")
    assert "-M,Acme Metals,2,1,700,0\n+M,Acme Metals,2,3,490,0\n" in diff
