"""An edited sheet written back over its CSV file so that `git diff` shows the edit only.

The file keeps its own column order (moving columns in the workbook changes nothing in it), and
every line whose row's values did not change keeps its bytes: its quoting, the blanks around
its values, a header typed ` On_Hand `, its line end. Edited and added rows are written with
minimal quoting and the file's line end; removed rows go. A column the sheet adds (one the
table's contract knows) goes where the contract's column order puts it: before the first of
the file's columns that comes after it in the contract, else at the end.

The result is accepted only when reading it back gives exactly the sheet's rows; otherwise (a
file whose quoting the line scan cannot follow) the sheet is written as a whole, as before.
A new file is written UTF-8 with `\\n` line ends; an existing one keeps its byte-order mark.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from .cells import ooxml_text
from .sheet import SheetText, render

BOM = b"\xef\xbb\xbf"
# a quoted field (its line breaks are the value's) or a record's line end
_FIELD_OR_END = re.compile(r'("(?:[^"]|"")*")|\r\n|\n')


@dataclass
class Line:
    """One record of the file: its text without the line end, the line end, its values."""

    raw: str
    end: str  # "\n", "\r\n", or "" for a last line without one
    values: list[str]


def _lines(text: str) -> list[Line] | None:
    """The file's records with their raw text, or None when the scan and the CSV reader do not
    agree on them (unbalanced quotes: then nothing is kept)."""
    spans: list[tuple[str, str]] = []
    start = 0
    for m in _FIELD_OR_END.finditer(text):
        if m.group(1) is None:
            spans.append((text[start : m.start()], m.group(0)))
            start = m.end()
    if start < len(text):
        spans.append((text[start:], ""))
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    if len(records) != len(spans):
        return None
    return [Line(raw, end, values) for (raw, end), values in zip(spans, records, strict=True)]


def _read(values: Sequence[str], width: int) -> tuple[str, ...]:
    """A file row's values as the sheet reads them back: decoded, trimmed, `width` wide (a
    short row reads as empty cells)."""
    row = [ooxml_text(v).strip() for v in values[:width]]
    return tuple(row + [""] * (width - len(row)))


def _order(file_head: list[str], sheet_head: list[str], known: Sequence[str]) -> list[int] | None:
    """The sheet's columns (indexes) in the order the file is written in: the file's columns
    in its order, a new column before the first file column that follows it in the contract.
    None when names repeat or are empty (then the sheet's order is kept)."""
    fkeys = [h.lower() for h in file_head]
    skeys = [h.lower() for h in sheet_head]
    if len(set(skeys)) != len(skeys) or "" in skeys or len(set(fkeys)) != len(fkeys):
        return None
    pos = {k: i for i, k in enumerate(skeys)}
    out = [pos[k] for k in fkeys if k in pos]
    rank = {name.lower(): n for n, name in enumerate(known)}
    for i, k in enumerate(skeys):
        if k in fkeys:
            continue
        r = rank.get(k)
        later = [j for j, s in enumerate(out) if r is not None and rank.get(skeys[s], -1) > r]
        out.insert(later[0] if later else len(out), i)
    return out


def write_back(old: bytes | None, st: SheetText, known: Sequence[str]) -> bytes:
    """The bytes of the sheet's file; st.text, st.rows and st.cols follow what is written (the
    staged check reads st.text and maps its lines and columns to the sheet's cells)."""
    merged = _merged(old, st, known) if old is not None and st.cells else None
    if merged is not None:
        return merged
    render(st)
    return keep_style(old, st.text)


def _merged(old: bytes, st: SheetText, known: Sequence[str]) -> bytes | None:
    try:
        text = old.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = _lines(text)
    if not lines or not lines[0].values:
        return None
    file_head = [h.strip() for h in lines[0].values]
    order = _order(file_head, st.cells[0], known)
    if order is None:
        return None
    head = [st.cells[0][i] for i in order]
    rows = [[values[i] for i in order] for values in st.cells[1:]]
    width = len(order)
    same = [h.lower() for h in head] == [h.lower() for h in file_head]
    pool: dict[tuple[str, ...], deque[Line]] = {}
    for line in lines[1:] if same else []:
        extra = line.values[width:]
        key = _read(line.values, width)
        if any(key) and not any(v.strip() for v in extra):
            pool.setdefault(key, deque()).append(line)
    nl = lines[0].end or "\n"
    parts: list[str] = []
    at: list[int] = []

    def put(raw: str, end: str, row: int) -> None:
        parts.append(raw + end)
        at.extend([row] * (raw.count("\n") + 1))

    if same and head == file_head:
        put(lines[0].raw, nl, st.at[0])
    else:
        put(_row(head), nl, st.at[0])
    for row, values in zip(st.at[1:], rows, strict=True):
        kept = pool.get(tuple(values))
        if kept:
            line = kept.popleft()
            put(line.raw, line.end or nl, row)
        else:
            put(_row(values), nl, row)
    if lines[-1].end == "" and parts:  # the file had no line end after its last line
        parts[-1] = parts[-1].removesuffix(nl)
    out = "".join(parts)
    if not _reads_as(out, [head, *rows], width):
        return None
    st.text, st.rows, st.cols = out, at, [st.cols[i] for i in order]
    return (BOM if old.startswith(BOM) else b"") + out.encode("utf-8")


def _row(values: list[str]) -> str:
    from ..tables.lines import csv_row

    return csv_row(values).removesuffix("\n")  # written with "\n": a value's "\n" is quoted


def _reads_as(text: str, expected: list[list[str]], width: int) -> bool:
    try:
        got = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error:
        return False
    if len(got) != len(expected):
        return False
    return all(_read(g, width) == tuple(e) for g, e in zip(got, expected, strict=True))


def keep_style(old: bytes | None, text: str) -> bytes:
    """A sheet written as a whole, keeping an existing file's byte-order mark and CRLF line
    ends. Only the line ends between records become CRLF: a line break inside a quoted value
    is part of the value."""
    data = text
    if old is not None and b"\r\n" in old.split(b"\n", 1)[0] + b"\n":
        data = _FIELD_OR_END.sub(lambda m: m.group(1) or "\r\n", text)
    raw = data.encode("utf-8")
    return BOM + raw if old is not None and old.startswith(BOM) else raw
