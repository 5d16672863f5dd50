"""Options that cost the same as the base but whose plans differ (pure).

A plan's LP often has many plans of the same least cost (degenerate). Two solves of models
that differ only where nothing binds can land on different ones, and the comparison then shows
working capital, exceptions or utilisation moving although the scenario changed nothing that
matters. `sopctl reconcile --scenario` keeps the base's plan wherever it is still optimal
(sopctl.reconcile.kept), so a scenario solved in place differs from the base only where the
base's plan is no longer possible or no longer cheapest: those moves are the scenario's, at no
extra cost. Revisions are each solved on their own (as `sopctl diff` solves its sides), so
between them such differences can be another plan of the same cost: an alternative optimum,
not an effect of the change. Either way the planner is told that the cost is the same, and
which lines differ; nothing is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compare import Comparison

REL = 1e-6  # the same plan cost: equal within 1e-6 relative
SHOWN = 4  # KPIs named in the note


@dataclass(frozen=True)
class SameCost:
    """An option with the base's plan cost whose plan differs from the base's."""

    option: str
    differs: list[str]  # KPI names whose values differ
    labels: list[str]  # their labels
    appeared: int  # exceptions that appear against the base
    cleared: int

    def note(self, base: str, mode: str) -> str:
        lines = ", ".join(self.labels[:SHOWN]) + (", ..." if len(self.labels) > SHOWN else "")
        if self.appeared or self.cleared:
            exc = f"exceptions {self.appeared} new, {self.cleared} cleared"
            lines = f"{lines}; {exc}" if lines else exc
        lines = lines or "the supply plan"
        head = (
            f"{self.option}: the same plan cost as {base}; the plans differ where the costs "
            f"are equal ({lines})"
        )
        if mode == "scenarios":
            return (
                f"{head}. A scenario solved in place keeps the base's plan wherever it is "
                "still optimal, so there these are moves the scenario makes at no extra cost; "
                "one rebuilt (a new item and segment pair, --integer) is solved on its own, "
                "where another plan of the same cost may be picked."
            )
        return (
            f"{head}: each revision is solved on its own, and where several plans cost the "
            "same either may be picked, so this can be an alternative optimum, not an effect "
            "of the change."
        )

    def to_dict(self, base: str, mode: str) -> dict[str, Any]:
        return {"differs": self.differs, "note": self.note(base, mode)}


def same_cost(c: Comparison) -> dict[str, SameCost]:
    """Per option (not the base): its record when its plan cost equals the base's within
    1e-6 relative and its supply plan differs from the base's. A supply plan that is the
    same is the same plan: what still differs then (utilisation of a line with more hours,
    working capital at other prices) is the scenario's effect on the numbers, not a move."""
    total = c.kpi("cost_total")
    base = c.options[0].plan
    if total is None or base is None:
        return {}
    out: dict[str, SameCost] = {}
    for o in c.options[1:]:
        name = o.name
        if not _equal(total.values.get(c.base), total.values.get(name)):
            continue
        if o.plan is None or o.plan.supply.equals(base.supply):
            continue
        differs = [
            k
            for k in c.kpis
            if k.name != "cost_total"
            and k.values.get(name) is not None
            and not _equal(k.values.get(c.base), k.values.get(name))
        ]
        diff = c.changes.get(name)
        appeared = diff.appeared_count if diff is not None else 0
        cleared = diff.cleared_count if diff is not None else 0
        names = [k.name for k in differs]
        labels = [k.label.strip() for k in differs]
        out[name] = SameCost(name, names, labels, appeared, cleared)
    return out


def _equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= REL * max(1.0, abs(a))
