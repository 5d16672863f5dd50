"""Rules of the demand view found by QA, each on a small repo worked out by hand.

The charter is the one of test_signal_engine (month buckets, horizon 2027-01..2027-06, frozen
2027-01; stages qualified 0.2, proposal 0.5, committed 0.9; close_to_demand_lag 1;
moving_average window 3 by default), with only the inputs each test writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
