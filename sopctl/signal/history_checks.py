"""Checks of the demand history the baseline is fitted on (docs/signal.md, "Late and inflated
inputs"). Pure and vectorised: one (series × period) NumPy matrix for the whole table.

SOP747  the history's last period lies before the period before the cycle month (the month
        the cycle is made in, `Horizon.now`): months that had closed are missing, and every
        baseline is forecast as if they had not happened. The cycle month itself may be
        missing (it has not closed when the cycle is made).
SOP748  a point above median + k × 1.4826 × MAD of its series (the Hampel identifier with the
        series' own median and median absolute deviation as centre and scale; k =
        forecast.outlier_threshold), in the periods the series' baseline method uses: the
        last `moving_average_window` periods for moving_average, the last season
        (`season_length` periods) for every other method. Series shorter than MIN_POINTS
        periods, intermittent ones (at least auto.INTERMITTENT_SHARE zero periods: their
        median is near 0, so every order would stand out) and flat ones (MAD 0) are left out,
        as are series whose baseline is supplied or replaced by the pipeline.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..findings import Finding, finding
from ..schemas.charter import Charter
from ..tables.check import Table
from ..tables.emit import CAP
from .auto import INTERMITTENT_SHARE
from .codes import frame_findings
from .frames import LINE, Horizon, col_of, ord_col, usable

MAD_SCALE = 1.4826  # 1 / Φ⁻¹(3/4): MAD × this estimates σ for normal data
MIN_POINTS = 6
SHOWN_MISSING = 6  # missing periods named one by one; more are given as a range
SMOOTHED = {"ses", "holt", "holt_winters", "croston", "tsb"}


def history_findings(
    t: Table | None,
    methods: pl.DataFrame,
    hz: Horizon,
    charter: Charter,
    overrides: Table | None = None,
) -> list[Finding]:
    po = ord_col("period")
    hist = usable(t, ["item", "segment", po, "quantity"])
    if t is None or hist is None:
        return []
    hist = hist.filter(pl.col(po) < hz.first)
    if hist.height == 0:
        return []
    last = int(hist[po].max())  # type: ignore[arg-type]
    found = _outliers(t, hist, last, methods, hz, charter, _replaced(overrides))
    return [*_gap(t, hist, last, hz), *found]


def _replaced(overrides: Table | None) -> set[tuple[str, str, int]]:
    """(item, segment, period ordinal) of every `replace` override: the planner has set those
    cells, so a one-off the baseline would copy there is already dealt with."""
    po = ord_col("period")
    rows = usable(overrides, ["item", "segment", po, "kind"])
    if rows is None:
        return set()
    rows = rows.filter(pl.col("kind") == "replace")
    return {(str(i), str(s), int(o)) for i, s, o in rows.select("item", "segment", po).iter_rows()}


def _echoes(p: int, m: int, hz: Horizon) -> list[int]:
    """The horizon's periods into which seasonal_naive copies history period `p`."""
    return [o for o in range(p + m, hz.last + 1, m) if o >= hz.first]


def _gap(t: Table, hist: pl.DataFrame, last: int, hz: Horizon) -> list[Finding]:
    """SOP747 at the first row of the history's last period, when periods that had closed
    when the cycle was made (before the cycle month, `hz.now`) are missing."""
    if last >= hz.now - 1:
        return []
    missing = [hz.label(o) for o in range(last + 1, hz.now)]
    n = len(missing)
    unit = "week" if hz.bucket == "week" else "month"
    named = (
        ", ".join(missing) if n <= SHOWN_MISSING else f"{missing[0]}..{missing[-1]} ({n} {unit}s)"
    )
    row = hist.filter(pl.col(ord_col("period")) == last).sort(LINE).row(0, named=True)
    return [
        finding(
            t.path,
            int(row[LINE]),
            col_of(t, "period"),
            "SOP747",
            f"the demand history ends in {hz.label(last)}, but the cycle is made in "
            f"{hz.label(hz.now)} and plans from {hz.label(hz.first)}: {named}, closed "
            f"before the cycle {unit}, {'is' if n == 1 else 'are'} missing, so every baseline "
            "is forecast as if they had not happened. Add the history of "
            f"{'that period' if n == 1 else 'those periods'} (0 where nothing was ordered), "
            "or say in an assumption why it is left out",
        )
    ]


def _windows(methods: pl.DataFrame, charter: Charter) -> pl.DataFrame:
    """Series whose baseline is fitted from history, with the periods their method uses."""
    m, w = charter.forecast.season_length, charter.forecast.moving_average_window
    return methods.filter(
        pl.col("method").is_in(["seasonal_naive", "moving_average", *SMOOTHED])
        & ~pl.col("replaced_by_pipeline").fill_null(False)
    ).select(
        "item",
        "segment",
        "method",
        pl.when(pl.col("method") == "moving_average")
        .then(pl.lit(w))
        .otherwise(pl.lit(m))
        .cast(pl.Int64)
        .alias("window"),
    )


def _outliers(
    t: Table,
    hist: pl.DataFrame,
    last: int,
    methods: pl.DataFrame,
    hz: Horizon,
    charter: Charter,
    replaced: set[tuple[str, str, int]],
) -> list[Finding]:
    """SOP748 per history row above its series' median + k × 1.4826 × MAD, in the window;
    not where seasonal_naive copies it only into cells a `replace` override sets."""
    po = ord_col("period")
    series = _windows(methods, charter).with_row_index("r").with_columns(pl.col("r").cast(pl.Int64))
    rows = hist.join(series, on=["item", "segment"], how="inner")
    if rows.height == 0:
        return []
    r = rows["r"].to_numpy()
    n_series = series.height
    start = np.full(n_series, last + 1, dtype=np.int64)
    np.minimum.at(start, r, rows[po].to_numpy().astype(np.int64))
    base = int(start.min())
    width = last - base + 1
    cols = np.arange(width)
    span = cols[None, :] >= (start - base)[:, None]  # a series runs from its first period
    grid = np.where(span, 0.0, np.nan)
    np.add.at(grid, (r, rows[po].to_numpy().astype(np.int64) - base), rows["quantity"].to_numpy())
    n = span.sum(axis=1)
    med = np.nanmedian(grid, axis=1)
    scale = MAD_SCALE * np.nanmedian(np.abs(grid - med[:, None]), axis=1)
    zeros = (grid == 0).sum(axis=1) / np.maximum(n, 1)
    k = charter.forecast.outlier_threshold
    limit = med + k * scale
    judged = (n >= MIN_POINTS) & (zeros < INTERMITTENT_SHARE) & (scale > 0)
    window = series["window"].to_numpy()
    in_window = cols[None, :] >= (width - window)[:, None]
    with np.errstate(invalid="ignore"):
        hit = judged[:, None] & in_window & (grid > limit[:, None])
    rr, jj = np.nonzero(hit)
    if rr.size == 0:
        return []
    flagged = pl.DataFrame(
        {
            "r": rr.astype(np.int64),
            po: (jj + base).astype(np.int64),
            "median": med[rr],
            "limit": limit[rr],
        }
    )
    found = rows.join(flagged, on=["r", po], how="inner").sort(LINE)
    if replaced:
        m = charter.forecast.season_length
        kept = [
            not (
                meth == "seasonal_naive"
                and (echo := _echoes(int(p), m, hz))
                and all((str(i), str(s), o) in replaced for o in echo)
            )
            for i, s, p, meth in found.select("item", "segment", po, "method").iter_rows()
        ]
        found = found.filter(pl.Series(kept, dtype=pl.Boolean))
        if found.height == 0:
            return []
    head = found.head(CAP)  # messages only for the rows shown; the rest are counted
    said = [_message(row, hz, charter, k) for row in head.iter_rows(named=True)]
    shown = head.with_columns(pl.Series("message", said, pl.String))
    rest = found.slice(shown.height).with_columns(pl.lit(None, pl.String).alias("message"))
    return frame_findings(
        t.path, col_of(t, "quantity"), "SOP748", pl.concat([shown, rest]), pl.col("message")
    )


def _message(row: dict[str, object], hz: Horizon, charter: Charter, k: float) -> str:
    y, med = float(row["quantity"]), float(row["median"])  # type: ignore[arg-type]
    method = str(row["method"])
    m, w = charter.forecast.season_length, charter.forecast.moving_average_window
    if method == "seasonal_naive":
        p = int(row[ord_col("period")])  # type: ignore[call-overload]
        back = [hz.label(o) for o in _echoes(p, m, hz)]
        effect = (
            f"the baseline (seasonal_naive) copies it into {', '.join(back)}"
            if back
            else "the baseline (seasonal_naive) copies it one season later, after the horizon"
        )
    elif method == "moving_average":
        effect = (
            f"the baseline (moving_average over {w} periods) averages it into every period: "
            f"+{(y - med) / w:,.1f} a period over the run-rate"
        )
    elif method == "holt_winters":
        effect = "the baseline (holt_winters) takes it into its level and seasonal pattern"
    else:
        effect = f"the baseline ({method}) smooths it into its level"
    return (
        f"{row['item']}/{row['segment']} {row['period']}: {y:,.0f} units, {y / med:.1f}× the "
        f"series' median {med:,.0f} (above median + {k:g} × 1.4826 × MAD = "
        f"{float(row['limit']):,.1f}); {effect}. If it was a one-off (a tender, a catch-up "  # type: ignore[arg-type]
        "order), override the periods it inflates or correct the history row; if it will "
        "recur, leave it"
    )
