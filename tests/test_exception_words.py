"""One state, one name: exceptions.csv's `message`, reconcile's summary, `explain`, `diff`,
`compare` and the report word an exception, and the plan cost, the same way
(sopctl/exception_words.py, sopctl.finance.PLAN_COST; docs/reconcile.md, "Result files")."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest

from sopctl.exception_words import kind_label, kind_words, row_label
from sopctl.plan_files import exception_messages
from sopctl.plandiff.words import kpi_label
from tests.helpers import run
from tests.test_tag_support import CDIR, ready_copy

OUT = f"{CDIR}/outputs"
ROOT = Path(__file__).resolve().parents[1]  # the embedded Northwind demo
# the minimal cycle's assembly line: its regular hours used up in January, its 40 overtime
# hours left, and no exception caused; in April the same, causing the shortage of P-100
JAN = (
    "ASSY at regular hours, overtime left, in 2027-01: 320.0 hours, no exception caused, "
    "nothing at stake; binding: capacity[ASSY,2027-01]; 1 more hour on ASSY in 2027-01 saves "
)
APR = (
    "ASSY at regular hours, overtime left, in 2027-04: 320.0 hours, 2,254.17 EUR at stake in "
    "the exceptions it causes; binding: capacity[ASSY,2027-04]"
)


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal cycle, reconciled (read only: every test here only reads its outputs)."""
    return ready_copy(tmp_path_factory.mktemp("words") / "plan")


def _flat(text: str) -> str:
    """Text with every run of blanks and table rules one space (a wrapped cell reads whole)."""
    return re.sub(r"[\s│┃]+", " ", text)


def _rows(root: Path) -> list[dict[str, str]]:
    data = (root / OUT / "exceptions.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(data)))


def test_the_labels_of_each_state() -> None:
    from sopctl.exception_words import amount_words

    assert kind_label("overload", "crew", None) == "at capacity"
    assert kind_label("overload", "crew", None, True) == "at regular hours, overtime left"
    assert kind_label("overload", None, "MOT-S") == "supplier at capacity"
    assert kind_label("safety_stock", "crew", None) == "below safety stock"
    assert kind_label("shortage", None, None) == "shortage"
    # counted by kind, an overload is at a limit, whichever of the three it is
    assert kind_words("overload") == "at a limit"
    assert kind_words("safety_stock") == "below safety stock"
    assert kind_words("late_delivery") == "late delivery"
    assert amount_words("safety_stock", 63.0) == "below safety stock by 63.0 units"
    assert amount_words("shortage", 10.25) == "shortage of 10.2 units"


def test_what_is_at_stake_says_no_loss_where_there_is_none() -> None:
    from sopctl.exception_words import stake_words

    assert stake_words("shortage", 91.356, "EUR") == "91.36 EUR at stake"
    assert stake_words("overload", 1608.57, "EUR") == (
        "1,608.57 EUR at stake in the exceptions it causes"
    )
    assert stake_words("overload", 0.0, "EUR") == "no exception caused, nothing at stake"


def test_a_message_says_what_the_tables_say() -> None:
    """The sentence of every kind opens with its subject and the label the tables show."""
    from sopctl.exception_words import state_words

    exc = pl.DataFrame(
        {
            "kind": ["overload", "overload", "overload", "safety_stock", "late_delivery"],
            "item": [None, None, None, "P-1", "P-1"],
            "segment": [None, None, None, None, "retail"],
            "resource": ["line", "crew", None, None, "line"],
            "material": [None, None, "MOT-S", None, None],
            "period": ["2027-03"] * 5,
            "quantity": [320.0, 2584.0, 950.0, 6.5, 4.0],
            "value": [7000.0, 0.0, 0.0, 91.36, 40.0],
            "binding_constraint": [
                "capacity[line,2027-03]",
                "capacity[crew,2027-03]",
                "supplier_capacity[MOT-S,2027-03]",
                "production_lead_time[P-1]",
                "capacity[line,2027-03]",
            ],
            "shadow_price": [22.5, 1.47, 1.74, None, 22.5],
            "escalate_to": ["coo", None, None, None, None],
            "cause": [None, "overtime not used up: 0.0 of 340.0 hours", None, None, None],
        }
    )
    line, crew, motor, stock, late = exception_messages(exc, "EUR").to_list()
    assert line.startswith(
        "line at capacity in 2027-03: 320.0 hours, 7,000.00 EUR at stake in the exceptions it "
        "causes; binding: capacity[line,2027-03]; 1 more hour on line in 2027-03 saves 22.50 EUR"
    )
    assert crew == (
        "crew at regular hours, overtime left, in 2027-03: 2,584.0 hours, no exception caused, "
        "nothing at stake; binding: capacity[crew,2027-03]; 1 more hour on crew in 2027-03 saves "
        "1.47 EUR; overtime not used up: 0.0 of 340.0 hours"
    )
    assert motor.startswith(
        "MOT-S supplier at capacity in 2027-03: 950.0 units, no exception caused, nothing at "
        "stake; binding: supplier_capacity[MOT-S,2027-03]; 1 more unit from the supplier of "
        "MOT-S in 2027-03 saves 1.74 EUR"
    )
    assert stock.startswith("P-1 below safety stock in 2027-03: 6.5 units, 91.36 EUR at stake")
    assert late.startswith("P-1 delivered late in 2027-03 for retail: 4.0 units, 40.00 EUR")
    # read back from the file (no `cause` column), each row's label is the message's words
    for r, msg in zip(exc.drop("cause").to_dicts(), (line, crew, motor), strict=False):
        said = {**r, "message": msg}
        assert msg.startswith(f"{r['resource'] or r['material']} {row_label(said)}")
        assert state_words(said) == row_label(said)


def test_a_plan_without_exceptions_says_so_in_the_same_words() -> None:
    from types import SimpleNamespace

    from rich.console import Console

    from sopctl.cli.plan_view import _exceptions

    console = Console(record=True, width=200)
    plan = SimpleNamespace(result=SimpleNamespace(exceptions=pl.DataFrame()))
    _exceptions(console, plan, 10)  # type: ignore[arg-type]
    assert console.export_text().strip() == (
        "No exceptions: every segment is served on time, no item is below safety stock and no "
        "resource or supplier is at a limit."
    )


def test_a_message_written_by_an_earlier_sopctl_still_gets_its_label() -> None:
    """A tag's exceptions.csv keeps the words it was written with; the label is read from its
    kind, subject and the 'overtime not used up' part, not from those words."""
    old = {
        "kind": "overload",
        "resource": "crew",
        "material": None,
        "message": "crew at its regular hours in 2027-02: 2,584.0 hours, 0.00 EUR at stake (it "
        "causes no exception); binding: capacity[crew,2027-02]; overtime not used up: 0.0 of "
        "340.0 hours",
    }
    assert row_label(old) == "at regular hours, overtime left"
    fully = {**old, "message": "line fully loaded in 2027-02: 100.0 hours, ...", "resource": "x"}
    assert row_label(fully) == "at capacity"


def test_the_plan_cost_has_one_label_everywhere() -> None:
    from sopctl.finance import OPERATING_COST, PLAN_COST
    from sopctl.scenarios.compare import Option, compare_options
    from tests.test_scenario_compare import plan

    c = compare_options([Option("base", plan(1000, 600, 1.0, 0.9, []))], "2027-01")
    label = "Plan cost incl. penalties and lost revenue (EUR)"
    assert f"{PLAN_COST} (EUR)" == label
    assert kpi_label("cost_total", "EUR") == label  # diff: 'Plan cost (EUR)' before
    assert c.kpi("cost_total").label == label  # type: ignore[union-attr]
    # the operating cost names the same parts the same way, and so do the cost lines
    assert OPERATING_COST == "operating cost, without penalties and lost revenue"
    short = plan(950, 700, 0.9, 0.9, [])
    short.summary["costs"].update({"lost_revenue": 50.0, "lost_sales": 10.0, "safety_stock": 5.0})
    c = compare_options([Option("base", short)], "2027-01")
    parts = {k.name: k.label.strip() for k in c.kpis if k.name.startswith("cost.")}
    assert parts["cost.lost_sales"] == "lost-sales penalty (EUR)"
    assert parts["cost.safety_stock"] == "safety-stock penalty (EUR)"
    assert parts["cost.lost_revenue"] == "lost revenue (EUR)"


def test_reconcile_with_a_scenario_names_the_plan_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scenario table of `reconcile --scenario` (the Northwind demo, nothing written)."""
    monkeypatch.setenv("COLUMNS", "200")
    said = run(["reconcile", "--scenario", "upside", "--dry-run"], cwd=ROOT)
    assert said.code == 0, said.out + said.err
    assert "Δ plan cost" in said.out and "Δ cost" not in said.out
    assert "dry run: nothing written" in said.out


def test_the_files_the_summary_explain_and_report_agree(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    rows = _rows(ready)
    messages = [r["message"] for r in rows]
    assert any(m.startswith(JAN) for m in messages)
    assert any(m.startswith(APR) for m in messages)
    assert not any("fully loaded" in m or "at its regular hours" in m for m in messages)
    # every overload's message opens with the label its row has in the tables
    for r in rows:
        if r["kind"] == "overload":
            assert r["message"].startswith(f"{r['resource'] or r['material']} {row_label(r)}")
    # the summary of reconcile (a dry run: the written files stay as they are)
    said = run(["reconcile", "--dry-run"], cwd=ready)
    assert said.code == 0, said.out + said.err
    summary = _flat(said.out)
    assert "at regular hours, overtime left ASSY 2027-04 320 hours 2,254" in summary
    assert "fully loaded" not in summary and "overload" not in summary
    assert "optimal, plan cost " in summary
    assert "Plan cost incl. penalties and lost revenue (EUR)" in summary
    # the money of an exception heads its column as the report's table does
    assert " cause escalate " in summary and " qty at stake (EUR) cause " in summary
    assert "value EUR" not in summary
    # its parts: a penalty says it is one (the minimal cycle loses sales, and keeps one item
    # below safety stock), beside the lost revenue
    assert " lost-sales penalty 403.33 " in summary and " lost revenue 2,621.67 " in summary
    assert " safety-stock penalty 0.08 " in summary and " lost sales " not in summary
    # explain: the resource in January and April, the item it leaves short
    told = run(["explain", "ASSY", "-p", "2027-01"], cwd=ready)
    assert "  at regular hours, overtime left: no exception caused, nothing at stake." in (told.out)
    told = run(["explain", "ASSY", "-p", "2027-04"], cwd=ready)
    assert (
        "  at regular hours, overtime left: 2,254.17 EUR at stake in the exceptions it causes."
        in told.out
    )
    assert "  the exceptions it causes (2,254.17 EUR in all):" in told.out
    assert (
        "    P-100 (shortage) in 2027-04 for standard: 2,254.17 EUR at stake, bound by the "
        "capacity of ASSY in 2027-04; 1 more hour on ASSY in 2027-04 saves 22.08 EUR." in told.out
    )
    told = run(["explain", "P-100", "-p", "2027-04"], cwd=ready)
    assert (
        "P-100 in 2027-04 for standard (lost sales, priority 2): shortage of 30.1 units, "
        "2,254.17 EUR at stake." in told.out
    )
    # the report: the rows, the count by kind, the chart's marks with the same words
    r = run(["report", "--out", "words.html"], cwd=ready)
    assert r.code == 0, r.out + r.err
    html = (ready / "words.html").read_text(encoding="utf-8")
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "at regular hours, overtime left: ASSY 2027-01 320.0 hours 0.00" in page
    assert "17 exceptions (12 at a limit, 1 below safety stock, 4 shortage)" in page
    assert "<title>2027-01: at regular hours, overtime left (shadow price " in html
    assert ">at a limit</text>" in html  # the legend names the ● marks
    assert "6 period(s) at a limit (●): 6 at regular hours, overtime left." in page
    # the ▲ marks demand over capacity with overtime, a state of the demand with no exception's
    # name: its legend says what the caption says, not "shortfall"
    assert ">demand over capacity with overtime</text>" in html
    assert "3 period(s) of demand over capacity with overtime (▲)" in page
    assert re.search(r"<title>2027-\d\d: demand over capacity with overtime \(needs ", html)
    charts = re.findall(r'<figure class="chart" id="chart-capacity-.*?</figure>', html)
    assert len(charts) == 2 and not [c for c in charts if "shortfall" in c]
    assert "capacity binds" not in html and "overload: " not in page  # action keys keep it


def test_the_capacity_chart_names_its_triangle_as_its_caption_does() -> None:
    """The ▲ of a capacity chart is a period whose demand needs more hours than the resource
    has with overtime: neither an exception at capacity (the ● marks that) nor a shortage
    (pre-build may cover it). Its legend, tooltip and caption say "demand over capacity with
    overtime"; the legend takes a second row above the plot rather than run past its edge."""
    import html as htmllib

    from sopctl.report.charts import DEMAND_OVER, resource
    from sopctl.report.model import ResourceLoad

    p = ["2027-01", "2027-02", "2027-03"]
    hours = [100.0, 100.0, 100.0]
    load = ResourceLoad(
        "line-a", "fixed", p, hours, [20.0] * 3, hours, [0.0] * 3, [1.0] * 3,
        [90.0, 150.0, 80.0], [0.0] * 3, ["", "at capacity", ""], [False] * 3,
    )  # fmt: skip
    svg = htmllib.unescape(resource(load, "c"))
    assert DEMAND_OVER == "demand over capacity with overtime"
    assert "<title>2027-02: demand over capacity with overtime (needs 150 h, at most 120 h)" in svg
    assert "1 period(s) of demand over capacity with overtime (▲), 1 period(s) at a limit" in svg
    assert "shortfall" not in svg
    legend = re.findall(r'class="legend-text" x="([\d.]+)" y="([\d.]+)">([^<]*)<', svg)
    assert [t for _, _, t in legend][-2:] == [DEMAND_OVER, "at a limit"]
    # every label ends inside the plot (~6.2 px a character), the rows above the plot's top
    (top,) = {
        float(y) for y in re.findall(r'<line class="axis-line" x1="70" x2="70" y1="([\d.]+)"', svg)
    }
    for x, y, text in legend:
        assert float(x) + 6.2 * len(text) <= 760 - 16, text
        assert float(y) + 4 < top, text
    assert 'viewBox="0 0 760 316"' in svg  # a second row: the plot keeps its height
