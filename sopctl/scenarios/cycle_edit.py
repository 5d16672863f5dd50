"""Edit cycle.yaml as text for `sopctl adopt`: drop one scenario from the register and add one
assumption, keeping every other line (comments, folded texts, key order) as it was.

The edit works on block-style lists, which is what `sopctl init` and the examples write. It is
checked by parsing the result: unless the new document equals the old one with exactly those
two changes, there is no edit (None), and the caller asks for the change by hand.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from ..yamlio import YamlDoc


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_span(lines: list[str], doc: YamlDoc, key: str, i: int) -> tuple[int, int]:
    """0-based [start, end) of list item `i` under `key`: from its dash line through its last
    line that is indented deeper than the dash (blank lines after it are left in place)."""
    start = doc.where((key, i))[0] - 1
    dash = lines[start].find("-")
    end = start + 1
    j = start + 1
    while j < len(lines):
        text = lines[j]
        if text.strip() and _indent(text) <= dash:
            break
        if text.strip():
            end = j + 1
        j += 1
    return start, end


def _scalar(value: str) -> str:
    """A plain or quoted YAML scalar that reads back as `value`."""
    return yaml.safe_dump(value, allow_unicode=True, width=1000).split("\n", 1)[0]


def _snippet(entry: dict[str, str], dash: int, nl: str) -> list[str]:
    """`entry` as one list item at the list's indent; `text` as a folded block, the way the
    cycle files write their assumptions."""
    pad = " " * dash
    out = []
    for n, (key, value) in enumerate(entry.items()):
        lead = pad + ("- " if n == 0 else "  ")
        if key != "text":
            out.append(f"{lead}{key}: {_scalar(value)}{nl}")
            continue
        out.append(f"{lead}{key}: >-{nl}")
        width = max(88 - dash - 4, 40)
        out += [
            f"{pad}    {line}{nl}"
            for line in textwrap.wrap(value, width, break_long_words=False, break_on_hyphens=False)
        ]
    return out


def adopt_edit(text: str, doc: YamlDoc, sid: str, assumption: dict[str, str]) -> str | None:
    """cycle.yaml without scenario `sid` in `scenarios` and with `assumption` appended to
    `assumptions`; None when that cannot be done safely as a text edit."""
    data: Any = doc.data
    if not isinstance(data, dict):
        return None
    register = data.get("scenarios")
    if not isinstance(register, list):
        return None
    at = [k for k, s in enumerate(register) if isinstance(s, dict) and s.get("id") == sid]
    if len(at) != 1:
        return None
    lines = text.splitlines(keepends=True)
    nl = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"  # the file's own line ends
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += nl
    edits: list[tuple[int, int, list[str]]] = []  # (start, end, replacement), 0-based
    start, end = _item_span(lines, doc, "scenarios", at[0])
    rest = [s for k, s in enumerate(register) if k != at[0]] or [{"id": "base"}]
    keep = [] if len(register) > 1 else [" " * lines[start].find("-") + f"- id: base{nl}"]
    edits.append((start, end, keep))
    known = data.get("assumptions")
    if isinstance(known, list) and known:
        a_start, a_end = _item_span(lines, doc, "assumptions", len(known) - 1)
        dash = lines[a_start].find("-")
        edits.append((a_end, a_end, _snippet(assumption, dash, nl)))
    elif "assumptions" not in data:
        edits.append((len(lines), len(lines), [f"assumptions:{nl}", *_snippet(assumption, 2, nl)]))
    else:
        return None  # `assumptions: []` or a flow list: not a safe text edit
    for s, e, new in sorted(edits, key=lambda x: x[0], reverse=True):
        lines[s:e] = new
    out = "".join(lines)
    expected = dict(data)
    expected["scenarios"] = rest
    expected["assumptions"] = [*(known or []), assumption]
    try:
        got = yaml.safe_load(out)
    except yaml.YAMLError:
        return None
    return out if got == expected else None
