"""Rows with the wrong number of fields (SOP206), quotes never closed (SOP207): found on the
raw bytes, only once the fast Polars read of csvread looks suspicious."""

from __future__ import annotations

import csv

import numpy as np
import polars as pl

from ..findings import Finding, finding
from .lines import LINE, chunks_and_lines


def field_counts_python(data: bytes) -> tuple[list[tuple[int, int]], int | None]:
    """(start line, number of fields) per record by the strict stdlib parser, and the start line
    of the record where parsing failed (an unterminated quote), if it did."""
    text = data.decode("utf-8-sig", errors="replace")
    chunks, starts = chunks_and_lines(text)
    reader = csv.reader(chunks, strict=True)
    out: list[tuple[int, int]] = []
    done = 0  # chunks read so far
    try:
        for rec in reader:
            out.append((starts[done], len(rec) if rec else 0))
            done = reader.line_num
    except csv.Error:
        return out, starts[done]
    return out, None


def line_starts_python(data: bytes) -> list[int]:
    """Physical line where each record starts (header included), for files with quoted newlines."""
    return [line for line, _ in field_counts_python(data)[0]]


def _ragged_numpy(data: bytes, n_fields: int, lines: np.ndarray) -> list[tuple[int, int]]:
    """Field counts of the given physical lines in an unquoted file."""
    a = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(a == 10)
    commas = np.flatnonzero(a == 44)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(a)]))
    idx = lines - 1
    idx = idx[idx < len(starts)]
    counts = np.searchsorted(commas, ends[idx]) - np.searchsorted(commas, starts[idx]) + 1
    return [(int(line), int(c)) for line, c in zip(idx + 1, counts, strict=True) if c != n_fields]


def long_rows(data: bytes, expected: int) -> list[tuple[int, int]]:
    """(line, fields) of the rows with more fields than the header, when the strict parser
    reads the whole file and finds no other fault; [] otherwise (then `_diagnose` says why)."""
    counts, unterminated = field_counts_python(data)
    if unterminated is not None:
        return []
    bad = [(line, got) for line, got in counts[1:] if got not in (0, expected)]
    return bad if bad and all(got > expected for _, got in bad) else []


def short_rows(
    data: bytes, frame: pl.DataFrame, names: list[str], has_quotes: bool
) -> list[tuple[int, int]]:
    """(line, fields) of rows with fewer fields than the header."""
    suspects = frame.filter(pl.col(names[-1]).is_null())[LINE]
    if not len(suspects):
        return []
    if not has_quotes:
        # no quotes, no long rows (Polars refuses those), no blank rows left: when the file
        # has exactly the commas of full rows, no row is short
        if data.count(b",") == (frame.height + 1) * (len(names) - 1):
            return []
        return _ragged_numpy(data, len(names), suspects.to_numpy())
    counts = dict(field_counts_python(data)[0])
    short = [(ln, counts.get(ln, len(names))) for ln in suspects.to_list()]
    return [(ln, c) for ln, c in short if c != len(names)]


TRAILING = (
    "the header ends with a comma the rows do not have (or the reverse): remove the trailing comma"
)


def trailing_comma(data: bytes, header: list[str], bad: list[tuple[int, int]]) -> bool:
    """Whether every row of `bad` (line, fields) differs from the header by one empty trailing
    field: the header ends with a comma and each of them has one field less, or each of them
    ends with a comma and has one field more."""
    n = len(header)
    if not bad:
        return False
    if header[-1] == "" and all(got == n - 1 for _, got in bad):
        return True
    if not all(got == n + 1 for _, got in bad):
        return False
    a = np.frombuffer(data, dtype=np.uint8)
    ends = np.concatenate((np.flatnonzero(a == 10), [len(a)]))
    end = ends[np.array([line for line, _ in bad]) - 1]
    end = end - ((end > 0) & (a[np.maximum(end - 1, 0)] == 13))  # a CRLF line end
    return bool(np.all((end > 0) & (a[np.maximum(end - 1, 0)] == 44)))


def ragged_findings(
    path: str, bad: list[tuple[int, int]], expected: int, trailing: bool = False
) -> list[Finding]:
    """SOP206 per row of `bad` (line, fields), capped; `trailing` (see `trailing_comma`) says
    once, in the first, that a trailing comma is the whole fault."""
    out: list[Finding] = []
    for line, got in bad[:50]:
        fix = (
            "add the missing values or remove the extra ones (a comma inside a value needs quotes)"
        )
        if trailing and not out:
            fix = TRAILING
        out.append(
            finding(
                path,
                line,
                0,
                "SOP206",
                f"row has {got} fields but the header has {expected}; {fix}; "
                "the row is left out of every other check until then",
            )
        )
    if len(bad) > 50:
        out.append(
            finding(
                path,
                bad[50][0],
                0,
                "SOP206",
                f"... and {len(bad) - 50} more rows with the wrong number of fields",
            )
        )
    return out


def diagnose(path: str, data: bytes, expected: int) -> list[Finding]:
    """Explain why Polars refused the file, using the strict stdlib parser."""
    counts, unterminated = field_counts_python(data)
    bad = [(line, got) for line, got in counts[1:] if got not in (0, expected)]
    if bad:
        return ragged_findings(path, bad, expected)
    if unterminated is not None:
        line = unterminated
        return [
            finding(path, line, 0, "SOP207", "a quoted value is not closed; add the closing '\"'")
        ]
    return [
        finding(
            path,
            1,
            1,
            "SOP007",
            "the file could not be parsed as CSV; check quoting and separators",
        )
    ]
