"""The pipeline layer: open deals, weighted by their chance and health, placed in time.

weight = the deal's `probability` when given (the contract requires a reason), else its stage's
probability from the charter, times `unhealthy_weight` once when the deal is unhealthy: its close
period lies before the cycle month (week), when the cycle is made (stale: already past), or
`slip_count > max_slips` (slipped). A deal due to close in the cycle month itself is not past.
Only an open deal (probability strictly between 0 and 1) can be unhealthy: one at probability 1
(a `won` stage) is an order not yet shipped, counted in full whenever it closed; one at 0
(`lost`) adds nothing, so neither is stale or slipped.
A deal at its own probability 1 on a stage whose probability is not 1 counts so too (SOP712
says so: the stage does not call it won).
An open deal due to close more than `expire_after_periods` periods before the cycle month has
expired: it counts at weight 0 (no units; SOP746 instead of SOP704/SOP705, naming what it
would count as a stale deal: quantity × probability × unhealthy_weight).
Demand starts at max(close period + close_to_demand_lag, first period) — demand that would
have shipped before the horizon starts in the first period — and is spread evenly over
`ship_periods` (default 1) periods; units after the horizon's last period are dropped (SOP707).
Everything is whole-column Polars: each deal row is exploded into its in-horizon periods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ..findings import Finding, finding
from ..schemas.charter import WEEKS_PER_QUARTER, PipelineRules
from ..tables.check import Table
from .deal_findings import deal_findings
from .frames import (
    LINE,
    BoolArr,
    FloatArr,
    Horizon,
    attach_series,
    col_of,
    empty_sources,
    ord_col,
    usable,
    with_optional,
)

DEFAULT_MAX_SLIPS = int(PipelineRules.model_fields["max_slips"].default)
DEFAULT_UNHEALTHY = float(PipelineRules.model_fields["unhealthy_weight"].default)
# without a pipeline section, the schema's own defaults: 3 months, 13 weeks (charter.py)
DEFAULT_EXPIRE = {"month": int(PipelineRules.model_fields["expire_after_periods"].default)}
DEFAULT_EXPIRE["week"] = WEEKS_PER_QUARTER
# the columns a deal row needs to count (a row with one of them empty is reported, not counted)
DEAL_COLUMNS = ["deal_id", "item", "segment", "stage", "quantity", ord_col("close_period")]
DEALS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "deal_id": pl.String,
    "item": pl.String,
    "segment": pl.String,
    "source_line": pl.Int64,
    "stage": pl.String,
    "probability": pl.Float64,
    "stale": pl.Boolean,
    "slipped": pl.Boolean,
    "weight": pl.Float64,
    "start_period": pl.String,
    "ship_periods": pl.Int64,
    "weighted_units": pl.Float64,
    "units_in_horizon": pl.Float64,
    "units_dropped": pl.Float64,
}


@dataclass
class PipelineLayer:
    sources: pl.DataFrame
    deals: pl.DataFrame  # one row per deal row: weight, health, placement, units kept/dropped
    findings: list[Finding]


def period_labels(ords: pl.Series, hz: Horizon) -> pl.Series:
    """Period labels of an ordinal column (computed once per distinct value)."""
    uniq = [int(v) for v in ords.drop_nulls().unique().sort()]
    return ords.replace_strict(
        uniq, [hz.label(v) for v in uniq], default=None, return_dtype=pl.String
    )


def _settings(rules: PipelineRules | None, hz: Horizon) -> tuple[int, int, float, int]:
    """close_to_demand_lag, max_slips, unhealthy_weight, expire_after_periods."""
    if rules is None:
        return 0, DEFAULT_MAX_SLIPS, DEFAULT_UNHEALTHY, DEFAULT_EXPIRE[hz.bucket]
    r = rules
    return r.close_to_demand_lag, r.max_slips, r.unhealthy_weight, r.expire_after_periods


def _weighted(df: pl.DataFrame, rules: PipelineRules | None, hz: Horizon) -> pl.DataFrame:
    """The deal rows with a probability, in file order: weight, health, first period
    (`start`), periods in the horizon (`n_in`), units a period (`per`), kept and dropped."""
    co = ord_col("close_period")
    df = with_optional(
        df, {"ship_periods": pl.Int64, "probability": pl.Float64, "slip_count": pl.Int64}
    )
    stages = pl.DataFrame(
        {
            "stage": [s.id for s in rules.stages] if rules else [],
            "stage_probability": [s.probability for s in rules.stages] if rules else [],
        },
        schema={"stage": pl.String, "stage_probability": pl.Float64},
    )
    lag, max_slips, unhealthy, expire = _settings(rules, hz)
    return (
        df.join(stages, on="stage", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("probability", "stage_probability").alias("p"),
            pl.col("ship_periods").fill_null(1).clip(lower_bound=1).alias("ship"),
            pl.max_horizontal(pl.col(co) + lag, pl.lit(hz.first)).alias("start"),
        )
        .filter(pl.col("p").is_not_null())  # unknown stage without a probability: reported
        .with_columns(  # only an open deal can be unhealthy: a won one (p 1) is an order
            ((pl.col("p") > 0) & (pl.col("p") < 1)).alias("open"),  # not yet shipped
        )
        .with_columns(
            (pl.col("open") & (pl.col(co) < hz.now)).alias("stale"),
            (pl.col("open") & (pl.col(co) < hz.now - expire)).alias("expired"),
            (pl.col("open") & (pl.col("slip_count").fill_null(0) > max_slips)).alias("slipped"),
        )
        .with_columns(
            (
                pl.col("p")
                * pl.when(pl.col("expired"))
                .then(0.0)
                .when(pl.col("stale") | pl.col("slipped"))
                .then(unhealthy)
                .otherwise(1.0)
            ).alias("weight"),
            pl.min_horizontal(
                (hz.last - pl.col("start") + 1).clip(lower_bound=0), pl.col("ship")
            ).alias("n_in"),
        )
        .with_columns((pl.col("quantity") * pl.col("weight")).alias("weighted"))
        .with_columns((pl.col("weighted") / pl.col("ship")).alias("per"))
        .with_columns(
            (pl.col("per") * pl.col("n_in")).alias("kept"),
            (pl.col("per") * (pl.col("ship") - pl.col("n_in"))).alias("dropped"),
        )
    )


def pipeline_layer(
    t: Table | None, rules: PipelineRules | None, index: pl.DataFrame, hz: Horizon
) -> PipelineLayer:
    df = usable(t, DEAL_COLUMNS)
    if t is None or df is None or df.height == 0:
        return PipelineLayer(empty_sources(), pl.DataFrame(schema=DEALS_SCHEMA), [])
    _, max_slips, unhealthy, expire = _settings(rules, hz)
    d = _weighted(df, rules, hz)
    sources = (
        attach_series(d.filter((pl.col("n_in") > 0) & ~pl.col("expired")), index)
        .with_columns(pl.int_ranges(0, pl.col("n_in"), dtype=pl.Int64).alias("i"))
        .explode("i")
        .select(
            "s",
            (pl.col("start") + pl.col("i") - hz.first).alias("k"),
            pl.lit("pipeline").alias("component"),
            pl.col("per").alias("units"),
            pl.lit(t.path).alias("source_file"),
            pl.col(LINE).alias("source_line"),
            pl.col("deal_id").alias("source_id"),
        )
    )
    d = d.with_columns(period_labels(d["start"], hz).alias("start_period"))
    deals = d.select(  # in file order, columns as DEALS_SCHEMA
        "deal_id",
        "item",
        "segment",
        pl.col(LINE).alias("source_line"),
        "stage",
        pl.col("p").alias("probability"),
        "stale",
        "slipped",
        "weight",
        "start_period",
        pl.col("ship").alias("ship_periods"),
        pl.col("weighted").alias("weighted_units"),
        pl.col("kept").alias("units_in_horizon"),
        pl.col("dropped").alias("units_dropped"),
    )
    return PipelineLayer(
        sources, deals, deal_findings(t, d, hz, rules, (max_slips, unhealthy, expire))
    )


def segment_pipeline(
    t: Table | None, rules: PipelineRules | None, hz: Horizon
) -> tuple[list[str], FloatArr]:
    """The weighted pipeline per segment (sorted) × horizon period, as `pipeline_layer` places
    it (the same deals, weights and periods), summed from the deal rows: no row per period,
    no series index (the previous cycle's coverage needs no more)."""
    df = usable(t, DEAL_COLUMNS)
    if df is None or df.height == 0:
        return [], np.zeros((0, hz.size))
    d = _weighted(df, rules, hz).filter((pl.col("n_in") > 0) & ~pl.col("expired"))
    segs = sorted(set(d["segment"].to_list()))
    g = d["segment"].replace_strict(segs, list(range(len(segs))), return_dtype=pl.Int64)
    cell = g.to_numpy() * hz.size + (d["start"] - hz.first).to_numpy().astype(np.int64)
    n_in, per = d["n_in"].to_numpy(), d["per"].to_numpy().astype(np.float64)
    total = np.zeros(len(segs) * hz.size)
    rows, i = np.flatnonzero(n_in > 0), 0
    while rows.size:  # the i-th period of every deal that ships in more than i periods
        total += np.bincount(cell[rows] + i, weights=per[rows], minlength=total.size)
        i += 1
        rows = rows[n_in[rows] > i]
    return segs, total.reshape(len(segs), hz.size)


def lost_baseline(
    before: FloatArr,
    pipeline: FloatArr,
    replaced: BoolArr,
    index: pl.DataFrame,
    tables: dict[str, Table | None],
) -> list[Finding]:
    """SOP709: series of the segments whose baseline the pipeline replaces (`before`: the
    baseline as it was) that had a baseline above 0 but get no pipeline unit in the horizon,
    so their demand falls to 0 with no deal standing for it. One finding for them all, at
    the first history (else supplied baseline) row of the series that loses the most a
    period: its run-rate, the mean of its baseline over the horizon."""
    lost = replaced & (before > 0).any(axis=1) & ~(pipeline != 0).any(axis=1)
    if not lost.any():
        return []
    rate = np.where(lost, before.mean(axis=1), -1.0)
    s = int(np.argmax(rate))  # ties: the first series (item, segment order)
    item, segment = str(index["item"][s]), str(index["segment"][s])
    segments = sorted(set(index["segment"].filter(pl.Series(lost)).to_list()))
    n = int(lost.sum())
    path, line, col = "", 0, 0
    for name in ("demand_history", "baseline"):
        t = tables.get(name)
        rows = usable(t, ["item", "segment"])
        if t is None or rows is None:
            continue
        rows = rows.filter(item=item, segment=segment)
        if rows.height:
            path, line, col = t.path, int(rows[LINE].min()), col_of(t, "item")  # type: ignore[arg-type]
            break
    them = "it" if n == 1 else "them"
    msg = (
        f"pipeline.mode replaces_baseline sets the baseline of {n} series of segment"
        f"{'s' if len(segments) > 1 else ''} {', '.join(segments)} to 0, though no deal "
        f"brings {them} demand in the horizon: {'its' if n == 1 else 'their'} baseline is "
        f"lost ({'' if n == 1 else 'the largest: '}{item}/{segment}, "
        f"{round(float(rate[s]), 2):g} a period). Add the deals, or list only the segments "
        "the pipeline covers in full under pipeline.replaces_baseline_for"
    )
    return [finding(path, line, col, "SOP709", msg)]
