"""The optional `learn` section of the charter: thresholds and owners for `sopctl learn`.

Every key has a default, so a charter without the section stays valid and learn still runs.
Metrics the charter already lists under `metrics` (service_level, forecast_bias, forecast_wape,
inventory_turns, capacity_utilisation ...) keep their own target, tolerance, severity and owner;
this section adds what a plan-time charter does not say.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .common import Id, NonNeg, Probability, Strict

Section = Literal["forecast", "lag", "service", "inventory", "adherence", "pipeline", "assumptions"]


class DaysRange(Strict):
    min: NonNeg | None = Field(default=None, description="Fewest days of supply on hand")
    max: NonNeg | None = Field(default=None, description="Most days of supply on hand")

    @model_validator(mode="after")
    def _ordered(self) -> DaysRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(
                f"min ({self.min:g} days) is above max ({self.max:g}): no stock could meet both;"
                " swap them"
            )
        return self


class LearnRules(Strict):
    tracking_signal_limit: float = Field(
        default=4.0,
        gt=0,
        description="|tracking signal| above this flags a biased forecast (running sum of "
        "errors ÷ MAD)",
    )
    days_of_supply: DaysRange = Field(
        default_factory=DaysRange,
        description="Range of days of supply (forward, on the committed plan) per item",
    )
    production_adherence_min: Probability = Field(
        default=0.9, description="Least production adherence (1 - Σ|actual - plan| ÷ Σ plan)"
    )
    conversion_tolerance: Probability = Field(
        default=0.1,
        description="Largest gap between a stage's realised conversion and its probability",
    )
    min_resolved_deals: int = Field(
        default=5, ge=1, description="Won + lost deals a stage needs before it is judged"
    )
    lead_time_tolerance: NonNeg = Field(
        default=0.0, description="Periods a realised mean lead time may exceed the planned one"
    )
    naive: Literal["last", "seasonal"] = Field(
        default="last",
        description="The naive forecast FVA starts from: last (each series' demand in the "
        "last period of history) or seasonal (its demand in the same period one season "
        "earlier: 12 months, 52 weeks), for seasonal demand",
    )
    severity: Literal["error", "warning"] = Field(
        default="warning",
        description="Severity of a breach of a threshold set here (charter metrics keep theirs)",
    )
    owners: dict[Section, Id] = Field(
        default_factory=dict, description="Metric owner (role) per scorecard section"
    )
    escalate_to: Id | None = Field(
        default=None, description="Role a breach escalates to when no escalation rule fits"
    )
