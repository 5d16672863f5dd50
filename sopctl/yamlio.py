"""Safe YAML loading that keeps where every value came from.

The file is composed into PyYAML nodes with the safe loader; the walk below builds plain Python
values and a map from each value's path (a tuple of keys and indexes) to its (line, col). It also
rejects what makes a charter ambiguous: duplicate keys, anchors/aliases, tab indentation and
several documents in one file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .findings import Finding, finding
from .yamlhints import TabLoader, layout_hint, tab_findings

Loc = tuple[int | str, ...]


@dataclass
class YamlDoc:
    path: str
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int, int]:
        """Line/col of the deepest known prefix of `loc` (1-based)."""
        probe = tuple(loc)
        while probe:
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), (1, 1))


class _Walker:
    def __init__(self, path: str, loader: yaml.SafeLoader) -> None:
        self.path = path
        self.loader = loader
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.findings: list[Finding] = []
        self.seen: set[int] = set()

    def at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def walk(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.seen:  # an alias: reported where it is written, by _anchor_findings
            return None
        self.seen.add(id(node))
        self.marks[loc] = self.at(node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            pairs = _thousands_rejoined(node.value) if node.flow_style else node.value
            for key_node, value_node in pairs:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = self.at(key_node)
                    self.findings.append(
                        finding(
                            self.path,
                            line,
                            col,
                            "SOP103",
                            "merge keys ('<<') are not allowed; write the keys out",
                        )
                    )
                    continue
                key = self.walk(key_node, (*loc, "<key>"))
                if isinstance(key, list | dict):
                    line, col = self.at(key_node)
                    self.findings.append(
                        finding(self.path, line, col, "SOP108", "a mapping key must be a scalar")
                    )
                    continue
                if key in out:
                    line, col = self.at(key_node)
                    first = self.marks.get((*loc, key), (0, 0))[0]
                    self.findings.append(
                        finding(
                            self.path,
                            line,
                            col,
                            "SOP102",
                            f"key {key!r} appears again (first on line {first}); "
                            "keep one and delete the other",
                        )
                    )
                    continue
                self.marks[(*loc, key)] = self.at(key_node)
                value = self.walk(value_node, (*loc, key))
                self.marks[(*loc, key)] = self.at(key_node)
                out[key] = value
            self.marks.pop((*loc, "<key>"), None)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*loc, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # e.g. 2027-13-40 looks like a date but is none: keep the text
            return node.value


_LEADING_DIGITS = re.compile(r"[-+]?[0-9]{1,3}(,[0-9]{3})*")
_DIGIT_GROUP = re.compile(r"[0-9]{3}(\.[0-9]*)?")
Pair = tuple[yaml.Node, yaml.Node]


def _thousands_rejoined(pairs: list[Pair]) -> list[Pair]:
    """A flow mapping's pairs with each number written with thousands commas one text again.

    In `{min_value: 5,000, to: plant}` YAML reads `min_value: 5` and a key `000` without a
    value (a comma ends a flow entry), so the schema could only say that a key is no string.
    Written in block style the same `5,000` is the text '5,000', which the schema's message
    answers with the number to write; joined again, both styles read alike. Only a key of
    three digits glued to the number by the comma alone (`5,000`, not `5, 000`) and given no
    value is joined."""
    out: list[Pair] = []
    for key, value in pairs:
        prev = out[-1][1] if out else None
        if prev is not None and _glued(prev, key, value):
            end = key.end_mark
            text = f"{prev.value},{key.value}"
            joined = yaml.ScalarNode("tag:yaml.org,2002:str", text, prev.start_mark, end)
            out[-1] = (out[-1][0], joined)
            continue
        out.append((key, value))
    return out


def _glued(prev: yaml.Node, key: yaml.Node, value: yaml.Node) -> bool:
    """`key` (without a `value`) is the next digit group of the number `prev` ends with."""
    plain = (prev, key)
    return (
        all(isinstance(n, yaml.ScalarNode) and not n.style for n in plain)  # libyaml: ''
        and isinstance(value, yaml.ScalarNode)
        and value.tag == "tag:yaml.org,2002:null"
        and value.value == ""
        and key.start_mark.index == prev.end_mark.index + 1
        and _LEADING_DIGITS.fullmatch(prev.value) is not None
        and _DIGIT_GROUP.fullmatch(key.value) is not None
    )


def _error_mark(exc: yaml.MarkedYAMLError) -> tuple[int, int]:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


MAX_DEPTH = 64  # no charter needs deeper nesting; deeper input is refused before composing


def _scan_events(
    path: str, text: str, loader: type[yaml.SafeLoader]
) -> tuple[list[Finding], Finding | None]:
    """Anchors and aliases (reported where written) and a nesting-depth guard.

    The event parser is iterative, so this is safe on any input; the composer that builds
    nodes afterwards is recursive, and only runs once the depth is known to be sane.
    """
    out: list[Finding] = []
    depth = 0
    for event in _events(text, loader):
        m = event.start_mark
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH and m is not None:
                return out, finding(
                    path,
                    m.line + 1,
                    m.column + 1,
                    "SOP101",
                    f"the YAML nests deeper than {MAX_DEPTH} levels here; flatten it",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is None or m is None:
            continue
        if isinstance(event, yaml.AliasEvent):
            message = f"alias '*{anchor}' repeats another value; write the value out in full"
        else:
            message = f"anchor '&{anchor}' is not allowed; write values out in full"
        out.append(finding(path, m.line + 1, m.column + 1, "SOP103", message))
    return out, None


def _events(text: str, loader: type[yaml.SafeLoader]) -> Iterator[yaml.Event]:
    """yaml.parse, except that the tabs a TabLoader finds stop it (as TabProblem) before any
    other error: a tab that YAML forbids is read as a space, which may break what follows."""
    ld = loader(text)
    try:
        try:
            while ld.check_event():
                yield ld.get_event()  # type: ignore[no-untyped-call]
        except yaml.YAMLError:
            if tabs := getattr(ld, "tabs", None):
                raise TabProblem(tabs) from None
            raise
        if tabs := getattr(ld, "tabs", None):
            raise TabProblem(tabs)
    finally:
        ld.dispose()


class TabProblem(Exception):
    def __init__(self, tabs: list[tuple[int, int, str]]) -> None:
        super().__init__("tabs")
        self.tabs = tabs


# libyaml's loader when PyYAML was built with it: same events, nodes and marks, several times
# faster. Any error or finding sends the file through the pure-Python loader, so the findings
# (codes, messages, positions) never depend on which loader a machine has.
_FAST: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _fast_parse(path: str, text: str) -> YamlDoc | None:
    """The document via libyaml when it parses with no finding at all; None otherwise."""
    if (
        _FAST is None
        or "\t" in text
        or yaml.reader.Reader.NON_PRINTABLE.search(text)
        or ("?" in text and ("[" in text or "{" in text))
    ):
        # libyaml accepts some tabs and characters the pure loader reports, and a "?" inside a
        # plain scalar of a flow collection ([s? & op]), where the pure scanner ends the
        # scalar; such texts take the pure loader, so no result depends on libyaml
        return None
    try:
        scanned, too_deep = _scan_events(path, text, _FAST)
        if scanned or too_deep is not None:
            return None
        loader = _FAST(text)
        try:
            node = loader.get_single_node()
            walker = _Walker(path, loader)
            data = walker.walk(node, ()) if node is not None else None
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        return None
    if walker.findings or not isinstance(data, dict):
        return None
    return YamlDoc(path, data, walker.marks)


def parse_yaml(path: str, text: str) -> tuple[YamlDoc | None, list[Finding]]:
    """Parse one YAML document. Returns (doc, findings); doc is None when unusable."""
    fast = _fast_parse(path, text)
    if fast is not None:
        return fast, []
    findings: list[Finding] = []
    try:
        scanned, too_deep = _scan_events(path, text, TabLoader)
        if too_deep is not None:
            return None, [too_deep]
        findings.extend(scanned)
        loader = TabLoader(text)
        try:
            node = loader.get_single_node()
            walker = _Walker(path, loader)
            data = walker.walk(node, ()) if node is not None else None
        finally:
            loader.dispose()
    except TabProblem as exc:
        return None, tab_findings(path, exc.tabs)
    except RecursionError:
        return None, [
            finding(path, 1, 1, "SOP101", "the YAML nests too deeply to read; flatten it")
        ]
    except yaml.composer.ComposerError as exc:
        line, col = _error_mark(exc)
        if "expected a single document" in str(exc):
            return None, [
                finding(
                    path,
                    line,
                    col,
                    "SOP109",
                    "found a second YAML document ('---'); keep one per file",
                )
            ]
        return None, [*findings, finding(path, line, col, "SOP101", _yaml_message(exc))]
    except yaml.MarkedYAMLError as exc:
        line, col = _error_mark(exc)
        msg = _yaml_message(exc)
        if "'\\t'" in msg or "tab" in msg.lower():
            return None, [
                finding(
                    path, line, col, "SOP104", "a tab where YAML forbids one; write spaces instead"
                )
            ]
        return None, [finding(path, line, col, "SOP101", _yaml_message(exc, text))]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        pos = int(getattr(exc, "position", 0) or 0)
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        char = getattr(exc, "character", None)
        if isinstance(char, str) and char:
            what = f"the control character U+{ord(char[0]):04X}"
        elif isinstance(char, int):
            what = f"the control character U+{char:04X}"
        else:
            what = "a character"
        return None, [
            finding(
                path,
                line,
                col,
                "SOP101",
                f"{what} is not allowed in YAML; delete it or re-save the file",
            )
        ]
    findings.extend(walker.findings)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            *findings,
            finding(path, 1, 1, "SOP105", "the file must hold a mapping of keys to values"),
        ]
    return YamlDoc(path, data, walker.marks), findings


def _yaml_message(exc: yaml.MarkedYAMLError, source: str = "") -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    text = "; ".join(parts) if parts else str(exc).splitlines()[0]
    return f"{text}; {layout_hint(source, exc) or 'fix the YAML syntax at this position'}"


def dump_yaml(data: Any, schema_ref: str | None = None) -> str:
    """YAML text for files sopctl writes, with an editor schema hint when given."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    if schema_ref:
        return f"# yaml-language-server: $schema={schema_ref}\n{body}"
    return body
