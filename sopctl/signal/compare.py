"""Views derived from the plan: pipeline coverage of targets, changes against a previous plan."""

from __future__ import annotations

import numpy as np
import polars as pl

from ..results import DECIMALS
from ..tables.check import Table
from .frames import FloatArr, Horizon, ord_col, usable

COVERAGE_SCHEMA = {
    "segment": pl.String,
    "period": pl.String,
    "weighted_pipeline": pl.Float64,
    "target": pl.Float64,
    "coverage": pl.Float64,
}
CHANGES_SCHEMA = {
    "item": pl.String,
    "segment": pl.String,
    "period": pl.String,
    "previous": pl.Float64,
    "final": pl.Float64,
    "change": pl.Float64,
    "change_pct": pl.Float64,
}


def coverage(
    targets_t: Table | None, index: pl.DataFrame, hz: Horizon, pipeline: FloatArr
) -> pl.DataFrame:
    """Weighted pipeline (as placed in the plan) ÷ target, per segment and period."""
    segs = sorted(set(index["segment"].to_list()))
    codes = list(range(len(segs)))
    seg_of = index["segment"].replace_strict(segs, codes, return_dtype=pl.Int64).to_numpy()
    per_seg = np.zeros((len(segs), hz.size))
    for g in range(len(segs)):  # a handful of segments: one vectorised sum each
        per_seg[g] = pipeline[seg_of == g].sum(axis=0)
    return segment_coverage(targets_t, hz, segs, per_seg)


def segment_coverage(
    targets_t: Table | None, hz: Horizon, segs: list[str], per_seg: FloatArr
) -> pl.DataFrame:
    """Coverage from the weighted pipeline per segment (`per_seg` rows: `segs`) × period; a
    segment with a target and no row has no pipeline."""
    po = ord_col("period")
    t = usable(targets_t, ["segment", po, "target"])
    if t is None or t.height == 0:
        return pl.DataFrame(schema=COVERAGE_SCHEMA)
    t = t.with_columns((pl.col(po) - hz.first).alias("k")).filter(
        pl.col("k").is_between(0, hz.size - 1)
    )
    padded = np.vstack([per_seg, np.zeros((1, hz.size))])  # the last row: no pipeline
    codes = list(range(len(segs)))
    g_idx = (
        t["segment"]
        .replace_strict(segs, codes, default=len(segs), return_dtype=pl.Int64)
        .to_numpy()
    )
    wp = padded[g_idx, t["k"].to_numpy().astype(np.int64)]
    return (
        t.with_columns(pl.Series("weighted_pipeline", wp, pl.Float64))
        .select(
            "segment",
            "period",
            "weighted_pipeline",
            pl.col("target").cast(pl.Float64),
            pl.when(pl.col("target") > 0)
            .then(pl.col("weighted_pipeline") / pl.col("target"))
            .otherwise(None)
            .alias("coverage"),
        )
        .sort("segment", "period")
    )


def changes(plan: pl.DataFrame, previous: pl.DataFrame | None, top: int) -> pl.DataFrame:
    """The largest changes of final demand against a previous plan, over the periods both hold.

    A series missing on one side counts as 0 there. Sorted by the size of the change (largest
    first), then item, segment, period; at most `top` rows.
    """
    if previous is None:
        return pl.DataFrame(schema=CHANGES_SCHEMA)
    key = ["item", "segment", "period"]
    # both sides as demand_plan.csv holds them (DECIMALS places): a plan compared with the
    # file of the same plan shows no change, not the rounding of its last digit
    # (one row per key: demand.previous_plan has summed the series that name one now)
    prev = previous.select(*key, pl.col("final").cast(pl.Float64).round(DECIMALS).alias("previous"))
    shared = set(plan["period"].unique().to_list()) & set(prev["period"].unique().to_list())
    joined = (
        plan.select(*key, pl.col("final").round(DECIMALS))
        .join(prev, on=key, how="full", coalesce=True)
        .filter(pl.col("period").is_in(sorted(shared)))
        .with_columns(pl.col("previous").fill_null(0.0), pl.col("final").fill_null(0.0))
        .with_columns((pl.col("final") - pl.col("previous")).round(DECIMALS).alias("change"))
        .filter(pl.col("change") != 0)
        .with_columns(
            pl.when(pl.col("previous") != 0)
            .then(pl.col("change") / pl.col("previous") * 100.0)
            .otherwise(None)
            .alias("change_pct"),
            pl.col("change").abs().alias("size"),
        )
    )
    return (
        joined.sort(["size", *key], descending=[True, False, False, False])
        .head(top)
        .select(list(CHANGES_SCHEMA))
    )


def coverage_summary(cov: pl.DataFrame) -> pl.DataFrame:
    """Per segment, over the periods with a target above 0 (those that have a coverage): their
    weighted pipeline, their target, the one ÷ the other, and the period of the lowest
    coverage (all null or 0 when no period has a target). Pipeline in a period without a
    target covers no target, so it is left out of the sum."""
    if cov.height == 0:
        return cov
    has = pl.col("target") > 0
    return (
        cov.group_by("segment", maintain_order=True)
        .agg(
            pl.col("weighted_pipeline").filter(has).sum(),
            pl.col("target").filter(has).sum(),
            pl.col("coverage").min().alias("lowest"),
            # a period without a target has no coverage (null): never the lowest one
            pl.col("period")
            .sort_by("coverage", nulls_last=True, maintain_order=True)
            .first()
            .alias("lowest_period"),
        )
        .with_columns(
            pl.when(pl.col("lowest").is_not_null())
            .then(pl.col("lowest_period"))
            .alias("lowest_period")
        )
        .with_columns(
            pl.when(pl.col("target") > 0)
            .then(pl.col("weighted_pipeline") / pl.col("target"))
            .alias("coverage")
        )
        .sort("segment")
    )
