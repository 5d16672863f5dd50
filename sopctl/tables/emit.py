"""Turn offending rows into findings, capped so a million bad rows cost a few findings."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from ..findings import Finding, Severity, finding
from .lines import LINE

CAP = 20


class Emitter:
    def __init__(self, path: str, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.findings: list[Finding] = []

    def col(self, name: str) -> int:
        return self.header.index(name) + 1 if name in self.header else 0

    def rows(self, code: str, column: str, lines: list[int], message: Callable[[int], str]) -> None:
        """One finding per offending row, capped, plus a count of the rest."""
        for i, line in enumerate(lines[:CAP]):
            self.findings.append(finding(self.path, line, self.col(column), code, message(i)))
        if len(lines) > CAP:
            self.findings.append(
                finding(
                    self.path,
                    lines[CAP],
                    self.col(column),
                    code,
                    f"... and {len(lines) - CAP} more rows like this in column '{column}'",
                )
            )


def value_message(values: list[str], text: str) -> Callable[[int], str]:
    """Message for the i-th offending row: the value (when given) followed by `text`."""

    def message(i: int) -> str:
        return f"'{values[i]}' {text}" if values else text

    return message


def distinct_problems(
    out: Emitter,
    df: pl.DataFrame,
    column: str,
    values: list[str],
    code: str,
    message: Callable[[str, int], str],
    severity: Severity | None = None,
) -> None:
    """One finding per distinct offending value, at its first line, with the row count."""
    if not values:
        return
    hits = (
        df.filter(pl.col(column).is_in(values))
        .group_by(column)
        .agg(pl.col(LINE).min().alias("first"), pl.len().alias("n"))
        .sort("first")
    )
    for v, first, n in hits.head(CAP).iter_rows():
        out.findings.append(
            finding(out.path, first, out.col(column), code, message(v, n), severity)
        )
    if hits.height > CAP:
        first = hits[CAP, "first"]
        out.findings.append(
            finding(
                out.path,
                first,
                out.col(column),
                code,
                f"... and {hits.height - CAP} more distinct values",
            )
        )
