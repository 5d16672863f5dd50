"""The peer of the reconcile benchmark: the aggregate plan as an analyst would write it.

    python bench/peer_pulp.py bench/data/plan-200            # prints one JSON line
    python bench/peer_pulp.py bench/data/plan-200 --solver highs

pandas reads the same CSV files and YAML as sopctl; PuLP builds the same LP as
docs/reconcile.md (same variables, bounds, constraints and costs, defaults included) and CBC
solves it. It is the plain cost LP only: no priority stages, no results beyond the objective.
Not part of sopctl; pandas and PuLP are benchmark-only dependencies (pip install -e '.[bench]').

Output (stdout, one JSON line): status, objective, variables, constraints, and the seconds of
each step (imports, reading, building, solving = PuLP writing the model file, CBC, reading the
solution back).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

T_START = time.perf_counter()

import pandas as pd  # noqa: E402
import pulp  # noqa: E402
import yaml  # noqa: E402

T_IMPORTS = time.perf_counter()


def periods(first: str, n: int) -> list[str]:
    year, month = (int(x) for x in first.split("-"))
    out = []
    for k in range(n):
        m = month - 1 + k
        out.append(f"{year + m // 12}-{m % 12 + 1:02d}")
    return out


def num(value: object, default: float) -> float:
    """A cell as a float; empty cells (NaN) give the default."""
    if value is None:
        return default
    v = float(value)  # type: ignore[arg-type]
    return default if math.isnan(v) else v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, help="planning repository (bench/data/plan-*)")
    ap.add_argument("--cycle", default="2026-12")
    ap.add_argument("--solver", choices=["cbc", "highs"], default="cbc")
    ap.add_argument("--time-limit", type=float, default=None, help="solver seconds")
    args = ap.parse_args(argv)
    clock: dict[str, float] = {"imports": T_IMPORTS - T_START}

    # ---------------------------------------------------------------- read
    t0 = time.perf_counter()
    cycle_dir = args.root / "cycles" / args.cycle
    cycle = yaml.safe_load((cycle_dir / "cycle.yaml").read_text())
    charter = yaml.safe_load((args.root / "charters" / f"{cycle['charter']}.yaml").read_text())
    horizon = charter["cadence"]["horizon_periods"]
    ppy = {"month": 12, "week": 52}[charter["cadence"]["bucket"]]
    rate = charter["finance"]["inventory_carrying_rate"]
    TT = periods(cycle["first_period"], horizon)
    T = len(TT)
    segs = {s["id"]: s for s in charter["segments"]}
    inp = cycle_dir / "inputs"
    files = {d["table"]: d["file"] for d in charter["inputs"]}

    def read(table: str) -> pd.DataFrame:
        if table not in files or not (inp / files[table]).exists():
            return pd.DataFrame()
        return pd.read_csv(inp / files[table], dtype={"item": str, "resource": str})

    items = read("items").set_index("item")
    prices = read("prices")
    inv = read("inventory").set_index("item")
    base = read("baseline")
    res = read("resources").set_index("resource")
    cap = read("capacity")
    rout = read("routings")
    bom = read("bom")
    mats = read("materials")
    oo = read("open_orders")
    clock["read"] = time.perf_counter() - t0

    # ---------------------------------------------------------------- parameters
    t0 = time.perf_counter()
    F = sorted(items.index)
    unit_cost = {f: num(items.at[f, "unit_cost"], 0.0) for f in F}
    lead = {f: int(num(items.at[f, "lead_time"], 0.0)) for f in F}
    holding = {
        f: num(items.at[f, "holding_cost"], unit_cost[f] * rate / ppy)
        if "holding_cost" in items
        else unit_cost[f] * rate / ppy
        for f in F
    }
    price = {(f, s): num(items.at[f, "price"], 0.0) for f in F for s in segs}
    for row in prices.itertuples():
        price[row.item, row.segment] = float(row.price)
    on_hand = {f: 0.0 for f in F}
    ss = {f: 0.0 for f in F}
    end_target = {f: 0.0 for f in F}
    ss_pen = {f: 2.0 * holding[f] for f in F}
    for f, row in inv.iterrows():
        on_hand[f] = num(row.get("on_hand"), 0.0)
        ss[f] = num(row.get("safety_stock"), 0.0)
        end_target[f] = num(row.get("ending_target"), 0.0)
        ss_pen[f] = num(row.get("safety_stock_penalty"), 2.0 * holding[f])
    dem = base.groupby(["item", "segment", "period"])["quantity"].sum()
    d: dict[tuple[str, str], list[float]] = {}
    for (f, s, p), q in dem.items():
        if p in TT:
            d.setdefault((f, s), [0.0] * T)[TT.index(p)] += max(float(q), 0.0)
    pairs = [k for k in sorted(d) if sum(d[k]) > 0]

    R = sorted(res.index)
    labour = {r: res.at[r, "kind"] == "labour" for r in R}
    hours = {
        (r, t): num(res.at[r, "hours_per_worker" if labour[r] else "hours"], 0.0)
        for r in R
        for t in range(T)
    }
    ot_limit = {(r, t): num(res.at[r, "overtime_limit"], 0.0) for r in R for t in range(T)}
    for row in cap.itertuples():
        key = (row.resource, TT.index(row.period))
        hours[key] = float(row.hours)
        if not math.isnan(num(row.overtime_limit, math.nan)):
            ot_limit[key] = float(row.overtime_limit)

    def rcol(r: str, col: str, default: float) -> float:
        return num(res.at[r, col], default) if col in res else default

    reg = {r: rcol(r, "regular_cost", 0.0) for r in R}
    otc = {r: rcol(r, "overtime_cost", 0.0) for r in R}
    has_ot = [r for r in R if any(ot_limit[r, t] > 0 for t in range(T))]
    lab = [r for r in R if labour[r]]
    routing = list(rout.itertuples(index=False))
    mat_cost = {m.material: float(m.unit_cost) for m in mats.itertuples()}
    bom_cost = {f: 0.0 for f in F}
    for b in bom.itertuples():
        bom_cost[b.item] += b.quantity_per * mat_cost[b.material]
    M = sorted(mat_cost)
    mrow = mats.set_index("material")
    oo_q = {(m, t): 0.0 for m in M for t in range(T)}
    for o in oo.itertuples():
        oo_q[o.material, TT.index(o.period)] += float(o.quantity)

    # ---------------------------------------------------------------- model
    lp = pulp.LpProblem("aggregate_plan", pulp.LpMinimize)
    ts = range(T)
    P = {
        (f, t): pulp.LpVariable(f"P_{f}_{t}", 0, None if t + lead[f] <= T - 1 else 0)
        for f in F
        for t in ts
    }
    sub = [f for f in F if not math.isnan(num(items.at[f, "subcontract_cost"], math.nan))]
    C = {
        (f, t): pulp.LpVariable(
            f"C_{f}_{t}",
            0,
            None
            if math.isinf(num(items.at[f, "subcontract_limit"], math.inf))
            else num(items.at[f, "subcontract_limit"], 0.0),
        )
        for f in sub
        for t in ts
    }
    Iv = {
        (f, t): pulp.LpVariable(f"I_{f}_{t}", end_target[f] if t == T - 1 else 0)
        for f in F
        for t in ts
    }
    Z = {(f, t): pulp.LpVariable(f"Z_{f}_{t}", 0, ss[f]) for f in F if ss[f] > 0 for t in ts}
    Y = {(f, s, t): pulp.LpVariable(f"Y_{f}_{s}_{t}", 0) for f, s in pairs for t in ts}
    back = [(f, s) for f, s in pairs if segs[s]["shortage_policy"] == "backlog"]
    lost = [(f, s) for f, s in pairs if segs[s]["shortage_policy"] == "lost_sales"]
    B = {
        (f, s, t): pulp.LpVariable(
            f"B_{f}_{s}_{t}",
            0,
            0 if t == T - 1 and segs[s].get("clear_backlog_by_end", False) else None,
        )
        for f, s in back
        for t in ts
    }
    L = {(f, s, t): pulp.LpVariable(f"L_{f}_{s}_{t}", 0, d[f, s][t]) for f, s in lost for t in ts}
    Ov = {
        (r, t): pulp.LpVariable(f"O_{r}_{t}", 0, None if labour[r] else ot_limit[r, t])
        for r in has_ot
        for t in ts
    }

    def lim(r: str, col: str) -> float | None:
        v = rcol(r, col, math.inf)
        return None if math.isinf(v) else v

    W = {
        (r, t): pulp.LpVariable(
            f"W_{r}_{t}", rcol(r, "min_workforce", 0.0), lim(r, "max_workforce")
        )
        for r in lab
        for t in ts
    }
    H = {(r, t): pulp.LpVariable(f"H_{r}_{t}", 0, lim(r, "max_hires")) for r in lab for t in ts}
    Fi = {(r, t): pulp.LpVariable(f"F_{r}_{t}", 0, lim(r, "max_layoffs")) for r in lab for t in ts}
    Rc = {
        (m, t): pulp.LpVariable(
            f"R_{m}_{t}",
            0,
            0
            if t < int(mrow.at[m, "lead_time"])
            else (
                None
                if math.isinf(num(mrow.at[m, "capacity"], math.inf))
                else float(mrow.at[m, "capacity"])
            ),
        )
        for m in M
        for t in ts
    }
    J = {(m, t): pulp.LpVariable(f"J_{m}_{t}", 0) for m in M for t in ts}

    # inventory balance
    ship: dict[tuple[str, int], list[pulp.LpVariable]] = {}
    for (f, _s, t), y in Y.items():
        ship.setdefault((f, t), []).append(y)
    for f in F:
        for t in ts:
            prev = Iv[f, t - 1] if t > 0 else on_hand[f]
            made = P[f, t - lead[f]] if t - lead[f] >= 0 else 0
            bought = C.get((f, t), 0)
            lp += (
                Iv[f, t] == prev + made + bought - pulp.lpSum(ship.get((f, t), [])),
                f"inv_{f}_{t}",
            )
    # demand
    for f, s in back:
        for t in ts:
            prev = B[f, s, t - 1] if t > 0 else 0
            lp += B[f, s, t] == prev + d[f, s][t] - Y[f, s, t], f"dem_{f}_{s}_{t}"
    for f, s in lost:
        for t in ts:
            lp += Y[f, s, t] + L[f, s, t] == d[f, s][t], f"dem_{f}_{s}_{t}"
    # capacity
    load: dict[str, list[tuple[str, float]]] = {r: [] for r in R}
    for rt in routing:
        load[rt.resource].append((rt.item, float(rt.hours_per_unit)))
    for r in R:
        for t in ts:
            used = pulp.lpSum(h * P[f, t] for f, h in load[r])
            avail = hours[r, t] * W[r, t] if labour[r] else hours[r, t]
            extra = Ov.get((r, t), 0)
            lp += used <= avail + extra, f"cap_{r}_{t}"
            if labour[r] and (r, t) in Ov:
                lp += Ov[r, t] <= ot_limit[r, t] * W[r, t], f"otl_{r}_{t}"
    # workforce
    for r in lab:
        for t in ts:
            prev = W[r, t - 1] if t > 0 else rcol(r, "workforce", 0.0)
            lp += W[r, t] == prev + H[r, t] - Fi[r, t], f"wf_{r}_{t}"
    # materials
    use: dict[str, list[tuple[str, float]]] = {m: [] for m in M}
    for b in bom.itertuples():
        use[b.material].append((b.item, float(b.quantity_per)))
    for m in M:
        for t in ts:
            prev = J[m, t - 1] if t > 0 else num(mrow.at[m, "on_hand"], 0.0)
            need = pulp.lpSum(q * P[f, t] for f, q in use[m])
            lp += J[m, t] == prev + Rc[m, t] + oo_q[m, t] - need, f"mat_{m}_{t}"
    # safety stock (soft)
    for f, t in Z:
        lp += Iv[f, t] + Z[f, t] >= ss[f], f"ss_{f}_{t}"

    # costs
    reg_unit = {f: 0.0 for f in F}
    for rt in routing:
        if not labour[rt.resource]:
            reg_unit[rt.item] += rt.hours_per_unit * reg[rt.resource]
    cost = []
    cost += [(max(unit_cost[f] - bom_cost[f], 0.0) + reg_unit[f]) * v for (f, _), v in P.items()]
    cost += [num(items.at[f, "subcontract_cost"], 0.0) * v for (f, _), v in C.items()]
    cost += [holding[f] * v for (f, _), v in Iv.items()]
    cost += [ss_pen[f] * v for (f, _), v in Z.items()]
    cost += [
        (segs[s]["shortage_penalty"] + (price[f, s] if t == T - 1 else 0.0)) * v
        for (f, s, t), v in B.items()
    ]
    cost += [(segs[s]["shortage_penalty"] + price[f, s]) * v for (f, s, _), v in L.items()]
    cost += [
        (otc[r] if labour[r] else max(otc[r], reg[r]) - reg[r]) * v for (r, _), v in Ov.items()
    ]
    cost += [reg[r] * hours[r, t] * v for (r, t), v in W.items()]
    cost += [rcol(r, "hire_cost", 0.0) * v for (r, _), v in H.items()]
    cost += [rcol(r, "layoff_cost", 0.0) * v for (r, _), v in Fi.items()]
    cost += [mat_cost[m] * v for (m, _), v in Rc.items()]
    cost += [mat_cost[m] * rate / ppy * v for (m, _), v in J.items()]
    lp += pulp.lpSum(cost)
    clock["build"] = time.perf_counter() - t0

    # ---------------------------------------------------------------- solve
    t0 = time.perf_counter()
    if args.solver == "cbc":
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=args.time_limit)
    else:
        solver = pulp.HiGHS(msg=False, timeLimit=args.time_limit)
    lp.solve(solver)
    clock["solve"] = time.perf_counter() - t0
    status = pulp.LpStatus[lp.status]
    objective = pulp.value(lp.objective)
    clock["total"] = time.perf_counter() - T_START
    out = {
        "status": status,
        "objective": objective,
        "solver": args.solver,
        "variables": len(lp.variables()),
        "constraints": len(lp.constraints),
        "timings": clock,
    }
    sys.stdout.write(json.dumps(out) + "\n")
    return 0 if status == "Optimal" else 1


if __name__ == "__main__":
    sys.exit(main())
