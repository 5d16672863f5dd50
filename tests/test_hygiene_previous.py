"""The input-hygiene comparison with the previous cycle (SOP740-SOP745): what it reads of that
cycle, when it runs, and which deals it judges. Two cycles of the minimal example as in
test_signal_hygiene (2026-12 planning 2027-01..2027-06, 2027-01 planning 2027-02..2027-07)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from sopctl.previous_inputs import previous_inputs
from sopctl.signal.compare import coverage
from sopctl.signal.frames import dense, series_index, usable
from sopctl.signal.hygiene import previous_coverage
from sopctl.signal.pipeline import pipeline_layer
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
