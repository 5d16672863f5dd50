"""Which method each series uses: the requested one when its history allows, a fallback
otherwise, and under `auto` the candidate with the least holdout MAE (formulas: baseline.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schemas.charter import ForecastRules
from . import methods as k
from .frames import FloatArr, IntArr

# Order of preference when holdout errors tie (simplest first).
AUTO_ORDER = (
    "moving_average",
    "ses",
    "holt",
    "seasonal_naive",
    "croston",
    "tsb",
    "holt_winters",
)
INTERMITTENT = ("croston", "tsb")
INTERMITTENT_SHARE = 0.3
LAST_VALUE = "last_value"


def need(method: str, rules: ForecastRules) -> int:
    """Periods of history a method needs."""
    m = rules.season_length
    return {
        "holt_winters": 2 * m,
        "holt": 4,
        "seasonal_naive": m,
        "moving_average": rules.moving_average_window,
    }.get(method, 2 if method != LAST_VALUE else 1)


def needs(methods: list[str], rules: ForecastRules) -> IntArr:
    """`need` per entry, looked up once per distinct method name."""
    names, inverse = np.unique(np.array(methods, dtype=object), return_inverse=True)
    table = np.array([need(str(x), rules) for x in names], dtype=np.int64)
    return np.asarray(table[inverse], dtype=np.int64).reshape(len(methods))


def run(method: str, Y: FloatArr, n: IntArr, steps: int, rules: ForecastRules) -> FloatArr:
    m, w = rules.season_length, rules.moving_average_window
    if method == "seasonal_naive":
        out = k.seasonal_naive(Y, n, steps, m)
    elif method == "moving_average":
        out = k.moving_average(Y, n, steps, w)
    elif method == "ses":
        out = k.ses(Y, n, steps)
    elif method == "holt":
        out = k.holt(Y, n, steps)
    elif method == "holt_winters":
        out = k.holt_winters(Y, n, steps, m)
    elif method == "croston":
        out = k.croston(Y, n, steps)
    elif method == "tsb":
        out = k.tsb(Y, n, steps)
    else:  # last_value
        out = k.moving_average(Y, n, steps, 1)
    return np.maximum(out, 0.0)


@dataclass
class Choice:
    used: list[str]  # per row of Y
    kind: list[str]  # "explicit" | "fallback" | "auto" | "auto_fallback"
    mae: FloatArr  # holdout MAE of the chosen method (NaN when not auto)
    runner: list[str]  # next best method under auto ("" when none)
    runner_mae: FloatArr
    scores: FloatArr  # holdout MAE per AUTO_ORDER method × row (inf: not a candidate)


def choose(Y: FloatArr, n: IntArr, requested: list[str], rules: ForecastRules) -> Choice:
    """Which method each series uses: explicit ones when history allows, else by holdout MAE."""
    R = Y.shape[0]
    req = np.array(requested, dtype=object)
    short = np.where(n >= 2, "ses", LAST_VALUE).astype(object)
    need_req = needs(requested, rules)
    used = np.where(n >= need_req, req, short)
    kind = np.where(n >= need_req, "explicit", "fallback").astype(object)
    mae = np.full(R, np.nan)
    runner = np.full(R, "", dtype=object)
    runner_mae = np.full(R, np.nan)
    scores = np.full((len(AUTO_ORDER), R), np.inf)
    auto = req == "auto"
    if auto.any():
        H = rules.holdout_periods
        nt = n - H
        ok = auto & (nt >= 2)
        zeros = (np.where(np.arange(Y.shape[1])[None, :] < n[:, None], Y, 1.0) == 0).sum(axis=1)
        intermittent = zeros >= INTERMITTENT_SHARE * n
        for i, method in enumerate(AUTO_ORDER):
            cand = ok & (nt >= need(method, rules))
            if method in INTERMITTENT:
                cand &= intermittent
            rows = np.flatnonzero(cand)
            if rows.size == 0:
                continue
            f = run(method, Y[rows], nt[rows], H, rules)
            actual = Y[rows[:, None], nt[rows][:, None] + np.arange(H)[None, :]]
            scores[i, rows] = np.abs(actual - f).mean(axis=1)
        order = np.argsort(scores, axis=0, kind="stable")
        cols = np.arange(R)
        best, second = order[0], order[1]
        names = np.array(AUTO_ORDER, dtype=object)
        used = np.where(ok, names[best], np.where(auto, short, used))
        kind = np.where(ok, "auto", np.where(auto, "auto_fallback", kind))
        mae = np.where(ok, scores[best, cols], np.nan)
        has_second = ok & np.isfinite(scores[second, cols])
        runner = np.where(has_second, names[second], "")
        runner_mae = np.where(has_second, scores[second, cols], np.nan)
    return Choice(
        [str(u) for u in used],
        [str(x) for x in kind],
        mae.astype(np.float64),
        [str(r) for r in runner],
        runner_mae.astype(np.float64),
        scores,
    )
