"""Whether a lower segment's `clear_backlog_by_end` is what keeps a higher level short.

`clear_backlog_by_end` is a hard row (the backlog of the last period is 0), so it wins over
priority: when capacity cannot clear a lower segment's backlog and serve a higher segment too,
the higher one is shorted (docs/reconcile.md). Priority stages alone do not say so: the plan
reads as if capacity shorted the higher level. So a level that gets its own stage (a least
shortage above 0) is solved once more with those rows of the levels below it lifted; when its
least shortage drops, the rule is named (engine.priority_held, sopctl explain).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .data import IntArr
from .lp import LpModel, PriorityLevel

if TYPE_CHECKING:
    from .solve import _Run

REL, ABS = 1e-7, 1e-6  # a drop in least shortage larger than the solver's tolerances


def clear_cols(lp: LpModel, lv: PriorityLevel) -> tuple[IntArr, list[str]]:
    """The last period's backlog columns held at 0 by `clear_backlog_by_end` of segments of
    lower priority than `lv`, and those segments (by priority, then name)."""
    b = lp.cols["B"]
    rank = {
        s: lvl.priority for lvl in lp.levels if lvl.priority > lv.priority for s in lvl.segments
    }
    if not b.n or not rank:
        return np.zeros(0, dtype=np.int64), []
    last = b.offset + np.arange(b.n, dtype=np.int64) * b.n_periods + b.n_periods - 1
    segs = b.keys["segment"].to_list()
    pick = (lp.col_upper[last] == 0) & np.array([s in rank for s in segs], dtype=bool)
    named = sorted({segs[i] for i in np.flatnonzero(pick)}, key=lambda s: (rank[s], s))
    return last[pick], named


def clear_forces(r: _Run, lp: LpModel, lv: PriorityLevel, least: float) -> list[str]:
    """The lower segments whose `clear_backlog_by_end` keeps `lv` short: its least shortage
    `least` (the stage just solved on `r`) drops when their rows are lifted. The model, its
    bounds and basis are left as they were."""
    cols, segs = clear_cols(lp, lv)
    if not cols.size or least <= ABS:
        return []
    h = r.h
    idx = cols.astype(np.int32)
    zero = np.zeros(cols.size)
    basis = h.getBasis()
    h.changeColsBounds(cols.size, idx, zero, np.full(cols.size, r.hc.kHighsInf))
    h.run()
    drops = r.status_name() == "kOptimal" and r.objective() < least * (1 - REL) - ABS
    h.changeColsBounds(cols.size, idx, zero, zero)
    h.setBasis(basis)  # the next run starts where the stage ended, as without this check
    return segs if drops else []
