"""The forecasting kernels and the auto choice on tiny series, with the numbers worked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sopctl.schemas.charter import Charter, ForecastRules
from sopctl.signal import methods as k
from sopctl.signal.auto import AUTO_ORDER, choose


def one(y: list[float]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    return np.array([y], dtype=np.float64), np.array([len(y)], dtype=np.int64)


def test_seasonal_naive_repeats_the_last_season() -> None:
    # m = 4, y = 1..8: the last season is 5 6 7 8, repeated: 5 6 7 8 5 6
    Y, n = one([1, 2, 3, 4, 5, 6, 7, 8])
    assert k.seasonal_naive(Y, n, 6, 4).tolist() == [[5, 6, 7, 8, 5, 6]]


def test_moving_average_of_the_last_window() -> None:
    # w = 3: (6 + 9 + 12) / 3 = 9, flat
    Y, n = one([3, 6, 9, 12])
    assert k.moving_average(Y, n, 2, 3).tolist() == [[9, 9]]


def test_ses_recursion_and_grid_choice() -> None:
    # α = 0.5: l1 = 10; e2 = 10 → l2 = 15; e3 = 15 → l3 = 22.5
    Y, n = one([10, 20, 30])
    assert k.ses(Y, n, 2, alphas=(0.5,)).tolist() == [[22.5, 22.5]]
    # grid {0.5, 1}: SSE(0.5) = 10² + 15² = 325, SSE(1) = 10² + 10² = 200 → α = 1 → 30
    assert k.ses(Y, n, 1, alphas=(0.5, 1.0)).tolist() == [[30.0]]
    # one point: the forecast is that point
    Y1, n1 = one([7])
    assert k.ses(Y1, n1, 1).tolist() == [[7.0]]


def test_holt_winters_is_exact_on_trend_plus_season() -> None:
    # y_t = 10 + 2t + s[t mod 4], s = (3, -1, -4, 2), t = 0..11. Start values: L1 = 13,
    # L2 = 21, b0 = (21 - 13) / 4 = 2, a = 13 - 2 * 1.5 = 10, so every one-step error is 0
    # for any (α, β, γ), and t = 12..15 gives 10 + 24 + 3, 10 + 26 - 1, 10 + 28 - 4, 10 + 30 + 2
    s = (3, -1, -4, 2)
    Y, n = one([10 + 2 * t + s[t % 4] for t in range(12)])
    assert k.holt_winters(Y, n, 4, 4) == pytest.approx(np.array([[37, 35, 34, 42]]))


def test_croston_size_over_interval() -> None:
    # a demand of 4 every 3rd period: z = 4, p = 3 whatever α → 4/3
    Y, n = one([0, 0, 4, 0, 0, 4, 0, 0, 4])
    assert k.croston(Y, n, 2) == pytest.approx(np.array([[4 / 3, 4 / 3]]))
    # α = 0.5 on 0 2 0 0 6: first demand z = 2, p = 2; then q = 3: z = 2 + 0.5 (6 - 2) = 4,
    # p = 2 + 0.5 (3 - 2) = 2.5 → 4 / 2.5 = 1.6
    Y, n = one([0, 2, 0, 0, 6])
    assert k.croston(Y, n, 1, alphas=(0.5,)) == pytest.approx(np.array([[1.6]]))
    # no demand at all → 0
    Y, n = one([0, 0, 0])
    assert k.croston(Y, n, 1).tolist() == [[0.0]]


def test_tsb_probability_times_size() -> None:
    # α = β = 0.5 on 0 4 0 4: first demand (position 2) d = 1/2, z = 4; a zero: d = 0.25;
    # a demand: d = 0.25 + 0.5 (1 - 0.25) = 0.625, z = 4 → 0.625 * 4 = 2.5
    Y, n = one([0, 4, 0, 4])
    assert k.tsb(Y, n, 1, alphas=(0.5,), betas=(0.5,)) == pytest.approx(np.array([[2.5]]))


def test_series_of_different_lengths_are_fitted_together() -> None:
    # left-aligned rows: columns from n on must not leak into a shorter series
    ys = [[10.0, 20.0, 30.0, 99.0, 99.0], [5.0, 0.0, 5.0, 0.0, 5.0]]
    Y, n = np.array(ys), np.array([3, 5])
    for fn in (k.ses, k.croston, k.tsb):
        both = fn(Y, n, 2)
        for i, y in enumerate(ys):
            alone = fn(np.array([y[: n[i]]]), n[i : i + 1], 2)
            assert both[i] == pytest.approx(alone[0])
    hw = [[float((t * 7) % 11 + t) for t in range(12)], [float((t * 5) % 7) for t in range(12)]]
    Y, n = np.array(hw), np.array([9, 12])
    both = k.holt_winters(Y, n, 3, 4)
    for i, y in enumerate(hw):
        alone = k.holt_winters(np.array([y[: n[i]]]), n[i : i + 1], 3, 4)
        assert both[i] == pytest.approx(alone[0])


RULES = ForecastRules(season_length=4, holdout_periods=3, moving_average_window=3)


def test_holt_is_exact_on_a_straight_line() -> None:
    # y_t = 10 + 3t: l1 = 10, b1 = 3; with φ = 1 every one-step error is 0, with φ < 1 it is
    # not, so the linear trend (φ = 1) wins and the forecast continues the line: 22, 25, 28
    Y, n = one([10, 13, 16, 19])
    assert k.holt(Y, n, 3) == pytest.approx(np.array([[22.0, 25.0, 28.0]]))


def _holt_loop(y: list[float], alpha: float, beta: float, phi: float, steps: int) -> list[float]:
    level, trend = y[0], y[1] - y[0]
    for t in range(1, len(y)):
        prev = level
        level = alpha * y[t] + (1 - alpha) * (prev + phi * trend)
        trend = beta * (level - prev) + (1 - beta) * phi * trend
    return [level + sum(phi**i for i in range(1, h + 1)) * trend for h in range(1, steps + 1)]


def test_holt_matches_the_component_form() -> None:
    # the vectorised error-correction form equals the textbook component form for the chosen
    # parameters: find them by brute force over the same grid with the plain loop
    y = [12.0, 15.0, 14.0, 18.0, 21.0, 20.0, 24.0]
    best = None
    for phi in k.HOLT_PHIS:
        for a in k.HOLT_ALPHAS:
            for b in k.HOLT_BETAS:
                level, trend, sse = y[0], y[1] - y[0], 0.0
                for t in range(1, len(y)):
                    e = y[t] - level - phi * trend
                    sse += e * e
                    prev = level
                    level = a * y[t] + (1 - a) * (prev + phi * trend)
                    trend = b * (level - prev) + (1 - b) * phi * trend
                if best is None or sse < best[0] - 1e-12:
                    best = (sse, a, b, phi)
    assert best is not None
    Y, n = one(y)
    expected = _holt_loop(y, best[1], best[2], best[3], 3)
    assert k.holt(Y, n, 3)[0] == pytest.approx(expected)


def test_auto_picks_by_holdout_mae_and_breaks_ties_in_order() -> None:
    # a pure 4-period pattern: seasonal_naive and holt_winters both have holdout MAE 0;
    # the tie goes to seasonal_naive (earlier in AUTO_ORDER)
    Y, n = one([10.0, 50.0, 10.0, 50.0] * 3)
    c = choose(Y, n, ["auto"], RULES)
    assert c.used == ["seasonal_naive"] and c.kind == ["auto"]
    assert c.mae[0] == 0.0 and c.runner == ["holt_winters"]
    # a flat series: every method is exact, the first in order wins
    Y, n = one([7.0] * 12)
    assert choose(Y, n, ["auto"], RULES).used == [AUTO_ORDER[0]]


def test_auto_scores_croston_only_for_intermittent_series() -> None:
    # 8 of 12 periods are zero: croston and tsb are candidates. Croston trained on the first
    # 9 periods gives 4/3; the holdout 0 0 4 → MAE (4/3 + 4/3 + 8/3) / 3 = 16/9
    Y, n = one([0, 0, 4] * 4)
    c = choose(Y, n, ["auto"], ForecastRules(season_length=12, holdout_periods=3))
    assert c.scores[AUTO_ORDER.index("croston"), 0] == pytest.approx(16 / 9)
    assert np.isfinite(c.scores[AUTO_ORDER.index("tsb"), 0])
    assert not np.isfinite(c.scores[AUTO_ORDER.index("holt_winters"), 0])  # 9 < 24
    # a series without zeros: croston and tsb are not considered
    Y, n = one([3, 4, 5] * 4)
    c = choose(Y, n, ["auto"], ForecastRules(season_length=12, holdout_periods=3))
    assert not np.isfinite(c.scores[AUTO_ORDER.index("croston"), 0])


def test_fallbacks() -> None:
    Y = np.array([[4.0, 4.0, 4.0, 4.0, 0.0], [9.0, 0, 0, 0, 0], [1.0, 2.0, 3.0, 0.0, 0.0]])
    n = np.array([4, 1, 3])
    c = choose(Y, n, ["holt_winters", "ses", "auto"], RULES)
    # holt_winters needs 2 * 4 = 8 periods → ses; ses needs 2 → last value;
    # auto needs holdout 3 + 2 = 5 → ses
    assert c.used == ["ses", "last_value", "ses"]
    assert c.kind == ["fallback", "fallback", "auto_fallback"]


@pytest.mark.parametrize(
    ("bucket", "forecast", "season"),
    [
        ("month", None, 12),
        ("week", None, 52),  # a year of weeks, not a quarter (QA: 12 on weekly data)
        ("week", {"holdout_periods": 4}, 52),
        ("week", {"season_length": 13}, 13),  # as written
        ("month", {"season_length": 4}, 4),
    ],
)
def test_the_default_season_is_a_year_of_the_charters_periods(
    bucket: str, forecast: dict[str, int] | None, season: int
) -> None:
    path = Path(__file__).parents[1] / "charters" / "northwind.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["cadence"]["bucket"] = bucket
    doc.pop("forecast")
    if forecast is not None:
        doc["forecast"] = forecast
    assert Charter.model_validate(doc).forecast.season_length == season
