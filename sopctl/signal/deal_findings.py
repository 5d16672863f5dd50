"""The pipeline layer's findings on single deal rows (pipeline.py weighs and places them):

SOP704  an open deal's close period lies before the cycle month (stale): down-weighted
SOP705  an open deal slipped more than max_slips times: down-weighted
SOP707  weighted units that ship after the horizon's last period: dropped
SOP712  a deal at its own probability 1 on a stage whose probability is not 1
SOP746  an open deal due to close more than expire_after_periods before the cycle month:
        expired, 0 units (instead of SOP704/SOP705)
"""

from __future__ import annotations

import polars as pl

from ..findings import Finding
from ..schemas.charter import PipelineRules
from ..tables.check import Table
from .codes import frame_findings
from .frames import LINE, Horizon, col_of, fmt, ord_col


def deal_findings(
    t: Table,
    d: pl.DataFrame,
    hz: Horizon,
    rules: PipelineRules | None,
    settings: tuple[int, float, int],
) -> list[Finding]:
    """The findings of the weighed deal rows `d` (pipeline._weighted, with `start_period`);
    `settings`: max_slips, unhealthy_weight, expire_after_periods."""
    max_slips, unhealthy, expire = settings
    out = _findings(t, d.filter(~pl.col("expired")), hz, max_slips, unhealthy)
    out += _own_certain(t, d, rules)
    return out + _expired(t, d, hz, expire, unhealthy)


def _findings(
    t: Table, d: pl.DataFrame, hz: Horizon, max_slips: int, unhealthy: float
) -> list[Finding]:
    who = pl.format("deal {} ({}, {})", "deal_id", "item", "segment")
    weight = pl.format(
        "counted at weight {} × {} = {}",
        fmt(pl.col("p"), 4),
        pl.lit(unhealthy),
        fmt(pl.col("weight"), 4),
    )
    last = hz.label(hz.last)
    now = f"the cycle {'week' if hz.bucket == 'week' else 'month'} {hz.label(hz.now)}"
    out: list[Finding] = []
    stale = d.filter("stale").sort(LINE)
    out += frame_findings(
        t.path,
        col_of(t, "close_period"),
        "SOP704",
        stale,
        pl.format(
            "{} was due to close in {}, before {}, so it is past its date: {}; "
            "its demand starts in {}",
            who,
            "close_period",
            pl.lit(now),
            weight,
            "start_period",
        ),
    )
    slipped = d.filter("slipped").sort(LINE)
    out += frame_findings(
        t.path,
        col_of(t, "slip_count"),
        "SOP705",
        slipped,
        pl.format(
            "{} slipped {} (max_slips {}): {}",
            who,
            pl.when(pl.col("slip_count") == 1)
            .then(pl.lit("once"))
            .otherwise(pl.format("{} times", "slip_count")),
            pl.lit(max_slips),
            weight,
        ),
    )
    dropped = d.filter(pl.col("dropped") > 0).sort(LINE)
    out += frame_findings(
        t.path,
        col_of(t, "close_period"),
        "SOP707",
        dropped,
        pl.format(
            "{}: {} of its {} weighted units ship after the horizon's last period {} "
            "and are left out of the plan",
            who,
            fmt(pl.col("dropped")),
            fmt(pl.col("weighted")),
            pl.lit(last),
        ),
    )
    return out


def _own_certain(t: Table, d: pl.DataFrame, rules: PipelineRules | None) -> list[Finding]:
    """SOP712: a deal at its own probability 1 on a stage whose probability is not 1. It
    counts as an order (in full, never stale, slipped or expired) that its stage does not
    call won."""
    rows = d.filter(
        (pl.col("probability") == 1)
        & pl.col("stage_probability").is_not_null()
        & (pl.col("stage_probability") != 1)
    ).sort(LINE)
    if rows.height == 0:
        return []
    won = next((s.id for s in rules.stages if s.probability == 1), None) if rules else None
    move = (
        f"move it to stage {won}"
        if won
        else "close it as won (the charter has no stage at probability 1: add one, such as "
        "{id: won, probability: 1})"
    )
    reason = (
        pl.format(" (probability_reason '{}')", pl.col("probability_reason").str.strip_chars())
        if "probability_reason" in rows.columns
        else pl.lit("")
    )
    message = pl.format(
        "deal {} ({}, {}) is at its own probability 1{} on stage {}, whose probability is {}: "
        "it counts in full, as an order not yet shipped, and is never down-weighted as stale "
        "or slipped, nor expired. If the customer has signed, {}; else give it a probability "
        "below 1, or clear it to count its stage's",
        "deal_id",
        "item",
        "segment",
        reason.fill_null(""),
        "stage",
        fmt(pl.col("stage_probability"), 4),
        pl.lit(move),
    )
    return frame_findings(t.path, col_of(t, "probability"), "SOP712", rows, message)


def _expired(
    t: Table, d: pl.DataFrame, hz: Horizon, expire: int, unhealthy: float
) -> list[Finding]:
    """SOP746: deals due to close more than `expire` periods before the cycle month, dropped;
    the message says what each would count unexpired: stale, quantity × p × unhealthy."""
    co = ord_col("close_period")
    rows = d.filter("expired").sort(LINE).with_columns((hz.now - pl.col(co)).alias("ago"))
    unit = "week" if hz.bucket == "week" else "month"
    message = pl.format(
        "deal {} ({}, {}) was due to close in {}, {} before the cycle {} {} (more than "
        "pipeline.expire_after_periods {}): it has expired and counts 0 units; "
        "were it not expired, it would count as a stale deal (SOP704): {} × {} × {} "
        "(pipeline.unhealthy_weight) = {}. If it is still alive, give it the close period now "
        "expected and count the slip in slip_count; else close it in the CRM and remove the "
        "row",
        "deal_id",
        "item",
        "segment",
        "close_period",
        pl.format(
            "{} {}",
            "ago",
            pl.when(pl.col("ago") == 1).then(pl.lit(unit)).otherwise(pl.lit(unit + "s")),
        ),
        pl.lit(unit),
        pl.lit(hz.label(hz.now)),
        pl.lit(expire),
        fmt(pl.col("quantity")),
        fmt(pl.col("p"), 4),
        pl.lit(f"{unhealthy:g}"),
        fmt(pl.col("quantity") * pl.col("p") * unhealthy),
    )
    return frame_findings(t.path, col_of(t, "close_period"), "SOP746", rows, message)
