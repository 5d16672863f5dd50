"""Who may override demand: the rights checks on override rows (SOP701, SOP702).

The owner of an override must be a member of a role holding decision_rights.override_demand
(SOP701); for a period inside the frozen window (the cycle's first cadence.frozen_periods
periods) also of a role holding approve_frozen_change (SOP702). The rule lives here and is used
twice: `sopctl validate` reports the rows that break it (`override_rights`, without building
the demand view), and the demand build leaves those rows out (`layers.override_layer`). Each
message says what to change: who may own the override, or the first period after the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ..findings import Finding
from ..schemas.charter import Charter
from ..tables.check import Table
from .codes import frame_findings
from .frames import LINE, Horizon, col_of, horizon_of, ord_col, usable

if TYPE_CHECKING:
    from ..validate import Workspace

KINDS = ["delta", "replace"]
SHOWN_MEMBERS = 3  # members named per role in a message; the rest are counted


def override_rows(t: Table | None, hz: Horizon, charter: Charter) -> pl.DataFrame | None:
    """The override rows the demand view acts on (complete, inside the horizon, of a known
    kind; the others are reported by the table checks), in file order, with their horizon
    offset `k` and the flags `no_right` (SOP701) and `frozen` (SOP702)."""
    po = ord_col("period")
    df = usable(t, ["override_id", "item", "segment", po, "kind", "quantity", "owner"])
    if df is None:
        return None
    rights = charter.decision_rights
    may_override = sorted(charter.members_of(rights.override_demand))
    may_unfreeze = sorted(charter.members_of(rights.approve_frozen_change))
    return (
        df.with_columns((pl.col(po) - hz.first).alias("k"))
        .filter(pl.col("k").is_between(0, hz.size - 1), pl.col("kind").is_in(KINDS))
        .with_columns(
            (~pl.col("owner").is_in(may_override)).alias("no_right"),
            ((pl.col("k") < hz.frozen) & ~pl.col("owner").is_in(may_unfreeze)).alias("frozen"),
        )
        .sort(LINE)
    )


def override_rights(ws: Workspace) -> list[Finding]:
    """SOP701 and SOP702 of the cycle's overrides table, at each row's owner (period) cell."""
    t = ws.tables.get("overrides")
    if t is None or ws.charter is None or ws.cycle is None:
        return []
    hz = horizon_of(ws)
    rows = override_rows(t, hz, ws.charter)
    return [] if rows is None else rights_findings(t, rows, hz, ws.charter)


def _roster(charter: Charter, roles: list[str], only: set[str] | None = None) -> str:
    """The roles with their members (those in `only`, when given): 'a: x@e, y@e; b: z@e'."""
    parts = []
    for role in dict.fromkeys(roles):
        members = [m for m in charter.members_of([role]) if only is None or m in only]
        if not members:
            continue
        members.sort()
        more = len(members) - SHOWN_MEMBERS
        names = ", ".join(members[:SHOWN_MEMBERS]) + (f" and {more} more" if more > 0 else "")
        parts.append(f"{role}: {names}")
    return "; ".join(parts)


def _fixes(charter: Charter, hz: Horizon) -> tuple[str, str]:
    """What to change, outside and inside the frozen window."""
    rights = charter.decision_rights
    overriders = _roster(charter, rights.override_demand)
    unknown = [r for r in rights.override_demand if r not in charter.role_ids()]
    if unknown:  # a typo in the right, not in the row: the owner may hold the role meant
        named = ", ".join(f"'{r}'" for r in unknown)
        outside = (
            f"the charter's decision_rights.override_demand names {named}, which is no role "
            "(SOP502): correct the role name there first, then the owner may hold the right"
        )
    elif overriders:
        outside = f"set owner to a member of a role holding override_demand ({overriders})"
    else:
        outside = (
            "no member of any role holds override_demand: give it to a role with members "
            "in the charter's decision_rights"
        )
    both = charter.members_of(rights.override_demand) & charter.members_of(
        rights.approve_frozen_change
    )
    if hz.frozen >= hz.size:  # no period lies after the window (SOP506)
        after = (
            f"the frozen window (cadence.frozen_periods: {hz.frozen}) covers the whole "
            f"horizon of {hz.size} periods: lower frozen_periods in the charter"
        )
    else:
        after = f"move the override to {hz.label(hz.first + hz.frozen)} or later"
    inside = (
        "set owner to a member holding both override_demand and approve_frozen_change "
        f"({_roster(charter, rights.approve_frozen_change, both)}), or {after}"
        if both
        else "nobody holds both override_demand and approve_frozen_change (the charter's "
        f"decision_rights), so {after}"
    )
    return outside, inside


def rights_findings(t: Table, d: pl.DataFrame, hz: Horizon, charter: Charter) -> list[Finding]:
    """SOP701 (at the owner) and SOP702 (at the period) for the flagged rows of
    `override_rows`."""
    rights = charter.decision_rights
    last = hz.first + max(min(hz.frozen, hz.size), 1) - 1
    window = hz.label(hz.first) + (f"..{hz.label(last)}" if last > hz.first else "")
    outside, inside = _fixes(charter, hz)
    in_window = pl.col("k") < hz.frozen
    fix = pl.when(in_window).then(pl.lit(inside)).otherwise(pl.lit(outside))
    who = pl.format(
        "override {} ({}, {}, {}) by {}", "override_id", "item", "segment", "period", "owner"
    )
    out = frame_findings(
        t.path,
        col_of(t, "owner"),
        "SOP701",
        d.filter("no_right"),
        pl.format(
            "{} cannot be applied: its owner is in no role holding override_demand{}; {}",
            who,
            pl.when(in_window)
            .then(pl.format(", and {} is in the frozen window {}", "period", pl.lit(window)))
            .otherwise(pl.lit("")),
            fix,
        ),
    )
    out += frame_findings(
        t.path,
        col_of(t, "period"),
        "SOP702",
        d.filter("frozen"),
        pl.format(
            "{} cannot be applied: {} is in the frozen window {}, where its owner must also be "
            "in a role holding approve_frozen_change ({}); {}",
            who,
            "period",
            pl.lit(window),
            pl.lit(", ".join(rights.approve_frozen_change) or "none"),
            pl.lit(inside),
        ),
    )
    return out
