"""The Learn metrics on hand-worked examples (every expected number is worked out in the
comments), the judging of scorecard rows, owners and escalation, and the charter patch."""

from __future__ import annotations

import polars as pl
import pytest

from sopctl.demos.minimal import CHARTER
from sopctl.learn import metrics as m
from sopctl.learn import scorecard as sc
from sopctl.learn.actuals import Actuals
from sopctl.learn.forecast import layer_rows
from sopctl.learn.lag import lag_rows
from sopctl.learn.model import LearnInputs
from sopctl.learn.pipeline import CO, charter_patch, pipeline_rows
from sopctl.learn.rules import Rules
from sopctl.schemas.charter import Charter, Metric
from sopctl.yamlio import parse_yaml

FLAT = [10.0, 10.0, 10.0, 10.0]
ACTUAL = [8.0, 11.0, 12.0, 14.0]


def test_tracking_signal_of_a_flat_forecast() -> None:
    # the classic example: forecast 10 every period, actuals 8, 11, 12, 14
    # errors e = A - F: -2, 1, 2, 4; running sum -2, -1, 1, 5
    # running MAD: 2/1 = 2, 3/2 = 1.5, 5/3 = 1.6667, 9/4 = 2.25
    # running TS = running sum / running MAD: -1, -0.6667, 0.6, 2.2222
    assert m.errors_of(ACTUAL, FLAT) == [-2.0, 1.0, 2.0, 4.0]
    assert m.running_ts(ACTUAL, FLAT) == pytest.approx([-1.0, -2 / 3, 0.6, 5 / 2.25])
    assert m.scalar("tracking_signal", ACTUAL, FLAT) == pytest.approx(2.2222222)
    # the same example, the other measures
    assert m.scalar("error", ACTUAL, FLAT) == 5.0  # Σe: demand came in 5 above the forecast
    assert m.scalar("bias", ACTUAL, FLAT) == 1.25  # 5 / 4
    assert m.scalar("bias_pct", ACTUAL, FLAT) == pytest.approx(5 / 45)  # Σe / ΣA
    assert m.scalar("mad", ACTUAL, FLAT) == 2.25  # (2 + 1 + 2 + 4) / 4
    assert m.scalar("wape", ACTUAL, FLAT) == pytest.approx(0.2)  # 9 / 45
    # MAPE: (2/8 + 1/11 + 2/12 + 4/14) / 4 = (0.25 + 0.0909 + 0.1667 + 0.2857) / 4
    assert m.scalar("mape", ACTUAL, FLAT) == pytest.approx(0.1983225)


def test_an_over_forecast_has_a_negative_signal() -> None:
    # forecast 20 against 8, 11, 12, 14: e = -12, -9, -8, -6; Σe = -35, MAD = 35/4
    assert m.scalar("tracking_signal", ACTUAL, [20.0] * 4) == pytest.approx(-4.0)
    assert m.scalar("bias_pct", ACTUAL, [20.0] * 4) == pytest.approx(-35 / 45)


def test_mape_leaves_zero_actuals_out_and_wape_needs_demand() -> None:
    # A = 0, 10, 20 and F = 5, 5, 25: e = -5, 5, -5
    # MAPE over A > 0 only: (5/10 + 5/20) / 2 = 0.375; WAPE = 15 / 30 = 0.5
    assert m.scalar("mape", [0, 10, 20], [5, 5, 25]) == pytest.approx(0.375)
    assert m.scalar("wape", [0, 10, 20], [5, 5, 25]) == pytest.approx(0.5)
    zeros = pl.DataFrame({"actual": [0.0, 10.0, 20.0]}).select(m.zero_actuals()).item()
    assert zeros == 1
    # no demand at all: neither ratio has a base
    assert m.scalar("mape", [0, 0], [3, 4]) is None
    assert m.scalar("wape", [0, 0], [3, 4]) is None
    assert m.scalar("bias_pct", [0, 0], [3, 4]) is None


def test_a_perfect_forecast_has_no_signal() -> None:
    assert m.scalar("tracking_signal", [5, 7], [5, 7]) == 0.0
    assert m.running_ts([5, 7], [5, 7]) == [0.0, 0.0]


def test_fill_rates_and_otif() -> None:
    lines = pl.DataFrame(
        {
            "ordered": [10.0, 5.0, 8.0],
            "shipped": [10.0, 3.0, 9.0],
            "in_full": [True, False, True],
            "otif": [True, False, False],
        }
    )
    # unit fill: min(shipped, ordered) = 10 + 3 + 8 = 21 of 23 ordered (the extra unit of the
    # third line does not make up for the second)
    assert lines.select(m.unit_fill_rate()).item() == pytest.approx(21 / 23)
    assert lines.select(m.share("in_full")).item() == pytest.approx(2 / 3)
    assert lines.select(m.share("otif")).item() == pytest.approx(1 / 3)
    # demand.csv, each item x segment x period capped at its orders: 9 + min(12, 10) of 20
    periods = pl.DataFrame(
        {"item": ["P-1", "P-2"], "segment": ["s", "s"], "period": ["2027-01", "2027-01"]}
        | {"ordered": [10.0, 10.0], "shipped": [9.0, 12.0]}
    )
    assert m.cells(periods).select(m.unit_fill_rate()).item() == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("on_hand", "demand", "days", "outlasts"),
    [
        # 100 units against 30, 30, 60 a month of 30 days: 2 months (60 units) + 40/60 of the
        # third = 2.6667 months = 80 days
        (100.0, [30.0, 30.0, 60.0], 80.0, False),
        # 100 units against 30 a month for 3 months: 90 units used, 10 left when the plan ends
        (100.0, [30.0, 30.0, 30.0], 90.0, True),
        # a month without demand is covered in full: 1 + 1 + 50/100 = 2.5 months
        (100.0, [0.0, 50.0, 100.0], 75.0, False),
        (0.0, [10.0, 10.0], 0.0, False),
    ],
)
def test_forward_days_of_supply(
    on_hand: float, demand: list[float], days: float, outlasts: bool
) -> None:
    assert m.days_of_supply(on_hand, demand, 30.0) == (pytest.approx(days), outlasts)


def test_days_of_supply_matrix_starts_each_row_after_its_period() -> None:
    demand = pl.DataFrame({"a": [10.0, 20.0, 40.0]}).to_numpy().T.repeat(2, axis=0)
    import numpy as np

    # row 0: stock 30 at the end of period 0 covers 20 (period 1) + 10/40 of period 2
    # row 1: stock 30 at the end of period 1 covers 30/40 of period 2
    days, capped = m.days_of_supply_matrix(np.array([30.0, 30.0]), np.array([1, 2]), demand, 7.0)
    assert days.tolist() == pytest.approx([1.25 * 7, 0.75 * 7])
    assert capped.tolist() == [False, False]


def test_turns_adherence_conversion_fva() -> None:
    # 1,200 units shipped over 6 months with 400 on hand on average: 2,400 a year / 400 = 6
    assert m.inventory_turns(1200.0, 400.0, 6, 12.0) == pytest.approx(6.0)
    assert m.inventory_turns(1200.0, 0.0, 6, 12.0) is None
    # plan 100 and 100, produced 90 and 120: 1 - (10 + 20) / 200 = 0.85
    df = pl.DataFrame({"actual": [90.0, 120.0], "plan": [100.0, 100.0]})
    assert df.select(m.adherence()).item() == pytest.approx(0.85)
    assert m.conversion(3, 1) == 0.75
    assert m.conversion(0, 0) is None
    assert m.fva(0.30, 0.25) == pytest.approx(0.05)  # the step took 5 points of WAPE off
    assert m.fva(None, 0.25) is None


def _judge(value: float | None, th: sc.Threshold) -> str:
    return str(sc.one("forecast", "wape", "total", "all", value, th)["status"][0])


@pytest.mark.parametrize(
    ("value", "th", "status"),
    [
        (0.94, sc.Threshold(0.95, 0.02), "ok"),  # at least 0.95, 0.02 tolerated
        (0.92, sc.Threshold(0.95, 0.02), "breach"),
        (0.30, sc.Threshold(0.25, 0.05, "at_most"), "ok"),
        (0.31, sc.Threshold(0.25, 0.05, "at_most"), "breach"),
        (-0.06, sc.Threshold(0.05, 0.0, "at_most", absolute=True), "breach"),  # |bias|
        (-0.04, sc.Threshold(0.05, 0.0, "at_most", absolute=True), "ok"),
        (4.5, sc.Threshold(4.0, 0.0, "at_most", absolute=True), "breach"),  # tracking signal
        (3.0, sc.Threshold(5.0, 0.0, "between", target_max=60.0), "breach"),  # days of supply
        (61.0, sc.Threshold(5.0, 0.0, "between", target_max=60.0), "breach"),
        (30.0, sc.Threshold(5.0, 0.0, "between", target_max=60.0), "ok"),
        (0.35, sc.Threshold(0.5, 0.1, "between", target_max=0.5), "breach"),  # stage ± 0.1
        (0.45, sc.Threshold(0.5, 0.1, "between", target_max=0.5), "ok"),
        (0.9, sc.Threshold(), "info"),  # no target: information only
        (None, sc.Threshold(0.95), "no_data"),  # no actuals: no number invented
    ],
)
def test_row_status(value: float | None, th: sc.Threshold, status: str) -> None:
    assert _judge(value, th) == status


def _charter(extra: str = "") -> Charter:
    doc, findings = parse_yaml("acme.yaml", CHARTER.replace("finance:\n", extra + "finance:\n"))
    assert doc is not None and not findings
    return Charter.model_validate(doc.data)


def test_owner_and_escalation_come_from_the_charter() -> None:
    rules = Rules(_charter())
    # a charter metric names its owner (forecast_bias: demand_planner, severity error)
    th = rules.threshold("forecast", "bias_pct")
    assert (th.owner, th.target, th.severity, th.absolute) == (
        "demand_planner",
        0.05,
        "error",
        True,
    )
    # no metric: the owner of the input the section is about (inventory.csv: ops_lead)
    assert rules.threshold("inventory", "turns").owner == "ops_lead"
    assert rules.threshold("pipeline", "conversion").owner == "sales_lead"  # pipeline.csv
    # escalation: the rule for the exception and segment, else the first role that signs off
    assert rules.escalate("shortage", segment="strategic") == "sales_lead"
    assert rules.escalate("overload", resource="ASSY") == "ops_lead"
    assert rules.escalate() == "sales_lead"
    learn = "learn:\n  owners: {inventory: cfo}\n  escalate_to: cfo\n  severity: error\n"
    rules = Rules(_charter(learn))
    assert rules.threshold("inventory", "turns").owner == "cfo"
    assert rules.escalate() == "cfo"
    assert rules.escalate("shortage", segment="strategic") == "sales_lead"  # a rule still wins
    th = rules.threshold("forecast", "tracking_signal", default=sc.Threshold(4.0))
    assert (th.severity, th.owner) == ("error", "demand_planner")


def test_a_metric_where_lower_is_better_is_a_ceiling_by_default() -> None:
    """tracking_signal without `direction`: judged by size against at most 2 (+ 0.5), so
    |-0.667| and 2.0 are within, 2.6 and -2.6 breach; an explicit at_least is a warning."""
    from sopctl.semantics import check_charter

    ts = "  - {name: tracking_signal, target: 2, tolerance: 0.5, severity: warning, owner: cfo}\n"
    text = CHARTER.replace("metrics:\n", "metrics:\n" + ts, 1)
    doc, _ = parse_yaml("acme.yaml", text)
    assert doc is not None
    ch = Charter.model_validate(doc.data)
    th = Rules(ch).threshold("forecast", "tracking_signal", default=sc.Threshold(4.0))
    assert (th.direction, th.absolute, th.target, th.tolerance) == ("at_most", True, 2.0, 0.5)
    judged = [_judge(v, th) for v in (-0.667, 2.0, 2.5, 2.6, -2.6)]
    assert judged == ["ok", "ok", "ok", "breach", "breach"]
    # the missing key read as at_least before 2026-11-26: a warning says the meaning changed
    (told,) = [f for f in check_charter(ch, doc) if f.code == "SOP510"]
    assert "names no direction: it is judged as a ceiling (at_most)" in told.message
    # an explicit floor stays as written, with a warning at its line
    doc, _ = parse_yaml("acme.yaml", text.replace("tolerance: 0.5,", "direction: at_least,"))
    assert doc is not None
    ch = Charter.model_validate(doc.data)
    assert Rules(ch).threshold("forecast", "tracking_signal").direction == "at_least"
    found = [f for f in check_charter(ch, doc) if f.code == "SOP510"]
    assert [(f.line, f.severity.value) for f in found] == [
        (text.splitlines().index(ts[:-1]) + 1, "warning")
    ]
    # errors and the peak utilisation too; others (service, turns, unknown ones) stay at_least
    for name in ("forecast_wape", "forecast_mape", "forecast_bias", "capacity_utilisation"):
        assert Metric(name=name, target=0.2, owner="x").direction == "at_most"
    for name in ("service_level", "inventory_turns", "pipeline_coverage"):
        assert Metric(name=name, target=0.2, owner="x").direction == "at_least"


def test_old_charters_stay_valid_and_learn_roles_are_checked() -> None:
    from sopctl.semantics import check_charter

    ch = _charter()
    assert ch.learn.tracking_signal_limit == 4.0 and ch.learn.min_resolved_deals == 5
    text = CHARTER.replace("finance:\n", "learn:\n  owners: {forecast: nobody}\nfinance:\n")
    doc, _ = parse_yaml("acme.yaml", text)
    assert doc is not None
    codes = [f.code for f in check_charter(Charter.model_validate(doc.data), doc)]
    assert "SOP502" in codes


def test_charter_patch_changes_only_the_suggested_probabilities() -> None:
    patch = charter_patch(CHARTER, "charters/acme.yaml", {"proposal": 0.75, "nope": 0.1})
    minus = [ln for ln in patch.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    plus = [ln for ln in patch.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    assert minus == ["-    - {id: proposal, probability: 0.5}"]
    assert plus == ["+    - {id: proposal, probability: 0.75}"]
    assert patch.startswith("--- a/charters/acme.yaml\n+++ b/charters/acme.yaml\n")
    assert charter_patch(CHARTER, "charters/acme.yaml", {}) == ""


def _pipeline_card(
    pipeline: list[tuple[str, str, int]], outcomes: list[tuple[str, str, int]]
) -> dict[tuple[str, str, str], tuple[float | None, int | None]]:
    """(metric, scope, key) -> (value, n) of the pipeline rows for committed deals (id,
    stage, close period as an ordinal) and their outcomes (id, outcome, close period)."""
    ch = _charter()
    pipe = pl.DataFrame(
        [(d, s, c, 10.0) for d, s, c in pipeline],
        schema={"deal_id": pl.String, "stage": pl.String, CO: pl.Int64, "quantity": pl.Float64},
        orient="row",
    )
    got = pl.DataFrame(
        outcomes, schema={"deal_id": pl.String, "outcome": pl.String, CO: pl.Int64}, orient="row"
    )
    inp = LearnInputs(
        target=None,  # type: ignore[arg-type]  # the pipeline rows never read the plan
        charter=ch,
        tables={"pipeline": pipe},
        actuals=Actuals("actuals", {"deal_outcomes": got}),
        rules=Rules(ch),
    )
    card, _ = pipeline_rows(inp)
    return {
        (r["metric"], r["scope"], r["key"]): (r["value"], r["n"])
        for r in card.iter_rows(named=True)
    }


def test_the_pipeline_total_has_the_mean_close_slip_of_resolved_deals() -> None:
    """Slips (closed - committed) of the resolved deals 0, 1, 1, 0, 2: mean 4 / 5 = 0.8; an
    open deal and one without an outcome have no slip."""
    c = _pipeline_card(
        [
            ("A", "proposal", 10),
            ("B", "proposal", 10),
            ("C", "qualified", 10),
            ("D", "committed", 12),
            ("E", "committed", 10),
            ("F", "qualified", 10),
            ("G", "committed", 10),
        ],
        [
            ("A", "won", 10),
            ("B", "won", 11),
            ("C", "lost", 11),
            ("D", "won", 12),
            ("E", "lost", 12),
            ("F", "open", 13),
        ],
    )
    assert c[("close_slip", "total", "all")] == (pytest.approx(0.8), 5)
    assert c[("close_slip", "stage", "proposal")] == (pytest.approx(0.5), 2)  # 0, 1
    assert c[("close_slip", "stage", "committed")] == (pytest.approx(1.0), 2)  # 0, 2
    assert c[("conversion", "total", "all")] == (pytest.approx(0.6), 5)  # 3 won of 5
    assert c[("disappeared", "total", "all")] == (1.0, 7)  # G


def test_outcomes_are_new_deals_when_the_committed_pipeline_is_empty() -> None:
    """Six outcomes, none in the (empty) committed pipeline: six new deals, no conversion."""
    outcomes = [(f"N-{i}", "won" if i % 2 else "lost", 10) for i in range(6)]
    c = _pipeline_card([], outcomes)
    assert c[("new_deals", "total", "all")] == (6.0, 6)
    assert c[("deals", "total", "all")] == (0.0, 0)
    assert c[("conversion", "total", "all")] == (None, 0)
    assert not any(scope == "stage" for _, scope, _ in c)


def _history(months: list[str], qty: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {"item": "A", "segment": "s", "period": months, "quantity": qty},
        schema={"item": pl.String, "segment": pl.String, "period": pl.String}
        | {"quantity": pl.Float64},
    )


def test_naive_forecasts_last_and_seasonal() -> None:
    from sopctl.learn.forecast import naive_of, series_frame

    months = [f"2026-{k:02d}" for k in range(1, 13)]
    hist = _history(months, [float(k) for k in range(1, 13)])  # demand = the month's number
    labels = ["2027-01", "2027-02", "2027-03", "2028-01"]
    last, how = naive_of(hist, labels, "month", "last")
    assert last is not None and last["naive"].to_list() == [12.0] and "2026-12" in how
    seasonal, how = naive_of(hist, labels, "month", "seasonal")
    assert seasonal is not None and how.startswith("seasonal naive")
    got = dict(zip(seasonal["period"], seasonal["naive"], strict=True))
    # the same month a year before; 2028-01 lies 13 months past the history: two years back
    assert got == {"2027-01": 1.0, "2027-02": 2.0, "2027-03": 3.0, "2028-01": 1.0}
    # series.csv carries the naive value per period
    plan = pl.DataFrame(
        {"item": "A", "segment": "s", "period": labels[:3]}
        | {c: 0.0 for c in ("baseline", "pipeline", "promotion", "renewal", "override")}
        | {"final": 5.0}
    )
    s = series_frame(plan, None, seasonal, labels[:3], 4.0)
    assert s["naive"].to_list() == [1.0, 2.0, 3.0]
    # half a season of history: no season to repeat, so the last period's demand, said so
    short, how = naive_of(hist.tail(6), labels, "month", "seasonal")
    assert short is not None and short["naive"].to_list() == [12.0]
    assert how.startswith("seasonal naive needs 12 periods of history, the tag has 6")
    assert naive_of(None, labels, "month", "seasonal") == (None, "")


def test_lag_mape_says_how_many_zero_actuals_it_left_out() -> None:
    """Lag 1 over two tags: 4 + 4 observations, 3 + 4 with actual demand: MAPE is
    (0.3 + 0.2) / 7 and leaves 1 out; lag 2 leaves 2 out, lag 3 none (no words then)."""
    stats = pl.DataFrame(
        {
            "lag": [1, 1, 2, 3],
            "tag": ["sop/a/v1", "sop/b/v1", "sop/a/v1", "sop/a/v1"],
            "n": [4, 4, 4, 2],
            "actual": [100.0, 100.0, 50.0, 20.0],
            "error": [10.0, -10.0, 5.0, 0.0],
            "abs_error": [10.0, 10.0, 5.0, 0.0],
            "ape": [0.3, 0.2, 0.1, 0.0],
            "n_ape": [3, 4, 2, 2],
        }
    )
    card = lag_rows(stats, Rules(_charter()))
    mape = {r["key"]: r for r in card.filter(pl.col("metric") == "mape").iter_rows(named=True)}
    assert mape["1"]["value"] == pytest.approx(0.5 / 7)
    assert mape["1"]["note"] == (
        "tags: sop/a/v1, sop/b/v1; 1 observation with zero actuals left out"
    )
    assert mape["2"]["note"] == "tags: sop/a/v1; 2 observations with zero actuals left out"
    assert mape["3"]["note"] == "tags: sop/a/v1"
    wape = card.filter((pl.col("metric") == "wape") & (pl.col("key") == "1"))
    assert wape["note"][0] == "tags: sop/a/v1, sop/b/v1"


def test_fva_notes_read_as_sentences() -> None:
    """Actual 100; naive 80 (WAPE 0.2), baseline 90 (0.1), pipeline +0 (0.1), promotions +20
    (0.1: 110 misses by as much as 90), overrides 130 (0.3)."""
    series = pl.DataFrame(
        {"actual": [100.0], "naive": [80.0], "baseline": [90.0], "pipeline": [0.0]}
        | {"promotion": [20.0], "renewal": [0.0], "final": [130.0]}
    )
    card = layer_rows(series, Rules(_charter()))
    notes = {
        r["key"]: r["note"] for r in card.filter(pl.col("metric") == "fva").iter_rows(named=True)
    }
    assert notes["baseline"] == "better than the naive forecast"
    # the pipeline layer ties the baseline's WAPE: the same WAPE, not "no change"
    assert notes["pipeline"] == (
        "same WAPE as the baseline forecast; WAPE 0.1000 lower than the naive forecast's"
    )
    assert notes["promotions_renewals"].startswith("same WAPE as the pipeline forecast; ")
    assert notes["overrides"] == (
        "worse than the promotions_renewals forecast; WAPE 0.1000 higher than the naive forecast's"
    )
