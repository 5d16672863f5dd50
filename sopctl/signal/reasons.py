"""Why each series got its baseline method: one sentence per series and SOP706 per fallback."""

from __future__ import annotations

import polars as pl

from ..findings import Finding
from ..schemas.charter import ForecastRules
from ..tables.check import Table
from .codes import frame_findings
from .frames import col_of


def describe(
    info: pl.DataFrame, fitted: pl.DataFrame, hist_t: Table, rules: ForecastRules
) -> tuple[pl.DataFrame, list[Finding]]:
    """Reasons per fitted series and a finding per fallback."""
    src = (
        pl.when(pl.col("per_item"))
        .then(pl.lit("forecast.per_item"))
        .otherwise(pl.lit("forecast.default_method"))
    )
    mae = pl.col("mae").round(1).cast(pl.String)
    reason = (
        pl.when(pl.col("kind") == "explicit")
        .then(pl.format("{} as set in {}", pl.col("fit_method"), src))
        .when(pl.col("kind") == "fallback")
        .then(
            pl.format(
                "too little history for {} ({} < {} periods): fell back to {}",
                pl.col("requested"),
                pl.col("n"),
                pl.col("need"),
                pl.col("fit_method"),
            )
        )
        .when(pl.col("kind") == "auto_fallback")
        .then(
            pl.format(
                "too little history for auto ({} < {} periods with a {}-period holdout): "
                "fell back to {}",
                pl.col("n"),
                pl.lit(rules.holdout_periods + 2),
                pl.lit(rules.holdout_periods),
                pl.col("fit_method"),
            )
        )
        .when(pl.col("runner") != "")
        .then(
            pl.format(
                "auto chose {} (holdout MAE {} over the last {} periods; next best {} {})",
                pl.col("fit_method"),
                mae,
                pl.lit(rules.holdout_periods),
                pl.col("runner"),
                pl.col("runner_mae").round(1).cast(pl.String),
            )
        )
        .otherwise(
            pl.format(
                "auto chose {} (holdout MAE {} over the last {} periods; the only candidate)",
                pl.col("fit_method"),
                mae,
                pl.lit(rules.holdout_periods),
            )
        )
    )
    joined = info.join(
        fitted.rename({"method": "fit_method"}), on="s", how="left", maintain_order="left"
    )
    described = joined.with_columns(reason.alias("fit_reason"))
    done = described.with_columns(
        pl.coalesce("fit_method", "method").alias("method"),
        pl.coalesce("fit_reason", "reason").alias("reason"),
        pl.coalesce("n", "history_periods").alias("history_periods"),
        pl.coalesce("mae", "holdout_mae").alias("holdout_mae"),
    )
    bad = done.filter(pl.col("kind").is_in(["fallback", "auto_fallback"])).sort("line")
    findings = frame_findings(
        hist_t.path,
        col_of(hist_t, "item"),
        "SOP706",
        bad,
        pl.format("{}/{}: {}", "item", "segment", "reason"),
        line="line",
    )
    keep = ["s", "item", "segment", "per_item", "requested", "method", "history_periods"]
    return done.select(*keep, "holdout_mae", "reason"), findings
