from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
    ),
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
# an address as git takes it (user.email): `ci@localhost` tags as well as a member's address
GitEmail = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[^@\s]+@[^@\s]+$"),
    AfterValidator(_printable),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
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


Amount = Annotated[float, AfterValidator(_amount)]  # units, hours or money, either sign
NonNegAmount = Annotated[float, Field(ge=0.0), AfterValidator(_amount)]
Factor = Annotated[float, Field(ge=0.0), AfterValidator(_factor)]


class Strict(BaseModel):
    """Base for every YAML model: unknown keys are errors, objects are immutable, and a number
    must be finite (YAML's `.inf` and `.nan` are numbers to a YAML parser, not to a plan)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )
