"""Which validation warnings a reviewer of a change sees one by one, and which are counted
(SOP811): pure, over the findings, the touched files and the changed rows."""

from __future__ import annotations

from ..findings import Finding, Severity
from ..findings import finding as make
from .model import RowEdit


def focus_warnings(
    findings: list[Finding], touched: set[str], edits: list[RowEdit]
) -> list[Finding]:
    """The validation findings a reviewer of this change should see one by one.

    Errors and infos stay as they are: an error blocks the plan wherever it is. A warning stays
    when it is about what the change touched: a line of a row it added or changed, the whole of
    a file it touched (line 0), any line of a touched YAML file. Warnings on lines the change
    did not touch (a deal that slipped months ago, in a file someone else edited) would repeat
    on every pull request; they are counted instead, one SOP811 per file and code."""
    lines = {(e.path, e.line) for e in edits if e.line}
    row_files = {e.path for e in edits}
    kept: list[Finding] = []
    untouched: dict[tuple[str, str], int] = {}
    for f in findings:
        # a touched file without row edits (not a declared input, or only reordered) cannot
        # be narrowed to lines: all of its warnings stay
        narrow = f.path.endswith(".csv") and f.path in row_files and f.line != 0
        if f.severity is not Severity.WARNING or (
            f.path in touched and (not narrow or (f.path, f.line) in lines)
        ):
            kept.append(f)
        else:
            untouched[(f.path, f.code)] = untouched.get((f.path, f.code), 0) + 1
    for (path, code), n in sorted(untouched.items()):
        what = "warning" if n == 1 else "warnings"
        kept.append(
            make(
                path,
                0,
                0,
                "SOP811",
                f"{n} {what} {code} on lines this change did not touch, not repeated here "
                f"(sopctl demand lists them all)",
            )
        )
    return kept
