"""Why an item's exception happens: the limit that relieves it, or a cost trade-off.

Read from the optimal duals (HiGHS: reduced cost d = c - A'y; `lam` below is the money saved by
one more unit of an item in stock, the negated dual of its inventory balance):

- The exception's *gap* is what removing one unit of it costs beyond what it saves, given one
  more unit of the item in stock in its period: a lost sale, the reduced cost of shipping it
  less that of losing it (lam - price - penalty outside priority stages); a backlog row, the
  reduced cost of shipping to the segment; a safety-stock breach, that of keeping one more
  unit less that of the shortfall (holding + lam[t] - lam[t+1] - penalty). 0: at the margin.
- Stock reaches period t from an arrival in period a when every period in between carries it at
  the margin: holding + lam[tau] - lam[tau+1], less the penalty where the safety stock is
  breached (one more unit kept saves it), is 0. A period that carries at a loss cuts the
  chain: a limit before it does not relieve exceptions after it.
- A limit (capacity, overtime, workforce, hires, supplier, subcontract) at period t' with a
  saving of r per unit of the item *relieves* the exception when its unit arrives by t
  (t' + lead time, or t' for a subcontract), the chain from there to t is open, and
  gap + d[production at t'] <= r: with that limit's price gone, reducing the exception would
  pay. A hire persists: production at any period from t' on counts. Of the limits that relieve
  it, the one saving most per unit is named (ties: the later, then the name).
- None: `production_lead_time[item]` when nothing started inside the horizon arrives by t;
  else the exception is a cost trade-off, bound by its own row, and `cause` says so in money:
  what a unit short (or left open) costs against what making one costs, or what keeping the
  safety stock costs against its penalty. A safety-stock breach bound by a limit gets that
  sentence too when keeping costs at least half a cent more than the penalty (raising the
  penalty is then the other way to make it binding).
- An exception that costs nothing (price and penalty 0, safety_stock_penalty 0) is bound by its
  own row at a price of 0 whatever binds elsewhere: nothing needs relieving.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from .data import FloatArr, IntArr, PlanData
from .lp import LpModel, at_upper
from .solve import Solution

INF = float("inf")
CENT = 0.005  # a difference the two decimals of a message can show


def _tol(scale: FloatArr) -> FloatArr:
    """Dual values agree to HiGHS's tolerances, relative to the money involved."""
    return np.asarray(1e-6 * np.maximum(1.0, np.abs(scale)), dtype=np.float64)


@dataclass(frozen=True)
class Margins:
    """Item x period arrays of a solved plan's marginal costs."""

    lam: FloatArr  # value of one more unit in stock
    d_prod: FloatArr  # reduced cost of starting production (inf where it may not start)
    first_open: IntArr  # the earliest arrival period from which stock reaches t at the margin
    best_src: FloatArr  # least reduced cost of a source whose unit reaches t (inf: none)


def margins(d: PlanData, lp: LpModel, sol: Solution) -> Margins:
    assert sol.x is not None and sol.row_dual is not None and sol.col_dual is not None
    x, cd, T, F = sol.x, sol.col_dual, d.T, len(d.items)
    lam = -lp.rows["inventory_balance"].grid(sol.row_dual)
    pb = lp.cols["P"]
    d_prod = np.where(pb.grid(lp.col_upper) > 0, pb.grid(cd), INF)
    carry = lp.cols["I"].grid(cd).copy()  # + safety-stock dual - penalty where breached
    zb = lp.cols["Z"]
    sigma = lp.rows["safety_stock"].grid(sol.row_dual)
    breached = zb.grid(x) > 1e-9
    carry[zb.ent] += sigma - np.where(breached, d.ss_penalty[zb.ent, None], 0.0)
    open_ = carry[:, :-1] <= _tol(lam[:, :-1])  # period tau carries to tau + 1 at the margin
    arrive = np.full((F, T), INF)  # least reduced cost of a unit arriving in t
    for lt in np.unique(d.lead_time[d.lead_time < T]).tolist():
        fs = np.flatnonzero(d.lead_time == lt)
        arrive[fs, lt:] = d_prod[fs, : T - lt]
    cb = lp.cols["C"]
    if cb.n:
        dc = np.where(at_upper(cb.grid(x), cb.grid(lp.col_upper)), INF, cb.grid(cd))
        arrive[cb.ent] = np.minimum(arrive[cb.ent], dc)
    first_open = np.zeros((F, T), dtype=np.int64)
    best = arrive.copy()
    for t in range(1, T):
        ok = open_[:, t - 1]
        first_open[:, t] = np.where(ok, first_open[:, t - 1], t)
        best[:, t] = np.minimum(arrive[:, t], np.where(ok, best[:, t - 1], INF))
    return Margins(lam, d_prod, first_open, best)


def _range_min(a: FloatArr, f: IntArr, lo: IntArr, hi: IntArr) -> FloatArr:
    """min(a[f, lo..hi]) per entry (inf where lo > hi), by a sparse table over the periods."""
    T = a.shape[1]
    levels = [a]
    while (1 << len(levels)) <= T:
        prev, step = levels[-1], 1 << (len(levels) - 1)
        levels.append(np.minimum(prev[:, :-step], prev[:, step:]))
    out = np.full(f.size, INF)
    ok = lo <= hi
    if ok.any():
        n = (hi[ok] - lo[ok] + 1).astype(np.int64)
        k = np.floor(np.log2(n)).astype(np.int64)
        fo, lo_, hi_ = f[ok], lo[ok], hi[ok]
        res = np.empty(n.size)
        for level in np.unique(k):
            s = k == level
            tab = levels[int(level)]
            right = hi_[s] - (1 << int(level)) + 1
            res[s] = np.minimum(tab[fo[s], lo_[s]], tab[fo[s], right])
        out[ok] = res
    return out


def relieving(rows: pl.DataFrame, cands: pl.DataFrame, d: PlanData, m: Margins) -> pl.DataFrame:
    """For each exception row (id, f, t, gap, free): the limit that relieves it, if any, and
    for a resource's limit the periods its hours would be used in (`bind_from`..`bind_to`)."""
    j = (
        rows.filter(~pl.col("free"))
        .select("id", "f", "t", "gap")
        .join(cands, on="f")
        .filter(pl.col("eff") <= pl.col("t"))
    )
    f, t = j["f"].to_numpy(), j["t"].to_numpy()
    tp, eff = j["tp"].to_numpy(), j["eff"].to_numpy()
    first = m.first_open[f, t]
    kind = j["kind"].to_numpy()
    lt = d.lead_time[f]
    # the source's reduced cost counting the limit's price: a subcontract at its limit is at
    # the margin once that price is counted (its reduced cost is minus the saving)
    src = np.where(kind == "C", 0.0, m.d_prod[f, tp])
    hire = kind == "H"
    # the periods whose hours the limit adds to: its own, or for a hire those it works in
    # that reach t at the margin (exceptions.py counts the exception toward an overload there)
    used_from, used_to = tp.copy(), tp.copy()
    if hire.any():  # a hire's hours last: production at any period from t' on, reaching t
        lo = np.maximum(tp[hire], first[hire] - lt[hire])
        src[hire] = _range_min(m.d_prod, f[hire], lo, t[hire] - lt[hire])
        used_from[hire], used_to[hire] = lo, t[hire] - lt[hire]
    reach = (eff >= first) | hire
    gap = j["gap"].to_numpy()
    saving = j["saving"].to_numpy()
    ok = reach & (gap + src <= saving + _tol(m.lam[f, t]))
    best = (
        j.with_columns(used_from=used_from, used_to=used_to)
        .filter(pl.Series(ok))
        .sort(["id", "saving", "eff", "name"], descending=[False, True, True, False])
        .group_by("id", maintain_order=True)
        .first()
    )
    return best.select(
        "id",
        pl.col("name").alias("bind_name"),
        pl.col("shadow").alias("bind_shadow"),
        pl.col("bound").alias("bind_bound"),
        pl.when(pl.col("via") == "resource")
        .then(pl.col("name").str.extract(r"\[([^,\]]+)"))
        .alias("bind_resource"),
        pl.when(pl.col("via") == "material")
        .then(pl.col("name").str.extract(r"\[([^,\]]+)"))
        .alias("bind_material"),
        pl.when(pl.col("via") == "resource").then("used_from").alias("bind_from"),
        pl.when(pl.col("via") == "resource").then("used_to").alias("bind_to"),
    )


def _money(v: float, currency: str) -> str:
    return f"{v:,.2f} {currency}"


def sentences(rows: pl.DataFrame, d: PlanData, m: Margins, y_dem: FloatArr) -> pl.Series:
    """The cost trade-off of each row in words (null where there is none to say): a row bound
    by its own row (`own`) always says it; a safety-stock breach bound by a limit says it too
    when keeping the unit costs at least half a cent more than the penalty; a row that costs
    nothing (`free`), is bound by the lead time (`lead`) or is a shortage bound by a limit
    says nothing more than its binding constraint."""
    f, t = rows["f"].to_numpy(), rows["t"].to_numpy()
    src = m.best_src[f, t]
    extra = rows["gap"].to_numpy() + np.where(np.isfinite(src), src, 0.0)
    ss = (rows["kind"] == "safety_stock").to_numpy()
    own = rows["own"].to_numpy()
    say = ~rows["free"].to_numpy() & ~rows["lead"].to_numpy() & (own | (ss & (extra >= CENT)))
    out: list[str | None] = [None] * rows.height
    for i in np.flatnonzero(say).tolist():
        out[i] = _sentence(rows.row(i, named=True), d, m, float(extra[i]), y_dem)
    return pl.Series("cause", out, dtype=pl.String)


def _sentence(r: dict[str, Any], d: PlanData, m: Margins, extra: float, y_dem: FloatArr) -> str:
    cur, f, t, s = d.currency, r["f"], r["t"], r["s"]
    period = d.periods[t]
    if r["kind"] == "safety_stock":
        p = float(d.ss_penalty[f])
        than = "more than" if extra >= CENT else "as much as"
        return (
            f"keeping the safety stock costs {_money(p + extra, cur)} per unit-period, {than} "
            f"its penalty of {_money(p, cur)}: raise safety_stock_penalty to make it binding"
        )
    lam, src = float(m.lam[f, t]), float(m.best_src[f, t])
    if np.isfinite(src):
        make = f"making one costs {_money(lam + src, cur)}"
        unit = float(d.unit_cost[f, t])
        if abs(lam + src - unit) >= CENT:
            make += f" (unit cost {unit:,.2f})"
    else:  # nothing made or bought can reach the period at the margin
        make = f"a unit in stock in {period} is worth {_money(lam, cur)} to the plan"
    pen = float(d.seg_penalty[s])
    if d.seg_backlog[s]:
        return (
            f"not worth making now: leaving a unit open from {period} costs "
            f"{_money(float(y_dem[r['k'], t]), cur)} (penalty {pen:,.2f} a period until it "
            f"ships), {make}"
        )
    price = float(d.seg_price[f, s, t])
    return (
        f"not worth making: a unit short costs {_money(price + pen, cur)} (price {price:,.2f} "
        f"+ penalty {pen:,.2f}), {make}"
    )
