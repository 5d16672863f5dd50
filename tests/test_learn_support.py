"""Shared set-up of the Learn tests: a planning repo (from the minimal example) with three
monthly cycles, each reconciled, approved and committed with `sopctl tag`, and actuals.

- sop/2026-12/v1 plans 2027-01..06; sop/2027-01/v1 plans 2027-02..07; sop/2027-02/v1 plans
  2027-03..08. The first two tag trees hold inputs only (outputs are git-ignored, so learn
  rebuilds them); the third commits its outputs, so learn reads them from the tag.
- A material M-1 (supplier Fastener Co, lead time 1 month) and an assumption naming it.
- actuals/ holds demand, stock, production, deals, lead times and assumption outcomes for
  2027-01..2027-03.

Built once per test process and copied per test (a copy is much cheaper than three solves).
The demand views each cycle committed are kept (PLANS) so tests can check lags by hand.
"""

from __future__ import annotations

import atexit
import csv
import io
import shutil
import tempfile
from pathlib import Path

from sopctl.demos.minimal import files
from tests.helpers import git, run, write_files
from tests.test_tag_support import SIGNERS

CYCLES = {"2026-12": "2027-01", "2027-01": "2027-02", "2027-02": "2027-03"}
COMMITTED_OUTPUTS = "2027-02"  # this cycle commits its outputs with the tag
SERIES = {
    ("P-100", "strategic"): 120,
    ("P-100", "standard"): 80,
    ("P-200", "strategic"): 60,
    ("P-200", "standard"): 140,
}
# actual orders 2027-01..03 per series (the history of later cycles holds the earlier months)
ORDERS = {
    ("P-100", "strategic"): (130, 125, 140),
    ("P-100", "standard"): (70, 90, 60),
    ("P-200", "strategic"): (60, 60, 60),
    ("P-200", "standard"): (150, 120, 160),
}
MONTHS = ("2027-01", "2027-02", "2027-03")
ACTIONS = """\
version: 1
actions:
  - id: ACT-1
    description: Review every escalated exception in the S&OP meeting
    owner: ops_lead
    due: 2027-01-15
    answers: "*:*:*"
"""
EXTRA_INPUTS = (
    "  - {file: materials.csv, table: materials, owner: ops_lead, due: reconcile}\n"
    "  - {file: bom.csv, table: bom, owner: ops_lead, due: reconcile}\n"
)
LEARN = (
    "learn:\n"
    "  min_resolved_deals: 1\n"
    "  days_of_supply: {min: 5, max: 60}\n"
    "  owners: {pipeline: sales_lead}\n"
)
ASSUMPTION = (
    "  - id: A2\n    text: Fastener Co delivers M-1 within one month.\n    owner: ops_lead\n"
    "  - id: A3\n    text: Supplier lead times stay as quoted.\n    owner: ops_lead\n"
)
ACTUALS = {
    "stock.csv": "item,period,on_hand\nP-100,2027-01,140\nP-100,2027-02,90\nP-100,2027-03,40\n"
    "P-200,2027-01,230\nP-200,2027-02,210\nP-200,2027-03,200\n",
    "production.csv": "item,period,produced\nP-100,2027-01,190\nP-100,2027-02,200\n"
    "P-100,2027-03,210\nP-200,2027-01,200\nP-200,2027-02,180\nP-200,2027-03,200\n",
    "deals.csv": "deal_id,outcome,close_period\nD-001,won,2027-02\nD-002,lost,2027-02\n"
    "D-009,won,2027-02\n",
    "lead_times.csv": "receipt_id,material,order_period,receipt_period\n"
    "R-1,M-1,2027-01,2027-03\nR-2,M-1,2027-01,2027-02\nR-3,M-1,2027-02,2027-05\n",
    "order_lines.csv": "order_id,line,item,segment,requested_period,ordered,shipped,"
    "shipped_period\nSO-1,1,P-100,strategic,2027-01,10,10,2027-01\n"
    "SO-1,2,P-200,strategic,2027-01,5,5,2027-02\nSO-2,1,P-100,standard,2027-02,8,6,2027-02\n"
    "SO-3,1,P-200,standard,2027-03,4,0,\nSO-4,1,P-100,standard,2027-09,3,3,2027-09\n",
    "assumptions.csv": "cycle,assumption_id,held,outcome\n"
    "2026-12,A1,partly,Second shift stopped in March\n",
}
PLANS: dict[str, list[dict[str, str]]] = {}  # cycle -> rows of its committed demand_plan.csv


def history(first: str) -> str:
    """The minimal example's 2026 history (the starter's for cycle 2027-01: 2026-01..2026-12)
    plus the actual orders of 2027 before `first`."""
    rows = files("2027-01")["cycles/2027-01/inputs/history.csv"].splitlines()
    for k, month in enumerate(MONTHS):
        if month >= first:
            break
        rows += [f"{i},{s},{month},{ORDERS[(i, s)][k]}" for (i, s) in SERIES]
    return "\n".join(rows) + "\n"


def demand_actuals() -> str:
    lines = ["item,segment,period,ordered,shipped"]
    for (item, seg), values in ORDERS.items():
        for month, q in zip(MONTHS, values, strict=True):
            shipped = q if seg == "strategic" else round(q * 0.9)
            lines.append(f"{item},{seg},{month},{q},{shipped}")
    return "\n".join(lines) + "\n"


def cycle_files(cycle: str, first: str) -> dict[str, str]:
    base = files()
    out = {}
    for path, text in base.items():
        if not path.startswith("cycles/2026-12/"):
            continue
        rel = path.removeprefix("cycles/2026-12/")
        out[f"cycles/{cycle}/{rel}"] = text
    cy = base["cycles/2026-12/cycle.yaml"].replace("id: 2026-12", f"id: {cycle}")
    cy = cy.replace("first_period: 2027-01", f"first_period: {first}")
    cy = cy.replace("scenarios:\n", ASSUMPTION + "scenarios:\n")
    out[f"cycles/{cycle}/cycle.yaml"] = cy
    out[f"cycles/{cycle}/inputs/history.csv"] = history(first)
    out[f"cycles/{cycle}/inputs/materials.csv"] = (
        "material,supplier,unit_cost,lead_time,on_hand\nM-1,Fastener Co,0.5,1,100000\n"
    )
    out[f"cycles/{cycle}/inputs/bom.csv"] = "item,material,quantity_per\nP-100,M-1,2\n"
    out[f"cycles/{cycle}/actions.yaml"] = ACTIONS
    return out


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _approve(root: Path, cycle: str) -> None:
    from sopctl.governance.records import plan_digest
    from sopctl.validate import load_workspace

    ws, _ = load_workspace(root, cycle, cwd=root)
    d = plan_digest(ws)
    lines = ["version: 1", "approvals:"]
    for role, person, time in SIGNERS:
        lines += [f"  - role: {role}", f"    person: {person}", f"    time: '{time}'"]
        lines.append(f"    plan_digest: {d}")
    (root / "cycles" / cycle / "approvals.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def build(root: Path) -> Path:
    r = run(["init", str(root), "--cycle", "2026-12"])
    assert r.code == 0, r.out + r.err
    shutil.rmtree(root / "cycles" / "2026-12")
    charter = (root / "charters/acme.yaml").read_text("utf-8")
    charter = charter.replace("metrics:\n", EXTRA_INPUTS + "metrics:\n", 1)
    charter = charter.replace("finance:\n", LEARN + "finance:\n", 1)
    (root / "charters/acme.yaml").write_text(charter, "utf-8")
    for cycle, first in CYCLES.items():
        write_files(root, cycle_files(cycle, first))
        # demand first: reconcile then reuses the written demand view, as `sopctl tag` does
        for step in ("demand", "reconcile"):
            r = run([step, cycle, "--format", "json"], cwd=root)
            assert r.code == 0, r.out + r.err
        plan = (root / "cycles" / cycle / "outputs" / "demand_plan.csv").read_text("utf-8")
        PLANS[cycle] = list(csv.DictReader(io.StringIO(plan)))
        _approve(root, cycle)
        if cycle == COMMITTED_OUTPUTS:
            git(root, "add", "-f", f"cycles/{cycle}/outputs")
        _commit(root, f"Plan {cycle}")
        r = run(["tag", cycle], cwd=root)
        assert r.code == 0, r.out + r.err
    write_files(root, {"actuals/demand.csv": demand_actuals()})
    write_files(root, {f"actuals/{name}": text for name, text in ACTUALS.items()})
    _commit(root, "Actuals to March")
    # warm the cache of rebuilt committed outputs, as a first `sopctl learn` would
    r = run(["learn", "2026-12", "--format", "json"], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    shutil.rmtree(root / "learn")
    return root


_TEMPLATE: list[Path] = []


def three_cycles(dest: Path) -> Path:
    """A fresh copy of the three-cycle repository at `dest` (built on first use)."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="sopctl-learn-template-"))
        atexit.register(shutil.rmtree, base, True)
        _TEMPLATE.append(build(base / "plan"))
    shutil.copytree(_TEMPLATE[0], dest, symlinks=True)
    return dest
