"""Who owns a Learn metric, whom a breach escalates to, and which threshold applies — all read
from the committed charter (the one at the tag).

Owner: the charter metric's owner when the charter lists the metric; else `learn.owners`
for the section; else the owner of the input the section is about (demand_history for the
forecast ...); else the first role that signs off. Escalation: the charter's escalation rule
for the exception the breach stands for (shortage of a segment, overload of a resource, safety
stock), else `learn.escalate_to`, else the rule for `any` exception, else the first role that
signs off.
"""

from __future__ import annotations

from ..schemas.charter import Charter, Metric
from .scorecard import Threshold

# the inputs whose owner answers for a section when neither a metric nor learn.owners says
SECTION_INPUTS: dict[str, tuple[str, ...]] = {
    "forecast": ("demand_history", "baseline", "overrides"),
    "lag": ("demand_history", "baseline", "overrides"),
    "service": ("inventory", "items", "resources"),
    "inventory": ("inventory", "items"),
    "adherence": ("resources", "capacity", "routings"),
    "pipeline": ("pipeline", "renewals"),
    "assumptions": (),
}
# (section, learn metric) -> (charter metric name, compare |value|)
CHARTER_METRICS: dict[tuple[str, str], tuple[str, bool]] = {
    ("forecast", "wape"): ("forecast_wape", False),
    ("forecast", "mape"): ("forecast_mape", False),
    ("forecast", "bias_pct"): ("forecast_bias", True),
    ("forecast", "tracking_signal"): ("tracking_signal", True),
    ("service", "unit_fill_rate"): ("service_level", False),
    ("service", "line_fill_rate"): ("line_fill_rate", False),
    ("service", "otif"): ("otif", False),
    ("inventory", "turns"): ("inventory_turns", False),
    ("adherence", "production_adherence"): ("production_adherence", False),
    ("adherence", "utilisation_peak"): ("capacity_utilisation", False),
}


class Rules:
    def __init__(self, charter: Charter) -> None:
        self.charter = charter
        self.learn = charter.learn
        self.metrics: dict[str, Metric] = {m.name: m for m in charter.metrics}
        self.signers = charter.approvals.required_roles or charter.decision_rights.sign_off_plan

    def owner(self, section: str) -> str:
        if section in self.learn.owners:
            return self.learn.owners[section]
        for t in SECTION_INPUTS.get(section, ()):
            if found := self.input_owner(t):
                return found
        return self.signers[0] if self.signers else ""

    def input_owner(self, table: str) -> str:
        """The role that owns the input of table type `table` ('' when none is declared)."""
        return next((d.owner for d in self.charter.inputs if d.table == table), "")

    def escalate(
        self, exception: str | None = None, segment: str | None = None, resource: str | None = None
    ) -> str:
        """The role a breach goes to (see the module docstring)."""
        if exception is not None:
            fits = [
                r
                for r in self.charter.escalation
                if r.exception == exception
                and r.segment in (None, segment)
                and r.resource in (None, resource)
            ]
            if fits:
                best = min(fits, key=lambda r: (r.segment is None, r.resource is None, r.min_value))
                return best.to
        if self.learn.escalate_to:
            return self.learn.escalate_to
        anyone = [r for r in self.charter.escalation if r.exception == "any"]
        if anyone:
            return min(anyone, key=lambda r: r.min_value).to
        return self.signers[0] if self.signers else ""

    def threshold(
        self,
        section: str,
        metric: str,
        *,
        default: Threshold | None = None,
        target: float | None = None,
        escalate: str | None = None,
    ) -> Threshold:
        """The charter metric for (section, metric) when the charter lists it (its target
        unless `target` overrides it, e.g. a segment's own service target), else `default`
        (a built-in threshold from the learn section), else information only."""
        esc = escalate if escalate is not None else self.escalate()
        mapped = CHARTER_METRICS.get((section, metric))
        m = self.metrics.get(mapped[0]) if mapped else None
        if m is not None and mapped is not None:
            return Threshold(
                target=m.target if target is None else target,
                tolerance=m.tolerance,
                direction=m.direction,
                severity=m.severity,
                owner=m.owner,
                escalate_to=esc,
                absolute=mapped[1],
            )
        owner = self.owner(section)
        if target is not None and default is None:
            default = Threshold(target=target, direction="at_least")
        if default is None:
            return Threshold(owner=owner, escalate_to=esc, severity=self.learn.severity)
        return Threshold(
            target=default.target,
            tolerance=default.tolerance,
            direction=default.direction,
            severity=self.learn.severity,
            owner=default.owner or owner,
            escalate_to=default.escalate_to or esc,
            absolute=default.absolute,
            target_max=default.target_max,
        )
