"""Input hygiene of the Signal step: late and inflated inputs (docs/signal.md).

Pure: the current cycle's tables and demand view, and the previous cycle's pipeline and
targets as `previous_inputs` read them. Every finding is a warning at the row concerned:

SOP740  a deal's close period moved later while its slip_count did not grow
SOP741  a deal's slip_count went down
SOP742  a deal's quantity grew by more than pipeline.max_quantity_growth
SOP743  a deal moved up more than one stage (by stage probability) with no probability_reason
SOP744  a deal new since the previous cycle asks for more than pipeline.large_new_deal_periods
        periods of its item's baseline
SOP745  a segment's pipeline coverage grew by more than pipeline.max_coverage_jump
SOP747, SOP748  the demand history (history_checks.py); SOP746, expired deals, pipeline.py

A deal row is matched to the previous cycle's by (deal_id, item), the pipeline table's key.
SOP740-SOP742 and SOP744 judge open deals only (probability strictly between 0 and 1: the
deal's, else its stage's, as pipeline.py counts them): a won deal is an order, a lost one adds
nothing, so neither is inflated. SOP743 leaves out a move into a stage at probability 1 or 0
(closing a deal is no stage jump).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from ..findings import Finding, finding
from ..schemas.charter import PipelineRules
from ..tables.check import Table
from .codes import frame_findings
from .compare import COVERAGE_SCHEMA, coverage_summary, segment_coverage
from .frames import LINE, col_of, fmt, horizon_of, ord_col, table, usable
from .history_checks import history_findings
from .pipeline import DEAL_COLUMNS, segment_pipeline

if TYPE_CHECKING:
    from ..previous_inputs import PreviousInputs
    from ..validate import Workspace
    from .engine import DemandResult

KEY = ["deal_id", "item"]
HASH = pl.struct(KEY).hash().alias("_h")
DEAL_ROW = "; this row carries the most of its weighted pipeline"
TARGET_ROW = "; this row is its first target"


def setting(rules: PipelineRules | None, name: str) -> Any:
    """A pipeline rule of the charter, or its default when the charter has no pipeline."""
    return getattr(rules, name) if rules is not None else PipelineRules.model_fields[name].default


def input_hygiene(
    ws: Workspace, result: DemandResult, prev: PreviousInputs | None
) -> list[Finding]:
    """Every input-hygiene warning of the cycle (sorted by the caller)."""
    assert ws.charter is not None
    hz = horizon_of(ws)
    out = history_findings(
        table(ws, "demand_history"), result.baseline_methods, hz, ws.charter, table(ws, "overrides")
    )
    if prev is None:
        return out
    rules = ws.charter.pipeline
    out += deal_findings(table(ws, "pipeline"), prev, rules, result.plan)
    if result.coverage.height == 0:  # no targets this cycle: no coverage to compare
        return out
    before = previous_coverage(prev)
    if before is None:  # the previous pipeline cannot be read: no comparison (docs/signal.md)
        return out
    out += coverage_jumps(
        result.coverage,
        before,
        lambda: _segment_rows(table(ws, "pipeline"), result.deals, table(ws, "targets")),
        prev.cycle,
        float(setting(rules, "max_coverage_jump")),
    )
    return out


def _segment_rows(
    pipeline: Table | None, deals: pl.DataFrame, targets: Table | None
) -> dict[str, tuple[str, int, int, str]]:
    """Where a segment's coverage warning points: the deal row carrying most of its weighted
    pipeline (the rows an inflated pipeline touches, so `sopctl check` shows the warning on
    the pull request that made it), else its first targets row."""
    out: dict[str, tuple[str, int, int, str]] = {}
    if targets is not None and "segment" in targets.frame.columns:
        firsts = targets.frame.group_by("segment").agg(pl.col(LINE).min())
        col = col_of(targets, "segment")
        out |= {str(s): (targets.path, int(n), col, TARGET_ROW) for s, n in firsts.iter_rows()}
    if pipeline is not None and deals.height:
        top = (
            deals.group_by("segment")
            .agg(  # deals are in file order: ties go to the first
                pl.col("source_line").gather(pl.col("weighted_units").arg_max())
            )
            .explode("source_line")
        )
        col = col_of(pipeline, "quantity")
        out |= {str(s): (pipeline.path, int(n), col, DEAL_ROW) for s, n in top.iter_rows()}
    return out


def _stage_rank(rules: PipelineRules | None) -> tuple[list[str], list[int]]:
    """Stage ids and their rank by probability (earliest stage first among equals)."""
    stages = list(rules.stages) if rules else []
    order = sorted(range(len(stages)), key=lambda i: (stages[i].probability, i))
    return [stages[i].id for i in order], list(range(len(order)))


def deal_findings(
    t: Table | None, prev: PreviousInputs, rules: PipelineRules | None, plan: pl.DataFrame
) -> list[Finding]:
    """SOP740-SOP744: this cycle's deal rows against the previous cycle's."""
    co = ord_col("close_period")
    cur = usable(t, [*KEY, "segment", "stage", "quantity", co])
    old = usable(prev.pipeline, [*KEY, "stage", "quantity", co])
    if t is None or cur is None or old is None or prev.pipeline is None or cur.height == 0:
        return []
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
    out += _large_new(t, d.filter(~pl.col("known") & pl.col("open")), prev.cycle, rules, plan)
    return out


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


def _large_new(
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


def previous_coverage(prev: PreviousInputs) -> pl.DataFrame | None:
    """The previous cycle's pipeline coverage per segment and period, as `sopctl demand`
    computes it (its deals weighted and placed on its own horizon, by today's rules); the
    deals are summed per segment and period only when the cycle has targets. None when its
    pipeline cannot be read (no file, a missing column): its coverage is unknown, not 0."""
    if usable(prev.pipeline, DEAL_COLUMNS) is None:
        return None
    targets = usable(prev.targets, ["segment", ord_col("period"), "target"])
    if targets is None or targets.height == 0:
        return pl.DataFrame(schema=COVERAGE_SCHEMA)
    segs, per_seg = segment_pipeline(prev.pipeline, prev.rules, prev.hz)
    return segment_coverage(prev.targets, prev.hz, segs, per_seg)


def coverage_jumps(
    now: pl.DataFrame,
    before: pl.DataFrame,
    locate: Callable[[], dict[str, tuple[str, int, int, str]]],
    prev: str,
    jump: float,
) -> list[Finding]:
    """SOP745 per segment whose coverage (over the periods with a target, as the summary
    shows it) is more than `jump` times the previous cycle's, or above 0 from 0; at the
    segment's row as `locate` finds it (only called when a segment jumped)."""
    a = coverage_summary(now)
    b = coverage_summary(before)
    if a.height == 0 or b.height == 0:
        return []
    hit = (
        a.join(
            b.select(
                "segment",
                pl.col("coverage").alias("was"),
                pl.col("weighted_pipeline").alias("was_pipeline"),
                pl.col("target").alias("was_target"),
            ),
            on="segment",
        )
        .filter(
            pl.col("coverage").is_not_null()
            & pl.col("was").is_not_null()
            & (pl.col("coverage") > pl.col("was") * jump)
            & (pl.col("coverage") > 0)
        )
        .sort("segment")
    )
    out: list[Finding] = []
    where = locate() if hit.height else {}
    for r in hit.iter_rows(named=True):
        times = f"{r['coverage'] / r['was']:.1f}×" if r["was"] > 0 else "from none"
        path, line, col, row = where.get(r["segment"], ("", 0, 0, ""))
        out.append(
            finding(
                path,
                line,
                col,
                "SOP745",
                f"pipeline coverage of segment {r['segment']} rose from {r['was']:.2f} in "
                f"cycle {prev} to {r['coverage']:.2f} ({times}, more than "
                f"pipeline.max_coverage_jump {jump:g}): weighted pipeline "
                f"{r['was_pipeline']:,.0f} → {r['weighted_pipeline']:,.0f} against targets "
                f"{r['was_target']:,.0f} → {r['target']:,.0f}. Check the deals of this "
                f"segment that are new or changed since (SOP740-SOP744 name them{row}) before "
                "the plan relies on them",
            )
        )
    return out
