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
    reads the whole file without an unterminated quote; [] otherwise (then `diagnose` says
    why). Rows with fewer fields are left to `short_rows`, which finds them in the frame."""
    counts, unterminated = field_counts_python(data)
    if unterminated is not None:
        return []
    return [(line, got) for line, got in counts[1:] if got > expected]


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


def _tail_commas(data: bytes, lines: list[int], wanted: list[int]) -> list[bool]:
    """Whether each physical line of `lines` ends with at least `wanted` commas (a CRLF line
    end aside): its last `wanted` fields are empty, when no quote is in the file."""
    a = np.frombuffer(data, dtype=np.uint8)
    ends = np.concatenate((np.flatnonzero(a == 10), [len(a)]))
    end = ends[np.array(lines) - 1]
    end = end - ((end > 0) & (a[np.maximum(end - 1, 0)] == 13))
    need = np.array(wanted)
    ok = np.ones(len(lines), dtype=bool)
    for j in range(int(need.max(initial=0))):
        at = end - 1 - j
        ok &= (j >= need) | ((at >= 0) & (a[np.maximum(at, 0)] == 44))
    return ok.tolist()  # type: ignore[no-any-return]


def _empty_tails_python(data: bytes) -> dict[int, int]:
    """Start line of each record -> how many of its last fields are empty (stdlib parser)."""
    text = data.decode("utf-8-sig", errors="replace")
    chunks, starts = chunks_and_lines(text)
    reader = csv.reader(chunks)
    out: dict[int, int] = {}
    done = 0  # chunks read so far
    for rec in reader:
        filled = max((i + 1 for i, v in enumerate(rec) if v), default=0)
        out[starts[done]] = len(rec) - filled
        done = reader.line_num
    return out


def empty_tails(
    data: bytes, header: list[str], bad: list[tuple[int, int]], has_quotes: bool
) -> list[tuple[int, int]]:
    """The rows of `bad` (line, fields) that differ from the header by empty trailing fields
    alone, as a spreadsheet saves empty columns after a table: the header ends with empty
    names and the row stops among them, or the row has more fields than the header and all
    of them beyond it are empty. Nothing of such a row is lost or shifted: it is read as
    it is (a value under a nameless column is SOP209)."""
    n, named = len(header), _named(header)
    out = [(line, got) for line, got in bad if named <= got < n]
    longer = [(line, got) for line, got in bad if got > n]
    if not longer:
        return out
    if has_quotes:  # a quoted field may span lines: ask the parser
        tails = _empty_tails_python(data)
        ok = [tails.get(line, 0) >= got - n for line, got in longer]
    else:
        ok = _tail_commas(data, [line for line, _ in longer], [got - n for _, got in longer])
    return sorted(out + [row for row, fine in zip(longer, ok, strict=True) if fine])


def _named(header: list[str]) -> int:
    """How many fields of the header come before its empty trailing ones."""
    named = len(header)
    while named > 0 and header[named - 1] == "":
        named -= 1
    return named


def trailing_findings(path: str, header: list[str], rows: list[tuple[int, int]]) -> list[Finding]:
    """One SOP211 per side for the rows of `empty_tails`: the header's empty columns that rows
    do not have (at the first of them), the rows' empty fields that the header does not have
    (at the first such row)."""
    n, named = len(header), _named(header)
    after = f"after '{header[named - 1]}'" if named else "at the end"
    out: list[Finding] = []
    shorter = [line for line, got in rows if got < n]
    if shorter:
        k = n - named
        out.append(
            finding(
                path,
                1,
                named + 1,
                "SOP211",
                f"the header ends with {_count(k, 'empty column')} that "
                f"{_count(len(shorter), 'row')} (the first on line {shorter[0]}) "
                f"do{'es' if len(shorter) == 1 else ''} not have; "
                f"delete the empty columns {after} (the header's trailing "
                f"comma{'s' if k > 1 else ''}) so that the header and the rows end alike; "
                "the rows are read as they are",
            )
        )
    longer = [line for line, got in rows if got > n]
    if longer:
        out.append(
            finding(
                path,
                longer[0],
                0,
                "SOP211",
                f"{_count(len(longer), 'row')} (the first here) "
                f"end{'s' if len(longer) == 1 else ''} with empty fields that the "
                f"header does not have; delete the empty columns {after} (the rows' trailing "
                "commas) so that the header and the rows end alike; the rows are read as they are",
            )
        )
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def ragged_findings(path: str, bad: list[tuple[int, int]], expected: int) -> list[Finding]:
    """SOP206 per row of `bad` (line, fields), capped."""
    out: list[Finding] = []
    for line, got in bad[:50]:
        out.append(
            finding(
                path,
                line,
                0,
                "SOP206",
                f"row has {got} fields but the header has {expected}; add the missing values or "
                "remove the extra ones (a comma inside a value needs quotes); "
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
