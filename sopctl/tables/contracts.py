"""One contract per CSV table type, declared once.

The same declarations drive validation (`tables.check`), the column reference in
`docs/tables.md` and the JSON description written by `sopctl schema`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DType = Literal["id", "str", "int", "float", "period", "email", "date"]
# Where a period column must lie relative to the cycle: before it, inside it, or anywhere.
PeriodScope = Literal["history", "horizon", "any"]
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
    message: str


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


def _item(desc: str = "Item (family or SKU) id from items.csv") -> Column:
    return Column("item", "id", desc, ref="items.item")


def _segment() -> Column:
    return Column("segment", "id", "Customer segment id from the charter", ref="charter.segments")


def _qty(name: str = "quantity", desc: str = "Units", nullable: bool = False) -> Column:
    return Column(name, "float", desc, min=0, nullable=nullable)


def _opt_money(name: str, desc: str) -> Column:
    return Column(name, "float", desc, required=False, nullable=True, min=0)


CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        Contract(
            "demand_history",
            "Demand actually ordered in past periods, the input of the statistical baseline.",
            (
                _item(),
                _segment(),
                Column("period", "period", "Past period", scope="history"),
                _qty(desc="Units ordered"),
            ),
            key=("item", "segment", "period"),
        ),
        Contract(
            "baseline",
            "A baseline forecast supplied from outside; replaces the statistical one per series.",
            (
                _item(),
                _segment(),
                Column("period", "period", "Planned period", scope="horizon"),
                _qty(desc="Baseline units"),
            ),
            key=("item", "segment", "period"),
        ),
        Contract(
            "pipeline",
            "Open sales deals with stage, timing and health.",
            (
                Column("deal_id", "id", "CRM deal id"),
                Column("account", "str", "Customer account name"),
                _item(),
                _segment(),
                Column("stage", "id", "Pipeline stage id from the charter", ref="charter.stages"),
                _qty(desc="Units if the deal is won"),
                Column("close_period", "period", "Expected close period"),
                Column("ship_periods", "int", "Periods over which the deal ships (default 1)",
                       required=False, nullable=True, min=1, max=120),
                Column("probability", "float", "Deal-level win probability, overriding the stage's",
                       required=False, nullable=True, min=0, max=1),
                Column("probability_reason", "str", "Why the deal-level probability differs",
                       required=False, nullable=True),
                Column("slip_count", "int", "How often the close date has moved",
                       required=False, nullable=True, min=0),
                Column("owner", "email", "Account owner", required=False, nullable=True,
                       ref="charter.members"),
            ),
            key=("deal_id", "item"),
            rules=(
                Rule("probability_needs_reason", "probability_reason",
                     "a deal-level probability needs a probability_reason; add one or clear "
                     "the probability to use the stage's"),
            ),
        ),
        Contract(
            "promotions",
            "Planned promotions: an uplift in % of baseline or in absolute units.",
            (
                Column("promo_id", "id", "Promotion id"),
                _item(),
                _segment(),
                Column("start_period", "period", "First period of the promotion", scope="horizon"),
                Column("end_period", "period", "Last period of the promotion", scope="horizon"),
                Column("uplift_pct", "float", "Uplift in % of baseline", required=False,
                       nullable=True, min=-100, max=1000),
                Column("uplift_units", "float", "Uplift in units per period", required=False,
                       nullable=True),
                Column("owner", "email", "Who runs the promotion", required=False, nullable=True,
                       ref="charter.members"),
            ),
            key=("promo_id", "item", "segment"),
            rules=(
                Rule("one_uplift", "uplift_pct",
                     "give exactly one of uplift_pct and uplift_units"),
                Rule("end_after_start", "end_period", "end_period must not be before start_period"),
            ),
        ),
        Contract(
            "renewals",
            "Contract renewals expected in the horizon.",
            (
                Column("renewal_id", "id", "Renewal id"),
                Column("account", "str", "Customer account name"),
                _item(),
                _segment(),
                Column("period", "period", "Renewal period", scope="horizon"),
                _qty(desc="Units if renewed"),
                Column("probability", "float", "Renewal probability", min=0, max=1),
            ),
            key=("renewal_id", "item"),
        ),
        Contract(
            "overrides",
            "Manual demand overrides: the last layer of the demand view.",
            (
                Column("override_id", "id", "Override id"),
                _item(),
                _segment(),
                Column("period", "period", "Period overridden", scope="horizon"),
                Column("kind", "str", "delta adds to the demand; replace sets it",
                       allowed=("delta", "replace")),
                Column("quantity", "float", "Units (may be negative for a delta)"),
                Column("owner", "email", "Who made the override", ref="charter.members"),
                Column("reason", "str", "Why: a documented assumption"),
            ),
            key=("override_id",),
            rules=(
                Rule("replace_not_negative", "quantity",
                     "a replace override cannot set negative demand; use 0 or a delta"),
            ),
        ),
        Contract(
            "items",
            "Item families or SKUs with their costs, price and supply parameters.",
            (
                Column("item", "id", "Item id"),
                Column("family", "str", "Product family", required=False, nullable=True),
                Column("description", "str", "Description", required=False, nullable=True),
                Column("unit_cost", "float", "Material and variable cost per unit produced", min=0),
                Column("price", "float", "Default selling price per unit", min=0),
                Column("lead_time", "int", "Production lead time in periods", required=False,
                       nullable=True, min=0, max=52),
                _opt_money("holding_cost", "Cost of holding one unit for one period "
                           "(default: unit_cost x carrying rate / periods per year)"),
                _opt_money("subcontract_cost", "Cost per unit bought from a subcontractor"),
                _opt_money("subcontract_limit", "Most units a subcontractor supplies per period"),
            ),
            key=("item",),
        ),
        Contract(
            "prices",
            "Selling price per item and segment where it differs from the item's default.",
            (_item(), _segment(), Column("price", "float", "Price per unit", min=0)),
            key=("item", "segment"),
        ),
        Contract(
            "resources",
            "Constrained resources: fixed hours per period or a labour pool.",
            (
                Column("resource", "id", "Resource id"),
                Column("kind", "str", "fixed (hours) or labour (workforce)",
                       allowed=("fixed", "labour")),
                Column("description", "str", "Description", required=False, nullable=True),
                Column("hours", "float", "fixed: hours available per period", required=False,
                       nullable=True, min=0),
                Column("regular_cost", "float", "Cost per regular hour", required=False,
                       nullable=True, min=0),
                Column("overtime_cost", "float", "Cost per overtime hour", required=False,
                       nullable=True, min=0),
                Column("overtime_limit", "float",
                       "fixed: overtime hours per period; labour: per worker per period",
                       required=False, nullable=True, min=0),
                Column("workforce", "float", "labour: workers at the start", required=False,
                       nullable=True, min=0),
                Column("hours_per_worker", "float", "labour: regular hours per worker per period",
                       required=False, nullable=True, min=0, min_exclusive=True),
                _opt_money("hire_cost", "labour: cost per hire"),
                _opt_money("layoff_cost", "labour: cost per layoff"),
                _opt_money("max_hires", "labour: most hires per period"),
                _opt_money("max_layoffs", "labour: most layoffs per period"),
                _opt_money("min_workforce", "labour: fewest workers"),
                _opt_money("max_workforce", "labour: most workers"),
            ),
            key=("resource",),
            rules=(
                Rule("fixed_needs_hours", "hours", "a fixed resource needs hours"),
                Rule("labour_needs_workforce", "workforce",
                     "a labour resource needs workforce and hours_per_worker"),
            ),
        ),
        Contract(
            "capacity",
            "Per-period changes to a resource's hours (holidays, maintenance, added shifts).",
            (
                Column("resource", "id", "Resource id", ref="resources.resource"),
                Column("period", "period", "Period", scope="horizon"),
                Column("hours", "float", "Hours (fixed) or hours per worker (labour) that period",
                       min=0),
                Column("overtime_limit", "float", "Overtime limit that period", required=False,
                       nullable=True, min=0),
            ),
            key=("resource", "period"),
        ),
        Contract(
            "routings",
            "Hours each unit of an item takes on each resource.",
            (
                _item(),
                Column("resource", "id", "Resource id", ref="resources.resource"),
                Column("hours_per_unit", "float", "Hours per unit", min=0, min_exclusive=True),
            ),
            key=("item", "resource"),
        ),
        Contract(
            "inventory",
            "Stock at the start of the cycle and the stock policy per item.",
            (
                _item(),
                _qty("on_hand", "Units on hand at the start"),
                _qty("safety_stock", "Safety stock in units", nullable=True),
                Column("ending_target", "float", "Least units at the end of the horizon",
                       required=False, nullable=True, min=0),
                _opt_money("safety_stock_penalty", "Cost per unit-period below safety stock"),
            ),
            key=("item",),
        ),
        Contract(
            "bom",
            "Bill of materials: units of each material per unit of item.",
            (
                _item(),
                Column("material", "id", "Material id", ref="materials.material"),
                Column("quantity_per", "float", "Material units per item unit", min=0,
                       min_exclusive=True),
            ),
            key=("item", "material"),
        ),
        Contract(
            "materials",
            "Purchased materials and their supplier's terms.",
            (
                Column("material", "id", "Material id"),
                Column("supplier", "str", "Supplier name"),
                Column("unit_cost", "float", "Cost per material unit", min=0),
                Column("lead_time", "int", "Supplier lead time in periods", min=0, max=104),
                Column("capacity", "float", "Most units the supplier ships per period",
                       required=False, nullable=True, min=0),
                Column("on_hand", "float", "Units on hand at the start", required=False,
                       nullable=True, min=0),
            ),
            key=("material",),
        ),
        Contract(
            "open_orders",
            "Purchase orders already placed, arriving inside the horizon.",
            (
                Column("po_id", "id", "Purchase order id"),
                Column("material", "id", "Material id", ref="materials.material"),
                Column("period", "period", "Arrival period", scope="horizon"),
                _qty(desc="Units on order"),
            ),
            key=("po_id",),
        ),
        Contract(
            "targets",
            "Sales targets per segment and period (for pipeline coverage).",
            (
                _segment(),
                Column("period", "period", "Period", scope="horizon"),
                _qty("target", "Target units"),
            ),
            key=("segment", "period"),
        ),
        Contract(
            "actuals",
            "What happened: orders and shipments per item, segment and period.",
            (
                _item(),
                _segment(),
                Column("period", "period", "Period"),
                _qty("ordered", "Units ordered"),
                _qty("shipped", "Units shipped", nullable=True),
            ),
            key=("item", "segment", "period"),
        ),
    )
}
