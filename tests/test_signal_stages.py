"""Won and lost stages: only an open deal (probability strictly between 0 and 1) is judged
stale or slipped. Charter of test_signal_engine plus stages won (1) and lost (0)."""

from __future__ import annotations

from pathlib import Path

from tests.test_signal_engine import charter
from tests.test_signal_rules import demand, series

STAGES = "    - {id: committed, probability: 0.9}\n"
WON_LOST = STAGES + "    - {id: won, probability: 1}\n    - {id: lost, probability: 0}\n"
DEALS = (
    "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,slip_count\n"
    "W-1,Acme,A,strategic,won,40,2026-10,1,4\n"  # won in October: 40 in 2027-01, no warning
    "L-1,Acme,B,strategic,lost,40,2026-10,1,4\n"  # lost: 0, no warning
    "Q-1,Acme,C,standard,committed,40,2026-10,1,4\n"  # open and past: 0.9 × 0.5 × 40 = 18
)


def test_won_and_lost_deals_are_neither_stale_nor_slipped(tmp_path: Path) -> None:
    text = charter().replace(STAGES, WON_LOST)
    r = demand(tmp_path, {"pipeline.csv": DEALS}, text)
    d = {row["deal_id"]: row for row in r.deals.iter_rows(named=True)}
    assert (d["W-1"]["stale"], d["W-1"]["slipped"], d["W-1"]["weight"]) == (False, False, 1.0)
    assert (d["L-1"]["stale"], d["L-1"]["slipped"], d["L-1"]["weight"]) == (False, False, 0.0)
    assert (d["Q-1"]["stale"], d["Q-1"]["slipped"], d["Q-1"]["weight"]) == (True, True, 0.45)
    assert series(r, "A", "strategic", "pipeline") == [40, 0, 0, 0, 0, 0]
    assert series(r, "B", "strategic", "pipeline") == [0] * 6
    assert series(r, "C", "standard", "pipeline") == [18, 0, 0, 0, 0, 0]
    deal = [(f.code, f.line) for f in r.findings if f.path.endswith("pipeline.csv")]
    assert deal == [("SOP704", 4), ("SOP705", 4)]  # Q-1 only


def test_a_deal_level_probability_of_1_is_won_too(tmp_path: Path) -> None:
    """The rule follows the deal's probability as counted: a committed deal whose own
    probability is 1 (with its reason) is an order, not a stale deal."""
    deals = (
        "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,slip_count,"
        "probability,probability_reason\n"
        "W-2,Acme,A,strategic,committed,40,2026-10,1,4,1,PO received\n"
    )
    r = demand(tmp_path, {"pipeline.csv": deals})
    assert series(r, "A", "strategic", "pipeline") == [40, 0, 0, 0, 0, 0]
    assert not [f for f in r.findings if f.code in {"SOP704", "SOP705"}]
