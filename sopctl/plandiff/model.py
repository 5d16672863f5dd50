"""The plan diff as data: what changed in the inputs, the YAML files and the plan.

Every renderer (Rich text in the CLI, Markdown, JSON) reads these dataclasses; `PlanDiff.to_dict`
is the JSON form, with stable keys and deterministic ordering.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..exception_words import kind_label, quantity_unit

Row = dict[str, str | None]


def pair_label(a: str | None, b: str | None) -> str:
    """'old → new' when a file moved between the two sides, else its one name."""
    if a and b and a != b:
        return f"{a} → {b}"
    return b or a or "?"


@dataclass(frozen=True)
class CellChange:
    column: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class RowChange:
    key: Row
    cells: tuple[CellChange, ...]


@dataclass
class TableDiff:
    """Rows of one input table compared by the table's key."""

    table: str
    file_a: str | None  # path inside the cycle's inputs/, None when not declared/readable
    file_b: str | None
    key: tuple[str, ...]
    status: str  # unchanged | changed | added | removed | unreadable
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    changed_columns: dict[str, int] = field(default_factory=dict)  # column -> rows changed
    added_rows: list[Row] = field(default_factory=list)  # the first N, by key
    removed_rows: list[Row] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return pair_label(self.file_a, self.file_b)

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "file_a": self.file_a,
            "file_b": self.file_b,
            "key": list(self.key),
            "status": self.status,
            "counts": {
                "added": self.added,
                "removed": self.removed,
                "changed": self.changed,
                "unchanged": self.unchanged,
            },
            "columns_added": self.columns_added,
            "columns_removed": self.columns_removed,
            "changed_columns": self.changed_columns,
            "added_rows": self.added_rows,
            "removed_rows": self.removed_rows,
            "changed_rows": [
                {
                    "key": c.key,
                    "changes": {x.column: {"old": x.old, "new": x.new} for x in c.cells},
                }
                for c in self.changes
            ],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class YamlChange:
    path: str  # e.g. approvals.quorum, segments[strategic].service_level_target
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None


@dataclass
class YamlDiff:
    """One YAML file (the charter, cycle.yaml, approvals.yaml ...) compared by key path."""

    role: str  # charter | cycle.yaml | approvals.yaml | ...
    file_a: str | None
    file_b: str | None
    changes: list[YamlChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return pair_label(self.file_a, self.file_b)

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "file_a": self.file_a,
            "file_b": self.file_b,
            "changes": [
                {"path": c.path, "kind": c.kind, "old": c.old, "new": c.new} for c in self.changes
            ],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Delta:
    """One number on both sides (None when a side does not have it)."""

    name: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def pct(self) -> float | None:
        d = self.delta
        if d is None or self.old is None or abs(self.old) < 1e-9:
            return None
        return 100.0 * d / abs(self.old)

    def changed(self, tol: float = 0.005) -> bool:
        d = self.delta
        return (self.old is None) != (self.new is None) or (d is not None and abs(d) > tol)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": _r(self.old),
            "new": _r(self.new),
            "delta": _r(self.delta),
            "pct": _r(self.pct),
        }


@dataclass(frozen=True)
class PeriodDelta:
    period: str
    demand: Delta
    production: Delta

    def changed(self) -> bool:
        return self.demand.changed() or self.production.changed()


@dataclass(frozen=True)
class ExceptionRow:
    kind: str
    item: str
    resource: str
    material: str
    segment: str
    period: str
    quantity: float
    value: float
    regular_only: bool = False  # an overload with overtime left
    on_overtime: bool = False  # ... that uses some of it

    @property
    def label(self) -> str:
        """What it is in words: 'at capacity' rather than `overload` (exception_words)."""
        return kind_label(
            self.kind, self.resource, self.material, self.regular_only, self.on_overtime
        )

    @property
    def unit(self) -> str:
        """'hours' for a resource at capacity, else 'units'."""
        return quantity_unit(self.kind, self.item, self.resource)

    @property
    def what(self) -> str:
        base = self.item or self.resource or self.material or "?"
        if self.item and self.resource:
            base = f"{self.item} @ {self.resource}"
        return base + (f" / {self.segment}" if self.segment else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "item": self.item or None,
            "resource": self.resource or None,
            "material": self.material or None,
            "segment": self.segment or None,
            "period": self.period,
            "quantity": _r(self.quantity),
            "value": _r(self.value),
        }


@dataclass
class OutputDiff:
    """How the plan moved between the two sides."""

    currency: str
    kpis: list[Delta]  # revenue, gross margin, working capital, cost, totals
    periods: list[PeriodDelta]
    service: list[Delta]  # name = segment, values = service level (0-1)
    exceptions_by_kind: list[Delta]  # name = kind, values = counts
    appeared: list[ExceptionRow]  # the first N, largest value first
    cleared: list[ExceptionRow]
    appeared_count: int = 0
    cleared_count: int = 0
    kept_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "kpis": {d.name: d.to_dict() for d in self.kpis},
            "periods": {
                p.period: {"demand": p.demand.to_dict(), "production": p.production.to_dict()}
                for p in self.periods
            },
            "service_level": {d.name: d.to_dict() for d in self.service},
            "exceptions": {
                "by_kind": {d.name: d.to_dict() for d in self.exceptions_by_kind},
                "appeared_count": self.appeared_count,
                "cleared_count": self.cleared_count,
                "still_open_count": self.kept_count,
                "appeared": [e.to_dict() for e in self.appeared],
                "cleared": [e.to_dict() for e in self.cleared],
            },
        }


@dataclass
class SideInfo:
    """One side of the diff: where it comes from and whether it has a plan."""

    label: str  # the revision as given, or "working tree"
    rev: str | None
    commit: str | None
    ok: bool = True
    status: str = ""  # optimal | infeasible | ... | invalid
    errors: list[str] = field(default_factory=list)  # findings or the infeasibility, as lines
    cycle: str = ""  # the cycle this side plans

    def to_dict(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "label": self.label,
            "rev": self.rev,
            "commit": self.commit,
            "ok": self.ok,
            "status": self.status,
            "errors": self.errors,
        }


@dataclass
class PlanDiff:
    cycle: str
    a: SideInfo
    b: SideInfo
    tables: list[TableDiff]
    yaml: list[YamlDiff]
    outputs: OutputDiff | None  # None when a side has no plan
    limit: int = 10
    notes: list[str] = field(default_factory=list)  # two cycles' horizons, renames

    @property
    def ok(self) -> bool:
        return self.a.ok and self.b.ok

    @property
    def inputs_changed(self) -> bool:
        return any(t.status != "unchanged" for t in self.tables) or any(
            y.changes or y.notes for y in self.yaml
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "ok": self.ok,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "inputs_changed": self.inputs_changed,
            "inputs": [t.to_dict() for t in self.tables],
            "yaml": [y.to_dict() for y in self.yaml],
            "outputs": self.outputs.to_dict() if self.outputs else None,
            "limit": self.limit,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str) + "\n"


def _r(x: float | None, nd: int = 4) -> float | None:
    if x is None:
        return None
    v = round(x, nd)
    return 0.0 if v == 0 else v
