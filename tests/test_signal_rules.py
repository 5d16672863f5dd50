"""Rules of the demand view found by QA, each on a small repo worked out by hand.

The charter is the one of test_signal_engine (month buckets, horizon 2027-01..2027-06, frozen
2027-01; stages qualified 0.2, proposal 0.5, committed 0.9; close_to_demand_lag 1;
moving_average window 3 by default), with only the inputs each test writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sopctl import periods
from sopctl.findings import Finding
from sopctl.signal import DemandResult, build_demand
from sopctl.validate import Workspace, load_workspace
from tests.helpers import write_files
from tests.test_signal_engine import INPUTS, charter

BASELINE_DECL = "  - {file: baseline.csv, table: baseline, owner: demand_planner, due: signal}\n"
ITEMS = "item,family,description,unit_cost,price,lead_time,holding_cost\n" + "".join(
    f"{i},f,{i},1,2,0,0.1\n" for i in "ABCDEF"
)


def load(
    root: Path, files: dict[str, str], text: str | None = None
) -> tuple[Workspace, list[Finding]]:
    """A repo with the given input files (every other declared input absent)."""
    text = text or charter(inputs_extra=BASELINE_DECL)
    text = text.replace(", due: signal}", ", due: signal, required: false}")
    write_files(
        root,
        {
            "charters/tiny.yaml": text,
            "cycles/2026-12/cycle.yaml": "id: 2026-12\ncharter: tiny\nfirst_period: 2027-01\n",
            f"{INPUTS}/items.csv": ITEMS,
            **{f"{INPUTS}/{name}": body for name, body in files.items()},
        },
    )
    ws, report = load_workspace(root)
    return ws, list(report)


def demand(root: Path, files: dict[str, str], text: str | None = None) -> DemandResult:
    ws, findings = load(root, files, text)
    assert not [f for f in findings if f.severity == "error"], [str(f) for f in findings]
    return build_demand(ws)


def series(r: DemandResult, item: str, seg: str, col: str = "final") -> list[float]:
    return r.plan.filter(item=item, segment=seg)[col].to_list()


def test_a_supplied_baseline_does_not_shorten_the_other_series(tmp_path: Path) -> None:
    """The history table ends in 2026-12 (B's last row). A's history 30 in 2026-07..10 runs to
    that end: 30 30 30 30 0 0, so its 3-period moving average is (30 + 0 + 0) / 3 = 10 with 6
    history periods, whether or not B's baseline is supplied."""
    hist = "item,segment,period,quantity\n" + "".join(
        f"A,strategic,2026-{m:02d},30\n" for m in range(7, 11)
    ) + "".join(f"B,strategic,2026-{m:02d},50\n" for m in range(7, 13))  # fmt: skip
    supplied = "item,segment,period,quantity\nB,strategic,2027-01,77\n"
    with_sup = demand(tmp_path / "a", {"history.csv": hist, "baseline.csv": supplied})
    without = demand(tmp_path / "b", {"history.csv": hist})
    for r in (with_sup, without):
        assert series(r, "A", "strategic", "baseline") == pytest.approx([10] * 6)
        row = r.baseline_methods.filter(item="A").row(0, named=True)
        assert row["history_periods"] == 6
    assert series(with_sup, "B", "strategic", "baseline") == [77, 0, 0, 0, 0, 0]
    assert series(without, "B", "strategic", "baseline") == [50] * 6


def test_per_item_keys_are_read_as_items_are(tmp_path: Path) -> None:
    """forecast.per_item names B in lower case and C by a glossary alias: both methods hold.
    B 1..8 under seasonal_naive (m = 4) is 5 6 7 8 5 6 (moving average: (6 + 7 + 8) / 3 = 7);
    C 3 6 9 under ses has α = 1 (squared errors 9 + 0 against 9 + (6 - 3α)² otherwise): 9
    (moving average: 6). The key Z-1 names no item: a warning at the key, nothing applied."""
    text = charter().replace(
        "  per_item: {B: seasonal_naive, C: holt_winters, E: auto, F: auto}\n",
        "  per_item:\n    b: seasonal_naive\n    widget: ses\n    Z-1: holt\n",
    )
    text = text.replace("cadence:\n", "glossary:\n  - {term: C, aliases: [widget]}\ncadence:\n", 1)
    hist = "item,segment,period,quantity\n" + "".join(
        f"B,strategic,2026-{m + 4:02d},{m}\n" for m in range(1, 9)
    ) + "".join(f"C,standard,2026-{m + 9:02d},{3 * m}\n" for m in range(1, 4))  # fmt: skip
    ws, findings = load(tmp_path, {"history.csv": hist}, text)
    lines = text.splitlines()
    at = {key: lines.index(f"    {key}: {m}") + 1 for key, m in
          (("b", "seasonal_naive"), ("widget", "ses"), ("Z-1", "holt"))}  # fmt: skip
    mine = [(f.code, f.line, f.col, f.severity) for f in findings if f.path.startswith("charters")]
    assert mine == [
        ("SOP406", at["b"], 5, "warning"),
        ("SOP406", at["widget"], 5, "warning"),
        ("SOP615", at["Z-1"], 5, "warning"),
    ]
    r = build_demand(ws)
    assert series(r, "B", "strategic", "baseline") == pytest.approx([5, 6, 7, 8, 5, 6])
    assert series(r, "C", "standard", "baseline") == pytest.approx([9] * 6)
    m = {row["item"]: row for row in r.baseline_methods.iter_rows(named=True)}
    assert (m["B"]["requested"], m["C"]["requested"]) == ("seasonal_naive", "ses")
    assert m["C"]["reason"] == "ses as set in forecast.per_item"


DEALS = (
    "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,slip_count\n"
    "D-1,Acme,A,strategic,committed,100,2026-12,1,0\n"  # the cycle month: 0.9 × 100 = 90
    "D-2,Acme,A,strategic,committed,100,2026-11,1,0\n"  # past: 0.9 × 0.5 × 100 = 45
)


def test_a_deal_due_in_the_cycle_month_is_not_past(tmp_path: Path) -> None:
    """Cycle 2026-12 plans 2027-01..06 and is made in December. D-1, due to close in
    December, counts at its stage's 0.9 and ships at close + lag 1 = 2027-01; D-2, due in
    November, is past: 0.45, and its demand (2026-12) starts in the first period 2027-01."""
    r = demand(tmp_path, {"pipeline.csv": DEALS})
    d = {row["deal_id"]: row for row in r.deals.iter_rows(named=True)}
    assert (d["D-1"]["stale"], d["D-1"]["weight"], d["D-1"]["start_period"]) == (
        False,
        0.9,
        "2027-01",
    )
    assert (d["D-2"]["stale"], d["D-2"]["weight"]) == (True, pytest.approx(0.45))
    assert series(r, "A", "strategic", "pipeline") == pytest.approx([135, 0, 0, 0, 0, 0])
    stale = [f for f in r.findings if f.code == "SOP704"]
    assert [(f.line, f.col) for f in stale] == [(3, 7)]
    assert stale[0].message == (
        "deal D-2 (A, strategic) was due to close in 2026-11, before the cycle month 2026-12, "
        "so it is past its date: counted at weight 0.9 × 0.5 = 0.45; its demand starts in 2027-01"
    )


@pytest.mark.parametrize(
    ("cycle", "first", "bucket", "own"),
    [
        ("2026-12", "2027-01", "month", "2026-12"),  # the cycle id
        ("plan-q1", "2027-01", "month", "2026-12"),  # no month in the id: the month before
        ("2026-10", "2027-01", "month", "2026-10"),  # made early: deals due Nov, Dec not past
        ("2027-02", "2027-01", "month", "2027-01"),  # made late: never after the first period
        ("2026-W53", "2027-W01", "week", "2026-W53"),  # the cycle week
        ("2026-12", "2027-W01", "week", "2026-W53"),  # no week in the id: the week before
    ],
)
def test_the_cycle_period_deals_are_past_against(
    cycle: str, first: str, bucket: periods.Bucket, own: str
) -> None:
    from sopctl.signal.frames import cycle_period  # here: a test of its own without it

    n = periods.to_ordinal(first, bucket)
    assert n is not None
    assert periods.from_ordinal(cycle_period(cycle, first, bucket, n), bucket) == own


REPLACES = "  mode: replaces_baseline\n  replaces_baseline_for: [strategic]\n"


def test_lost_baseline_and_percent_promotions_on_zero_are_reported(tmp_path: Path) -> None:
    """The pipeline replaces the strategic baseline. A (moving average 30) has a deal, B (90)
    and E (10) have none: 2 series lose their baseline, B the most, 90 a period (SOP709 at
    B's first history row, line 5). PR-1's 50% of B's baseline 0 adds nothing (SOP710, and
    why); PR-2's 10% of C's 60 adds 6; PR-3 has no baseline at all (D has no history); PR-4
    covers F's supplied 5 in 2027-01 and 0 in 2027-02: 0.5, then nothing."""
    text = charter(REPLACES, BASELINE_DECL)
    hist = "item,segment,period,quantity\n" + "".join(
        f"{i},{seg},2026-{m},{q}\n"
        for i, seg, q in (("A", "strategic", 30), ("B", "strategic", 90), ("E", "strategic", 10),
                          ("C", "standard", 60))
        for m in (10, 11, 12)
    )  # fmt: skip
    files = {
        "history.csv": hist,
        "baseline.csv": "item,segment,period,quantity\nF,standard,2027-01,5\n",
        "pipeline.csv": "deal_id,account,item,segment,stage,quantity,close_period\n"
        "D-1,Acme,A,strategic,committed,10,2027-02\n",  # 9 units in 2027-03
        "promotions.csv": "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units\n"
        "PR-1,B,strategic,2027-02,2027-03,50,\n"
        "PR-2,C,standard,2027-02,2027-03,10,\n"
        "PR-3,D,standard,2027-06,2027-06,20,\n"
        "PR-4,F,standard,2027-01,2027-02,10,\n",
    }
    r = demand(tmp_path, files, text)
    assert series(r, "C", "standard", "promotion") == pytest.approx([0, 6, 6, 0, 0, 0])
    assert series(r, "F", "standard", "promotion") == pytest.approx([0.5, 0, 0, 0, 0, 0])
    lost = [f for f in r.findings if f.code == "SOP709"]
    assert [(f.path, f.line, f.col) for f in lost] == [(f"{INPUTS}/history.csv", 5, 1)]
    assert lost[0].message == (
        "pipeline.mode replaces_baseline sets the baseline of 2 series of segment strategic "
        "to 0, though no deal brings them demand in the horizon: their baseline is lost (the "
        "largest: B/strategic, 90 a period). Add the deals, or list only the segments the "
        "pipeline covers in full under pipeline.replaces_baseline_for"
    )
    zero = {f.line: f for f in r.findings if f.code == "SOP710"}
    assert sorted(zero) == [2, 4, 5] and {f.col for f in zero.values()} == {6}
    assert zero[2].message == (
        "promotion PR-1 (B, strategic) adds 50% of the baseline in 2027-02..2027-03, but the "
        "baseline is 0 in every period (pipeline.mode replaces_baseline sets the baseline of "
        "the segment to 0), so it adds nothing there; give the uplift in units (uplift_units) "
        "if the promotion brings demand of its own"
    )
    single = "PR-3 (D, standard) adds 20% of the baseline in 2027-06, but the baseline is 0 in"
    assert f"{single} every period, so it adds nothing" in zero[4].message
    assert "0 in 1 of its 2 periods, so" in zero[5].message
    # incremental: nothing is replaced, so nothing is lost; PR-3 and PR-4 still add nothing
    again = demand(tmp_path / "inc", files, charter(inputs_extra=BASELINE_DECL))
    assert sorted((f.code, f.line) for f in again.findings if f.code in {"SOP709", "SOP710"}) == [
        ("SOP710", 4),
        ("SOP710", 5),
    ]


def test_promotions_reaching_out_of_the_horizon_are_clipped(tmp_path: Path) -> None:
    """Horizon 2027-01..06. PR-1 runs since 2026-11 and PR-2 until 2027-09: both count in
    their months inside the horizon (5 in 01-02, 2 in 05-06); PR-3 (2026-09..12) and PR-4
    (2027-07..08) lie wholly outside: ignored, with a warning at the cell that puts them out."""
    promos = (
        "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units\n"
        "PR-1,A,strategic,2026-11,2027-02,,5\n"
        "PR-2,A,strategic,2027-05,2027-09,,2\n"
        "PR-3,A,strategic,2026-09,2026-12,,100\n"
        "PR-4,A,strategic,2027-07,2027-08,,100\n"
    )
    ws, findings = load(tmp_path, {"promotions.csv": promos})
    shown = [(f.code, f.line, f.col, f.severity) for f in findings]
    assert shown == [("SOP408", 4, 5, "warning"), ("SOP408", 5, 4, "warning")]
    assert findings[0].message == (
        "2026-09..2026-12 lies wholly before the cycle's horizon 2027-01..2027-06, so the row is "
        "ignored; correct its periods or delete it"
    )
    r = build_demand(ws)
    assert series(r, "A", "strategic", "promotion") == [5, 5, 0, 0, 2, 2]


def test_coverage_summary_is_over_the_periods_with_a_target(tmp_path: Path) -> None:
    """strategic has a target of 100 in 2027-02 and 0 in 2027-03; D-1 (0.9 × 100 = 90) ships
    in 2027-02, D-2 (90) in 2027-03. Only 2027-02 has a target: 90 of 100, coverage 0.9; the
    90 units of 2027-03 cover no target and stay out of the sum (not 180 ÷ 100 = 1.8)."""
    from sopctl.cli.demand_view import coverage_summary

    deals = (
        "deal_id,account,item,segment,stage,quantity,close_period\n"
        "D-1,Acme,A,strategic,committed,100,2027-01\n"  # lag 1: ships 2027-02
        "D-2,Acme,A,strategic,committed,100,2027-02\n"  # ships 2027-03
    )
    targets = "segment,period,target\nstrategic,2027-02,100\nstrategic,2027-03,0\n"
    r = demand(tmp_path, {"pipeline.csv": deals, "targets.csv": targets})
    assert r.coverage.rows() == [
        ("strategic", "2027-02", 90.0, 100.0, 0.9),
        ("strategic", "2027-03", 90.0, 0.0, None),
    ]
    row = coverage_summary(r.coverage).row(0, named=True)
    assert (row["weighted_pipeline"], row["target"]) == (90.0, 100.0)
    assert row["coverage"] == pytest.approx(0.9)
    assert (row["lowest_period"], row["lowest"]) == ("2027-02", pytest.approx(0.9))


def test_floored_demand_points_at_the_quantity_cell(tmp_path: Path) -> None:
    """A's baseline is 30 (moving average of 30 30 30). 2027-02: override -10 and PR-1's -100%
    (-30) give -10, PR-1 pulls down most: SOP703 at its uplift_pct cell (column 6). 2027-03:
    PR-2's -50 units give -20: at its uplift_units cell (7). 2027-04: O-2's -40 gives -10: at
    its quantity cell (6)."""
    hist = "item,segment,period,quantity\n" + "".join(
        f"A,strategic,2026-{m},30\n" for m in (10, 11, 12)
    )
    files = {
        "history.csv": hist,
        "promotions.csv": "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units\n"
        "PR-1,A,strategic,2027-02,2027-02,-100,\n"
        "PR-2,A,strategic,2027-03,2027-03,,-50\n",
        "overrides.csv": "override_id,item,segment,period,kind,quantity,owner,reason\n"
        "O-1,A,strategic,2027-02,delta,-10,dana@tiny.example,r\n"
        "O-2,A,strategic,2027-04,delta,-40,dana@tiny.example,r\n",
    }
    r = demand(tmp_path, files)
    floored = [(f.path.rsplit("/", 1)[1], f.line, f.col) for f in r.findings if f.code == "SOP703"]
    assert sorted(floored) == [("overrides.csv", 3, 6), ("promotions.csv", 2, 6),
                               ("promotions.csv", 3, 7)]  # fmt: skip
    assert series(r, "A", "strategic") == [30, 0, 0, 0, 30, 30]


def test_a_deal_that_slipped_once(tmp_path: Path) -> None:
    deals = (
        "deal_id,account,item,segment,stage,quantity,close_period,slip_count\n"
        "D-1,Acme,A,strategic,committed,100,2027-02,1\n"
        "D-2,Acme,A,strategic,committed,100,2027-03,2\n"
    )
    text = charter("  max_slips: 0\n", BASELINE_DECL)
    r = demand(tmp_path, {"pipeline.csv": deals}, text)
    slipped = [f.message for f in r.findings if f.code == "SOP705"]
    assert slipped == [
        "deal D-1 (A, strategic) slipped once (max_slips 0): counted at weight 0.9 × 0.5 = 0.45",
        "deal D-2 (A, strategic) slipped 2 times (max_slips 0): counted at weight 0.9 × 0.5 = 0.45",
    ]
