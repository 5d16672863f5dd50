"""Learn figures a demand planning manager checked by hand against docs/metrics.md: cover cut
off by the plan's horizon, fill rate from period totals, forecasts without demand, the words
of signs and of forecast value added (hand-worked examples in the comments)."""

from __future__ import annotations

import polars as pl
import pytest

from sopctl.learn import metrics as m
from sopctl.learn import scorecard as sc

RANGE = sc.Threshold(15.0, 0.0, "between", target_max=60.0)  # learn.days_of_supply 15..60


def _bound(value: float, th: sc.Threshold) -> tuple[str, float | None]:
    frame = pl.DataFrame({"key": ["P-100"], "value": [value], "lower_bound": [True]})
    row = sc.rows("inventory", "days_of_supply", "item", frame, th).row(0, named=True)
    return row["status"], row["value"]


@pytest.mark.parametrize(
    ("value", "th", "status", "shown"),
    [
        # at least 30.42 days against 15..60: above the minimum, but the true cover may pass
        # 60 (1000 units against ~200 a month is ~5 months): not judged, no number shown
        (30.42, RANGE, "no_data", None),
        # at least 91.25 days: above the maximum whatever the demand after the horizon
        (91.25, RANGE, "breach", 91.25),
        # at least 10 days against 15..60: may be below, within or above the range
        (10.0, RANGE, "no_data", None),
        # a minimum only: at least 30.42 meets 15 whatever comes after the horizon
        (30.42, sc.Threshold(15.0), "ok", 30.42),
        (10.0, sc.Threshold(15.0), "no_data", None),  # never a breach of a minimum
        (30.0, sc.Threshold(60.0, direction="at_most"), "no_data", None),
        (61.0, sc.Threshold(60.0, direction="at_most"), "breach", 61.0),
        (30.0, sc.Threshold(), "info", 30.0),  # nothing to judge: the bound, as information
    ],
)
def test_a_lower_bound_is_judged_only_where_it_is_conclusive(
    value: float, th: sc.Threshold, status: str, shown: float | None
) -> None:
    assert _bound(value, th) == (status, shown)


def test_an_exact_value_is_judged_as_before() -> None:
    frame = pl.DataFrame({"key": ["P-200"], "value": [6.91], "lower_bound": [False]})
    assert sc.rows("inventory", "d", "item", frame, RANGE)["status"][0] == "breach"


@pytest.mark.parametrize(
    ("on_hand", "demand", "days", "outlasts"),
    [
        # stock at the end of the horizon's last period: no planned demand follows, so 0 days
        # is only a lower bound of positive stock's cover (the scorecard leaves it empty) ...
        (500.0, [], 0.0, True),
        # ... and exact for no stock at all
        (0.0, [], 0.0, False),
        # stock used up exactly when the horizon ends: 3 whole months, no lower bound
        (90.0, [30.0, 30.0, 30.0], 90.0, False),
        # 1000 units against 200 in the one month left: at least 1 month
        (1000.0, [200.0], 30.0, True),
    ],
)
def test_days_of_supply_at_the_end_of_the_horizon(
    on_hand: float, demand: list[float], days: float, outlasts: bool
) -> None:
    assert m.days_of_supply(on_hand, demand, 30.0) == (pytest.approx(days), outlasts)
