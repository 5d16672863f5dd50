"""A deal's own probability in the input-hygiene warnings (SOP712, SOP713, and which deals
SOP740-SOP744 judge), and what clears SOP742.

Two cycles of the minimal example as in test_signal_hygiene (2026-12 planning 2027-01..2027-06,
2027-01 planning 2027-02..2027-07), the charter's stages qualified 0.2, proposal 0.5,
committed 0.9, won 1, lost 0, and 2026-12 committed as the tag sop/2026-12/v1 (what the
comparison reads). A QA lead found that `probability: 1` with any reason on a proposal deal
switched off every warning: quantity ×6, the close moved four months without a slip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sopctl.demand import run_demand
from sopctl.findings import Finding
from sopctl.fixes import FIXES
from tests.helpers import git, record_tag
from tests.test_hygiene_previous import WON_LOST
from tests.test_signal_hygiene import two_cycles

CODES = {"SOP712", "SOP713", *(f"SOP74{i}" for i in range(10))}
HEAD = (
    "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,slip_count,"
    "probability,probability_reason\n"
)
# line 2..5 of both cycles' pipeline.csv; a case replaces some of them in this cycle's
WAS = {
    "D-001": "D-001,Borealis,P-100,strategic,proposal,200,2027-02,2,0,,",
    "D-002": "D-002,Cobalt,P-200,standard,qualified,300,2027-03,3,0,,",
    "D-003": "D-003,Delta Works,P-200,strategic,proposal,90,2027-04,1,0,0.1,Stalled since October",
    "D-004": "D-004,Echo,P-100,standard,qualified,40,2027-03,1,0,0.1,No budget yet",
}
COMMITTED = "    - {id: committed, probability: 0.9}\n"


def pipeline(rows: dict[str, str]) -> str:
    return HEAD + "".join(line + "\n" for line in rows.values())


def tagged_cycles(root: Path, now: dict[str, str]) -> Path:
    """Cycle 2027-01's pipeline is WAS with `now`'s rows in place of (or after) its own."""
    repo = two_cycles(root, pipeline(WAS | now), previous=pipeline(WAS), moving_average=True)
    charter = repo / "charters" / "acme.yaml"
    charter.write_text(charter.read_text().replace(COMMITTED, COMMITTED + WON_LOST, 1))
    git(repo, "commit", "-q", "-am", "won and lost stages")
    record_tag(repo, "2026-12", "sop/2026-12/v1")
    return repo


def findings(repo: Path, cycle: str = "2027-01") -> list[Finding]:
    built = run_demand(repo, cycle, write=False)
    assert built.ok, [str(f) for f in built.report.errors]
    return [f for f in built.report if f.code in CODES]


CASES = {
    # the QA repro: proposal 200 closing 2027-02 → own probability 1, 1200, closing 2027-06
    "own 1 on proposal, 6x, close moved": (
        {"D-001": "D-001,Borealis,P-100,strategic,proposal,1200,2027-06,2,0,1,Customer says yes"},
        [("SOP712", 2), ("SOP713", 2), ("SOP740", 2), ("SOP742", 2)],
    ),
    "own 1 on proposal, nothing else changed": (
        {"D-001": "D-001,Borealis,P-100,strategic,proposal,200,2027-02,2,0,1,Customer says yes"},
        [("SOP712", 2), ("SOP713", 2)],
    ),
    "own 0.9 on proposal: one stage up": (
        {"D-001": "D-001,Borealis,P-100,strategic,proposal,200,2027-02,2,0,0.9,Signed LOI"},
        [],
    ),
    "qualified to committed at own 0.9, with a reason": (
        {"D-002": "D-002,Cobalt,P-200,standard,committed,300,2027-03,3,0,0.9,Verbal yes"},
        [("SOP713", 3)],
    ),
    "qualified to committed tempered by own 0.6": (
        {"D-002": "D-002,Cobalt,P-200,standard,committed,300,2027-03,3,0,0.6,Budget unsigned"},
        [],
    ),
    "qualified to committed, no reason: SOP743 alone": (
        {"D-002": "D-002,Cobalt,P-200,standard,committed,300,2027-03,3,0,,"},
        [("SOP743", 3)],
    ),
    "own 0.1 cleared: back to proposal's 0.5": (
        {"D-003": "D-003,Delta Works,P-200,strategic,proposal,90,2027-04,1,0,,"},
        [("SOP713", 4)],
    ),
    "own 0.1 on qualified to committed, no reason: SOP743, not twice": (
        {"D-004": "D-004,Echo,P-100,standard,committed,40,2027-03,1,0,,"},
        [("SOP743", 5)],
    ),
    "won, 6x and moved: a closed deal is an order": (
        {"D-001": "D-001,Borealis,P-100,strategic,won,1200,2027-06,2,0,,"},
        [],
    ),
    "won at own 1, 6x: the stage closes it": (
        {"D-001": "D-001,Borealis,P-100,strategic,won,1200,2027-06,2,0,1,Signed"},
        [],
    ),
    "own 0 on proposal, 6x: it adds nothing": (
        {"D-001": "D-001,Borealis,P-100,strategic,proposal,1200,2027-06,2,0,0,renewal RN-1"},
        [],
    ),
    # P-100's baseline is 125 + 85 = 210 a period (moving_average): 631 > 3 periods of it
    "new deal at own 1 on proposal, 631 units": (
        {"D-005": "D-005,Foxtrot,P-100,standard,proposal,631,2027-04,1,0,1,Framework deal"},
        [("SOP712", 6), ("SOP744", 6)],
    ),
    "new deal, won, 631 units": (
        {"D-005": "D-005,Foxtrot,P-100,standard,won,631,2027-04,1,0,,"},
        [],
    ),
}


@pytest.mark.parametrize(("now", "expected"), list(CASES.values()), ids=list(CASES))
def test_a_deals_own_probability_is_judged_like_its_stage(
    tmp_path: Path, now: dict[str, str], expected: list[tuple[str, int]]
) -> None:
    fs = findings(tagged_cycles(tmp_path / "plan", now))
    assert sorted((f.code, f.line) for f in fs) == expected
    assert all(f.severity == "warning" for f in fs)


def test_the_qa_repro_names_the_rise_and_the_reason(tmp_path: Path) -> None:
    """SOP713 and SOP712 at the probability cell (column 10), quoting the reason."""
    row = "D-001,Borealis,P-100,strategic,proposal,1200,2027-06,2,0,1,Customer says yes"
    fs = {f.code: f for f in findings(tagged_cycles(tmp_path / "plan", {"D-001": row}))}
    rose = fs["SOP713"]
    assert (rose.path, rose.line, rose.col) == ("cycles/2027-01/inputs/pipeline.csv", 2, 10)
    assert rose.message.startswith(
        "deal D-001 (P-100, strategic): probability rose from 0.5 (stage proposal, in cycle "
        "2026-12, cycles/2026-12/inputs/pipeline.csv:2) to 1 (its own, on stage proposal; "
        "probability_reason 'Customer says yes'), 2 stages up in one cycle by the charter's "
        "stage probabilities."
    )
    assert "a reason does not clear this as it clears a stage jump (SOP743)" in rose.message
    own = fs["SOP712"]
    assert own.col == 10
    assert own.message.startswith(
        "deal D-001 (P-100, strategic) is at its own probability 1 (probability_reason "
        "'Customer says yes') on stage proposal, whose probability is 0.5: it counts in full"
    )
    assert "If the customer has signed, move it to stage won" in own.message
    assert "quantity grew from 200 (in cycle 2026-12" in fs["SOP742"].message
    assert "close period moved from 2027-02" in fs["SOP740"].message


@pytest.mark.parametrize(
    ("stages", "row", "expected"),
    [
        (WON_LOST, "proposal,200,2027-01,2,0,1,Customer says yes", "move it to stage won"),
        ("", "proposal,200,2027-01,2,0,1,Customer says yes", "close it as won (the charter"),
        (WON_LOST, "won,200,2027-01,2,0,1,Signed", None),
        (WON_LOST, "proposal,200,2027-01,2,0,0.95,Customer says yes", None),
        (WON_LOST, "proposal,200,2027-01,2,0,,", None),
    ],
    ids=["own 1 on proposal", "no won stage", "own 1 on won", "own 0.95", "stage's"],
)
def test_own_probability_1_on_a_stage_below_1_is_reported_without_a_previous_cycle(
    tmp_path: Path, stages: str, row: str, expected: str | None
) -> None:
    """The first cycle (2026-12) has nothing to compare with; SOP712 needs nothing."""
    first = HEAD + f"D-001,Borealis,P-100,strategic,{row}\n"
    repo = two_cycles(tmp_path / "plan", first, previous=first)
    charter = repo / "charters" / "acme.yaml"
    charter.write_text(charter.read_text().replace(COMMITTED, COMMITTED + stages, 1))
    fs = findings(repo, "2026-12")
    if expected is None:
        assert fs == []
        return
    assert [(f.code, f.line, f.col) for f in fs] == [("SOP712", 2, 10)]
    assert expected in fs[0].message


def test_a_probability_reason_does_not_clear_a_grown_quantity(tmp_path: Path) -> None:
    """QA's r4: D-001 200 → 400 with probability_reason 'New quote confirmed' (no own
    probability) is still SOP742 on every run. The message and the fix say so and what does
    clear it: a quantity at 1.5 × 200 = 300 or less."""
    row = "D-001,Borealis,P-100,strategic,proposal,400,2027-02,2,0,,New quote confirmed"
    repo = tagged_cycles(tmp_path / "plan", {"D-001": row})
    fs = findings(repo)
    assert [(f.code, f.line) for f in fs] == [("SOP742", 2)]
    assert (
        "Confirming it does not clear this warning, nor does probability_reason 'New quote "
        "confirmed' (it explains a probability): it compares with the previous cycle's row, so "
        "it stays for this cycle unless the quantity comes down to 300 or less"
    ) in fs[0].message
    assert "`probability_reason` does not clear it" in FIXES["SOP742"]
    assert "keep it only with a documented reason" not in FIXES["SOP742"]
    # and it is what clears it
    lower = row.replace(",400,", ",300,")
    (repo / "cycles/2027-01/inputs/pipeline.csv").write_text(pipeline(WAS | {"D-001": lower}))
    assert findings(repo) == []
