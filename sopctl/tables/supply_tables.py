"""Contracts of the supply-side tables: items, prices, resources, capacity, routings, inventory,
bill of materials, materials and open orders."""

from __future__ import annotations

from .spec import (
    Column,
    Contract,
    Rule,
    item_col,
    material_col,
    opt_money_col,
    qty_col,
    segment_col,
)

# what a labour pool's regular hours are, in the words of its rules
_LABOUR_HOURS = "its hours are workforce × hours_per_worker, and `hours` is not used for labour"

TABLES: tuple[Contract, ...] = (
    Contract(
        "items",
        "Item families or SKUs with their costs, price and supply parameters.",
        (
            Column("item", "id", "Item id"),
            Column("family", "str", "Product family", required=False, nullable=True),
            Column("description", "str", "Description", required=False, nullable=True),
            Column(
                "unit_cost",
                "float",
                "Cost per unit: the materials in bom.csv plus other variable costs; the hours "
                "of resources.csv are costed there, not here",
                min=0,
            ),
            Column("price", "float", "Default selling price per unit", min=0),
            Column(
                "lead_time",
                "int",
                "Production lead time in periods",
                required=False,
                nullable=True,
                min=0,
                max=52,
            ),
            opt_money_col(
                "holding_cost",
                "Cost of holding one unit for one period "
                "(default: unit_cost x carrying rate / periods per year)",
            ),
            opt_money_col("subcontract_cost", "Cost per unit bought from a subcontractor"),
            opt_money_col("subcontract_limit", "Most units a subcontractor supplies per period"),
            Column(
                "sourcing",
                "str",
                "make (default): produced in house, its cost beyond the bill of materials paid "
                "in the period; buy: bought in (resale), that cost invoiced by a supplier and "
                "paid on the charter's DPO terms. The plan is the same either way",
                required=False,
                nullable=True,
                allowed=("make", "buy"),
            ),
        ),
        key=("item",),
    ),
    Contract(
        "prices",
        "Selling price per item and segment where it differs from the item's default.",
        (item_col(), segment_col(), Column("price", "float", "Price per unit", min=0)),
        key=("item", "segment"),
    ),
    Contract(
        "period_prices",
        "Selling price per item, segment and period where it differs from prices and "
        "items.price (a price list that changes in April: one row per period from April on).",
        (
            item_col(),
            segment_col(),
            Column("period", "period", "Period", scope="horizon"),
            Column("price", "float", "Price per unit that period", min=0),
        ),
        key=("item", "segment", "period"),
    ),
    Contract(
        "period_costs",
        "Standard unit cost per item and period where it differs from items.unit_cost (a cost "
        "roll from April: one row per period from April on). Materials included, as in "
        "items.unit_cost; without a row the item's cost follows its materials' period costs.",
        (
            item_col(),
            Column("period", "period", "Period", scope="horizon"),
            Column("unit_cost", "float", "Standard cost per unit that period", min=0),
        ),
        key=("item", "period"),
    ),
    Contract(
        "resources",
        "Constrained resources: fixed hours per period or a labour pool.",
        (
            Column("resource", "id", "Resource id"),
            Column(
                "kind",
                "str",
                "fixed (hours) or labour (workforce)",
                allowed=("fixed", "labour"),
            ),
            Column("description", "str", "Description", required=False, nullable=True),
            Column(
                "hours",
                "float",
                "fixed: hours available per period; labour: leave empty (its hours are "
                "workforce × hours_per_worker)",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "regular_cost",
                "float",
                "Cost per regular hour",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "overtime_cost",
                "float",
                "Cost per overtime hour",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "overtime_limit",
                "float",
                "fixed: overtime hours per period; labour: per worker per period",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "workforce",
                "float",
                "labour: workers at the start",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "hours_per_worker",
                "float",
                "labour: regular hours per worker per period",
                required=False,
                nullable=True,
                min=0,
                min_exclusive=True,
            ),
            opt_money_col("hire_cost", "labour: cost per hire"),
            opt_money_col("layoff_cost", "labour: cost per layoff"),
            opt_money_col("max_hires", "labour: most hires per period"),
            opt_money_col("max_layoffs", "labour: most layoffs per period"),
            opt_money_col("min_workforce", "labour: fewest workers"),
            opt_money_col("max_workforce", "labour: most workers"),
        ),
        key=("resource",),
        rules=(
            Rule("fixed_needs_hours", "hours", "a fixed resource needs hours"),
            Rule(
                "labour_needs_workforce",
                "workforce",
                f"a labour resource needs workforce (workers at the start): {_LABOUR_HOURS}; "
                "fill in workforce, or make the resource fixed",
            ),
            Rule(
                "labour_needs_hours_per_worker",
                "hours_per_worker",
                "a labour resource needs hours_per_worker (regular hours per worker per "
                f"period): {_LABOUR_HOURS}; fill in hours_per_worker, or make the resource fixed",
            ),
            Rule(
                "labour_ignores_hours",
                "hours",
                "`hours` is not used for a labour resource: its hours are workforce × "
                "hours_per_worker (here {figure}); leave hours empty, or make it a fixed resource",
                code="SOP320",
            ),
        ),
    ),
    Contract(
        "capacity",
        "Per-period changes to a resource: hours (holidays, maintenance, added shifts), "
        "overtime limit, hourly costs (a wage agreement from July), and for a labour pool its "
        "hiring and layoff limits (a hiring freeze, an agreement not to lay off).",
        (
            Column("resource", "id", "Resource id", ref="resources.resource"),
            Column("period", "period", "Period", scope="horizon"),
            Column(
                "hours",
                "float",
                "Hours (fixed) or hours per worker (labour) that period",
                min=0,
            ),
            Column(
                "overtime_limit",
                "float",
                "Overtime limit that period",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "max_hires",
                "float",
                "Labour: most hires that period (empty: resources.max_hires)",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "max_layoffs",
                "float",
                "Labour: most layoffs that period (empty: resources.max_layoffs)",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "regular_cost",
                "float",
                "Cost per regular hour that period (empty: resources.regular_cost)",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "overtime_cost",
                "float",
                "Cost per overtime hour that period (empty: resources.overtime_cost)",
                required=False,
                nullable=True,
                min=0,
            ),
        ),
        key=("resource", "period"),
    ),
    Contract(
        "routings",
        "Hours each unit of an item takes on each resource. An item made in house (items "
        "sourcing make, the default) that no row names is planned with no capacity limit: "
        "a warning (SOP407); a bought-in item needs no row.",
        (
            item_col(),
            Column("resource", "id", "Resource id", ref="resources.resource"),
            Column("hours_per_unit", "float", "Hours per unit", min=0, min_exclusive=True),
        ),
        key=("item", "resource"),
    ),
    Contract(
        "inventory",
        "Stock at the start of the cycle and the stock policy per item. An item without a row "
        "starts with nothing on hand and has no safety stock or ending target (a new item).",
        (
            item_col(),
            qty_col("on_hand", "Units on hand at the start"),
            qty_col("safety_stock", "Safety stock in units", nullable=True),
            Column(
                "ending_target",
                "float",
                "Least units at the end of the horizon",
                required=False,
                nullable=True,
                min=0,
            ),
            opt_money_col("safety_stock_penalty", "Cost per unit-period below safety stock"),
        ),
        key=("item",),
    ),
    Contract(
        "scheduled_receipts",
        "Units of an item already released to production or ordered from a supplier, arriving "
        "inside the horizon whatever the plan decides (work in progress, open purchase orders "
        "of bought-in items).",
        (
            Column("order_id", "id", "Production or purchase order id"),
            item_col(),
            Column("period", "period", "Arrival period", scope="horizon"),
            qty_col(desc="Units arriving"),
        ),
        key=("order_id",),
    ),
    Contract(
        "bom",
        "Bill of materials: units of each material per unit of item.",
        (
            item_col(),
            material_col(),
            Column(
                "quantity_per",
                "float",
                "Material units per item unit",
                min=0,
                min_exclusive=True,
            ),
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
            Column(
                "capacity",
                "float",
                "Most units the supplier ships per period",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "on_hand",
                "float",
                "Units on hand at the start",
                required=False,
                nullable=True,
                min=0,
            ),
        ),
        key=("material",),
    ),
    Contract(
        "open_orders",
        "Purchase orders already placed, arriving inside the horizon.",
        (
            Column("po_id", "id", "Purchase order id"),
            material_col(),
            Column("period", "period", "Arrival period", scope="horizon"),
            qty_col(desc="Units on order"),
        ),
        key=("po_id",),
    ),
    Contract(
        "supplier_capacity",
        "Per-period supplier capacity where it differs from materials.capacity (allocations, "
        "shutdowns, ramp-ups).",
        (
            material_col(),
            Column("period", "period", "Period", scope="horizon"),
            Column("capacity", "float", "Most units the supplier ships that period", min=0),
        ),
        key=("material", "period"),
    ),
    Contract(
        "material_period_costs",
        "Purchase price per material and period where it differs from materials.unit_cost "
        "(a supplier's price increase from April: one row per period from April on).",
        (
            material_col(),
            Column("period", "period", "Period", scope="horizon"),
            Column("unit_cost", "float", "Cost per unit received that period", min=0),
        ),
        key=("material", "period"),
    ),
)
