"""`sopctl import xlsx WORKBOOK [CYCLE]`: sheets named after input tables become the cycle's CSV
inputs, checked by the same machinery as `sopctl validate`, written all-or-nothing.

1. The workbook's export record (`_about`, record.py) names the cycle it was exported from:
   another cycle than the one imported into is refused unless that one was named (SOP018).
2. Each sheet named after a declared input (its table type, e.g. `pipeline`, or its file name
   without `.csv`) is read as CSV text (sheet.py). Sheets whose name starts with `_` are notes.
3. A sheet whose values are those it was exported with (in any column order) is not edited:
   its file is left as it is now. An edited sheet replaces its file only when that file is
   still the one the sheet was exported from (SOP020 otherwise: writing it would undo a change
   made since). Without a record every sheet counts as edited (SOP021 says so).
4. A temporary copy of the charters and the cycle receives the edited sheets' CSV files and
   is validated as a whole (types, ranges, keys, references across tables and to the charter).
   Findings in a sheet point at the cell: `plan.xlsx:pipeline!C12` (sheet `pipeline`, column
   C, row 12), `plan.xlsx:pipeline!12:12` (the row), `plan.xlsx:pipeline` (the sheet).
5. Any error in a sheet, or an error elsewhere that the import causes (one the cycle did not
   have before), writes nothing; a warning the import causes elsewhere is reported. Otherwise
   the changed files are written in one step, each in its own column order, the lines of rows
   whose values did not change byte for byte as they were (writeback.py).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Report, Severity, finding
from ..tables.idrule import shown
from .paths import stage, target_problem
from .record import cycle_problem, no_record, read_record, stale
from .sheet import SheetText, column_letter, drop_columns, filled, merge_note, sheet_csv, where
from .writeback import write_back

__all__ = ["ImportOutcome", "SheetText", "column_letter", "import_workbook", "sheet_csv"]


@dataclass
class ImportOutcome:
    report: Report
    written: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # written, or to be without --dry-run
    unchanged: list[str] = field(default_factory=list)  # read, and the same bytes as the file
    untouched: list[str] = field(default_factory=list)  # not edited since the export: left alone
    no_sheet: list[str] = field(default_factory=list)  # inputs without a sheet: left alone
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


_CELL = re.compile(r"![A-Z]+[0-9]+$")  # a finding located at one cell
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
    row = row_of(f.line)
    msg += merge_note(st, row, col) if row and col else ""
    return Finding(where(book, st.sheet, row, col), 0, 0, f.code, msg, f.severity)


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
        if d is None and not filled(wb[title]):  # an empty sheet (Excel's Sheet1): a note
            msg = f"sheet '{title}' is empty and no input table of this cycle: ignored; delete it"
            findings.append(finding(where(book, title), 0, 0, "SOP011", msg, Severity.WARNING))
            continue
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
    if not out and Report(findings).ok:
        known = ", ".join(sorted({x.table for x in decls}))
        findings.append(
            finding(book, 0, 0, "SOP016", f"no sheet is named after an input table ({known})")
        )
    return out, findings


def _current(path: Path) -> bytes | None:
    """The bytes of the file a sheet replaces (through a link inside the repository), or None
    when there is none."""
    real = Path(os.path.realpath(path))
    return real.read_bytes() if real.is_file() else None


def _file_columns(data: bytes | None) -> set[str]:
    """The column names in the header of a CSV file, as validate matches them."""
    from ..tables.csvread import HEAD_BYTES

    if not data:
        return set()
    text = data[:HEAD_BYTES].decode("utf-8-sig", errors="replace")
    try:
        head = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return set()
    return {name.strip().lower() for name in head}


def _extra_columns(
    st: SheetText, known: tuple[str, ...], file_has: set[str], book: str
) -> list[Finding]:
    """Columns of the sheet that are no column of the table and that the file did not carry
    (a `comment` added in the workbook) are left out of the CSV, with SOP204 saying so: an
    unknown column is only ever a warning (as in a CSV file), and the workbook may keep it as
    a note. A column the file already carries is written back as the file had it."""
    if not st.cells:
        return []
    out: list[Finding] = []
    drop: set[int] = set()
    for i, name in enumerate(st.cells[0]):
        key = name.lower()
        if key and key not in known and key not in file_has:
            drop.add(i)
            out.append(
                finding(
                    where(book, st.sheet, st.at[0], st.cols[i]),
                    0,
                    0,
                    "SOP204",
                    f"column '{shown(name)}' is not part of the {st.table} table: left out of "
                    f"{st.file} (kept in the workbook only); to import it, rename it to one of: "
                    f"{', '.join(known)}",
                )
            )
    if drop:
        drop_columns(st, drop)
    return out


def import_workbook(
    root: Path, cycle: str, workbook: Path, dry_run: bool = False, chosen: str | None = None
) -> ImportOutcome:
    """Import `workbook` into `cycle`. `chosen` says how the cycle was picked when it was not
    named on the command line ('the latest cycle'); None: named."""
    from ..outputs import write_all
    from ..tables.contracts import CONTRACTS
    from ..validate import load_workspace
    from ..workspace import display, list_cycles

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
    rec = read_record(wb)
    if (other := cycle_problem(rec, book, cycle, chosen, list_cycles(root))) is not None:
        report.add(other)
        if other.severity is Severity.ERROR:
            return outcome  # nothing of another cycle's workbook is read unless it is named
    sheets, fs = _match_sheets(wb, book, ws.charter.inputs)
    report.extend(fs)
    if not sheets:
        return outcome
    if not rec.inputs:
        report.add(no_record(book))
    bucket = ws.charter.cadence.bucket
    edited: list[SheetText] = []
    for st in sheets:
        dtypes: dict[str, str] = {c.name: c.dtype for c in CONTRACTS[st.table].columns}
        found = sheet_csv(wb[st.sheet], book, st, dtypes, bucket)
        outcome.sheets.append((st.sheet, st.file))
        exported = rec.inputs.get(st.file)
        same = exported is not None and exported.cells_sha256 in (st.digest, st.legacy)
        if not same or not Report(found).ok:
            edited.append(st)
            report.extend(found)
        else:  # as exported: its file is left as it is now, whatever changed in it since
            outcome.untouched.append(st.file)
    inputs = ws.cycle_dir / "inputs"
    have = {st.file for st in sheets}
    for d in ws.charter.inputs:
        path = inputs / d.file
        if d.file not in have and d.file not in outcome.no_sheet and (path.exists()):
            outcome.no_sheet.append(d.file)  # a sheet deleted from the workbook: file left alone
    targets = [target_problem(root, inputs / st.file, f"{book}:{st.sheet}") for st in sheets]
    if any(targets):
        report.extend(f for f in targets if f is not None)
        return outcome  # nothing is staged or written through a link that leads elsewhere
    current = {st.file: _current(inputs / st.file) for st in edited}
    for st in edited:
        if rec.inputs:
            shown = display(root, inputs / st.file)
            found_stale = stale(book, st.sheet, shown, rec.inputs.get(st.file), current[st.file])
            report.extend([found_stale] if found_stale else [])
        known = CONTRACTS[st.table].names
        report.extend(_extra_columns(st, known, _file_columns(current[st.file]), book))
    data = {st.file: write_back(current[st.file], st, CONTRACTS[st.table].names) for st in edited}
    _check(root, cycle, book, edited, before, report)
    if not report.ok:
        return outcome
    files: dict[Path, str | bytes] = {}
    for st in edited:
        if data[st.file] == current[st.file]:
            outcome.unchanged.append(st.file)
        else:
            files[Path(os.path.realpath(inputs / st.file))] = data[st.file]  # a link: its file
            outcome.changed.append(st.file)
    if files and not dry_run:
        write_all(files, root=ws.root)
        outcome.written = list(outcome.changed)
    return outcome


def _check(
    root: Path, cycle: str, book: str, sheets: list[SheetText], before: Report, report: Report
) -> None:
    """Validate the cycle with the sheets' CSV texts in place of their files, in a temporary
    copy; findings in those files move to the sheets' cells, and an error the import causes in
    another file is reported as it is."""
    from ..validate import load_workspace

    # A sheet with a refused cell (a formula, an error value ...) is checked once that is fixed:
    # read as empty, the cell would bring follow-on findings here and in other sheets. The
    # other sheets are checked now, against the repository's file for that one.
    refused = {f.path.split("!")[0] for f in report if f.severity is Severity.ERROR}
    checked = [st for st in sheets if f"{book}:{st.sheet}" not in refused]
    if not checked:
        return  # no file would change: nothing to check again
    by_path = {f"cycles/{cycle}/inputs/{st.file}": st for st in checked}
    with tempfile.TemporaryDirectory(prefix="sopctl-import-") as tmp:
        stage(root, cycle, Path(tmp))
        for st in checked:
            target = Path(tmp) / "cycles" / cycle / "inputs" / st.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # a copied link: the staged file is a file of its own
            target.write_text(st.text, encoding="utf-8", newline="")
        _, after = load_workspace(Path(tmp), cycle, cwd=Path(tmp))
    old = {(f.path, f.code, f.message) for f in before}
    mapped: dict[str, list[Finding]] = {}  # by location: one finding per cell
    for f in after.sorted():
        hit = by_path.get(f.path)
        if hit is not None:
            g = _map(f, book, hit)
            mapped.setdefault(g.path if _CELL.search(g.path) else str(id(g)), []).append(g)
        elif f.severity is not Severity.INFO and (f.path, f.code, f.message) not in old:
            report.add(f)  # an error or a warning the import causes in another file
    for found in mapped.values():
        errors = [g for g in found if g.severity is Severity.ERROR]
        report.extend(errors[:1] or found)  # e.g. SOP302 for '15%', not also a rule on it
