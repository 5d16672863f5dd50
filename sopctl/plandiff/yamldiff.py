"""Two parsed YAML documents compared by key path (pure).

Paths read like the file: `approvals.quorum`, `cadence.demand_refresh.every`. Lists of
mappings that carry an identity (`id`, `file`, `term`, `name`, `table`) are matched by it, so
`segments[strategic].service_level_target` names the segment rather than its position and a
reordered list is no change; other lists of mappings are compared position by position
(`escalation[1].to`), and lists of plain values as one value (`sign_off_plan: [a, b] → [a, b, c]`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import YamlChange

IDENTITY_FIELDS = ("id", "file", "term", "name", "table")
_MISSING = object()


def diff_yaml(old: Any, new: Any) -> list[YamlChange]:
    """Every added, removed and changed leaf between two YAML documents, in document order."""
    out: list[YamlChange] = []
    _walk("", old, new, out)
    return out


def _walk(path: str, old: Any, new: Any, out: list[YamlChange]) -> None:
    if old is _MISSING:
        out.append(YamlChange(path, "added", None, _plain(new)))
    elif new is _MISSING:
        out.append(YamlChange(path, "removed", _plain(old), None))
    elif isinstance(old, dict) and isinstance(new, dict):
        keys = list(new) + [k for k in old if k not in new]
        for k in keys:
            _walk(_join(path, str(k)), old.get(k, _MISSING), new.get(k, _MISSING), out)
    elif isinstance(old, list) and isinstance(new, list) and _records(old) and _records(new):
        ident = _identity(old, new)
        if ident is None:
            for i in range(max(len(old), len(new))):
                _walk(
                    f"{path}[{i}]",
                    old[i] if i < len(old) else _MISSING,
                    new[i] if i < len(new) else _MISSING,
                    out,
                )
            return
        by_old = {str(r[ident]): r for r in old}
        by_new = {str(r[ident]): r for r in new}
        for k in list(by_new) + [k for k in by_old if k not in by_new]:
            _walk(f"{path}[{k}]", by_old.get(k, _MISSING), by_new.get(k, _MISSING), out)
    elif not _same(old, new):
        out.append(YamlChange(path, "changed", _plain(old), _plain(new)))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _records(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(x, dict) for x in items)


def _identity(old: list[Any], new: list[Any]) -> str | None:
    """The first identity field present and unique in every record of both lists."""
    for name in IDENTITY_FIELDS:
        ok = True
        for items in (old, new):
            values = [str(r.get(name)) for r in items if r.get(name) is not None]
            if len(values) != len(items) or len(set(values)) != len(values):
                ok = False
                break
        if ok:
            return name
    return None


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same kind (YAML `true` is not `1`; `2` and `2.0` are equal)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def _plain(value: Any) -> Any:
    """A JSON-friendly copy: dates as ISO strings, mappings and lists recursively."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def show(value: Any) -> str:
    """A value as it would read in the YAML file (flow style, short)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)
