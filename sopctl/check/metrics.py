"""Charter metrics checked against the solved plan (pure: the plan's summary in, findings out).

Computable from a plan: service_level (per segment, against the segment's own target when the
plan carries one, else the metric's target), gross_margin (fraction of revenue),
inventory_turns and capacity_utilisation (the highest utilisation of any resource and period).
Every other metric (forecast accuracy, pipeline coverage ...) needs actuals or history: it is
named once in an info finding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exception_words import OVERTIME_ONLY
from ..findings import Finding, Severity
from ..findings import finding as make
from ..results import peak_utilisation
from ..schemas.charter import Metric
from ..yamlio import parse_yaml

if TYPE_CHECKING:
    from ..validate import Workspace

COMPUTABLE = ("service_level", "gross_margin", "inventory_turns", "capacity_utilisation")


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def values(m: Metric, summary: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """(what, value, target) for each value of metric `m` the plan yields."""
    fin = summary.get("finance") or {}
    if m.name == "service_level":
        out = []
        for s in summary.get("service") or []:
            v = _num(s.get("service_level"))
            t = _num(s.get("target"))
            if v is not None:
                out.append((f"segment {s.get('segment')}", v, t if t is not None else m.target))
        return out
    if m.name == "gross_margin":
        pct = _num(fin.get("gross_margin_pct"))
        return [] if pct is None else [("plan", pct / 100.0, m.target)]
    if m.name == "inventory_turns":
        v = _num(fin.get("inventory_turns"))
        return [] if v is None else [("plan", v, m.target)]
    if m.name == "capacity_utilisation":
        if (peak := peak_utilisation(summary)) is None:
            return []
        p, u = peak
        return [(f"{p.get('resource')} in {p.get('period')}", u, m.target)]
    return []


def _misses(m: Metric, value: float, target: float) -> bool:
    if m.direction == "at_least":
        return value < target - m.tolerance - 1e-9
    return value > target + m.tolerance + 1e-9


def _metric_hint(m: Metric, charter_path: str) -> str:
    """What to do about a missed metric, one sentence for `check` and `tag` alike."""
    review = "(a reviewed change by a sign_off_plan member)"
    if m.severity == "warning":
        return (
            f"raise the plan to the target, or change the target in {charter_path} {review}; "
            "as a warning it does not stop the plan"
        )
    return (
        "raise the plan to the target, or, if the leaders accept it, set this metric's "
        f"severity to warning in {charter_path} {review}"
    )


def metric_findings(
    metrics: list[Metric],
    summary: Mapping[str, Any],
    charter_path: str,
    where: Mapping[int, tuple[int, int]],
    cycle: str = "",
) -> list[Finding]:
    """A finding at the metric's severity for each value that misses its threshold, and one
    info finding naming the metrics a plan cannot compute. `where`: metric index → line/col;
    `cycle`: whose plan it is (the charter line is shared by every cycle of the charter)."""
    whose = f"cycle {cycle}: " if cycle else ""
    out: list[Finding] = []
    skipped = []
    for i, m in enumerate(metrics):
        line, col = where.get(i, (0, 0))
        if m.name not in COMPUTABLE:
            skipped.append(m.name)
            continue
        sign = "≥" if m.direction == "at_least" else "≤"
        for what, value, target in values(m, summary):
            if not _misses(m, value, target):
                continue
            tol = f" (tolerance {m.tolerance:g})" if m.tolerance else ""
            # no regular hours, load on overtime (results.peak_utilisation): no share to print
            shown = OVERTIME_ONLY if value == math.inf else f"{value:.4g}"
            out.append(
                make(
                    charter_path,
                    line,
                    col,
                    "SOP804",
                    f"{whose}{m.name} of {what} is {shown}, target {sign} {target:g}{tol}; "
                    f"owner {m.owner}: " + _metric_hint(m, charter_path),
                    Severity(m.severity),
                )
            )
    if skipped:
        i = next(i for i, m in enumerate(metrics) if m.name in skipped)
        line, col = where.get(i, (0, 0))
        out.append(
            make(
                charter_path,
                line,
                col,
                "SOP805",
                f"{whose}not computable here (needs actuals or history): {', '.join(skipped)}",
            )
        )
    return out


def metric_marks(root: Path, charter_path: str) -> dict[int, tuple[int, int]]:
    """Line and column of each metric in the charter file (metric index -> (line, col))."""
    path = root / charter_path
    try:
        doc, _ = parse_yaml(charter_path, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    if doc is None or not isinstance(doc.data, dict):
        return {}
    return {i: doc.where(("metrics", i)) for i in range(len(doc.data.get("metrics") or []))}


def plan_metric_findings(ws: Workspace, summary: Mapping[str, Any]) -> list[Finding]:
    """The `metrics` policy of `sopctl check` for the cycle's plan `summary` (a reconcile
    run's): what `sopctl tag` must not commit when a finding is an error."""
    assert ws.charter is not None and ws.cycle is not None
    charter_path = f"charters/{ws.cycle.charter}.yaml"
    marks = metric_marks(ws.root, charter_path)
    return metric_findings(ws.charter.metrics, summary, charter_path, marks, ws.cycle_id)
