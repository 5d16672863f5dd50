"""Physical line numbers of a CSV text, as every sopctl finding and edit counts them."""

from __future__ import annotations


def lf_lines(text: str) -> list[str]:
    """The lines of `text` ended by LF only, each with its line end: a CR inside a quoted value
    ends no line. Fed to csv.reader, its line_num then agrees with the line numbers of the
    validator's findings (a row index over LF lines when no cell holds a line break) and with
    the records `sopctl adopt` edits."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines
