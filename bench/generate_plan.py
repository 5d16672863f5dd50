"""Write synthetic planning repositories for the reconcile benchmarks under bench/data/.

    python bench/generate_plan.py                   # every size that is not there yet
    python bench/generate_plan.py --only plan-1k --force

Sizes (items x periods x resources): plan-200 (200 x 24 x 20, "typical S&OP"), plan-1k
(1,000 x 24 x 50) and plan-10k (10,000 x 24 x 200). Deterministic: fixed seed per size.

Every repository has one charter (3 segments: key, standard, spot with priorities 1..3, shortage
policies backlog / backlog / lost_sales) and cycle 2026-12 with first period 2027-01, monthly,
horizon 24. The demand source is a supplied baseline.csv (no history, no pipeline), so
`sopctl demand` only copies it and the statistical forecast is not part of what is measured.

* items: unit cost lognormal, production lead time 0-2, a holding cost on half of them (the
  others use the charter's carrying rate), subcontracting on 15 %; the price is the unit cost
  plus the routed hours at their regular cost, times 1.35-1.9; prices.csv gives 25 % of the items
  a key-account premium (+5 %) and 25 % a spot discount (-10 %).
* demand: every item in 1-3 segments (key 45 %, standard 80 %, spot 65 %), a level per series
  (lognormal), a yearly season of +-25 % that peaks in June/July (shifted by up to a month per
  family) and gamma noise.
* resources: 80 % fixed (hours), 20 % labour pools (160 h per worker). Routings: 1-3 resources
  per item, the first a fixed one. Capacity: regular hours (fixed) or starting workforce x 160
  (labour) = 85-105 % of the resource's load in its peak month, so peak months cannot be made
  in regular time and stock must be built ahead. Overtime on 70 % of the fixed resources (10 %
  of the hours) and on every labour pool (16 h per worker); capacity.csv cuts the hours in a
  maintenance month (50 %) for 30 % of the fixed resources and in December (80 %) for half.
  Labour pools have hiring and layoff costs and, for half of them, hiring limits and a
  workforce band.
* materials: items / 10 materials from items / 40 suppliers, lead time 0-3, bought by 60 % of
  the items (1-2 each, 30-50 % of the unit cost); supplier capacity on 60 % of them at 85-115 %
  of the peak need; open orders cover the periods inside the supplier lead time.
* inventory: on hand = the demand of the first lead time + 1 periods x 1.0-1.3 plus the safety
  stock; safety stock = half a month of demand on 80 % of the items; ending target = safety
  stock on 70 %; an explicit safety-stock penalty on 20 %.

After writing, each repository is checked: `sopctl validate --format json` must report no
findings, `sopctl demand` writes the demand view (so `sopctl reconcile` reuses it, as after the
Signal step), and `sopctl reconcile --dry-run --format json --export-mps <root>/plan.mps` must
solve to optimal (its solver runs, objective and service levels go to the repository's
.generated.json). When it takes longer than --check-timeout seconds (plan-10k) it is stopped
and the exported cost LP is solved with HiGHS dual simplex instead, which must find it optimal.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
from generate import check_clean, sopctl_command

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20261224
MARKER = ".generated.json"

CHARTER_NAME = "plant"
CYCLE_ID = "2026-12"
FIRST_YEAR, FIRST_MONTH = 2027, 1
T = 24
SEGMENTS = (
    # id, priority, policy, penalty, service-level target, share of items in it
    ("key", 1, "backlog", 25.0, 0.98, 0.45),
    ("standard", 2, "backlog", 10.0, 0.95, 0.80),
    ("spot", 3, "lost_sales", 5.0, 0.90, 0.65),
)
FAMILIES = ("pumps", "valves", "seals", "motors", "filters", "hoses", "fittings", "gauges")
HOURS_PER_WORKER = 160.0

# name -> (items, resources)
SIZES: dict[str, tuple[int, int]] = {
    "plan-200": (200, 20),
    "plan-1k": (1_000, 50),
    "plan-10k": (10_000, 200),
}


def periods() -> list[str]:
    out = []
    for k in range(T):
        m = FIRST_MONTH - 1 + k
        out.append(f"{FIRST_YEAR + m // 12}-{m % 12 + 1:02d}")
    return out


def charter() -> str:
    segs = "\n".join(
        f"  - id: {s}\n    priority: {p}\n    service_level_target: {sl}\n"
        f"    shortage_policy: {pol}\n    shortage_penalty: {pen:g}"
        for s, p, pol, pen, sl, _ in SEGMENTS
    )
    return f"""\
version: 1
organisation:
  name: Plant (reconcile benchmark)
  description: Synthetic planning repository written by bench/generate_plan.py
cadence:
  bucket: month
  horizon_periods: {T}
  frozen_periods: 1
  demand_refresh: {{every: 1, unit: month}}
  executive_commit: {{every: 1, unit: month}}
calendar:
  signal: 5
  reconcile: 10
  commit: 15
roles:
  - id: sales_lead
    title: Head of Sales
    members: [sam@plant.example]
  - id: ops_lead
    title: Head of Operations
    members: [olga@plant.example]
  - id: demand_planner
    title: Demand Planner
    members: [dana@plant.example]
  - id: buyer
    title: Purchasing
    members: [bea@plant.example]
  - id: cfo
    title: Chief Financial Officer
    members: [carl@plant.example]
decision_rights:
  override_demand: [sales_lead, demand_planner]
  approve_capacity_change: [ops_lead]
  approve_frozen_change: [ops_lead]
  sign_off_plan: [sales_lead, ops_lead, cfo]
approvals:
  required_roles: [sales_lead, ops_lead, cfo]
  quorum: 2
inputs:
  - {{file: baseline.csv, table: baseline, owner: demand_planner, due: signal}}
  - {{file: items.csv, table: items, owner: ops_lead, due: reconcile}}
  - {{file: prices.csv, table: prices, owner: sales_lead, due: reconcile}}
  - {{file: resources.csv, table: resources, owner: ops_lead, due: reconcile}}
  - {{file: capacity.csv, table: capacity, owner: ops_lead, due: reconcile}}
  - {{file: routings.csv, table: routings, owner: ops_lead, due: reconcile}}
  - {{file: inventory.csv, table: inventory, owner: ops_lead, due: reconcile}}
  - {{file: bom.csv, table: bom, owner: ops_lead, due: reconcile}}
  - {{file: materials.csv, table: materials, owner: buyer, due: reconcile}}
  - {{file: open_orders.csv, table: open_orders, owner: buyer, due: reconcile}}
metrics:
  - {{name: service_level, target: 0.95, tolerance: 0.02, owner: ops_lead}}
segments:
{segs}
forecast:
  default_method: auto
escalation:
  - {{exception: shortage, segment: key, to: sales_lead}}
  - {{exception: overload, min_value: 1000, to: ops_lead}}
  - {{exception: any, to: ops_lead}}
finance:
  currency: EUR
  dso_days: 45
  dpo_days: 30
  inventory_carrying_rate: 0.2
"""


CYCLE = f"""\
id: {CYCLE_ID}
charter: {CHARTER_NAME}
first_period: {FIRST_YEAR}-{FIRST_MONTH:02d}
status: draft
assumptions:
  - id: A1
    text: Synthetic reconcile benchmark cycle.
    owner: ops_lead
scenarios:
  - id: base
    description: Plan as submitted
"""


def _ids(prefix: str, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _opt(values: np.ndarray, mask: np.ndarray) -> pl.Series:
    """A float column that is empty where mask is False."""
    return pl.Series(np.where(mask, values, np.nan)).fill_nan(None)


def build(root: Path, n_items: int, n_res: int, seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    F, R, S = n_items, n_res, len(SEGMENTS)
    labels = periods()
    items = _ids("I-", F, 5)
    family = rng.integers(0, len(FAMILIES), F)

    # ---- resources: fixed first, then labour pools
    n_lab = max(1, R // 5)
    n_fix = R - n_lab
    resources = _ids("R-", R, 3)
    labour = np.arange(R) >= n_fix
    reg_cost = np.where(labour, rng.uniform(18, 30, R), rng.uniform(20, 60, R))
    has_reg = labour | (rng.random(R) < 0.6)  # 40 % of fixed resources have no hourly cost
    ot_cost = np.round(np.where(has_reg, reg_cost, rng.uniform(20, 60, R)) * 1.5, 2)
    reg_cost = np.round(reg_cost, 2)

    # ---- routings: 1-3 resources per item, the first a fixed one
    n_rt = rng.choice([1, 2, 3], F, p=[0.3, 0.4, 0.3])
    rt_f: list[int] = []
    rt_r: list[int] = []
    for f in range(F):
        first = f % n_fix if f < n_fix else int(rng.integers(0, n_fix))
        others = rng.choice(np.delete(np.arange(R), first), n_rt[f] - 1, replace=False)
        for r in (first, *others.tolist()):
            rt_f.append(f)
            rt_r.append(int(r))
    rf, rr = np.array(rt_f), np.array(rt_r)
    hpu = np.round(
        np.where(labour[rr], rng.uniform(0.02, 0.3, rr.size), rng.uniform(0.05, 0.8, rr.size)), 3
    )

    # ---- items
    unit_cost = np.round(rng.lognormal(3.0, 0.7, F), 2)
    hour_cost = np.bincount(rf, weights=hpu * np.where(has_reg[rr], reg_cost[rr], 0.0), minlength=F)
    price = np.round((unit_cost + hour_cost) * rng.uniform(1.35, 1.9, F), 2)
    lead = rng.choice([0, 1, 2], F, p=[0.5, 0.35, 0.15])
    has_hold = rng.random(F) < 0.5
    has_sub = rng.random(F) < 0.15

    # ---- demand: series per item and segment
    in_seg = rng.random((F, S)) < np.array([s[5] for s in SEGMENTS])[None, :]
    none = ~in_seg.any(axis=1)
    in_seg[none, rng.integers(0, S, int(none.sum()))] = True
    level = rng.lognormal(4.0, 1.0, (F, S)) * np.array([0.6, 1.0, 0.8])[None, :]
    month = (np.arange(T) + FIRST_MONTH - 1) % 12
    shift = rng.integers(-1, 2, len(FAMILIES))[family]
    season = 1 + 0.25 * np.cos(2 * np.pi * (month[None, :] - 5.5 - shift[:, None]) / 12)
    noise = rng.gamma(16.0, 1 / 16.0, (F, S, T))
    demand = np.round(level[:, :, None] * season[:, None, :] * noise) * in_seg[:, :, None]
    total = demand.sum(axis=1)  # (F, T)

    # ---- capacity from the load of the demand
    load = np.zeros((R, T))
    np.add.at(load, rr, hpu[:, None] * total[rf])
    peak = load.max(axis=1)
    util = rng.uniform(0.85, 1.05, R)
    hours = np.round(np.where(labour, 0.0, util * peak), 0)
    workforce = np.where(labour, np.ceil(util * peak / HOURS_PER_WORKER), 0.0)
    has_ot = labour | (rng.random(R) < 0.7)
    ot_limit = np.where(labour, 16.0, np.round(0.1 * hours, 0))
    lab_band = labour & (rng.random(R) < 0.5)
    res_df = pl.DataFrame(
        {
            "resource": resources,
            "kind": np.where(labour, "labour", "fixed"),
            "description": [
                f"{'Crew' if lab else 'Line'} {r}" for r, lab in zip(resources, labour, strict=True)
            ],
            "hours": _opt(hours, ~labour),
            "regular_cost": _opt(reg_cost, has_reg),
            "overtime_cost": ot_cost,
            "overtime_limit": _opt(ot_limit, has_ot),
            "workforce": _opt(workforce, labour),
            "hours_per_worker": _opt(np.full(R, HOURS_PER_WORKER), labour),
            "hire_cost": _opt(np.round(rng.uniform(2000, 4000, R), 0), labour),
            "layoff_cost": _opt(np.round(rng.uniform(3000, 6000, R), 0), labour),
            "max_hires": _opt(np.ceil(0.1 * workforce) + 1, lab_band),
            "min_workforce": _opt(np.floor(0.7 * workforce), lab_band),
            "max_workforce": _opt(np.ceil(1.15 * workforce) + 1, lab_band),
        }
    )
    # capacity.csv: a maintenance month at 50 % and December at 80 % on some fixed resources
    cap_rows: list[tuple[str, str, float, float | None]] = []
    fixed = np.flatnonzero(~labour)
    for r in fixed[rng.random(fixed.size) < 0.3]:
        t = int(rng.integers(0, T))
        cap_rows.append((resources[r], labels[t], round(0.5 * hours[r]), None))
    for r in fixed[rng.random(fixed.size) < 0.5]:
        for t in np.flatnonzero(month == 11):
            ot = round(0.05 * hours[r]) if has_ot[r] else None
            cap_rows.append((resources[r], labels[t], round(0.8 * hours[r]), ot))
    cap_df = (
        pl.DataFrame(
            cap_rows,
            schema={
                "resource": pl.String,
                "period": pl.String,
                "hours": pl.Float64,
                "overtime_limit": pl.Float64,
            },
            orient="row",
        )
        .unique(subset=["resource", "period"], keep="first", maintain_order=True)
        .sort("resource", "period")
    )

    # ---- materials and bill of materials
    M = max(2, F // 10)
    n_sup = max(1, F // 40)
    materials = _ids("M-", M, 5)
    mat_cost = np.round(rng.uniform(1.0, 8.0, M), 2)
    mat_lead = rng.integers(0, 4, M)
    bom_f: list[int] = []
    bom_m: list[int] = []
    bom_q: list[float] = []
    for f in np.flatnonzero(rng.random(F) < 0.6):
        k = int(rng.integers(1, 3))
        ms = rng.choice(M, k, replace=False)
        share = rng.uniform(0.3, 0.5) / k
        for m in ms:
            bom_f.append(int(f))
            bom_m.append(int(m))
            bom_q.append(round(max(0.1, share * unit_cost[f] / mat_cost[m]), 3))
    bf, bm, bq = np.array(bom_f), np.array(bom_m), np.array(bom_q)
    # production of an item starts lead periods before its demand: need by start period
    start_total = np.zeros((F, T))
    for f in range(F):
        lt = lead[f]
        start_total[f, : T - lt] = total[f, lt:]
    need = np.zeros((M, T))
    np.add.at(need, bm, bq[:, None] * start_total[bf])
    has_cap = rng.random(M) < 0.6
    mat_cap = np.round(need.max(axis=1) * rng.uniform(0.85, 1.15, M), 0)
    oo_rows: list[tuple[str, str, str, float]] = []
    for m in range(M):
        for t in range(int(mat_lead[m])):
            q = round(float(need[m, t]) * rng.uniform(0.8, 1.1))
            if q > 0:
                oo_rows.append((f"PO-{len(oo_rows) + 1:06d}", materials[m], labels[t], float(q)))
    inside = np.array([need[m, : mat_lead[m] + 1].sum() for m in range(M)])
    mat_on_hand = np.round(0.3 * need.mean(axis=1) + 0.3 * inside, 0)
    mat_df = pl.DataFrame(
        {
            "material": materials,
            "supplier": [f"Supplier {i % n_sup + 1:03d}" for i in range(M)],
            "unit_cost": mat_cost,
            "lead_time": mat_lead,
            "capacity": _opt(mat_cap, has_cap),
            "on_hand": mat_on_hand,
        }
    )
    oo_df = pl.DataFrame(
        oo_rows,
        schema={
            "po_id": pl.String,
            "material": pl.String,
            "period": pl.String,
            "quantity": pl.Float64,
        },
        orient="row",
    )
    bom_df = pl.DataFrame(
        {"item": [items[f] for f in bf], "material": [materials[m] for m in bm], "quantity_per": bq}
    )

    # ---- items table and prices
    avg = total.mean(axis=1)
    items_df = pl.DataFrame(
        {
            "item": items,
            "family": np.array(FAMILIES)[family],
            "description": [f"Part {i}" for i in items],
            "unit_cost": unit_cost,
            "price": price,
            "lead_time": lead,
            "holding_cost": _opt(np.round(unit_cost * 0.25 / 12, 4), has_hold),
            "subcontract_cost": _opt(np.round((unit_cost + hour_cost) * 1.6, 2), has_sub),
            "subcontract_limit": _opt(np.round(0.2 * avg, 0), has_sub),
        }
    )
    prem = rng.random(F) < 0.25
    disc = rng.random(F) < 0.25
    pr_rows = [(items[f], "key", round(price[f] * 1.05, 2)) for f in np.flatnonzero(prem)]
    pr_rows += [(items[f], "spot", round(price[f] * 0.9, 2)) for f in np.flatnonzero(disc)]
    prices_df = pl.DataFrame(
        pr_rows, schema={"item": pl.String, "segment": pl.String, "price": pl.Float64}, orient="row"
    ).sort("item", "segment")

    # ---- inventory
    has_ss = rng.random(F) < 0.8
    safety = np.where(has_ss, np.round(0.5 * avg), 0.0)
    cover = np.array([total[f, : lead[f] + 1].sum() for f in range(F)])
    on_hand = np.round(cover * rng.uniform(1.0, 1.3, F)) + safety
    has_end = has_ss & (rng.random(F) < 0.7 / 0.8)
    has_pen = rng.random(F) < 0.2
    inv_df = pl.DataFrame(
        {
            "item": items,
            "on_hand": on_hand,
            "safety_stock": _opt(safety, has_ss),
            "ending_target": _opt(safety, has_end),
            "safety_stock_penalty": _opt(np.round(unit_cost * 0.05, 3), has_pen),
        }
    )

    # ---- baseline.csv: one row per series and period
    f_idx, s_idx = np.nonzero(in_seg)
    n_series = f_idx.size
    base_df = pl.DataFrame(
        {
            "item": np.repeat(np.array(items)[f_idx], T),
            "segment": np.repeat(np.array([s[0] for s in SEGMENTS])[s_idx], T),
            "period": np.tile(np.array(labels), n_series),
            "quantity": demand[f_idx, s_idx, :].ravel(),
        }
    )
    routings_df = pl.DataFrame(
        {
            "item": [items[f] for f in rf],
            "resource": [resources[r] for r in rr],
            "hours_per_unit": hpu,
        }
    )

    (root / "charters").mkdir(parents=True)
    inputs = root / "cycles" / CYCLE_ID / "inputs"
    inputs.mkdir(parents=True)
    (root / "charters" / f"{CHARTER_NAME}.yaml").write_text(charter(), encoding="utf-8")
    (root / "cycles" / CYCLE_ID / "cycle.yaml").write_text(CYCLE, encoding="utf-8")
    tables = {
        "baseline.csv": base_df,
        "items.csv": items_df,
        "prices.csv": prices_df,
        "resources.csv": res_df,
        "capacity.csv": cap_df,
        "routings.csv": routings_df,
        "inventory.csv": inv_df,
        "bom.csv": bom_df,
        "materials.csv": mat_df,
        "open_orders.csv": oo_df,
    }
    for name, frame in tables.items():
        frame.write_csv(inputs / name)
    regular = np.where(labour, workforce * HOURS_PER_WORKER, hours)
    return {
        "items": F,
        "periods": T,
        "resources": R,
        "fixed_resources": int(n_fix),
        "labour_resources": int(n_lab),
        "materials": M,
        "series": int(n_series),
        "baseline_rows": base_df.height,
        "routings": routings_df.height,
        "bom_rows": bom_df.height,
        "capacity_rows": cap_df.height,
        "open_orders": oo_df.height,
        "prices": prices_df.height,
        "peak_load_over_regular_capacity_median": float(np.median(peak / regular)),
        "mean_load_over_regular_capacity_median": float(np.median(load.mean(axis=1) / regular)),
    }


def run_json(cmd: list[str], timeout: float | None = None) -> tuple[int, dict[str, object]]:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout)
    try:
        return proc.returncode, json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"{' '.join(cmd)}: no JSON output (exit {proc.returncode})") from None


# argv: mps path. Solves the exported cost LP with HiGHS dual simplex; prints status, objective.
SIMPLEX = """
import json, sys, time
import highspy
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("solver", "simplex")
h.readModel(sys.argv[1])
t0 = time.perf_counter()
h.run()
print(json.dumps({"status": h.modelStatusToString(h.getModelStatus()),
                  "objective": h.getInfo().objective_function_value,
                  "seconds": time.perf_counter() - t0}))
"""


def check_plan(root: Path, timeout: float) -> dict[str, object]:
    """`sopctl demand` (writes the demand view), then a dry-run reconcile that must be optimal
    and reuse the demand view; it also exports the cost LP to <root>/plan.mps. When the
    reconcile takes longer than `timeout` seconds it is stopped and the exported LP is solved
    with HiGHS dual simplex instead, which must report it optimal."""
    sop = [*sopctl_command(), "--root", str(root)]
    code, doc = run_json([*sop, "demand", "--format", "json"])
    if code != 0 or doc.get("errors"):
        raise SystemExit(f"{root.name}: sopctl demand exited {code}")
    mps = root / "plan.mps"
    mps.unlink(missing_ok=True)
    cmd = [*sop, "reconcile", "--dry-run", "--format", "json", "--export-mps", str(mps)]
    t0 = time.perf_counter()
    try:
        code, doc = run_json(cmd, timeout)
    except subprocess.TimeoutExpired:
        if not mps.exists():
            raise SystemExit(
                f"{root.name}: reconcile wrote no MPS within {timeout:.0f} s"
            ) from None
        print(f"  sopctl reconcile: stopped after {timeout:.0f} s; solving plan.mps with simplex")
        proc = subprocess.run(
            [sys.executable, "-c", SIMPLEX, str(mps)], capture_output=True, text=True, check=True
        )
        lp = json.loads(proc.stdout.strip().splitlines()[-1])  # after the HiGHS banner
        if lp["status"] != "Optimal":
            raise SystemExit(f"{root.name}: the cost LP is {lp['status']}") from None
        return {"reconcile": f"stopped after {timeout:.0f} s", "cost_lp_by_simplex": lp}
    took = time.perf_counter() - t0
    plan = doc.get("plan") or {}
    if code != 0 or doc.get("status") != "optimal":
        raise SystemExit(f"{root.name}: reconcile exited {code}, status {doc.get('status')}")
    if doc.get("demand") != "reused":
        raise SystemExit(f"{root.name}: reconcile did not reuse the demand view")
    assert isinstance(plan, dict)
    return {
        "reconcile_wall_s": took,
        "status": doc.get("status"),
        "solver": plan.get("solver"),
        "service": plan.get("service"),
        "timings": doc.get("timings"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=sorted(SIZES), action="append", help="this size only")
    ap.add_argument("--force", action="store_true", help="regenerate even if present")
    ap.add_argument("--no-check", action="store_true", help="skip validate/demand/reconcile")
    ap.add_argument(
        "--check-timeout",
        type=float,
        default=120.0,
        help="seconds the reconcile check may take before the exported LP is solved with "
        "simplex instead (default 120)",
    )
    args = ap.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    for name in args.only or list(SIZES):
        root = DATA / name
        if (root / MARKER).exists() and not args.force:
            print(f"{name}: present ({root}); --force to regenerate")
            continue
        if root.exists():
            shutil.rmtree(root)
        n_items, n_res = SIZES[name]
        t0 = time.perf_counter()
        meta = build(root, n_items, n_res, SEED + list(SIZES).index(name))
        print(f"{name}: written in {time.perf_counter() - t0:.1f} s: {meta}", flush=True)
        inputs = root / "cycles" / CYCLE_ID / "inputs"
        sizes = {p.name: p.stat().st_size for p in sorted(inputs.iterdir())}
        check: dict[str, object] = {}
        if not args.no_check:
            t0 = time.perf_counter()
            check_clean(root)
            print(f"  sopctl validate: exit 0, no findings ({time.perf_counter() - t0:.1f} s)")
            check = check_plan(root, args.check_timeout)
            print(f"  sopctl reconcile --dry-run: {json.dumps(check)}", flush=True)
        (root / MARKER).write_text(
            json.dumps({"seed": SEED, "meta": meta, "bytes": sizes, "check": check}, indent=2)
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
