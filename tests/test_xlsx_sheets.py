"""`sopctl import xlsx`: what a spreadsheet user does to a sheet. A title row above the header
or a header sorted in among the data is named as such; blanks typed around values and header
names are trimmed as validate trims a CSV's; a column the table does not know is left out of
the CSV with a warning that says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers import git, run
from tests.test_tag_support import CDIR, commit_all, ready_copy

INPUTS = f"{CDIR}/inputs"
Edit = Any


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    root = ready_copy(tmp_path / "plan")
    r = run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def _import(root: Path, change: Edit, *args: str, code: int = 0) -> str:
    wb = openpyxl.load_workbook(root / "in.xlsx")
    change(wb)
    wb.save(root / "edited.xlsx")
    r = run(["import", "xlsx", "edited.xlsx", *args], cwd=root)
    assert r.code == code, r.out + r.err
    return r.out + r.err


def _text(root: Path, name: str) -> str:
    return (root / INPUTS / name).read_text("utf-8")


def _title_rows(wb: Any) -> None:
    ws = wb["overrides"]
    ws.insert_rows(1, 2)
    ws["A1"] = "Overrides - edited by Omar"


def _header_sorted_in(wb: Any) -> None:
    ws = wb["inventory"]
    rows = sorted(([c.value for c in r] for r in ws.iter_rows()), key=lambda r: str(r[0]))
    for i, row in enumerate(rows, start=1):  # P-100, P-200, item
        for j, v in enumerate(row, start=1):
            ws.cell(i, j).value = v


def _no_header(wb: Any) -> None:
    wb["inventory"].delete_rows(1)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _title_rows,
            "edited.xlsx:overrides!1:1: error SOP201 row 1 is read as the header but names no "
            "column of the overrides table; the header is in row 3: delete the rows above it "
            "(if they are data sorted above the header, move row 3 back to the top)",
        ),
        (
            _header_sorted_in,
            "edited.xlsx:inventory!1:1: error SOP201 row 1 is read as the header but names no "
            "column of the inventory table; the header is in row 3: delete the rows above it",
        ),
        (
            _no_header,
            "edited.xlsx:inventory!1:1: error SOP201 row 1 is read as the header but names no "
            "column of the inventory table; the first row must name the columns (item, on_hand, "
            "safety_stock, ending_target",
        ),
    ],
)
def test_a_header_below_the_first_row_is_named(ready: Path, change: Edit, expected: str) -> None:
    """Not 'a value right of the table: give column B a header' about the header itself."""
    out = _import(ready, change, code=1)
    assert expected in out, out
    assert "SOP017" not in out and "failed: 1 error; nothing written" in out, out


def test_blanks_around_values_and_header_names_are_trimmed(ready: Path) -> None:
    """What validate reads from a CSV is what import writes: '150 ' is 150, 'P-100 ' is the
    key P-100 (not a new row), 'quantity ' the column quantity."""

    def spaced(wb: Any) -> None:
        wb["inventory"]["A2"] = "P-100 "  # the key, only spaced: the same row
        wb["inventory"]["B2"] = " 175 "
        wb["pipeline"]["F1"] = "quantity "
        wb["pipeline"]["C2"] = "P-100  "
        wb["pipeline"]["B3"] = "  Cobalt\t"
        wb["items"]["D2"] = "41 "

    out = _import(ready, spaced)
    assert f"wrote {INPUTS}/inventory.csv" in out and f"wrote {INPUTS}/items.csv" in out
    unchanged = next(line for line in out.splitlines() if line.startswith("unchanged: "))
    assert "pipeline.csv" in unchanged and "SOP" not in out, out  # 'P-100  ' is P-100
    assert _text(ready, "inventory.csv").splitlines()[1:] == ["P-100,175,60,60", "P-200,220,80,80"]
    assert "P-100,pumps,Compact pump,41,65," in _text(ready, "items.csv")
    assert run(["validate"], cwd=ready).code == 0


def test_an_unknown_column_is_left_out_with_a_warning_that_says_so(ready: Path) -> None:
    """A comment column typed next to the pipeline: the CSV does not get it (its lines stay
    as they were), and the warning says it was left out instead of asking to remove it."""
    before = _text(ready, "pipeline.csv")

    def comment(wb: Any) -> None:
        wb["pipeline"]["I1"] = "comment"
        wb["pipeline"]["I2"] = "call back in Feb"

    out = _import(ready, comment)
    warning = (
        "edited.xlsx:pipeline!I1: warning SOP204 column 'comment' is not part of the pipeline "
        "table: left out of pipeline.csv (kept in the workbook only); to import it, rename it "
        "to one of: deal_id, "
    )
    assert warning in out and "remove it" not in out, out
    assert "unchanged: pipeline.csv" in out and _text(ready, "pipeline.csv") == before
    out = _import(ready, lambda wb: (comment(wb), wb["pipeline"].__setitem__("F2", 210)))
    assert warning in out and f"wrote {INPUTS}/pipeline.csv" in out, out
    assert _text(ready, "pipeline.csv") == before.replace(",200,", ",210,", 1)


def test_an_unknown_column_the_file_carries_is_kept(ready: Path) -> None:
    """A CSV may carry a column the table does not know (validate warns): an edit of another
    cell in the workbook does not drop it from the file."""
    path = ready / INPUTS / "inventory.csv"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",note", lines[1] + ",recount", lines[2] + ","]) + "\n")
    commit_all(ready, "inventory with a note")
    assert run(["export", "xlsx", "--inputs", "--out", "in.xlsx"], cwd=ready).code == 0
    out = _import(ready, lambda wb: wb["inventory"].__setitem__("B3", 230))
    assert "edited.xlsx:inventory!E1: warning SOP204 column 'note' is not part of" in out, out
    assert _text(ready, "inventory.csv").splitlines() == [
        "item,on_hand,safety_stock,ending_target,note",
        "P-100,150,60,60,recount",
        "P-200,230,80,80,",
    ]
    assert git(ready, "status", "--porcelain", "--", "cycles").split() == [
        "M",
        f"{INPUTS}/inventory.csv",
    ]
