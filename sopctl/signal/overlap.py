"""Renewals that a pipeline deal counts again (SOP711).

A renewal row and a deal row of the same account and item that both bring units into the
horizon are both counted: when the deal is the renewal (a renewal negotiated in the CRM is a
deal there too), its demand is in the plan twice. Neither row is wrong on its own, and their
periods need not match (a renewal due in March and its deal closing in April are the same
business), so the engine counts both and says so, once per renewal row and deal row, at the
renewal's account cell. Accounts are compared trimmed and without regard to case; a deal or
renewal that adds nothing to the horizon (probability 0, all its periods outside) is left out.
"""

from __future__ import annotations

import polars as pl

from ..findings import Finding
from ..tables.check import Table
from .codes import frame_findings
from .frames import LINE, Horizon, col_of, fmt, ord_col, usable


def _account(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars().str.to_lowercase()


def renewal_overlap(
    renewals: Table | None, pipeline: Table | None, deals: pl.DataFrame, hz: Horizon
) -> list[Finding]:
    """SOP711 for each renewal row and deal row (of `deals`, the pipeline layer's placement
    of each deal row) of one account and item that both count in the horizon."""
    po = ord_col("period")
    rn = usable(renewals, ["renewal_id", "account", "item", po, "quantity", "probability"])
    pp = usable(pipeline, ["deal_id", "account", "item"])
    if renewals is None or pipeline is None or rn is None or pp is None or deals.height == 0:
        return []
    rn = rn.filter(
        pl.col(po).is_between(hz.first, hz.last) & (pl.col("quantity") * pl.col("probability") > 0)
    ).select(
        LINE,
        "renewal_id",
        "account",
        "item",
        "period",
        (pl.col("quantity") * pl.col("probability")).alias("renewal_units"),
        _account("account").alias("_acct"),
    )
    counted = deals.filter(pl.col("units_in_horizon") > 0).select(
        pl.col("source_line").alias("deal_line"),
        "deal_id",
        "start_period",
        "ship_periods",
        "units_in_horizon",
    )
    dl = pp.select(pl.col(LINE).alias("deal_line"), "item", _account("account").alias("_acct"))
    pairs = (
        rn.join(dl, on=["_acct", "item"], how="inner")
        .join(counted, on="deal_line", how="inner")
        .sort(LINE, "deal_line")
    )
    if pairs.height == 0:
        return []
    ships = (
        pl.when(pl.col("ship_periods") == 1)
        .then(pl.format("in {}", "start_period"))
        .otherwise(pl.format("from {} over {} periods", "start_period", "ship_periods"))
    )
    message = pl.format(
        "renewal {} ({}, {}, {}: {} units) and deal {} ({}:{}, {}: {} units in the horizon) "
        "are both counted for this account and item; if the deal is "
        "this renewal, delete one of the two rows or mark the deal as the renewal "
        "(probability 0, probability_reason 'renewal {}'); if they are separate orders, "
        "nothing to change",
        "renewal_id",
        "account",
        "item",
        "period",
        fmt(pl.col("renewal_units")),
        "deal_id",
        pl.lit(pipeline.path),
        "deal_line",
        ships,
        fmt(pl.col("units_in_horizon")),
        "renewal_id",
    )
    return frame_findings(renewals.path, col_of(renewals, "account"), "SOP711", pairs, message)
