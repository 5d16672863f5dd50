"""An exception in words, for the text outputs (reconcile's summary, compare, diff, explain,
the report): a label that says what an `overload` is, its quantity with its unit, and a binding
constraint in prose ("capacity of crew in 2027-05" for `capacity[crew,2027-05]`).

The machine names stay in the files' `kind` and `binding_constraint` columns; only what a
reader sees is worded here (pure: no polars, no I/O).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# the opening of an overload's cause (and of its part of the message) while overtime is left
OVERTIME_LEFT = "overtime not used up: "

# a constraint family with its number of keys -> how it reads; keys in the name's order
PROSE: dict[tuple[str, int], str] = {
    ("capacity", 2): "capacity of {0} in {1}",
    ("overtime_limit", 2): "overtime limit of {0} in {1}",
    ("max_workforce", 2): "maximum workforce of {0} in {1}",
    ("min_workforce", 2): "minimum workforce of {0} in {1}",
    ("max_hires", 2): "hiring limit of {0} in {1}",
    ("max_layoffs", 2): "layoff limit of {0} in {1}",
    ("supplier_capacity", 2): "supplier capacity of {0} in {1}",
    ("supplier_lead_time", 2): "supplier lead time of {0} in {1}",
    ("subcontract_limit", 2): "subcontract limit of {0} in {1}",
    ("production_lead_time", 1): "production lead time of {0}",
    ("production_lead_time", 2): "production lead time of {0} in {1}",
    ("demand", 3): "demand of {0} for {1} in {2}",
    ("safety_stock", 2): "safety stock of {0} in {1}",
    ("ending_target", 1): "ending target of {0}",
    ("clear_backlog_by_end", 2): "backlog of {0} for {1} cleared by the end",
}


def constraint_words(name: str | None) -> str:
    """`capacity[crew,2027-05]` -> 'capacity of crew in 2027-05'; a name of another shape is
    returned as it is ('' for none)."""
    if not name:
        return ""
    family, bracket, rest = name.partition("[")
    if not bracket or not rest.endswith("]"):
        return name
    keys = rest[:-1].split(",")
    template = PROSE.get((family, len(keys)))
    return template.format(*keys) if template else name


def overtime_left(row: Mapping[str, Any]) -> bool:
    """An overload whose regular hours are used up while overtime is left: its `cause` (a plan
    in memory) or its written `message` says so."""
    if str(row.get("cause") or "").startswith(OVERTIME_LEFT):
        return True
    return f"; {OVERTIME_LEFT}" in str(row.get("message") or "")


def kind_label(
    kind: str, resource: str | None, material: str | None, regular_only: bool = False
) -> str:
    """What an exception is, in words: a resource's overload 'at capacity' (or 'at regular
    hours, overtime left'), a supplier's 'supplier at capacity'; an item's kind as it reads
    ('safety stock', 'late delivery')."""
    if kind == "overload":
        if resource:
            return "at regular hours, overtime left" if regular_only else "at capacity"
        if material:
            return "supplier at capacity"
        return "at capacity"
    return kind.replace("_", " ")


def kind_words(kind: str) -> str:
    """A kind as a count of them reads: 'at capacity' (resources and suppliers) for
    `overload`, 'safety stock' for `safety_stock`."""
    return "at capacity" if kind == "overload" else kind.replace("_", " ")


def row_label(row: Mapping[str, Any]) -> str:
    """`kind_label` of an exception row (exceptions.csv or a plan in memory)."""
    return kind_label(
        str(row.get("kind") or ""), row.get("resource"), row.get("material"), overtime_left(row)
    )


def quantity_unit(kind: str, item: str | None, resource: str | None) -> str:
    """The unit of an exception's quantity: hours for a resource's overload, else units (of
    the item, or of a supplier's material)."""
    return "hours" if kind == "overload" and resource and not item else "units"
