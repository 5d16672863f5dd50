"""Forecasting kernels over a (series × time) matrix; the formulas are in `baseline.py`.

Every kernel takes `Y` (S × T, each series left-aligned: its first history period in column 0),
`n` (S,: the number of periods of each series; columns from `n` on are ignored) and `steps`,
and returns the forecasts for periods n+1 .. n+steps, shape (S × steps). Smoothing parameters
are chosen per series by grid search: all grid points of all series are run at once as
(G × S) state arrays, one Python iteration per time step, and each series keeps the grid point
with the smallest in-sample sum of squared one-step errors (ties: the first grid point).
"""

from __future__ import annotations

import itertools

import numpy as np

from .frames import FloatArr, IntArr

SES_ALPHAS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
HOLT_ALPHAS = (0.1, 0.2, 0.35, 0.5, 0.7)
HOLT_BETAS = (0.02, 0.1, 0.2)
HOLT_PHIS = (1.0, 0.98, 0.9)  # 1 = Holt's linear trend; below 1 the trend is damped
HW_ALPHAS = (0.1, 0.2, 0.35, 0.5, 0.7)
HW_BETAS = (0.02, 0.1)
HW_GAMMAS = (0.05, 0.2)
CROSTON_ALPHAS = (0.05, 0.1, 0.2, 0.3)
TSB_ALPHAS = (0.1, 0.2, 0.3)
TSB_BETAS = (0.05, 0.1, 0.2, 0.3)
BLOCK = 2_000_000  # grid points × series × season slots per block of Holt-Winters


def _col(a: tuple[float, ...] | FloatArr) -> FloatArr:
    return np.asarray(a, dtype=np.float64)[:, None]


def _pick(sse: FloatArr, values: FloatArr) -> FloatArr:
    """Per series, the value (G × S) at the grid point with the least SSE."""
    best = np.argmin(sse, axis=0)
    return np.asarray(values[best, np.arange(values.shape[1])], dtype=np.float64)


def _flat(level: FloatArr, steps: int) -> FloatArr:
    return np.repeat(level[:, None], steps, axis=1)


def seasonal_naive(Y: FloatArr, n: IntArr, steps: int, m: int) -> FloatArr:
    """ŷ[n+h] = y[n+h-m(k+1)], k = floor((h-1)/m). Needs n >= m."""
    h = np.arange(1, steps + 1)
    back = m * ((h - 1) // m + 1)
    idx = np.clip(n[:, None] - 1 + h[None, :] - back[None, :], 0, max(Y.shape[1] - 1, 0))
    return np.asarray(Y[np.arange(Y.shape[0])[:, None], idx], dtype=np.float64)


def moving_average(Y: FloatArr, n: IntArr, steps: int, w: int) -> FloatArr:
    """ŷ = mean of the last min(w, n) values."""
    t = np.arange(Y.shape[1])[None, :]
    lo = np.maximum(n - w, 0)[:, None]
    mask = (t >= lo) & (t < n[:, None])
    level = np.where(mask, Y, 0.0).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)
    return _flat(level, steps)


def ses(
    Y: FloatArr, n: IntArr, steps: int, alphas: tuple[float, ...] | FloatArr = SES_ALPHAS
) -> FloatArr:
    """Simple exponential smoothing, l[0] = y[1]; with n = 1 the forecast is that value."""
    a = _col(alphas)
    if Y.shape[0] == 0 or Y.shape[1] == 0:
        return np.zeros((Y.shape[0], steps))
    level = np.repeat(Y[None, :, 0], a.shape[0], axis=0)
    sse = np.zeros_like(level)
    keep = level.copy()  # the level at each series' own last period
    for t in range(1, int(n.max())):
        e = Y[None, :, t] - level
        sse += e * e if t < n.min() else (e * e) * (t < n)
        level = level + a * e
        _snapshot(t, n, (keep, level))
    return _flat(_pick(sse, keep), steps)


def holt(Y: FloatArr, n: IntArr, steps: int) -> FloatArr:
    """Holt's (damped) trend in error-correction form: e = y - l - φb, l += φb + αe,
    b = φb + αβe; ŷ[n+h] = l + (φ + ... + φ^h) b. l0 = y1, b0 = y2 - y1. Needs n >= 4."""
    S = Y.shape[0]
    if S == 0 or Y.shape[1] < 2:
        return np.zeros((S, steps))
    grid = np.array(list(itertools.product(HOLT_PHIS, HOLT_ALPHAS, HOLT_BETAS)), dtype=np.float64)
    phi, a, ab = grid[:, 0:1], grid[:, 1:2], grid[:, 1:2] * grid[:, 2:3]
    G = grid.shape[0]
    level = np.repeat(Y[None, :, 0], G, axis=0)
    trend = np.repeat((Y[:, 1] - Y[:, 0])[None, :], G, axis=0)
    keep = (level.copy(), trend.copy())
    sse = np.zeros((G, S))
    for t in range(1, int(n.max())):
        damped = phi * trend
        e = Y[None, :, t] - level - damped
        sse += e * e if t < n.min() else (e * e) * (t < n)
        level = level + damped + a * e
        trend = damped + ab * e
        for kept, now in zip(keep, (level, trend), strict=True):
            _snapshot(t, n, (kept, now))
    best = np.argmin(sse, axis=0)
    rows = np.arange(S)
    lvl, tr, ph = keep[0][best, rows], keep[1][best, rows], grid[best, 0]
    h = np.arange(1, steps + 1)
    damp = np.cumsum(ph[:, None] ** h[None, :], axis=1)
    return np.asarray(lvl[:, None] + damp * tr[:, None], dtype=np.float64)


def _snapshot(t: int, n: IntArr, pairs: tuple[FloatArr, FloatArr]) -> None:
    """Copy the state (last axis = series) of the series whose last period is t."""
    ends = np.flatnonzero(n - 1 == t)
    if ends.size:
        pairs[0][..., ends] = pairs[1][..., ends]


def _hw_init(Y: FloatArr, m: int) -> tuple[FloatArr, FloatArr, FloatArr]:
    """Level (before the first period), trend and m seasonal indices from two seasons."""
    l1 = Y[:, :m].mean(axis=1)
    l2 = Y[:, m : 2 * m].mean(axis=1)
    b0 = (l2 - l1) / m
    a0 = l1 - b0 * (m - 1) / 2  # level at the first period
    t = np.arange(2 * m)[None, :]
    resid = Y[:, : 2 * m] - (a0[:, None] + b0[:, None] * t)
    s0 = (resid[:, :m] + resid[:, m:]) / 2
    s0 = s0 - s0.mean(axis=1, keepdims=True)
    return a0 - b0, b0, s0


def _hw_block(Y: FloatArr, n: IntArr, steps: int, m: int, grid: FloatArr) -> FloatArr:
    """Holt-Winters in error-correction form: e = y - l - b - s, l += b + αe, b += αβe,
    s += γe (equal to the component form in baseline.py)."""
    S, G = Y.shape[0], grid.shape[0]
    a, ab, g = grid[:, 0:1], grid[:, 0:1] * grid[:, 1:2], grid[:, 2:3]
    l0, b0, s0 = _hw_init(Y, m)
    level = np.repeat(l0[None, :], G, axis=0)
    trend = np.repeat(b0[None, :], G, axis=0)
    season = np.repeat(s0.T[:, None, :], G, axis=1)  # m × G × S, slot t % m
    keep = (level.copy(), trend.copy(), season.copy())
    sse = np.zeros((G, S))
    for t in range(int(n.max())):
        s_j = season[t % m]
        lt = level + trend
        e = Y[None, :, t] - lt - s_j
        sse += e * e if t < n.min() else (e * e) * (t < n)
        level = lt + a * e
        trend += ab * e
        s_j += g * e
        for kept, now in zip(keep, (level, trend, season), strict=True):
            _snapshot(t, n, (kept, now))
    best = np.argmin(sse, axis=0)
    rows = np.arange(S)
    lvl, tr, sea = keep[0][best, rows], keep[1][best, rows], keep[2][:, best, rows].T
    h = np.arange(1, steps + 1)
    slot = (n[:, None] - 1 + h[None, :]) % m
    out = lvl[:, None] + h[None, :] * tr[:, None] + np.take_along_axis(sea, slot, axis=1)
    return np.asarray(out, dtype=np.float64)


def holt_winters(
    Y: FloatArr,
    n: IntArr,
    steps: int,
    m: int,
    alphas: tuple[float, ...] = HW_ALPHAS,
    betas: tuple[float, ...] = HW_BETAS,
    gammas: tuple[float, ...] = HW_GAMMAS,
) -> FloatArr:
    """Additive Holt-Winters (trend + seasonality). Needs n >= 2m; series run in blocks."""
    grid = np.array(
        [p for p in itertools.product(alphas, betas, gammas) if p[2] <= 1 - p[0]],
        dtype=np.float64,
    )
    S = Y.shape[0]
    if S == 0 or Y.shape[1] < 2 * m:
        return np.zeros((S, steps))
    size = max(1, BLOCK // (grid.shape[0] * m))
    parts = [_hw_block(Y[i : i + size], n[i : i + size], steps, m, grid) for i in range(0, S, size)]
    return np.concatenate(parts, axis=0)


def croston(
    Y: FloatArr, n: IntArr, steps: int, alphas: tuple[float, ...] | FloatArr = CROSTON_ALPHAS
) -> FloatArr:
    """Croston: smoothed size z over smoothed interval p, updated at demand periods only."""
    a = _col(alphas)
    G, S = a.shape[0], Y.shape[0]
    z, p, sse = np.zeros((G, S)), np.ones((G, S)), np.zeros((G, S))
    q = np.zeros(S)
    seen = np.zeros(S, dtype=bool)
    for t in range(int(n.max()) if n.size else 0):
        act = t < n
        y = Y[:, t]
        q = np.where(act, q + 1, q)
        e = y[None, :] - np.where(seen, z / p, 0.0)
        sse += np.where(act & seen, e * e, 0.0)
        dem = act & (y > 0)
        first, upd = dem & ~seen, dem & seen
        z = np.where(first, y, np.where(upd, z + a * (y - z), z))
        p = np.where(first, q, np.where(upd, p + a * (q - p), p))
        q = np.where(dem, 0.0, q)
        seen = seen | dem
    return _flat(np.where(seen, _pick(sse, z / p), 0.0), steps)


def tsb(
    Y: FloatArr,
    n: IntArr,
    steps: int,
    alphas: tuple[float, ...] = TSB_ALPHAS,
    betas: tuple[float, ...] = TSB_BETAS,
) -> FloatArr:
    """Teunter-Syntetos-Babai: demand probability d (every period) times size z."""
    grid = np.array(list(itertools.product(alphas, betas)), dtype=np.float64)
    a, b = grid[:, 0:1], grid[:, 1:2]
    G, S = grid.shape[0], Y.shape[0]
    d, z, sse = np.zeros((G, S)), np.zeros((G, S)), np.zeros((G, S))
    q = np.zeros(S)
    seen = np.zeros(S, dtype=bool)
    for t in range(int(n.max()) if n.size else 0):
        act = t < n
        y = Y[:, t]
        q = np.where(act, q + 1, q)
        e = y[None, :] - np.where(seen, d * z, 0.0)
        sse += np.where(act & seen, e * e, 0.0)
        dem = act & (y > 0)
        first = dem & ~seen
        d = np.where(first, 1.0 / np.maximum(q, 1.0), np.where(act & seen, d + b * (dem - d), d))
        z = np.where(first, y, np.where(dem & seen, z + a * (y - z), z))
        q = np.where(dem, 0.0, q)
        seen = seen | dem
    return _flat(np.where(seen, _pick(sse, d * z), 0.0), steps)
