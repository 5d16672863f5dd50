"""A Learn result as JSON (for machines) and Markdown (for a pull request or a review page).

Rows of scope `item` can run into the thousands: Markdown shows those that breach (up to
`rows` per metric); the files under learn/<cycle>/ and JSON carry every row.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import polars as pl

from .scorecard import NO_DEMAND, SECTIONS, TOTAL
from .signs import value_suffix

if TYPE_CHECKING:
    from .engine import LearnResult

TITLES = {
    "forecast": "Forecast quality",
    "lag": "Accuracy by lag",
    "service": "Service",
    "inventory": "Inventory health",
    "adherence": "Plan adherence",
    "pipeline": "Pipeline calibration",
    "assumptions": "Assumptions review",
}
SHOWN_COLUMNS = ("scope", "key", "metric", "value", "target", "status", "owner", "escalate_to")


def num(value: Any) -> str:
    if value is None:
        return ""
    v = float(value)
    if v != v:
        return ""
    return f"{v:,.0f}" if abs(v) >= 10000 else f"{v:.4g}"


def _bounds(row: dict[str, Any]) -> tuple[float | None, float | None]:
    """A judged row's effective bounds (target ∓ tolerance), as scorecard.rows judges."""
    tol = row.get("tolerance") or 0.0
    d, lo, hi = row.get("direction") or "", row.get("target"), row.get("target_max")
    low = lo - tol if lo is not None and d in ("at_least", "between") else None
    top = hi if d == "between" else lo if d == "at_most" else None
    return low, (top + tol if top is not None else None)


def value_text(row: dict[str, Any]) -> str:
    """A row's value as text and Markdown show it: `num`, except that a breached value `num`
    would round onto its bound (0.89998 against ≥ 0.9 reads 0.9) gets the digits that show it
    beyond: a breach never reads as equal to its target (scorecard.csv does the same)."""
    text = num(row.get("value"))
    if row.get("status") != "breach" or not text:
        return text
    v = float(row["value"])
    low, top = _bounds(row)

    def beyond(t: str) -> bool:
        x = float(t.replace(",", ""))
        x = abs(x) if row.get("absolute") else x
        return (low is not None and x < low) or (top is not None and x > top)

    big = abs(v) >= 10000  # `num` writes these without decimals: add decimals, not digits
    for more in range(1, 12):
        if beyond(text):
            break
        text = f"{v:,.{more}f}" if big else f"{v:.{4 + more}g}"
    return text


def target_text(row: dict[str, Any]) -> str:
    """The threshold in words: "≥ 0.95 ±0.02", "≤ 30", "|v| ≤ 4" (judged on the size of the
    value, either sign: bias, tracking signal), "≥ 20 and ≤ 60" for a range."""
    lo, hi, d = row.get("target"), row.get("target_max"), row.get("direction") or ""
    tol = row.get("tolerance") or 0.0
    plus = f" ±{num(tol)}" if tol else ""
    bar = "|v| " if row.get("absolute") else ""
    if d == "between":
        if lo is not None and hi is not None and lo == hi:
            return f"{bar}{num(lo)}{plus}"
        parts = ([f"≥ {num(lo)}"] if lo is not None else []) + (
            [f"≤ {num(hi)}"] if hi is not None else []
        )
        return bar + " and ".join(parts) + plus
    if lo is None:
        return ""
    return f"{bar}{'≤' if d == 'at_most' else '≥'} {num(lo)}{plus}"


def shown_rows(card: pl.DataFrame, section: str, rows: int) -> tuple[pl.DataFrame, str]:
    """The rows of a section worth reading: every row that is not per item, and the items
    that breach (at most `rows` per metric), with the items forecast but without any demand
    (their shares have no value, yet theirs is the worst over-forecast). Returns them and what
    was left out, in words ("" for nothing)."""
    part = card.filter(pl.col("section") == section)
    head = part.filter(pl.col("scope") != "item")
    no_demand = (pl.col("status") == "no_data") & pl.col("note").str.contains(
        NO_DEMAND, literal=True
    )
    items = part.filter(
        (pl.col("scope") == "item") & ((pl.col("status") == "breach") | no_demand.fill_null(False))
    )
    kept = items.group_by("metric", maintain_order=True).head(rows).select(part.columns)
    left = items.height - kept.height
    if not left:
        return pl.concat([head, kept]), ""
    quiet = left - (
        items.filter(pl.col("status") == "breach").height
        - kept.filter(pl.col("status") == "breach").height
    )
    what = "breach" if left == 1 else "breaches"
    if quiet:
        what += " or forecasts without demand"
    return pl.concat([head, kept]), f"… and {left} more item {what} (see scorecard.csv)"


def no_data_notes(part: pl.DataFrame) -> list[str]:
    """What the `no_data` rows of a section lack, one line per distinct note (the metrics or
    assumptions it concerns first): "line_fill_rate, otif: no actuals: add order_lines.csv"."""
    rows = part.filter((pl.col("status") == "no_data") & pl.col("note").is_not_null())
    out = []
    for (note,), group in rows.group_by("note", maintain_order=True):
        names = list(dict.fromkeys(_row_name(r) for r in group.iter_rows(named=True)))
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        out.append(f"{', '.join(names[:5])}{more}: {note}")
    return out


def _row_name(r: dict[str, Any]) -> str:
    """What a row is about: an assumption by its id, a metric of the whole by its name, a
    metric of one stage, segment, item … with it ('conversion of stage qualified'): two
    stages' notes would otherwise read alike."""
    if r["scope"] == "assumption":
        return str(r["key"])
    if r["scope"] == "total" or r["key"] == TOTAL:
        return str(r["metric"])
    return f"{r['metric']} of {r['scope']} {r['key']}"


def limit_notes(card: pl.DataFrame, section: str, shown: int = 5) -> list[str]:
    """Tracking-signal rows of a section (every scope, items too) whose limit cannot be
    breached with the periods observed, one line per distinct note: "tracking_signal of all,
    standard, P-100 and 3 more: only 4 observed periods: |TS| cannot exceed 4, …"."""
    rows = card.filter(
        (pl.col("section") == section) & (pl.col("metric") == "tracking_signal")
    ).with_columns(
        pl.col("note").str.extract(r"(only \d+ observed periods?: [^;]*)").alias("limit")
    )
    out = []
    for (note,), group in rows.drop_nulls("limit").group_by("limit", maintain_order=True):
        keys = group["key"].to_list()
        more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
        out.append(f"tracking_signal of {', '.join(keys[:shown])}{more}: {note}")
    return out


def to_dict(res: LearnResult) -> dict[str, Any]:
    return {
        "tag": res.tag,
        "cycle": res.cycle,
        "commit": res.commit,
        "ok": res.ok,
        "exit_code": res.exit_code,
        "breaches": res.breaches,
        "committed_files": res.sources,
        "lag_tags": res.lag_tags,
        "actuals": {"location": res.actuals, "files": res.actuals_files},
        "observed_periods": res.observed,
        "findings": [f.to_dict() for f in res.report.sorted()],
        "suggestions": res.suggestions,
        "written": [p.as_posix() for p in res.written],
        "removed": [p.as_posix() for p in res.removed],
        "scorecard": res.scorecard.to_dicts(),
    }


def to_json(res: LearnResult) -> str:
    # ASCII with \u escapes, as every other --format json: valid whatever stdout's encoding
    return json.dumps(to_dict(res), indent=2, sort_keys=True) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(res: LearnResult, rows: int = 10) -> str:
    lines = [
        f"## Learn: cycle {res.cycle} against {res.tag} ({res.commit[:7]})",
        "",
        f"Actuals: `{res.actuals}` ({', '.join(sorted(res.actuals_files)) or 'none'}); "
        f"observed periods: {', '.join(res.observed) or 'none'}. "
        f"Breaches: {res.breaches}.",
        "",
    ]
    for f in res.report.sorted():
        lines.append(f"- `{_cell(str(f))}`")
    if res.report.findings:
        lines.append("")
    head = "| " + " | ".join(SHOWN_COLUMNS) + " |"
    for section in SECTIONS:
        part, left = shown_rows(res.scorecard, section, rows)
        if not part.height:
            continue
        lines += [f"### {TITLES[section]}", "", head, "|" + "---|" * len(SHOWN_COLUMNS)]
        for r in part.iter_rows(named=True):
            cells = [
                r["scope"],
                r["key"],
                r["metric"],
                value_text(r) + value_suffix(r["section"], r["metric"], r["value"]),
                target_text(r),
                f"**{r['status']}**" if r["status"] == "breach" else r["status"],
                r["owner"],
                r["escalate_to"] if r["status"] == "breach" else "",
            ]
            lines.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")
        if left:
            lines.append(f"\n{left}")
        notes = [f"no data for {n}" for n in no_data_notes(part)]
        notes += limit_notes(res.scorecard, section)
        if notes:
            lines += ["", *(f"- {_cell(n)}" for n in notes)]
        lines.append("")
    return "\n".join(lines)
