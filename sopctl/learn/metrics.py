"""The Learn metrics as pure functions: Polars expressions the engine aggregates with, and
plain-number wrappers over the same expressions (what the tests check by hand).

Sign convention (Hyndman & Athanasopoulos, FPP3 §5.8): the forecast error is
e = actual − forecast, so a positive error means demand came in above the forecast
(under-forecast) and a negative one below it (over-forecast). Formulas: docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

FloatArr = npt.NDArray[np.float64]
A, F, E = "actual", "forecast", "error"


def ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num ÷ den, null where den is 0 or null (a ratio without a base is "no data", not 0)."""
    return pl.when(den != 0).then(num / den).otherwise(None)


# --- forecast quality: aggregations of the error column e = actual - forecast ---


def error_expr(actual: str = A, forecast: str = F) -> pl.Expr:
    return (pl.col(actual) - pl.col(forecast)).alias(E)


def total_error(e: str = E) -> pl.Expr:
    """Σ e: net units by which demand exceeded (+) or fell short of (−) the forecast."""
    return pl.col(e).sum()


def bias(e: str = E) -> pl.Expr:
    """Mean error (ME), units per observation."""
    return pl.col(e).mean()


def bias_pct(e: str = E, actual: str = A) -> pl.Expr:
    """Σ e ÷ Σ actual."""
    return ratio(pl.col(e).sum(), pl.col(actual).sum())


def mad(e: str = E) -> pl.Expr:
    """Mean absolute deviation (= MAE): mean |e|."""
    return pl.col(e).abs().mean()


def mape(e: str = E, actual: str = A) -> pl.Expr:
    """Mean of |e| ÷ actual over the observations whose actual is above 0 (zero actuals are left
    out: the ratio is undefined there, Hyndman & Koehler 2006); null when none is above 0."""
    return (pl.col(e).abs() / pl.col(actual)).filter(pl.col(actual) > 0).mean()


def zero_actuals(actual: str = A) -> pl.Expr:
    """How many observations MAPE leaves out."""
    return (pl.col(actual) <= 0).sum()


def zeros_note(zeros: pl.Expr) -> pl.Expr:
    """What a MAPE row says of the observations it left out (`zeros` of them; null for none)."""
    return (
        pl.when(zeros == 1)
        .then(pl.lit("1 observation with zero actuals left out"))
        .when(zeros > 1)
        .then(pl.format("{} observations with zero actuals left out", zeros))
    )


def wape(e: str = E, actual: str = A) -> pl.Expr:
    """Σ |e| ÷ Σ actual (the MAD/mean ratio of Kolassa & Schütz 2007)."""
    return ratio(pl.col(e).abs().sum(), pl.col(actual).sum())


def tracking_signal(e: str = E) -> pl.Expr:
    """Σ e ÷ MAD over the observations; 0 when every error is 0."""
    m = pl.col(e).abs().mean()
    return pl.when(m > 0).then(pl.col(e).sum() / m).otherwise(0.0)


def running_mad(e: str = E) -> pl.Expr:
    """MAD after each observation, in the frame's order: running Σ |e| ÷ running count."""
    return pl.col(e).abs().cum_sum() / pl.col(e).cum_count()


def running_tracking_signal(e: str = E) -> pl.Expr:
    """Tracking signal after each observation, in the frame's order (use `.over(series)` for
    several series): running Σ e ÷ running MAD."""
    m = running_mad(e)
    return pl.when(m > 0).then(pl.col(e).cum_sum() / m).otherwise(0.0)


def cells(frame: pl.DataFrame, ordered: str = "ordered", shipped: str = "shipped") -> pl.DataFrame:
    """demand.csv's orders and shipments per item × segment × period (one row each; a row is
    one already, as its key says), the cells `unit_fill_rate` caps one by one: an item's
    over-shipment, or a period's (an earlier period's backlog shipped late, which period totals
    cannot tell from an over-shipment), does not make up for another item's or period's
    shortfall."""
    return frame.group_by("item", "segment", "period").agg(
        pl.col(ordered).sum(), pl.col(shipped).sum()
    )


def fva(before: float | None, after: float | None) -> float | None:
    """Forecast value added of a step, in WAPE points: WAPE before − WAPE after (positive: the
    step made the forecast better)."""
    if before is None or after is None:
        return None
    return before - after


# --- service ---


def unit_fill_rate(shipped: str = "shipped", ordered: str = "ordered") -> pl.Expr:
    """Σ min(shipped, ordered) ÷ Σ ordered: units shipped against the units asked for (a row
    shipping more than it asked for does not make up for another row)."""
    return ratio(pl.min_horizontal(pl.col(shipped), pl.col(ordered)).sum(), pl.col(ordered).sum())


def share(flag: str) -> pl.Expr:
    """Share of rows whose boolean `flag` is true: line fill rate (flag in_full) and OTIF
    (flag on_time & in_full) over order lines."""
    return ratio(pl.col(flag).cast(pl.Float64).sum(), pl.len().cast(pl.Float64))


# --- inventory ---


def days_of_supply_matrix(
    on_hand: FloatArr, start: npt.NDArray[np.int64], demand: FloatArr, days_per_period: float
) -> tuple[FloatArr, npt.NDArray[np.bool_]]:
    """Forward days of supply of `on_hand[i]` units held at the end of period `start[i] - 1`,
    consumed by `demand[i, start[i]:]` (row i of the planned demand): whole periods the stock
    covers plus the covered share of the next one, times the days of a period. Returns the days
    and whether the stock outlasts the plan: some of it is left when the horizon ends (the days
    are then a lower bound of its cover; 0 for stock held at the end of the horizon's last
    period, which no planned demand follows)."""
    n, h = demand.shape
    left = on_hand.astype(np.float64).copy()
    periods = np.zeros(n, dtype=np.float64)
    done = np.zeros(n, dtype=bool)
    for k in range(h):
        active = (~done) & (k >= start)
        if not active.any():
            continue
        d = demand[:, k]
        full = active & (left >= d) & (d > 0)
        periods[full] += 1.0
        left[full] -= d[full]
        zero = active & (d <= 0)
        periods[zero] += 1.0
        part = active & ~full & ~zero
        periods[part] += left[part] / d[part]
        left[part] = 0.0
        done |= part
    return periods * days_per_period, ~done & (left > 1e-9)


def days_of_supply(
    on_hand: float, future_demand: Sequence[float], days_per_period: float
) -> tuple[float, bool]:
    """Scalar form of days_of_supply_matrix: (days, outlasts the plan)."""
    days, capped = days_of_supply_matrix(
        np.array([on_hand], dtype=np.float64),
        np.array([0], dtype=np.int64),
        np.array([list(future_demand)], dtype=np.float64).reshape(1, len(future_demand)),
        days_per_period,
    )
    return float(days[0]), bool(capped[0])


def inventory_turns(
    outflow: float, average_inventory: float, periods: int, periods_per_year: float
) -> float | None:
    """Annualised turns: (outflow over `periods` × periods per year ÷ periods) ÷ average
    inventory, in units or at cost (both arguments in the same measure)."""
    if periods <= 0 or average_inventory <= 0:
        return None
    return outflow * periods_per_year / periods / average_inventory


# --- plan adherence and pipeline ---


def adherence(actual: str = A, plan: str = "plan") -> pl.Expr:
    """1 − Σ |actual − plan| ÷ Σ plan (1 = exactly as planned; can fall below 0)."""
    dev = ratio((pl.col(actual) - pl.col(plan)).abs().sum(), pl.col(plan).sum())
    return 1.0 - dev


def conversion(won: int, lost: int) -> float | None:
    """Realised conversion of resolved deals: won ÷ (won + lost)."""
    return won / (won + lost) if won + lost else None


# --- plain-number wrappers over the expressions above ---


def _agg(actual: Sequence[float], forecast: Sequence[float], expr: pl.Expr) -> float | None:
    df = pl.DataFrame(
        {A: list(map(float, actual)), F: list(map(float, forecast))},
        schema={A: pl.Float64, F: pl.Float64},
    ).with_columns(error_expr())
    value = df.select(expr).item()
    return None if value is None else float(value)


def errors_of(actual: Sequence[float], forecast: Sequence[float]) -> list[float]:
    return [float(a) - float(f) for a, f in zip(actual, forecast, strict=True)]


def scalar(name: str, actual: Sequence[float], forecast: Sequence[float]) -> float | None:
    """One forecast metric by name (error, bias, bias_pct, mad, mape, wape, tracking_signal)."""
    exprs = {
        "error": total_error(),
        "bias": bias(),
        "bias_pct": bias_pct(),
        "mad": mad(),
        "mape": mape(),
        "wape": wape(),
        "tracking_signal": tracking_signal(),
    }
    return _agg(actual, forecast, exprs[name])


def running_ts(actual: Sequence[float], forecast: Sequence[float]) -> list[float]:
    df = pl.DataFrame({A: list(map(float, actual)), F: list(map(float, forecast))})
    df = df.with_columns(error_expr())
    return [float(v) for v in df.select(running_tracking_signal())[E].to_list()]
