"""The vocabulary of table contracts: columns, row rules, contracts.

The contracts themselves are declared in demand_tables.py and supply_tables.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DType = Literal["id", "str", "int", "float", "period", "email", "date"]
# Where a period column must lie relative to the cycle: before it, inside it, or anywhere;
# "span": the first and the second "span" column of a table are the start and end of a span
# (a promotion) that must overlap the horizon, each of them may lie outside it;
# "ignored_outside": a period that counts only inside the horizon, a row outside it being
# ignored with a warning (a renewal of the previous cycle left in the file), not an error.
PeriodScope = Literal["history", "horizon", "span", "ignored_outside", "any"]
# A reference: "charter.segments" | "charter.stages" | "charter.roles" | "charter.members"
# or "<table>.<column>" for another table of the cycle.
Ref = str


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType
    description: str
    required: bool = True  # the column must be in the header
    nullable: bool = False  # a cell may be empty
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    allowed: tuple[str, ...] | None = None
    ref: Ref | None = None
    scope: PeriodScope = "any"


@dataclass(frozen=True)
class Rule:
    """A rule that ties columns of one row together; checked in tables.check by name."""

    name: str
    column: str  # where the finding points
    message: str  # may hold "(here {figure})": the row's own number (tables.check._FIGURES)
    code: str = "SOP310"  # an error; a rule whose row is planned anyway warns by its own code

    @property
    def text(self) -> str:
        """The message without a row's figure: the rule as the docs list it."""
        return self.message.replace(" (here {figure})", "")


@dataclass(frozen=True)
class Contract:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = field(default=())

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def item_col(desc: str = "Item (family or SKU) id from items.csv") -> Column:
    return Column("item", "id", desc, ref="items.item")


def material_col(desc: str = "Material id") -> Column:
    return Column("material", "id", desc, ref="materials.material")


def segment_col() -> Column:
    return Column("segment", "id", "Customer segment id from the charter", ref="charter.segments")


def qty_col(name: str = "quantity", desc: str = "Units", nullable: bool = False) -> Column:
    return Column(name, "float", desc, min=0, nullable=nullable)


def opt_money_col(name: str, desc: str) -> Column:
    return Column(name, "float", desc, required=False, nullable=True, min=0)
