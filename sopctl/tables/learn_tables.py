"""Contracts of the actuals `sopctl learn` reads (not cycle inputs: what happened afterwards).

Demand actuals reuse the `actuals` table of demand_tables.py. Every table here is optional;
`docs/learn.md` says which file name holds which table.
"""

from __future__ import annotations

from .spec import Column, Contract, item_col, material_col, qty_col, segment_col

YES_NO = ("yes", "no", "true", "false", "y", "n", "1", "0")
YES = ("yes", "true", "y", "1")


def _period(name: str, desc: str, nullable: bool = False, required: bool = True) -> Column:
    return Column(name, "period", desc, nullable=nullable, required=required)


TABLES: tuple[Contract, ...] = (
    Contract(
        "order_lines",
        "Actuals for sopctl learn (not a cycle input): customer order lines with what was "
        "shipped, for unit fill rate, line fill rate and OTIF.",
        (
            Column("order_id", "id", "Customer order id"),
            Column("line", "int", "Line number within the order", min=1),
            item_col(),
            segment_col(),
            _period("requested_period", "Period the customer asked for"),
            qty_col("ordered", "Units ordered on the line"),
            qty_col("shipped", "Units shipped on the line"),
            _period(
                "shipped_period",
                "Period of the (last) shipment; empty when nothing shipped",
                nullable=True,
                required=False,
            ),
            Column(
                "on_time",
                "str",
                "Shipped on time (overrides shipped_period <= requested_period)",
                required=False,
                nullable=True,
                allowed=YES_NO,
            ),
            Column(
                "in_full",
                "str",
                "Shipped in full (overrides shipped >= ordered)",
                required=False,
                nullable=True,
                allowed=YES_NO,
            ),
        ),
        key=("order_id", "line"),
    ),
    Contract(
        "stock_levels",
        "Actuals for sopctl learn: units on hand per item at the end of each period.",
        (item_col(), _period("period", "Period"), qty_col("on_hand", "Units on hand at its end")),
        key=("item", "period"),
    ),
    Contract(
        "production_actuals",
        "Actuals for sopctl learn: units produced per item and period.",
        (item_col(), _period("period", "Period"), qty_col("produced", "Units produced")),
        key=("item", "period"),
    ),
    Contract(
        "resource_hours",
        "Actuals for sopctl learn: hours worked per resource and period.",
        (
            Column("resource", "id", "Resource id from resources.csv", ref="resources.resource"),
            _period("period", "Period"),
            qty_col("hours", "Hours worked (regular and overtime)"),
        ),
        key=("resource", "period"),
    ),
    Contract(
        "deal_outcomes",
        "Actuals for sopctl learn: what became of the deals of the committed pipeline. The "
        "stage at commit is read from the tagged pipeline.csv.",
        (
            Column("deal_id", "id", "CRM deal id, as in pipeline.csv"),
            Column("outcome", "str", "won, lost or still open", allowed=("won", "lost", "open")),
            _period(
                "close_period",
                "Period the deal closed (won or lost), or its current expected close",
                nullable=True,
            ),
        ),
        key=("deal_id",),
    ),
    Contract(
        "lead_times",
        "Actuals for sopctl learn: purchase receipts, for realised supplier lead times.",
        (
            Column("receipt_id", "id", "Receipt (or purchase order) id"),
            material_col("Material id from materials.csv"),
            _period("order_period", "Period the order was placed"),
            _period("receipt_period", "Period the goods arrived"),
        ),
        key=("receipt_id",),
    ),
    Contract(
        "assumption_outcomes",
        "Actuals for sopctl learn: what became of each documented assumption of a cycle.",
        (
            Column("cycle", "id", "Cycle id whose assumption this is"),
            Column("assumption_id", "id", "Assumption id from that cycle's cycle.yaml"),
            Column(
                "held",
                "str",
                "Did the assumption hold",
                allowed=("yes", "no", "partly"),
            ),
            Column("outcome", "str", "What happened, in words"),
        ),
        key=("cycle", "assumption_id"),
    ),
)
