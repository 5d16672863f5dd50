"""Signed forecast measures and forecast value added in words, by the sign convention of
docs/metrics.md (e = actual − forecast: negative is an over-forecast, the forecast above
demand; positive an under-forecast), so that no reader has to remember which way it runs."""

from __future__ import annotations

import polars as pl

from .scorecard import EPS, qty

SIGNED = ("error", "bias", "bias_pct", "tracking_signal")  # carry the sign of e = A − F
OVER, UNDER = "over-forecast", "under-forecast"


def direction(value: pl.Expr) -> pl.Expr:
    """ "over-forecast", "under-forecast" or "no bias" by the sign of an error measure."""
    return (
        pl.when(value < -EPS)
        .then(pl.lit(OVER))
        .when(value > EPS)
        .then(pl.lit(UNDER))
        .otherwise(pl.lit("no bias"))
    )


def _side(value: pl.Expr) -> pl.Expr:
    return pl.when(value < 0).then(pl.lit("above")).otherwise(pl.lit("below"))


def units_words(value: pl.Expr, per: str) -> pl.Expr:
    """The note of `error` (per = "in total") or `bias` (per = "per observation on
    average"): "forecast 180 units above demand in total: over-forecast"."""
    return (
        pl.when(value.abs() <= EPS)
        .then(pl.lit("forecast equal to demand: no bias"))
        .otherwise(
            pl.format(
                "forecast {} units {} demand {}: {}",
                qty(value.abs()),
                _side(value),
                pl.lit(per),
                direction(value),
            )
        )
    )


def share_words(value: pl.Expr) -> pl.Expr:
    """The note of `bias_pct` (Σ e ÷ Σ A): "forecast 18.0 % above demand: over-forecast"."""
    pct = (value.abs() * 100).round(1)
    return (
        pl.when(value.abs() <= EPS)
        .then(pl.lit("forecast equal to demand: no bias"))
        .otherwise(
            pl.format(
                "forecast {} % {} demand: {}",
                pct,
                _side(value),
                direction(value),
            )
        )
    )


def signal_words(value: pl.Expr) -> pl.Expr:
    """The sign of a tracking signal (running Σ e ÷ MAD) in words."""
    return (
        pl.when(value < -EPS)
        .then(pl.lit("errors add up below 0, the forecast ran above demand: " + OVER))
        .when(value > EPS)
        .then(pl.lit("errors add up above 0, the forecast ran below demand: " + UNDER))
        .otherwise(pl.lit("errors add up to 0: no bias"))
    )


def value_suffix(section: str, metric: str, value: float | None) -> str:
    """What text and Markdown add to a signed forecast value: " (over-forecast)" …"""
    if section not in ("forecast", "lag") or metric not in SIGNED or value is None:
        return ""
    if value < -EPS:
        return f" ({OVER})"
    if value > EPS:
        return f" ({UNDER})"
    return ""


def fva_note(gain: float, before: str, naive: float | None, wape: float, first: bool) -> str:
    """The note of a layer's forecast value added: against the layer before it (better, worse
    or the same WAPE), and, after the first layer, its WAPE against the naive forecast's."""
    if gain > EPS:
        note = f"better than the {before} forecast"
    elif gain < -EPS:
        note = f"worse than the {before} forecast"
    else:
        note = f"same WAPE as the {before} forecast"
    if naive is None or first:
        return note
    d = naive - wape
    if d > EPS:
        return note + f"; WAPE {d:.4f} lower than the naive forecast's"
    if d < -EPS:
        return note + f"; WAPE {-d:.4f} higher than the naive forecast's"
    return note + "; same WAPE as the naive forecast"
