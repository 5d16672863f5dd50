"""This cycle's deal rows against the previous cycle's (SOP740-SOP744; docs/signal.md).

Pure, like hygiene.py, which runs these checks among the other input-hygiene warnings:

SOP740  a deal's close period moved later while its slip_count did not grow
SOP741  a deal's slip_count went down
SOP742  a deal's quantity grew by more than pipeline.max_quantity_growth
SOP743  a deal moved up more than one stage (by stage probability) with no probability_reason
SOP744  a deal new since the previous cycle asks for more than pipeline.large_new_deal_periods
        periods of its item's baseline

A deal row is matched to the previous cycle's by (deal_id, item), the pipeline table's key.
SOP740-SOP742 and SOP744 judge open deals only (probability strictly between 0 and 1: the
deal's, else its stage's, as pipeline.py counts them): a won deal is an order, a lost one adds
nothing, so neither is inflated. SOP743 leaves out a move into a stage at probability 1 or 0
(closing a deal is no stage jump). Only SOP744 needs the demand view (its baseline), so
`deal_changes` does the rest without it and `DealChanges.findings` adds SOP744 once the view
is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from ..findings import Finding
from ..schemas.charter import PipelineRules
from ..tables.check import Table
from .codes import frame_findings
from .frames import LINE, col_of, fmt, ord_col, usable

if TYPE_CHECKING:
    from ..previous_inputs import PreviousInputs

KEY = ["deal_id", "item"]
HASH = pl.struct(KEY).hash().alias("_h")


def setting(rules: PipelineRules | None, name: str) -> Any:
    """A pipeline rule of the charter, or its default when the charter has no pipeline."""
    return getattr(rules, name) if rules is not None else PipelineRules.model_fields[name].default


@dataclass
class DealChanges:
    """What `deal_changes` found: SOP740-SOP743, and the open deal rows new since the
    previous cycle, which SOP744 judges against a plan's baseline."""

    table: Table | None  # this cycle's pipeline (None: nothing to compare)
    cycle: str  # the previous cycle
    rules: PipelineRules | None
    changed: list[Finding]
    new: pl.DataFrame

    def findings(self, plan: pl.DataFrame) -> list[Finding]:
        """SOP740-SOP744, with `plan` the demand view whose baseline SOP744 compares with."""
        if self.table is None:
            return list(self.changed)
        return [*self.changed, *large_new(self.table, self.new, self.cycle, self.rules, plan)]


def _stage_rank(rules: PipelineRules | None) -> tuple[list[str], list[int]]:
    """Stage ids and their rank by probability (earliest stage first among equals)."""
    stages = list(rules.stages) if rules else []
    order = sorted(range(len(stages)), key=lambda i: (stages[i].probability, i))
    return [stages[i].id for i in order], list(range(len(order)))


def deal_changes(t: Table | None, prev: PreviousInputs, rules: PipelineRules | None) -> DealChanges:
    """SOP740-SOP743 and the open deal rows new since the previous cycle (SOP744 judges them
    against the plan's baseline): all that needs no demand view, so it can be worked out
    while the view is built."""
    co = ord_col("close_period")
    cur = usable(t, [*KEY, "segment", "stage", "quantity", co])
    old = usable(prev.pipeline, [*KEY, "stage", "quantity", co])
    if t is None or cur is None or old is None or prev.pipeline is None or cur.height == 0:
        return DealChanges(None, prev.cycle, rules, [], pl.DataFrame())
    optional = {
        "slip_count": pl.Int64,
        "probability": pl.Float64,
        "probability_reason": pl.String,
    }
    cur = cur.with_columns(
        pl.lit(None, dtype).alias(c) for c, dtype in optional.items() if c not in cur.columns
    ).select(*KEY, "segment", "stage", "quantity", co, "close_period", *optional, LINE)
    if "slip_count" not in old.columns:
        old = old.with_columns(pl.lit(None, pl.Int64).alias("slip_count"))
    ids, ranks = _stage_rank(rules)
    probs = [s.probability for s in rules.stages] if rules else []

    def rank(col: str) -> pl.Expr:
        return pl.col(col).replace_strict(ids, ranks, default=None, return_dtype=pl.Int64)

    stage_p = pl.col("stage").replace_strict(
        [s.id for s in rules.stages] if rules else [], probs, default=None, return_dtype=pl.Float64
    )
    p = pl.coalesce("probability", stage_p)  # as pipeline.py weighs the deal
    d = _match(cur, old, rank).with_columns(
        pl.col("slip_count").fill_null(0).alias("slips"),
        pl.col("quantity").cast(pl.Float64).alias("qty"),
        (rank("stage") - pl.col("was_rank")).alias("steps"),
        ((p > 0) & (p < 1)).fill_null(False).alias("open"),
        ((stage_p > 0) & (stage_p < 1)).fill_null(False).alias("open_stage"),
    )
    labels = old.select(
        pl.col("stage").alias("was_stage"), pl.col("close_period").alias("was_close_period")
    )

    def flagged(rows: pl.DataFrame) -> pl.DataFrame:
        """Rows to report, with the previous row's stage and close period as written (only
        these rows' labels are gathered: a million matched rows carry row numbers)."""
        taken = labels.select(pl.all().gather(rows["was_row"]))
        return pl.concat([rows, taken], how="horizontal")

    who = pl.format("deal {} ({}, {})", "deal_id", "item", "segment")
    was = pl.format(
        "in cycle {}, {}:{}", pl.lit(prev.cycle), pl.lit(prev.pipeline.path), "was_line"
    )
    out: list[Finding] = []
    mine = pl.col("known") & pl.col("open")  # a won or lost deal is inflated by nothing
    moved = flagged(
        d.filter(
            mine & (pl.col(co) > pl.col("was_close")) & (pl.col("slips") <= pl.col("was_slips"))
        )
    )
    out += frame_findings(
        t.path,
        col_of(t, "close_period"),
        "SOP740",
        moved,
        pl.format(
            "{}: close period moved from {} ({}) to {}, but slip_count {}: the slip is not "
            "counted, so max_slips (SOP705) never sees it. Count it (slip_count {} or more) "
            "or check the close date with the account owner",
            who,
            "was_close_period",
            was,
            "close_period",
            pl.when(pl.col("slips") == pl.col("was_slips"))
            .then(pl.format("stayed at {}", "slips"))
            .otherwise(pl.format("went from {} to {}", "was_slips", "slips")),
            pl.col("was_slips") + 1,
        ),
    )
    down = flagged(d.filter(mine & (pl.col("slips") < pl.col("was_slips"))))
    out += frame_findings(
        t.path,
        col_of(t, "slip_count"),
        "SOP741",
        down,
        pl.format(
            "{}: slip_count went down from {} ({}) to {}; a deal's slips only add up. Put back "
            "at least {}, or say in the cycle's assumptions why the count was reset",
            who,
            "was_slips",
            was,
            "slips",
            "was_slips",
        ),
    )
    factor = float(setting(rules, "max_quantity_growth"))
    grew = flagged(
        d.filter(
            mine & (pl.col("was_quantity") > 0) & (pl.col("qty") > factor * pl.col("was_quantity"))
        )
    )
    out += frame_findings(
        t.path,
        col_of(t, "quantity"),
        "SOP742",
        grew,
        pl.format(
            "{}: quantity grew from {} ({}) to {}, {}× in one cycle (more than "
            "pipeline.max_quantity_growth {}); check the new quantity with the account owner "
            "(a larger order is a new quote) before the plan relies on it",
            who,
            fmt(pl.col("was_quantity")),
            was,
            fmt(pl.col("qty")),
            fmt(pl.col("qty") / pl.col("was_quantity")),
            pl.lit(f"{factor:g}"),
        ),
    )
    jumped = flagged(
        d.filter(
            pl.col("known")
            & pl.col("open_stage")  # into won or lost: a deal closed, no stage jump
            & (pl.col("steps") > 1)
            & pl.col("probability_reason").fill_null("").str.strip_chars().eq("")
        )
    )
    out += frame_findings(
        t.path,
        col_of(t, "stage"),
        "SOP743",
        jumped,
        pl.format(
            "{}: stage moved from {} ({}) to {}, {} stages up in one cycle, with no "
            "probability_reason; check the stage with the account owner, or write in "
            "probability_reason what moved it",
            who,
            "was_stage",
            was,
            "stage",
            "steps",
        ),
    )
    new = d.filter(~pl.col("known") & pl.col("open"))
    return DealChanges(t, prev.cycle, rules, out, new)


def _match(cur: pl.DataFrame, old: pl.DataFrame, rank: Callable[[str], pl.Expr]) -> pl.DataFrame:
    """`cur` (in its order, the file's) with the numbers of the previous cycle's row of the
    same deal (`known`; nulls for a deal row new since): was_row (its position in `old`),
    was_line, was_quantity, was_close (ordinal), was_slips, was_rank (its stage's rank).

    Joined on a 64-bit hash of the key (an integer join: a quarter of the time of a join on
    two string columns at a million deals), the first of the previous rows with a key (a
    duplicate was that cycle's error). The keys are compared after the join, so a collision
    makes a deal "new", never another deal's match. Only numbers cross the join; the labels
    a message shows are taken for the reported rows (`was_row`)."""
    co = ord_col("close_period")
    right = (
        old.with_row_index("was_row")
        .select(
            HASH,
            "was_row",
            pl.col(LINE).alias("was_line"),
            pl.col("quantity").cast(pl.Float64).alias("was_quantity"),
            pl.col(co).alias("was_close"),
            pl.col("slip_count").fill_null(0).alias("was_slips"),
            rank("stage").alias("was_rank"),
        )
        .filter(pl.col("_h").is_first_distinct())
    )
    # only the hash crosses the join (cur's own columns are not gathered again)
    was = cur.select(HASH).join(right, on="_h", how="left", maintain_order="left").drop("_h")
    if old.height == 0:
        return pl.concat([cur, was], how="horizontal").with_columns(known=pl.lit(False))
    row = was["was_row"]
    at = row.fill_null(0)
    known = (
        row.is_not_null()
        & (old["deal_id"].gather(at) == cur["deal_id"])
        & (old["item"].gather(at) == cur["item"])
    )
    return pl.concat(
        [cur, was.with_columns(known.fill_null(False).alias("known"))], how="horizontal"
    )


def large_new(
    t: Table, new: pl.DataFrame, prev: str, rules: PipelineRules | None, plan: pl.DataFrame
) -> list[Finding]:
    """SOP744: deals new since cycle `prev` whose quantity exceeds N periods of their item's
    baseline (summed over segments, mean per period of the horizon); items without a
    baseline have nothing to compare with and are left out."""
    if new.height == 0 or plan.height == 0:
        return []
    n = float(setting(rules, "large_new_deal_periods"))
    periods = plan["period"].n_unique()
    base = plan.group_by("item").agg((pl.col("baseline").sum() / periods).alias("per"))
    big = new.join(base, on="item", how="inner").filter(
        (pl.col("per") > 0) & (pl.col("qty") > n * pl.col("per"))
    )
    return frame_findings(
        t.path,
        col_of(t, "quantity"),
        "SOP744",
        big.sort(LINE),
        pl.format(
            "deal {} ({}, {}) is new since cycle {} and asks for {} units, {} periods of the "
            "item's baseline ({} a period; more than pipeline.large_new_deal_periods {}); "
            "check it with the account owner before the plan relies on it",
            "deal_id",
            "item",
            "segment",
            pl.lit(prev),
            fmt(pl.col("qty")),
            fmt(pl.col("qty") / pl.col("per"), 1),
            fmt(pl.col("per"), 1),
            pl.lit(f"{n:g}"),
        ),
    )
