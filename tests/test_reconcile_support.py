"""Helpers for the reconcile tests: tiny planning repos written to tmp_path and loaded.

No tests live here; `make_ws` writes a charter, a cycle and CSV inputs (the table type of each
file is its stem: items.csv -> items) and returns the loaded Workspace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sopctl.reconcile import PlanResult
from sopctl.validate import Workspace, load_workspace

CHARTER = """\
version: 1
organisation: {{name: Test Co}}
cadence:
  bucket: {bucket}
  horizon_periods: {horizon}
  frozen_periods: 0
  demand_refresh: {{every: 1, unit: month}}
  executive_commit: {{every: 1, unit: month}}
calendar: {{signal: 3, reconcile: 6, commit: 8}}
roles:
  - {{id: planner, title: Planner, members: [p@test.example]}}
  - {{id: boss, title: Boss, members: [b@test.example]}}
  - {{id: sales, title: Sales, members: [s@test.example]}}
decision_rights:
  override_demand: [planner]
  approve_capacity_change: [boss]
  approve_frozen_change: [boss]
  sign_off_plan: [boss]
approvals: {{required_roles: [boss], quorum: 1}}
inputs:
{inputs}
segments:
{segments}
escalation:
{escalation}
finance: {{currency: EUR, dso_days: 30, dpo_days: 30, inventory_carrying_rate: {rate}}}
"""

CYCLE = """\
id: "2026-12"
charter: test
first_period: "{first}"
horizon: {horizon}
"""


def segment(
    id: str = "s",
    priority: int = 1,
    policy: str = "backlog",
    penalty: float = 5.0,
    clear: bool = False,
    target: float = 0.95,
) -> dict[str, Any]:
    return {
        "id": id,
        "priority": priority,
        "service_level_target": target,
        "shortage_policy": policy,
        "shortage_penalty": penalty,
        "clear_backlog_by_end": clear,
    }


def make_ws(
    root: Path,
    files: dict[str, str],
    *,
    segments: Sequence[Mapping[str, Any]] | None = None,
    horizon: int = 3,
    first: str = "2027-01",
    bucket: str = "month",
    rate: float = 0.24,
    escalation: Sequence[Mapping[str, Any]] | None = None,
) -> Workspace:
    segs = segments or [segment()]
    inputs = "\n".join(
        f"  - {{file: {name}, table: {Path(name).stem}, owner: planner, due: reconcile}}"
        for name in files
    )
    seg_yaml = "\n".join(
        "  - {"
        + ", ".join(f"{k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in s.items())
        + "}"
        for s in segs
    )
    esc = escalation or []
    esc_yaml = (
        "\n".join("  - {" + ", ".join(f"{k}: {v}" for k, v in e.items()) + "}" for e in esc)
        if esc
        else "  []"
    )
    charter = CHARTER.format(
        bucket=bucket,
        horizon=horizon,
        inputs=inputs,
        segments=seg_yaml,
        escalation=esc_yaml,
        rate=rate,
    )
    if not esc:
        charter = charter.replace("escalation:\n  []", "escalation: []")
    (root / "charters").mkdir(parents=True, exist_ok=True)
    (root / "charters" / "test.yaml").write_text(charter, encoding="utf-8")
    cyc = root / "cycles" / "2026-12"
    (cyc / "inputs").mkdir(parents=True, exist_ok=True)
    (cyc / "cycle.yaml").write_text(CYCLE.format(first=first, horizon=horizon), encoding="utf-8")
    for name, text in files.items():
        (cyc / "inputs" / name).write_text(text, encoding="utf-8")
    ws, report = load_workspace(root, "2026-12")
    assert report.ok, [f"{f.code} {f.path}:{f.line} {f.message}" for f in report.errors]
    return ws


def demand(rows: Sequence[tuple[str, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"item": pl.String, "segment": pl.String, "period": pl.String, "final": pl.Float64},
        orient="row",
    )


def series(res: PlanResult, frame: str, column: str, **where: str) -> list[float]:
    """One column of a result frame (filtered by equality on key columns), in period order."""
    df: pl.DataFrame = getattr(res, frame)
    for k, v in where.items():
        df = df.filter(pl.col(k) == v)
    return [float(x) for x in df[column].to_list()]


def close(a: list[float] | np.ndarray, b: list[float] | np.ndarray, tol: float = 1e-6) -> bool:
    return bool(np.allclose(np.asarray(a, float), np.asarray(b, float), atol=tol, rtol=0))


ITEMS_HEADER = "item,unit_cost,price,lead_time,holding_cost,subcontract_cost,subcontract_limit\n"
RES_HEADER = (
    "resource,kind,hours,regular_cost,overtime_cost,overtime_limit,workforce,hours_per_worker,"
    "hire_cost,layoff_cost,max_hires,max_layoffs,min_workforce,max_workforce\n"
)
