"""Row-level edits of an input CSV file that keep every byte they do not need to change.

`sopctl adopt` turns a scenario's overlays into edits of the cycle's input files, and a
reviewer reads the result as a git diff. So an edit changes only the cells whose value changed
(the rest of the record keeps its spelling: `10.50` stays `10.50`), drops whole records,
appends new records at the end, and keeps the byte-order mark and the line ends (LF or CRLF)
of the file. A column the file does not have yet is appended to the header, and every record
gets an empty cell for it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from ..tables.lines import chunks_and_lines, csv_field, csv_row

BOM = "\ufeff"


@dataclass
class Edit:
    """What to change in one CSV file. Records are named by the physical line they start on
    (the header is line 1), as the checked tables' line column names them."""

    cells: dict[int, dict[str, str]] = field(default_factory=dict)  # line -> column -> text
    drop: set[int] = field(default_factory=set)
    append: list[dict[str, str]] = field(default_factory=list)  # column -> text

    def __bool__(self) -> bool:
        return bool(self.cells or self.drop or self.append)


@dataclass
class _Record:
    start: int  # first physical line (1-based)
    lines: list[str]  # its physical lines, with their line ends
    cells: list[str]


def _records(text: str) -> list[_Record]:
    # cut and numbered as the validator does (tables.lines): str.splitlines would also break
    # at a vertical tab or U+2028 inside a quoted value and shift every later record
    chunks, starts = chunks_and_lines(text)
    reader = csv.reader(chunks)
    out: list[_Record] = []
    done = 0
    for row in reader:
        end = reader.line_num
        out.append(_Record(starts[done], chunks[done:end], row))
        done = end
    return out


def _ending(lines: list[str]) -> str:
    last = lines[-1] if lines else ""
    return "\r\n" if last.endswith("\r\n") else "\n" if last.endswith("\n") else ""


def _raw_fields(body: str) -> list[str]:
    """A record's fields as written, quotes and all (the record without its line end)."""
    fields: list[str] = []
    start, quoted = 0, False
    for i, ch in enumerate(body):
        if ch == '"':
            quoted = not quoted  # a doubled quote inside a field toggles twice
        elif ch == "," and not quoted:
            fields.append(body[start:i])
            start = i + 1
    fields.append(body[start:])
    return fields


def _changed(r: _Record, at: dict[str, int], change: dict[str, str], width: int) -> str:
    """The record with only the changed cells rewritten: the others keep their spelling and
    quoting ("Crew, assembly" stays quoted; 10.50 stays 10.50)."""
    end = _ending(r.lines)
    body = "".join(r.lines)
    body = body[: len(body) - len(end)] if end else body
    fields = _raw_fields(body) if r.cells else []
    fields += [""] * (width - len(fields))
    for col, value in change.items():
        fields[at[col]] = csv_field(value)
    return ",".join(fields) + end


def apply_edit(data: bytes, edit: Edit) -> bytes:
    """The file's new bytes. Lines named in the edit must be record starts of the file."""
    text = data.decode("utf-8")
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    records = _records(text)
    header = [c.strip() for c in records[0].cells] if records else []
    newline = _ending(records[0].lines) if records else "\n"
    newline = newline or "\n"
    wanted = {c for cells in edit.cells.values() for c in cells}
    wanted |= {c for row in edit.append for c in row}
    extra = sorted(c for c in wanted if c not in header)
    columns = header + extra
    at = {c: i for i, c in enumerate(columns)}
    starts = {r.start for r in records}
    unknown = (set(edit.cells) | edit.drop) - starts
    if unknown:
        raise ValueError(f"lines {sorted(unknown)} do not start a record")
    out: list[str] = []
    for i, r in enumerate(records):
        if r.start in edit.drop:
            continue
        change = edit.cells.get(r.start)
        if i == 0 and extra:
            out.append(csv_row(r.cells + extra, _ending(r.lines) or newline))
        elif change:
            out.append(_changed(r, at, change, len(columns)))
        elif extra and r.cells:
            end = _ending(r.lines)
            body = "".join(r.lines)
            body = body[: len(body) - len(end)] if end else body
            out.append(body + "," * len(extra) + end)
        else:
            out.append("".join(r.lines))
    if edit.append and out and not out[-1].endswith("\n"):
        out[-1] += newline
    for row in edit.append:
        out.append(csv_row([row.get(c, "") for c in columns], newline))
    return ((BOM if bom else "") + "".join(out)).encode("utf-8")
