"""Contracts of the demand-side tables: history, baseline, pipeline, promotions, renewals,
overrides, targets and actuals."""

from __future__ import annotations

from .spec import Column, Contract, Rule, item_col, qty_col, segment_col

TABLES: tuple[Contract, ...] = (
    Contract(
        "demand_history",
        "Demand actually ordered in past periods, the input of the statistical baseline.",
        (
            item_col(),
            segment_col(),
            Column("period", "period", "Past period", scope="history"),
            qty_col(desc="Units ordered"),
        ),
        key=("item", "segment", "period"),
    ),
    Contract(
        "baseline",
        "A baseline forecast supplied from outside; replaces the statistical one per series.",
        (
            item_col(),
            segment_col(),
            Column("period", "period", "Planned period", scope="horizon"),
            qty_col(desc="Baseline units"),
        ),
        key=("item", "segment", "period"),
    ),
    Contract(
        "pipeline",
        "Open sales deals with stage, timing and health.",
        (
            Column("deal_id", "id", "CRM deal id"),
            Column("account", "str", "Customer account name"),
            item_col(),
            segment_col(),
            Column("stage", "id", "Pipeline stage id from the charter", ref="charter.stages"),
            qty_col(desc="Units if the deal is won"),
            Column("close_period", "period", "Expected close period"),
            Column(
                "ship_periods",
                "int",
                "Periods over which the deal ships (default 1)",
                required=False,
                nullable=True,
                min=1,
                max=120,
            ),
            Column(
                "probability",
                "float",
                "Deal-level win probability, overriding the stage's",
                required=False,
                nullable=True,
                min=0,
                max=1,
            ),
            Column(
                "probability_reason",
                "str",
                "Why the deal-level probability differs",
                required=False,
                nullable=True,
            ),
            Column(
                "slip_count",
                "int",
                "How often the close date has moved",
                required=False,
                nullable=True,
                min=0,
            ),
            Column(
                "owner",
                "email",
                "Account owner",
                required=False,
                nullable=True,
                ref="charter.members",
            ),
        ),
        key=("deal_id", "item"),
        rules=(
            Rule(
                "probability_needs_reason",
                "probability_reason",
                "a deal-level probability needs a probability_reason; add one or clear "
                "the probability to use the stage's",
            ),
        ),
    ),
    Contract(
        "promotions",
        "Planned promotions: an uplift in % of baseline or in absolute units. A promotion may "
        "start before the horizon or end after it (one still running, or planned beyond): "
        "only its periods inside the horizon count. One wholly outside the horizon is ignored "
        "(SOP408).",
        (
            Column("promo_id", "id", "Promotion id"),
            item_col(),
            segment_col(),
            Column("start_period", "period", "First period of the promotion", scope="span"),
            Column("end_period", "period", "Last period of the promotion", scope="span"),
            Column(
                "uplift_pct",
                "float",
                "Uplift in % of baseline",
                required=False,
                nullable=True,
                min=-100,
                max=1000,
            ),
            Column(
                "uplift_units",
                "float",
                "Uplift in units per period",
                required=False,
                nullable=True,
            ),
            Column(
                "owner",
                "email",
                "Who runs the promotion",
                required=False,
                nullable=True,
                ref="charter.members",
            ),
        ),
        key=("promo_id", "item", "segment"),
        rules=(
            Rule("one_uplift", "uplift_pct", "give exactly one of uplift_pct and uplift_units"),
            Rule("end_after_start", "end_period", "end_period must not be before start_period"),
        ),
    ),
    Contract(
        "renewals",
        "Contract renewals expected in the horizon. A renewal whose period lies outside the "
        "horizon (one of an earlier cycle left in the file) is ignored (SOP408).",
        (
            Column("renewal_id", "id", "Renewal id"),
            Column("account", "str", "Customer account name"),
            item_col(),
            segment_col(),
            Column("period", "period", "Renewal period", scope="ignored_outside"),
            qty_col(desc="Units if renewed"),
            Column("probability", "float", "Renewal probability", min=0, max=1),
        ),
        key=("renewal_id", "item"),
    ),
    Contract(
        "overrides",
        "Manual demand overrides: the last layer of the demand view.",
        (
            Column("override_id", "id", "Override id"),
            item_col(),
            segment_col(),
            Column("period", "period", "Period overridden", scope="horizon"),
            Column(
                "kind",
                "str",
                "delta adds to the demand; replace sets it",
                allowed=("delta", "replace"),
            ),
            Column("quantity", "float", "Units (may be negative for a delta)"),
            Column("owner", "email", "Who made the override", ref="charter.members"),
            Column("reason", "str", "Why: a documented assumption"),
        ),
        key=("override_id",),
        rules=(
            Rule(
                "replace_not_negative",
                "quantity",
                "a replace override cannot set negative demand; use 0 or a delta",
            ),
        ),
    ),
    Contract(
        "targets",
        "New-business targets per segment and period: the units the pipeline must bring on top "
        "of the baseline. Pipeline coverage = weighted pipeline ÷ target.",
        (
            segment_col(),
            Column("period", "period", "Period", scope="horizon"),
            qty_col("target", "New-business target in units"),
        ),
        key=("segment", "period"),
    ),
    Contract(
        "actuals",
        "What happened: orders and shipments per item, segment and period.",
        (
            item_col(),
            segment_col(),
            Column("period", "period", "Period"),
            qty_col("ordered", "Units ordered"),
            qty_col("shipped", "Units shipped", nullable=True),
        ),
        key=("item", "segment", "period"),
    ),
)
