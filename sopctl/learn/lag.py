"""Accuracy by lag, read from git: for each period of the learned cycle that has actuals, the
forecast every committed cycle made for it, against the actual.

Lag = the period's position in the horizon of the cycle that forecast it: lag 1 is that
cycle's first period (the forecast made one period ahead), lag 2 its second, and so on. Each
cycle counts with its highest tag (the learned cycle with the tag being learned).
"""

from __future__ import annotations

import polars as pl

from .. import periods
from . import metrics as m
from . import scorecard as sc
from .committed import Committed
from .model import KEY, observed
from .rules import Rules


def lag_stats(
    plans: list[Committed], actuals: pl.DataFrame | None, labels: list[str]
) -> pl.DataFrame:
    """Per committed cycle and lag, the sums the lag metrics are made of: n observations,
    Σ actual, Σ e, Σ |e|, and Σ |e| ÷ actual with its count over actuals above 0. Every
    (cycle, observed period) pair of the learned cycle's horizon counts; a series missing on
    one side counts 0 there. Sums, so cycles combine by adding them up."""
    obs = observed(actuals, labels)
    if actuals is None or not obs or not plans:
        return pl.DataFrame()
    bucket = plans[0].bucket
    ords = {p: periods.to_ordinal(p, bucket) for p in obs}
    act = actuals.filter(pl.col("period").is_in(obs)).select(
        *KEY, pl.col("ordered").alias("actual")
    )
    parts = []
    for c in plans:
        plan = c.frames.get("demand_plan.csv")
        last = c.first + c.horizon - 1
        mine = [p for p, o in ords.items() if o is not None and c.first <= o <= last]
        if plan is None or c.bucket != bucket or not mine:
            continue
        fc = plan.filter(pl.col("period").is_in(mine)).select(
            *KEY, pl.col("final").alias("forecast")
        )
        j = fc.join(act.filter(pl.col("period").is_in(mine)), on=KEY, how="full", coalesce=True)
        e = pl.col("actual").fill_null(0.0) - pl.col("forecast").fill_null(0.0)
        a = pl.col("actual").fill_null(0.0)
        g = (
            j.group_by("period")
            .agg(
                pl.len().alias("n"),
                a.sum().alias("actual"),
                e.sum().alias("error"),
                e.abs().sum().alias("abs_error"),
                (e.abs() / a).filter(a > 0).sum().alias("ape"),
                (a > 0).sum().alias("n_ape"),
            )
            .with_columns(
                pl.col("period")
                .replace_strict(mine, [int(ords[p] or 0) - c.first + 1 for p in mine])
                .cast(pl.Int64)
                .alias("lag"),
                pl.lit(c.ref.name).alias("tag"),
            )
        )
        parts.append(g.drop("period"))
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts, how="vertical").sort("lag", "tag")


def lag_rows(stats: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """WAPE (Σ|e| ÷ Σ actual), bias % (Σ e ÷ Σ actual) and MAPE per lag, over all cycles."""
    th = rules.threshold("lag", "wape").info()
    if not stats.height:
        return sc.no_data("lag", "wape", th, "no actuals for the periods of committed cycles")
    g = (
        stats.group_by("lag")
        .agg(
            m.ratio(pl.col("abs_error").sum(), pl.col("actual").sum()).alias("wape"),
            m.ratio(pl.col("error").sum(), pl.col("actual").sum()).alias("bias_pct"),
            m.ratio(pl.col("ape").sum(), pl.col("n_ape").sum().cast(pl.Float64)).alias("mape"),
            pl.col("n").sum().alias("n"),
            pl.col("tag").unique().sort().str.join(", ").alias("tags"),
        )
        .sort("lag")
        .with_columns(
            pl.col("lag").cast(pl.String).alias("key"), pl.format("tags: {}", "tags").alias("note")
        )
    )
    out = [
        sc.rows(
            "lag", metric, "lag", g.select("key", pl.col(metric).alias("value"), "n", "note"), th
        )
        for metric in ("wape", "bias_pct", "mape")
    ]
    return sc.concat(out)
