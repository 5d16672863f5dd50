"""HiGHS's irreducible infeasible subset (IIS) of an infeasible plan, as row and column
indices with the bound that conflicts; `diagnose.iis_names` names them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .lp import LpModel
    from .solve import Solution, _Run

_BOUND = {1: "free", 2: "lower", 3: "upper", 4: "boxed"}
# HiGHS IIS strategies: from the LP's infeasibility, made irreducible (6); from the LP (2)
IIS_STRATEGIES = (6, 2)


def find_iis(r: _Run, lp: LpModel, out: Solution, integer: bool) -> None:
    h = r.h
    if integer:
        n = lp.integer_cols.size
        h.changeColsIntegrality(n, lp.integer_cols.astype(np.int32), np.zeros(n, dtype=np.uint8))
    iis = None
    for strategy in IIS_STRATEGIES:
        try:
            h.setOptionValue("iis_strategy", strategy)
            status, found = h.getIis()
        except Exception:  # an older highspy without IIS: the own diagnosis still runs
            return
        if str(status.name) != "kError" and found.valid_:
            iis = found
            break
    if iis is None:
        return
    out.iis_valid = True
    out.iis_rows = [
        (int(i), _BOUND[int(b)])
        for i, b in zip(iis.row_index_, iis.row_bound_, strict=False)
        if int(b) in _BOUND and int(b) != 1
    ]
    out.iis_cols = [
        (int(i), _BOUND[int(b)])
        for i, b in zip(iis.col_index_, iis.col_bound_, strict=False)
        if int(b) in _BOUND and int(b) != 1
    ]
