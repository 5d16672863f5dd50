"""Physical line numbers of a CSV text, as every sopctl finding and edit counts them, and CSV
records written so that a reader cuts them where they end."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence

LINE = "__line"  # the frame column holding each row's physical line number (header = 1)


def chunks_and_lines(text: str) -> tuple[list[str], list[int]]:
    """The text cut where csv.reader cuts it (LF, CR, CRLF; newline=""), and for each cut the
    line it starts on, counted by LF only. A record that csv.reader reads from cuts i..j starts
    on line `starts[i]`: a CR inside a quoted value, or a lone CR it takes as a line end,
    moves no later line number, so findings, `sopctl adopt`'s edits and the xlsx import agree
    with the row numbers of files without such characters."""
    chunks = io.StringIO(text, newline="").readlines()
    ends = itertools.accumulate((c.count("\n") for c in chunks), initial=1)
    return chunks, list(ends)


def csv_field(value: str) -> str:
    """A CSV field quoted as csv.writer quotes one, and also when it holds a carriage return
    (which the writer, ending lines with LF, would leave bare: a reader ends the record there)."""
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_row(cells: Sequence[str], newline: str = "\n") -> str:
    """One record as csv.writer writes it (minimal quoting), a field with a CR quoted too."""
    if any("\r" in c for c in cells):
        return ",".join(csv_field(c) for c in cells) + newline
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerow(cells)
    return buf.getvalue()
