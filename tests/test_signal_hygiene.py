"""Input hygiene of `sopctl demand` (SOP740-SOP748): late and inflated inputs, each rule on
data worked out by hand.

The deal and coverage rules compare two cycles of the minimal example in a real git
repository: cycle 2026-12 (horizon 2027-01..2027-06) and 2027-01 (2027-02..2027-07), stages
qualified 0.2, proposal 0.5, committed 0.9, close_to_demand_lag 1. The history and expiry rules
use the tiny charter of test_signal_engine (cycle 2026-12 made in 2026-12, horizon
2027-01..2027-06; moving_average window 3, season_length 4, B on seasonal_naive).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sopctl.demand import run_demand
from sopctl.findings import Finding
from sopctl.schemas.charter import Charter
from tests.helpers import git, make_repo, run, write_files
from tests.test_signal_engine import charter
from tests.test_signal_rules import load

ROOT = Path(__file__).resolve().parents[1]
HYGIENE = {f"SOP74{i}" for i in range(10)}
HEADER = "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,slip_count\n"
PREVIOUS = HEADER + (
    "D-001,Borealis,P-100,strategic,proposal,200,2027-01,2,1\n"
    "D-002,Cobalt,P-200,standard,qualified,300,2027-02,3,0\n"
    "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,2\n"
)
NOW = "cycles/2027-01/inputs/pipeline.csv"
# the month the minimal history lacks for a cycle made in 2027-01
DECEMBER = "P-100,strategic,2026-12,130\nP-100,standard,2026-12,90\n" + (
    "P-200,strategic,2026-12,70\nP-200,standard,2026-12,150\n"
)
TARGETS_DECL = (
    "  - {file: targets.csv, table: targets, owner: sales_lead, due: signal, required: false}\n"
)


def two_cycles(
    root: Path,
    now: str,
    previous: str = PREVIOUS,
    targets: str | None = None,
    moving_average: bool = False,
) -> Path:
    """The minimal example with its cycle 2026-12 (pipeline `previous`) and a next cycle
    2027-01 (pipeline `now`), both committed."""
    repo = make_repo(root, commit=False)
    src, dst = repo / "cycles" / "2026-12", repo / "cycles" / "2027-01"
    (src / "inputs" / "pipeline.csv").write_text(previous)
    shutil.copytree(src, dst)
    cy = (src / "cycle.yaml").read_text().replace("id: 2026-12", "id: 2027-01")
    (dst / "cycle.yaml").write_text(cy.replace("first_period: 2027-01", "first_period: 2027-02"))
    with (dst / "inputs" / "history.csv").open("a") as fh:
        fh.write(DECEMBER)
    (dst / "inputs" / "pipeline.csv").write_text(now)
    ch = repo / "charters" / "acme.yaml"
    text = ch.read_text()
    if moving_average:
        text = text.replace("default_method: auto", "default_method: moving_average")
    if targets is not None:
        text = text.replace("metrics:\n", TARGETS_DECL + "metrics:\n", 1)
        for cycle in (src, dst):
            (cycle / "inputs" / "targets.csv").write_text(targets)
    ch.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two cycles")
    return repo


def hygiene(root: Path, cycle: str | None = None) -> list[Finding]:
    built = run_demand(root, cycle, write=False)
    assert built.ok, [str(f) for f in built.report.errors]
    return [f for f in built.report if f.code in HYGIENE]


def at(fs: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.path.rsplit("/", 1)[-1], f.line, f.col) for f in fs]


def test_a_close_date_moved_later_without_a_slip_is_reported(tmp_path: Path) -> None:
    """D-001 moves from 2027-01 to 2027-04 with slip_count still 1: SOP740 at its close_period
    (column 7). D-002 moves a month and counts it (0 → 1); D-003 closes earlier: no warning."""
    repo = two_cycles(
        tmp_path / "plan",
        HEADER
        + "D-001,Borealis,P-100,strategic,proposal,200,2027-04,2,1\n"
        + "D-002,Cobalt,P-200,standard,qualified,300,2027-03,3,1\n"
        + "D-003,Delta Works,P-200,strategic,committed,90,2027-02,1,2\n",
    )
    fs = hygiene(repo, "2027-01")
    assert at(fs) == [("SOP740", "pipeline.csv", 2, 7)]
    assert fs[0].path == NOW and fs[0].severity == "warning"
    assert "close period moved from 2027-01 (in cycle 2026-12, " in fs[0].message
    assert "cycles/2026-12/inputs/pipeline.csv:2) to 2027-04, but slip_count stayed at 1" in (
        fs[0].message
    )
    assert "slip_count 2 or more" in fs[0].message


def test_a_slip_count_that_went_down_is_reported(tmp_path: Path) -> None:
    """D-003's slip_count drops from 2 to 0: SOP741 at its slip_count (column 9). D-002 leaves
    the cell empty, which reads as 0 as it was: no warning."""
    repo = two_cycles(
        tmp_path / "plan",
        HEADER
        + "D-001,Borealis,P-100,strategic,proposal,200,2027-01,2,1\n"
        + "D-002,Cobalt,P-200,standard,qualified,300,2027-02,3,\n"
        + "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,0\n",
    )
    fs = hygiene(repo, "2027-01")
    assert at(fs) == [("SOP741", "pipeline.csv", 4, 9)]
    assert "slip_count went down from 2 (in cycle 2026-12, " in fs[0].message
    assert "to 0" in fs[0].message


def test_an_inflated_quantity_and_a_stage_jump_are_reported(tmp_path: Path) -> None:
    """D-002: 300 → 451 is more than 1.5× (SOP742 at quantity, column 6) and qualified →
    committed is two stages up with no reason (SOP743 at stage, column 5). D-001: 200 → 300 is
    exactly 1.5× and proposal → committed one stage: nothing. D-004 jumps two stages with a
    probability_reason: nothing."""
    head = HEADER.rstrip("\n") + ",probability,probability_reason\n"
    previous = PREVIOUS + "D-004,Echo,P-100,standard,qualified,40,2027-03,1,0\n"
    previous = head + "".join(line + ",,\n" for line in previous.splitlines()[1:])
    repo = two_cycles(
        tmp_path / "plan",
        head
        + "D-001,Borealis,P-100,strategic,committed,300,2027-01,2,1,,\n"
        + "D-002,Cobalt,P-200,standard,committed,451,2027-02,3,0,,\n"
        + "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,2,,\n"
        + "D-004,Echo,P-100,standard,committed,40,2027-03,1,0,,Signed letter of intent\n",
        previous=previous,
    )
    fs = hygiene(repo, "2027-01")
    assert sorted(at(fs)) == [("SOP742", "pipeline.csv", 3, 6), ("SOP743", "pipeline.csv", 3, 5)]
    grew = next(f for f in fs if f.code == "SOP742")
    assert "quantity grew from 300 (in cycle 2026-12, " in grew.message
    assert "to 451, 1.5× in one cycle (more than pipeline.max_quantity_growth 1.5)" in grew.message
    jumped = next(f for f in fs if f.code == "SOP743")
    assert "stage moved from qualified (" in jumped.message
    assert "to committed, 2 stages up in one cycle, with no probability_reason" in jumped.message


def test_a_large_new_deal_is_reported(tmp_path: Path) -> None:
    """On moving_average (window 3) P-100's baseline is (120+125+130)/3 = 125 (strategic) +
    (80+85+90)/3 = 85 (standard) = 210 a period; 3 periods of it are 630. New D-005 asks for
    631 (SOP744 at quantity), new D-006 for 630 (nothing); known deals are not "new"."""
    repo = two_cycles(
        tmp_path / "plan",
        PREVIOUS
        + "D-005,Foxtrot,P-100,standard,qualified,631,2027-04,1,0\n"
        + "D-006,Golf,P-100,strategic,qualified,630,2027-04,1,0\n",
        moving_average=True,
    )
    fs = hygiene(repo, "2027-01")
    assert at(fs) == [("SOP744", "pipeline.csv", 5, 6)]
    assert (
        "deal D-005 (P-100, standard) is new since cycle 2026-12 and asks for 631 units, "
        "3 periods of the item's baseline (210 a period; more than "
        "pipeline.large_new_deal_periods 3)"
    ) in fs[0].message


def test_a_coverage_jump_is_reported_at_the_segments_target(tmp_path: Path) -> None:
    """Targets 100 in 2027-03 for both segments, in both cycles. Committed deals closing in
    2027-02 ship in 2027-03 at 0.9: strategic 100 → 250 units is coverage 0.9 → 2.25 (2.5×,
    SOP745 at D-010, the row carrying most of the segment's weighted
    pipeline); standard 100 → 200 is 0.9 → 1.8 (exactly 2×: nothing). Both
    deals also grew more than 1.5× (SOP742)."""
    head = HEADER
    targets = "segment,period,target\nstrategic,2027-03,100\nstandard,2027-03,100\n"
    repo = two_cycles(
        tmp_path / "plan",
        head
        + "D-010,Hotel,P-100,strategic,committed,250,2027-02,1,0\n"
        + "D-011,India,P-200,standard,committed,200,2027-02,1,0\n",
        previous=head
        + "D-010,Hotel,P-100,strategic,committed,100,2027-02,1,0\n"
        + "D-011,India,P-200,standard,committed,100,2027-02,1,0\n",
        targets=targets,
    )
    fs = hygiene(repo, "2027-01")
    assert sorted(at(fs)) == [
        ("SOP742", "pipeline.csv", 2, 6),
        ("SOP742", "pipeline.csv", 3, 6),
        ("SOP745", "pipeline.csv", 2, 6),
    ]
    jump = next(f for f in fs if f.code == "SOP745")
    assert jump.path == NOW  # at the deal carrying most of the segment's pipeline
    assert (
        "pipeline coverage of segment strategic rose from 0.90 in cycle 2026-12 to 2.25 "
        "(2.5×, more than pipeline.max_coverage_jump 2): weighted pipeline 90 → 225"
    ) in jump.message


def test_an_unchanged_next_cycle_raises_no_hygiene_warning(tmp_path: Path) -> None:
    """The same deals and targets one cycle on: the comparison runs and finds nothing."""
    targets = "segment,period,target\nstrategic,2027-03,100\nstandard,2027-03,100\n"
    repo = two_cycles(tmp_path / "plan", PREVIOUS, targets=targets)
    assert hygiene(repo, "2027-01") == []
    assert hygiene(repo, "2026-12") == []  # the first cycle: nothing to compare with


def test_a_deal_long_past_its_close_period_expires(tmp_path: Path) -> None:
    """Cycle month 2026-12, expire_after_periods 3 by default. D-1 was due in 2026-08, 4 months
    before: expired, 0 units, SOP746 (not SOP704) at its close_period. D-2 was due in 2026-09,
    3 months before: stale, counted at 0.9 × 0.5 × 100 = 45 in 2027-01 (SOP704). With
    expire_after_periods 4 both count: 90."""
    pipeline = (
        "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,slip_count\n"
        "D-1,Acme,A,strategic,committed,100,2026-08,1,0\n"
        "D-2,Acme,A,strategic,committed,100,2026-09,1,0\n"
    )
    ws, _ = load(tmp_path / "a", {"pipeline.csv": pipeline})
    built = run_demand(ws.root, write=False)
    assert built.ok and built.result is not None
    fs = [f for f in built.report if f.code in {"SOP704", "SOP746"}]
    assert at(fs) == [("SOP746", "pipeline.csv", 2, 7), ("SOP704", "pipeline.csv", 3, 7)]
    assert (
        "deal D-1 (A, strategic) was due to close in 2026-08, 4 months before the cycle month "
        "2026-12 (more than pipeline.expire_after_periods 3): it has expired and counts 0 units"
    ) in fs[0].message
    plan = built.result.plan.filter(item="A", segment="strategic")
    assert plan["pipeline"].to_list() == [45.0, 0, 0, 0, 0, 0]
    assert built.result.sources.filter(source_id="D-1").height == 0
    deal = built.result.deals.filter(deal_id="D-1").row(0, named=True)
    assert (deal["weight"], deal["units_in_horizon"], deal["units_dropped"]) == (0.0, 0.0, 0.0)
    longer = charter(pipeline_extra="  expire_after_periods: 4\n")
    ws, _ = load(tmp_path / "b", {"pipeline.csv": pipeline}, longer)
    built = run_demand(ws.root, write=False)
    assert built.result is not None
    assert built.result.plan.filter(item="A", segment="strategic")["pipeline"][0] == 90.0
    assert not [f for f in built.report if f.code == "SOP746"]


def test_deals_expire_after_a_quarter_on_a_weekly_charter() -> None:
    """13 weeks unless the charter says otherwise; a monthly charter keeps 3."""
    data = yaml.safe_load(charter())
    assert Charter.model_validate(data).pipeline.expire_after_periods == 3  # type: ignore[union-attr]
    data["cadence"]["bucket"] = "week"
    assert Charter.model_validate(data).pipeline.expire_after_periods == 13  # type: ignore[union-attr]
    data["pipeline"]["expire_after_periods"] = 2
    assert Charter.model_validate(data).pipeline.expire_after_periods == 2  # type: ignore[union-attr]


def history(rows: dict[tuple[str, str], list[int]], first: int = 1) -> str:
    out = ["item,segment,period,quantity"]
    for (item, seg), ys in rows.items():
        out += [f"{item},{seg},2026-{first + i:02d},{y}" for i, y in enumerate(ys)]
    return "\n".join(out) + "\n"


def test_history_that_ends_months_before_the_cycle_is_reported(tmp_path: Path) -> None:
    """Cycle month 2026-12: history up to 2026-11 is complete (December has not closed), so
    the minimal example's history is no gap. Ending in 2026-10, 2026-11 is missing: SOP747 at
    the first row of 2026-10 (line 11: A's tenth row), column 3 (period)."""
    ten = {("A", "strategic"): [10] * 10, ("A", "standard"): [10] * 10}
    ws, _ = load(tmp_path / "a", {"history.csv": history(ten)})
    fs = hygiene(ws.root)
    assert at(fs) == [("SOP747", "history.csv", 11, 3)]
    assert (
        "the demand history ends in 2026-10, but the cycle is made in 2026-12 and plans from "
        "2027-01: 2026-11, closed before the cycle month, is missing"
    ) in fs[0].message
    eleven = {("A", "strategic"): [10] * 11}
    ws, _ = load(tmp_path / "b", {"history.csv": history(eleven)})
    assert hygiene(ws.root) == []


def test_history_outliers_in_the_methods_window_are_reported(tmp_path: Path) -> None:
    """A/strategic (moving_average, window 3): 10 11 12 repeated, 60 in 2026-11. Median 11,
    MAD 1, so the limit is 11 + 5 × 1.4826 × 1 = 18.4 and 60 is reported (SOP748 at its
    quantity, line 12): the average carries (60 - 11) / 3 = 16.3 a period. A/standard has the
    same spike in 2026-05, outside its window of 3: nothing. B/strategic (seasonal_naive,
    season 4) has it in 2026-12, copied into 2027-04. C/standard is intermittent (10 of 12
    periods 0): left out."""
    calm = [10, 11, 12, 10, 11, 12, 10, 11, 12, 10]
    rows = {
        ("A", "strategic"): [*calm, 60, 11],
        ("A", "standard"): [10, 11, 12, 10, 60, 12, 10, 11, 12, 10, 11, 11],
        ("B", "strategic"): [*calm, 11, 60],
        ("C", "standard"): [0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 50],
    }
    ws, _ = load(tmp_path / "a", {"history.csv": history(rows)})
    fs = hygiene(ws.root)
    assert at(fs) == [("SOP748", "history.csv", 12, 4), ("SOP748", "history.csv", 37, 4)]
    assert fs[0].message.startswith(
        "A/strategic 2026-11: 60 units, 5.5× the series' median 11 (above median + 5 × 1.4826 × "
        "MAD = 18.4); the baseline (moving_average over 3 periods) averages it into every "
        "period: +16.3 a period over the run-rate."
    )
    assert "the baseline (seasonal_naive) copies it into 2027-04." in fs[1].message
    # k is the charter's forecast.outlier_threshold: at 50, 60 is below 11 + 50 × 1.4826
    strict = charter().replace(
        "moving_average_window: 3\n", "moving_average_window: 3\n  outlier_threshold: 50\n"
    )
    ws, _ = load(tmp_path / "b", {"history.csv": history(rows)}, strict)
    assert hygiene(ws.root) == []


def test_the_demo_reports_its_one_off_tender_only_until_an_override_sets_its_echo(
    tmp_path: Path,
) -> None:
    """Northwind's cycle 2026-12 is its first: no deal or coverage comparison, history to
    2026-12, no deal more than 3 months past (the oldest, D-27133, was due in 2026-10). Its
    2026-09 tender of VLV-GAT-80/standard (232 units, median 56) is the one outlier:
    seasonal_naive would repeat it in 2027-09, where OVR-002 sets the run-rate, so the demo
    as committed warns of nothing; without OVR-002 it is SOP748."""
    assert hygiene(ROOT) == []
    repo = tmp_path / "nw"
    shutil.copytree(ROOT / "charters", repo / "charters")
    shutil.copytree(
        ROOT / "cycles", repo / "cycles", ignore=shutil.ignore_patterns("outputs", "learn")
    )
    path = repo / "cycles" / "2026-12" / "inputs" / "overrides.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("OVR-002,")), encoding="utf-8")
    fs = hygiene(repo, "2026-12")
    assert at(fs) == [("SOP748", "demand_history.csv", 790, 4)]
    assert fs[0].message.startswith("VLV-GAT-80/standard 2026-09: 232 units, 4.1× the series'")
    assert "the baseline (seasonal_naive) copies it into 2027-09." in fs[0].message


@pytest.fixture
def northwind(tmp_path: Path) -> Path:
    return inflated_northwind(tmp_path / "nw")


def inflated_northwind(repo: Path) -> Path:
    """The demo in a temporary git repository with a second cycle 2027-01 (made in 2027-01,
    planning the same horizon from 2027-01) inflated as QA did it: quantities ×3, qualified
    and proposal deals committed, past close dates moved to 2027-02 with slip_count 0, and a
    new deal of 5,000 units of PMP-CEN-L (about 46 a month)."""
    import polars as pl

    shutil.copytree(ROOT / "charters", repo / "charters")
    src, dst = repo / "cycles" / "2026-12", repo / "cycles" / "2027-01"
    shutil.copytree(ROOT / "cycles" / "2026-12", src, ignore=shutil.ignore_patterns("outputs"))
    shutil.copytree(src, dst)
    # the same horizon (every input stays valid as it is), made a month later
    cy = (src / "cycle.yaml").read_text().replace('id: "2026-12"', 'id: "2027-01"')
    (dst / "cycle.yaml").write_text(cy)
    deals = pl.read_csv(src / "inputs" / "pipeline.csv", infer_schema=False)
    late = pl.col("close_period") < "2027-01"
    deals = deals.with_columns(
        (pl.col("quantity").cast(pl.Int64) * 3).cast(pl.String),
        pl.when(pl.col("stage").is_in(["qualified", "proposal"]))
        .then(pl.lit("committed"))
        .otherwise(pl.col("stage"))
        .alias("stage"),
        pl.when(late).then(pl.lit("0")).otherwise(pl.col("slip_count")).alias("slip_count"),
        pl.when(late)
        .then(pl.lit("2027-02"))
        .otherwise(pl.col("close_period"))
        .alias("close_period"),
    )
    big = deals.head(1).with_columns(
        pl.lit("D-29999").alias("deal_id"), pl.lit("PMP-CEN-L").alias("item"),
        pl.lit("5000").alias("quantity"), pl.lit("2027-04").alias("close_period"),
    )  # fmt: skip
    pl.concat([deals, big]).write_csv(dst / "inputs" / "pipeline.csv")
    write_files(repo, {".gitignore": "cycles/*/outputs/\n"})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two cycles")
    return repo


def test_the_qa_inflation_of_a_second_cycle_is_reported(northwind: Path) -> None:
    assert run(["demand", "2026-12"], cwd=northwind).code == 0
    fs = hygiene(northwind, "2027-01")
    codes = {f.code for f in fs}
    assert {"SOP740", "SOP741", "SOP742", "SOP743", "SOP744", "SOP745"} <= codes
    jumps = sorted(f.message.split(" rose")[0].rsplit(" ", 1)[-1] for f in fs if f.code == "SOP745")
    assert jumps == ["key", "standard", "strategic"]
    big = [f for f in fs if f.code == "SOP744"]
    assert any("deal D-29999 (PMP-CEN-L, key) is new since cycle 2026-12" in f.message for f in big)
