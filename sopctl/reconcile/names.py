"""Names of constraints and variable bounds, as planners read them.

Rows are named after their family and keys: `capacity[line-a,2027-05]`,
`inventory_balance[PMP-CEN-S,2027-03]`, `demand[PMP-CEN-S,strategic,2027-03]`,
`segment_priority[1]`. Variable bounds that carry a planning rule get that rule's name:
`ending_target[FAM-003]`, `clear_backlog_by_end[RT-TOOLS,retail]`,
`supplier_capacity[MOT-S,2027-04]`, `supplier_lead_time[MOT-S,2027-02]`,
`subcontract_limit[...]`, `overtime_limit[...]`, `max_hires[...]`, `max_layoffs[...]`,
`min_workforce[...]`, `max_workforce[...]`, `production_lead_time[...]`; a lower bound of zero
is named like `inventory>=0[FAM-003,2027-04]`.
"""

from __future__ import annotations

import polars as pl

from .lp import Block, LpModel

NOUN = {
    "P": "production",
    "C": "subcontract",
    "I": "inventory",
    "Z": "ss_shortfall",
    "Y": "shipments",
    "B": "backlog",
    "L": "lost_sales",
    "O": "overtime",
    "W": "workforce",
    "H": "hires",
    "F": "layoffs",
    "R": "receipts",
    "J": "material_stock",
}
# (variable block, bound) -> rule name, for bounds that are planning rules
RULE = {
    ("C", "upper"): "subcontract_limit",
    ("O", "upper"): "overtime_limit",
    ("W", "lower"): "min_workforce",
    ("W", "upper"): "max_workforce",
    ("H", "upper"): "max_hires",
    ("F", "upper"): "max_layoffs",
    ("R", "upper"): "supplier_capacity",
}


def locate(lp: LpModel, index: int, rows: bool) -> tuple[Block, list[str], int]:
    """Block, entity labels and period index of one row or column."""
    b = lp.block_of(index, rows)
    j, t = divmod(index - b.offset, b.n_periods)
    return b, [str(v) for v in b.keys.row(j)], t


def row_name(lp: LpModel, index: int, stage_levels: list[int]) -> str:
    if index >= lp.n_row:  # rows added by the lexicographic stages
        k = index - lp.n_row
        prio = stage_levels[k] if k < len(stage_levels) else k
        return f"segment_priority[{prio}]"
    b, parts, t = locate(lp, index, rows=True)
    return f"{b.name}[{','.join([*parts, lp.periods[t]])}]"


def col_name(lp: LpModel, col: int) -> str:
    """`production[PMP-CEN-S,2027-03]`: a variable by its noun, keys and period."""
    b, parts, t = locate(lp, col, rows=False)
    return f"{NOUN[b.name]}[{','.join([*parts, lp.periods[t]])}]"


def bound_name(lp: LpModel, col: int, which: str, lead: dict[str, int]) -> str:
    """Name of the bound `which` (lower|upper) of column `col`; `lead` = material lead times."""
    b, parts, t = locate(lp, col, rows=False)
    period = lp.periods[t]
    last = t == len(lp.periods) - 1
    lower = which == "lower"
    if b.name == "I" and lower and last and lp.col_lower[col] > 0:
        return f"ending_target[{parts[0]}]"
    if b.name == "B" and not lower and last and lp.col_upper[col] == 0:
        return f"clear_backlog_by_end[{','.join(parts)}]"
    if b.name == "P" and not lower and lp.col_upper[col] == 0:
        return f"production_lead_time[{parts[0]},{period}]"
    if b.name == "R" and not lower and t < lead.get(parts[0], 0):
        return f"supplier_lead_time[{parts[0]},{period}]"
    rule = RULE.get((b.name, "upper" if which == "boxed" else which))
    if rule and not (lower and lp.col_lower[col] == 0):
        return f"{rule}[{','.join([*parts, period])}]"
    if lower:
        return f"{NOUN[b.name]}>=0[{','.join([*parts, period])}]"
    return f"{NOUN[b.name]}<={lp.col_upper[col]:g}[{','.join([*parts, period])}]"


def block_names(lp: LpModel, b: Block) -> pl.Series:
    """`family[keys,period]` for every row (or column) of a block, vectorised."""
    n, T = b.n, b.n_periods
    keys = b.keys.select(pl.concat_str(pl.all(), separator=",").alias("k"))["k"]
    ent = keys.gather(pl.Series(range(n)).repeat_by(T).explode()) if n else keys
    per = pl.Series(lp.periods * n, dtype=pl.String) if len(lp.periods) == T else None
    frame = pl.DataFrame({"k": ent}) if per is None else pl.DataFrame({"k": ent, "p": per})
    parts = [pl.col("k")] + ([pl.col("p")] if per is not None else [])
    return frame.select(
        pl.format("{}[{}]", pl.lit(b.name), pl.concat_str(parts, separator=",")).alias("n")
    )["n"]
