"""The input-hygiene comparison with the previous cycle (SOP740-SOP745): what it reads of that
cycle, when it runs, and which deals it judges. Two cycles of the minimal example as in
test_signal_hygiene (2026-12 planning 2027-01..2027-06, 2027-01 planning 2027-02..2027-07).
Last, the expiry of a charter without a pipeline section."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sopctl import periods
from sopctl.demand import demand_is_current
from sopctl.previous_inputs import previous_inputs
from sopctl.signal.compare import coverage
from sopctl.signal.frames import LINE, Horizon, dense, series_index, usable
from sopctl.signal.hygiene import previous_coverage
from sopctl.signal.pipeline import pipeline_layer
from sopctl.tables.check import Table
from sopctl.tables.contracts import CONTRACTS
from sopctl.tables.refs import ord_col
from sopctl.validate import load_workspace
from tests.helpers import run
from tests.test_signal_hygiene import HEADER, PREVIOUS, hygiene, two_cycles

TARGETS = (
    "segment,period,target\nstrategic,2027-02,100\nstrategic,2027-03,100\n"
    "standard,2027-04,50\nstrategic,2027-06,10\nstandard,2027-07,20\n"
)


def random_deals(n: int, seed: int) -> str:
    """n deal rows over both items and segments: every stage, close periods from long past
    (expired, stale) to past the horizon, shipping over 1-5 periods, some slipped."""
    rng = random.Random(seed)
    rows = [HEADER]
    for d in range(n):
        item, seg = rng.choice(["P-100", "P-200"]), rng.choice(["strategic", "standard"])
        stage = rng.choice(["qualified", "proposal", "committed"])
        month = rng.randrange(-8, 9)  # 2026-04 .. 2027-08
        close = f"{2026 + (11 + month) // 12}-{(11 + month) % 12 + 1:02d}"
        qty = round(rng.uniform(1, 500), rng.choice([0, 1, 3]))
        ship, slips = rng.randint(1, 5), rng.choice([0, 0, 1, 3])
        rows.append(f"D-{d:04d},Acct,{item},{seg},{stage},{qty},{close},{ship},{slips}\n")
    return "".join(rows)


def test_previous_coverage_is_the_pipeline_layer_summed_per_segment(tmp_path: Path) -> None:
    """The previous cycle's coverage, summed from its deal rows per segment and period, is the
    one `sopctl demand` computed from the layer's source rows (one per deal and period):
    the same weights, expiry, placement and cut at the horizon's end."""
    previous = random_deals(400, seed=7)
    repo = two_cycles(tmp_path / "plan", PREVIOUS, previous=previous, targets=TARGETS)
    ws, report = load_workspace(repo, "2027-01")
    assert report.ok
    prev = previous_inputs(ws, "2026-12")
    assert prev is not None and prev.pipeline is not None
    got = previous_coverage(prev)
    deals = usable(prev.pipeline, ["item", "segment"])
    assert deals is not None and deals.height == 400
    index = series_index([deals])
    layer = pipeline_layer(prev.pipeline, prev.rules, index, prev.hz)
    assert layer.findings  # stale, slipped, expired and cut deals are among them
    pipeline = dense(layer.sources, index.height, prev.hz)
    want = coverage(prev.targets, index, prev.hz, pipeline)
    assert want.height == 4  # 2027-07 lies after 2026-12's horizon
    assert (want["weighted_pipeline"] > 0).all()
    assert_frame_equal(got, want, check_exact=False, rel_tol=1e-12, abs_tol=1e-9)


COVERED = HEADER + (
    "D-010,Hotel,P-100,strategic,committed,100,2027-02,1,0\n"
    "D-011,India,P-200,standard,committed,100,2027-02,1,0\n"
)


@pytest.mark.parametrize("broken", ["missing", "no quantity column"])
def test_no_coverage_comparison_when_the_previous_pipeline_cannot_be_read(
    tmp_path: Path, broken: str
) -> None:
    """Targets in both cycles, deals only readable in this one: the previous coverage is
    unknown, not 0, so no SOP745 "from none" for every segment (nor any deal warning)."""
    targets = "segment,period,target\nstrategic,2027-03,100\nstandard,2027-03,100\n"
    repo = two_cycles(tmp_path / "plan", COVERED, previous=COVERED, targets=targets)
    assert hygiene(repo, "2027-01") == []  # readable: compared, nothing changed
    old = repo / "cycles" / "2026-12" / "inputs" / "pipeline.csv"
    if broken == "missing":
        old.rename(old.with_name("pipeline.csv.bak"))
    else:
        old.write_text(COVERED.replace(",quantity", ",qty"))
    assert hygiene(repo, "2027-01") == []
    assert run(["demand", "2027-01"], cwd=repo).code == 0


WON_LOST = "    - {id: won, probability: 1.0}\n    - {id: lost, probability: 0.0}\n"


def test_won_and_lost_deals_are_not_judged_as_inflated(tmp_path: Path) -> None:
    """Stages won (1.0) and lost (0.0) beside qualified, proposal, committed. D-001 proposal →
    won is a deal closing, no stage jump (no SOP743); D-002 lost with its close moved and no
    slip counted (no SOP740); D-003 won with its quantity grown 90 → 200 (no SOP742); D-004,
    won in both cycles, with its slip count reset (no SOP741); D-005, new and lost, 5,000 units
    (no SOP744). D-006, new and open (qualified), 631 units: still SOP744."""
    previous = PREVIOUS + "D-004,Echo,P-200,standard,won,50,2027-01,1,2\n"
    now = HEADER + (
        "D-001,Borealis,P-100,strategic,won,200,2027-01,2,1\n"
        "D-002,Cobalt,P-200,standard,lost,300,2027-04,3,0\n"
        "D-003,Delta Works,P-200,strategic,won,200,2027-03,1,2\n"
        "D-004,Echo,P-200,standard,won,50,2027-01,1,0\n"
        "D-005,Foxtrot,P-100,standard,lost,5000,2027-04,1,0\n"
        "D-006,Golf,P-100,standard,qualified,631,2027-04,1,0\n"
    )
    repo = two_cycles(tmp_path / "plan", now, previous=previous, moving_average=True)
    charter = repo / "charters" / "acme.yaml"
    text = charter.read_text()
    stages = "    - {id: committed, probability: 0.9}\n"
    charter.write_text(text.replace(stages, stages + WON_LOST, 1))
    fs = hygiene(repo, "2027-01")
    assert [(f.code, f.line) for f in fs] == [("SOP744", 7)]
    assert "deal D-006 (P-100, standard) is new since cycle 2026-12" in fs[0].message


def test_editing_the_previous_cycle_makes_the_demand_view_stale(tmp_path: Path) -> None:
    """The warnings against the previous cycle depend on its pipeline: after it is edited
    (D-003 had slipped 5 times, now 2: SOP741), the recorded view is no longer current, and
    `sopctl reconcile` rebuilds it and reports the new warning rather than the old (none)."""
    repo = two_cycles(tmp_path / "plan", PREVIOUS)
    assert run(["demand", "2027-01"], cwd=repo).code == 0
    manifest = repo / "cycles" / "2027-01" / "outputs" / "demand_manifest.json"
    recorded = json.loads(manifest.read_text())
    assert recorded["previous_inputs"].keys() == {
        "cycles/2026-12/cycle.yaml",
        "cycles/2026-12/inputs/pipeline.csv",
    }
    ws, _ = load_workspace(repo, "2027-01")
    assert demand_is_current(ws)
    old = repo / "cycles" / "2026-12" / "inputs" / "pipeline.csv"
    old.write_text(old.read_text().replace("2027-03,1,2", "2027-03,1,5"))
    assert not demand_is_current(ws)
    res = run(["reconcile", "2027-01"], cwd=repo)
    assert res.code == 0, res.out + res.err
    assert "SOP741" in res.out + res.err
    codes = {f["code"] for f in json.loads(manifest.read_text())["findings"]}
    assert "SOP741" in codes
    assert demand_is_current(ws)


@pytest.mark.parametrize(("bucket", "expired"), [("week", False), ("month", True)])
def test_without_pipeline_rules_deals_expire_by_the_buckets_default(
    bucket: periods.Bucket, expired: bool
) -> None:
    """A charter without a pipeline section: the schema's defaults, 13 periods on a weekly
    charter and 3 on a monthly one. A deal due 5 periods before the cycle period has expired
    only on the monthly one."""
    contract = CONTRACTS["pipeline"]
    co = ord_col("close_period")
    now = 1000
    frame = pl.DataFrame(
        {
            "deal_id": ["D-1"],
            "item": ["A"],
            "segment": ["s"],
            "stage": ["open"],
            "quantity": [100.0],
            "close_period": [periods.from_ordinal(now - 5, bucket)],
            co: [now - 5],
            "probability": [0.5],
            LINE: [2],
        }
    )
    table = Table(contract, "pipeline.csv", frame, list(frame.columns))
    index = series_index([frame])
    layer = pipeline_layer(table, None, index, Horizon(now + 1, 4, bucket, 0, now))
    assert layer.deals["weight"].to_list() == [0.0 if expired else 0.25]
    assert [f.code for f in layer.findings] == ["SOP746" if expired else "SOP704"]


def test_deal_rows_are_matched_by_key_not_by_position(tmp_path: Path) -> None:
    """The previous file lists the deals in another order, D-001's item in lower case and
    D-003 twice (a duplicate key was that cycle's error; its first row counts): D-001's
    close date moved later without a slip (SOP740, naming line 4 of the previous file), and
    D-003's slip_count 2 is the first row's, so no SOP741 for the 5 of the second."""
    previous = HEADER + (
        "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,2\n"
        "D-002,Cobalt,P-200,standard,qualified,300,2027-02,3,0\n"
        "D-001,Borealis,p-100,strategic,proposal,200,2027-01,2,1\n"
        "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,5\n"
    )
    now = HEADER + (
        "D-001,Borealis,P-100,strategic,proposal,200,2027-04,2,1\n"
        "D-002,Cobalt,P-200,standard,qualified,300,2027-02,3,0\n"
        "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,2\n"
    )
    fs = hygiene(two_cycles(tmp_path / "plan", now, previous), "2027-01")
    assert [(f.code, f.line, f.col) for f in fs] == [("SOP740", 2, 7)]
    assert "cycles/2026-12/inputs/pipeline.csv:4) to 2027-04" in fs[0].message


def test_an_error_reading_the_previous_cycle_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The previous cycle is read in a thread while the view is built: an error there is
    raised by run_demand, not lost with the thread."""
    import sopctl.previous_inputs

    def broken(*_: object) -> None:
        raise RuntimeError("previous cycle")

    monkeypatch.setattr(sopctl.previous_inputs, "previous_inputs", broken)
    repo = two_cycles(tmp_path / "plan", PREVIOUS)
    with pytest.raises(RuntimeError, match="previous cycle"):
        hygiene(repo, "2027-01")
