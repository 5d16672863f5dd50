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


class Strict(BaseModel):
    """Base for every YAML model: unknown keys are errors, objects are immutable, and a number
    must be finite (YAML's `.inf` and `.nan` are numbers to a YAML parser, not to a plan)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )
