"""Learn figures a demand planning manager checked by hand against docs/metrics.md: cover cut
off by the plan's horizon, fill rate from period totals, forecasts without demand, the words
of signs and of forecast value added (hand-worked examples in the comments)."""

from __future__ import annotations

import polars as pl
import pytest

from sopctl.demos.minimal import CHARTER
from sopctl.learn import metrics as m
from sopctl.learn import scorecard as sc
from sopctl.learn.actuals import Actuals
from sopctl.learn.adherence import adherence_rows
from sopctl.learn.forecast import COMPONENTS, forecast_rows, series_frame
from sopctl.learn.lag import lag_rows
from sopctl.learn.model import LearnInputs
from sopctl.learn.render import no_data_notes, shown_rows
from sopctl.learn.rules import Rules
from sopctl.learn.signs import value_suffix
from sopctl.schemas.charter import Charter
from sopctl.yamlio import parse_yaml

LABELS = ["2027-02", "2027-03", "2027-04"]


def _charter() -> Charter:
    doc, findings = parse_yaml("acme.yaml", CHARTER)
    assert doc is not None and not findings
    return Charter.model_validate(doc.data)


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


# --- a forecast without demand, and every no_data row says why ---------------------------------


def _plan(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    zero = {c: 0.0 for c in COMPONENTS}
    return pl.DataFrame(
        [
            {"item": i, "segment": s, "period": p, **zero, "baseline": f, "final": f}
            for i, s, p, f in rows
        ]
    )


def _actuals(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"item": i, "segment": s, "period": p, "ordered": a, "shipped": a} for i, s, p, a in rows]
    )


def test_a_forecast_without_demand_says_why_it_has_no_share() -> None:
    """Strategic (P-300) was forecast 180 and ordered nothing: bias %, WAPE and MAPE have no
    base. The rows said nothing ('no data for bias_pct of segment strategic, ...:' and
    nothing after the colon); the item did not show in the text at all."""
    plan = _plan(
        [("P-100", "standard", "2027-02", 100.0), ("P-300", "strategic", "2027-02", 180.0)]
    )
    series = series_frame(
        plan, _actuals([("P-100", "standard", "2027-02", 100.0)]), None, LABELS, 4
    )
    card = forecast_rows(series, Rules(_charter()))
    said = "forecast 180, no demand: over-forecast by 180 units"
    for scope, key in (("segment", "strategic"), ("item", "P-300")):
        for metric in ("bias_pct", "wape", "mape"):
            row = card.filter(
                (pl.col("scope") == scope) & (pl.col("key") == key) & (pl.col("metric") == metric)
            ).row(0, named=True)
            assert (row["status"], row["value"], row["note"]) == ("no_data", None, said)
    shown, left = shown_rows(card, "forecast", 10)
    items = shown.filter(pl.col("scope") == "item")
    assert set(items["key"]) == {"P-300"} and left == ""  # shown as a breach would be
    notes = no_data_notes(shown)
    assert notes == [
        "bias_pct of segment strategic, mape of segment strategic, wape of segment strategic, "
        f"bias_pct of item P-300, mape of item P-300 and 1 more: {said}"
    ]
    assert all(not n.rstrip().endswith(":") for n in notes)


def test_no_demand_and_no_forecast_says_so() -> None:
    plan = _plan([("P-100", "standard", "2027-02", 100.0), ("P-300", "strategic", "2027-02", 0.0)])
    acts = _actuals(
        [("P-100", "standard", "2027-02", 90.0), ("P-300", "strategic", "2027-02", 0.0)]
    )
    card = forecast_rows(series_frame(plan, acts, None, LABELS, 4), Rules(_charter()))
    row = card.filter((pl.col("key") == "P-300") & (pl.col("metric") == "wape")).row(0, named=True)
    assert row["note"] == "no demand and none forecast: no error, but no base for a share"


def test_a_lag_without_demand_says_why() -> None:
    stats = pl.DataFrame(
        {"lag": [1, 2], "tag": ["sop/a/v1", "sop/a/v1"], "n": [2, 2], "actual": [100.0, 0.0]}
        | {"error": [-10.0, -50.5], "abs_error": [10.0, 50.5], "ape": [0.1, 0.0], "n_ape": [2, 0]}
    )
    card = lag_rows(stats, Rules(_charter()))
    empty = card.filter(pl.col("key") == "2")
    assert set(empty["status"]) == {"no_data"}
    assert set(empty["note"]) == {
        "forecast 50.5, no demand: over-forecast by 50.5 units; tags: sop/a/v1"
    }


class _Plan:
    """The parts of a committed plan that adherence rows read."""

    def __init__(self, frames: dict[str, pl.DataFrame]) -> None:
        self.frames = frames

    def periods(self) -> list[str]:
        return LABELS


def test_production_without_a_plan_says_why() -> None:
    """r2's P-300: planned 0, produced 30; adherence and production vs plan were empty with an
    empty note."""
    supply = pl.DataFrame(
        {"item": ["P-100", "P-300"], "period": ["2027-02"] * 2, "production": [100.0, 0.0]}
    )
    produced = pl.DataFrame(
        {"item": ["P-100", "P-300"], "period": ["2027-02"] * 2, "produced": [95.0, 30.0]}
    )
    ch = _charter()
    inp = LearnInputs(
        target=_Plan({"supply_plan.csv": supply}),  # type: ignore[arg-type]
        charter=ch,
        tables={},
        actuals=Actuals("actuals", {"production_actuals": produced}),
        rules=Rules(ch),
    )
    card = adherence_rows(inp)
    p300 = card.filter(pl.col("key") == "P-300")
    assert set(p300["metric"]) == {"production_adherence", "production_vs_plan"}
    assert set(p300["status"]) == {"no_data"}
    assert set(p300["note"]) == {
        "planned 0, produced 30: production the plan did not decide, so there is no plan to "
        "adhere to"
    }
    assert (card.filter(pl.col("status") == "no_data")["note"] != "").all()


# --- signs and forecast value added in words ---------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "forecast", "words"),
    [
        # e = A - F = 100 - 118 = -18: the forecast 18 % above demand
        (
            100.0,
            118.0,
            {
                "error": "forecast 18 units above demand in total: over-forecast",
                "bias": "forecast 18 units above demand per observation on average: over-forecast",
                "bias_pct": "forecast 18.0 % above demand: over-forecast",
                "tracking_signal": "only 1 observed period: |TS| cannot exceed 1, so the limit "
                "4 cannot be breached yet (at least 5 periods needed); errors add up below 0, "
                "the forecast ran above demand: over-forecast",
            },
        ),
        (
            200.0,
            150.0,
            {
                "error": "forecast 50 units below demand in total: under-forecast",
                "bias_pct": "forecast 25.0 % below demand: under-forecast",
            },
        ),
        (
            80.0,
            80.0,
            {
                "error": "forecast equal to demand: no bias",
                "bias_pct": "forecast equal to demand: no bias",
            },
        ),
    ],
)
def test_signed_measures_say_over_or_under_forecast(
    actual: float, forecast: float, words: dict[str, str]
) -> None:
    plan = _plan([("P-100", "standard", "2027-02", forecast)])
    acts = _actuals([("P-100", "standard", "2027-02", actual)])
    card = forecast_rows(series_frame(plan, acts, None, LABELS, 4), Rules(_charter()))
    total = card.filter(pl.col("scope") == "total")
    notes = dict(zip(total["metric"], total["note"], strict=True))
    for metric, said in words.items():
        assert notes[metric] == said


@pytest.mark.parametrize(
    ("section", "metric", "value", "suffix"),
    [
        ("forecast", "bias_pct", -0.18, " (over-forecast)"),
        ("forecast", "tracking_signal", 2.5, " (under-forecast)"),
        ("lag", "bias_pct", 0.1, " (under-forecast)"),
        ("forecast", "error", 0.0, ""),
        ("forecast", "wape", 0.18, ""),  # unsigned
        ("forecast", "fva", -0.05, ""),  # its own sign: better or worse
    ],
)
def test_text_and_markdown_say_the_sign_beside_the_value(
    section: str, metric: str, value: float, suffix: str
) -> None:
    assert value_suffix(section, metric, value) == suffix
