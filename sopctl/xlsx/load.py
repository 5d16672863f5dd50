"""`sopctl import xlsx WORKBOOK [CYCLE]`: sheets named after input tables become the cycle's CSV
inputs, checked by the same machinery as `sopctl validate`, written all-or-nothing.

1. Each sheet named after a declared input (its table type, e.g. `pipeline`, or its file name
   without `.csv`) becomes CSV text in memory: the first non-empty row is the header, empty
   rows are skipped, numbers are written as their canonical text (cells.py), dates in period
   and date columns as `2027-01` / `2027-01-31`. Sheets whose name starts with `_` are notes.
2. A temporary copy of the charters and the cycle receives those CSV files and is validated
   as a whole (types, ranges, keys, references across tables and to the charter).
3. Findings in a sheet point at the cell: `plan.xlsx:pipeline!C12` (sheet `pipeline`, column
   C, row 12), `plan.xlsx:pipeline!12:12` (the row), `plan.xlsx:pipeline` (the sheet).
4. Any error in a sheet, or an error elsewhere that the import causes (one the cycle did not
   have before), writes nothing. Otherwise the changed files are written in one step.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Report, Severity, finding
from .cells import date_text, number_text


@dataclass
class SheetText:
    sheet: str
    table: str
    file: str  # inside the cycle's inputs/
    text: str = ""
    rows: list[int] = field(default_factory=list)  # CSV line (1-based, index + 1) -> sheet row


@dataclass
class ImportOutcome:
    report: Report
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, file)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.report)


def column_letter(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _where(book: str, sheet: str, row: int = 0, col: int = 0) -> str:
    if row and col:
        return f"{book}:{sheet}!{column_letter(col)}{row}"
    return f"{book}:{sheet}!{row}:{row}" if row else f"{book}:{sheet}"


def _open(path: Path, book: str) -> tuple[Any, list[Finding]]:
    from . import require

    openpyxl = require("openpyxl")
    try:
        return openpyxl.load_workbook(path, data_only=False), []
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        why = str(exc) or type(exc).__name__
        msg = f"cannot be read as an .xlsx workbook ({why}); save it from Excel as .xlsx"
        return None, [finding(book, 0, 0, "SOP010", msg)]
    except Exception as exc:  # openpyxl raises its own errors for broken parts
        msg = f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc})"
        return None, [finding(book, 0, 0, "SOP010", msg)]


def _cell_text(cell: Any, dtype: str | None, bucket: str, where: str, out: list[Finding]) -> str:
    v = cell.value
    if v is None:
        return ""
    if cell.data_type == "f" or (isinstance(v, str) and cell.data_type == "f"):
        out.append(
            finding(where, 0, 0, "SOP013", f"holds the formula {str(v)[:40]}; paste the value")
        )
        return ""
    if cell.data_type == "e":
        out.append(finding(where, 0, 0, "SOP014", f"holds the error value {v}; enter a value"))
        return ""
    if isinstance(v, bool | int | float):
        return number_text(v)
    if isinstance(v, dt.date | dt.datetime):
        text = date_text(v, dtype or "", bucket)
        if text is None:
            shown = v.isoformat()
            want = "a period such as 2027-01" if dtype == "period" else "text"
            out.append(
                finding(
                    where,
                    0,
                    0,
                    "SOP014",
                    f"holds the date {shown}; format the column as text and type {want}",
                )
            )
            return ""
        return text
    if isinstance(v, dt.time | dt.timedelta):
        out.append(finding(where, 0, 0, "SOP014", f"holds a time ({v}); enter a value"))
        return ""
    return str(v)


def sheet_csv(
    ws: Any, book: str, st: SheetText, dtypes: dict[str, str], bucket: str
) -> list[Finding]:
    """Fill st.text and st.rows from the sheet; findings for cells that cannot be values."""
    out: list[Finding] = []
    grid: list[tuple[int, list[Any]]] = []
    for cells in ws.iter_rows():
        if any(c.value is not None and c.value != "" for c in cells):
            grid.append((cells[0].row, list(cells)))
    if not grid:
        return out
    width = max(
        max((c.column for c in cells if c.value not in (None, "")), default=0) for _, cells in grid
    )
    head_cells = grid[0][1]
    names = [
        str(c.value).strip().lower() if c.value is not None else "" for c in head_cells[:width]
    ]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for idx, (row, cells) in enumerate(grid):
        values = []
        for i in range(width):
            c = cells[i] if i < len(cells) else None
            if c is None:
                values.append("")
                continue
            dtype = dtypes.get(names[i]) if idx and i < len(names) else None
            values.append(_cell_text(c, dtype, bucket, _where(book, st.sheet, row, i + 1), out))
        start = buf.tell()
        writer.writerow(values)
        lines = buf.getvalue()[start:].count("\n")
        st.rows.extend([row] * max(lines, 1))
    st.text = buf.getvalue()
    return out


_LINE = re.compile(r"\b(first )?on line (\d+)")


def _map(f: Finding, book: str, st: SheetText) -> Finding:
    """A finding on the temporary CSV file, moved to the sheet's cell."""

    def row_of(line: int) -> int:
        return st.rows[line - 1] if 0 < line <= len(st.rows) else 0

    msg = _LINE.sub(lambda m: f"{m[1] or ''}in row {row_of(int(m[2]))}", f.message)
    where = _where(book, st.sheet, row_of(f.line), f.col if f.line else 0)
    return Finding(where, 0, 0, f.code, msg, f.severity)


def _match_sheets(wb: Any, book: str, decls: list[Any]) -> tuple[list[SheetText], list[Finding]]:
    by_name: dict[str, Any] = {}
    for d in decls:
        by_name.setdefault(d.table.lower(), d)
        by_name.setdefault(Path(d.file).name.removesuffix(".csv").lower(), d)
    out: list[SheetText] = []
    findings: list[Finding] = []
    taken: dict[str, str] = {}
    for title in wb.sheetnames:
        key = title.strip().lower()
        if key.startswith("_"):
            continue
        d = by_name.get(key)
        if d is None:
            known = ", ".join(sorted({x.table for x in decls}))
            findings.append(
                finding(
                    _where(book, title),
                    0,
                    0,
                    "SOP011",
                    f"sheet '{title}' is not an input table of this cycle; rename it to one of: "
                    f"{known} (or start its name with _ to keep it as a note)",
                )
            )
            continue
        if d.table in taken:
            findings.append(
                finding(
                    _where(book, title),
                    0,
                    0,
                    "SOP012",
                    f"the {d.table} table comes from sheet '{taken[d.table]}' already; "
                    "delete or rename one of the two sheets",
                )
            )
            continue
        taken[d.table] = title
        out.append(SheetText(title, d.table, d.file))
    if not out and not findings:
        known = ", ".join(sorted({x.table for x in decls}))
        findings.append(
            finding(book, 0, 0, "SOP016", f"no sheet is named after an input table ({known})")
        )
    return out, findings


def _stage(root: Path, cycle: str, tmp: Path) -> None:
    shutil.copytree(root / "charters", tmp / "charters", symlinks=True)
    src = root / "cycles" / cycle
    dest = tmp / "cycles" / cycle
    shutil.copytree(src, dest, symlinks=True, ignore=shutil.ignore_patterns("outputs"))


def _keep_style(old: bytes | None, text: str) -> bytes:
    """Keep an existing file's byte-order mark and CRLF line ends."""
    data = text
    if old is not None and b"\r\n" in old.split(b"\n", 1)[0] + b"\n":
        data = text.replace("\n", "\r\n")
    raw = data.encode("utf-8")
    return b"\xef\xbb\xbf" + raw if old is not None and old.startswith(b"\xef\xbb\xbf") else raw


def import_workbook(root: Path, cycle: str, workbook: Path, dry_run: bool = False) -> ImportOutcome:
    from ..outputs import write_all
    from ..tables.contracts import CONTRACTS
    from ..validate import load_workspace

    ws, before = load_workspace(root, cycle, cwd=root)
    report = Report()
    outcome = ImportOutcome(report)
    if ws.charter is None or ws.cycle is None:
        report.extend(before.errors)
        return outcome
    book = workbook.name
    wb, fs = _open(workbook, book)
    report.extend(fs)
    if wb is None:
        return outcome
    sheets, fs = _match_sheets(wb, book, ws.charter.inputs)
    report.extend(fs)
    bucket = ws.charter.cadence.bucket
    for st in sheets:
        dtypes: dict[str, str] = {c.name: c.dtype for c in CONTRACTS[st.table].columns}
        report.extend(sheet_csv(wb[st.sheet], book, st, dtypes, bucket))
        outcome.sheets.append((st.sheet, st.file))
    if not report.ok or not sheets:
        return outcome
    inputs = ws.cycle_dir / "inputs"
    by_path = {f"cycles/{cycle}/inputs/{st.file}": st for st in sheets}
    with tempfile.TemporaryDirectory(prefix="sopctl-import-") as tmp:
        _stage(root, cycle, Path(tmp))
        for st in sheets:
            target = Path(tmp) / "cycles" / cycle / "inputs" / st.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(st.text, encoding="utf-8", newline="")
        _, after = load_workspace(Path(tmp), cycle, cwd=Path(tmp))
    old = {(f.path, f.code, f.message) for f in before.errors}
    for f in after.sorted():
        hit = by_path.get(f.path)
        if hit is not None:
            report.add(_map(f, book, hit))
        elif f.severity is Severity.ERROR and (f.path, f.code, f.message) not in old:
            report.add(f)  # an error the import causes in another file
    if not report.ok or dry_run:
        return outcome
    files: dict[Path, str | bytes] = {}
    for st in sheets:
        path = inputs / st.file
        current = path.read_bytes() if path.is_file() else None
        data = _keep_style(current, st.text)
        if data == current:
            outcome.unchanged.append(st.file)
        else:
            files[path] = data
            outcome.written.append(st.file)
    if files:
        write_all(files)
    return outcome
