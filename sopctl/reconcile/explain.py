"""Exceptions of a solved plan, the shadow prices behind them and who they escalate to.

Sign convention: `shadow_price` is the money saved by ONE MORE UNIT of the constraint's
right-hand side or bound, in the charter's currency: one more hour of capacity[line-a,2027-03]
"saves 41.20 EUR"; one more unit of a supplier's capacity or a subcontract limit saves its
value; one more unit of a lower limit (safety stock, ending target, min workforce) or of demand
gives a negative number: it costs that much. A limit's price is what one more unit of it saves,
exact or, where marked `price_bound`, its dual, an upper bound of that (prices.py); an item's own
row is priced by its dual (HiGHS reports d cost / d bound; we negate it).

Exceptions (one row each) and their value at stake, in money:
- `shortage`: demand of period t not shipped in t. Lost-sales segment: the lost units, value
  units x (price + shortage penalty). Backlog segment: the period's units still open at its end
  (FIFO: min(demand, backlog)), value units x penalty; in the last period every open unit
  counts (it is not delivered within the plan), value units x (price + penalty).
- `late_delivery`: backlog open at the end of a period, value units x penalty.
- `safety_stock`: stock below safety stock, value units x safety-stock penalty.
- `overload` (exceptions.py): the sum of the values of the item exceptions above bound by its
  limit, or by a limit of its resource whose hours would be used then (0 when it causes none).
The binding constraint of an item's exception is the limit that relieves it, else its lead
time, else its own demand (or safety-stock) row with the cost trade-off in words: cause.py.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..results import DECIMALS as FILE_DECIMALS
from .cause import margins, relieving, sentences
from .data import FloatArr, PlanData
from .lp import Block, LpModel, at_upper
from .names import block_names
from .prices import BoolArr, saving
from .solve import Solution

TOL = 1e-7
# An item exception is a quantity the result files show: at least half their last decimal
# (0.00005 units). Less is solver residue, e.g. the 1e-6 a priority stage's hold leaves.
SHOWN = 0.5 * 10.0**-FILE_DECIMALS
_ID_TYPES = {"s": pl.Int64, "f": pl.Int64, "k": pl.Int64, "t": pl.Int64, "fb_name": pl.String}
OVERLOAD_AT = 0.999
EXC_SCHEMA = {
    "kind": pl.String,
    "item": pl.String,
    "segment": pl.String,
    "resource": pl.String,
    "material": pl.String,
    "period": pl.String,
    "quantity": pl.Float64,
    "value": pl.Float64,
    "binding_constraint": pl.String,
    "shadow_price": pl.Float64,
    # the cost trade-off in words (cause.py); not a column of exceptions.csv: the message says it
    "cause": pl.String,
    # the price is the dual, an upper bound of what one more unit saves (prices.py); not a
    # column of exceptions.csv either: the message says 'saves at most'
    "price_bound": pl.Boolean,
}


def saving_at_upper(
    lp: LpModel, b: Block, x: FloatArr, saving: FloatArr
) -> tuple[FloatArr, FloatArr]:
    """(n, T) what one more unit of upper bound saves (`saving`: per column, prices.Savings)
    where the bound binds, else 0; and the bound."""
    up, xv, dv = b.grid(lp.col_upper), b.grid(x), b.grid(saving)
    hit = at_upper(xv, up) & (dv > TOL)
    return np.where(hit, dv, 0.0), up


def _grid_frame(
    lp: LpModel, b: Block, value: FloatArr, name: pl.Series | str, bound: BoolArr | None = None
) -> pl.DataFrame:
    """The block's entries that save money (`value` > 0) with their names; `bound`: where the
    value is an upper bound of the saving (prices.Savings), not exact."""
    n, T = b.n, b.n_periods
    names = block_names(lp, b) if isinstance(name, str) and name == b.name else None
    if names is None:
        keys = b.keys.select(pl.concat_str(pl.all(), separator=",").alias("k"))["k"]
        lab = keys.gather(pl.Series(range(n)).repeat_by(T).explode()) if n else keys
        names = pl.DataFrame({"k": lab, "p": lp.periods * n, "r": name}).select(
            pl.format("{}[{},{}]", pl.col("r"), "k", "p").alias("n")
        )["n"]
    return pl.DataFrame(
        {
            "ent": np.repeat(b.ent, T),
            "t": np.tile(np.arange(T), n),
            "shadow": value.reshape(-1),
            "name": names,
            "bound": np.zeros(n * T, dtype=bool) if bound is None else bound.reshape(-1),
        },
        schema={
            "ent": pl.Int64,
            "t": pl.Int64,
            "shadow": pl.Float64,
            "name": pl.String,
            "bound": pl.Boolean,
        },
    ).filter(pl.col("shadow") > TOL)


def _candidates(d: PlanData, lp: LpModel, sol: Solution) -> pl.DataFrame:
    """Per item: constraints whose relaxation would save money, with saving per item unit."""
    sv = saving(sol)
    assert sol.x is not None and sv is not None
    x, cd, T = sol.x, sv.col, d.T
    cap = lp.rows["capacity"]
    route = pl.DataFrame({"f": d.rt_item, "ent": d.rt_res, "h": d.rt_hours})
    bom = pl.DataFrame({"f": d.bom_item, "ent": d.bom_mat, "h": d.bom_qty})
    lt = pl.DataFrame({"f": np.arange(len(d.items)), "lt": d.lead_time})
    parts: list[pl.DataFrame] = []

    def add(
        frame: pl.DataFrame, via: pl.DataFrame, col: str, per_worker: bool = False, kind: str = "P"
    ) -> None:
        j = frame.join(via, on="ent").join(lt, on="f")
        scale = pl.col("h")
        if per_worker:
            hpw = pl.DataFrame(
                {
                    "ent": np.repeat(np.arange(len(d.resources)), T),
                    "t": np.tile(np.arange(T), len(d.resources)),
                    "hpw": d.res.hours.reshape(-1),
                }
            )
            j = j.join(hpw, on=["ent", "t"]).filter(pl.col("hpw") > 0)
            scale = pl.col("h") / pl.col("hpw")
        parts.append(
            j.select(
                "f",
                (pl.col("t") + pl.col("lt")).alias("eff"),
                pl.col("t").alias("tp"),
                pl.lit(kind).alias("kind"),
                "name",
                "shadow",
                (pl.col("shadow") * scale).alias("saving"),
                pl.lit(col).alias("via"),
                "ent",
                "bound",
            )
        )

    def col_frame(b: Block, value: FloatArr, name: str) -> pl.DataFrame:
        return _grid_frame(lp, b, value, name, b.grid(sv.col_bound))

    add(
        _grid_frame(lp, cap, cap.grid(sv.row), "capacity", cap.grid(sv.row_bound)),
        route,
        "resource",
    )
    ob = lp.cols["O"]
    fixed_o = saving_at_upper(lp, ob, x, cd)[0] * (~d.res.labour[ob.ent])[:, None]
    add(col_frame(ob, fixed_o, "overtime_limit"), route, "resource")
    for blk, rule in (("W", "max_workforce"), ("H", "max_hires")):
        b = lp.cols[blk]
        sav = saving_at_upper(lp, b, x, cd)[0]
        add(col_frame(b, sav, rule), route, "resource", True, "H" if blk == "H" else "P")
    rb = lp.cols["R"]
    sav, _ = saving_at_upper(lp, rb, x, cd)
    inside = np.arange(T)[None, :] < d.mat.lead[:, None]
    rf = pl.concat(
        [
            col_frame(rb, np.where(inside, 0.0, sav), "supplier_capacity"),
            col_frame(rb, np.where(inside, sav, 0.0), "supplier_lead_time"),
        ]
    )
    add(rf, bom, "material")
    cb = lp.cols["C"]
    sub = col_frame(cb, saving_at_upper(lp, cb, x, cd)[0], "subcontract_limit")
    parts.append(
        sub.select(
            pl.col("ent").alias("f"),
            pl.col("t").alias("eff"),
            pl.col("t").alias("tp"),
            pl.lit("C").alias("kind"),
            "name",
            "shadow",
            pl.col("shadow").alias("saving"),
            pl.lit("item").alias("via"),
            "ent",
            "bound",
        )
    )
    return pl.concat(parts).filter(pl.col("saving") > TOL)


def item_exceptions(d: PlanData, lp: LpModel, sol: Solution) -> pl.DataFrame:
    assert sol.x is not None and sol.row_dual is not None and sol.col_dual is not None
    x, cd, T = sol.x, sol.col_dual, d.T
    pairs = lp.pairs
    pf, ps = pairs["f"].to_numpy(), pairs["s"].to_numpy()
    back = pairs["backlog"].to_numpy().astype(bool)
    kb, kl = np.flatnonzero(back), np.flatnonzero(~back)
    dem_names = block_names(lp, lp.rows["demand"])
    y_dem = lp.rows["demand"].grid(sol.row_dual)
    d_ship = lp.cols["Y"].grid(cd)  # shipping one more unit of a pair (block rows = pairs)
    frames = []

    def grab(
        kind: str,
        k: np.ndarray,
        qty: FloatArr,
        unit_value: FloatArr,
        gap: FloatArr,
        bound: FloatArr,
    ) -> None:
        kk, tt = np.nonzero(qty >= SHOWN)
        pk = k[kk]
        frames.append(
            pl.DataFrame(
                {
                    "kind": pl.Series([kind] * pk.size, dtype=pl.String),
                    "f": pf[pk],
                    "s": ps[pk],
                    "k": pk,
                    "t": tt,
                    "quantity": qty[kk, tt],
                    "value": qty[kk, tt] * unit_value[kk, tt],
                    "unit_value": unit_value[kk, tt],
                    "gap": gap[kk, tt],
                    "fb_name": dem_names.gather(pk * T + tt),
                    "fb_shadow": -(y_dem[pk, tt] + bound[kk, tt]),
                },
                schema_overrides=_ID_TYPES,
            )
        )

    price = d.seg_price[pf, ps]  # (K, T)
    pen = np.repeat(d.seg_penalty[ps][:, None], T, axis=1)
    d_lost = lp.cols["L"].grid(cd)
    # the price of the demand input: its row and, where every unit is lost, the bound L <= d
    at_d = np.minimum(d_lost, 0.0)
    lost_gap = d_ship[kl] - d_lost  # ship one more instead of losing it
    grab("shortage", kl, lp.cols["L"].grid(x), price[kl] + pen[kl], lost_gap, at_d)
    open_b = lp.cols["B"].grid(x)
    new_b = np.minimum(d.demand[pf[kb], ps[kb], :], open_b)
    new_b[:, T - 1] = open_b[:, T - 1]
    end_value = pen[kb].copy()
    end_value[:, T - 1] += price[kb, T - 1]
    no_bound = np.zeros_like(open_b)
    grab("shortage", kb, new_b, end_value, d_ship[kb], no_bound)
    grab("late_delivery", kb, open_b, pen[kb], d_ship[kb], no_bound)
    zb = lp.cols["Z"]
    z = zb.grid(x)
    zz, zt = np.nonzero(z >= SHOWN)
    ss_names = block_names(lp, lp.rows["safety_stock"])
    # the price of the safety-stock input: its row and, where all of it is missing, the bound
    # Z <= safety stock; a breach costs its penalty, whatever the row's dual alone says
    d_short = zb.grid(cd)
    ss_shadow = -(lp.rows["safety_stock"].grid(sol.row_dual) + np.minimum(d_short, 0.0))
    keep_gap = lp.cols["I"].grid(cd)[zb.ent] - d_short  # keep one more instead of the gap
    pen_z = d.ss_penalty[zb.ent[zz]]
    frames.append(
        pl.DataFrame(
            {
                "kind": pl.Series(["safety_stock"] * zz.size, dtype=pl.String),
                "f": zb.ent[zz],
                "s": np.full(zz.size, -1),
                "k": np.full(zz.size, -1),
                "t": zt,
                "quantity": z[zz, zt],
                "value": z[zz, zt] * pen_z,
                "unit_value": pen_z,
                "gap": keep_gap[zz, zt],
                "fb_name": ss_names.gather(zz * T + zt),
                "fb_shadow": ss_shadow[zz, zt],
            },
            schema_overrides=_ID_TYPES,
        )
    )
    out = pl.concat(frames).with_row_index("id")
    lt_of = pl.col("f").replace_strict(dict(enumerate(d.lead_time.tolist())), return_dtype=pl.Int64)
    out = out.with_columns(free=pl.col("unit_value") <= TOL, lt=lt_of)
    m = margins(d, lp, sol)
    best = relieving(out, _candidates(d, lp, sol), d, m)
    out = out.join(best, on="id", how="left", maintain_order="left")
    # no limit relieves it: nothing new arrives by then (no production inside the lead time,
    # no subcontract), or shorting is the cheaper choice
    reach = np.isfinite(m.best_src[out["f"].to_numpy(), out["t"].to_numpy()])
    out = out.with_columns(reach=pl.Series(reach, dtype=pl.Boolean))
    lead = (pl.col("t") < pl.col("lt")) & ~pl.col("reach") & pl.col("bind_name").is_null()
    out = out.with_columns(lead=lead, own=pl.col("bind_name").is_null() & ~lead)
    out = out.with_columns(cause=sentences(out, d, m, y_dem))
    lead_name = pl.format(
        "production_lead_time[{}]",
        pl.col("f").replace_strict(dict(enumerate(d.items)), return_dtype=pl.String),
    )
    items = dict(enumerate(d.items))
    segs = dict(enumerate(d.segments))
    pers = dict(enumerate(d.periods))
    return out.select(
        "kind",
        pl.col("f").replace_strict(items, return_dtype=pl.String).alias("item"),
        pl.col("s").replace_strict(segs, default=None, return_dtype=pl.String).alias("segment"),
        pl.col("bind_resource").alias("resource"),
        pl.col("bind_material").alias("material"),
        pl.col("t").replace_strict(pers, return_dtype=pl.String).alias("period"),
        "quantity",
        "value",
        pl.coalesce("bind_name", pl.when(~pl.col("lead")).then("fb_name"), lead_name).alias(
            "binding_constraint"
        ),
        # an exception that costs nothing is priced 0 by its own row, whatever that row's dual
        # says (in a plan solved in priority stages it carries the held levels' price)
        pl.when(pl.col("free") & pl.col("own"))
        .then(0.0)
        .otherwise(pl.coalesce("bind_shadow", pl.when(~pl.col("lead")).then("fb_shadow")))
        .alias("shadow_price"),
        "cause",
        (pl.col("bind_name").is_not_null() & pl.col("bind_bound").fill_null(False)).alias(
            "price_bound"
        ),
        "bind_from",  # the periods a resource's limit adds hours to: exceptions.caused_value
        "bind_to",
    )
