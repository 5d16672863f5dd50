"""The export record of an input workbook: the cycle and the bytes each sheet was made from,
kept in its `_about` sheet, so that `sopctl import xlsx` can tell a sheet edited in the workbook
from a file changed in the repository since the export, and never write an old sheet over a
newer file.

`_about` holds `key | value | file SHA-256 | cells SHA-256` rows; the record is the `cycle` row
and one `input` row per sheet:

    input | pipeline.csv | SHA-256 of the CSV bytes exported | SHA-256 of the sheet's values

The cells digest is taken over the values as import reads them back (header first, only the
columns the header names, in the order of their header texts, rows without any value left out;
a text holding `_x000D_` as the reader decodes it), so a sheet nobody edited matches it
whatever the file's quoting, line ends, byte-order mark or text, and a sheet whose columns were
only moved or reformatted matches too. Workbooks exported before the columns were put in
order carry the digest in the file's column order, which import accepts as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, Severity, finding

ABOUT = "_about"
INPUT = "input"  # key of a record row
ABOUT_HEADER = ["key", "value", "file SHA-256", "cells SHA-256"]


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CellsDigest:
    """SHA-256 over the rows of a table's values, one JSON array a row, the columns in the
    order of their header texts (the first row added), so that moving columns changes nothing;
    rows without any value count as absent (import skips them). `legacy()` is the digest in
    the columns' own order, as sopctl recorded it before."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self._legacy = hashlib.sha256()
        self._order: list[int] | None = None

    def add(self, values: list[str]) -> None:
        if self._order is None:
            self._order = sorted(range(len(values)), key=lambda i: values[i])
        if any(values):
            ordered = [values[i] if i < len(values) else "" for i in self._order]
            self._h.update(json.dumps(ordered, ensure_ascii=False).encode("utf-8") + b"\n")
            self._legacy.update(json.dumps(values, ensure_ascii=False).encode("utf-8") + b"\n")

    def hexdigest(self) -> str:
        return self._h.hexdigest()

    def legacy(self) -> str:
        return self._legacy.hexdigest()


def csv_cells_digest(header: list[str], rows: list[list[str]]) -> str:
    """The cells digest of a CSV table as its sheet is read back: a column whose header is
    empty gets no header cell and is no column on import; a short row reads as empty cells;
    a text is taken as the reader decodes it (a literal `_x000D_` comes back as a carriage
    return, cells.ooxml_text)."""
    from .cells import ooxml_text

    keep = [i for i, h in enumerate(header) if h]
    digest = CellsDigest()
    digest.add([ooxml_text(header[i]) for i in keep])
    for row in rows:
        digest.add([ooxml_text(row[i]) if i < len(row) else "" for i in keep])
    return digest.hexdigest()


@dataclass(frozen=True)
class Exported:
    file: str  # inside the cycle's inputs/
    file_sha256: str
    cells_sha256: str


@dataclass
class Record:
    """What a workbook says about its export. `inputs` is empty for a workbook without a
    record: made by hand, or exported by a sopctl before the record existed."""

    cycle: str | None = None
    sheet: str | None = None  # the title of the `_about` sheet
    inputs: dict[str, Exported] = field(default_factory=dict)


def about_rows(cycle: str, charter: str, exported: list[Exported]) -> list[list[Any]]:
    """The rows of `_about` below its header."""
    rows: list[list[Any]] = [
        ["cycle", cycle],
        ["charter", charter],
        ["how to use", f"Edit the sheets, then: sopctl import xlsx THIS_FILE {cycle}"],
        [
            "sheets",
            "one per input table, named after the table type; sheets whose name starts "
            "with _ are ignored on import",
        ],
        [
            "record",
            "the input rows below say what each sheet was made from; import writes a sheet "
            "only when its file is still that file, and leaves the file of a sheet not "
            "edited alone: do not edit them",
        ],
    ]
    rows += [[INPUT, e.file, e.file_sha256, e.cells_sha256] for e in exported]
    return rows


def read_record(wb: Any) -> Record:
    from .sheet import filled

    rec = Record()
    about = next((wb[t] for t in wb.sheetnames if t.strip().lower() == ABOUT), None)
    if about is None:
        return rec
    rec.sheet = about.title
    for cells in filled(about).values():
        texts = [str(cells[c].value).strip() if c in cells else "" for c in (1, 2, 3, 4)]
        key, value, file_sha, cells_sha = texts
        if key == "cycle" and value:
            rec.cycle = value
        elif key == INPUT and value:
            rec.inputs[value] = Exported(value, file_sha.lower(), cells_sha.lower())
    return rec


def cycle_problem(
    rec: Record, book: str, cycle: str, chosen: str | None, known: list[str]
) -> Finding | None:
    """SOP018 when the workbook was exported from another cycle than `cycle`: an error when
    the cycle was chosen (`chosen` says how: the latest, the current folder's), a warning when
    it was named on the command line."""
    if rec.cycle is None or rec.cycle == cycle:
        return None
    at = f"{book}:{rec.sheet}"
    if chosen is None:
        msg = f"this workbook was exported from cycle {rec.cycle} and is imported into {cycle}, "
        msg += "as named on the command line"
        return finding(at, 0, 0, "SOP018", msg, Severity.WARNING)
    msg = (
        f"this workbook was exported from cycle {rec.cycle}, and {cycle} is {chosen}: a "
        "workbook is imported into another cycle than its own only when that cycle is named"
    )
    into = f"bring its edits into {cycle}: sopctl import xlsx {book} {cycle}"
    if rec.cycle in known:
        msg += (
            f". To import it into its own cycle: sopctl import xlsx {book} {rec.cycle}; to {into}"
        )
    else:
        msg += f" (cycle {rec.cycle} is not in this repository). To {into}"
    return finding(at, 0, 0, "SOP018", msg, Severity.ERROR)


def no_record(book: str) -> Finding:
    return finding(
        book,
        0,
        0,
        "SOP021",
        "this workbook carries no export record (made by hand, or exported by an older "
        "sopctl), so import cannot tell whether a file changed in the repository since: every "
        "sheet is written over its file, undoing any such change; export the cycle again "
        "(sopctl export xlsx --inputs) to have that checked",
    )


def stale(
    book: str, sheet: str, shown: str, exported: Exported | None, now: bytes | None
) -> Finding | None:
    """SOP020 for a sheet edited in the workbook whose file changed in the repository since
    the export (or was added or deleted since): writing the sheet would undo that change."""
    if exported is None and now is None:
        return None  # an input added as a new sheet: there was no file, there is none
    if exported is not None and now is not None and file_digest(now) == exported.file_sha256:
        return None
    if exported is None:
        what = f"{shown} was added to the repository since this workbook was exported"
    elif now is None:
        what = f"{shown} was deleted from the repository since this workbook was exported"
    else:
        what = (
            f"{shown} changed in the repository since this workbook was exported (it is not "
            "the file this sheet was made from)"
        )
    return finding(
        f"{book}:{sheet}",
        0,
        0,
        "SOP020",
        f"the sheet was edited, and {what}: writing the sheet would undo that change. Export "
        f"again (sopctl export xlsx --inputs) and redo the sheet's edits there, or merge them "
        f"into the file with git (git log -p -- {shown} shows the change)",
    )
