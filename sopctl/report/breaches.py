"""The learn breaches as the report shows them (pure): the value in the metric's unit (percent
for rates), the target with its direction and tolerance, and the severity.

A row comes from learn/<cycle>/scorecard.csv as text (records.py); the columns after the first
nine (target_max, tolerance, direction, absolute, severity) are used when the file has them.
A breached value is shown with as many decimals as it takes not to read equal to its target
or to an edge of the tolerance band (at most four more than usual).
"""

from __future__ import annotations

from ..schemas.charter import SHARE_METRICS
from . import fmt

# scorecard metrics that are shares (0.25 = 25 %): the charter's share metrics and learn's own;
# fva is a difference of two shares (percentage points)
SHARES = frozenset(SHARE_METRICS) | frozenset(
    {
        "bias_pct",
        "mape",
        "wape",
        "unit_fill_rate",
        "hours_adherence",
        "utilisation",
        "utilisation_peak",
        "conversion",
        "suggested_probability",
    }
)
POINTS = frozenset({"fva"})
MORE = 4  # decimals a breached value may take beyond the usual


def _float(text: str | None) -> float | None:
    try:
        v = float(text or "")
    except ValueError:
        return None
    return v if v == v else None


def _unit(metric: str) -> str:
    return "share" if metric in SHARES else "points" if metric in POINTS else "number"


def _number(unit: str, x: float, decimals: int) -> str:
    """A value in its unit, negative with a true minus sign (−7.1 %)."""
    if unit == "points":
        return f"{fmt.signed(100 * x, decimals)} pp"
    text = fmt.pct(x, decimals) if unit == "share" else fmt.num(x, decimals)
    return text.replace("-", "−")


def _base(unit: str, x: float) -> int:
    """The usual decimals: one of a percent, none for a whole number, else two."""
    if unit != "number":
        return 1
    return 0 if float(x).is_integer() else 2


def target_text(row: dict[str, str]) -> str:
    """'≤ 0.0 % ± 5.0 pp' judged on |v|, '≥ 90.0 % ± 1.0 pp', '≥ 20 and ≤ 60'; the bare target
    when the file says nothing of its direction."""
    unit = _unit(row.get("metric", ""))
    lo, hi = _float(row.get("target")), _float(row.get("target_max"))
    tol = _float(row.get("tolerance")) or 0.0
    d = (row.get("direction") or "").strip()
    if lo is None and hi is None:
        return row.get("target") or "–"

    def show(x: float) -> str:
        return _number(unit, x, _base(unit, x))

    bar = "|v| " if (row.get("absolute") or "").strip().lower() == "true" else ""
    if tol:
        plus = f" ± {fmt.num(100 * tol, 1)} pp" if unit != "number" else f" ± {fmt.num(tol, 2)}"
    else:
        plus = ""
    if d == "between":
        parts = ([f"≥ {show(lo)}"] if lo is not None else []) + (
            [f"≤ {show(hi)}"] if hi is not None else []
        )
        return bar + " and ".join(parts) + plus
    if not d or lo is None:
        return show(lo if lo is not None else hi or 0.0)
    return f"{bar}{'≤' if d == 'at_most' else '≥'} {show(lo)}{plus}"


def _edges(row: dict[str, str]) -> list[float]:
    """The numbers a reader compares a value with: the targets and the tolerance band's edges
    (both signs when the size of the value is judged)."""
    tol = _float(row.get("tolerance")) or 0.0
    out = []
    for t in (_float(row.get("target")), _float(row.get("target_max"))):
        if t is not None:
            out += [t, t - tol, t + tol]
    if (row.get("absolute") or "").strip().lower() == "true":
        out += [-x for x in out]
    return out


def value_text(row: dict[str, str]) -> str:
    """The value in the metric's unit; a breach with enough decimals not to read as its target."""
    v = _float(row.get("value"))
    if v is None:
        return row.get("value") or "–"
    unit = _unit(row.get("metric", ""))
    first = _base(unit, v)
    if row.get("status") != "breach":
        return _number(unit, v, first)
    edges = _edges(row)
    for decimals in range(first, first + MORE + 1):
        text = _number(unit, v, decimals)
        if all(text != _number(unit, e, decimals) for e in edges):
            return text
    return f"{text} (beyond the limit before rounding)"


def breach_row(row: dict[str, str]) -> tuple[str, ...]:
    """section, metric, scope, key, value, target, severity, owner, escalate to."""
    return (
        row["section"],
        row["metric"],
        row["scope"],
        row["key"],
        value_text(row),
        target_text(row),
        row.get("severity") or "–",
        row.get("owner") or "–",
        row.get("escalate_to") or "–",
    )
