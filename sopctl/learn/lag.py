"""Accuracy by lag, read from git: for each period of the learned cycle that has actuals, the
forecast every committed cycle made for it, against the actual.

Lag = the period's position in the horizon of the cycle that forecast it: lag 1 is that
cycle's first period (the forecast made one period ahead), lag 2 its second, and so on. Each
cycle counts with its highest tag (the learned cycle with the tag being learned).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .. import periods
from . import metrics as m
from . import scorecard as sc
from . import signs
from .committed import Committed
from .model import observed
from .rules import Rules

SERIES = ["item", "segment"]


def lag_stats(
    plans: list[Committed], actuals: pl.DataFrame | None, labels: list[str]
) -> pl.DataFrame:
    """Per committed cycle and lag, the sums the lag metrics are made of: n observations,
    Σ actual, Σ e, Σ |e|, and Σ |e| ÷ actual with its count over actuals above 0. Every
    (cycle, observed period) pair of the learned cycle's horizon counts; a series missing on
    one side counts 0 there (the union of both sides, as a full join would give). Sums, so
    cycles combine by adding them up.

    The actuals are laid out once as a dense series × period matrix; each plan is placed on it
    with one join against the (small) series index, so a cycle costs a join of its plan rows
    and a few vector sums per period rather than a join of two large tables."""
    obs = observed(actuals, labels)
    if actuals is None or not obs or not plans:
        return pl.DataFrame()
    bucket = plans[0].bucket
    ords = {p: periods.to_ordinal(p, bucket) for p in obs}
    col = {p: k for k, p in enumerate(obs)}
    act = actuals.filter(pl.col("period").is_in(obs))
    keys = act.select(SERIES).unique(maintain_order=True).with_row_index("sid")
    a = act.join(keys, on=SERIES, how="left")
    sid, k = a["sid"].to_numpy(), a["period"].replace_strict(col).to_numpy()
    A = np.zeros((keys.height, len(obs)))
    has_a = np.zeros(A.shape, dtype=bool)
    np.add.at(A, (sid, k), a["ordered"].to_numpy().astype(np.float64))
    has_a[sid, k] = True
    out: list[dict[str, object]] = []
    for c in plans:
        plan = c.frames.get("demand_plan.csv")
        last = c.first + c.horizon - 1
        mine = [p for p, o in ords.items() if o is not None and c.first <= o <= last]
        if plan is None or c.bucket != bucket or not mine:
            continue
        fc = plan.filter(pl.col("period").is_in(mine)).join(keys, on=SERIES, how="left")
        known = fc.filter(pl.col("sid").is_not_null())
        F = np.zeros(A.shape)
        has_f = np.zeros(A.shape, dtype=bool)
        fs, fk = known["sid"].to_numpy(), known["period"].replace_strict(col).to_numpy()
        np.add.at(F, (fs, fk), known["final"].to_numpy().astype(np.float64))
        has_f[fs, fk] = True
        extra = dict(  # plan rows of series without actuals: actual 0, error = -forecast
            fc.filter(pl.col("sid").is_null())
            .group_by("period")
            .agg(pl.len().alias("n"), pl.col("final").sum())
            .select("period", pl.struct("n", "final"))
            .iter_rows()
        )
        for p in mine:
            j = col[p]
            e = A[:, j] - F[:, j]
            pos = A[:, j] > 0
            more = extra.get(p) or {"n": 0, "final": 0.0}
            out.append(
                {
                    "lag": int(ords[p] or 0) - c.first + 1,
                    "tag": c.ref.name,
                    "n": int((has_a[:, j] | has_f[:, j]).sum()) + int(more["n"]),
                    "actual": float(A[:, j].sum()),
                    "error": float(e.sum()) - float(more["final"]),
                    "abs_error": float(np.abs(e).sum()) + float(more["final"]),
                    "ape": float((np.abs(e[pos]) / A[pos, j]).sum()),
                    "n_ape": int(pos.sum()),
                }
            )
    if not out:
        return pl.DataFrame()
    return pl.DataFrame(out).sort("lag", "tag")


NO_ACTUALS = "no actuals for the periods of committed cycles"


def lag_rows(stats: pl.DataFrame, rules: Rules, why: str = NO_ACTUALS) -> pl.DataFrame:
    """WAPE (Σ|e| ÷ Σ actual), bias % (Σ e ÷ Σ actual) and MAPE per lag, over all cycles
    (`why`: what the no_data row says when there are none)."""
    th = rules.threshold("lag", "wape").info()
    if not stats.height:
        return sc.no_data("lag", "wape", th, why)
    g = (
        stats.group_by("lag")
        .agg(
            m.ratio(pl.col("abs_error").sum(), pl.col("actual").sum()).alias("wape"),
            m.ratio(pl.col("error").sum(), pl.col("actual").sum()).alias("bias_pct"),
            m.ratio(pl.col("ape").sum(), pl.col("n_ape").sum().cast(pl.Float64)).alias("mape"),
            pl.col("n").sum().alias("n"),
            pl.col("actual").sum().alias("actual"),
            pl.col("error").sum().alias("error"),
            (pl.col("n") - pl.col("n_ape")).sum().alias("zeros"),
            pl.col("tag").unique().sort().str.join(", ").alias("tags"),
        )
        .sort("lag")
        .with_columns(
            pl.col("lag").cast(pl.String).alias("key"),
            # no demand at a lag: the shares have no base, and the note says why
            pl.when(pl.col("actual") <= sc.EPS)
            .then(pl.format("{}; tags: {}", sc.no_demand_note(-pl.col("error")), "tags"))
            .otherwise(pl.format("tags: {}", "tags"))
            .alias("note"),
        )
    )
    # MAPE leaves out the observations without actual demand, as the forecast rows say too
    zeros = pl.when(pl.col("actual") > sc.EPS).then(m.zeros_note(pl.col("zeros")))
    left_out = pl.concat_str(pl.col("note"), zeros, separator="; ")
    mape_note = pl.coalesce(left_out, pl.col("note")).alias("note")
    # bias %: its sign in words first, as the forecast rows say it
    sign = pl.when(pl.col("bias_pct").is_not_null()).then(
        pl.format("{}; {}", signs.share_words(pl.col("bias_pct")), "note")
    )
    bias_note = pl.coalesce(sign, pl.col("note")).alias("note")
    notes = {"wape": pl.col("note"), "bias_pct": bias_note, "mape": mape_note}
    out = [
        sc.rows(
            "lag",
            metric,
            "lag",
            g.select("key", pl.col(metric).alias("value"), "n", notes[metric]),
            th,
        )
        for metric in ("wape", "bias_pct", "mape")
    ]
    return sc.concat(out)
