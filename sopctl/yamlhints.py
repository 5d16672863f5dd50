"""What the YAML parser's complaints mean, in words that say what to change: tabs, and lines
indented or written so that the parser reads another structure than the one meant.

PyYAML's pure scanner refuses every tab between tokens, where YAML allows one as a blank
within a line (after `key:`, before a comment, in a blank or comment line). `TabLoader` reads
those as the blanks they are (also between the words of an unquoted value, and after the
indentation of a line that continues one) and records the tabs YAML forbids (indentation,
after `-`), every one of them in one pass, so a file with five tabbed lines gets five findings
rather than one at a time. Where libyaml reads a text with tabs, TabLoader reads the same.

`unit_hint` says what to write for a number a YAML file gives with its unit (`60 days`).
"""

from __future__ import annotations

import re

import yaml

from .findings import Finding, finding
from .hints import UNIT_WORDS, period_count_hint, plain_number

TAB_CAP = 20  # tab findings per file, then one that counts the rest
_BREAKS = "\0\r\n\x85\u2028\u2029"
_LINE_BREAKS = _BREAKS[1:]  # without the end of the text
_TAB_WORDS = {
    "indent": "a tab in the indentation: YAML forbids tabs there; indent with spaces",
    "dash": "a tab after '-': YAML forbids a tab there (it would set the entry's indentation); "
    "write '- ' with a space",
    "value": "a tab where YAML allows none; write a space instead",
}


class TabLoader(yaml.SafeLoader):
    """The pure safe loader, with tabs read as YAML reads them (see the module docstring).
    `tabs` holds (line, col, place) of each tab YAML forbids; each is then read as a space,
    so the scan goes on and finds the next."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.tabs: list[tuple[int, int, str]] = []

    def scan_to_next_token(self) -> None:  # PyYAML's loop, with tabs among the blanks
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        found = False
        while not found:
            start, tab = self.pointer, None
            while self.peek() in " \t":
                if tab is None and self.peek() == "\t":
                    tab = (self.line + 1, self.column + 1)
                self.forward()
            if tab is not None and not self.flow_level and self.peek() not in "#" + _BREAKS:
                place = self._place(start)
                if place is not None:
                    self.tabs.append((*tab, place))
            if self.peek() == "#":
                while self.peek() not in _BREAKS:
                    self.forward()
            if self.scan_line_break():  # type: ignore[no-untyped-call]
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                found = True

    def scan_plain_spaces(self, indent: int, start_mark: yaml.Mark) -> list[str] | None:
        """PyYAML's rule for the blanks and line breaks inside an unquoted value, with tabs
        read as YAML reads them: blanks with a tab between two words belong to the value
        (`name: Acme<TAB>Parts`); blanks before a line break are dropped; on a continuation
        line, and on a blank line inside the value, tabs after the value's indentation
        (`indent` spaces, inside [ ] or { } too) separate, like spaces. A tab within
        that indentation stays, for `scan_to_next_token` to report."""
        n = 0
        while self.peek(n) in " \t":
            n += 1
        blanks = self.prefix(n)
        self.forward(n)
        if self.peek() not in _LINE_BREAKS:
            return [blanks] if blanks else []
        line_break = self.scan_line_break()  # type: ignore[no-untyped-call]
        self.allow_simple_key = True
        if self._document_marker():
            return None
        breaks: list[str] = []
        while True:
            while self.peek() == " ":
                self.forward()
            if self.peek() == "\t" and self.column >= indent:
                while self.peek() in " \t":
                    self.forward()
            if self.peek() not in _LINE_BREAKS:
                break
            breaks.append(self.scan_line_break())  # type: ignore[no-untyped-call]
            if self._document_marker():
                return None
        if line_break != "\n":
            return [line_break, *breaks]
        return breaks or [" "]

    def _document_marker(self) -> bool:
        """'---' or '...' at the start of a line: the value ends before it."""
        return self.prefix(3) in ("---", "...") and self.peek(3) in "\0 \t" + _LINE_BREAKS

    def _place(self, start: int) -> str | None:
        """Where a run of blanks with a tab, starting at buffer position `start` and followed
        by content, lies: None where YAML allows a tab (after ':', ',', '[', '{' or a quoted
        value), else 'indent', 'dash' or 'value' (any other place: after a tag, say)."""
        line_start = self.buffer.rfind("\n", 0, start) + 1
        before = self.buffer[line_start:start]
        if not before.strip(" \t"):
            return "indent"
        last = before.rstrip(" \t")[-1]
        if last in ":,[{\"'":
            return None
        if last in "-?" and not before.strip(" \t-?"):
            return "dash"
        return "value"


def tab_findings(path: str, tabs: list[tuple[int, int, str]]) -> list[Finding]:
    """SOP104 for each tab YAML forbids, at the tab, capped at TAB_CAP and a count."""
    out = [finding(path, line, col, "SOP104", _TAB_WORDS[p]) for line, col, p in tabs[:TAB_CAP]]
    if len(tabs) > TAB_CAP:
        line, col, _ = tabs[TAB_CAP]
        more = len(tabs) - TAB_CAP
        out.append(
            finding(path, line, col, "SOP104", f"... and {more} more tabs where YAML forbids them")
        )
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_DASH_GLUED = re.compile(r"^\s*-[^\s\-]")  # '-id: webshop': a key, not a list entry
_ENTRY = re.compile(r"^(\s*)((?:-\s+)+)(?=\S)")  # '  - id: a': the entry's keys start after


def _dash_glued(lines: list[str], at: list[int]) -> str:
    for i in at:
        if 0 <= i < len(lines) and _DASH_GLUED.match(lines[i]):
            fixed = re.sub(r"^(\s*)-", r"\1- ", lines[i].rstrip("\r"), count=1).strip()
            return (
                f"put a space after '-' on line {i + 1} ('{fixed}'): without it YAML reads "
                f"'{lines[i].strip().split(':')[0]}' as a key, not as an entry of a list"
            )
    return ""


def layout_hint(text: str, exc: yaml.MarkedYAMLError) -> str:
    """What the parser's words mean when a line is indented wrongly ("mapping values are not
    allowed here", "expected <block end>"): the lines whose indentation disagrees, the column
    the keys of the entry above start in, and the line the block started on. A ': ' inside a
    value (`note: due: May`) needs quotes instead; '-id:' needs a space after the dash."""
    mark, problem = exc.problem_mark, exc.problem or ""
    if mark is None:
        return ""
    lines = text.split("\n")
    here = lines[mark.line] if mark.line < len(lines) else ""
    if problem == "mapping values are not allowed here":
        before = here[: mark.column]
        if re.search(r":(\s|$)", before.lstrip(" -")):
            return "a value that holds ': ' must be in quotes (note: \"due: May\")"
    elif not problem.startswith("expected <block end>"):
        return ""
    above = next(
        (
            (i, line)
            for i in range(min(mark.line, len(lines)) - 1, -1, -1)
            if (line := lines[i].rstrip("\r")).strip() and not line.lstrip().startswith("#")
        ),
        None,
    )
    glued = _dash_glued(lines, [mark.line] + ([above[0]] if above else []))
    if glued or above is None:
        return glued
    entry = _ENTRY.match(above[1])
    keys = len(entry[1]) + len(entry[2]) if entry else None  # 0-based column of its keys
    if _indent(above[1]) == _indent(here) and keys is None:
        return ""
    started = exc.context_mark
    block = f" (the block started on line {started.line + 1})" if started is not None else ""
    said = (
        f"the indentation looks wrong: line {mark.line + 1} starts in column "
        f"{_indent(here) + 1}, line {above[0] + 1} above it in column {_indent(above[1]) + 1}"
        f"{block}"
    )
    if keys is not None and _indent(here) != keys and not here.lstrip().startswith("-"):
        key = here.strip().split(":")[0]
        new = (
            f", or write '- ' before it in column {_indent(above[1]) + 1} to start a new entry"
            if _indent(here) <= _indent(above[1])
            else ""
        )
        return (
            f"{said}; the keys of the entry on line {above[0] + 1} start in column {keys + 1}: "
            f"indent '{key}' by {keys} spaces to continue that entry{new}"
        )
    if _indent(above[1]) == _indent(here):
        return ""
    return f"{said}; indent the keys of one mapping to the same column, with spaces"


# a number followed by a word: '60 days', '2 months', '100 MB'
_WITH_UNIT = re.compile(r"^\s*([-+]?[0-9][0-9,.' ]*)\s*([A-Za-z]+)\.?\s*$")
# fields that count periods of the charter's cadence
_PERIOD_FIELDS = ("close_to_demand_lag", "season_length", "moving_average_window", "horizon")


def unit_hint(loc: tuple[int | str, ...], given: str, data: object) -> str:
    """For a number written with its unit where a YAML file wants the number alone ('60 days'
    in dso_days, '2 months' in close_to_demand_lag): '; dso_days counts days, without a unit:
    write 60', the CSV reader's advice for `lead_time` (hints.period_count_hint) where the field
    counts periods; '' for any other text. `data` is the document, whose cadence (a charter's)
    names the periods."""
    m = _WITH_UNIT.match(given)
    number = plain_number(m[1]) if m else None
    if m is None or number is None or not loc:
        return ""
    name, word = str(loc[-1]), m[2]
    unit = UNIT_WORDS.get(word.lower())
    if name.endswith("_periods") or name in _PERIOD_FIELDS:
        cadence = data.get("cadence") if isinstance(data, dict) else None
        bucket = cadence.get("bucket") if isinstance(cadence, dict) else None
        if bucket in ("month", "week"):
            advice = period_count_hint(given, name, str(bucket))
            return f"; {advice}" if advice else ""
        counts = f"; {name} counts the periods of the charter's cadence, without a unit"
        if unit == "period":  # a cycle's horizon: its charter says what a period is
            return f"{counts}: write {number}"
        if unit in ("month", "week"):
            return f"{counts}: write {number} if the charter plans in {unit}s (cadence.bucket)"
        return f"{counts}: convert {m[1].strip()} {word} into them" if unit else ""
    if name.endswith("_days") or (len(loc) > 1 and loc[-2] == "calendar"):
        counts = (
            f"{name} counts days, without a unit"
            if name.endswith("_days")
            else f"{name} is a business day of the cycle month, a number without a unit"
        )
        if unit == "day":
            return f"; {counts}: write {number}"
        return f"; {counts}: convert {m[1].strip()} {word} into days" if unit else ""
    return f"; write {number} (the number alone, without '{word}')"
