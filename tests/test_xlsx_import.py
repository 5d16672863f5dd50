"""`sopctl import xlsx`: the demo inputs round-trip byte for byte; bad workbooks are refused
with findings that name sheet, row and column, and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula

from tests.helpers import no_plain_file, old_export, run
from tests.test_tag_support import CDIR, ready_copy

REPO = Path(__file__).resolve().parent.parent
DEMO = "2026-12"
Edit = Callable[[Any], None]


def _inputs(root: Path, cycle: str = DEMO) -> dict[str, bytes]:
    d = root / "cycles" / cycle / "inputs"
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def _import(root: Path, *args: str, code: int = 0) -> str:
    r = run(["import", "xlsx", *args], cwd=root)
    assert r.code == code, r.out + r.err
    return r.out + r.err


def test_demo_inputs_round_trip_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(REPO / "charters", root / "charters")
    shutil.copytree(
        REPO / "cycles" / DEMO, root / "cycles" / DEMO, ignore=shutil.ignore_patterns("outputs")
    )
    before = _inputs(root)
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=root)
    assert r.code == 0 and "16 sheets, 2,597 rows" in r.out, r.out + r.err
    # a second reader sees numbers as numbers and ids as text
    wb = openpyxl.load_workbook(root / "in.xlsx")
    assert wb.sheetnames[0] == "_about" and len(wb.sheetnames) == 17
    hist = wb["demand_history"]
    assert [c.value for c in hist[1]] == ["item", "segment", "period", "quantity"]
    assert [c.value for c in hist[2]] == ["PMP-CEN-S", "strategic", "2025-01", 150]
    assert hist["C2"].data_type == "s" and hist["C2"].number_format == "@"
    assert hist["D2"].data_type == "n" and hist.freeze_panes == "A2"
    # renewals: a probability of 0.85 is the number 0.85
    assert wb["renewals"]["G2"].value == 0.85
    out = _import(root, "in.xlsx")
    assert "not edited since the export, left as they are: demand_history.csv, pipeline.csv" in out
    assert "wrote" not in out and "SOP" not in out, out
    assert _inputs(root) == before
    # a workbook without the export record: every sheet is read, and gives its file's bytes
    old_export(monkeypatch)
    assert run(["export", "xlsx", "--inputs", "--out", "old.xlsx"], cwd=root).code == 0
    out = _import(root, "old.xlsx")
    assert "unchanged: demand_history.csv, pipeline.csv" in out and "wrote" not in out, out
    assert out.count("unchanged: ") == 1 and len(out.split("unchanged: ")[1].split(", ")) == 16
    assert "old.xlsx: warning SOP021 this workbook carries no export record" in out
    assert _inputs(root) == before
    # the file system is untouched even in its timestamps: no file was rewritten
    assert not any(p.name.startswith(".") for p in (root / "cycles" / DEMO / "inputs").iterdir())


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    root = ready_copy(tmp_path / "plan")
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def _edit(root: Path, change: Edit, name: str = "in.xlsx") -> Path:
    wb = openpyxl.load_workbook(root / "in.xlsx")
    change(wb)
    wb.save(root / name)
    return root / name


def _set(sheet: str, cell: str, value: Any) -> Edit:
    def change(wb: Any) -> None:
        wb[sheet][cell] = value

    return change


def _rename(old: str, new: str) -> Edit:
    def change(wb: Any) -> None:
        wb[old].title = new

    return change


def _copy(sheet: str, title: str) -> Edit:
    def change(wb: Any) -> None:
        wb.copy_worksheet(wb[sheet]).title = title

    return change


def _only(*keep: str) -> Edit:
    def change(wb: Any) -> None:
        for name in list(wb.sheetnames):
            if name not in keep:
                del wb[name]

    return change


def _append(sheet: str, row: list[Any]) -> Edit:
    def change(wb: Any) -> None:
        wb[sheet].append(row)

    return change


def _drop_row(sheet: str, first_cell: str) -> Edit:
    def change(wb: Any) -> None:
        ws = wb[sheet]
        idx = next(c.row for c in ws["A"] if c.value == first_cell)
        ws.delete_rows(idx)

    return change


BAD = [
    (
        _set("inventory", "B2", "lots"),
        "in.xlsx:inventory!B2: error SOP302 'lots' in column 'on_hand'",
    ),
    (
        _set("inventory", "B3", "=B2*2"),
        "in.xlsx:inventory!B3: error SOP013 holds the formula =B2*2",
    ),
    (
        _set("inventory", "B3", ArrayFormula("B3", "=SUM(B2:B2)")),
        "in.xlsx:inventory!B3: error SOP013 holds the formula =SUM(B2:B2); paste the value",
    ),
    (_set("inventory", "C2", "#N/A"), "in.xlsx:inventory!C2: error SOP014 holds the error value"),
    (
        _set("demand_history", "C3", dt.datetime(2026, 2, 15)),
        "in.xlsx:demand_history!C3: error SOP014 holds the date 2026-02-15T00:00:00",
    ),
    (_set("inventory", "B2", -5), "in.xlsx:inventory!B2: error SOP305 on_hand is -5"),
    (
        _set("inventory", "C1", "on_hand"),
        "in.xlsx:inventory!C1: error SOP205 column 'on_hand' appears again (first in column B)",
    ),
    (
        _set("inventory", "B2", dt.datetime(2027, 1, 15)),
        "in.xlsx:inventory!B2: error SOP014 holds the date 2027-01-15T00:00:00; format the cell "
        "as a number and type the number",
    ),
    (_rename("pipeline", "pipline"), "in.xlsx:pipline: error SOP011 sheet 'pipline' is not"),
    (_copy("demand_history", "history"), "in.xlsx:history: error SOP012 the demand_history table"),
    (_only("_about"), "in.xlsx: error SOP016 no sheet is named after an input table"),
    (
        _append("inventory", ["P-100", 1, 1, None, None]),
        "in.xlsx:inventory!A4: error SOP401 duplicate key (item) = (P-100); first in row 2",
    ),
    (
        _append("pipeline", ["D-9", "Zed", "P-999", "standard", "proposal", 5, "2027-02"]),
        "in.xlsx:pipeline!C5: error SOP402",
    ),
    (
        _set("demand_history", "A1", None),
        "in.xlsx:demand_history!A2: error SOP017 a value under an empty header cell (and 47 "
        "more below): give column A a header or delete its values",
    ),
    (  # a stray value in the last column of the sheet: found without building 16,384 columns
        _set("inventory", "XFD2", "far"),
        "in.xlsx:inventory!XFD2: error SOP017 a value right of the table: give column XFD a "
        "header or delete its values",
    ),
    (
        lambda wb: (wb["inventory"].insert_cols(1), _set("inventory", "A3", "x")(wb)),
        "in.xlsx:inventory!A3: error SOP017 a value under an empty header cell",
    ),
    # an error the import causes in a file it does not import: items without P-200
    (
        lambda wb: (_only("items")(wb), _drop_row("items", "P-200")(wb)),
        "cycles/2026-12/inputs/history.csv",
    ),
]


def test_a_percent_formatted_uplift_is_imported_with_a_warning(tmp_path: Path) -> None:
    """'20%' typed into uplift_pct (percent points) is the number 0.2: imported as written,
    with SOP015 at the cell saying what was probably meant."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "charters", root / "charters")
    shutil.copytree(
        REPO / "cycles" / DEMO, root / "cycles" / DEMO, ignore=shutil.ignore_patterns("outputs")
    )
    assert run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=root).code == 0
    wb = openpyxl.load_workbook(root / "in.xlsx")
    ws = wb["promotions"]
    col = next(c.column_letter for c in ws[1] if c.value == "uplift_pct")
    row, other = [c.row for c in ws[col][1:] if isinstance(c.value, int | float)][:2]
    ws[f"{col}{row}"] = 0.07
    ws[f"{col}{row}"].number_format = "0%"
    ws[f"{col}{other}"].number_format = '0"%"'  # a % shown as text: the value is not scaled
    wb.save(root / "pct.xlsx")
    out = _import(root, "pct.xlsx")
    assert (
        f"pct.xlsx:promotions!{col}{row}: warning SOP015 the cell is formatted as a "
        "percentage, so it holds 0.07 (7 %)"
    ) in out
    assert "type 7" in out and "wrote cycles/2026-12/inputs/promotions.csv" in out
    assert out.count("SOP015") == 1, out


@pytest.mark.parametrize(("change", "expected"), BAD)
def test_bad_workbooks_are_refused_and_nothing_is_written(
    ready: Path, change: Edit, expected: str
) -> None:
    before = _inputs(ready)
    book = _edit(ready, change)
    out = _import(ready, str(book), code=1)
    assert expected in out, out
    assert "nothing written" in out and " 1 errors" not in out
    assert _inputs(ready) == before


def test_a_refused_cell_does_not_hide_the_other_findings(ready: Path) -> None:
    """A formula in one sheet and a bad number in another: both in one run. The formula's
    sheet waits for the fix (its cell read as empty would make items unknown everywhere)."""
    book = _edit(
        ready, lambda wb: (_set("items", "A3", "=A2")(wb), _set("inventory", "B2", "x")(wb))
    )
    out = _import(ready, str(book), code=1)
    assert "in.xlsx:items!A3: error SOP013 holds the formula =A2" in out
    assert "in.xlsx:inventory!B2: error SOP302 'x' in column 'on_hand'" in out
    assert out.count("items!A3:") == 1 and "failed: 2 errors; nothing written" in out, out


def test_sheet_findings_are_in_row_order() -> None:
    """B9 before B10, row 2 before row 10 whatever the column; file paths stay in text order."""
    from sopctl.findings import Report, finding

    report = Report()
    for where in ("b.xlsx:inv!B10", "b.xlsx:inv!AA2", "b.xlsx:inv!B9", "b.xlsx:inv", "a.csv"):
        report.add(finding(where, 0, 0, "SOP302", "x"))
    report.add(finding("a.csv", 3, 1, "SOP302", "x"))
    shown = [(f.path, f.line) for f in report.sorted()]
    assert shown == [
        ("a.csv", 0),
        ("a.csv", 3),
        ("b.xlsx:inv", 0),
        ("b.xlsx:inv!AA2", 0),
        ("b.xlsx:inv!B9", 0),
        ("b.xlsx:inv!B10", 0),
    ]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("outside", "error SOP003 cycles/2026-12/inputs/items.csv: this path leads outside"),
        ("loop", "error SOP007 cycles/2026-12/inputs/items.csv: this symlink cannot be followed"),
        ("directory", "error SOP002 cycles/2026-12/inputs/items.csv: this is a directory"),
    ],
)
def test_an_input_that_is_no_plain_file_is_never_written_through(
    ready: Path, tmp_path: Path, make: str, expected: str
) -> None:
    """A pull request could make items.csv a link to ~/.bashrc: import must not write there."""
    items = ready / CDIR / "inputs" / "items.csv"
    victim = no_plain_file(items, make, tmp_path)
    before = victim.read_bytes()
    out = _import(ready, "in.xlsx", code=1)
    assert f"in.xlsx:items: {expected}" in out and "nothing written" in out, out
    assert victim.read_bytes() == before
    assert items.is_symlink() or items.is_dir()


def test_an_input_linked_inside_the_repository_is_written_to_its_file(ready: Path) -> None:
    inputs = ready / CDIR / "inputs"
    shared = ready / "shared-items.csv"
    shutil.move(inputs / "items.csv", shared)
    (inputs / "items.csv").symlink_to("../../../shared-items.csv")
    book = _edit(ready, _set("items", "D2", 41))
    _import(ready, str(book))
    assert (inputs / "items.csv").is_symlink()
    assert shared.read_text().splitlines()[1].split(",")[3] == "41"


def test_another_input_linked_elsewhere_in_the_repository_is_checked_as_its_file(
    ready: Path,
) -> None:
    """The check runs on a staged copy: a relative link to a shared file must still lead there."""
    inputs = ready / CDIR / "inputs"
    shutil.move(inputs / "routings.csv", ready / "shared-routings.csv")
    (inputs / "routings.csv").symlink_to("../../../shared-routings.csv")
    assert run(["validate"], cwd=ready).code == 0
    book = _edit(ready, _set("items", "D2", 41))
    out = _import(ready, str(book))
    assert "items.csv" in out and (inputs / "routings.csv").is_symlink()


def test_not_a_workbook_and_no_file(ready: Path) -> None:
    (ready / "fake.xlsx").write_text("item,on_hand\n")
    out = _import(ready, "fake.xlsx", code=1)
    assert "fake.xlsx: error SOP010 cannot be read as an .xlsx workbook" in out
    shutil.copy(ready / "in.xlsx", ready / "old.xls")  # named like the old binary format
    out = _import(ready, "old.xls", code=1)
    assert "old.xls: error SOP010 is a .xls file; sopctl reads .xlsx workbooks: save it" in out
    data = (ready / "in.xlsx").read_bytes()
    (ready / "cut.xlsx").write_bytes(data[: len(data) // 2])  # a download cut short
    out = _import(ready, "cut.xlsx", code=1)
    assert "cut.xlsx: error SOP010 cannot be read as an .xlsx workbook (" in out
    assert "Error" not in out and "openpyxl" not in out, out
    assert "workbook nope.xlsx not found" in _import(ready, "nope.xlsx", code=2)
    (ready / "book.xlsx").mkdir()
    assert "workbook book.xlsx is a folder" in _import(ready, "book.xlsx", code=2)


def test_a_valid_edit_is_written_and_the_rest_is_unchanged(ready: Path) -> None:
    before = _inputs(ready)
    history = ready / CDIR / "inputs" / "history.csv"
    history.write_bytes(history.read_bytes().replace(b"\n", b"\r\n"))  # a Windows-saved file
    run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready)

    def change(wb: Any) -> None:
        wb["inventory"]["B2"] = 175  # P-100 on hand: 150 -> 175
        wb["demand_history"]["C3"] = dt.datetime(2026, 1, 1)  # Excel turned 2026-01 into a date
        wb.create_sheet("_notes")["A1"] = "free text is ignored"

    book = _edit(ready, change, "edited.xlsx")
    dry = _import(ready, str(book), "--dry-run")
    assert "ok: 7 sheets valid; nothing written (--dry-run)" in dry
    assert "would write cycles/2026-12/inputs/inventory.csv\n" in dry and "\nwrote" not in dry
    assert _inputs(ready) != before  # only the CRLF file so far
    r = run(["import", "xlsx", str(book), "--format", "json"], cwd=ready)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["written"] == doc["changed"] == ["inventory.csv"] and not doc["dry_run"]
    assert "history.csv" in doc["untouched"]  # the date typed is the period it held
    after = _inputs(ready)
    assert after["inventory.csv"] == before["inventory.csv"].replace(b"P-100,150,", b"P-100,175,")
    assert after["history.csv"].count(b"\r\n") == before["history.csv"].count(b"\n")  # kept CRLF
    assert {k for k in after if after[k] != before[k]} == {"inventory.csv", "history.csv"}
    assert run(["validate"], cwd=ready).code == 0


def test_a_workbook_of_another_cycle_is_imported_only_into_a_named_cycle(ready: Path) -> None:
    book = _edit(ready, _set("_about", "B2", "2026-11"), "november.xlsx")
    out = _import(ready, str(book), "--dry-run", code=1)
    assert (
        "november.xlsx:_about: error SOP018 this workbook was exported from cycle 2026-11, and "
        "2026-12 is the latest cycle: a workbook is imported into another cycle than its own "
        "only when that cycle is named (cycle 2026-11 is not in this repository). To bring its "
        "edits into 2026-12: sopctl import xlsx november.xlsx 2026-12" in out
    ), out
    out = _import(ready, str(book), "2026-12", "--dry-run")
    assert (
        "november.xlsx:_about: warning SOP018 this workbook was exported from cycle 2026-11 and "
        "is imported into 2026-12, as named on the command line" in out
    ), out


def test_a_table_that_starts_right_of_column_a_is_read_from_its_header(ready: Path) -> None:
    before = _inputs(ready)

    def shift(wb: Any) -> None:  # an empty column A and an empty column between two columns
        wb["inventory"].insert_cols(1)
        wb["inventory"].insert_cols(4)

    out = _import(ready, str(_edit(ready, shift, "shifted.xlsx")), "--format", "json")
    assert json.loads(out)["written"] == [] and _inputs(ready) == before
    # findings point at the sheet's own cells: on_hand is now column C, ending_target F
    book = _edit(ready, lambda wb: (shift(wb), _set("inventory", "F3", -1)(wb)), "bad.xlsx")
    out = _import(ready, str(book), code=1)
    assert "in.xlsx:inventory!F3: error SOP305 ending_target is -1".replace("in", "bad", 1) in out


def test_quoted_and_multi_line_cells_round_trip_and_rows_stay_right(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = ready / CDIR / "inputs" / "items.csv"
    items.write_text(
        items.read_text()
        .replace("Compact pump", '"Pump, ""compact""\nsecond line =x"')
        .replace("Ball valve", "=cmd|' /C calc'!A0")
    )
    before = _inputs(ready)
    assert run(["validate"], cwd=ready).code == 0
    assert run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready).code == 0
    ws = openpyxl.load_workbook(ready / "in.xlsx")["items"]
    assert ws["C2"].value == 'Pump, "compact"\nsecond line =x'
    assert ws["C3"].value == "=cmd|' /C calc'!A0" and ws["C3"].data_type == "s"
    assert "left as they are: " in _import(ready, "in.xlsx") and _inputs(ready) == before
    old_export(monkeypatch)  # every sheet read back: the same bytes
    assert run(["export", "xlsx", "--inputs", "--out", "old.xlsx"], cwd=ready).code == 0
    assert "unchanged: history.csv" in _import(ready, "old.xlsx") and _inputs(ready) == before
    # the CSV line of P-200 is 4 (the cell above spans two lines); the finding names row 3
    book = _edit(ready, _set("items", "D3", "cheap"), "bad.xlsx")
    out = _import(ready, str(book), code=1)
    assert "bad.xlsx:items!D3: error SOP302 'cheap' in column 'unit_cost'" in out


def test_values_a_workbook_stores_differently_still_round_trip(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """17 significant digits (a workbook keeps 16), a carriage return and a vertical tab in
    text (stored as _x000D_ and _x000B_), a literal '_x0041_' (no control character), and
    line breaks inside quoted values of a CRLF file: export --inputs then import changes no
    byte."""
    import csv
    import io

    items = ready / CDIR / "inputs" / "items.csv"
    rows = list(csv.reader(io.StringIO(items.read_text("utf-8"), newline="")))
    head = rows[0]
    rows[1][head.index("description")] = "line one\r\nline two _x0041_ kept, x\x0by"
    rows[2][head.index("description")] = "a lone\rreturn"  # quoted although it has no LF
    rows[1][head.index("holding_cost")] = "0.30000000000000004"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    items.write_bytes(buf.getvalue().encode())
    before = _inputs(ready)
    assert run(["validate"], cwd=ready).code == 0
    assert run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready).code == 0
    sheet = openpyxl.load_workbook(ready / "in.xlsx")["items"]
    assert sheet.cell(2, head.index("holding_cost") + 1).data_type == "s"  # kept as text
    out = _import(ready, "in.xlsx")
    assert "wrote" not in out and "left as they are: " in out and _inputs(ready) == before, out
    old_export(monkeypatch)  # every sheet read back: the same bytes
    assert run(["export", "xlsx", "--inputs", "--out", "old.xlsx"], cwd=ready).code == 0
    out = _import(ready, "old.xlsx")
    assert "wrote" not in out and "unchanged: history.csv" in out and _inputs(ready) == before


def test_a_finding_after_cells_with_line_breaks_names_its_own_cell(ready: Path) -> None:
    """A carriage return in B2 and a line break in B3: the bad quantity of row 4 is F4, as
    the validator and the sheet count lines alike."""
    assert run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready).code == 0
    # a CR as a workbook stores it (openpyxl would write a raw CR, which XML reads as LF)
    edits = (_set("pipeline", "B2", "Bore_x000D_alis"), _set("pipeline", "B3", "Co\nbalt"))
    book = _edit(ready, lambda wb: [e(wb) for e in (*edits, _set("pipeline", "F4", -5))])
    out = _import(ready, str(book), code=1)
    assert "in.xlsx:pipeline!F4: error SOP305 quantity is -5" in out, out


CELL_TEXT = st.text(
    st.one_of(st.characters(exclude_categories=("Cc", "Cs")), st.sampled_from('\n,"= ')),
    max_size=8,
)


@given(
    st.lists(
        st.lists(st.one_of(st.none(), CELL_TEXT, st.integers(-999, 999)), min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=60, deadline=None)
def test_sheet_cells_become_the_csv_text_of_their_values(grid: list[list[Any]]) -> None:
    """Any grid of text and whole numbers: the CSV text read back gives each cell's value as
    text (numbers in canonical form) trimmed of surrounding blanks, rows map to sheet rows,
    and rows without any value (empty, or blanks only) are skipped."""
    import csv
    import io

    from sopctl.xlsx.load import SheetText, sheet_csv

    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["item", "on_hand", "note"]
    ws.append(header)
    for row in grid:
        ws.append(row)
    st_ = SheetText("inventory", "inventory", "inventory.csv")
    findings = sheet_csv(ws, "t.xlsx", st_, {"on_hand": "float"}, "month")
    texts = [["" if v is None else str(v) if isinstance(v, int) else v for v in r] for r in grid]
    formulas = [v for t in texts for v in t if v.startswith("=") and len(v) > 1]
    texts = [[v.strip() for v in t] for t in texts]
    kept = [(i + 2, t) for i, t in enumerate(texts) if any(t)]
    if formulas:  # openpyxl stores text '=…' (not a bare '=') as a formula: refused, not read
        assert any(f.code == "SOP013" for f in findings)
        return
    assert findings == []
    rows = list(csv.reader(io.StringIO(st_.text, newline="")))
    width = len(rows[0])
    assert rows[0] == header[:width]
    assert [r for r in rows[1:]] == [t[:width] + [""] * (width - len(t[:width])) for _, t in kept]
    assert sorted(set(st_.rows)) == [1, *[row for row, _ in kept]]
