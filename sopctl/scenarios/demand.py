"""Demand overlays: pure transformations of the demand view (item, segment, period, final).

They act on the final demand of the selected item x segment x period cells, after the Signal
step (and after a promotion overlay has rebuilt it): `factor` multiplies it, `units` adds to
it (cells without demand get one), and a result below 0 is floored at 0 with a warning.
The other columns of the demand view (baseline, pipeline ...) are left as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ..findings import Finding, finding
from .select import Ids, Selection, select

if TYPE_CHECKING:
    from .load import Scenario

KEY = ["item", "segment", "period"]
TOL = 1e-12


def apply_demand(
    demand: pl.DataFrame, sc: Scenario, ids: Ids
) -> tuple[pl.DataFrame, list[Finding]]:
    """The demand view with every demand overlay of `sc` applied, and the warnings."""
    findings: list[Finding] = []
    out = demand
    for i, ov in enumerate(sc.file.overlays):
        if ov.kind != "demand":
            continue
        sel, _ = select(ids, ov, sc.doc, i)
        line, col = sc.doc.where(("overlays", i))
        out, codes = _one(out, sel, ov.factor, ov.units)
        for code, message in codes:
            findings.append(finding(sc.doc.path, line, col, code, message))
    return out, findings


def _cells(sel: Selection) -> pl.DataFrame:
    n_s, n_p = len(sel.segments), len(sel.periods)
    return pl.DataFrame(
        {
            "item": [i for i in sel.items for _ in range(n_s * n_p)],
            "segment": [s for _ in sel.items for s in sel.segments for _ in range(n_p)],
            "period": sel.periods * (len(sel.items) * n_s),
        },
        schema={k: pl.String for k in KEY},
    )


def _one(
    demand: pl.DataFrame, sel: Selection, factor: float | None, units: float | None
) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    cells = _cells(sel).with_columns(pl.lit(True).alias("__hit"))
    if not cells.height:
        return demand, []
    final = pl.col("final")
    if factor is not None:
        marked = demand.join(cells, on=KEY, how="left", maintain_order="left")
        hit = pl.col("__hit").fill_null(False)
        touched = marked.filter(hit & (final.abs() > TOL)).height
        if not touched or abs(factor - 1.0) <= TOL:
            return demand, [
                (
                    "SOP629",
                    "the overlay changes no demand: the selected cells have "
                    "no demand, or the factor is 1; check its selectors",
                )
            ]
        out = marked.with_columns(pl.when(hit).then(final * factor).otherwise(final).alias("final"))
        return out.drop("__hit"), []
    assert units is not None
    if abs(units) <= TOL:
        return demand, [("SOP629", "the overlay adds 0 units; give a units value")]
    missing = cells.join(demand.select(KEY), on=KEY, how="anti").drop("__hit")
    if missing.height:
        zeros = [
            pl.lit(0.0 if t.is_float() else None).cast(t).alias(c)
            for c, t in demand.schema.items()
            if c not in KEY
        ]
        demand = pl.concat([demand, missing.with_columns(zeros).select(demand.columns)])
    marked = demand.join(cells, on=KEY, how="left", maintain_order="left")
    hit = pl.col("__hit").fill_null(False)
    raw = pl.when(hit).then(final + units).otherwise(final)
    marked = marked.with_columns(raw.alias("final"))
    neg = int(marked.filter(hit & (final < -TOL)).height)
    out = marked.with_columns(final.clip(lower_bound=0.0)).drop("__hit")
    if neg:
        return out, [("SOP630", f"{neg} demand cell(s) would fall below 0 and are set to 0")]
    return out, []


def add_delta(demand: pl.DataFrame, new: pl.DataFrame, ref: pl.DataFrame) -> pl.DataFrame:
    """`demand` plus (new final - ref final) per cell: what a rebuilt demand view changed,
    added to the base's demand view, so the cells it did not change stay exactly as they were."""
    cols = [*KEY, "final"]
    delta = (
        new.select(cols)
        .join(ref.select(*KEY, pl.col("final").alias("ref")), on=KEY, how="full", coalesce=True)
        .select(*KEY, (pl.col("final").fill_null(0.0) - pl.col("ref").fill_null(0.0)).alias("d"))
        .filter(pl.col("d").abs() > TOL)
    )
    if not delta.height:
        return demand
    missing = delta.select(KEY).join(demand.select(KEY), on=KEY, how="anti")
    if missing.height:
        fill = [
            pl.lit(0.0 if t.is_float() else None).cast(t).alias(c)
            for c, t in demand.schema.items()
            if c not in KEY
        ]
        demand = pl.concat([demand, missing.with_columns(fill).select(demand.columns)])
    out = demand.join(delta, on=KEY, how="left", maintain_order="left")
    final = (pl.col("final") + pl.col("d").fill_null(0.0)).clip(lower_bound=0.0)
    return out.with_columns(final.alias("final")).drop("d")
