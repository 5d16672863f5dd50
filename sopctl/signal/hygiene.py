"""Input hygiene of the Signal step: late and inflated inputs (docs/signal.md).

Pure: the current cycle's tables and demand view, and the previous cycle's pipeline and
targets as `previous_inputs` read them. Every finding is a warning at the row concerned:

SOP740-SOP744, SOP713  a deal row against the previous cycle's (deals_since.py)
SOP745  a segment's pipeline coverage grew by more than pipeline.max_coverage_jump
SOP747, SOP748  the demand history (history_checks.py); SOP746, expired deals, deal_findings.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from ..findings import Finding, finding
from ..tables.check import Table
from .compare import COVERAGE_SCHEMA, coverage_summary, segment_coverage
from .deals_since import DealChanges, deal_changes, setting
from .frames import LINE, col_of, horizon_of, ord_col, table, usable
from .history_checks import history_findings
from .pipeline import DEAL_COLUMNS, segment_pipeline

if TYPE_CHECKING:
    from ..previous_inputs import PreviousInputs
    from ..validate import Workspace
    from .engine import DemandResult

DEAL_ROW = "; this row carries the most of its weighted pipeline in those periods"
TARGET_ROW = "; this row is its first target"


def input_hygiene(
    ws: Workspace,
    result: DemandResult,
    prev: PreviousInputs | None,
    deals: DealChanges | None = None,
) -> list[Finding]:
    """Every input-hygiene warning of the cycle (sorted by the caller); `deals`: the
    `deal_changes` of this cycle's pipeline against `prev`, when already worked out."""
    assert ws.charter is not None
    hz = horizon_of(ws)
    out = history_findings(
        table(ws, "demand_history"), result.baseline_methods, hz, ws.charter, table(ws, "overrides")
    )
    if prev is None:
        return out
    rules = ws.charter.pipeline
    if deals is None:
        deals = deal_changes(table(ws, "pipeline"), prev, rules)
    out += deals.findings(result.plan)
    if result.coverage.height == 0:  # no targets this cycle: no coverage to compare
        return out
    before = previous_coverage(prev)
    if before is None:  # the previous pipeline cannot be read: no comparison (docs/signal.md)
        return out
    out += coverage_jumps(
        result.coverage,
        before,
        lambda: _segment_rows(
            table(ws, "pipeline"), result.sources, result.coverage, table(ws, "targets")
        ),
        prev.cycle,
        float(setting(rules, "max_coverage_jump")),
    )
    return out


def _segment_rows(
    pipeline: Table | None, sources: pl.DataFrame, cov: pl.DataFrame, targets: Table | None
) -> dict[str, tuple[str, int, int, str]]:
    """Where a segment's coverage warning points: the deal row carrying most of its weighted
    pipeline in the periods with a target above 0, the coverage the warning quotes (the rows
    an inflated pipeline touches, so `sopctl check` shows the warning on the pull request
    that made it; `sources` are the plan's source rows, `cov` its coverage), else its first
    targets row."""
    out: dict[str, tuple[str, int, int, str]] = {}
    if targets is not None and "segment" in targets.frame.columns:
        firsts = targets.frame.group_by("segment").agg(pl.col(LINE).min())
        col = col_of(targets, "segment")
        out |= {str(s): (targets.path, int(n), col, TARGET_ROW) for s, n in firsts.iter_rows()}
    if pipeline is not None and sources.height and cov.height:
        covered = cov.filter(pl.col("target") > 0).select("segment", "period")
        top = (
            sources.filter(pl.col("component") == "pipeline")
            .join(covered, on=["segment", "period"], how="semi")
            .group_by("segment", "source_line")
            .agg(pl.col("units").sum().round(9))  # rounded: equal sums tie, on every run
            .filter(pl.col("units") > 0)
            .sort(["segment", "units", "source_line"], descending=[False, True, False])
            .unique("segment", keep="first", maintain_order=True)  # ties: the first row
            .select("segment", "source_line")
        )
        col = col_of(pipeline, "quantity")
        out |= {str(s): (pipeline.path, int(n), col, DEAL_ROW) for s, n in top.iter_rows()}
    return out


def previous_coverage(prev: PreviousInputs) -> pl.DataFrame | None:
    """The previous cycle's pipeline coverage per segment and period, as `sopctl demand`
    computes it (its deals weighted and placed on its own horizon by this sopctl's rules with
    its charter's pipeline settings); the deals are summed per segment and period only when
    the cycle has targets. None when its pipeline cannot be read (no file, a missing column):
    its coverage is unknown, not 0."""
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
                "segment that are new or changed since (SOP740-SOP744 and SOP713 name "
                f"them{row}) before the plan relies on them",
            )
        )
    return out
