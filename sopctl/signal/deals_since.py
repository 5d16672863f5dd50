"""This cycle's deal rows against the previous cycle's (SOP740-SOP744; docs/signal.md).

Pure, like hygiene.py, which runs these checks among the other input-hygiene warnings:

SOP740  a deal's close period moved later while its slip_count did not grow
SOP741  a deal's slip_count went down
SOP742  a deal's quantity grew by more than pipeline.max_quantity_growth
SOP743  a deal moved up more than one stage (by stage probability) with no probability_reason
SOP744  a deal new since the previous cycle asks for more than pipeline.large_new_deal_periods
        periods of its item's baseline
SOP713  a deal's probability (its own, else its stage's) rose past more than one of the
        charter's stage probabilities, where either row gives the deal its own probability
        (a reason does not excuse it: a deal-level probability always has one)

A deal row is matched to the previous cycle's by (deal_id, item), the pipeline table's key.
SOP740-SOP742 and SOP744 judge every deal that adds units (probability above 0: the deal's,
else its stage's, as pipeline.py counts them) except one on a stage whose own probability is 1
or 0: a deal the charter's stages call won is an order, one they call lost adds nothing, so
neither is inflated. A deal at its own probability 1 on another stage is judged: it counts in
full, so it is the most inflated of all. SOP743 and SOP713 leave out a move into a stage at
probability 1 or 0 (closing a deal is no stage jump). Only SOP744 needs the demand view (its
baseline), so `deal_changes` does the rest without it and `DealChanges.findings` adds SOP744
once the view is built.
"""

from __future__ import annotations

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
    """What `deal_changes` found: SOP740-SOP743 and SOP713, and the judged deal rows new
    since the previous cycle, which SOP744 judges against a plan's baseline."""

    table: Table | None  # this cycle's pipeline (None: nothing to compare)
    cycle: str  # the previous cycle
    rules: PipelineRules | None
    changed: list[Finding]
    new: pl.DataFrame

    def findings(self, plan: pl.DataFrame) -> list[Finding]:
        """SOP740-SOP744 and SOP713, with `plan` the demand view whose baseline SOP744
        compares with."""
        if self.table is None:
            return list(self.changed)
        return [*self.changed, *large_new(self.table, self.new, self.cycle, self.rules, plan)]


def _stage_rank(rules: PipelineRules | None) -> tuple[list[str], list[float]]:
    """Stage ids in the order of their rank by probability (earliest stage first among
    equals; the rank is the position), and their probabilities."""
    stages = list(rules.stages) if rules else []
    order = sorted(range(len(stages)), key=lambda i: (stages[i].probability, i))
    return [stages[i].id for i in order], [stages[i].probability for i in order]


def deal_changes(t: Table | None, prev: PreviousInputs, rules: PipelineRules | None) -> DealChanges:
    """SOP740-SOP743, SOP713 and the judged deal rows new since the previous cycle (SOP744
    judges them against the plan's baseline): all that needs no demand view, so it can be
    worked out while the view is built."""
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
    old = old.with_columns(
        pl.lit(None, dtype).alias(c)
        for c, dtype in (("slip_count", pl.Int64), ("probability", pl.Float64))
        if c not in old.columns
    )
    ids, probs = _stage_rank(rules)
    ranks = list(range(len(ids)))

    def rank(col: str) -> pl.Expr:
        return pl.col(col).replace_strict(ids, ranks, default=None, return_dtype=pl.Int64)

    def prob(rank: str) -> pl.Expr:  # a rank's probability: an integer map, no string one
        return pl.col(rank).replace_strict(ranks, probs, default=None, return_dtype=pl.Float64)

    # stage probabilities by this charter, of the previous row's stage too (as its rank)
    d = (
        _match(
            cur.with_columns(rank("stage").alias("rank")), old, [rank("stage").alias("was_rank")]
        )
        .with_columns(prob("rank").alias("stage_p"), prob("was_rank").alias("was_stage_p"))
        .with_columns(
            pl.coalesce("probability", "stage_p").alias("p"),  # as pipeline.py weighs the deal
            pl.coalesce("was_own", "was_stage_p").alias("was_p"),
        )
        .with_columns(
            pl.col("slip_count").fill_null(0).alias("slips"),
            pl.col("quantity").cast(pl.Float64).alias("qty"),
            (pl.col("rank") - pl.col("was_rank")).alias("steps"),
            _stages_passed(probs, pl.col("was_p"), pl.col("p")).alias("passed"),
            judged(pl.col("p"), pl.col("stage_p")).alias("judged"),
            ((pl.col("stage_p") > 0) & (pl.col("stage_p") < 1))
            .fill_null(False)
            .alias("open_stage"),
        )
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
    mine = pl.col("known") & pl.col("judged")  # a won or lost deal is inflated by nothing
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
    reason = pl.col("probability_reason").fill_null("").str.strip_chars()
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
            "(a larger order is a new quote) before the plan relies on it. Confirming it does "
            "not clear this warning{}: it compares with the previous cycle's row, so it stays "
            "for this cycle unless the quantity comes down to {} or less; say who confirmed "
            "it in the cycle's assumptions",
            who,
            fmt(pl.col("was_quantity")),
            was,
            fmt(pl.col("qty")),
            fmt(pl.col("qty") / pl.col("was_quantity")),
            pl.lit(f"{factor:g}"),
            pl.when(reason != "")
            .then(
                pl.format(", nor does probability_reason '{}' (it explains a probability)", reason)
            )
            .otherwise(pl.lit("")),
            fmt(pl.col("was_quantity") * factor),
        ),
    )
    d = d.with_columns(
        (
            pl.col("known")
            & pl.col("open_stage")  # into won or lost: a deal closed, no stage jump
            & (pl.col("steps") > 1)
            & pl.col("probability_reason").fill_null("").str.strip_chars().eq("")
        ).alias("jumped")
    )
    jumped = flagged(d.filter("jumped"))
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
    rose = flagged(
        d.filter(
            pl.col("known")
            & pl.col("open_stage")
            & (pl.col("probability").is_not_null() | pl.col("was_own").is_not_null())
            & (pl.col("passed") > 1)
            & ~pl.col("jumped")  # a stage jump SOP743 reports is not reported twice
        )
    )
    out += probability_rose(t, rose, who, was)
    new = d.filter(~pl.col("known") & pl.col("judged"))
    return DealChanges(t, prev.cycle, rules, out, new)


def judged(p: pl.Expr, stage_p: pl.Expr) -> pl.Expr:
    """Whether SOP740-SOP742 and SOP744 judge a deal: it adds units (probability `p` above 0)
    and its stage is not one the charter counts as closed (probability 1 or 0)."""
    closed = ((stage_p == 0) | (stage_p == 1)).fill_null(False)
    return (p > 0).fill_null(False) & ~closed


def _stages_passed(probs: list[float], was_p: pl.Expr, p: pl.Expr) -> pl.Expr:
    """How many of the stage probabilities `probs` (each value once) a probability passed
    on its way up from `was_p` to `p`: above the one, at most the other. 0.5 → 0.9 passes
    one (committed), 0.5 → 1 two (committed and won); a fall passes none."""
    levels = sorted(set(probs))
    if not levels:
        return pl.lit(0, pl.Int64)
    return pl.sum_horizontal(
        ((was_p < v) & (p >= v)).fill_null(False).cast(pl.Int64) for v in levels
    )


def probability_rose(t: Table, rows: pl.DataFrame, who: pl.Expr, was: pl.Expr) -> list[Finding]:
    """SOP713 at the row's probability (else its stage): a deal's probability rose past more
    than one stage probability where a deal-level probability is involved on either side."""
    reason = pl.col("probability_reason").fill_null("").str.strip_chars()

    def said(own: str, stage: str, reason: pl.Expr | None) -> pl.Expr:
        mine = pl.format("its own, on stage {}", stage)
        if reason is not None:
            mine = pl.format("{}; probability_reason '{}'", mine, reason)
        return pl.when(pl.col(own).is_not_null()).then(mine).otherwise(pl.format("stage {}", stage))

    message = pl.format(
        "{}: probability rose from {} ({}, {}) to {} ({}), {} stages up in one cycle by the "
        "charter's stage probabilities. A deal's own probability counts in place of its "
        "stage's, so a reason does not clear this as it clears a stage jump (SOP743): check "
        "the deal with the account owner, then move its stage as it earns it, or lower its "
        "probability",
        who,
        fmt(pl.col("was_p"), 4),
        said("was_own", "was_stage", None),
        was,
        fmt(pl.col("p"), 4),
        said("probability", "stage", reason),
        "passed",
    )
    col = col_of(t, "probability") or col_of(t, "stage")
    return frame_findings(t.path, col, "SOP713", rows, message)


def _match(cur: pl.DataFrame, old: pl.DataFrame, extra: list[pl.Expr]) -> pl.DataFrame:
    """`cur` (in its order, the file's) with the numbers of the previous cycle's row of the
    same deal (`known`; nulls for a deal row new since): was_row (its position in `old`),
    was_line, was_quantity, was_close (ordinal), was_slips, was_own (its own probability),
    and the columns `extra` computes from it (its stage's rank and probability).

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
            pl.col("probability").cast(pl.Float64).alias("was_own"),
            *extra,
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
