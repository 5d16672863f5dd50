"""Service: unit fill rate per segment against the segment's target; line fill rate and OTIF
where order lines exist. Order lines, when given, are the source of the unit fill rate (they
count each line's shortfall); otherwise demand.csv is, each item × segment × period capped at
its orders (Σ min(shipped, ordered) ÷ Σ ordered, docs/metrics.md)."""

from __future__ import annotations

import polars as pl

from ..tables.learn_tables import YES
from ..tables.refs import ord_col
from . import metrics as m
from . import scorecard as sc
from .model import LearnInputs, observed


def _flag(column: str, fallback: pl.Expr, present: set[str]) -> pl.Expr:
    if column in present:
        given = pl.when(pl.col(column).is_null()).then(None).otherwise(pl.col(column).is_in(YES))
        return pl.coalesce(given, fallback)
    return fallback


def order_frame(inp: LearnInputs) -> pl.DataFrame | None:
    """Order lines requested inside the committed horizon, with on_time and in_full."""
    df = inp.actuals.get("order_lines")
    if df is None:
        return None
    df = df.filter(pl.col("requested_period").is_in(inp.labels))
    cols = set(df.columns)
    shipped_in_time = (
        (pl.col(ord_col("shipped_period")) <= pl.col(ord_col("requested_period"))).fill_null(False)
        if "shipped_period" in cols
        else pl.lit(False)
    )
    return df.with_columns(
        _flag("on_time", shipped_in_time, cols).alias("on_time"),
        _flag("in_full", pl.col("shipped") >= pl.col("ordered") - sc.EPS, cols).alias("in_full"),
    ).with_columns((pl.col("on_time") & pl.col("in_full")).alias("otif"))


def service_rows(inp: LearnInputs) -> pl.DataFrame:
    rules, ch = inp.rules, inp.charter
    lines = order_frame(inp)
    demand = inp.actuals.get("actuals")
    if demand is not None:
        demand = demand.filter(
            pl.col("period").is_in(observed(demand, inp.labels)) & pl.col("shipped").is_not_null()
        )
    plan_service = inp.target.ref.record.kpis.get("service") or {}
    out: list[pl.DataFrame] = []
    if lines is not None and lines.height:
        fill, source = m.unit_fill_rate(), "order_lines.csv"
        base = lines
    elif demand is not None and demand.height:
        fill, source = m.unit_fill_rate(), "demand.csv"
        base = m.cells(demand)
    else:
        th = rules.threshold("service", "unit_fill_rate")
        return sc.no_data(
            "service",
            "unit_fill_rate",
            th,
            inp.lacking(
                "no actuals: add order_lines.csv, or shipped quantities in demand.csv",
                "order_lines",
                "actuals",
            ),
        )
    seg = base.group_by("segment").agg(fill.alias("value"), pl.len().alias("n"))
    by_seg = {r["segment"]: r for r in seg.iter_rows(named=True)}
    total = base.select(fill.alias("value"), pl.len().alias("n")).row(0, named=True)
    out.append(
        sc.one(
            "service",
            "unit_fill_rate",
            "total",
            sc.TOTAL,
            total["value"],
            rules.threshold("service", "unit_fill_rate", escalate=rules.escalate("shortage")),
            total["n"],
            f"from {source}"
            + ("" if total["value"] is not None else ": nothing ordered, so no base"),
        )
    )
    for s in sorted(ch.segments, key=lambda s: (s.priority, s.id)):
        row = by_seg.get(s.id)
        planned = plan_service.get(s.id)
        note = f"from {source}" + (f"; committed plan {planned:.4f}" if planned is not None else "")
        th = rules.threshold(
            "service",
            "unit_fill_rate",
            target=s.service_level_target,
            escalate=rules.escalate("shortage", segment=s.id),
        )
        value = row["value"] if row else None
        if row is None:  # nothing to measure: the note says why
            note = f"{source} has no row for segment {s.id} in the observed periods"
        elif value is None:
            note = f"{source}: nothing ordered by segment {s.id}, so the fill rate has no base"
        out.append(
            sc.one(
                "service",
                "unit_fill_rate",
                "segment",
                s.id,
                value,
                th,
                row["n"] if row else None,
                note,
            )
        )
    if lines is not None and lines.height:
        out += _line_rows(inp, lines)
    else:
        for metric in ("line_fill_rate", "otif"):
            th = rules.threshold("service", metric)
            why = inp.lacking("no actuals: add order_lines.csv", "order_lines")
            out.append(sc.no_data("service", metric, th, why))
    return sc.concat(out)


def _line_rows(inp: LearnInputs, lines: pl.DataFrame) -> list[pl.DataFrame]:
    rules = inp.rules
    out = []
    for metric, flag, exception in (
        ("line_fill_rate", "in_full", "shortage"),
        ("otif", "otif", "late_delivery"),
    ):
        total = lines.select(m.share(flag).alias("value"), pl.len().alias("n")).row(0, named=True)
        th = rules.threshold("service", metric, escalate=rules.escalate(exception))
        out.append(sc.one("service", metric, "total", sc.TOTAL, total["value"], th, total["n"], ""))
        rank = {s.id: (s.priority, s.id) for s in inp.charter.segments}
        seg = lines.group_by("segment").agg(m.share(flag).alias("value"), pl.len().alias("n"))
        for r in sorted(seg.iter_rows(named=True), key=lambda r: rank.get(r["segment"], (0, ""))):
            th = rules.threshold(
                "service", metric, escalate=rules.escalate(exception, segment=r["segment"])
            )
            out.append(sc.one("service", metric, "segment", r["segment"], r["value"], th, r["n"]))
    return out
