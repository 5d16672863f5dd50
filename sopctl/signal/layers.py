"""Promotions, renewals and overrides: the layers on top of baseline and pipeline.

promotion: uplift_pct → baseline × pct / 100 in every period start..end; uplift_units → that
many units in every period start..end.
renewal: quantity × probability in the renewal period.
override (last): delta adds its quantity; replace sets the period's demand to its quantity, so
its units are quantity − (baseline + pipeline + promotion + renewal). Within one item, segment
and period the overrides apply in file order: a replace supersedes the overrides above it
(SOP708), deltas below it add to it. An override whose owner lacks the right to make it
(SOP701, SOP702: the rule is in rights.py, which validate uses too) is reported and not applied.
"""

from __future__ import annotations

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
    gather,
    ord_col,
    usable,
    with_optional,
)
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


def promotion_layer(
    t: Table | None, index: pl.DataFrame, hz: Horizon, base: FloatArr
) -> pl.DataFrame:
    so, eo = ord_col("start_period"), ord_col("end_period")
    df = usable(t, ["promo_id", "item", "segment", so, eo])
    if t is None or df is None or df.height == 0:
        return empty_sources()
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
    return _sources(d, "promotion", t.path, "promo_id")


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
