"""`sopctl import xlsx` writes an edited sheet back as an edit of its file: the file's own column
order, the bytes of every line whose row did not change, numbers as Excel shows them (15
significant digits); an unedited sheet writes nothing, whatever its text."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopctl.xlsx.sheet import column_letter
from tests.helpers import run
from tests.test_tag_support import CDIR, ready_copy
from tests.test_xlsx_import import DEMO, REPO, Edit, _append, _edit, _import, _inputs, _set


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    return ready_copy(tmp_path / "plan")


def _export(root: Path) -> None:
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=root)
    assert r.code == 0, r.out + r.err


def _write(root: Path, name: str, text: str | bytes) -> bytes:
    path = root / CDIR / "inputs" / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    assert run(["validate"], cwd=root).code == 0, run(["validate"], cwd=root).out
    return path.read_bytes()


def _changed_lines(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """Lines only in `before`, lines only in `after` (what `git diff` shows)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    return [x for x in old if x not in new], [x for x in new if x not in old]


def _swap(sheet: str, a: int, b: int) -> Edit:
    def change(wb: Any) -> None:
        ws = wb[sheet]
        for r in range(1, ws.max_row + 1):
            x, y = ws.cell(r, a).value, ws.cell(r, b).value
            ws.cell(r, a).value, ws.cell(r, b).value = y, x

    return change


def test_a_literal_ooxml_escape_in_an_unedited_sheet_writes_nothing(ready: Path) -> None:
    """'_x000D_' typed in a CSV comes back from the workbook as a carriage return: the sheet
    is still not edited, and an edit elsewhere in it keeps that line as it was."""
    path = ready / CDIR / "inputs" / "overrides.csv"
    reason = "Trade fair orders expected (ERP note: Line1_x000D_ Line2)"
    before = _write(
        ready, "overrides.csv", path.read_text().replace("Trade fair orders expected", reason)
    )
    _export(ready)
    out = _import(ready, "in.xlsx")
    assert "wrote" not in out and "overrides.csv" in out.split("left as they are: ")[1], out
    assert path.read_bytes() == before
    book = _edit(
        ready,
        _append(
            "overrides",
            ["O-2", "P-200", "standard", "2027-05", "delta", 5, "sam@acme.example", "New"],
        ),
    )
    out = _import(ready, str(book))
    assert "wrote cycles/2026-12/inputs/overrides.csv" in out, out
    assert (
        path.read_bytes() == before + b"O-2,P-200,standard,2027-05,delta,5,sam@acme.example,New\n"
    )


def test_numbers_excel_computed_are_read_to_15_significant_digits(ready: Path) -> None:
    """A cell Excel computed holds 0.30000000000000004 and shows 0.3: the CSV gets 0.3; a whole
    number with such noise fits an integer column."""
    items = ready / CDIR / "inputs" / "items.csv"
    # 16 significant digits: read back at 15 it would change, so it is exported as text
    before = _write(
        ready, "items.csv", items.read_text().replace(",0.25\n", ",0.1234567890123456\n")
    )
    _export(ready)
    assert openpyxl.load_workbook(ready / "in.xlsx")["items"]["G3"].data_type == "s"
    assert "wrote" not in _import(ready, "in.xlsx") and items.read_bytes() == before

    def change(wb: Any) -> None:
        wb["items"]["G2"] = 0.1 + 0.2  # stored as 0.30000000000000004
        wb["items"]["F2"] = 2.0000000000000004  # lead_time, an integer column
        wb["inventory"]["B2"] = 930.30000000000007
        wb["inventory"]["C2"] = 4.0000000000000007e-4

    out = _import(ready, str(_edit(ready, change)))
    assert "SOP" not in out, out
    assert items.read_text().splitlines()[1] == "P-100,pumps,Compact pump,40,65,2,0.3"
    inventory = (ready / CDIR / "inputs" / "inventory.csv").read_text()
    assert inventory.splitlines()[1] == "P-100,930.3,0.0004,60"


def test_moving_columns_is_no_edit_and_the_file_keeps_its_column_order(ready: Path) -> None:
    before = _inputs(ready)
    _export(ready)
    out = _import(ready, str(_edit(ready, _swap("inventory", 2, 3), "moved.xlsx")))
    assert "inventory.csv" in out.split("left as they are: ")[1] and "wrote" not in out, out
    # moved and edited: written in the file's order, one line changed
    edit = _set("inventory", "B2", 70)  # safety_stock, now in column B
    book = _edit(ready, lambda wb: (_swap("inventory", 2, 3)(wb), edit(wb)), "edited.xlsx")
    assert "wrote cycles/2026-12/inputs/inventory.csv" in _import(ready, str(book))
    after = _inputs(ready)["inventory.csv"]
    assert _changed_lines(before["inventory.csv"], after) == (
        [b"P-100,150,60,60\n"],
        [b"P-100,150,70,60\n"],
    )


def test_a_column_the_sheet_adds_goes_where_the_table_has_it(ready: Path) -> None:
    """items.csv without `description`: added at the sheet's right, it is written between
    family and unit_cost, as the items table orders its columns."""
    items = ready / CDIR / "inputs" / "items.csv"
    rows = [line.split(",") for line in items.read_text().splitlines()]
    _write(ready, "items.csv", "".join(",".join(r[:2] + r[3:]) + "\n" for r in rows))
    _export(ready)

    def change(wb: Any) -> None:
        ws = wb["items"]
        for r, row in enumerate(rows, start=1):
            ws.cell(r, ws.max_column + 1 if r == 1 else 7).value = row[2]

    _import(ready, str(_edit(ready, change)))
    assert items.read_text().splitlines() == [",".join(r) for r in rows]


def test_an_edit_changes_only_its_own_lines(ready: Path) -> None:
    """An ERP file: every field quoted, a header with blanks, blanks around values, CRLF and a
    byte-order mark. One cell edited, one row added, one removed: only those lines change."""
    lines = [
        '"item"," On_Hand ","safety_stock","ending_target"',
        '"P-100","150","60","60"',
        '"P-200", 220 ,"80","80"',
    ]
    before = _write(ready, "inventory.csv", "\ufeff" + "\r\n".join(lines) + "\r\n")
    _export(ready)
    out = _import(ready, str(_edit(ready, _set("inventory", "B2", 175))))
    assert "wrote cycles/2026-12/inputs/inventory.csv" in out, out
    after = _inputs(ready)["inventory.csv"]
    assert after.startswith(b"\xef\xbb\xbf" + lines[0].encode() + b"\r\n")
    assert _changed_lines(before, after) == (
        [b'"P-100","150","60","60"\r\n'],
        [b"P-100,175,60,60\r\n"],
    )
    # P-200's ending target edited: its line is written anew, P-100's stays as it now is
    _export(ready)
    _import(ready, str(_edit(ready, _set("inventory", "D3", 81))))
    assert _changed_lines(after, _inputs(ready)["inventory.csv"]) == (
        [b'"P-200", 220 ,"80","80"\r\n'],
        [b"P-200,220,80,81\r\n"],
    )


def test_removed_and_added_rows_leave_the_other_lines_alone(ready: Path) -> None:
    pipeline = ready / CDIR / "inputs" / "pipeline.csv"
    before = _write(
        ready, "pipeline.csv", pipeline.read_text().replace(",2027-01,2\n", ', 2027-01 ,"2"\n')
    )
    _export(ready)

    def change(wb: Any) -> None:
        ws = wb["pipeline"]
        ws.delete_rows(3)
        ws.cell(4, 1).value = "D-009"
        for c, v in enumerate(["Zed", "P-200", "standard", "qualified", 10, "2027-03", 1], 2):
            ws.cell(4, c).value = v

    out = _import(ready, str(_edit(ready, change, "rows.xlsx")))
    assert "wrote cycles/2026-12/inputs/pipeline.csv" in out, out
    gone, added = _changed_lines(before, pipeline.read_bytes())
    assert [x.split(b",")[0] for x in gone] == [b"D-002"]
    assert added == [b"D-009,Zed,P-200,standard,qualified,10,2027-03,1\n"]
    assert b', 2027-01 ,"2"\n' in pipeline.read_bytes()


def test_an_import_reports_the_warnings_it_causes_in_other_files(ready: Path) -> None:
    """The case of an item id changed in items: every file naming it warns (SOP406)."""
    _export(ready)
    out = _import(ready, str(_edit(ready, _set("items", "A2", "p-100"))))
    assert "wrote cycles/2026-12/inputs/items.csv" in out
    assert "cycles/2026-12/inputs/inventory.csv:2:1: warning SOP406" in out, out
    assert "history.csv" in out and "pipeline.csv" in out


def test_an_integer_column_shows_a_fraction_and_the_error_names_the_integers(ready: Path) -> None:
    _export(ready)
    assert openpyxl.load_workbook(ready / "in.xlsx")["items"]["F2"].number_format == "General"
    out = _import(ready, str(_edit(ready, _set("items", "F2", 2.5))), code=1)
    assert (
        "in.xlsx:items!F2: error SOP304 '2.5' in column 'lead_time' is not a whole number: "
        "write 2 or 3" in out
    ), out


def _merge(sheet: str, cells: str, clear: str = "") -> Edit:
    def change(wb: Any) -> None:
        if clear:
            wb[sheet][clear] = None
        wb[sheet].merge_cells(cells)

    return change


# (sheet, merged range, what SOP022 says): a merged range holds its value in its first cell
# only, and the cells it hides read as empty, in an optional column without any later finding
MERGED = [
    ("items", "C2:C3", "the merged range C2:C3 shows 'Compact pump' in 2 cells of the table but "
     "holds it in C2 only: the others read as empty; unmerge the range and fill each cell"),
    ("items", "G2:H3", "the merged range G2:H3 shows '0.8' in 2 cells of the table"),
    ("inventory", "A2:A3", "the merged range A2:A3 shows 'P-100' in 2 cells of the table"),
    ("items", "B1:B2", "the merged range B1:B2 joins the header 'family' (B1) with 1 data cell, "
     "which reads as empty; unmerge the range"),
]  # fmt: skip


@pytest.mark.parametrize(("sheet", "cells", "says"), MERGED, ids=[m[1] for m in MERGED])
def test_a_merged_range_over_the_table_is_refused_at_its_address(
    ready: Path, sheet: str, cells: str, says: str
) -> None:
    before = _inputs(ready)
    _export(ready)
    ws = openpyxl.load_workbook(ready / "in.xlsx")[sheet]
    assert [c.value for c in ws[1]][:3] in (
        ["item", "family", "description"],
        ["item", "on_hand", "safety_stock"],
    )
    out = _import(ready, str(_edit(ready, _merge(sheet, cells))), code=1)
    assert f"in.xlsx:{sheet}!{cells}: error SOP022 {says}" in out, out
    assert "SOP301" not in out and "nothing written" in out, out
    assert _inputs(ready) == before


def test_a_merged_range_beside_the_table_is_no_finding(ready: Path) -> None:
    _export(ready)
    width = openpyxl.load_workbook(ready / "in.xlsx")["items"].max_column
    right = f"{column_letter(width + 2)}2:{column_letter(width + 3)}4"
    out = _import(ready, str(_edit(ready, _merge("items", right))))
    assert "SOP022" not in out and "items.csv" in out.split("left as they are: ")[1], out


def test_an_empty_merged_cell_says_it_is_merged(ready: Path) -> None:
    """A range whose first cell is empty shows no value: nothing is lost, and each empty
    required cell says it is part of the range."""
    _export(ready)
    out = _import(ready, str(_edit(ready, _merge("inventory", "A2:A3", clear="A2"))), code=1)
    assert "SOP022" not in out, out
    assert (
        "in.xlsx:inventory!A3: error SOP301 'item' is empty; fill in item (family or sku) id from "
        "items.csv (the cell is part of the merged "
        "range A2:A3, whose value is in A2 only: unmerge the range and fill each cell)" in out
    ), out


def test_an_empty_extra_sheet_is_a_warning_and_a_deleted_sheet_is_named(ready: Path) -> None:
    _export(ready)

    def change(wb: Any) -> None:
        wb.create_sheet("Sheet1")
        del wb["routings"]
        wb["items"]["D2"] = 41

    out = _import(ready, str(_edit(ready, change)))
    assert (
        "in.xlsx:Sheet1: warning SOP011 sheet 'Sheet1' is empty and no input table of this "
        "cycle: ignored; delete it" in out
    ), out
    assert "wrote cycles/2026-12/inputs/items.csv" in out
    assert "no sheet, files left as they are: routings.csv" in out
    out = _import(ready, str(_edit(ready, _set("Sheet1", "A1", "x"), "x.xlsx")), code=1)
    assert "x.xlsx:Sheet1: error SOP011" in out


def test_a_cell_gets_one_finding(tmp_path: Path) -> None:
    """'15%' typed as text in uplift_pct is not a number; the rule that needs one of
    uplift_pct and uplift_units is not said again for the same cell."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "charters", root / "charters")
    shutil.copytree(
        REPO / "cycles" / DEMO, root / "cycles" / DEMO, ignore=shutil.ignore_patterns("outputs")
    )
    _export(root)
    out = _import(root, str(_edit(root, _set("promotions", "F2", "15%"))), code=1)
    assert "in.xlsx:promotions!F2: error SOP302 '15%'" in out and "SOP310" not in out, out
    assert "failed: 1 error; nothing written" in out


def _field(value: str, quoted: bool, pad: bool) -> str:
    must = any(ch in value for ch in ',"\n\r') or value != value.strip()
    text = '"' + value.replace('"', '""') + '"' if quoted or must else value
    return f" {text} " if pad and not must and not quoted else text


VALUE = st.text(st.sampled_from('ab1 ,"\n'), min_size=1, max_size=5).filter(lambda v: v.strip())


@given(
    rows=st.lists(st.lists(VALUE, min_size=3, max_size=3), min_size=1, max_size=6),
    styles=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=18, max_size=18),
    crlf=st.booleans(),
    bom=st.booleans(),
    edit=st.tuples(st.integers(0, 5), st.integers(0, 2)),
)
@settings(max_examples=80, deadline=None)
def test_write_back_keeps_every_line_whose_row_did_not_change(
    rows: list[list[str]],
    styles: list[tuple[bool, bool]],
    crlf: bool,
    bom: bool,
    edit: tuple[int, int],
) -> None:
    """Any file (quoted or not, blanks around values, CRLF, BOM) and one cell edited: the
    bytes read back as the sheet's values, and every other row's line is kept as it was."""
    from sopctl.xlsx.sheet import SheetText
    from sopctl.xlsx.writeback import write_back

    nl = "\r\n" if crlf else "\n"
    rows = [[f"k{i}{row[0]}", *row[1:]] for i, row in enumerate(rows)]  # keys are unique
    lines = [
        ",".join(_field(v, *styles[(i * 3 + j) % 18]) for j, v in enumerate(row))
        for i, row in enumerate(rows)
    ]
    old = ("\ufeff" if bom else "") + "a,b,c" + nl + "".join(x + nl for x in lines)
    cells = [["a", "b", "c"], *[[v.strip() for v in row] for row in rows]]
    r, c = edit[0] % len(rows), edit[1]
    cells[r + 1][c] = "EDIT"
    st_ = SheetText("s", "inventory", "f.csv", cells=cells, at=list(range(1, len(cells) + 1)))
    st_.cols = [1, 2, 3]
    data = write_back(old.encode(), st_, ["a", "b", "c"])
    assert data.startswith(b"\xef\xbb\xbf") == bom
    text = data.decode("utf-8-sig")
    got = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    assert got == cells
    for i, line in enumerate(lines):
        if i != r:
            assert line + nl in text


def test_a_workbook_recorded_in_the_files_column_order_is_still_read_as_not_edited(
    ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workbooks exported before the record's digest put the columns in order carry it in the
    file's order: an unedited sheet of such a workbook is still not edited."""
    from sopctl.xlsx.record import CellsDigest

    with monkeypatch.context() as m:
        m.setattr(CellsDigest, "hexdigest", CellsDigest.legacy)
        _export(ready)
    out = _import(ready, "in.xlsx")
    assert "wrote" not in out and "inventory.csv" in out.split("left as they are: ")[1], out
