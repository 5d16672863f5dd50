"""Which item exceptions an overload's value counts, read back from the plan's frames.

An overload's value is the money of the item exceptions it causes (reconcile/exceptions.py,
`caused_value`): those bound by a limit of the resource — its capacity, overtime limit,
maximum workforce or hiring limit — whose hours would be used in the overload's period, each
exception toward one row at most. The written exceptions keep the binding constraint but not
the periods a hire works in (`bind_from`..`bind_to`), so they are found again here from the
constraint's name: a capacity, overtime or workforce limit adds hours to its own period; a
hire made in period h to the periods from h to the exception's period less the item's lead
time, and the latest of them in which the resource is overloaded gets the exception. The solve
may start a hire's periods later than h (where stock made earlier would not reach the
exception at the margin), which leaves some such exceptions counted by none: `counted` then
keeps the set whose money is the overload's value.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

# the limits of a resource whose exceptions count toward its overloads
LIMITS = ("capacity", "overtime_limit", "max_workforce", "max_hires")
CENT = 0.005


def _limit_rows(exceptions: pl.DataFrame, resource: str, periods: list[str]) -> pl.DataFrame:
    """The item exceptions bound by a limit of `resource`, with `family`, `_at` (the limit's
    period index) and `_t` (the exception's period index)."""
    at = {p: i for i, p in enumerate(periods)}
    parts = pl.col("binding_constraint").str.extract_groups(r"^([a-z_]+)\[([^,\]]+),([^,\]]+)\]$")
    return (
        exceptions.filter(pl.col("item").is_not_null() & pl.col("binding_constraint").is_not_null())
        .with_columns(parts.alias("_b"))
        .with_columns(
            pl.col("_b").struct.field("1").alias("family"),
            pl.col("_b").struct.field("2").alias("_res"),
            pl.col("_b")
            .struct.field("3")
            .replace_strict(at, default=None, return_dtype=pl.Int64)
            .alias("_at"),
            pl.col("period").replace_strict(at, default=None, return_dtype=pl.Int64).alias("_t"),
        )
        .filter(
            pl.col("family").is_in(LIMITS)
            & (pl.col("_res") == resource)
            & pl.col("_at").is_not_null()
            & pl.col("_t").is_not_null()
        )
        .drop("_b", "_res")
    )


def bound_in(
    exceptions: pl.DataFrame, resource: str, period: str, periods: list[str]
) -> pl.DataFrame:
    """The item exceptions bound by a limit of `resource` set in `period` (its capacity,
    overtime limit, maximum workforce or hiring limit of that period)."""
    rows = _limit_rows(exceptions, resource, periods)
    return rows.filter(pl.col("_at") == periods.index(period)).drop("_at", "_t")


def counted(
    exceptions: pl.DataFrame,
    resource: str,
    period: str,
    periods: list[str],
    lead_time: Mapping[str, int],
) -> pl.DataFrame:
    """The item exceptions counted in the value of `resource`'s overload in `period` (none when
    it has no overload row there), in the frame's order, with `family` (the binding limit's)."""
    own = exceptions.filter(
        (pl.col("kind") == "overload") & (pl.col("resource") == resource) & pl.col("item").is_null()
    )
    here = own.filter(pl.col("period") == period)
    rows = _limit_rows(exceptions.with_row_index("_i"), resource, periods)
    if period not in periods or here.height == 0 or rows.height == 0:
        return rows.head(0).drop("_i", "_at", "_t")
    at = {p: i for i, p in enumerate(periods)}
    t = at[period]
    hire = pl.col("family") == "max_hires"
    sure = rows.filter(~hire & (pl.col("_at") == t))
    # a hire's hours: from its period to the exception's less the item's lead time; the latest
    # of them in which the resource is overloaded gets the exception
    over = pl.DataFrame({"_o": sorted(at[p] for p in own["period"].to_list() if p in at)})
    lead = pl.col("item").replace_strict(
        {k: int(v) for k, v in lead_time.items()}, default=0, return_dtype=pl.Int64
    )
    latest = (
        rows.filter(hire)
        .with_columns((pl.col("_t") - lead).alias("_to"))
        .join(over.with_columns(pl.col("_o").cast(pl.Int64)), how="cross")
        .filter(pl.col("_o").is_between("_at", "_to"))
        .group_by("_i")
        .agg(pl.col("_o").max())
    )
    hires = rows.filter(hire).join(
        latest.filter(pl.col("_o") == t).select("_i"), on="_i", how="semi"
    )
    value = float(here["value"][0] or 0.0)
    sure_sum, hire_sum = float(sure["value"].sum()), float(hires["value"].sum())
    # an exception that a hire of then cannot reach at the margin counts toward none: when
    # the hires' exceptions make the sum overshoot the value and the others alone make it,
    # only the others are counted
    if abs(sure_sum - value) < CENT < abs(sure_sum + hire_sum - value):
        hires = hires.head(0)
    return pl.concat([sure, hires]).sort("_i").drop("_i", "_at", "_t")
