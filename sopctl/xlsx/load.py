"""`sopctl import xlsx WORKBOOK [CYCLE]`: sheets named after input tables become the cycle's CSV
inputs, checked by the same machinery as `sopctl validate`, written all-or-nothing.

1. Each sheet named after a declared input (its table type, e.g. `pipeline`, or its file name
   without `.csv`) becomes CSV text in memory (sheet.py). Sheets whose name starts with `_`
   are notes.
2. A temporary copy of the charters and the cycle receives those CSV files and is validated
   as a whole (types, ranges, keys, references across tables and to the charter).
3. Findings in a sheet point at the cell: `plan.xlsx:pipeline!C12` (sheet `pipeline`, column
   C, row 12), `plan.xlsx:pipeline!12:12` (the row), `plan.xlsx:pipeline` (the sheet).
4. Any error in a sheet, or an error elsewhere that the import causes (one the cycle did not
   have before), writes nothing. Otherwise the changed files are written in one step.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Report, Severity, finding
from .paths import stage, target_problem
from .sheet import SheetText, column_letter, filled, sheet_csv, where

__all__ = ["ImportOutcome", "SheetText", "column_letter", "import_workbook", "sheet_csv"]


@dataclass
class ImportOutcome:
    report: Report
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, file)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.report)


def _open(path: Path, book: str) -> tuple[Any, list[Finding]]:
    from . import require

    openpyxl = require("openpyxl")
    fix = "save it from Excel as .xlsx (File > Save As > Excel Workbook)"
    if path.suffix.lower() in (".xls", ".xlsb", ".ods", ".numbers"):
        msg = f"is a {path.suffix.lower()} file; sopctl reads .xlsx workbooks: {fix}"
        return None, [finding(book, 0, 0, "SOP010", msg)]
    try:
        return openpyxl.load_workbook(path, data_only=False), []
    except (zipfile.BadZipFile, OSError) as exc:  # not a zip archive, or unreadable
        why = str(exc) or "not a zip archive"
    except Exception:  # damaged parts: openpyxl and the XML parser raise their own errors
        why = "a part of it is damaged or missing"
    msg = f"cannot be read as an .xlsx workbook ({why}); {fix}"
    return None, [finding(book, 0, 0, "SOP010", msg)]


_LINE = re.compile(r"\b(first )?on line (\d+)")
_COLUMN = re.compile(r"\bas column (\d+)")  # SOP205: "(first as column 2)"


def _map(f: Finding, book: str, st: SheetText) -> Finding:
    """A finding on the temporary CSV file, moved to the sheet's cell."""

    def row_of(line: int) -> int:
        return st.rows[line - 1] if 0 < line <= len(st.rows) else 0

    def column_of(n: int) -> str:
        return column_letter(st.cols[n - 1]) if 0 < n <= len(st.cols) else str(n)

    msg = _LINE.sub(lambda m: f"{m[1] or ''}in row {row_of(int(m[2]))}", f.message)
    msg = _COLUMN.sub(lambda m: f"in column {column_of(int(m[1]))}", msg)
    col = st.cols[f.col - 1] if f.line and 0 < f.col <= len(st.cols) else 0
    return Finding(where(book, st.sheet, row_of(f.line), col), 0, 0, f.code, msg, f.severity)


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
                    where(book, title),
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
                    where(book, title),
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


def _other_cycle(wb: Any, book: str, cycle: str) -> list[Finding]:
    """A warning when the workbook's `_about` sheet (export --inputs) names another cycle."""
    about = next((wb[t] for t in wb.sheetnames if t.strip().lower() == "_about"), None)
    if about is None:
        return []
    for cells in filled(about).values():
        key, value = cells.get(1), cells.get(2)
        if key is not None and value is not None and str(key.value).strip() == "cycle":
            source = str(value.value).strip()
            if source != cycle:
                return [
                    finding(
                        where(book, about.title),
                        0,
                        0,
                        "SOP018",
                        f"this workbook was exported from cycle {source} and is imported into "
                        f"{cycle}; check it is the right file, or name the cycle: "
                        f"sopctl import xlsx {book} {source}",
                    )
                ]
    return []


# a quoted field (kept as it is: its line breaks are the value's) or a record's line end
_FIELD_OR_END = re.compile(r'("(?:[^"]|"")*")|\n')


def _keep_style(old: bytes | None, text: str) -> bytes:
    """Keep an existing file's byte-order mark and CRLF line ends. Only the line ends between
    records become CRLF: a line break inside a quoted value is part of the value."""
    data = text
    if old is not None and b"\r\n" in old.split(b"\n", 1)[0] + b"\n":
        data = _FIELD_OR_END.sub(lambda m: m.group(1) or "\r\n", text)
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
    report.extend(_other_cycle(wb, book, cycle))
    sheets, fs = _match_sheets(wb, book, ws.charter.inputs)
    report.extend(fs)
    bucket = ws.charter.cadence.bucket
    for st in sheets:
        dtypes: dict[str, str] = {c.name: c.dtype for c in CONTRACTS[st.table].columns}
        report.extend(sheet_csv(wb[st.sheet], book, st, dtypes, bucket))
        outcome.sheets.append((st.sheet, st.file))
    if not sheets:
        return outcome
    inputs = ws.cycle_dir / "inputs"
    targets = [target_problem(root, inputs / st.file, f"{book}:{st.sheet}") for st in sheets]
    if any(targets):
        report.extend(f for f in targets if f is not None)
        return outcome  # nothing is staged or written through a link that leads elsewhere
    # A sheet with a refused cell (a formula, an error value ...) is checked once that is fixed:
    # read as empty, the cell would bring follow-on findings here and in other sheets. The
    # other sheets are checked now, against the repository's file for that one.
    refused = {f.path.split("!")[0] for f in report if f.severity is Severity.ERROR}
    checked = [st for st in sheets if f"{book}:{st.sheet}" not in refused]
    by_path = {f"cycles/{cycle}/inputs/{st.file}": st for st in checked}
    with tempfile.TemporaryDirectory(prefix="sopctl-import-") as tmp:
        stage(root, cycle, Path(tmp))
        for st in checked:
            target = Path(tmp) / "cycles" / cycle / "inputs" / st.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # a copied link: the staged file is a file of its own
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
        path = Path(os.path.realpath(inputs / st.file))  # a link inside the repo: its file
        current = path.read_bytes() if path.is_file() else None
        data = _keep_style(current, st.text)
        if data == current:
            outcome.unchanged.append(st.file)
        else:
            files[path] = data
            outcome.written.append(st.file)
    if files:
        write_all(files, root=ws.root)
    return outcome
