"""Write synthetic planning repositories for the benchmarks under bench/data/ (git-ignored).

    python bench/generate.py                 # every dataset that is not there yet
    python bench/generate.py --only history-10m --force

Datasets (deterministic: fixed seed, same bytes on every run):

* pipeline-1m: pipeline.csv with 1,000,000 rows (10,000 deals with 20-181 lines each, unique
  (deal_id, item), items from an items.csv of 400 items), plus every other input the charter
  declares, small.
* history-10m: history.csv with 10,000,000 rows (25,000 items x 4 segments = 100,000 series x
  100 months, 2018-09 .. 2026-12, all before the cycle's first period 2027-01), plus the other
  inputs, whose items.csv, routings.csv and inventory.csv then cover the 25,000 items.
* signal-1m (the `sopctl demand` benchmark, bench/run_demand.py): pipeline.csv with 1,000,000
  rows (10,000 deals over 2,500 items) and history.csv with 10,000 series (2,500 items x 4
  segments) x 36 months (2024-01 .. 2026-12, 15 % of the series intermittent), horizon 24
  months from 2027-01, plus the other inputs the charter declares.

Each repository is checked with `sopctl validate` afterwards; the script fails unless the
repository validates with exit code 0 and no findings at all.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20261201
MARKER = ".generated.json"

CHARTER_NAME = "acme"
CYCLE_ID = "2026-12"
FIRST_PERIOD = "2027-01"  # the cycle's first planned month
HORIZON = 6
SEGMENTS = ("strategic", "key", "standard", "web")
STAGES = (
    ("lead", 0.1),
    ("qualified", 0.2),
    ("proposal", 0.5),
    ("negotiation", 0.7),
    ("committed", 0.9),
)
SALES_REPS = tuple(f"rep{i:02d}@acme.example" for i in range(1, 25))
FAMILIES = ("pumps", "valves", "seals", "motors", "filters", "hoses", "fittings", "gauges")


def _charter(horizon: int = HORIZON) -> str:
    segments = "\n".join(
        f"  - id: {s}\n    priority: {i + 1}\n    service_level_target: {0.98 - 0.03 * i:.2f}\n"
        f"    shortage_policy: {'backlog' if i < 2 else 'lost_sales'}\n"
        f"    shortage_penalty: {20 - 3 * i}"
        for i, s in enumerate(SEGMENTS)
    )
    stages = "\n".join(f"    - {{id: {s}, probability: {p}}}" for s, p in STAGES)
    reps = ", ".join(SALES_REPS)
    return f"""\
version: 1
organisation:
  name: Acme Parts (benchmark)
  description: Synthetic planning repository written by bench/generate.py
glossary:
  - term: S&OP
    aliases: [s and op, s & op]
    definition: Sales and Operations Planning
cadence:
  bucket: month
  horizon_periods: {horizon}
  frozen_periods: 1
  demand_refresh: {{every: 2, unit: week}}
  executive_commit: {{every: 1, unit: month}}
calendar:
  signal: 5
  reconcile: 10
  commit: 15
roles:
  - id: sales_lead
    title: Head of Sales
    members: [sam@acme.example]
  - id: account_manager
    title: Account Manager
    members: [{reps}]
  - id: ops_lead
    title: Head of Operations
    members: [olga@acme.example]
  - id: demand_planner
    title: Demand Planner
    members: [dana@acme.example]
  - id: cfo
    title: Chief Financial Officer
    members: [carl@acme.example]
decision_rights:
  override_demand: [sales_lead, demand_planner]
  approve_capacity_change: [ops_lead]
  approve_frozen_change: [ops_lead]
  sign_off_plan: [sales_lead, ops_lead, cfo]
approvals:
  required_roles: [sales_lead, ops_lead, cfo]
  quorum: 2
inputs:
  - {{file: history.csv, table: demand_history, owner: demand_planner, due: signal}}
  - {{file: pipeline.csv, table: pipeline, owner: sales_lead, due: signal}}
  - {{file: items.csv, table: items, owner: ops_lead, due: reconcile}}
  - {{file: resources.csv, table: resources, owner: ops_lead, due: reconcile}}
  - {{file: routings.csv, table: routings, owner: ops_lead, due: reconcile}}
  - {{file: inventory.csv, table: inventory, owner: ops_lead, due: reconcile}}
metrics:
  - {{name: service_level, target: 0.95, tolerance: 0.02, owner: ops_lead}}
  - {{name: forecast_bias, target: 0.05, direction: at_most, owner: demand_planner}}
segments:
{segments}
pipeline:
  stages:
{stages}
  close_to_demand_lag: 1
forecast:
  default_method: auto
escalation:
  - {{exception: shortage, segment: strategic, to: sales_lead}}
  - {{exception: overload, min_value: 1000, to: ops_lead}}
finance:
  currency: EUR
  dso_days: 45
  dpo_days: 30
  inventory_carrying_rate: 0.2
"""


CYCLE = f"""\
id: {CYCLE_ID}
charter: {CHARTER_NAME}
first_period: {FIRST_PERIOD}
status: draft
assumptions:
  - id: A1
    text: Synthetic benchmark cycle.
    owner: ops_lead
scenarios:
  - id: base
    description: Plan as submitted
"""

RESOURCES = (
    "resource,kind,description,hours,regular_cost,overtime_cost,overtime_limit,"
    "workforce,hours_per_worker,hire_cost,layoff_cost\n"
    "ASSY,fixed,Assembly line,32000,,45,4000,,,,\n"
    "MACH,fixed,Machining cell,24000,,55,3000,,,,\n"
    "CREW,labour,Warehouse crew,,18,27,12,40,160,900,1500\n"
)


def _month(ordinal: np.ndarray) -> pl.Series:
    """Month labels (YYYY-MM) for month ordinals (year * 12 + month - 1)."""
    n = pl.lit(pl.Series(ordinal.astype(np.int64)))
    label = pl.format("{}-{}", (n // 12).cast(pl.String), (n % 12 + 1).cast(pl.String).str.zfill(2))
    return pl.select(label).to_series()


def _first_ordinal() -> int:
    year, month = FIRST_PERIOD.split("-")
    return int(year) * 12 + int(month) - 1


def _ids(prefix: str, n: int, width: int) -> pl.Series:
    """prefix + zero-padded 1..n, e.g. D-000001."""
    return pl.select(
        pl.concat_str(pl.lit(prefix), pl.int_range(1, n + 1).cast(pl.String).str.zfill(width))
    ).to_series()


def items_frame(n_items: int, rng: np.random.Generator) -> pl.DataFrame:
    cost = np.round(rng.lognormal(3.0, 0.8, n_items), 2)
    margin = rng.uniform(1.2, 2.0, n_items)
    lead = rng.integers(0, 4, n_items)
    fam = rng.integers(0, len(FAMILIES), n_items)
    items = _ids("I-", n_items, 5)
    return pl.DataFrame(
        {
            "item": items,
            "family": np.array(FAMILIES)[fam],
            "description": pl.select(pl.lit("Part ") + items).to_series(),
            "unit_cost": cost,
            "price": np.round(cost * margin, 2),
            "lead_time": lead,
            "holding_cost": np.round(cost * 0.2 / 12, 3),
        }
    )


def routings_frame(items: pl.Series, rng: np.random.Generator) -> pl.DataFrame:
    n = items.len()
    assy = pl.DataFrame(
        {
            "item": items,
            "resource": "ASSY",
            "hours_per_unit": np.round(rng.uniform(0.05, 1.5, n), 3),
        }
    )
    crew = pl.DataFrame(
        {
            "item": items,
            "resource": "CREW",
            "hours_per_unit": np.round(rng.uniform(0.02, 0.5, n), 3),
        }
    )
    mach_mask = rng.random(n) < 0.4
    mach = pl.DataFrame(
        {
            "item": items.filter(pl.Series(mach_mask)),
            "resource": "MACH",
            "hours_per_unit": np.round(rng.uniform(0.1, 2.0, int(mach_mask.sum())), 3),
        }
    )
    return pl.concat([assy, mach, crew]).sort("item", maintain_order=True)


def inventory_frame(items: pl.Series, rng: np.random.Generator) -> pl.DataFrame:
    n = items.len()
    safety = rng.integers(0, 500, n)
    return pl.DataFrame(
        {
            "item": items,
            "on_hand": safety + rng.integers(0, 2000, n),
            "safety_stock": safety,
            "ending_target": safety,
        }
    )


def history_frame(items: pl.Series, months: int, rng: np.random.Generator) -> pl.DataFrame:
    """Every item x segment series over `months` months ending just before the first period."""
    first = _first_ordinal()
    periods = pl.DataFrame({"period": _month(np.arange(first - months, first))})
    series = pl.DataFrame({"item": items}).join(
        pl.DataFrame({"segment": list(SEGMENTS)}), how="cross"
    )
    n_series = series.height
    level = rng.lognormal(3.5, 1.0, n_series)
    season = 1 + 0.2 * np.sin(2 * np.pi * np.arange(months) / 12)
    noise = rng.gamma(4.0, 0.25, (n_series, months))
    qty = np.round(level[:, None] * season[None, :] * noise).astype(np.int64).ravel()
    # history.csv is series-major: all months of one series, then the next series
    frame = series.join(periods, how="cross")
    return frame.with_columns(quantity=pl.Series(qty))


def pipeline_frame(
    items: pl.Series, n_deals: int, n_rows: int, rng: np.random.Generator
) -> pl.DataFrame:
    """n_rows deal lines over n_deals deals; each deal has distinct items, so keys are unique."""
    n_items = items.len()
    # lines per deal spread evenly around the mean (20..180 for 100), some +1 to hit n_rows
    mean = n_rows // n_deals
    lo = max(1, mean // 5)
    hi = min(2 * mean - lo, n_items)
    counts = rng.integers(lo, hi + 1, n_deals)
    counts += (n_rows - int(counts.sum())) // n_deals  # floor: the rest is in [0, n_deals)
    counts[: n_rows - int(counts.sum())] += 1
    if counts.sum() != n_rows or counts.min() < 1 or counts.max() > n_items:
        raise SystemExit(f"cannot spread {n_rows} rows over {n_deals} deals of {n_items} items")
    # per deal: the first counts[d] items of a random permutation of all items
    perm = np.argsort(rng.random((n_deals, n_items)), axis=1)
    take = np.arange(n_items)[None, :] < counts[:, None]
    item_idx = perm[take]
    deal_idx = np.repeat(np.arange(n_deals), counts)

    first = _first_ordinal()
    stage_names = np.array([s for s, _ in STAGES])
    deal_stage = rng.choice(len(STAGES), n_deals, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    deal_segment = rng.choice(len(SEGMENTS), n_deals, p=[0.15, 0.25, 0.45, 0.15])
    deal_close = first + rng.integers(-2, HORIZON + 4, n_deals)  # a few overdue, most ahead
    deal_account = rng.integers(1, 2501, n_deals)
    deal_owner = rng.integers(0, len(SALES_REPS), n_deals)
    deal_owner_set = rng.random(n_deals) < 0.9
    deal_slip = np.where(rng.random(n_deals) < 0.6, rng.poisson(0.8, n_deals), -1)
    deal_prob_set = rng.random(n_deals) < 0.05
    deal_prob = np.round(rng.uniform(0.05, 0.95, n_deals), 2)
    line_ship = np.where(rng.random(n_rows) < 0.7, rng.integers(1, 7, n_rows), -1)

    deals = pl.DataFrame(
        {
            "deal": np.arange(n_deals),
            "deal_id": _ids("D-", n_deals, 6),
            "account": pl.select(
                pl.concat_str(
                    pl.lit("Account "), pl.Series(deal_account).cast(pl.String).str.zfill(4)
                )
            ).to_series(),
            "segment": np.array(SEGMENTS)[deal_segment],
            "stage": stage_names[deal_stage],
            "close_period": _month(deal_close),
            "probability": pl.Series(deal_prob).set(pl.Series(~deal_prob_set), None),
            "probability_reason": pl.Series(
                np.where(deal_prob_set, "Customer confirmed budget", "")
            ).replace("", None),
            "slip_count": pl.Series(deal_slip).replace(-1, None),
            "owner": pl.Series(np.array(SALES_REPS)[deal_owner]).set(
                pl.Series(~deal_owner_set), None
            ),
        }
    )
    lines = pl.DataFrame(
        {
            "deal": deal_idx,
            "item": items.gather(item_idx),
            "quantity": np.round(rng.lognormal(3.0, 1.2, n_rows)).astype(np.int64) + 1,
            "ship_periods": pl.Series(line_ship).replace(-1, None),
        }
    )
    frame = lines.join(deals, on="deal", how="left", maintain_order="left")
    return frame.select(
        "deal_id",
        "account",
        "item",
        "segment",
        "stage",
        "quantity",
        "close_period",
        "ship_periods",
        "probability",
        "probability_reason",
        "slip_count",
        "owner",
    )


def _write_repo(root: Path, tables: dict[str, pl.DataFrame | str], horizon: int = HORIZON) -> None:
    (root / "charters").mkdir(parents=True)
    inputs = root / "cycles" / CYCLE_ID / "inputs"
    inputs.mkdir(parents=True)
    (root / "charters" / f"{CHARTER_NAME}.yaml").write_text(_charter(horizon), encoding="utf-8")
    (root / "cycles" / CYCLE_ID / "cycle.yaml").write_text(CYCLE, encoding="utf-8")
    for name, table in tables.items():
        path = inputs / name
        if isinstance(table, str):
            path.write_text(table, encoding="utf-8")
        else:
            table.write_csv(path)


def build_pipeline_1m(root: Path) -> dict[str, object]:
    rng = np.random.default_rng(SEED)
    items = items_frame(400, rng)
    ids = items["item"]
    pipeline = pipeline_frame(ids, 10_000, 1_000_000, rng)
    tables: dict[str, pl.DataFrame | str] = {
        "pipeline.csv": pipeline,
        "history.csv": history_frame(ids, 24, rng),
        "items.csv": items,
        "resources.csv": RESOURCES,
        "routings.csv": routings_frame(ids, rng),
        "inventory.csv": inventory_frame(ids, rng),
    }
    _write_repo(root, tables)
    return {
        "pipeline_rows": pipeline.height,
        "deals": pipeline["deal_id"].n_unique(),
        "items": items.height,
    }


def build_history_10m(root: Path) -> dict[str, object]:
    rng = np.random.default_rng(SEED + 1)
    items = items_frame(25_000, rng)
    ids = items["item"]
    history = history_frame(ids, 100, rng)
    tables: dict[str, pl.DataFrame | str] = {
        "history.csv": history,
        "pipeline.csv": pipeline_frame(ids, 200, 5_000, rng),
        "items.csv": items,
        "resources.csv": RESOURCES,
        "routings.csv": routings_frame(ids, rng),
        "inventory.csv": inventory_frame(ids, rng),
    }
    del history
    _write_repo(root, tables)
    return {
        "history_rows": 10_000_000,
        "series": 25_000 * len(SEGMENTS),
        "months": 100,
        "items": items.height,
    }


def build_signal_1m(root: Path) -> dict[str, object]:
    """The demand benchmark: 1,000,000 pipeline rows and 10,000 series x 36 months of history
    (2,500 items x 4 segments, 2024-01 .. 2026-12), 24-month horizon from 2027-01. 15 % of the
    series are intermittent (about half their months are 0), so auto also tries croston/tsb."""
    rng = np.random.default_rng(SEED + 2)
    items = items_frame(2_500, rng)
    ids = items["item"]
    history = history_frame(ids, SIGNAL_MONTHS, rng)
    n_series = history.height // SIGNAL_MONTHS
    sparse = np.repeat(rng.random(n_series) < 0.15, SIGNAL_MONTHS)
    zero = sparse & (rng.random(history.height) < 0.5)
    history = history.with_columns(
        quantity=pl.when(pl.Series(zero)).then(0).otherwise(pl.col("quantity"))
    )
    pipeline = pipeline_frame(ids, 10_000, 1_000_000, rng)
    tables: dict[str, pl.DataFrame | str] = {
        "history.csv": history,
        "pipeline.csv": pipeline,
        "items.csv": items,
        "resources.csv": RESOURCES,
        "routings.csv": routings_frame(ids, rng),
        "inventory.csv": inventory_frame(ids, rng),
    }
    _write_repo(root, tables, horizon=SIGNAL_HORIZON)
    return {
        "pipeline_rows": pipeline.height,
        "deals": pipeline["deal_id"].n_unique(),
        "history_rows": history.height,
        "series": n_series,
        "intermittent_series": int(sparse.sum()) // SIGNAL_MONTHS,
        "months": SIGNAL_MONTHS,
        "horizon": SIGNAL_HORIZON,
        "items": items.height,
    }


SIGNAL_MONTHS = 36
SIGNAL_HORIZON = 24

DATASETS: dict[str, Callable[[Path], dict[str, object]]] = {
    "pipeline-1m": build_pipeline_1m,
    "history-10m": build_history_10m,
    "signal-1m": build_signal_1m,
}


def sopctl_command() -> list[str]:
    exe = Path(sys.executable).with_name("sopctl")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sopctl"]


def check_clean(root: Path) -> dict[str, object]:
    """Run `sopctl validate --format json`; fail unless exit 0 and no findings."""
    cmd = [*sopctl_command(), "--root", str(root), "validate", "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = {}
    findings = report.get("findings", [])
    if proc.returncode != 0 or findings:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(
            f"{root.name}: validate exited {proc.returncode} with "
            f"{len(findings)} findings; the generator is out of step with sopctl"
        )
    return {"exit": proc.returncode, "checked_files": report.get("checked_files")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--only",
        choices=sorted(DATASETS),
        action="append",
        help="generate only this dataset (repeatable)",
    )
    ap.add_argument("--force", action="store_true", help="regenerate even if present")
    ap.add_argument("--no-check", action="store_true", help="skip the sopctl validate check")
    args = ap.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    for name in args.only or list(DATASETS):
        root = DATA / name
        if (root / MARKER).exists() and not args.force:
            print(f"{name}: present ({root}); --force to regenerate")
            continue
        if root.exists():
            shutil.rmtree(root)
        t0 = time.perf_counter()
        meta = DATASETS[name](root)
        took = time.perf_counter() - t0
        inputs = root / "cycles" / CYCLE_ID / "inputs"
        sizes = {p.name: p.stat().st_size for p in sorted(inputs.iterdir())}
        print(f"{name}: written in {took:.1f} s: {meta}")
        for f, size in sizes.items():
            print(f"  {f:<14} {size / 2**20:9.1f} MiB")
        if not args.no_check:
            t0 = time.perf_counter()
            check = check_clean(root)
            print(
                f"  sopctl validate: exit {check['exit']}, no findings "
                f"({time.perf_counter() - t0:.1f} s)"
            )
        (root / MARKER).write_text(
            json.dumps({"seed": SEED, "meta": meta, "bytes": sizes}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
