"""Forecast quality: the committed demand view against actual orders, per item, segment and in
total; the value each layer of the demand waterfall added; and what each override owner did.

Grain: a series is item × segment; an observation is a series in a period for which actuals
exist (a planned series without an actuals row in such a period had 0 orders; an actual
series the plan did not have was forecast 0). MAD, MAPE, WAPE and bias are taken over the
observations of the scope; the tracking signal over the scope's total per period.
"""

from __future__ import annotations

import polars as pl

from .. import periods
from ..periods import PERIODS_PER_YEAR, Bucket
from ..schemas.charter import Charter
from . import metrics as m
from . import scorecard as sc
from . import signs
from .model import KEY, observed
from .rules import Rules

COMPONENTS = ("baseline", "pipeline", "promotion", "renewal", "override")
SERIES = ["item", "segment"]
# layer -> the cumulative forecast after it (each floored at 0: a forecast is not negative)
LAYERS: tuple[tuple[str, pl.Expr], ...] = (
    ("naive", pl.col("naive")),
    ("baseline", pl.col("baseline").clip(lower_bound=0)),
    ("pipeline", (pl.col("baseline") + pl.col("pipeline")).clip(lower_bound=0)),
    (
        "promotions_renewals",
        pl.sum_horizontal("baseline", "pipeline", "promotion", "renewal").clip(lower_bound=0),
    ),
    ("overrides", pl.col("final")),
)
INFO = ("actual", "forecast", "error", "bias", "mad")


SEASON = PERIODS_PER_YEAR  # periods per season, for the seasonal naive forecast: a year
NO_DEMAND = "no actuals: add demand.csv (orders)"


def naive_of(
    history: pl.DataFrame | None,
    labels: list[str] | None = None,
    bucket: Bucket = "month",
    method: str = "last",
) -> tuple[pl.DataFrame | None, str]:
    """The naive forecast — Gilliland's reference for forecast value added — and how it was
    made, in words. `last`: per series its demand in the last period of the tagged history (0
    when it had none then). `seasonal`: per series and horizon period its demand in the latest
    history period of the same season (the period one or more seasons before); without a full
    season of history it falls back to `last` and says so."""
    if history is None or not history.height:
        return None, ""
    last = str(history["period"].max())
    if method == "seasonal" and labels:
        m_ = SEASON[bucket]
        ords = [periods.to_ordinal(str(p), bucket) for p in history["period"].unique()]
        known = [o for o in ords if o is not None]
        end = max(known)
        if end - min(known) + 1 >= m_:
            back = {}
            for p in labels:
                o = periods.to_ordinal(p, bucket)
                if o is not None:
                    k = max(1, -(-(o - end) // m_))  # whole seasons back to the history
                    back[p] = periods.from_ordinal(o - m_ * k, bucket)
            same = pl.DataFrame(
                {"period": list(back), "source": list(back.values())},
                schema={"period": pl.String, "source": pl.String},
            )
            sums = history.group_by(*SERIES, "period").agg(pl.col("quantity").sum().alias("naive"))
            frame = same.join(sums.rename({"period": "source"}), on="source").drop("source")
            return frame, f"seasonal naive: each period's demand {m_} periods earlier"
        why = f"seasonal naive needs {m_} periods of history, the tag has {len(known)}; "
        return _last(history, last), why + f"naive: each series' demand in {last}"
    return _last(history, last), f"naive: each series' demand in {last}"


def _last(history: pl.DataFrame, last: str) -> pl.DataFrame:
    return (
        history.filter(pl.col("period") == last)
        .group_by(SERIES)
        .agg(pl.col("quantity").sum().alias("naive"))
    )


def series_frame(
    plan: pl.DataFrame,
    actuals: pl.DataFrame | None,
    naive: pl.DataFrame | None,
    labels: list[str],
    limit: float,
) -> pl.DataFrame:
    """series.csv: per item × segment × horizon period the committed components, the naive
    forecast, the actual, the error and the running tracking signal."""
    obs = observed(actuals, labels)
    p = plan.select(*KEY, *COMPONENTS, "final").filter(pl.col("period").is_in(labels))
    if actuals is not None:
        a = actuals.filter(pl.col("period").is_in(obs)).select(
            *KEY, pl.col("ordered").alias("actual"), pl.col("shipped").cast(pl.Float64)
        )
    else:
        a = pl.DataFrame(
            schema={"item": pl.String, "segment": pl.String, "period": pl.String}
            | {"actual": pl.Float64, "shipped": pl.Float64}
        )
    s = p.join(a, on=KEY, how="full", coalesce=True).with_columns(
        *(pl.col(c).fill_null(0.0) for c in (*COMPONENTS, "final")),
        pl.when(pl.col("period").is_in(obs)).then(pl.col("actual").fill_null(0.0)).alias("actual"),
    )
    if naive is not None:  # per series (last), or per series and period (seasonal)
        on = [c for c in KEY if c in naive.columns]
        s = s.join(naive, on=on, how="left").with_columns(pl.col("naive").fill_null(0.0))
    else:
        s = s.with_columns(pl.lit(None, pl.Float64).alias("naive"))
    lag = pl.col("period").replace_strict(labels, list(range(1, len(labels) + 1)))
    s = s.with_columns(lag.cast(pl.Int64).alias("lag"), m.error_expr("actual", "final"))
    s = s.sort(KEY)
    run = (
        s.filter(pl.col("actual").is_not_null())
        .with_columns(
            pl.col(m.E).cum_sum().over(SERIES).alias("cum_error"),
            m.running_mad().over(SERIES).alias("running_mad"),
            m.running_tracking_signal().over(SERIES).alias("tracking_signal"),
        )
        .select(*KEY, "cum_error", "running_mad", "tracking_signal")
    )
    s = s.join(run, on=KEY, how="left", maintain_order="left")
    return s.select(
        *KEY,
        "lag",
        "naive",
        *COMPONENTS,
        "final",
        "actual",
        "shipped",
        m.E,
        pl.col(m.E).abs().alias("abs_error"),
        m.ratio(pl.col(m.E).abs(), pl.col("actual")).alias("pct_error"),
        "cum_error",
        "running_mad",
        "tracking_signal",
        (pl.col("tracking_signal").abs() > limit).alias("ts_flag"),
    )


def _by(obs: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    aggs = [
        pl.col("actual").sum().alias("actual"),
        pl.col("final").sum().alias("forecast"),
        m.total_error().alias("error"),
        m.bias().alias("bias"),
        m.bias_pct().alias("bias_pct"),
        m.mad().alias("mad"),
        m.mape().alias("mape"),
        m.wape().alias("wape"),
        pl.len().alias("n"),
        m.zero_actuals().alias("zeros"),
    ]
    per = obs.group_by([*by, "period"]).agg(pl.col(m.E).sum())
    if not by:
        out = obs.select(aggs).with_columns(pl.lit(sc.TOTAL).alias("key"))
        ts = per.select(m.tracking_signal().alias("tracking_signal"), pl.len().alias("periods"))
        return pl.concat([out, ts], how="horizontal")
    out = obs.group_by(by).agg(aggs)
    ts = per.group_by(by).agg(
        m.tracking_signal().alias("tracking_signal"), pl.len().alias("periods")
    )
    return out.join(ts, on=by).sort(by).with_columns(pl.col(by[0]).alias("key"))


def forecast_rows(series: pl.DataFrame, rules: Rules, why: str = NO_DEMAND) -> pl.DataFrame:
    """Error, bias, MAD, MAPE, WAPE and tracking signal per total, segment and item (`why`:
    what the no_data row says when no period has actuals)."""
    obs = series.filter(pl.col("actual").is_not_null())
    if not obs.height:
        th = rules.threshold("forecast", "wape")
        return sc.no_data("forecast", "wape", th, why)
    limit = rules.learn.tracking_signal_limit
    ts_default = sc.Threshold(target=limit, direction="at_most", absolute=True)
    out = []
    for scope, by in (("total", []), ("segment", ["segment"]), ("item", ["item"])):
        g = _by(obs, by)
        zeros = m.zeros_note(pl.col("zeros"))
        # shares of demand without demand: no value, and the note says why
        no_base = pl.col("actual") <= sc.EPS
        for metric in (*INFO, "bias_pct", "mape", "wape", "tracking_signal"):
            default = ts_default if metric == "tracking_signal" else None
            th = rules.threshold("forecast", metric, default=default)
            note = zeros.fill_null("") if metric == "mape" else pl.lit("")
            if metric == "tracking_signal":
                limit_words = unreachable_note(th)
                sign = signs.signal_words(pl.col(metric))
                note = pl.when(limit_words == "").then(sign).otherwise(limit_words + "; " + sign)
            elif metric == "error":
                note = signs.units_words(pl.col(metric), "in total")
            elif metric == "bias":
                note = signs.units_words(pl.col(metric), "per observation on average")
            elif metric == "bias_pct":
                note = signs.share_words(pl.col(metric))
            if metric in ("bias_pct", "mape", "wape"):
                note = pl.when(no_base).then(sc.no_demand_note(pl.col("forecast"))).otherwise(note)
            frame = g.select("key", pl.col(metric).alias("value"), "n", note.alias("note"))
            out.append(sc.rows("forecast", metric, scope, frame, th))
    return sc.concat(out)


def unreachable_note(th: sc.Threshold) -> pl.Expr:
    """The note of a tracking-signal row whose scope has too few observed periods for its
    limit to be breached: over n periods |Σ e| ≤ Σ |e| = n · MAD, so |TS| ≤ n (equal when
    every error has one sign); with n ≤ limit + tolerance an 'ok' says nothing yet."""
    if th.target is None:
        return pl.lit("")
    bound = th.target + th.tolerance
    n = pl.col("periods")
    return (
        pl.when(n <= bound)
        .then(
            pl.format(
                "only {} observed period{}: |TS| cannot exceed {}, so the limit {} cannot be "
                "breached yet (at least {} periods needed)",
                n,
                pl.when(n == 1).then(pl.lit("")).otherwise(pl.lit("s")),
                n,
                pl.lit(_plain(bound)),
                pl.lit(int(bound) + 1),
            )
        )
        .otherwise(pl.lit(""))
    )


def _plain(x: float) -> str:
    return f"{x:g}"


def layer_rows(series: pl.DataFrame, rules: Rules, naive_note: str = "") -> pl.DataFrame:
    """WAPE after each layer of the waterfall and its forecast value added (FVA) against the
    layer before: positive made the forecast better, negative worse. `naive_note` says how the
    naive forecast was made (on its WAPE row)."""
    obs = series.filter(pl.col("actual").is_not_null())
    if not obs.height:
        return sc.empty()
    values: list[tuple[str, float | None]] = []
    for name, expr in LAYERS:
        if name == "naive" and obs["naive"].null_count() == obs.height:
            values.append((name, None))
            continue
        w = obs.with_columns((pl.col("actual") - expr).alias("e_layer"))
        v = w.select(m.wape("e_layer", "actual")).item()
        values.append((name, None if v is None else float(v)))
    info = rules.threshold("forecast", "wape").info()
    fva_th = sc.Threshold(target=0.0, direction="at_least")
    th = rules.threshold("forecast", "fva", default=fva_th)
    out = []
    for i, (name, v) in enumerate(values):
        note = naive_note if name == "naive" else ""
        out.append(sc.one("forecast", "wape", "layer", name, v, info, obs.height, note))
        if i == 0:
            continue
        prev = values[i - 1][1]
        gain = m.fva(prev, v)
        if gain is None and v is None:  # every layer's WAPE divides by the actual demand
            note = "no actual demand in the observed periods: WAPE has no base"
        elif gain is None:
            note = "no naive forecast: the tag has no demand history"
        else:
            assert v is not None
            note = signs.fva_note(gain, values[i - 1][0], values[0][1], v, first=i == 1)
        out.append(sc.one("forecast", "fva", "layer", name, gain, th, obs.height, note))
    return sc.concat(out)


def owner_rows(
    series: pl.DataFrame,
    sources: pl.DataFrame | None,
    overrides: pl.DataFrame | None,
    rules: Rules,
    charter: Charter,
) -> pl.DataFrame:
    """Per override owner, on the observed cells their overrides touched: WAPE with and
    without their units, and the difference (FVA, positive = their overrides helped)."""
    if sources is None or overrides is None or not sources.height:
        return sc.empty()
    units = (
        sources.filter(pl.col("component") == "override")
        .join(
            overrides.select(pl.col("override_id").alias("source_id"), "owner"),
            on="source_id",
            how="inner",
        )
        .group_by([*KEY, "owner"])
        .agg(pl.col("units").sum())
    )
    raw = pl.sum_horizontal(*COMPONENTS)
    cells = units.join(
        series.filter(pl.col("actual").is_not_null()).select(
            *KEY, "actual", "final", raw.alias("raw")
        ),
        on=KEY,
        how="inner",
    ).with_columns(
        (pl.col("actual") - pl.col("final")).alias("e_with"),
        (pl.col("actual") - (pl.col("raw") - pl.col("units")).clip(lower_bound=0)).alias(
            "e_without"
        ),
    )
    if not cells.height:
        return sc.empty()
    g = (
        cells.group_by("owner")
        .agg(
            m.wape("e_with", "actual").alias("with"),
            m.wape("e_without", "actual").alias("without"),
            pl.col("e_with").abs().sum().alias("abs_with"),
            pl.col("e_without").abs().sum().alias("abs_without"),
            pl.len().alias("n"),
        )
        .sort("owner")
    )
    roles = {mem: r.id for r in reversed(charter.roles) for mem in r.members}
    fva_th = rules.threshold("forecast", "fva", default=sc.Threshold(target=0.0))
    said = pl.format(
        "role {}; absolute error {} units without these overrides, {} with them",
        pl.col("owner").replace_strict(roles, default="?"),
        pl.col("abs_without").round(2),
        pl.col("abs_with").round(2),
    )
    frame = g.select(
        pl.col("owner").alias("key"),
        (pl.col("without") - pl.col("with")).alias("value"),
        "n",
        pl.when(pl.col("with").is_null())
        .then(pl.format("{}; no demand in the cells they touched: WAPE has no base", said))
        .otherwise(said)
        .alias("note"),
    )
    return sc.rows("forecast", "fva", "owner", frame, fva_th)
