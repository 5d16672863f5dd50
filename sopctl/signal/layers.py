"""Promotions, renewals and overrides: the layers on top of baseline and pipeline.

promotion: uplift_pct → baseline × pct / 100 in every period start..end; uplift_units → that
many units in every period start..end. A percent promotion over a baseline of 0 adds nothing
there (SOP710: no history, or the pipeline replaces the baseline of its segment).
renewal: quantity × probability in the renewal period.
override (last): delta adds its quantity; replace sets the period's demand to its quantity, so
its units are quantity − (baseline + pipeline + promotion + renewal). Within one item, segment
and period the overrides apply in file order: a replace supersedes the overrides above it
(SOP708), deltas below it add to it. An override whose owner lacks the right to make it
(SOP701, SOP702: the rule is in rights.py, which validate uses too) is reported and not applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..findings import Finding
from ..schemas.charter import Charter
from ..tables.check import Table
from .codes import frame_findings
from .frames import (
    LINE,
    FloatArr,
    Horizon,
    attach_series,
    col_of,
    empty_sources,
    fmt,
    gather,
    ord_col,
    usable,
    with_optional,
)
from .pipeline import period_labels
from .rights import override_rows, rights_findings


def _sources(df: pl.DataFrame, component: str, path: str, id_col: str) -> pl.DataFrame:
    return df.select(
        "s",
        "k",
        pl.lit(component).alias("component"),
        pl.col("units").cast(pl.Float64),
        pl.lit(path).alias("source_file"),
        pl.col(LINE).alias("source_line"),
        pl.col(id_col).alias("source_id"),
    )


@dataclass
class PromotionLayer:
    sources: pl.DataFrame
    findings: list[Finding]


def promotion_layer(
    t: Table | None, index: pl.DataFrame, hz: Horizon, base: FloatArr, replaced: tuple[str, ...]
) -> PromotionLayer:
    so, eo = ord_col("start_period"), ord_col("end_period")
    df = usable(t, ["promo_id", "item", "segment", so, eo])
    if t is None or df is None or df.height == 0:
        return PromotionLayer(empty_sources(), [])
    d = (
        attach_series(
            with_optional(df, {"uplift_pct": pl.Float64, "uplift_units": pl.Float64}), index
        )
        .filter(pl.col("uplift_pct").is_not_null() | pl.col("uplift_units").is_not_null())
        .with_columns(
            (pl.max_horizontal(so, pl.lit(hz.first)) - hz.first).alias("k0"),
            (pl.min_horizontal(eo, pl.lit(hz.last)) - hz.first).alias("k1"),
        )
        .filter(pl.col("k1") >= pl.col("k0"))
        .with_columns(pl.int_ranges("k0", pl.col("k1") + 1, dtype=pl.Int64).alias("k"))
        .explode("k")
    )
    d = d.with_columns(pl.Series("base", gather(base, d["s"], d["k"]), pl.Float64)).with_columns(
        pl.when(pl.col("uplift_pct").is_not_null())
        .then(pl.col("base") * pl.col("uplift_pct") / 100.0)
        .otherwise(pl.col("uplift_units"))
        .alias("units")
    )
    return PromotionLayer(
        _sources(d, "promotion", t.path, "promo_id"), _on_zero(t, d, hz, replaced)
    )


def _on_zero(t: Table, d: pl.DataFrame, hz: Horizon, replaced: tuple[str, ...]) -> list[Finding]:
    """SOP710: a percent promotion over periods whose baseline is 0 adds nothing there."""
    pct = pl.col("uplift_pct").is_not_null() & (pl.col("uplift_pct") != 0)
    rows = (
        d.filter(pct)
        .group_by(LINE, maintain_order=True)
        .agg(
            pl.col("promo_id", "item", "segment", "uplift_pct").first(),
            (pl.col("base") == 0).sum().alias("zero"),
            pl.len().alias("n"),
            pl.col("k").min().alias("k0"),
            pl.col("k").max().alias("k1"),
        )
        .filter(pl.col("zero") > 0)
        .sort(LINE)
    )
    if not rows.height:
        return []
    rows = rows.with_columns(
        period_labels(rows["k0"] + hz.first, hz).alias("p0"),
        period_labels(rows["k1"] + hz.first, hz).alias("p1"),
    )
    why = (
        pl.when(pl.col("segment").is_in(list(replaced)))
        .then(pl.lit(" (pipeline.mode replaces_baseline sets the baseline of the segment to 0)"))
        .otherwise(pl.lit(""))
    )
    periods = (
        pl.when(pl.col("zero") == pl.col("n"))
        .then(pl.lit("in every period"))
        .otherwise(pl.format("in {} of its {} periods", "zero", "n"))
    )
    message = pl.format(
        "promotion {} ({}, {}) adds {}% of the baseline in {}, but the baseline is 0 {}{}, "
        "so it adds nothing there; give the uplift in units (uplift_units) if the promotion "
        "brings demand of its own",
        "promo_id",
        "item",
        "segment",
        fmt(pl.col("uplift_pct")),
        pl.when(pl.col("p0") == pl.col("p1"))
        .then(pl.col("p0"))
        .otherwise(pl.format("{}..{}", "p0", "p1")),
        periods,
        why,
    )
    return frame_findings(t.path, col_of(t, "uplift_pct"), "SOP710", rows, message)


def renewal_layer(t: Table | None, index: pl.DataFrame, hz: Horizon) -> pl.DataFrame:
    po = ord_col("period")
    df = usable(t, ["renewal_id", "item", "segment", po, "quantity", "probability"])
    if t is None or df is None or df.height == 0:
        return empty_sources()
    d = (
        attach_series(df, index)
        .with_columns((pl.col(po) - hz.first).alias("k"))
        .filter(pl.col("k").is_between(0, hz.size - 1))
        .with_columns((pl.col("quantity") * pl.col("probability")).alias("units"))
    )
    return _sources(d, "renewal", t.path, "renewal_id")


def override_layer(
    t: Table | None, index: pl.DataFrame, hz: Horizon, other: FloatArr, charter: Charter
) -> tuple[pl.DataFrame, list[Finding]]:
    rows = override_rows(t, hz, charter)
    if t is None or rows is None or rows.height == 0:
        return empty_sources(), []
    d = attach_series(rows, index)
    findings = rights_findings(t, d, hz, charter)
    ok = d.filter(~pl.col("no_right") & ~pl.col("frozen")).with_columns(
        pl.col(LINE)
        .filter(pl.col("kind") == "replace")
        .max()
        .over(["s", "k"])
        .alias("last_replace")
    )
    live = pl.col("last_replace").is_null() | (pl.col(LINE) >= pl.col("last_replace"))
    applied = ok.filter(live)
    applied = applied.with_columns(
        pl.Series("other", gather(other, applied["s"], applied["k"]), pl.Float64)
    ).with_columns(
        pl.when(pl.col("kind") == "replace")
        .then(pl.col("quantity") - pl.col("other"))
        .otherwise(pl.col("quantity"))
        .alias("units")
    )
    replaces = ok.filter(pl.col("kind") == "replace").select(
        "s", "k", pl.col(LINE).alias("last_replace"), pl.col("override_id").alias("by")
    )
    gone = ok.filter(~live).join(replaces, on=["s", "k", "last_replace"], how="left").sort(LINE)
    findings += frame_findings(
        t.path,
        col_of(t, "override_id"),
        "SOP708",
        gone,
        pl.format(
            "override {} ({}, {}, {}) is not applied: replace override {} on line {} "
            "sets the same period further down",
            "override_id",
            "item",
            "segment",
            "period",
            "by",
            "last_replace",
        ),
    )
    return _sources(applied, "override", t.path, "override_id"), findings
