"""The statistical baseline per item × segment, fitted from demand_history.

Data. A series runs from its first history period to the last period of the whole history table;
missing periods inside that span count as 0 demand. With history y_1..y_n, horizon period j
(0 = the cycle's first period) is h = first + j - last_history steps ahead. Forecasts below 0 are
set to 0. m = forecast.season_length, w = forecast.moving_average_window.

seasonal_naive (needs n >= m) [HA 5.2]
    ŷ_{n+h} = y_{n+h-m(k+1)},  k = floor((h-1)/m)
moving_average (needs n >= w) [HA 5.2, the average method over the last w periods]
    ŷ_{n+h} = (1/w) Σ_{i=0}^{w-1} y_{n-i}
ses, simple exponential smoothing (needs n >= 2) [HA 8.1]
    ℓ_1 = y_1,  ℓ_t = α y_t + (1-α) ℓ_{t-1},  ŷ_{n+h} = ℓ_n
holt, additive trend, damped or not (needs n >= 4) [HA 8.2; Holt 1957; Gardner & McKenzie 1985]
    ℓ_1 = y_1, b_1 = y_2 - y_1
    ℓ_t = α y_t + (1-α)(ℓ_{t-1} + φ b_{t-1})
    b_t = β (ℓ_t - ℓ_{t-1}) + (1-β) φ b_{t-1}
    ŷ_{n+h} = ℓ_n + (φ + φ² + ... + φ^h) b_n;  φ = 1 is Holt's linear trend
holt_winters, additive trend and seasonality (needs n >= 2m) [HA 8.3; Holt 1957; Winters 1960]
    ℓ_t = α (y_t - s_{t-m}) + (1-α)(ℓ_{t-1} + b_{t-1})
    b_t = β (ℓ_t - ℓ_{t-1}) + (1-β) b_{t-1}
    s_t = γ (y_t - ℓ_{t-1} - b_{t-1}) + (1-γ) s_{t-m}
    ŷ_{n+h} = ℓ_n + h b_n + s_{n+h-m(k+1)}
    Start values from the first two seasons (a linear trend plus a seasonal pattern):
    L_1, L_2 = the means of seasons 1 and 2, b_0 = (L_2 - L_1)/m, a = L_1 - b_0 (m-1)/2,
    ℓ_0 = a - b_0, s_j = mean over both seasons of y_t - a - b_0 (t-1) for t ≡ j (mod m),
    centred to sum to 0. On a series that is exactly trend + season every error is 0.
croston, intermittent demand (needs n >= 2) [Croston 1972]
    at periods with demand (y_t > 0), q_t = periods since the previous demand:
    z ← z + α (y_t - z),  p ← p + α (q_t - p);   ŷ = z / p
    z and p start at the first demand and its position in the series; no demand → ŷ = 0.
tsb, intermittent demand with obsolescence (needs n >= 2) [Teunter, Syntetos & Babai 2011]
    every period after the first demand: d ← d + β (1[y_t > 0] - d);
    at periods with demand: z ← z + α (y_t - z);   ŷ = d z
    d starts at 1 / (position of the first demand), z at the first demand.

Parameters (α, β, γ) come from a small grid (methods.py), chosen per series by the least
in-sample sum of squared one-step errors; all series and grid points are run at once. Ties go
to the first grid point, the smallest α: ses on a series that is constant up to its last
period, as every series of 2 periods is, has the same error for every α and keeps α = 0.1,
so ŷ = y_{n-1} + 0.1 (y_n - y_{n-1}), near the earlier level (10, 50 gives 14).

Fallback: a method the series has too little history for falls back to ses; ses with n < 2 to
the last (only) value. Each fallback is reported (SOP706).

auto [HA 5.8, train/test evaluation]: every candidate is fitted on y_1..y_{n-H}
(H = forecast.holdout_periods) and scored by MAE = (1/H) Σ_i |y_{n-H+i} - ŷ_{n-H+i}|.
Candidates are the methods with enough history at n - H: moving_average, ses, holt,
seasonal_naive, holt_winters, plus croston and tsb when the series is intermittent (at least
30% zero periods, after Syntetos, Boylan & Croston 2005). Ties go to the first in the order
moving_average, ses, holt, seasonal_naive, croston, tsb, holt_winters (auto.AUTO_ORDER).
The winner is refitted on all n periods. With n - H < 2 auto falls back like the methods above.

[HA] Hyndman, R.J. & Athanasopoulos, G. (2021) Forecasting: Principles and Practice, 3rd ed.,
OTexts, https://otexts.com/fpp3/. Holt, C.C. (1957/2004) Forecasting seasonals and trends by
exponentially weighted moving averages, Int. J. Forecasting 20(1):5-10. Winters, P.R. (1960)
Forecasting sales by exponentially weighted moving averages, Management Science 6(3):324-342.
Croston, J.D. (1972) Forecasting and stock control for intermittent demands, Operational
Research Quarterly 23(3):289-303. Teunter, R.H., Syntetos, A.A. & Babai, M.Z. (2011)
Intermittent demand: linking forecasting to inventory obsolescence, EJOR 214(3):606-615.
Gardner, E.S. & McKenzie, E. (1985) Forecasting trends in time series, Management Science
31(10):1237-1246. Syntetos, A.A., Boylan, J.E. & Croston, J.D. (2005) On the categorization
of demand patterns, JORS 56(5):495-503.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ..findings import Finding
from ..schemas.charter import ForecastRules
from ..tables.check import Table
from .auto import choose, needs, run
from .frames import LINE, FloatArr, Horizon, IntArr, attach_series, ord_col, usable
from .reasons import describe

__all__ = ["BaselineFit", "statistical_baseline"]


@dataclass
class BaselineFit:
    values: FloatArr  # S × H
    methods: pl.DataFrame  # s, requested, method, history_periods, holdout_mae, reason
    findings: list[Finding]


def _requested(index: pl.DataFrame, rules: ForecastRules, methods: dict[str, str]) -> pl.DataFrame:
    per_item = pl.DataFrame(
        {"item": list(methods), "requested": list(methods.values())},
        schema={"item": pl.String, "requested": pl.String},
    )
    return (
        index.join(per_item, on="item", how="left", maintain_order="left")
        .with_columns(
            pl.col("requested").is_not_null().alias("per_item"),
            pl.col("requested").fill_null(rules.default_method),
        )
        .sort("s")
    )


def _history_matrix(
    hist: pl.DataFrame, n_series: int, last: int
) -> tuple[FloatArr, IntArr, IntArr, pl.DataFrame]:
    """Left-aligned matrix Y, lengths n, the series index of each row and per-row info.

    `last` is the last period of the whole history table, series a supplied baseline covers
    included: every series runs to it, whichever series are fitted."""
    po = ord_col("period")
    spans = (
        hist.group_by("s")
        .agg(pl.col(po).min().alias("start"), pl.col(LINE).min().alias("line"))
        .sort("s")
        .with_row_index("r")
    )
    rows = spans["s"].to_numpy().astype(np.int64)
    start = spans["start"].to_numpy().astype(np.int64)
    n = last - start + 1
    Y = np.zeros((rows.size, int(n.max())))
    rowof = np.full(n_series, -1, dtype=np.int64)
    rowof[rows] = np.arange(rows.size)
    r = rowof[hist["s"].to_numpy().astype(np.int64)]
    np.add.at(Y, (r, hist[po].to_numpy().astype(np.int64) - start[r]), hist["quantity"].to_numpy())
    return Y, n, rows, spans


def statistical_baseline(
    hist_t: Table | None,
    supplied_t: Table | None,
    index: pl.DataFrame,
    hz: Horizon,
    rules: ForecastRules,
    per_item: dict[str, str],
) -> BaselineFit:
    """Baseline per series: a supplied baseline where the baseline table covers the series,
    else the statistical forecast of its history, else 0. `per_item`: the method per item id
    (forecast.per_item with its keys resolved, `per_item.resolve`)."""
    S = index.height
    B = np.zeros((S, hz.size))
    info = _requested(index, rules, per_item).with_columns(
        pl.lit("none").alias("method"),
        pl.lit(0, pl.Int64).alias("history_periods"),
        pl.lit(None, pl.Float64).alias("holdout_mae"),
        pl.lit("no demand history and no supplied baseline: baseline 0").alias("reason"),
    )
    findings: list[Finding] = []
    po = ord_col("period")
    sup = usable(supplied_t, ["item", "segment", po, "quantity"])
    covered: list[int] = []
    if sup is not None and supplied_t is not None and sup.height:
        sup = (
            attach_series(sup, index)
            .with_columns((pl.col(po) - hz.first).alias("k"))
            .filter(pl.col("k").is_between(0, hz.size - 1))
        )
        covered = sup["s"].unique().sort().to_list()
        np.add.at(B, (sup["s"].to_numpy(), sup["k"].to_numpy()), sup["quantity"].to_numpy())
        info = _supplied(info, sup, supplied_t.path, hz)
    hist = usable(hist_t, ["item", "segment", po, "quantity"])
    last = 0
    if hist is not None and hist_t is not None:
        hist = attach_series(hist.filter(pl.col(po) < hz.first), index)
        if hist.height:  # the table's last period, before covered series are set aside
            last = int(hist[po].max())  # type: ignore[arg-type]
        if covered and hist.height:
            info = _history_lengths(info, hist.filter(pl.col("s").is_in(covered)), last)
        hist = hist.filter(~pl.col("s").is_in(covered))
    if hist is not None and hist_t is not None and hist.height:
        Y, n, rows, spans = _history_matrix(hist, S, last)
        req = [str(x) for x in info["requested"].to_numpy()[rows]]
        c = choose(Y, n, req, rules)
        steps = hz.last - last
        cols = hz.first - last - 1 + np.arange(hz.size)
        used = np.array(c.used, dtype=object)
        for method in sorted(set(c.used)):
            sel = np.flatnonzero(used == method)
            F = run(method, Y[sel], n[sel], steps, rules)
            B[rows[sel]] = F[:, cols]
        fitted = spans.select(
            "s",
            "line",
            pl.Series("method", c.used, pl.String),
            pl.Series("kind", c.kind, pl.String),
            pl.Series("n", n, pl.Int64),
            pl.Series("need", needs(req, rules), pl.Int64),
            pl.Series("mae", c.mae, pl.Float64).fill_nan(None),
            pl.Series("runner", c.runner, pl.String),
            pl.Series("runner_mae", c.runner_mae, pl.Float64).fill_nan(None),
        )
        info, findings = describe(info, fitted, hist_t, rules)
    cols_out = ["s", "requested", "method", "history_periods", "holdout_mae", "reason"]
    return BaselineFit(B, info.select(cols_out), findings)


def _history_lengths(info: pl.DataFrame, hist: pl.DataFrame, last: object) -> pl.DataFrame:
    """history_periods of the series a supplied baseline covers: the history they have,
    counted as for a fitted series (first period to the history's last), though not used."""
    po = ord_col("period")
    spans = hist.group_by("s").agg((pl.lit(last) - pl.col(po).min() + 1).alias("n"))
    return (
        info.join(spans, on="s", how="left", maintain_order="left")
        .with_columns(pl.coalesce("n", "history_periods").cast(pl.Int64).alias("history_periods"))
        .drop("n")
    )


def _supplied(info: pl.DataFrame, sup: pl.DataFrame, path: str, hz: Horizon) -> pl.DataFrame:
    counts = sup.group_by("s").agg(pl.col("k").n_unique().alias("given"))
    hit = pl.col("given").is_not_null()
    reason = pl.format(
        "supplied in {} ({} of {} periods given; the others count as 0)",
        pl.lit(path),
        pl.col("given"),
        pl.lit(hz.size),
    )
    return (
        info.join(counts, on="s", how="left", maintain_order="left")
        .with_columns(
            pl.when(hit).then(pl.lit("supplied")).otherwise(pl.col("method")).alias("method"),
            pl.when(hit).then(reason).otherwise(pl.col("reason")).alias("reason"),
        )
        .drop("given")
    )
