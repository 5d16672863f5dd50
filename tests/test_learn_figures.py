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


FILL = {  # demand.csv of the QA session: item, segment, period -> (ordered, shipped)
    ("P-100", "strategic", "2027-02"): (100.0, 50.0),
    ("P-100", "strategic", "2027-03"): (100.0, 150.0),  # 50 of them February's backlog?
    ("P-100", "standard", "2027-02"): (100.0, 120.0),
    ("P-200", "standard", "2027-02"): (100.0, 80.0),
    ("P-200", "strategic", "2027-02"): (0.0, 0.0),
}


@pytest.mark.parametrize(
    ("segment", "fill"),
    [
        # 100 (120 shipped, capped at the 100 ordered) + 80 of 200: P-100's extra 20 does not
        # make up for P-200's shortfall of 20 (it read 200 / 200 = 1)
        ("standard", 0.9),
        # 50 + 100 (150 shipped, capped) of 200: March's extra 50 does not make up for
        # February (demand.csv cannot tell a late shipment from an over-shipment)
        ("strategic", 0.75),
        (None, (180 + 150) / 400),  # the total: the same cells, not a cap of the sums
    ],
)
def test_the_fill_rate_of_demand_totals_caps_each_cell(segment: str | None, fill: float) -> None:
    frame = pl.DataFrame(
        [(*k, *v) for k, v in FILL.items()],
        schema=["item", "segment", "period", "ordered", "shipped"],
        orient="row",
    )
    if segment is not None:
        frame = frame.filter(pl.col("segment") == segment)
    assert m.cells(frame).select(m.unit_fill_rate()).item() == pytest.approx(fill)
