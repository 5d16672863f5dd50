"""Read a CSV the way people actually save them, or say precisely why it cannot be read.

Fast path: the bytes go to Polars as strings in one call. The slower diagnosis paths (stdlib csv
or NumPy over the raw bytes) only run when something looks wrong, so a clean million-row file
costs one Polars read plus a few vectorised scans.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Set
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ..files import not_regular
from ..findings import Finding, finding
from ..hints import SEMICOLON_ADVICE, SEPARATOR_ADVICE
from .encoding import decode_problem, line_col
from .idrule import shown
from .lines import LINE as LINE  # re-exported: the column every table module reads
from .ragged import (
    diagnose,
    empty_tails,
    line_starts_python,
    long_rows,
    ragged_findings,
    short_rows,
    trailing_findings,
)

HEAD_BYTES = 1 << 16  # the header is parsed from this much of the file
_EMPTY = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")
BLANK = "__blank_"  # placeholder name of a header column without a name


@dataclass
class RawTable:
    """Cells as stripped strings (empty -> null) plus the physical line of each row."""

    path: str
    header: list[str]  # normalised column names in file order
    frame: pl.DataFrame
    dropped: int = 0  # rows left out because they could not be split into fields (SOP206)


def _header_fields(path: str, names_raw: list[str]) -> tuple[list[str], list[Finding]]:
    """Normalised header names ('' for a column without a name) and duplicate findings."""
    names = [f.strip().lower() for f in names_raw]
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names, start=1):
        if n in seen:
            out.append(
                finding(
                    path,
                    1,
                    i,
                    "SOP205",
                    f"column '{shown(n)}' appears again (first as column {seen[n]}); "
                    "rename or delete one",
                )
            )
        elif n:
            seen[n] = i
    return names, out


def _first_record(text: str) -> tuple[list[str], int]:
    """The header record and the number of physical lines it spans."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rec = next(reader, [])
    except csv.Error:
        return text.split("\n", 1)[0].rstrip("\r").split(","), 1
    return rec, max(reader.line_num, 1)


def _sniff_separator(path: str, header_line: str, known: set[str]) -> Finding | None:
    for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
        parts = [p.strip().lower() for p in header_line.split(sep)]
        if len(parts) > 1 and len(known.intersection(parts)) >= 2:
            why = f"the file is separated by {label}; {SEPARATOR_ADVICE}"
            return finding(path, 1, 1, "SOP202", why + (SEMICOLON_ADVICE if sep == ";" else ""))
    return None


def read_raw(
    path: Path, display: str, columns: Collection[str], max_bytes: int
) -> tuple[RawTable | None, list[Finding]]:
    """Read one CSV file of a table with `columns` (messages list them in their order, a set
    sorted). Returns (table, findings); table is None when it cannot be used."""
    known_columns = set(columns)
    listed = ", ".join(sorted(columns) if isinstance(columns, Set) else columns)
    if path.is_dir():
        return None, [
            finding(display, 0, 0, "SOP002", "this is a directory; put the table in a .csv file")
        ]
    if (odd := not_regular(path, display)) is not None:
        return None, [odd]
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [finding(display, 0, 0, "SOP007", f"cannot read the file: {exc.strerror}")]
    if size > max_bytes:
        return None, [
            finding(
                display,
                0,
                0,
                "SOP006",
                f"the file has {size / 2**20:,.1f} MiB, above the limit of "
                f"{max_bytes / 2**20:,.0f} MiB; split it or raise "
                "limits.max_input_mb in the charter",
            )
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [finding(display, 0, 0, "SOP007", f"cannot read the file: {exc.strerror}")]
    if _EMPTY.fullmatch(data):
        return None, [
            finding(
                display,
                0,
                0,
                "SOP005",
                f"the file is empty; add the header row ({listed}) and the data",
            )
        ]
    if b"\r" in data and b"\n" not in data:
        return None, [
            finding(
                display,
                1,
                1,
                "SOP201",
                "the lines end with a bare carriage return (old Mac format), so the file reads as "
                "one line; save it with Windows or Unix line ends",
            )
        ]
    # the header is read from the start of the file only (no copy of a large file)
    bad = decode_problem(display, data[: data.find(b"\n", 0, HEAD_BYTES) % (HEAD_BYTES + 1)])
    if bad:  # the header row must be UTF-8; Polars checks the rest while reading
        return None, [bad]
    head = data[:HEAD_BYTES].decode("utf-8-sig", errors="replace")
    header_raw, header_lines = _first_record(head)
    sep = _sniff_separator(display, header_raw[0] if len(header_raw) == 1 else "", known_columns)
    if sep:
        return None, [sep]
    header, findings = _header_fields(display, header_raw)
    if not known_columns.intersection(header):
        bad = decode_problem(display, data[:HEAD_BYTES])
        return None, [
            bad
            or finding(
                display,
                1,
                1,
                "SOP201",
                "the first line is not a header this table knows; the first line "
                f"must name the columns ({listed})",
            )
        ]
    if findings:
        return None, findings
    # columns without a name (trailing commas from spreadsheets) get placeholders
    read_names = [n or f"{BLANK}{i}" for i, n in enumerate(header, start=1)]
    has_quotes = b'"' in data
    long: list[tuple[int, int]] = []  # rows with more fields than the header
    try:
        frame = _read(data, read_names)
    except pl.exceptions.PolarsError:  # Polars refuses invalid UTF-8 and ragged long rows
        bad = decode_problem(display, data)
        if bad:
            return None, [bad]
        # long rows (only these, no broken quote): left out like short rows, so the values
        # of the other rows are still checked; the clean path never comes here
        long = long_rows(data, len(header))
        kept = _read_truncated(data, read_names) if long else None
        if kept is None:
            return None, diagnose(display, data, len(header))
        frame = kept
    n = frame.height
    # physical line of each record
    if header_lines > 1 or (has_quotes and _has_newline_in_cells(frame)):
        starts = line_starts_python(data)
        if len(starts) - 1 != n:
            return None, diagnose(display, data, len(header))
        frame = frame.with_columns(pl.Series(LINE, starts[1:], dtype=pl.Int64))
    else:
        # a row index keeps the frame's chunking, so later filters need not copy every column
        frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    # strip cells (one column at a time: never two copies of the table); empty -> null.
    # Without quotes a cell can only have surrounding blanks next to a separator or a line
    # end, which a few byte scans rule out for most files.
    if has_quotes or _may_have_padding(data, frame.height):
        for c in read_names:
            frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None))
    # blank lines parse as all-null rows; only possible when every column has nulls
    if min(frame.select(pl.col(read_names).null_count()).row(0), default=0) > 0:
        blank = frame.select(pl.all_horizontal(pl.col(read_names).is_null())).to_series()
        if blank.any():
            blank_lines = frame.filter(blank)[LINE]
            last_data = frame.filter(~blank)[LINE].max()
            for line in blank_lines.to_list():
                if last_data is not None and line < last_data:  # type: ignore[operator]
                    findings.append(
                        finding(
                            display, line, 0, "SOP208", "blank line inside the table; delete it"
                        )
                    )
            frame = frame.filter(~blank)
    # rows with fewer fields than the header parse with trailing nulls: confirm on the bytes
    short: list[tuple[int, int]] = []
    if len(header) > 1 and frame.height:
        short = short_rows(data, frame, read_names, has_quotes)
    if short or long:  # report them and check the rest of the table without them
        short = sorted(set(short + long))  # a cut long row may be a suspect short one too
        # rows that differ by empty trailing fields alone (a spreadsheet's empty columns)
        # lose nothing: one warning, and they are checked as they are
        tails = empty_tails(data, header, short, has_quotes)
        findings += trailing_findings(display, header, tails)
        short = sorted(set(short) - set(tails))
        findings += ragged_findings(display, short, len(header))
        frame = frame.filter(~pl.col(LINE).is_in([ln for ln, _ in short]))
    findings += _blank_columns(display, frame)
    nul = data.find(b"\x00")  # one memchr over the bytes already in memory
    if nul >= 0:
        findings.append(
            finding(
                display,
                line_col(data, nul)[0],
                0,
                "SOP008",
                "this line holds a NUL character (byte 0), left by a broken export; delete it "
                "(git may take the file for binary and show no diff of it)",
            )
        )
    frame = frame.drop([c for c in frame.columns if c.startswith(BLANK)])
    return RawTable(display, header, frame, dropped=len(short)), findings


def _read(data: bytes, names: list[str], truncate: bool = False) -> pl.DataFrame:
    """All cells as strings; `truncate`: a long row keeps its first len(names) fields."""
    return pl.read_csv(
        io.BytesIO(data),
        infer_schema=False,
        has_header=True,
        new_columns=names,
        raise_if_empty=False,
        truncate_ragged_lines=truncate,
    )


def _read_truncated(data: bytes, names: list[str]) -> pl.DataFrame | None:
    try:
        return _read(data, names, truncate=True)
    except pl.exceptions.PolarsError:
        return None


def _blank_columns(path: str, frame: pl.DataFrame) -> list[Finding]:
    out = []
    for name in (c for c in frame.columns if c.startswith(BLANK)):
        filled = frame.filter(pl.col(name).is_not_null())
        if filled.height:
            out.append(
                finding(
                    path,
                    int(filled[0, LINE]),
                    int(name.removeprefix(BLANK)),
                    "SOP209",
                    f"this column has no name in the header but holds values "
                    f"({filled.height} rows); name it or delete the values",
                )
            )
    return out


def _may_have_padding(data: bytes, rows: int) -> bool:
    """Could any unquoted cell start or end with a space or tab? True when a blank touches a
    separator or a line end (a few vectorised scans; most files have no such blank)."""
    if rows > 100_000:
        a = np.frombuffer(data, dtype=np.uint8)
        blank = np.flatnonzero((a == 32) | (a == 9))
        if blank.size == 0:
            return False
        if blank[0] == 0 or blank[-1] == a.size - 1:
            return True
        edge = (44, 10, 13)
        return bool(np.isin(a[blank - 1], edge).any() or np.isin(a[blank + 1], edge).any())
    return True  # small files: stripping costs less than looking


def _has_newline_in_cells(frame: pl.DataFrame) -> bool:
    if frame.height == 0:
        return False
    hit = frame.select(pl.any_horizontal(pl.all().str.contains("\n", literal=True)).any())
    return bool(hit.item())
