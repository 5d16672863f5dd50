"""One planning cycle (`cycles/<cycle-id>/cycle.yaml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Id, Period, Strict, Text


class Assumption(Strict):
    id: Id
    text: Text
    owner: Id = Field(description="Charter role that owns the assumption")
    derive: bool = Field(
        default=True,
        description="sopctl learn derives whether it held from the scorecard rows of what the "
        "text names (a material or supplier, a resource, an item, a segment); false when the "
        "text names one for another reason (a price agreed with a segment): then only the "
        "owner's word in assumptions.csv counts",
    )


class Scenario(Strict):
    id: Id
    description: str = ""


class Cycle(Strict):
    id: Id
    charter: Id = Field(description="Charter name: charters/<name>.yaml")
    first_period: Period = Field(description="First planned period, e.g. 2027-01 or 2027-W01")
    horizon: int | None = Field(
        default=None, ge=1, le=520, description="Defaults to the charter's horizon"
    )
    status: Literal["draft", "reconciled", "approved", "committed", "closed"] = "draft"
    assumptions: list[Assumption] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=lambda: [Scenario(id="base")])
