from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=ID_PATTERN),
]


def _printable(text: str) -> str:
    if not text.isprintable():
        raise ValueError("an e-mail address cannot hold a control or invisible character")
    return text


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(_printable),
]


def _one_address(value: object) -> object:
    """A list entry holding several addresses ('tom@x.example; anna@x.example', as a mail
    client separates them): the list to write instead (YAML separates entries by commas)."""
    if isinstance(value, str) and value.count("@") > 1:
        parts = [p for p in re.split(r"[;,\s]+", value) if p]
        raise ValueError(
            f"holds {len(parts)} e-mail addresses; list one address per item, separated by "
            f"commas: [{', '.join(parts)}]"
        )
    return value


def _address_list(value: object) -> object:
    """A list of addresses written as one text ('tom@x.example'): the list to write."""
    if isinstance(value, str) and "@" in value:
        parts = [p for p in re.split(r"[;,\s]+", value) if p]
        raise ValueError(
            f"must be a list of e-mail addresses, one per item: write [{', '.join(parts)}]"
        )
    return value


# the members of a role: a list of addresses, each item one address
Members = Annotated[
    list[Annotated[Email, BeforeValidator(_one_address)]], BeforeValidator(_address_list)
]
# an address as git takes it (user.email): `ci@localhost` tags as well as a member's address
GitEmail = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[^@\s]+@[^@\s]+$"),
    AfterValidator(_printable),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# Patterns for the JSON Schemas only (`sopctl schema`): sopctl checks these values itself, with
# messages that know the charter's bucket, so pydantic does not match them. A period is a month
# or an ISO week of 1900-2999 (sopctl.periods); which of the two the charter plans in, and
# whether a week 53 exists that year, is sopctl's to say.
PERIOD_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4][0-9]|5[0-3]))$"
# a real calendar day YYYY-MM-DD (years 0001-9999, 29 February in leap years only)
_DAY = (
    r"((?!0000)[0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
    r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
    r"|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29)"
)
DATE_PATTERN = f"^{_DAY}$"
UTC_SECOND_PATTERN = f"^{_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"
Period = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    Field(json_schema_extra={"pattern": PERIOD_PATTERN}),
]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]

# Bounds on the numbers that reach the LP (docs/formats.md, "Numbers the solver can hold").
# HiGHS holds each constraint to 1e-7 and reads 1e20 as infinite; from 1e9 on, neighbouring
# doubles lie more than 1e-7 apart, so a quantity or money amount beyond LP_LIMIT gives an
# infeasible, meaningless or unchanged plan rather than an error. A factor multiplies inputs
# that may already be large: beyond FACTOR_LIMIT (three orders of magnitude) the product leaves
# that range for ordinary plans, and such a factor is a typo (1.3e3 for 1.3).
LP_LIMIT = 1e9
FACTOR_LIMIT = 1e3
_LP_WHY = "beyond it the solver, which works to 1e-7, gives a wrong or unchanged plan"


def _amount(value: float) -> float:
    if abs(value) > LP_LIMIT:
        raise ValueError(
            f"must lie within ±1e9, the largest size sopctl accepts: {_LP_WHY} "
            "(a typo or a unit mistake?)"
        )
    return value


def _factor(value: float) -> float:
    if value > FACTOR_LIMIT:
        raise ValueError(
            f"must be at most {FACTOR_LIMIT:g}, the largest factor sopctl accepts: a larger one "
            f"is a typo or a unit mistake (1.3e3 for 1.3) and carries quantities or money "
            f"past 1e9, where {_LP_WHY.removeprefix('beyond it ')}"
        )
    return value


_WITHIN_LP = {"minimum": -LP_LIMIT, "maximum": LP_LIMIT}  # the JSON Schemas' view of _amount
Amount = Annotated[  # units, hours or money, either sign
    float, Field(json_schema_extra=_WITHIN_LP), AfterValidator(_amount)
]
NonNegAmount = Annotated[
    float, Field(ge=0.0, json_schema_extra={"maximum": LP_LIMIT}), AfterValidator(_amount)
]
Factor = Annotated[
    float, Field(ge=0.0, json_schema_extra={"maximum": FACTOR_LIMIT}), AfterValidator(_factor)
]


class Strict(BaseModel):
    """Base for every YAML model: unknown keys are errors, objects are immutable, and a number
    must be finite (YAML's `.inf` and `.nan` are numbers to a YAML parser, not to a plan)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )
