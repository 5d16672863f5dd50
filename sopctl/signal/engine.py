"""`build_demand`: the Signal engine, a pure function of a loaded Workspace.

The demand view is a waterfall per item × segment × horizon period:

    final = max(0, baseline + pipeline + promotion + renewal + override)

Every non-baseline unit is tied to the input row it came from (`sources`: a deal, promotion or
renewal row that adds 0 units in a period, a lost deal or a percent promotion on a baseline of
0, has no source row there; an override row always has, as it decides the cell); components are
summed from those rows with `np.bincount` in the published order, so the plan and its sources
agree to the bit and two runs give identical frames. No files, clock, terminal or git.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from ..findings import Finding, Report
from ..schemas.charter import Charter
from ..tables.check import Table
from .baseline import statistical_baseline
from .codes import frame_findings
from .compare import changes, coverage
from .frames import (
    LINE,
    FloatArr,
    Horizon,
    IntArr,
    col_of,
    dense,
    fmt,
    horizon_of,
    ord_col,
    series_index,
    table,
    usable,
)
from .layers import override_layer, promotion_layer, renewal_layer
from .overlap import renewal_overlap
from .per_item import item_ids, resolve
from .pipeline import lost_baseline, pipeline_layer

if TYPE_CHECKING:
    from ..validate import Workspace

COMPONENTS = ("baseline", "pipeline", "promotion", "renewal", "override")
SERIES_TABLES = ("demand_history", "baseline", "pipeline", "promotions", "renewals", "overrides")
NEGATIVE_TOL = 1e-9  # a sum this close to 0 is rounding, not a negative demand
SOURCE_ORDER = ["s", "k", "component", "source_file", "source_line", "source_id"]


@dataclass
class DemandResult:
    plan: (
        pl.DataFrame
    )  # item, segment, period, baseline, pipeline, promotion, renewal, override, final
    sources: pl.DataFrame  # item, segment, period, component, units, source_file/line/id
    coverage: pl.DataFrame  # segment, period, weighted_pipeline, target, coverage
    baseline_methods: pl.DataFrame  # item, segment, requested, method, ..., reason
    findings: list[Finding]
    changes: pl.DataFrame  # item, segment, period, previous, final, change, change_pct
    deals: pl.DataFrame = field(default_factory=pl.DataFrame)  # weight and placement per deal row
    # per source row, its cell as a number: (s × horizon + k) × len(COMPONENTS) + component;
    # the written rounding (rounding.py) groups by it without joining on labels
    source_cell: IntArr | None = None
    baseline_replaced_for: tuple[str, ...] = ()  # segments whose baseline the pipeline replaces

    @property
    def errors(self) -> list[Finding]:
        return Report(self.findings).errors

    @property
    def warnings(self) -> list[Finding]:
        return Report(self.findings).warnings


def replaced_segments(ch: Charter) -> tuple[str, ...]:
    rules = ch.pipeline
    if rules is None or rules.mode != "replaces_baseline":
        return ()
    return tuple(sorted(rules.replaces_baseline_for or [s.id for s in ch.segments]))


def build_demand(
    ws: Workspace, previous: pl.DataFrame | None = None, *, top_changes: int = 20
) -> DemandResult:
    """The demand view of a cycle. Run it on a workspace whose validation report is clean."""
    if ws.charter is None or ws.cycle is None:
        raise ValueError("the workspace has no charter or cycle; validate it first")
    ch, hz = ws.charter, horizon_of(ws)
    tables = {name: table(ws, name) for name in (*SERIES_TABLES, "targets")}
    index = series_index(_series_rows(tables, hz))
    S = index.height
    items = frozenset(index["item"].to_list()) | (item_ids(ws) or frozenset())
    per_item = resolve(ch.forecast.per_item, items, ch.aliases()).methods
    fit = statistical_baseline(
        tables["demand_history"], tables["baseline"], index, hz, ch.forecast, per_item
    )
    base = fit.values
    replaced = replaced_segments(ch)
    in_replaced = index["segment"].is_in(list(replaced)).to_numpy()
    before = base.copy() if replaced else base
    base[in_replaced] = 0.0
    pipe = pipeline_layer(tables["pipeline"], ch.pipeline, index, hz)
    pipe_src = _ordered(_adding(pipe.sources), hz)
    pipeline = dense(pipe_src, S, hz)
    promo = promotion_layer(tables["promotions"], index, hz, base, replaced)
    promo_src = _ordered(_adding(promo.sources), hz)
    promotion = dense(promo_src, S, hz)
    ren_src = _ordered(_adding(renewal_layer(tables["renewals"], index, hz)), hz)
    renewal = dense(ren_src, S, hz)
    other = base + pipeline + promotion + renewal
    ovr_src, ovr_findings = override_layer(tables["overrides"], index, hz, other, ch)
    ovr_src = _ordered(ovr_src, hz)
    override = dense(ovr_src, S, hz)
    raw = other + override
    final = np.maximum(raw, 0.0)
    comps = dict(zip(COMPONENTS, (base, pipeline, promotion, renewal, override), strict=True))
    plan = _plan(index, hz, comps, final)
    # layers in component order, then a stable sort by cell gives the SOURCE_ORDER
    layers = [ovr_src, pipe_src, promo_src, ren_src]
    all_src = pl.concat(layers)
    all_src = all_src.sort(pl.col("s") * hz.size + pl.col("k"), maintain_order=True)
    code = all_src["component"].cast(pl.Enum(COMPONENTS)).to_physical().to_numpy()
    cell = (all_src["s"] * hz.size + all_src["k"]).to_numpy().astype(np.int64)
    findings = [
        *fit.findings,
        *pipe.findings,
        *lost_baseline(before, pipeline, in_replaced, index, tables),
        *promo.findings,
        *renewal_overlap(tables["renewals"], tables["pipeline"], pipe.deals, hz),
        *ovr_findings,
        *_floor_findings(raw, all_src, index, hz, tables),
    ]
    return DemandResult(
        plan=plan,
        sources=_label(all_src, index, hz),
        coverage=coverage(tables["targets"], index, hz, pipeline),
        baseline_methods=_methods(fit.methods, index, replaced),
        findings=sorted(findings),
        changes=changes(plan, previous, top_changes),
        deals=pipe.deals,
        source_cell=cell * len(COMPONENTS) + code.astype(np.int64),
        baseline_replaced_for=replaced,
    )


def _series_rows(tables: dict[str, Table | None], hz: Horizon) -> list[pl.DataFrame]:
    """The rows that give an item × segment its series in the plan: every usable row of the
    history, a supplied baseline, the pipeline and the overrides, but of renewals and
    promotions only those that reach the horizon. One outside it is ignored (SOP408) and
    adds nothing, so a pair only such rows name gets no series of zeros."""
    start, end, period = ord_col("start_period"), ord_col("end_period"), ord_col("period")
    reach = {
        "renewals": pl.col(period).is_between(hz.first, hz.last),
        "promotions": (pl.col(start) <= hz.last) & (pl.col(end) >= hz.first),
    }
    needs = {"renewals": [period], "promotions": [start, end]}
    out = []
    for name in SERIES_TABLES:
        frame = usable(tables[name], ["item", "segment", *needs.get(name, [])])
        if frame is not None:
            out.append(frame.filter(reach[name]) if name in reach else frame)
    return out


def _adding(src: pl.DataFrame) -> pl.DataFrame:
    """The source rows that add units: a row of 0 (probability 0, quantity 0, a percent of a
    baseline of 0) ties no unit to its input row and adds nothing to the component's sum."""
    return src.filter(pl.col("units") != 0)


def _ordered(src: pl.DataFrame, hz: Horizon) -> pl.DataFrame:
    """One layer in SOURCE_ORDER: component and file are fixed, (s, k, line) is unique,
    so one integer key (cell << 32 | line) orders it."""
    cell = pl.col("s") * hz.size + pl.col("k")
    return src.sort((cell * 2**32) + pl.col("source_line"))


def _period_of_k(hz: Horizon) -> pl.Expr:
    return pl.col("k").replace_strict(list(range(hz.size)), hz.labels(), return_dtype=pl.String)


def _plan(
    index: pl.DataFrame, hz: Horizon, comps: dict[str, FloatArr], final: FloatArr
) -> pl.DataFrame:
    S, H = index.height, hz.size
    rows = np.repeat(np.arange(S), H)
    labels = pl.Series("period", hz.labels(), pl.String)
    return pl.DataFrame(
        [
            index["item"].gather(rows),
            index["segment"].gather(rows),
            labels.gather(np.tile(np.arange(H), S)),
            *(pl.Series(name, arr.ravel(), pl.Float64) for name, arr in comps.items()),
            pl.Series("final", final.ravel(), pl.Float64),
        ]
    )


def _label(src: pl.DataFrame, index: pl.DataFrame, hz: Horizon) -> pl.DataFrame:
    return src.join(index, on="s", how="left", maintain_order="left").select(
        "item",
        "segment",
        _period_of_k(hz).alias("period"),
        "component",
        "units",
        "source_file",
        "source_line",
        "source_id",
    )


def _methods(methods: pl.DataFrame, index: pl.DataFrame, replaced: tuple[str, ...]) -> pl.DataFrame:
    hit = pl.col("segment").is_in(list(replaced))
    return (
        methods.join(index, on="s", how="left", maintain_order="left")
        .with_columns(
            hit.alias("replaced_by_pipeline"),
            pl.when(hit)
            .then(
                pl.format(
                    "{}; baseline set to 0 because the pipeline replaces it for segment {} "
                    "(pipeline.mode replaces_baseline)",
                    "reason",
                    "segment",
                )
            )
            .otherwise(pl.col("reason"))
            .alias("reason"),
        )
        .sort("item", "segment")
        .select(
            "item",
            "segment",
            "requested",
            "method",
            "history_periods",
            "holdout_mae",
            "replaced_by_pipeline",
            "reason",
        )
    )


def _quantity_col(tables: dict[str, Table | None]) -> pl.Expr:
    """The column of the cell that gives a source row its units: `quantity`, or for a
    promotion the uplift it uses (uplift_units, else uplift_pct); 0 when unknown."""
    cols: list[pl.Expr] = []
    at = pl.col("source_file")
    for name in ("pipeline", "promotions", "renewals", "overrides"):
        t = tables.get(name)
        if t is None:
            continue
        if name == "promotions" and "uplift_units" in t.frame.columns:
            units = t.frame.filter(pl.col("uplift_units").is_not_null())[LINE].implode()
            cols.append(
                pl.when((at == t.path) & pl.col("source_line").is_in(units)).then(
                    col_of(t, "uplift_units")
                )
            )
        quantity = "uplift_pct" if name == "promotions" else "quantity"
        cols.append(pl.when(at == t.path).then(col_of(t, quantity)))
    return pl.coalesce(*cols, pl.lit(0)).cast(pl.Int64)


def _floor_findings(
    raw: FloatArr,
    src: pl.DataFrame,
    index: pl.DataFrame,
    hz: Horizon,
    tables: dict[str, Table | None],
) -> list[Finding]:
    """SOP703 per floored cell, at the cell of the source row that pulls it down the most."""
    cells = np.flatnonzero(raw.ravel() < -NEGATIVE_TOL)
    if cells.size == 0:
        return []
    neg = pl.DataFrame(
        {
            "s": (cells // hz.size).astype(np.int64),
            "k": (cells % hz.size).astype(np.int64),
            "raw": raw.ravel()[cells],
        }
    )
    culprits = (
        src.join(neg, on=["s", "k"], how="inner")
        .sort(["units", *SOURCE_ORDER])
        .unique(subset=["s", "k"], keep="first", maintain_order=True)
        .join(index, on="s", how="left")
        .with_columns(_period_of_k(hz).alias("period"))
        .sort("source_file", "source_line", "s", "k")
        .with_columns(_quantity_col(tables).alias("col"))
    )
    out: list[Finding] = []
    for (path, col), group in culprits.group_by("source_file", "col", maintain_order=True):
        message = pl.format(
            "{} {} ({}, {}, {}) would drive demand to {}; floored at 0",
            "component",
            "source_id",
            "item",
            "segment",
            "period",
            fmt(pl.col("raw")),
        )
        out += frame_findings(str(path), int(col), "SOP703", group, message, line="source_line")
    return out
