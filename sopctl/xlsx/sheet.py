"""One sheet of an input workbook read as the CSV text of its table (`sopctl import xlsx`).

The first non-empty row is the header; empty rows are skipped, numbers are written as their
canonical text (cells.py), dates in period and date columns as `2027-01` / `2027-01-31`, and
every value and header name is trimmed of surrounding blanks, as `sopctl validate` trims the
cells of a CSV file. Findings point at the sheet's cells: `plan.xlsx:pipeline!C12`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, finding
from ..tables.idrule import shown
from .cells import date_text, excel_number, number_text, ooxml_text, percent_format, period_hint
from .record import CellsDigest


@dataclass
class SheetText:
    sheet: str
    table: str
    file: str  # inside the cycle's inputs/
    text: str = ""
    rows: list[int] = field(default_factory=list)  # CSV line (1-based, index + 1) -> sheet row
    cols: list[int] = field(default_factory=list)  # CSV column (index + 1) -> sheet column
    cells: list[list[str]] = field(default_factory=list)  # trimmed values, header first
    at: list[int] = field(default_factory=list)  # sheet row of each entry of `cells`
    digest: str = ""  # of the values as read, before trimming (record.CellsDigest)
    legacy: str = ""  # the same in the sheet's column order (records of an older sopctl)
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # ranges


def column_letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def where(book: str, sheet: str, row: int = 0, col: int = 0) -> str:
    if row and col:
        return f"{book}:{sheet}!{column_letter(col)}{row}"
    return f"{book}:{sheet}!{row}:{row}" if row else f"{book}:{sheet}"


def _cell_text(cell: Any, dtype: str | None, bucket: str, at: str, out: list[Finding]) -> str:
    v = cell.value
    if v is None:
        return ""
    if cell.data_type == "f" or (isinstance(v, str) and cell.data_type == "f"):
        formula = getattr(v, "text", None) or str(v)  # an array formula is an object
        out.append(
            finding(at, 0, 0, "SOP013", f"holds the formula {formula[:40]}; paste the value")
        )
        return ""
    if cell.data_type == "e":
        out.append(finding(at, 0, 0, "SOP014", f"holds the error value {v}; enter a value"))
        return ""
    if isinstance(v, bool | int | float):
        return number_text(excel_number(v))  # 15 significant digits, as Excel shows it
    if isinstance(v, dt.date | dt.datetime):
        text = date_text(v, dtype or "", bucket)
        if text is None:
            fix = {
                "period": period_hint(v, bucket),
                "int": "format the cell as a number and type the number",
                "float": "format the cell as a number and type the number",
            }.get(dtype or "", "format the column as text and type text")
            out.append(finding(at, 0, 0, "SOP014", f"holds the date {v.isoformat()}; {fix}"))
            return ""
        return text
    if isinstance(v, dt.time | dt.timedelta):
        out.append(finding(at, 0, 0, "SOP014", f"holds a time ({v}); enter a value"))
        return ""
    return ooxml_text(str(v))


def filled(ws: Any) -> dict[int, dict[int, Any]]:
    """The cells that hold something, by row and column. Read from the worksheet's own cell
    store: `iter_rows` builds every cell of the rectangle up to the rightmost one, so one stray
    value in column XFD would mean 16,384 cells a row."""
    store = getattr(ws, "_cells", None)
    cells = store.values() if isinstance(store, dict) else (c for r in ws.iter_rows() for c in r)
    out: dict[int, dict[int, Any]] = {}
    for c in cells:
        if c.value is not None and c.value != "":
            out.setdefault(c.row, {})[c.column] = c
    return out


def _header_problem(
    grid: dict[int, dict[int, Any]], rows: list[int], book: str, st: SheetText, known: list[str]
) -> Finding | None:
    """SOP201 when the first row names no column of the table (a title typed above the
    header, or the header sorted in among the data), saying in which row the header is when
    another row names columns of the table. Said instead of what reading that first row as the
    header would bring (values right of a one-cell "header", every column unknown)."""

    def named(r: int) -> int:
        texts = {str(c.value).strip().lower() for c in grid[r].values() if isinstance(c.value, str)}
        return len(texts.intersection(known))

    if not known or named(rows[0]):
        return None
    first = rows[0]
    header = next((r for r in rows[1:] if named(r) >= min(2, len(known))), None)
    msg = f"row {first} is read as the header but names no column of the {st.table} table; "
    if header is None:
        msg += f"the first row must name the columns ({', '.join(known)})"
    else:
        msg += (
            f"the header is in row {header}: delete the rows above it (if they are data sorted "
            f"above the header, move row {header} back to the top)"
        )
    return finding(where(book, st.sheet, first), 0, 0, "SOP201", msg)


def _stray(
    grid: dict[int, dict[int, Any]], rows: list[int], book: str, sheet: str
) -> list[Finding]:
    """SOP017 for values in a column without a header: right of the table, or under an empty
    header cell."""
    out: list[Finding] = []
    head = grid[rows[0]]
    width = max(head)
    stray: dict[int, list[int]] = {}  # column without a header -> rows holding a value
    for r in rows[1:]:
        for c in grid[r]:
            if c > width or c not in head:
                stray.setdefault(c, []).append(r)
    for c in sorted(stray)[:20]:
        what = "right of the table" if c > width else "under an empty header cell"
        more = f" (and {len(stray[c]) - 1} more below)" if len(stray[c]) > 1 else ""
        out.append(
            finding(
                where(book, sheet, stray[c][0], c),
                0,
                0,
                "SOP017",
                f"a value {what}{more}: give column {column_letter(c)} a header or delete "
                "its values",
            )
        )
    if len(stray) > 20:
        n = len(stray) - 20
        out.append(finding(where(book, sheet), 0, 0, "SOP017", f"{n} more such columns"))
    return out


def sheet_csv(
    ws: Any, book: str, st: SheetText, dtypes: dict[str, str], bucket: str
) -> list[Finding]:
    """Fill st.cells (and st.text, st.rows, st.cols, st.digest) from the sheet; findings for
    cells that cannot be values. `dtypes` holds the table's columns (name -> type). The table
    is as wide as its header row; a value right of it, or under an empty header cell, has no
    column to go to (SOP017); an empty column inside it is left out. Values are trimmed; a row
    left without any value is skipped like an empty one."""
    grid = filled(ws)
    if not grid:
        return []
    rows = sorted(grid)
    if (wrong := _header_problem(grid, rows, book, st, list(dtypes))) is not None:
        return [wrong]
    out = _stray(grid, rows, book, st.sheet)
    head = grid[rows[0]]
    st.cols = sorted(head)  # empty header cells with nothing under them are no column
    names = {c: str(head[c].value).strip().lower() for c in st.cols}
    digest = CellsDigest()
    for idx, r in enumerate(rows):
        raw = []
        for c in st.cols:
            cell = grid[r].get(c)
            dtype = dtypes.get(names[c]) if idx else None
            at = where(book, st.sheet, r, c)
            raw.append("" if cell is None else _cell_text(cell, dtype, bucket, at, out))
            if idx and cell is not None and names[c].endswith("_pct"):
                out += percent_format(cell, names[c], at)
        digest.add(raw)
        values = [v.strip() for v in raw]
        if idx == 0 or any(values):
            st.cells.append(values)
            st.at.append(r)
    st.digest, st.legacy = digest.hexdigest(), digest.legacy()
    st.merged = merged_ranges(ws)
    out += merged_values(grid, rows[0], st, book)
    render(st)
    return out


def merged_ranges(ws: Any) -> list[tuple[int, int, int, int, str]]:
    """The sheet's merged ranges: (first row, first column, last row, last column, 'A2:A3')."""
    ranges = getattr(getattr(ws, "merged_cells", None), "ranges", ())
    return [(m.min_row, m.min_col, m.max_row, m.max_col, m.coord) for m in ranges]


def merged_values(
    grid: dict[int, dict[int, Any]], header: int, st: SheetText, book: str
) -> list[Finding]:
    """SOP022 at each merged range that spans cells of the table's data besides its first
    cell: a merged range holds its value in its first cell only, so the others read as empty,
    which in an optional column (a description, a deal's probability) no later check would
    report. A range that starts in the header row counts when it reaches into the data; one
    outside the table's columns, or whose first data cell is empty, is left alone."""
    out: list[Finding] = []
    table = set(st.cols)
    for r0, c0, r1, c1, coord in st.merged:
        first = grid.get(r0, {}).get(c0)
        width = sum(1 for c in range(c0, c1 + 1) if c in table)
        data = (r1 - max(r0, header + 1) + 1) * width  # the range's cells in the table's data
        if c0 not in table or first is None or data < (2 if r0 > header else 1):
            continue
        v = first.value
        number = isinstance(v, int | float) and not isinstance(v, bool)
        value = shown(number_text(excel_number(v)) if number else str(v).strip())
        start = f"{column_letter(c0)}{r0}"
        if r0 > header:
            what = (
                f"shows '{value}' in {data} cells of the table but holds it in {start} only: "
                "the others read as empty"
            )
        else:
            cells = "1 data cell, which reads" if data == 1 else f"{data} data cells, which read"
            what = f"joins the header '{value}' ({start}) with {cells} as empty"
        out.append(
            finding(
                f"{book}:{st.sheet}!{coord}",
                0,
                0,
                "SOP022",
                f"the merged range {coord} {what}; unmerge the range and fill each cell",
            )
        )
        if len(out) == 20:
            break
    return out


def merge_note(st: SheetText, row: int, col: int) -> str:
    """What to add to a finding at a cell that a merged range covers (not its first cell):
    a merged range holds its value in its first cell only, so the others read as empty."""
    for r0, c0, r1, c1, coord in st.merged:
        if r0 <= row <= r1 and c0 <= col <= c1 and (row, col) != (r0, c0):
            first = f"{column_letter(c0)}{r0}"
            return (
                f" (the cell is part of the merged range {coord}, whose value is in {first} "
                "only: unmerge the range and fill each cell)"
            )
    return ""


def render(st: SheetText) -> None:
    """st.text and st.rows from st.cells: minimal quoting, `\\n` line ends, a value with a
    carriage return quoted (csv.writer would leave a lone CR bare: a reader ends the record
    there)."""
    from ..tables.lines import csv_row

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    st.rows = []
    for r, values in zip(st.at, st.cells, strict=True):
        if any("\r" in v for v in values):
            buf.write(csv_row(values))
        else:
            writer.writerow(values)
        st.rows.extend([r] * (1 + sum(v.count("\n") for v in values)))
    st.text = buf.getvalue()


def drop_columns(st: SheetText, drop: set[int]) -> None:
    """Leave the table's columns at these indexes (0-based, of st.cols) out of the CSV text;
    a row that had values only there is left out with them."""
    keep = [i for i in range(len(st.cols)) if i not in drop]
    st.cols = [st.cols[i] for i in keep]
    pairs = [(r, [row[i] for i in keep]) for r, row in zip(st.at, st.cells, strict=True)]
    pairs = [p for n, p in enumerate(pairs) if n == 0 or any(p[1])]
    st.at = [r for r, _ in pairs]
    st.cells = [row for _, row in pairs]
    render(st)
