"""`sopctl export xlsx`: the plan's result tables (or, with --inputs, the input tables) as one
workbook. Written with XlsxWriter; bytes are deterministic (fixed document date, XlsxWriter's
fixed zip timestamps), so the same plan gives the same file.

Every sheet: header row frozen, autofilter, number formats per column, column widths from the
content. Text cells that start with = + - @ (or a tab / carriage return) carry Excel's quote
prefix: the cell is a string (a string cell never runs as a formula), and the prefix keeps it
text when someone edits it. The value itself is unchanged, so an input workbook imports back
byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Report, finding
from .cells import as_number, needs_quote_prefix

if TYPE_CHECKING:
    from ..report.source import PlanSource
    from ..validate import Workspace

MAX_ROWS = 1_048_575  # rows of an Excel sheet below its header
CREATED = dt.datetime(2000, 1, 1)  # fixed document date: no clock in the file
ORDER = (
    "supply_plan.csv",
    "capacity_plan.csv",
    "materials_plan.csv",
    "exceptions.csv",
    "finance.csv",
    "demand_plan.csv",
    "demand_sources.csv",
    "pipeline_coverage.csv",
    "baseline_methods.csv",
)
SHARE = {"utilisation", "supplier_utilisation", "coverage", "service_level", "fill_rate"}
PERCENT = {"gross_margin_pct"}  # already × 100
MONEY = {
    "revenue",
    "cogs",
    "gross_margin",
    "material_purchases",
    "conversion_costs",
    "inventory_value",
    "work_in_process_value",
    "material_inventory_value",
    "receivables",
    "payables",
    "working_capital",
    "cash_flow",
    "cumulative_cash_flow",
    "value",
    "shadow_price",
}
WHOLE = {"history_periods", "source_line"}
# summary.json keys (the last part of `finance.revenue`) besides the columns above
SUMMARY_MONEY = {
    "objective",
    "average_working_capital",
    "peak_working_capital",
    "ending_inventory_value",
    "average_inventory_value",
    "total_cash_flow",
    "subcontract_premium",
    "materials_above_standard",
    "stock_revaluation",
    "opening_working_capital",
}
SUMMARY_WHOLE = {"priority", "runs"}  # and every count under `exceptions`


@dataclass
class ExportOutcome:
    data: bytes
    sheets: list[tuple[str, int]]  # (sheet, data rows)
    report: Report = field(default_factory=Report)


def _xlsxwriter() -> Any:
    from . import require

    return require("xlsxwriter")


class Book:
    """A workbook with the shared formats."""

    def __init__(self, currency: str) -> None:
        xw = _xlsxwriter()
        self.buf = io.BytesIO()
        self.wb = xw.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False})
        self.wb.set_properties({"created": CREATED, "author": "sopctl", "comments": ""})
        add = self.wb.add_format
        self.fmt = {
            "head": add({"bold": True, "bg_color": "#EDF2F7", "bottom": 1, "text_wrap": False}),
            "text": add({"num_format": "@"}),
            "quoted": add({"num_format": "@", "quote_prefix": True}),
            "num": add({"num_format": "#,##0.00"}),
            "whole": add({"num_format": "0"}),
            "general": add({"num_format": "General"}),
            # two decimals: 0.9796 shows 97.96 %, not 98.0 % beside a 0.98 target
            "share": add({"num_format": "0.00%"}),
            "percent": add({"num_format": '0.00" %"'}),
            "money": add({"num_format": f'#,##0.00 "{currency}"'}),
            "over": add({"bg_color": "#FED7D7", "font_color": "#9B2C2C", "bold": True}),
        }

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def _width(texts: list[str]) -> float:
    return float(min(max((len(t) for t in texts), default=6) + 2, 60))


def _sheet(
    book: Book,
    name: str,
    header: list[str],
    rows: list[list[Any]],
    kinds: list[str],
    row_kinds: list[str] | None = None,
) -> None:
    """Write one table. `rows` hold str (text), float/int (numbers) or None (empty);
    `kinds[i]` names the number format of column i (text columns use 'text'), or
    `row_kinds[r]` that of the numbers in row r (the summary's `key | value` rows)."""
    ws = book.wb.add_worksheet(name)
    f = book.fmt
    for c, h in enumerate(header):
        ws.write_string(0, c, h, f["head"])
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v, f["quoted"] if needs_quote_prefix(v) else f["text"])
            else:
                kind = row_kinds[r - 1] if row_kinds is not None else kinds[c]
                ws.write_number(r, c, v, f[kind if kind != "text" else "general"])
    for c, h in enumerate(header):
        shown = [h] + [_shown(row[c]) for row in rows[:2000] if c < len(row)]
        ws.set_column(c, c, _width(shown), f[kinds[c]] if kinds[c] == "text" else None)
        if kinds[c] == "share" and h in ("utilisation", "supplier_utilisation") and rows:
            ws.conditional_format(
                1,
                c,
                len(rows),
                c,
                {"type": "cell", "criteria": ">", "value": 1, "format": f["over"]},
            )
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), max(len(header) - 1, 0))


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return f"{v:,.2f} XXX" if isinstance(v, float) else str(v)


def _kind(column: str, values: list[Any]) -> str:
    if not any(isinstance(v, int | float) for v in values):
        return "text"
    if column in SHARE:
        return "share"
    if column in PERCENT:
        return "percent"
    if column in MONEY:
        return "money"
    return "whole" if column in WHOLE else "num"


def _csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return (rows[0] if rows else []), rows[1:]


TEXT_COLUMNS = {"item", "segment", "resource", "material", "period", "kind", "source_id"}


def _typed(header: list[str], rows: list[list[str]]) -> tuple[list[list[Any]], list[str]]:
    """Output cells: a column is numeric when every non-empty value is a number (id columns
    always stay text)."""
    cols = list(zip(*rows, strict=False)) if rows else [() for _ in header]
    numeric = []
    for name, values in zip(header, cols, strict=False):
        ok = name not in TEXT_COLUMNS and any(v for v in values)
        for v in values:
            if v:
                try:
                    float(v)
                except ValueError:
                    ok = False
                    break
        numeric.append(ok)
    out = [
        [(float(v) if numeric[i] and v else v or None) for i, v in enumerate(row)] for row in rows
    ]
    kinds = [
        _kind(h, [r[i] for r in out[:50] if i < len(r)]) if numeric[i] else "text"
        for i, h in enumerate(header)
    ]
    return out, kinds


def _too_big(name: str, rows: int, report: Report) -> bool:
    if rows <= MAX_ROWS:
        return False
    report.add(
        finding(
            name,
            0,
            0,
            "SOP965",
            f"{rows:,} rows do not fit in one sheet (at most {MAX_ROWS:,}); use the CSV file",
        )
    )
    return True


def summary_kind(key: str) -> str:
    """The number format of a summary.json value, chosen by its key: shares of 1 (service
    level, fill rate, its target, utilisation) as percentages, money in the charter's currency
    (`costs.*`, the plan cost, finance's values), counts as whole numbers, the MIP gap as
    stored, other quantities as `#,##0.00`. The value itself is never rounded."""
    group, leaf = key.partition(".")[0], key.rpartition(".")[2]
    if leaf in SHARE or (group == "service" and leaf == "target"):
        return "share"
    if leaf in PERCENT:
        return "percent"
    if group == "costs" or leaf in MONEY or leaf in SUMMARY_MONEY:
        return "money"
    if group == "exceptions" or leaf in SUMMARY_WHOLE:
        return "whole"
    return "general" if leaf == "mip_gap" else "num"


def summary_label(key: str) -> str:
    """A summary.json value as the other outputs name it (the key stays: it is the file's):
    the plan cost (`objective`, `costs.total`, `solver.objective`) as finance.PLAN_COST, a cost
    part as reconcile's cost table ('safety-stock penalty'); '' for the other keys."""
    from ..finance import PLAN_COST, cost_words

    if key in ("objective", "costs.total", "solver.objective"):
        return PLAN_COST
    return cost_words(key.removeprefix("costs.")) if key.startswith("costs.") else ""


def _summary_rows(src: PlanSource) -> list[list[Any]]:
    doc = json.loads(src.files["summary.json"])
    rows: list[list[Any]] = [["cycle", src.ws.cycle_id], ["plan digest", src.digest]]
    if src.tag is not None:
        rows += [["tag", src.tag.name], ["commit", src.tag.commit], ["verified", src.tag.verdict]]
    else:
        rows.append(["source", "working tree (" + src.origin + ")"])

    def walk(prefix: str, v: Any) -> None:
        if isinstance(v, dict):
            for k in sorted(v):
                walk(f"{prefix}.{k}" if prefix else str(k), v[k])
        elif isinstance(v, list):
            for i, x in enumerate(v):
                label = x.get("segment") or x.get("resource") if isinstance(x, dict) else None
                walk(f"{prefix}.{label or i}", x)
        elif isinstance(v, bool) or v is None:
            rows.append([prefix, "" if v is None else str(v).lower()])
        elif isinstance(v, int | float):
            rows.append([prefix, float(v)])
        else:
            rows.append([prefix, str(v)])

    walk("", doc)
    return [[*row, summary_label(str(row[0]))] for row in rows]


def export_outputs(src: PlanSource) -> ExportOutcome:
    """A summary sheet plus one sheet per result table of the plan."""
    ws = src.ws
    assert ws.charter is not None
    book = Book(ws.charter.finance.currency)
    out = ExportOutcome(b"", [])
    summary = _summary_rows(src)
    kinds = [summary_kind(str(row[0])) for row in summary]
    _sheet(book, "summary", ["key", "value", "label"], summary, ["text", "num", "text"], kinds)
    out.sheets.append(("summary", len(summary)))
    names = [n for n in ORDER if n in src.files] + sorted(
        n for n in src.files if n.endswith(".csv") and n not in ORDER
    )
    for name in names:
        header, rows = _csv_rows(src.files[name])
        if _too_big(name, len(rows), out.report):
            continue
        typed, kinds = _typed(header, rows)
        sheet = name.removesuffix(".csv")[:31]
        _sheet(book, sheet, header, typed, kinds)
        out.sheets.append((sheet, len(rows)))
    out.data = book.close()
    return out


def export_inputs(ws: Workspace) -> ExportOutcome:
    """One sheet per declared input table (named after its table type), cells as in the CSV:
    numbers as numbers where the text round-trips exactly, everything else as text. The
    `_about` sheet records the cycle and what each sheet was made from (record.py)."""
    from ..tables.contracts import CONTRACTS
    from .record import ABOUT, ABOUT_HEADER, Exported, about_rows, csv_cells_digest, file_digest

    assert ws.charter is not None
    out = ExportOutcome(b"", [])
    tables: list[tuple[str, list[str], list[list[str]]]] = []  # (table, header, rows)
    exported: list[Exported] = []
    seen: set[str] = set()
    for decl in ws.charter.inputs:
        path = ws.cycle_dir / "inputs" / decl.file
        if decl.table in seen or not (path.exists() or path.is_symlink()):
            continue  # an optional input not given: no sheet
        seen.add(decl.table)
        data = _input_bytes(ws.root, path, out.report)
        if data is None:
            continue
        header, rows = _csv_rows(data)
        if _too_big(decl.file, len(rows), out.report):
            continue
        tables.append((decl.table, header, rows))
        exported.append(Exported(decl.file, file_digest(data), csv_cells_digest(header, rows)))
    book = Book(ws.charter.finance.currency)
    about = about_rows(ws.cycle_id, ws.cycle.charter if ws.cycle else "", exported)
    _sheet(book, ABOUT, ABOUT_HEADER, about, ["text"] * len(ABOUT_HEADER))
    for table, header, rows in tables:
        dtypes = {c.name: c.dtype for c in CONTRACTS[table].columns}
        numeric = [dtypes.get(h.strip().lower()) in ("int", "float") for h in header]
        typed: list[list[Any]] = []
        for row in rows:
            cells: list[Any] = []
            for i, v in enumerate(row):
                num = as_number(v) if i < len(numeric) and numeric[i] else None
                cells.append(v if num is None else num)
            typed.append(cells)
        # General, integer columns too: a whole number shows as it is, and 2.5 typed into an
        # integer column shows 2.5 (a `0` format would show 3, while the cell holds 2.5)
        kinds = ["general" if numeric[i] else "text" for i in range(len(header))]
        _sheet(book, table, header, typed, kinds)
        out.sheets.append((table, len(rows)))
    out.data = book.close()
    return out


def _input_bytes(root: Path, path: Path, report: Report) -> bytes | None:
    """The bytes of one input file, or None with the finding that says why it is left out
    (`paths.target_problem`: a symlink out of the repository, a folder, a broken link, a FIFO
    or device), or that it cannot be read, or is not UTF-8 (SOP004)."""
    from ..tables.encoding import decode_problem
    from ..workspace import display
    from .paths import target_problem

    shown = display(root, path)
    report.checked_files.append(shown)
    if (problem := target_problem(root, path, shown)) is not None:
        report.add(problem)
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(finding(shown, 0, 0, "SOP007", f"cannot read the file: {exc.strerror}"))
        return None
    if (bad := decode_problem(shown, data)) is not None:  # e.g. a Latin-1 CSV saved by Excel
        report.add(bad)
        return None
    return data
