"""Findings of the Signal engine (codes SOP7xx in `sopctl.findings.CODES`).

`frame_findings` caps per-row findings the same way the table checks do: at most CAP findings
and one more that counts the rest.
"""

from __future__ import annotations

import polars as pl

from ..findings import Finding, finding
from ..tables.csvread import LINE
from ..tables.emit import CAP


def frame_findings(
    path: str, col: int, code: str, rows: pl.DataFrame, message: pl.Expr, line: str = LINE
) -> list[Finding]:
    """One finding per row of `rows` (in its order), capped, plus a count of the rest.

    Messages are formatted for the shown rows only, so a million flagged rows cost little.
    """
    shown = rows.head(CAP).select(pl.col(line).alias("line"), message.alias("message"))
    out = [finding(path, int(n), col, code, str(m)) for n, m in shown.iter_rows()]
    if rows.height > CAP:
        out.append(
            finding(
                path,
                int(rows[CAP, line]),
                col,
                code,
                f"... and {rows.height - CAP} more rows like this",
            )
        )
    return out
