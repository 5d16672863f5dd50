"""`forecast.per_item`: its keys read as the items of the cycle, as input files' items are.

A key names an item of the cycle's items table when it is that id, the id in another case or
a glossary alias of it (`tables.refs.canonical`, the rule for CSV values); its method then
applies to every series of that item. Validate reports what a reader would otherwise miss, at
the key in the charter: a key read through a different case or an alias (SOP406, warning, as
for a CSV value; info when the item's id breaks the YAML id rule, since an alias is then the way
to name it), a key that names no item of the cycle (SOP615, warning: the charter serves
every cycle, and an item of another cycle, discontinued or not yet listed, is no mistake; its
method applies to nothing here, as an escalation rule for a resource the cycle lacks, SOP614)
and two keys that name the same item (SOP504, error: which method holds would be a guess).
The demand build uses the same resolution, so a key validate accepts is a key the build uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..findings import Finding, Severity, finding
from ..tables.idrule import alias_hint, is_id
from ..tables.refs import canonical

if TYPE_CHECKING:
    from ..validate import Workspace
    from ..yamlio import YamlDoc

SHOWN_ITEMS = 8  # item ids named in the message of an unknown key


@dataclass(frozen=True)
class PerItem:
    methods: dict[str, str]  # item id -> method
    renamed: dict[str, str] = field(default_factory=dict)  # key -> item (case or alias)
    unknown: list[str] = field(default_factory=list)  # keys naming no item, charter order
    twice: dict[str, str] = field(default_factory=dict)  # key -> the earlier key of its item


def resolve(per_item: Mapping[str, str], items: frozenset[str], aliases: dict[str, str]) -> PerItem:
    """Per-item methods by item id. A key that is the id itself comes first; of the keys
    that name the same item otherwise, the first in the charter holds (the later ones are
    `twice`, an error validate reports)."""
    mapping, unknown = canonical(list(per_item), items, aliases)
    methods: dict[str, str] = {}
    owner: dict[str, str] = {}
    twice: dict[str, str] = {}
    exact = [k for k in per_item if k in items]
    for key in [*exact, *(k for k in per_item if k in mapping)]:
        item = mapping.get(key, key)
        if item in owner:
            twice[key] = owner[item]
            continue
        owner[item] = key
        methods[item] = per_item[key]
    return PerItem(
        methods,
        mapping,
        [k for k in per_item if k in set(unknown)],
        twice,
    )


def item_ids(ws: Workspace) -> frozenset[str] | None:
    """The item ids of the cycle's items table; None when the cycle has no readable one."""
    t = ws.tables.get("items")
    if t is None or "item" not in t.frame.columns:
        return None
    return frozenset(t.frame["item"].drop_nulls().to_list())


def per_item_findings(ws: Workspace, doc: YamlDoc) -> list[Finding]:
    """SOP406, SOP615 and SOP504 at the keys of forecast.per_item (nothing to check against
    without an items table: its absence is reported on its own)."""
    ch = ws.charter
    items = item_ids(ws)
    if ch is None or items is None or not ch.forecast.per_item:
        return []
    r = resolve(ch.forecast.per_item, items, ch.aliases())
    out: list[Finding] = []
    shown = ", ".join(sorted(items)[:SHOWN_ITEMS]) + (" ..." if len(items) > SHOWN_ITEMS else "")
    table = ws.tables["items"].path
    for key in ch.forecast.per_item:
        line, col = doc.where(("forecast", "per_item", key))
        if key in r.twice:
            msg = (
                f"per_item key '{key}' names item '{r.renamed.get(key, key)}', which key "
                f"'{r.twice[key]}' names already; keep one (the method of '{r.twice[key]}' "
                "holds until then)"
            )
            out.append(finding(doc.path, line, col, "SOP504", msg))
        elif key in r.renamed and not is_id(item := r.renamed[key]):
            # the way to name an item whose id a YAML key cannot hold: said, not to be changed
            msg = (
                f"'{key}' names item '{item}' through the glossary, the way to name it here "
                f"('{item}' breaks the YAML id rule); nothing to change"
            )
            out.append(finding(doc.path, line, col, "SOP406", msg, Severity.INFO))
        elif key in r.renamed:
            msg = (
                f"'{key}' was read as item '{r.renamed[key]}' through the glossary or a "
                f"different case; write '{r.renamed[key]}'"
            )
            out.append(finding(doc.path, line, col, "SOP406", msg))
        elif key in r.unknown:
            hint = alias_hint(key, items)
            fix = (
                hint
                if hint
                else f"correct the id (items: {shown or 'none yet'}) or keep it for the cycles "
                "that have the item"
            )
            msg = (
                f"per_item key '{key}' is no item of cycle {ws.cycle_id} ({table}), so its "
                f"method applies to nothing there; {fix}"
            )
            out.append(finding(doc.path, line, col, "SOP615", msg))
    return out
