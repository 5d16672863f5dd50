"""Scorecard rows: one frame schema for every section, and how a row's status is judged.

The first nine columns are the contract other tools rely on (section, metric, scope, key,
value, target, status, owner, escalate_to); the rest explain the judgement.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

COLUMNS = (
    "section",
    "metric",
    "scope",
    "key",
    "value",
    "target",
    "status",
    "owner",
    "escalate_to",
    "target_max",
    "tolerance",
    "direction",
    "absolute",
    "severity",
    "n",
    "note",
)
SCHEMA = pl.Schema(
    {
        "section": pl.String(),
        "metric": pl.String(),
        "scope": pl.String(),
        "key": pl.String(),
        "value": pl.Float64(),
        "target": pl.Float64(),
        "status": pl.String(),
        "owner": pl.String(),
        "escalate_to": pl.String(),
        "target_max": pl.Float64(),
        "tolerance": pl.Float64(),
        "direction": pl.String(),
        "absolute": pl.Boolean(),
        "severity": pl.String(),
        "n": pl.Int64(),
        "note": pl.String(),
    }
)
SECTIONS = ("forecast", "lag", "service", "inventory", "adherence", "pipeline", "assumptions")
SCOPES = ("total", "item", "segment", "resource", "stage", "layer", "owner", "lag", "assumption")
STATUSES = ("ok", "breach", "info", "no_data")
EPS = 1e-9
TOTAL = "all"
# the note of a forecast share (bias %, WAPE, MAPE) without demand, though forecast: no base
# for the share, and the worst over-forecast there is; render shows such item rows with the
# breaches
NO_DEMAND = "no demand: over-forecast by"


def qty(x: pl.Expr) -> pl.Expr:
    """A quantity in words: 180 for 180.0, 100.95, at most 2 decimals."""
    r = x.round(2)
    return (
        pl.when(r == r.round(0))
        .then(r.round(0).cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(r.cast(pl.String))
    )


def no_demand_note(forecast: pl.Expr) -> pl.Expr:
    """Why a share of demand has no value where there was no demand: `forecast 180, no
    demand: over-forecast by 180 units`, or that nothing was forecast either."""
    return (
        pl.when(forecast > EPS)
        .then(pl.format("forecast {}, " + NO_DEMAND + " {} units", qty(forecast), qty(forecast)))
        .otherwise(pl.lit("no demand and none forecast: no error, but no base for a share"))
    )


@dataclass(frozen=True)
class Threshold:
    """How a value is judged: against `target` (and `target_max` for a range) in `direction`
    (at_least, at_most, between), `tolerance` around it, on |value| when `absolute`. No target:
    the row is information only. Owner and escalation role travel with the threshold."""

    target: float | None = None
    tolerance: float = 0.0
    direction: str = "at_least"
    severity: str = "warning"
    owner: str = ""
    escalate_to: str = ""
    absolute: bool = False
    target_max: float | None = None

    def info(self) -> Threshold:
        """The same owner and escalation, without a target."""
        return Threshold(owner=self.owner, escalate_to=self.escalate_to, severity=self.severity)


def rows(
    section: str,
    metric: str,
    scope: str,
    frame: pl.DataFrame,
    th: Threshold,
) -> pl.DataFrame:
    """Scorecard rows from a frame with `key`, `value` and optionally `n`, `note` and
    `lower_bound` (true where the value is only a lower bound of the true one: judged by
    `bound_sides`, and left empty, `no_data`, where that is not conclusive)."""
    bound = pl.col("lower_bound") if "lower_bound" in frame.columns else pl.lit(False)
    df = frame.select(
        pl.col("key").cast(pl.String),
        pl.col("value").cast(pl.Float64),
        (pl.col("n") if "n" in frame.columns else pl.lit(None)).cast(pl.Int64).alias("n"),
        (pl.col("note") if "note" in frame.columns else pl.lit(""))
        .cast(pl.String)
        .fill_null("")
        .alias("note"),
        bound.fill_null(False).cast(pl.Boolean).alias("lower_bound"),
    )
    value = pl.col("value").abs() if th.absolute else pl.col("value")
    lo, hi = limits(th)
    has_target = th.target is not None or th.target_max is not None
    breach = pl.lit(False)
    if lo is not None:
        breach = breach | (value < lo - th.tolerance - EPS)
    if hi is not None:
        breach = breach | (value > hi + th.tolerance + EPS)
    above, reaches = bound_sides(th)
    lower = pl.col("lower_bound")
    # a lower bound breaches only a maximum it already exceeds, and is ok only where no
    # higher true value could breach: at or above the minimum, with no maximum
    open_bound = lower & has_target & ~above & ~(reaches & pl.lit(hi is None))
    status = (
        pl.when(pl.col("value").is_null() | open_bound)
        .then(pl.lit("no_data"))
        .when(pl.lit(not has_target))
        .then(pl.lit("info"))
        .when(pl.when(lower).then(above).otherwise(breach))
        .then(pl.lit("breach"))
        .otherwise(pl.lit("ok"))
    )
    return df.select(
        pl.lit(section).alias("section"),
        pl.lit(metric).alias("metric"),
        pl.lit(scope).alias("scope"),
        "key",
        pl.when(open_bound).then(None).otherwise(pl.col("value")).alias("value"),
        pl.lit(th.target, pl.Float64).alias("target"),
        status.alias("status"),
        pl.lit(th.owner).alias("owner"),
        pl.lit(th.escalate_to).alias("escalate_to"),
        pl.lit(th.target_max, pl.Float64).alias("target_max"),
        pl.lit(th.tolerance if has_target else None, pl.Float64).alias("tolerance"),
        pl.lit(th.direction if has_target else "", pl.String).alias("direction"),
        pl.lit(th.absolute if has_target else None, pl.Boolean).alias("absolute"),
        pl.lit(th.severity if has_target else "", pl.String).alias("severity"),
        "n",
        "note",
    )


def limits(th: Threshold) -> tuple[float | None, float | None]:
    """The lower and upper target of a threshold (before tolerance), None where it has none."""
    if th.direction == "between":
        return th.target, th.target_max
    if th.direction == "at_most":
        return None, th.target
    return th.target, th.target_max


def bound_sides(th: Threshold, value: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    """How a value that is only a lower bound of the true one (days of supply of stock that
    outlasts the plan's horizon) stands against `th`: (above the maximum, so the true value
    breaches it too; at or above the minimum, so the true value meets it too). Where neither
    holds, the true value may lie on either side of a bound: it is not judged."""
    v = pl.col("value") if value is None else value
    lo, hi = limits(th)
    above = v > hi + th.tolerance + EPS if hi is not None else pl.lit(False)
    reaches = v >= lo - th.tolerance - EPS if lo is not None else pl.lit(True)
    return above, reaches


def one(
    section: str,
    metric: str,
    scope: str,
    key: str,
    value: float | None,
    th: Threshold,
    n: int | None = None,
    note: str = "",
) -> pl.DataFrame:
    frame = pl.DataFrame(
        {"key": [key], "value": [value], "n": [n], "note": [note]},
        schema={"key": pl.String, "value": pl.Float64, "n": pl.Int64, "note": pl.String},
    )
    return rows(section, metric, scope, frame, th)


def no_data(section: str, metric: str, th: Threshold, note: str) -> pl.DataFrame:
    """The row a section shows when its actuals are absent: it never invents a number."""
    return one(section, metric, "total", TOTAL, None, th, None, note)


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.height]
    if not frames:
        return empty()
    return pl.concat([f.select(list(COLUMNS)).cast(SCHEMA) for f in frames], how="vertical")


def frame_bytes(frame: pl.DataFrame, decimals: int = 4) -> bytes:
    """CSV bytes of a Learn output: floats rounded to `decimals` places and written in their
    shortest form (80.0, 0.1429), no negative zeros, empty text as a blank cell. Deterministic,
    and several times faster for a large frame than a fixed float format."""
    fix = []
    for c, t in frame.schema.items():
        if t.is_float():
            r = pl.col(c).round(decimals)  # not `+ 0.0`: polars simplifies it away
            fix.append(pl.when(r == 0).then(0.0).otherwise(r).alias(c))
        elif t == pl.String:
            fix.append(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c))
    text = frame.with_columns(fix).write_csv(line_terminator="\n", null_value="")
    return text.encode("utf-8")


def _bounds(frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """The effective lower and upper bounds of each judged row (target ∓ tolerance; null when
    the direction has none), as `rows` judges them."""
    tol = pl.col("tolerance").fill_null(0.0)
    d = pl.col("direction")
    lo = pl.when(d.is_in(["at_least", "between"])).then(pl.col("target") - tol)
    hi = (
        pl.when(d == "at_most")
        .then(pl.col("target") + tol)
        .when(d == "between")
        .then(pl.col("target_max") + tol)
    )
    return lo, hi


def reads_beyond(value: pl.Expr, lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """Whether `value` (as written, judged on its size when the row is `absolute`) lies
    strictly outside [lo, hi]: a breach written so must read as one."""
    v = pl.when(pl.col("absolute").fill_null(False)).then(value.abs()).otherwise(value)
    return (lo.is_not_null() & (v < lo)) | (hi.is_not_null() & (v > hi))


def scorecard_bytes(card: pl.DataFrame, decimals: int = 4) -> bytes:
    """scorecard.csv: `frame_bytes`, except that a breached value which `decimals` places
    would round onto its bound (0.89998 against ≥ 0.9 reads 0.9) is written with up to
    FINE decimals, so a breach never reads as equal to its target."""
    lo, hi = _bounds(card)
    rounded = pl.col("value").round(decimals)
    fine = (pl.col("status") == "breach") & ~reads_beyond(rounded, lo, hi)
    value = pl.when(fine).then(pl.col("value").round(FINE)).otherwise(rounded)
    floats = [
        pl.col(c).round(decimals) for c, t in card.schema.items() if t.is_float() and c != "value"
    ]
    return frame_bytes(card.with_columns(*floats, value.alias("value")), FINE)


FINE = 10  # decimals of a breached value that 4 would round onto its bound (> -log10 EPS)


def error_breaches(card: pl.DataFrame) -> int:
    """Rows outside tolerance whose severity is error (these make `sopctl learn` exit 1)."""
    return card.filter((pl.col("status") == "breach") & (pl.col("severity") == "error")).height
