"""How the plan moved: deltas between two reconciled plans (pure).

A plan is read from the result files `sopctl reconcile` produces (supply_plan.csv,
exceptions.csv, summary.json), so a diff compares exactly what a planner would see.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from ..exception_words import OVERTIME_LEFT, OVERTIME_USED
from ..periods import start_date
from .model import Delta, ExceptionRow, OutputDiff, PeriodDelta

SUBJECT = "subject"
EXCEPTION_KEY = ("kind", SUBJECT, "segment", "period")
_IDS = {c: pl.String for c in ("item", "segment", "resource", "material", "period", "kind")}
# (name in the diff, where it is in summary.json)
_SUMMARY_KPIS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("revenue", ("finance", "revenue")),
    ("gross_margin", ("finance", "gross_margin")),
    ("gross_margin_pct", ("finance", "gross_margin_pct")),
    ("working_capital_avg", ("finance", "average_working_capital")),
    ("working_capital_peak", ("finance", "peak_working_capital")),
    ("cost_total", ("costs", "total")),
)


@dataclass
class PlanSnapshot:
    """The parts of a reconciled plan the diff compares."""

    summary: dict[str, Any]
    supply: pl.DataFrame
    exceptions: pl.DataFrame

    @classmethod
    def from_files(cls, files: dict[str, bytes], summary: dict[str, Any] | None) -> PlanSnapshot:
        """From the result files of `run_reconcile` (bytes by file name)."""
        doc = summary if summary is not None else json.loads(files["summary.json"])
        supply = pl.read_csv(io.BytesIO(files["supply_plan.csv"]), schema_overrides=_IDS)
        exc = pl.read_csv(io.BytesIO(files["exceptions.csv"]), schema_overrides=_IDS)
        return cls(doc, supply, exc)


def diff_outputs(a: PlanSnapshot, b: PlanSnapshot, limit: int = 10) -> OutputDiff:
    kpis = [
        Delta("demand_total", _col_sum(a.supply, "demand"), _col_sum(b.supply, "demand")),
        Delta(
            "production_total", _col_sum(a.supply, "production"), _col_sum(b.supply, "production")
        ),
        Delta(
            "lost_sales_total", _col_sum(a.supply, "lost_sales"), _col_sum(b.supply, "lost_sales")
        ),
    ]
    kpis += [Delta(name, _get(a.summary, p), _get(b.summary, p)) for name, p in _SUMMARY_KPIS]
    appeared, cleared, kept = _exception_changes(a.exceptions, b.exceptions)
    return OutputDiff(
        currency=str(b.summary.get("currency") or a.summary.get("currency") or ""),
        kpis=kpis,
        periods=_periods(a.supply, b.supply),
        service=_service(a.summary, b.summary),
        exceptions_by_kind=_by_kind(a.exceptions, b.exceptions),
        appeared=_exception_rows(appeared.head(limit)),
        cleared=_exception_rows(cleared.head(limit)),
        appeared_count=appeared.height,
        cleared_count=cleared.height,
        kept_count=kept,
    )


def _col_sum(frame: pl.DataFrame, col: str) -> float | None:
    if col not in frame.columns:
        return None
    return float(frame[col].sum())


def _get(doc: dict[str, Any], path: tuple[str, ...]) -> float | None:
    node: Any = doc
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def _per_period(supply: pl.DataFrame) -> pl.DataFrame:
    cols = [c for c in ("demand", "production") if c in supply.columns]
    return supply.group_by("period").agg([pl.col(c).sum() for c in cols])


def _periods(a: pl.DataFrame, b: pl.DataFrame) -> list[PeriodDelta]:
    """Per period, in date order (a monthly and a weekly plan side by side: by when each
    period starts, not by its label's characters)."""
    pa, pb = _per_period(a), _per_period(b)
    joined = pa.join(pb, on="period", how="full", coalesce=True, suffix="_b")
    rows = sorted(
        joined.iter_rows(named=True),
        key=lambda r: (start_date(str(r["period"])) or dt.date.max, str(r["period"])),
    )
    out = []
    for r in rows:
        out.append(
            PeriodDelta(
                r["period"],
                Delta("demand", r.get("demand"), r.get("demand_b")),
                Delta("production", r.get("production"), r.get("production_b")),
            )
        )
    return out


def _service_frame(doc: dict[str, Any]) -> dict[str, float | None]:
    rows = doc.get("service") or []
    return {
        str(r["segment"]): (
            float(r["service_level"]) if r.get("service_level") is not None else None
        )
        for r in rows
        if isinstance(r, dict) and "segment" in r
    }


def _service(a: dict[str, Any], b: dict[str, Any]) -> list[Delta]:
    sa, sb = _service_frame(a), _service_frame(b)
    names = list(sb) + [s for s in sa if s not in sb]
    return [Delta(s, sa.get(s), sb.get(s)) for s in names]


def _keyed(exc: pl.DataFrame) -> pl.DataFrame:
    """One row per exception identity: kind + item (else resource, else material) + segment +
    period. The binding resource of a shortage is context, not identity; quantities sum."""
    cols = [
        (pl.col(c).cast(pl.String).fill_null("") if c in exc.columns else pl.lit("")).alias(c)
        for c in ("kind", "item", "resource", "material", "segment", "period")
    ]
    nums = [
        (pl.col(c).cast(pl.Float64).fill_null(0.0) if c in exc.columns else pl.lit(0.0)).alias(c)
        for c in ("quantity", "value")
    ]
    subject = (
        pl.when(pl.col("item") != "")
        .then(pl.col("item"))
        .when(pl.col("resource") != "")
        .then(pl.col("resource"))
        .otherwise(pl.col("material"))
        .alias(SUBJECT)
    )
    # an overload with overtime left says so in its message, and how much of it it uses
    # (exception_words.overtime_left, overtime_used)
    msg = pl.col("message").cast(pl.String)
    has = "message" in exc.columns
    regular = msg.str.contains(f"; {OVERTIME_LEFT}", literal=True) if has else pl.lit(False)
    used = msg.str.extract(OVERTIME_USED, 1).str.replace_all(",", "").cast(pl.Float64) > 0
    return (
        exc.select(
            *cols,
            *nums,
            regular.fill_null(False).alias("regular_only"),
            (used if has else pl.lit(False)).fill_null(False).alias("on_overtime"),
        )
        .with_columns(subject)
        .group_by(list(EXCEPTION_KEY), maintain_order=True)
        .agg(
            pl.col("item", "resource", "material", "regular_only", "on_overtime").first(),
            pl.col("quantity", "value").sum(),
        )
    )


def _exception_changes(a: pl.DataFrame, b: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    ka, kb = _keyed(a), _keyed(b)
    key = list(EXCEPTION_KEY)
    order = ["value", *key]
    desc = [True] + [False] * len(key)
    appeared = kb.join(ka, on=key, how="anti").sort(order, descending=desc)
    cleared = ka.join(kb, on=key, how="anti").sort(order, descending=desc)
    kept = kb.join(ka, on=key, how="semi").height
    return appeared, cleared, kept


def _exception_rows(frame: pl.DataFrame) -> list[ExceptionRow]:
    return [ExceptionRow(**r) for r in frame.drop(SUBJECT).to_dicts()]


def _by_kind(a: pl.DataFrame, b: pl.DataFrame) -> list[Delta]:
    def counts(frame: pl.DataFrame) -> dict[str, float]:
        if "kind" not in frame.columns or not frame.height:
            return {}
        return {str(k): float(n) for k, n in _keyed(frame).group_by("kind").len().iter_rows()}

    ca, cb = counts(a), counts(b)
    return [Delta(k, ca.get(k, 0.0), cb.get(k, 0.0)) for k in sorted(set(ca) | set(cb))]
