"""An exception in words, for every output a reader sees (exceptions.csv's `message`,
reconcile's summary, compare, diff, explain, the report): a label that says what an exception
is ("at capacity" rather than `overload`), what is at stake, its quantity with its unit, and a
binding constraint in prose ("capacity of crew in 2027-05" for `capacity[crew,2027-05]`); and
a period whose load is all overtime, with no regular hours ("overtime only (no regular
hours)"), wherever utilisation is shown.

One state, one name: the message, the tables, explain and the report take their words from
here (docs/reconcile.md, "Result files"). The machine names stay in the files' `kind` and
`binding_constraint` columns and in `--format json`'s keys (pure: no polars, no I/O).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# the opening of an overload's cause (and of its part of the message) while overtime is left:
# 'overtime not used up: 16.9 of 19.5 hours' (the overtime it uses of its limit)
OVERTIME_LEFT = "overtime not used up: "
# the hours of overtime used, in a message (after "; ") or a cause (at its start); its
# words hold no character a regular expression reads otherwise (polars uses it too)
OVERTIME_USED = "(?:^|; )" + OVERTIME_LEFT + r"(-?[0-9][0-9,]*(?:\.[0-9]+)?) of "

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


def overtime_used(row: Mapping[str, Any]) -> float:
    """The hours of overtime an overload with overtime left uses, as its cause or message says
    them ('overtime not used up: 16.9 of 19.5 hours': 16.9); 0 when they say none."""
    for text in (row.get("cause"), row.get("message")):
        found = re.search(OVERTIME_USED, str(text or ""))
        if found:
            return float(found.group(1).replace(",", ""))
    return 0.0


# the kind `overload` where exceptions are counted by kind: any of the three labels below
AT_A_LIMIT = "at a limit"
# what an overload is, by what is at its limit (kind_label)
AT_CAPACITY = "at capacity"
AT_REGULAR_HOURS = "at regular hours, overtime left"  # no overtime used
ON_OVERTIME = "on overtime, overtime left"  # some overtime used, not all of it
SUPPLIER_AT_CAPACITY = "supplier at capacity"
# an item exception's label (a table's `exception` column, a count by kind)...
ITEM_LABEL = {
    "shortage": "shortage",
    "late_delivery": "late delivery",
    "safety_stock": "below safety stock",
}
# ...and what it says of its item in a sentence ("P-1 short in 2027-03")
ITEM_STATE = {
    "shortage": "short",
    "late_delivery": "delivered late",
    "safety_stock": "below safety stock",
}


def kind_label(
    kind: str,
    resource: str | None,
    material: str | None,
    regular_only: bool = False,
    on_overtime: bool = False,
) -> str:
    """What an exception is, in words: a resource's overload 'at capacity', or with overtime
    left (`regular_only`) 'at regular hours, overtime left' while it uses none of it and 'on
    overtime, overtime left' while it uses some (`on_overtime`); a supplier's 'supplier at
    capacity'; an item's kind as it reads ('shortage', 'late delivery', 'below safety
    stock')."""
    if kind == "overload":
        if resource:
            if not regular_only:
                return AT_CAPACITY
            return ON_OVERTIME if on_overtime else AT_REGULAR_HOURS
        if material:
            return SUPPLIER_AT_CAPACITY
        return AT_CAPACITY
    return ITEM_LABEL.get(kind, kind.replace("_", " "))


def kind_words(kind: str) -> str:
    """A kind as a count of them reads: 'at a limit' for `overload` (its rows are at capacity,
    at regular hours or on overtime with overtime left, or a supplier at capacity), 'below
    safety stock' for `safety_stock`."""
    return AT_A_LIMIT if kind == "overload" else kind_label(kind, None, None)


def row_label(row: Mapping[str, Any]) -> str:
    """`kind_label` of an exception row (exceptions.csv or a plan in memory)."""
    left = overtime_left(row)
    return kind_label(
        str(row.get("kind") or ""),
        row.get("resource"),
        row.get("material"),
        left,
        left and overtime_used(row) > 0,
    )


def state_words(row: Mapping[str, Any]) -> str:
    """What an exception says of its subject in a sentence: 'short', 'delivered late', 'below
    safety stock' of an item; an overload's label ('at capacity', ...)."""
    kind = str(row.get("kind") or "")
    if kind == "overload":
        return row_label(row)
    return ITEM_STATE.get(kind, kind.replace("_", " "))


def stake_words(kind: str, value: float, currency: str) -> str:
    """What is at stake: '91.36 EUR at stake'; for an overload, whose value is the money of the
    item exceptions its limit causes, '1,608.57 EUR at stake in the exceptions it causes', or,
    when it causes none, 'no exception caused, nothing at stake' (a limit reached is no loss)."""
    if kind != "overload":
        return f"{value:,.2f} {currency} at stake"
    if value:
        return f"{value:,.2f} {currency} at stake in the exceptions it causes"
    return "no exception caused, nothing at stake"


def amount_words(kind: str, quantity: float) -> str:
    """An item exception with its quantity: 'shortage of 10.0 units', 'late delivery of 5.0
    units', 'below safety stock by 63.0 units'."""
    joint = "by" if kind == "safety_stock" else "of"
    return f"{kind_label(kind, None, None)} {joint} {quantity:,.1f} units"


# a resource's period with load but no regular hours (a maintenance month entered as 0 hours,
# overtime kept): its load is all overtime and it has no utilisation (load ÷ 0), never 0 %;
# its words wherever utilisation is shown, and the period counts as its resource's peak
# (summary.json `utilisation_peaks`: `overtime_only: true`; docs/reconcile.md)
OVERTIME_ONLY = "overtime only (no regular hours)"
OVERTIME_ONLY_CELL = "OT only"  # a cell of reconcile's utilisation table
LOAD_SHOWN = 0.00005  # less load than half the files' last decimal is none


def overtime_only(load: object, utilisation: object) -> bool:
    """A period whose load is on overtime only: it has load and no utilisation (no regular
    hours; a NaN utilisation of a plan in memory counts as none)."""
    has_load = isinstance(load, int | float) and load > LOAD_SHOWN
    no_share = not isinstance(utilisation, int | float) or utilisation != utilisation
    return has_load and no_share


def quantity_unit(kind: str, item: str | None, resource: str | None) -> str:
    """The unit of an exception's quantity: hours for a resource's overload, else units (of
    the item, or of a supplier's material)."""
    return "hours" if kind == "overload" and resource and not item else "units"
