"""`sopctl export xlsx`: workbooks reopened with a second reader (openpyxl) to check values,
number formats, frozen headers, widths, the utilisation highlight and formula neutralisation."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers import no_plain_file, run
from tests.test_tag_support import CDIR, CYCLE, ready_copy

OUT = f"{CDIR}/outputs"


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


def _export(root: Path, *args: str, code: int = 0) -> str:
    r = run(["export", "xlsx", *args], cwd=root)
    assert r.code == code, r.out + r.err
    return r.out + r.err


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else f"{value:.4f}"


def _same(csv_value: str, cell: Any) -> bool:
    if isinstance(cell, int | float):
        return abs(float(csv_value) - cell) < 1e-9
    return csv_value == (cell or "")


def test_result_tables_round_trip_through_a_second_reader(ready: Path) -> None:
    out = _export(ready, "--out", "plan.xlsx")
    assert "wrote plan.xlsx from working tree: 10 sheets" in out
    wb = openpyxl.load_workbook(ready / "plan.xlsx")
    assert wb.sheetnames == [
        "summary",
        "supply_plan",
        "capacity_plan",
        "materials_plan",
        "exceptions",
        "finance",
        "demand_plan",
        "demand_sources",
        "pipeline_coverage",
        "baseline_methods",
    ]
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        rows = _csv(ready / OUT / f"{name}.csv")
        got = [list(r) for r in ws.iter_rows(values_only=True)]
        assert len(got) == len(rows), name
        for want, have in zip(rows, got, strict=True):
            assert all(_same(w, h) for w, h in zip(want, have, strict=True)), (name, want, have)
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{len(rows)}"
        assert all(c.font.b for c in ws[1])
    cap = wb["capacity_plan"]
    head = [c.value for c in cap[1]]
    fmt = {h: cap.cell(2, i + 1).number_format for i, h in enumerate(head)}
    assert fmt["utilisation"] == "0.00%" and fmt["shadow_price"] == '#,##0.00 "EUR"'
    assert fmt["load"] == "#,##0.00" and fmt["resource"] == "@"
    assert cap.cell(2, 1).data_type == "s" and cap.cell(2, 4).data_type == "n"
    # ids are text, numbers are numbers
    assert isinstance(cap.cell(2, head.index("load") + 1).value, int | float)
    rules = [
        (str(r.sqref), r.rules[0].operator, r.rules[0].formula) for r in cap.conditional_formatting
    ]
    col = cap.cell(1, head.index("utilisation") + 1).column_letter
    assert rules == [(f"{col}2:{col}{cap.max_row}", "greaterThan", ["1"])]
    widths = {k: v.width for k, v in cap.column_dimensions.items()}
    assert widths["A"] >= len("resource") + 1 and widths[col] >= len("utilisation") + 1
    fin = wb["finance"]
    assert fin["B1"].value == "revenue" and fin["B2"].number_format == '#,##0.00 "EUR"'
    assert wb["supply_plan"]["A1"].value == "item"
    summary = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["cycle"] == CYCLE and summary["currency"] == "EUR"
    assert summary["finance.revenue"] == pytest.approx(111989.333225)
    assert summary["service.standard.service_level"] == pytest.approx(0.971395)
    assert summary["source"] == "working tree (outputs)"


def test_exports_are_deterministic(ready: Path) -> None:
    _export(ready, "--out", "a.xlsx")
    _export(ready, "--out", "b.xlsx")
    assert (ready / "a.xlsx").read_bytes() == (ready / "b.xlsx").read_bytes()
    _export(ready)
    assert (ready / OUT / "plan.xlsx").read_bytes() == (ready / "a.xlsx").read_bytes()


def test_text_that_looks_like_a_formula_is_neutralised(ready: Path) -> None:
    # an id cannot start with = or @ (SOP240), so the formulas are written as descriptions
    items = ready / CDIR / "inputs" / "items.csv"
    rows = items.read_text().splitlines(keepends=True)
    formulas = ("=HYPERLINK(1)", "@SUM(A1)")
    for i, text in enumerate(formulas, start=1):
        cells = rows[i].split(",")
        cells[2] = text
        rows[i] = ",".join(cells)
    items.write_text("".join(rows))
    _export(ready, "--out", "plan.xlsx")
    _export(ready, "--inputs", "--out", "inputs.xlsx")
    for book, sheet in (("inputs.xlsx", "items"),):
        ws = openpyxl.load_workbook(ready / book)[sheet]
        cells = {c.value: c for c in ws["C"][1:]}
        for text in formulas:
            c = cells[text]
            assert c.data_type == "s" and c.quotePrefix, (book, text)
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    # plain ids carry no quote prefix
    plain = openpyxl.load_workbook(ready / "plan.xlsx")["capacity_plan"]["A2"]
    assert plain.value == "ASSY" and not plain.quotePrefix


def test_a_tag_exports_its_own_plan(ready: Path) -> None:
    assert run(["tag"], cwd=ready).code == 0
    out = _export(ready, f"sop/{CYCLE}/v1")
    assert f"wrote {OUT}/plan-v1.xlsx from sop/{CYCLE}/v1" in out
    summary = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(ready / OUT / "plan-v1.xlsx")["summary"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert summary["tag"] == f"sop/{CYCLE}/v1" and summary["verified"] == "identical"


def test_inputs_export_works_on_invalid_tables(ready: Path) -> None:
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,lots,"))
    assert run(["export", "xlsx"], cwd=ready).code == 1  # no plan from invalid inputs
    _export(ready, "--inputs", "--out", "in.xlsx")
    ws = openpyxl.load_workbook(ready / "in.xlsx")["inventory"]
    assert [c.value for c in ws[2]][:2] == ["P-100", "lots"]
    assert ws["B3"].data_type == "n"  # the other rows keep their numbers


@pytest.mark.parametrize(
    ("make", "code"), [("outside", "SOP003"), ("loop", "SOP007"), ("directory", "SOP002")]
)
def test_inputs_export_reads_no_file_outside_and_drops_no_sheet_silently(
    ready: Path, tmp_path: Path, make: str, code: str
) -> None:
    no_plain_file(ready / CDIR / "inputs" / "items.csv", make, tmp_path)
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready)
    assert r.code == 1 and f"{CDIR}/inputs/items.csv: error {code} this " in r.out, r.out
    assert "nothing written" in r.err and not (ready / "in.xlsx").exists()


def test_inputs_export_reports_an_input_that_is_not_utf8(ready: Path) -> None:
    """A Latin-1 CSV (as Excel saves one) is SOP004 with its line and column, as in validate,
    not an internal error; nothing is written."""
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_bytes(inv.read_bytes().replace(b"P-200", b"P-2\xf600", 1))
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready)
    assert r.code == 1, r.out + r.err
    assert (
        f"{CDIR}/inputs/inventory.csv:" in r.out and "error SOP004 byte 0xf6 is not UTF-8" in r.out
    )
    assert "nothing written" in r.err and not (ready / "in.xlsx").exists()


def test_missing_library_is_a_usage_error(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # import fails as if not installed
    out = _export(ready, code=2)
    assert "need the Python package 'xlsxwriter'" in out and "sopctl[excel]" in out
    assert not (ready / OUT / "plan.xlsx").exists()


def test_summary_values_are_formatted_by_their_key(ready: Path) -> None:
    """Shares of 1 as percentages, money in the charter's currency, counts as whole numbers;
    the stored values are summary.json's, unrounded."""
    import json

    _export(ready, "--out", "plan.xlsx")
    rows = openpyxl.load_workbook(ready / "plan.xlsx")["summary"].iter_rows(min_row=2)
    cells = {key.value: value for key, value, _ in rows}
    fmt = {k: c.number_format for k, c in cells.items() if isinstance(c.value, int | float)}
    by_format: dict[str, set[str]] = {}
    for key, f in fmt.items():
        by_format.setdefault(f, set()).add(key)
    seg = "service.standard"
    assert {f"{seg}.service_level", f"{seg}.fill_rate", f"{seg}.target"} <= by_format["0.00%"]
    assert "utilisation_peaks.ASSY.utilisation" in by_format["0.00%"]
    money = {"objective", "costs.total", "costs.holding", "solver.objective", "finance.revenue"}
    money |= {"finance.cogs", "finance.peak_working_capital", "finance.total_cash_flow"}
    assert money <= by_format['#,##0.00 "EUR"']
    assert by_format['0.00" %"'] == {"finance.gross_margin_pct"}
    counts = {"exceptions.overload", "exceptions.shortage", "solver.runs", f"{seg}.priority"}
    assert counts <= by_format["0"]
    assert {f"{seg}.demand", f"{seg}.shipped", "finance.inventory_turns"} <= by_format["#,##0.00"]
    assert not {k for k in by_format["#,##0.00"] if k.endswith(("_rate", "_level", "_pct"))}
    doc = json.loads((ready / OUT / "summary.json").read_text("utf-8"))
    assert cells["finance.revenue"].value == doc["finance"]["revenue"]
    standard = next(s for s in doc["service"] if s["segment"] == "standard")
    assert cells[f"{seg}.service_level"].value == standard["service_level"]
    assert cells["exceptions.overload"].value == doc["exceptions"]["overload"]


def test_the_summary_names_the_plan_cost_as_every_output_does(ready: Path) -> None:
    """summary.json's keys stay as they are (`objective`, `costs.total`, `solver.objective`:
    machine names), and a `label` column says the plan cost as reconcile, diff, compare and the
    report label it (finance.PLAN_COST), and each cost part as reconcile's cost table does."""
    from sopctl.finance import PLAN_COST

    _export(ready, "--out", "plan.xlsx")
    sheet = openpyxl.load_workbook(ready / "plan.xlsx")["summary"]
    assert [c.value for c in sheet[1]] == ["key", "value", "label"]
    label = {k: v or "" for k, _, v in sheet.iter_rows(min_row=2, values_only=True)}
    assert label["objective"] == label["costs.total"] == label["solver.objective"] == PLAN_COST
    assert PLAN_COST == "Plan cost incl. penalties and lost revenue"
    assert label["costs.safety_stock"] == "safety-stock penalty"
    assert label["costs.regular_time"] == "regular time"
    assert label["finance.revenue"] == label["cycle"] == ""
    assert not [v for v in label.values() if "objective" in v]


def test_every_money_figure_of_finance_is_formatted_as_money(ready: Path) -> None:
    """Every finance.csv column and finance summary key in money gets the currency format, so
    a column or key added to finance cannot reach Excel as a plain number."""
    _export(ready, "--out", "plan.xlsx")
    wb = openpyxl.load_workbook(ready / "plan.xlsx")
    fin = wb["finance"]
    not_money = {"period", "gross_margin_pct"}
    for cell in fin[1]:
        if cell.value not in not_money:
            below = fin.cell(2, cell.column)
            assert below.number_format == '#,##0.00 "EUR"', cell.value
    cells = {k.value: v for k, v, _ in wb["summary"].iter_rows(min_row=2)}
    plain = {"finance.gross_margin_pct", "finance.inventory_turns"}
    for key, cell in cells.items():
        if str(key).startswith("finance.") and isinstance(cell.value, float) and key not in plain:
            assert cell.number_format == '#,##0.00 "EUR"', key
