"""Where the input-hygiene warnings point and what they quote, and which input rows
demand_sources.csv ties units to (QA of `sopctl demand` against docs/signal.md):

- SOP745 points at the deal row carrying most of the segment's weighted pipeline in the
  periods with a target, the coverage it quotes, not over the whole horizon;
- SOP746 says what an expired deal would count unexpired: stale, × unhealthy_weight;
- a deal, promotion or renewal row adding 0 units has no source row (an expired deal had
  none, a lost one had a 0.0000 row); an override row keeps its row at 0 units.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.demand import run_demand
from tests.helpers import record_tag
from tests.test_signal_engine import charter
from tests.test_signal_hygiene import HEADER, hygiene, two_cycles
from tests.test_signal_rules import load

NOW = "cycles/2027-01/inputs/pipeline.csv"


def test_a_coverage_jump_points_at_the_deal_that_fills_the_targeted_periods(
    tmp_path: Path,
) -> None:
    """Strategic's only target is 100 in 2027-03. D-012 (line 2), committed 1000 closing in
    2027-05, ships 900 weighted units in 2027-06, a period without a target, in both cycles.
    D-010 (line 3) grew 100 → 250: 225 units in 2027-03, coverage 0.9 → 2.25 (2.5×). The
    warning is at D-010, which makes all of the quoted coverage, not at D-012, which carries
    more units over the horizon and adds none of it."""
    targets = "segment,period,target\nstrategic,2027-03,100\n"
    big = "D-012,Kilo,P-100,strategic,committed,1000,2027-05,1,0\n"
    repo = two_cycles(
        tmp_path / "plan",
        HEADER + big + "D-010,Hotel,P-100,strategic,committed,250,2027-02,1,0\n",
        previous=HEADER + big + "D-010,Hotel,P-100,strategic,committed,100,2027-02,1,0\n",
        targets=targets,
    )
    record_tag(repo, "2026-12", "sop/2026-12/v1")
    fs = hygiene(repo, "2027-01")
    jump = [f for f in fs if f.code == "SOP745"]
    assert [(f.path, f.line, f.col) for f in jump] == [(NOW, 3, 6)]
    assert "rose from 0.90 in cycle 2026-12 to 2.25" in jump[0].message
    assert "this row carries the most of its weighted pipeline in those periods" in (
        jump[0].message
    )


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("", "80 × 0.9 × 0.5 (pipeline.unhealthy_weight) = 36"),
        ("  unhealthy_weight: 0.25\n", "80 × 0.9 × 0.25 (pipeline.unhealthy_weight) = 18"),
    ],
)
def test_an_expired_deal_says_what_it_would_count_as_stale(
    tmp_path: Path, extra: str, says: str
) -> None:
    """Cycle month 2026-12: D-1, committed 80 due in 2026-08, expired (0 units). Unexpired it
    would be stale, at 0.9 × unhealthy_weight, not 80 × 0.9."""
    deals = HEADER + "D-1,Acme,A,strategic,committed,80,2026-08,1,0\n"
    ws, _ = load(tmp_path / "a", {"pipeline.csv": deals}, charter(pipeline_extra=extra))
    built = run_demand(ws.root, write=False)
    fs = [f for f in built.report if f.code == "SOP746"]
    assert len(fs) == 1
    assert (
        f"it has expired and counts 0 units; were it not expired, it would count as a stale "
        f"deal (SOP704): {says}."
    ) in fs[0].message
    assert "not 80 × 0.9" not in fs[0].message


LOST = "    - {id: committed, probability: 0.9}\n    - {id: lost, probability: 0}\n"


def test_rows_that_add_no_unit_have_no_source_row_but_overrides_do(tmp_path: Path) -> None:
    """Cycle 2026-12 of the tiny charter with a stage lost (0). Units: D-1 committed 100 →
    90 in 2027-02; D-2 lost, D-3 quantity 0, D-4 own probability 0, D-5 expired: 0. R-1 at
    probability 0, R-2 50 × 0.5 = 25. P-1 10% of C, whose baseline is 0 (no history), P-2 0
    units, P-3 4 units. O-1 a delta of 0, O-2 a replace that sets 2027-04 of A/strategic to
    the 0 it holds: overrides, written at 0."""
    files = {
        "pipeline.csv": HEADER.rstrip("\n") + ",probability,probability_reason\n"
        "D-1,Acme,A,strategic,committed,100,2027-01,1,0,,\n"
        "D-2,Acme,A,strategic,lost,100,2027-01,1,0,,\n"
        "D-3,Acme,A,strategic,committed,0,2027-01,1,0,,\n"
        "D-4,Acme,A,strategic,proposal,100,2027-01,1,0,0,renewal R-1\n"
        "D-5,Acme,A,strategic,committed,100,2026-08,1,0,,\n",
        "renewals.csv": "renewal_id,account,item,segment,period,quantity,probability\n"
        "R-1,Acme,A,strategic,2027-03,100,0\n"
        "R-2,Bolt,B,strategic,2027-03,50,0.5\n",
        "promotions.csv": "promo_id,item,segment,start_period,end_period,uplift_pct,uplift_units\n"
        "P-1,C,standard,2027-02,2027-03,10,\n"
        "P-2,B,strategic,2027-02,2027-02,,0\n"
        "P-3,B,strategic,2027-02,2027-02,,4\n",
        "overrides.csv": "override_id,item,segment,period,kind,quantity,owner,reason\n"
        "O-1,B,strategic,2027-05,delta,0,dana@tiny.example,r\n"
        "O-2,A,strategic,2027-04,replace,0,dana@tiny.example,r\n",
    }
    text = charter().replace("    - {id: committed, probability: 0.9}\n", LOST)
    ws, found = load(tmp_path / "a", files, text)
    assert not [f for f in found if f.severity == "error"], [str(f) for f in found]
    built = run_demand(ws.root)
    assert built.ok and built.result is not None
    src = pl.read_csv(ws.cycle_dir / "outputs" / "demand_sources.csv", infer_schema=False)
    assert src.select("source_id", "period", "units").rows() == [
        ("D-1", "2027-02", "90.0000"),
        ("O-2", "2027-04", "0.0000"),
        ("P-3", "2027-02", "4.0000"),
        ("R-2", "2027-03", "25.0000"),
        ("O-1", "2027-05", "0.0000"),
    ]
    plan = built.result.plan
    assert plan.filter(item="A", segment="strategic")["pipeline"].sum() == 90.0
    assert plan.filter(item="C", segment="standard")["promotion"].sum() == 0.0
    again = run_demand(ws.root)
    assert again.files == built.files  # byte-identical on rerun
