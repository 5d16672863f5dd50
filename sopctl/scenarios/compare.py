"""Plans side by side (pure): KPIs per option, deltas against the base, the best option per KPI.

`compare_options(options)` is the engine behind `sopctl compare`: each option is a name and a
solved plan (`PlanSnapshot`: summary.json, supply_plan.csv and exceptions.csv, as written by
`sopctl reconcile`) or the reason it has none; the first option is the base. It reads no files,
runs no solver and touches no git: where the plans come from is sources.py's business. The
exceptions that appear or clear against the base come from the plan diff (`plandiff.outputs`).
`Comparison.to_dict()` is the JSON of `sopctl compare --format json` (shape in
docs/scenarios.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exception_words import kind_words
from ..finance import OPERATING_COST, PLAN_COST, cost_words, operating_cost
from ..plandiff.model import OutputDiff
from ..plandiff.outputs import PlanSnapshot, diff_outputs
from ..reconcile.result import COST_ORDER
from .shown import as_shown, best

if TYPE_CHECKING:
    from .ties import SameCost

DECIMALS = 6
Value = float | None

# The KPIs whose best option is marked: outcomes where more (or less) is better for the business
# whatever the scenario does. Cost parts, working capital, turns, utilisation and exception
# counts are left unmarked: a scenario that loses supply makes, buys, holds and works less, and
# a mark there would reward doing less (docs/scenarios.md, "Which lines mark a best option").
RANKED = frozenset(
    {
        "units_short",
        "units_lost",
        "revenue",
        "gross_margin",
        "gross_margin_pct",
        "cost_total",
        "cash_flow",
    }
)


def ranked(name: str) -> bool:
    return name in RANKED or name.startswith("service.")


# name, label, group, unit, better, where in summary.json
_FINANCE: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("revenue", "Revenue ({cur})", "money", "higher", ("finance", "revenue")),
    ("gross_margin", "Gross margin ({cur})", "money", "higher", ("finance", "gross_margin")),
    ("gross_margin_pct", "Gross margin (%)", "pct", "higher", ("finance", "gross_margin_pct")),
    (
        "cost_total",
        f"{PLAN_COST} ({{cur}})",
        "money",
        "lower",
        ("costs", "total"),
    ),
)
_CASH: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "working_capital_avg",
        "Working capital, average ({cur})",
        "money",
        "lower",
        ("finance", "average_working_capital"),
    ),
    (
        "working_capital_peak",
        "Working capital, peak ({cur})",
        "money",
        "lower",
        ("finance", "peak_working_capital"),
    ),
    (
        "cash_flow",
        "Cash flow ({cur})",
        "money",
        "higher",
        ("finance", "total_cash_flow"),
    ),
    (
        "inventory_turns",
        "Inventory turns per year",
        "ratio",
        "higher",
        ("finance", "inventory_turns"),
    ),
)


@dataclass
class Option:
    """One plan to compare: a scenario, a git revision or the working tree."""

    name: str
    plan: PlanSnapshot | None
    kind: str = "scenario"  # scenario | revision | worktree
    description: str = ""
    owner: str | None = None
    commit: str | None = None
    source: str = ""  # outputs | solved | revision
    status: str = ""
    errors: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # input tables changed against the base

    @property
    def ok(self) -> bool:
        return self.plan is not None


@dataclass(frozen=True)
class Kpi:
    """One KPI across the options: values, and which option is best (none when all show the
    same value, or when the KPI is not `ranked`)."""

    name: str
    label: str
    group: str  # service | finance | cost | cash | utilisation | exceptions
    unit: str  # share | units | money | pct | ratio | count
    better: str  # higher | lower
    values: dict[str, Value]
    best: tuple[str, ...]
    ranked: bool = False  # a best option is marked on this line (RANKED)

    def delta(self, name: str, base: str) -> Value:
        a, b = self.values.get(base), self.values.get(name)
        return None if a is None or b is None else b - a

    def pct(self, name: str, base: str) -> Value:
        a, d = self.values.get(base), self.delta(name, base)
        return None if a is None or d is None or abs(a) < 1e-9 else 100.0 * d / abs(a)

    def to_dict(self, names: list[str], base: str) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "group": self.group,
            "unit": self.unit,
            "better": self.better,
            "values": {n: _r(self.values.get(n)) for n in names},
            "deltas": {
                n: {"delta": _r(self.delta(n, base)), "pct": _r(self.pct(n, base))} for n in names
            },
            "best": list(self.best),
            "ranked": self.ranked,
        }


@dataclass
class Comparison:
    cycle: str
    mode: str  # scenarios | revisions
    currency: str
    options: list[Option]
    kpis: list[Kpi]
    changes: dict[str, OutputDiff]  # option name -> exceptions appeared / cleared vs the base
    limit: int = 10

    @property
    def base(self) -> str:
        return self.options[0].name

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.options]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.options)

    def kpi(self, name: str) -> Kpi | None:
        return next((k for k in self.kpis if k.name == name), None)

    def same_cost_notes(self) -> list[str]:
        """Per option that costs what the base costs but plans differently: what to make of
        it (ties.py)."""
        from .ties import same_cost

        return [t.note(self.base, self.mode) for t in same_cost(self).values()]

    def to_dict(self) -> dict[str, Any]:
        from .ties import same_cost

        ties = same_cost(self)
        return {
            "cycle": self.cycle,
            "mode": self.mode,
            "currency": self.currency,
            "base": self.base,
            "ok": self.ok,
            "options": [self._option(o, ties.get(o.name)) for o in self.options],
            "kpis": [k.to_dict(self.names, self.base) for k in self.kpis],
            "limit": self.limit,
        }

    def _option(self, o: Option, tie: SameCost | None) -> dict[str, Any]:
        diff = self.changes.get(o.name)
        exc = diff.to_dict()["exceptions"] if diff is not None else None
        counts = (o.plan.summary.get("exceptions") or {}) if o.plan else {}
        peaks = _peaks(o.plan) if o.plan else {}
        return {
            "name": o.name,
            "kind": o.kind,
            "description": o.description,
            "owner": o.owner,
            "commit": o.commit,
            "source": o.source,
            "status": o.status,
            "ok": o.ok,
            "errors": o.errors,
            "inputs_changed": o.inputs,
            "exceptions": {
                "total": int(sum(counts.values())) if o.plan else None,
                "by_kind": dict(sorted(counts.items())),
                "appeared_count": exc["appeared_count"] if exc else 0,
                "cleared_count": exc["cleared_count"] if exc else 0,
                "appeared": exc["appeared"] if exc else [],
                "cleared": exc["cleared"] if exc else [],
            },
            "utilisation_peak_periods": {r: p for r, (p, _) in peaks.items()},
            "same_cost": tie.to_dict(self.base, self.mode) if tie is not None else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


def compare_options(
    options: list[Option], cycle: str, mode: str = "scenarios", limit: int = 10
) -> Comparison:
    """Compare `options` (the first is the base): KPIs, deltas, best per KPI, and the exceptions
    that appear or clear against the base."""
    if not options:
        raise ValueError("nothing to compare: give at least one option")
    plans = {o.name: o.plan for o in options if o.plan is not None}
    names = [o.name for o in options]
    currency = next((str(p.summary.get("currency") or "") for p in plans.values()), "")
    rows: list[tuple[str, str, str, str, str, dict[str, Value]]] = []

    def add(name: str, label: str, group: str, unit: str, better: str, get: Any) -> None:
        values = {n: (get(plans[n]) if n in plans else None) for n in names}
        rows.append((name, label.format(cur=currency or "money"), group, unit, better, values))

    for seg in _ordered(plans, lambda p: [r["segment"] for r in _service(p)]):
        add(
            f"service.{seg}",
            f"Service level {seg}",
            "service",
            "share",
            "higher",
            lambda p, s=seg: _seg(p, s, "service_level"),
        )
    add(
        "units_short",
        "Units not on time",
        "service",
        "units",
        "lower",
        lambda p: _units(p, ("demand",), ("on_time",)),
    )
    add(
        "units_lost",
        "Units never delivered",
        "service",
        "units",
        "lower",
        lambda p: _units(p, ("lost_sales", "backlog_at_end"), ()),
    )
    for name, label, unit, better, path in _FINANCE:
        add(name, label, "finance", unit, better, lambda p, path=path: _get(p.summary, path))
    add(
        "operating_cost",
        f"  {OPERATING_COST} ({{cur}})",
        "finance",
        "money",
        "lower",
        lambda p: operating_cost(p.summary.get("costs") or {}),
    )
    parts = [c for c in COST_ORDER if any(abs(_cost(p, c) or 0.0) > 0.005 for p in plans.values())]
    for comp in parts:
        add(
            f"cost.{comp}",
            f"  {cost_words(comp)} ({{cur}})",
            "cost",
            "money",
            "lower",
            lambda p, c=comp: _cost(p, c),
        )
    for name, label, unit, better, path in _CASH:
        add(name, label, "cash", unit, better, lambda p, path=path: _get(p.summary, path))
    for res in _ordered(plans, lambda p: sorted(_peaks(p))):
        add(
            f"utilisation.{res}",
            f"Peak utilisation {res}",
            "utilisation",
            "share",
            "lower",
            lambda p, r=res: _peaks(p).get(r, (None, None))[1],
        )
    add(
        "exceptions",
        "Exceptions",
        "exceptions",
        "count",
        "lower",
        lambda p: float(sum((p.summary.get("exceptions") or {}).values())),
    )
    for kind in _ordered(plans, lambda p: sorted(p.summary.get("exceptions") or {})):
        add(
            f"exceptions.{kind}",
            f"  {kind_words(kind)}",
            "exceptions",
            "count",
            "lower",
            lambda p, k=kind: float((p.summary.get("exceptions") or {}).get(k, 0)),
        )
    kpis = [
        Kpi(n, lab, g, u, b, v, _best(v, b, u) if ranked(n) else (), ranked(n))
        for n, lab, g, u, b, v in rows
    ]
    base = options[0].plan
    changes = {
        o.name: diff_outputs(base, o.plan, limit)
        for o in options[1:]
        if base is not None and o.plan is not None
    }
    return Comparison(cycle, mode, currency, list(options), kpis, changes, limit)


def _r(x: Value) -> Value:
    if x is None:
        return None
    v = round(x, DECIMALS)
    return 0.0 if v == 0 else v


def _best(values: dict[str, Value], better: str, unit: str) -> tuple[str, ...]:
    """The best options on the values as the text and Markdown views show them."""
    return best(values, better, lambda x: as_shown(unit, x))


def _ordered(plans: dict[str, PlanSnapshot], keys: Any) -> list[str]:
    """Keys in the order of the first plan, then new ones as they come."""
    out: list[str] = []
    for p in plans.values():
        out += [k for k in keys(p) if k not in out]
    return out


def _get(doc: dict[str, Any], path: tuple[str, ...]) -> Value:
    node: Any = doc
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def _service(p: PlanSnapshot) -> list[dict[str, Any]]:
    rows = p.summary.get("service") or []
    return [r for r in rows if isinstance(r, dict) and "segment" in r]


def _seg(p: PlanSnapshot, seg: str, key: str) -> Value:
    row = next((r for r in _service(p) if r["segment"] == seg), None)
    return _get(row, (key,)) if row else None


def _units(p: PlanSnapshot, plus: tuple[str, ...], minus: tuple[str, ...]) -> Value:
    rows = _service(p)
    if not rows:
        return None
    total = 0.0
    for r in rows:
        total += sum(_get(r, (k,)) or 0.0 for k in plus) - sum(_get(r, (k,)) or 0.0 for k in minus)
    return max(total, 0.0)


def _cost(p: PlanSnapshot, comp: str) -> Value:
    return _get(p.summary, ("costs", comp))


def _peaks(p: PlanSnapshot) -> dict[str, tuple[str, Value]]:
    out: dict[str, tuple[str, Value]] = {}
    for r in p.summary.get("utilisation_peaks") or []:
        if isinstance(r, dict) and "resource" in r:
            out[str(r["resource"])] = (str(r.get("period") or ""), _get(r, ("utilisation",)))
    return out
