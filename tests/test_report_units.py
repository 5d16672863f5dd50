"""Pure parts of the report and the workbook cells: number words, axis ticks, SVG escaping,
the demand waterfall, canonical number text (the key to a lossless xlsx round trip)."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sopctl.report import fmt
from sopctl.report.gather import waterfall
from sopctl.report.svgkit import Frame, axes, bars, legend, markers, nice_ticks
from sopctl.xlsx.cells import as_number, date_text, needs_quote_prefix, number_text
from sopctl.xlsx.load import column_letter


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567.8, "1,234,568"),
        (-0.4, "0"),
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_num(value: float | None, text: str) -> None:
    assert fmt.num(value) == text


def test_money_signed_pct_points_compact() -> None:
    assert fmt.money(29531996.57, "EUR") == "29,531,997 EUR"
    assert fmt.signed(1200) == "+1,200"
    assert fmt.signed(-300) == "−300"
    assert fmt.signed(0.2) == "0"
    assert fmt.pct(0.9731) == "97.3 %"
    assert (fmt.pct(0.99998, 2), fmt.pct(0.99998), fmt.pct(1.0)) == ("99.99 %", "99.9 %", "100.0 %")
    from sopctl.quantities import percent  # the CLI's reconcile summary, log and compare

    assert (percent(0.9996), percent(0.9731), percent(1.2), percent(-0.00001)) == (
        "99.9",
        "97.3",
        "120.0",
        "0.0",
    )
    assert fmt.points(-0.012) == "−1.2 pp"
    assert [fmt.compact(x) for x in (1500, 2_000_000, 0.25, -3000, 0)] == [
        "1.5k",
        "2M",
        "0.25",
        "−3k",
        "0",
    ]
    # a shortfall never rounds up to a full 100 %
    assert fmt.service(0.999983) == "99.998 %"
    assert fmt.service(1.0) == "100.00 %"
    assert fmt.service(0.95) == "95.00 %"


@pytest.mark.parametrize(
    ("lo", "hi", "ticks"),
    [
        (0, 456774, [0, 100000, 200000, 300000, 400000, 500000]),
        (0, 0.81, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (-20, 30000, [-10000, 0, 10000, 20000, 30000]),
        (5, 5, [4, 4.5, 5, 5.5, 6]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ],
)
def test_nice_ticks(lo: float, hi: float, ticks: list[float]) -> None:
    assert nice_ticks(lo, hi) == pytest.approx(ticks)


@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(0, 1e9, allow_nan=False),
)
@example(900719925.9921875, 1e-07)  # a span below the float's resolution there: one tick was made
@example(-3e15, 0.5)
def test_nice_ticks_cover_the_range(lo: float, span: float) -> None:
    t = nice_ticks(lo, lo + span)
    slack = 1e-6 * max(1.0, abs(lo), span)  # a millionth of the axis: invisible in a chart
    assert t[0] <= lo + slack and t[-1] >= lo + span - slack
    assert 2 <= len(t) <= 12


@pytest.mark.parametrize(
    ("lo", "ticks", "y_lo"),
    [
        (-200, [0, 10000, 20000, 30000], -2500),  # a small dip: a quarter-step strip, no tick
        (-2000, [0, 10000, 20000, 30000], -2500),
        (-2001, [-10000, 0, 10000, 20000, 30000], -10000),  # a real negative range keeps it
        (0, [0, 10000, 20000, 30000], 0),
    ],
)
def test_a_small_dip_below_zero_gets_a_strip_not_a_step(
    lo: float, ticks: list[float], y_lo: float
) -> None:
    f = Frame(["a", "b"], lo, 30000)
    assert f.ticks == ticks and f.y_lo == y_lo and f.y_hi == 30000
    bottom, top = f.top + f.plot_h, f.top
    assert f.y(f.y_lo) == pytest.approx(bottom) and f.y(30000) == pytest.approx(top)
    assert top < f.y(0) <= f.y(lo) <= bottom


def test_period_labels_on_the_x_axis_never_touch() -> None:
    """26 week labels (8 characters) on the default width: every third one (every second
    ran together, '2026-W502026-W52'); 24 months keep every second."""
    weeks = [f"2027-W{w:02d}" for w in range(1, 27)]
    months = [f"{2027 + m // 12}-{m % 12 + 1:02d}" for m in range(24)]
    for labels, shown in ((weeks, weeks[::3]), (months, months[::2])):
        text = axes(Frame(labels, 0, 10), "period", "units")
        ticks = re.findall(r'text-anchor="middle">([^<]+)</text>', text)
        assert ticks[:-1] == shown  # the last one is the axis title


def test_user_text_is_escaped_in_svg() -> None:
    evil = '<script>alert("x")</script>&'
    f = Frame([evil, "b"], 0, 10)
    text = (
        axes(f, evil, evil)
        + bars(f, [5, 6], "s-load", tips=[evil, evil])
        + markers(f, [(0, 5, evil)], "s-short")
        + legend(f, [("s-load", "bar", evil)])
    )
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "&amp;" in text and 'alert("x")' not in text


def test_waterfall_closes_on_the_final_demand() -> None:
    demand = pl.DataFrame(
        {
            "baseline": [100.0, 50.0],
            "pipeline": [10.0, 0.0],
            "promotion": [0.0, 5.0],
            "renewal": [2.0, 0.0],
            "override": [-20.0, 0.0],
            "final": [92.0, 55.0],
        }
    )
    steps = waterfall(demand)
    assert [(s.label, s.value, s.total) for s in steps] == [
        ("Baseline", 150.0, True),
        ("+ Pipeline", 10.0, False),
        ("+ Promotions", 5.0, False),
        ("+ Renewals", 2.0, False),
        ("+ Overrides", -20.0, False),
        ("Final demand", 147.0, True),
    ]
    # demand floored at zero: the gap becomes its own step
    floored = demand.with_columns(pl.Series("final", [100.0, 55.0]))
    assert [s.label for s in waterfall(floored)][-2:] == ["Floored at 0", "Final demand"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("200", 200),
        ("12.5", 12.5),
        ("-3", -3),
        ("0.85", 0.85),
        ("0.00001", 0.00001),
        ("12.50", None),
        ("007", None),
        ("1e3", None),
        ("+4", None),
        ("-0", None),
        (" 5", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("2027-01", None),
        ("1_000", None),
        ("1234567890123456", None),
        ("0.30000000000000004", None),  # 17 significant digits: Excel keeps 15
        ("0.1234567890123456", None),  # 16: read back at 15 it would change
        ("0.123456789012345", 0.123456789012345),
        ("0.3", 0.3),
    ],
)
def test_as_number_only_when_the_text_round_trips(text: str, number: float | None) -> None:
    assert as_number(text) == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_round_trips_every_float(v: float) -> None:
    text = number_text(v)
    assert "e" not in text.lower()
    assert float(text) == v
    if abs(v) < 1e15 or not v.is_integer():
        # Excel keeps 15 significant digits: a float that needs 16 or more stays text
        assert as_number(text) == (v if float(f"{v:.15g}") == v else None)


@given(st.text(max_size=12))
def test_text_survives_as_text_or_as_an_equal_number(text: str) -> None:
    n = as_number(text)
    assert n is None or number_text(n) == text


def test_quote_prefix_and_dates_and_columns() -> None:
    assert [needs_quote_prefix(t) for t in ("=1+1", "+P", "-x", "@a", "\tx", "a=b")] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]
    assert date_text(dt.datetime(2027, 1, 1), "period", "month") == "2027-01"
    assert date_text(dt.datetime(2027, 1, 15), "period", "month") is None
    assert date_text(dt.datetime(2027, 1, 1, 12), "period", "month") is None
    assert date_text(dt.date(2027, 1, 31), "date", "month") == "2027-01-31"
    assert date_text(dt.date(2027, 1, 4), "period", "week") == "2027-W01"  # a Monday
    assert date_text(dt.date(2027, 1, 5), "period", "week") is None
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_input_warnings_point_to_the_command_that_lists_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Signal warnings (SOP7xx) come from building the demand view: validate never shows them."""
    from sopctl.cli.report_cmds import _own_warnings
    from sopctl.findings import Report, Severity, finding

    report = Report()
    report.add(finding("cycles/2026-12/inputs/pipeline.csv", 3, 1, "SOP704", "deal past close"))
    report.add(finding("x", 0, 0, "SOP962", "own warning"))
    assert all(f.severity == Severity.WARNING for f in report)
    _own_warnings(report)
    out = capsys.readouterr().out
    assert "SOP962" in out and "note: 1 warning in the inputs (sopctl demand lists them all)" in out


def test_a_solve_without_a_plan_is_named_by_its_status() -> None:
    from sopctl.results import no_plan, unsolved_reason

    assert no_plan("infeasible") == "no feasible plan: the model is infeasible"
    assert no_plan("unbounded") == "no feasible plan: the model is unbounded"
    assert no_plan("error") == "no plan: the solver failed (status error)"  # not "the model is"
    assert unsolved_reason("time_limit") == "the solver reached its time limit"


def test_report_stars_the_best_on_its_own_shown_values() -> None:
    """The report shows shares with two decimals (compare: one), so it judges ties there."""
    from sopctl.report.records import marks

    margins = {"base": 0.387717, "lost": 0.3877172, "late": 0.387585}
    assert marks(margins, "higher", "share", "EUR") == ("base", "lost")  # 38.77 % twice
    assert marks({"a": 100.4, "b": 99.6}, "lower", "money", "EUR") == ()  # both 100 EUR
    assert marks({"a": 0.5, "b": None}, "higher", "share", "EUR") == ()  # one value only


def _breach(**kw: str) -> dict[str, str]:
    row = dict.fromkeys(("section", "scope", "key", "owner", "escalate_to"), "x")
    return {**row, "status": "breach", **kw}


def test_learn_breaches_show_unit_direction_tolerance_and_severity() -> None:
    """QA: the report showed a bias target '0.0' without '|v| ≤' and its tolerance, raw
    decimals for rates, and no severity."""
    from sopctl.report.breaches import breach_row

    bias = _breach(
        metric="bias_pct",
        value="-0.0712",
        target="0",
        tolerance="0.05",
        direction="at_most",
        absolute="true",
        severity="error",
    )
    assert breach_row(bias)[4:7] == ("−7.1 %", "|v| ≤ 0.0 % ± 5.0 pp", "error")
    wape = _breach(metric="wape", value="0.31", target="0.25", tolerance="0.05")
    wape.update(direction="at_most", absolute="false", severity="warning")
    assert breach_row(wape)[4:7] == ("31.0 %", "≤ 25.0 % ± 5.0 pp", "warning")
    dos = _breach(metric="days_of_supply", value="75.5", target="20", target_max="60")
    dos.update(direction="between", tolerance="")
    assert breach_row(dos)[4:6] == ("75.50", "≥ 20 and ≤ 60")
    old = _breach(metric="service_level", value="0.88", target="0.9")  # nine columns only
    assert breach_row(old)[4:8] == ("88.0 %", "90.0 %", "–", "x")


def test_a_breached_value_never_reads_as_its_limit() -> None:
    from sopctl.report.breaches import value_text

    row = _breach(metric="wape", target="0.25", tolerance="0.05", direction="at_most")
    assert value_text({**row, "value": "0.30004"}) == "30.004 %"  # 30.0 % would read as 25 + 5
    assert value_text({**row, "value": "0.3"}).endswith("(beyond the limit before rounding)")
    assert value_text({**row, "value": "0.3", "status": "ok"}) == "30.0 %"
    turns = _breach(metric="turns", value="5.4996", target="6", tolerance="0.5")
    assert value_text({**turns, "direction": "at_least"}) == "5.4996"  # 5.50 is the edge
