"""One planning cycle (`cycles/<cycle-id>/cycle.yaml`)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from .common import ID_PATTERN, Id, Period, Strict, Text


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

    @field_validator("owner", mode="before")
    @classmethod
    def _a_role(cls, value: object, info: ValidationInfo) -> object:
        """An owner that is no id (a person's e-mail address, a title): a role owns an
        assumption, named by its id; the roles are listed when the validation context has
        the charter's (`charter_roles`, a function: the charter is read for them only then)."""
        if not isinstance(value, str) or re.match(ID_PATTERN, value.strip()):
            return value
        roles = (info.context or {}).get("charter_roles", list)()
        use = (
            f"use one of the charter's roles: {', '.join(roles)}"
            if roles
            else "use the id of one of the roles under roles in the charter"
        )
        if "@" in value:
            raise ValueError(
                f"a role owns an assumption, named by its id, not a person's e-mail address; {use}"
            )
        raise ValueError(f"a role owns an assumption, named by its id; {use}")


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
