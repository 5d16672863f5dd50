"""What an overlay selects: its selectors resolved against the cycle's ids, with findings.

One function serves both validation (the findings, with the line of the offending value) and
application (the resolved ids), so what `sopctl validate` accepts is exactly what is applied.
Values of one selector add up; selectors of different kinds narrow each other; `items` and
`families` are one dimension (the items listed plus the items of the families listed); a
selector left out selects everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import periods
from ..findings import Finding, Severity, finding
from ..periods import Bucket
from ..tables.check import Table
from ..tables.idrule import alias_hint, is_id
from ..tables.refs import canonical

if TYPE_CHECKING:
    from ..validate import Workspace
    from ..yamlio import YamlDoc


@dataclass(frozen=True)
class Ids:
    """The ids an overlay can name, read from the loaded cycle."""

    items: list[str]
    families: dict[str, list[str]]
    segments: list[str]
    resources: dict[str, str]  # resource -> kind (fixed | labour)
    materials: dict[str, str]  # material -> supplier
    promotions: frozenset[str]
    periods: list[str]
    bucket: Bucket
    paths: dict[str, str] = field(default_factory=dict)  # table type -> file, for messages
    # tables whose ids are not all known (not read, or rows lost): selectors naming their ids
    # are not judged until they are fixed (their own findings say what is wrong)
    unread: frozenset[str] = frozenset()
    # the charter glossary (Charter.aliases): items, resources and materials are read through
    # it as CSV values are, which is how an id that breaks the YAML id rule is named here
    aliases: dict[str, str] = field(default_factory=dict)

    def where(self, table: str) -> str:
        return self.paths.get(table, f"the {table} table")


def _col(ws: Workspace, table: str, *cols: str) -> list[tuple[Any, ...]]:
    t = ws.tables.get(table)
    if not isinstance(t, Table) or any(c not in t.frame.columns for c in cols):
        return []
    return list(t.frame.select(cols).drop_nulls(cols[0]).iter_rows())


def ids_of(ws: Workspace) -> Ids:
    assert ws.charter is not None
    families: dict[str, list[str]] = {}
    items = sorted({str(r[0]) for r in _col(ws, "items", "item")})
    for item, fam in _col(ws, "items", "item", "family"):
        if fam is not None:
            families.setdefault(str(fam), []).append(str(item))
    return Ids(
        items=items,
        families={k: sorted(set(v)) for k, v in families.items()},
        segments=[s.id for s in ws.charter.segments],
        resources={str(r): str(k) for r, k in _col(ws, "resources", "resource", "kind")},
        materials={str(m): str(s) for m, s in _col(ws, "materials", "material", "supplier")},
        promotions=frozenset(str(r[0]) for r in _col(ws, "promotions", "promo_id")),
        periods=ws.periods(),
        bucket=ws.charter.cadence.bucket,
        paths={name: t.path for name, t in ws.tables.items()},
        unread=frozenset(ws.unread),
        aliases=ws.charter.aliases(),
    )


@dataclass
class Selection:
    items: list[str] = field(default_factory=list)
    all_items: bool = True  # no items or families given
    segments: list[str] = field(default_factory=list)
    all_segments: bool = True
    periods: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)


class _Selector:
    """Resolves one overlay (number `i` of a scenario file) and collects its findings."""

    def __init__(self, ids: Ids, doc: YamlDoc, i: int) -> None:
        self.ids, self.doc, self.i = ids, doc, i
        self.findings: list[Finding] = []
        self.read: dict[str, str] = {}  # value -> the id it names by case or glossary

    def add(
        self, key: tuple[str | int, ...], code: str, message: str, sev: Severity | None = None
    ) -> None:
        line, col = self.doc.where(("overlays", self.i, *key))
        self.findings.append(finding(self.doc.path, line, col, code, message, sev))

    def known(self, key: str, values: Sequence[str], known: Sequence[str], what: str) -> list[str]:
        ok = set(known)
        table = {"item": "items", "resource": "resources", "material": "materials"}.get(what, "")
        where = "the charter's segments" if what == "segment" else self.ids.where(table)
        read: dict[str, str] = {}
        if table:  # an item, resource or material: by case or glossary, as in a CSV file
            read, _ = canonical(values, frozenset(ok), self.ids.aliases)
            self.read.update(read)
        for j, v in enumerate(values):
            if v in read:
                self.add((key, j), "SOP406", *_renamed(v, read[v], what))
            elif v not in ok and table not in self.ids.unread:
                hint = alias_hint(v, known) if table else None
                self.add(
                    (key, j),
                    "SOP623",
                    f"{what} '{v}' is not in {where}; "
                    + (hint or "correct the id" + (f" (known: {_few(known)})" if known else "")),
                )
        return [i for i in dict.fromkeys(read.get(v, v) for v in values) if i in ok]

    def items(self, ov: Any, sel: Selection) -> None:
        items: list[str] = list(ov.items)
        fams: list[str] = list(ov.families)
        if not items and not fams:
            sel.items, sel.all_items = list(self.ids.items), True
            return
        chosen = self.known("items", items, self.ids.items, "item")
        for j, fam in enumerate(fams):
            members = self.ids.families.get(fam)
            if members is None and "items" in self.ids.unread:
                continue
            if members is None:
                self.add(
                    ("families", j),
                    "SOP622",
                    f"family '{fam}' matches no item of {self.ids.where('items')}"
                    + (
                        f" (families: {_few(sorted(self.ids.families))})"
                        if self.ids.families
                        else ""
                    ),
                )
                continue
            chosen += members
        sel.items = sorted(set(chosen))
        sel.all_items = False

    def segments(self, ov: Any, sel: Selection) -> None:
        if ov.segments:
            sel.segments = self.known("segments", ov.segments, self.ids.segments, "segment")
            sel.all_segments = False
        else:
            sel.segments = list(self.ids.segments)

    def period_range(self, first: str | None, last: str | None, sel: Selection) -> None:
        """`from`..`to` as horizon periods: a range partly outside the horizon is clipped to it
        (as a promotion in promotions.csv is); one wholly outside it selects nothing (SOP624)."""
        labels, bucket = self.ids.periods, self.ids.bucket
        start = periods.to_ordinal(labels[0], bucket) if labels else None
        bounds: list[int] = [0, len(labels) - 1]
        ok = start is not None
        for n_key, (key, value) in enumerate((("from", first), ("to", last))):
            if value is None or start is None:
                continue
            n = periods.to_ordinal(value, bucket)
            if n is None:
                bad = periods.why_not(value, bucket)
                self.add((key,), "SOP625", f"'{value}' {bad.what}; {bad.fix}")
                ok = False
            else:
                bounds[n_key] = n - start
        if ok and first is not None and last is not None and bounds[1] < bounds[0]:
            self.add(("to",), "SOP625", f"'to' ({last}) is before 'from' ({first}); swap them")
            ok = False
        elif ok and (bounds[0] > len(labels) - 1 or bounds[1] < 0):
            # `from` after the horizon's end, or `to` before its start (a default never is)
            self.add(
                ("from" if bounds[0] > len(labels) - 1 else "to",),
                "SOP624",
                f"the range {first or labels[0]} to {last or labels[-1]} lies wholly outside "
                f"the cycle's horizon ({labels[0]} to {labels[-1]}); choose periods inside it",
            )
            ok = False
        lo, hi = max(bounds[0], 0), min(bounds[1], len(labels) - 1)
        sel.periods = labels[lo : hi + 1] if ok else []

    def resources(self, ov: Any, sel: Selection, labour_only: bool) -> None:
        known = sorted(self.ids.resources)
        if not ov.resources:
            sel.resources = [r for r in known if self.ids.resources[r] == "labour"]
            if not sel.resources and "resources" not in self.ids.unread:
                self.add(
                    ("policy",),
                    "SOP622",
                    f"the cycle has no labour pool ({self.ids.where('resources')}) for a "
                    "workforce policy; remove the overlay",
                )
            return
        chosen = self.known("resources", ov.resources, known, "resource")
        if labour_only:
            for j, r in enumerate(self.read.get(r, r) for r in ov.resources):
                if r in chosen and self.ids.resources[r] != "labour":
                    self.add(
                        ("resources", j),
                        "SOP626",
                        f"resource '{r}' is a fixed resource; a workforce policy applies to "
                        "labour pools only",
                    )
            chosen = [r for r in chosen if self.ids.resources[r] == "labour"]
        sel.resources = chosen

    def materials(self, ov: Any, sel: Selection) -> None:
        known = sorted(self.ids.materials)
        chosen = self.known("materials", ov.materials, known, "material")
        for j, sup in enumerate(getattr(ov, "suppliers", [])):
            mats = [m for m in known if self.ids.materials[m] == sup]
            if not mats and "materials" not in self.ids.unread:
                suppliers = sorted(set(self.ids.materials.values()))
                self.add(
                    ("suppliers", j),
                    "SOP622",
                    f"supplier '{sup}' supplies no material of {self.ids.where('materials')}"
                    + (f" (suppliers: {_few(suppliers)})" if suppliers else ""),
                )
            chosen += mats
        sel.materials = sorted(set(chosen))


def select(ids: Ids, ov: Any, doc: YamlDoc, i: int) -> tuple[Selection, list[Finding]]:
    """The ids overlay `ov` (number `i` in `doc`) selects, and what is wrong with it."""
    s = _Selector(ids, doc, i)
    sel = Selection()
    kind = ov.kind
    items_kinds = ("demand", "price", "promotion", "receipts")
    if kind in items_kinds or (kind == "cost" and (ov.items or ov.families)):
        s.items(ov, sel)
    if kind == "cost" and not (ov.items or ov.families):
        sel.items, sel.all_items = [], False
    if kind in ("demand", "price", "promotion"):
        s.segments(ov, sel)
    ranged = (
        "demand",
        "capacity",
        "shift",
        "promotion",
        "supplier",
        "receipts",
        "workforce",
        "price",
        "cost",
    )
    if kind in ranged:
        s.period_range(ov.from_, ov.to, sel)
    if kind in ("capacity", "shift", "workforce") or (kind == "cost" and ov.resources):
        s.resources(ov, sel, labour_only=kind == "workforce")
    if kind == "supplier" or (kind == "cost" and ov.materials):
        s.materials(ov, sel)
    if kind == "promotion" and "promotions" not in ids.unread:
        if ov.action == "remove" and ov.id not in ids.promotions:
            s.add(
                ("id",),
                "SOP623",
                f"promotion '{ov.id}' is not in {ids.where('promotions')}; name a promo_id "
                "of the cycle's promotions",
            )
        elif ov.action == "add" and ov.id in ids.promotions:
            s.add(
                ("id",),
                "SOP631",
                f"promotion '{ov.id}' is already in {ids.where('promotions')}; give the "
                "added promotion an id of its own",
            )
    return sel, s.findings


def _renamed(value: str, id_: str, what: str) -> tuple[str, Severity | None]:
    """SOP406 for a selector value read as another id: write the id itself, unless that id
    breaks the YAML id rule, when the glossary alias is the way to name it (an info)."""
    if is_id(id_):
        msg = f"'{value}' was read as {what} '{id_}' through the glossary or a different case"
        return f"{msg}; write '{id_}'", None
    msg = f"'{value}' names {what} '{id_}' through the glossary, the way to name it here"
    return f"{msg} ('{id_}' breaks the YAML id rule); nothing to change", Severity.INFO


def _few(values: Sequence[str], n: int = 8) -> str:
    shown = ", ".join(values[:n])
    return shown + (f" and {len(values) - n} more" if len(values) > n else "")
