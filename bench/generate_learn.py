"""Write the `sopctl learn` benchmark repositories under bench/data/ (git-ignored).

    python bench/generate_learn.py            # skipped when there; --force rewrites them
    python bench/generate_learn.py --only learn-northwind

learn-10k (the goal: 10k series x 36 periods x 6 tags):

A git repository with 6 monthly cycles (2026-12 .. 2027-05, first periods 2027-01 .. 2027-06,
horizon 36 months each), every one committed as an annotated tag sop/<cycle>/v1 whose message
is a sopctl commit record with the SHA-256 of every input and output file. Each tagged tree
holds its outputs (demand_plan.csv: 10,000 series = 5,000 items x 2 segments x 36 periods;
demand_sources.csv; supply_plan.csv; capacity_plan.csv; demand_manifest.json binding the demand
view to the inputs), so learn reads the committed plan from git and the benchmark measures learn
itself, not the solver. The outputs are synthetic (a seasonal level per series plus overrides
and pipeline units), not solved plans; the inputs validate.

actuals/ holds 36 months of actuals (2027-01 .. 2029-12): demand.csv (360,000 rows), stock.csv,
production.csv (180,000 rows each), resource_hours.csv, deals.csv and assumptions.csv.
Deterministic: fixed seed; the tags carry a fixed tagger date.

learn-northwind (the rebuild path): the embedded Northwind demo (charters/ and cycles/ of this
repository) committed with real `sopctl demand`, `sopctl reconcile`, approvals by the quorum
and `sopctl tag`, outputs git-ignored — so learn must rebuild the committed plan from the
tagged inputs (a demand view and an LP solve) unless its cache has it. Actuals: the committed
demand of the first 6 months with ±15 % noise, 95 % shipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import yaml

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
NAME = "learn-10k"
NORTHWIND = "learn-northwind"
REPO = HERE.parent
MARKER = ".generated.json"
SEED = 20270101
ITEMS = 5000
SEGMENTS = ("strategic", "standard")
HORIZON = 36
CYCLES = ("2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05")
OVERRIDES = 400
DEALS = 600
ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "planner@acme.example",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "planner@acme.example",
    "GIT_AUTHOR_DATE": "2027-01-15T09:00:00Z",
    "GIT_COMMITTER_DATE": "2027-01-15T09:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
MEMBERS = ("sam@acme.example", "dana@acme.example")


def month(k: int) -> str:
    """Period label of month ordinal k (0 = 2027-01)."""
    n = 2027 * 12 + k
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def charter() -> str:
    from sopctl.demos.minimal import CHARTER

    text = CHARTER.replace("horizon_periods: 6", f"horizon_periods: {HORIZON}")
    return text.replace(
        "metrics:\n",
        "metrics:\n  - {name: forecast_wape, target: 0.25, tolerance: 0.05, direction: at_most,"
        " severity: warning, owner: demand_planner}\n",
        1,
    )


def cycle_yaml(cycle: str, first: str) -> str:
    return (
        f"id: {cycle}\ncharter: acme\nfirst_period: {first}\nassumptions:\n"
        "  - id: A1\n    text: ASSY keeps two shifts.\n    owner: ops_lead\n"
    )


def csv(df: pl.DataFrame) -> bytes:
    from sopctl.results import csv_bytes

    return csv_bytes(df)


def inputs(rng: np.random.Generator, items: list[str], first_k: int) -> dict[str, bytes]:
    s_item = np.repeat(items, len(SEGMENTS))
    s_seg = np.tile(SEGMENTS, len(items))
    level = rng.integers(20, 400, size=s_item.size)
    hist = pl.DataFrame(
        {
            "item": np.repeat(s_item, 12),
            "segment": np.repeat(s_seg, 12),
            "period": np.tile([f"2026-{m:02d}" for m in range(1, 13)], s_item.size),
            "quantity": np.repeat(level, 12) + rng.integers(0, 20, size=s_item.size * 12),
        }
    )
    picks = rng.integers(0, s_item.size, size=OVERRIDES)
    overrides = pl.DataFrame(
        {
            "override_id": [f"O-{i:04d}" for i in range(OVERRIDES)],
            "item": s_item[picks],
            "segment": s_seg[picks],
            "period": [month(first_k + 2 + int(k)) for k in rng.integers(0, 10, size=OVERRIDES)],
            "kind": "delta",
            "quantity": rng.integers(-10, 40, size=OVERRIDES),
            "owner": [MEMBERS[i % 2] for i in range(OVERRIDES)],
            "reason": "key account signal",
        }
    )
    deals = rng.integers(0, s_item.size, size=DEALS)
    stages = np.array(["qualified", "proposal", "committed"])
    pipeline = pl.DataFrame(
        {
            "deal_id": [f"D-{i:04d}" for i in range(DEALS)],
            "account": "Account",
            "item": s_item[deals],
            "segment": s_seg[deals],
            "stage": stages[rng.integers(0, 3, size=DEALS)],
            "quantity": rng.integers(10, 200, size=DEALS),
            "close_period": [month(int(k)) for k in rng.integers(0, 6, size=DEALS)],
        }
    )
    item_df = pl.DataFrame(
        {"item": items, "unit_cost": 10.0, "price": 18.0, "lead_time": 0, "holding_cost": 0.2}
    )
    routings = pl.DataFrame(
        {
            "item": np.repeat(items, 2),
            "resource": np.tile(["ASSY", "CREW"], len(items)),
            "hours_per_unit": np.tile([0.01, 0.005], len(items)),
        }
    )
    inventory = pl.DataFrame({"item": items, "on_hand": 500.0, "safety_stock": 100.0})
    from sopctl.demos.minimal import FILES

    return {
        "history.csv": csv(hist),
        "overrides.csv": csv(overrides),
        "pipeline.csv": csv(pipeline),
        "items.csv": csv(item_df),
        "routings.csv": csv(routings),
        "inventory.csv": csv(inventory),
        "resources.csv": FILES["cycles/2026-12/inputs/resources.csv"]
        .replace("320,", "20000,")
        .encode(),
        "__level": level.astype(np.float64).tobytes(),
    }


def outputs(
    rng: np.random.Generator, items: list[str], first_k: int, ins: dict[str, bytes]
) -> dict[str, bytes]:
    level = np.frombuffer(ins["__level"], dtype=np.float64)
    n = level.size
    ks = np.arange(HORIZON)
    season = 1 + 0.1 * np.sin(2 * np.pi * (first_k + ks) / 12)
    base = np.outer(level, season) + rng.normal(0, 3, size=(n, HORIZON)).clip(-5, 5)
    s_item = np.repeat(items, len(SEGMENTS))
    s_seg = np.tile(SEGMENTS, len(items))
    periods = [month(first_k + k) for k in ks]
    ov = pl.read_csv(ins["overrides.csv"], schema_overrides={"item": pl.String})
    pos = {(i, s): j for j, (i, s) in enumerate(zip(s_item, s_seg, strict=True))}
    override = np.zeros((n, HORIZON))
    for r in ov.iter_rows(named=True):
        k = int(r["period"][:4]) * 12 + int(r["period"][5:]) - 1 - (2027 * 12 + first_k)
        if 0 <= k < HORIZON:
            override[pos[(r["item"], r["segment"])], k] += r["quantity"]
    final = np.maximum(base + override, 0)
    demand = pl.DataFrame(
        {
            "item": np.repeat(s_item, HORIZON),
            "segment": np.repeat(s_seg, HORIZON),
            "period": np.tile(periods, n),
            "baseline": base.ravel(),
            "pipeline": 0.0,
            "promotion": 0.0,
            "renewal": 0.0,
            "override": override.ravel(),
            "final": final.ravel(),
        }
    )
    sources = ov.with_columns(
        pl.lit("override").alias("component"),
        pl.col("quantity").cast(pl.Float64).alias("units"),
        pl.lit("cycles/x/inputs/overrides.csv").alias("source_file"),
        (pl.int_range(pl.len()) + 2).alias("source_line"),
        pl.col("override_id").alias("source_id"),
    ).select(
        "item", "segment", "period", "component", "units", "source_file", "source_line", "source_id"
    )
    per_item = demand.group_by("item", "period", maintain_order=True).agg(pl.col("final").sum())
    supply = per_item.select(
        "item",
        "period",
        pl.col("final").alias("demand"),
        pl.col("final").alias("production"),
        pl.col("final").alias("shipments"),
        pl.lit(300.0).alias("inventory"),
        pl.lit(100.0).alias("safety_stock"),
    )
    load = float(final.sum() / HORIZON)
    capacity = pl.DataFrame(
        {
            "resource": np.repeat(["ASSY", "CREW"], HORIZON),
            "kind": np.repeat(["fixed", "labour"], HORIZON),
            "period": periods * 2,
            "available": np.repeat([load * 0.012, load * 0.006], HORIZON),
            "load": np.repeat([load * 0.01, load * 0.005], HORIZON),
        }
    ).with_columns((pl.col("load") / pl.col("available")).alias("utilisation"))
    return {
        "demand_plan.csv": csv(demand),
        "demand_sources.csv": csv(sources),
        "supply_plan.csv": csv(supply),
        "capacity_plan.csv": csv(capacity),
    }


def actuals(rng: np.random.Generator, items: list[str], level: np.ndarray) -> dict[str, bytes]:
    n = level.size
    ks = np.arange(HORIZON)
    season = 1 + 0.1 * np.sin(2 * np.pi * ks / 12)
    ordered = np.round(np.outer(level, season) * rng.normal(1.0, 0.15, size=(n, HORIZON)))
    ordered = ordered.clip(0)
    shipped = np.round(ordered * rng.uniform(0.9, 1.0, size=ordered.shape))
    s_item = np.repeat(items, len(SEGMENTS))
    s_seg = np.tile(SEGMENTS, len(items))
    periods = [month(int(k)) for k in ks]
    demand = pl.DataFrame(
        {
            "item": np.repeat(s_item, HORIZON),
            "segment": np.repeat(s_seg, HORIZON),
            "period": np.tile(periods, n),
            "ordered": ordered.ravel(),
            "shipped": shipped.ravel(),
        }
    )
    stock = pl.DataFrame(
        {
            "item": np.repeat(items, HORIZON),
            "period": np.tile(periods, len(items)),
            "on_hand": rng.integers(50, 600, size=len(items) * HORIZON).astype(np.float64),
        }
    )
    per_item = demand.group_by("item", "period", maintain_order=True).agg(
        pl.col("shipped").sum().alias("produced")
    )
    hours = per_item.group_by("period", maintain_order=True).agg(pl.col("produced").sum())
    resource_hours = pl.concat(
        [
            hours.select(
                pl.lit("ASSY").alias("resource"),
                "period",
                (pl.col("produced") * 0.01).alias("hours"),
            ),
            hours.select(
                pl.lit("CREW").alias("resource"),
                "period",
                (pl.col("produced") * 0.005).alias("hours"),
            ),
        ]
    )
    outcome = np.array(["won", "lost", "open"])[rng.integers(0, 3, size=DEALS)]
    deals = pl.DataFrame(
        {
            "deal_id": [f"D-{i:04d}" for i in range(DEALS)],
            "outcome": outcome,
            "close_period": [month(int(k)) for k in rng.integers(0, 8, size=DEALS)],
        }
    )
    return {
        "demand.csv": csv(demand),
        "stock.csv": csv(stock),
        "production.csv": csv(per_item),
        "resource_hours.csv": csv(resource_hours),
        "deals.csv": csv(deals),
        "assumptions.csv": b"cycle,assumption_id,held,outcome\n2026-12,A1,yes,two shifts kept\n",
    }


def git(root: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {**os.environ, **ENV}
    out = subprocess.run(["git", *args], cwd=root, env=env, input=stdin, capture_output=True)
    if out.returncode:
        raise SystemExit(f"git {' '.join(args)} failed: {out.stderr.decode()}")
    return out.stdout.decode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(cycle: str, files: dict[str, str]) -> str:
    text = json.dumps(files, sort_keys=True, separators=(",", ":"))
    doc = {
        "version": 1,
        "cycle": cycle,
        "charter": "acme",
        "scenario": "base",
        "tagger": "planner@acme.example",
        "plan_digest": sha(text.encode()),
        "approvals": [],
        "files": files,
        "kpis": {"currency": "EUR", "service": {"strategic": 1.0, "standard": 0.97}},
        "assumptions": [{"id": "A1", "text": "ASSY keeps two shifts.", "owner": "ops_lead"}],
        "actions": [],
        "solver": {"engine": "synthetic"},
    }
    body = yaml.safe_dump(doc, sort_keys=False, width=1000)
    return f"# sopctl commit record sop/{cycle}/v1\n{body}"


def generate(root: Path) -> dict[str, object]:
    rng = np.random.default_rng(SEED)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("learn/\n")
    items = [f"I-{i:05d}" for i in range(ITEMS)]
    (root / "charters").mkdir()
    (root / "charters/acme.yaml").write_text(charter())
    ins = inputs(np.random.default_rng(SEED), items, 0)
    level = np.frombuffer(ins["__level"], dtype=np.float64)
    for k, cycle in enumerate(CYCLES):
        cdir = root / "cycles" / cycle
        (cdir / "inputs").mkdir(parents=True)
        (cdir / "outputs").mkdir()
        (cdir / "cycle.yaml").write_text(cycle_yaml(cycle, month(k)))
        for name, data in ins.items():
            if not name.startswith("__"):
                (cdir / "inputs" / name).write_bytes(data)
        outs = outputs(rng, items, k, ins)
        paths = ["charters/acme.yaml", f"cycles/{cycle}/cycle.yaml"]
        paths += [f"cycles/{cycle}/inputs/{n}" for n in ins if not n.startswith("__")]
        files = {p: sha((root / p).read_bytes()) for p in sorted(paths)}
        manifest = {
            "cycle": cycle,
            "step": "demand",
            "inputs": files,
            "outputs": {n: sha(outs[n]) for n in ("demand_plan.csv", "demand_sources.csv")},
        }
        outs["demand_manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
        for name, data in outs.items():
            (cdir / "outputs" / name).write_bytes(data)
        for n in ("supply_plan.csv", "capacity_plan.csv"):
            files[f"cycles/{cycle}/outputs/{n}"] = sha(outs[n])
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"plan {cycle}")
        git(
            root,
            "tag",
            "-a",
            "--cleanup=verbatim",
            "-F",
            "-",
            f"sop/{cycle}/v1",
            stdin=record(cycle, dict(sorted(files.items()))).encode(),
        )
    (root / "actuals").mkdir()
    for name, data in actuals(rng, items, level).items():
        (root / "actuals" / name).write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "actuals")
    return {
        "items": ITEMS,
        "series": ITEMS * len(SEGMENTS),
        "periods": HORIZON,
        "tags": len(CYCLES),
    }


def generate_northwind(root: Path) -> dict[str, object]:
    """The embedded demo, tagged for real (see the module docstring)."""
    from sopctl.governance.records import plan_digest
    from sopctl.validate import load_workspace

    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "charters", root / "charters")
    shutil.copytree(REPO / "cycles", root / "cycles", ignore=shutil.ignore_patterns("outputs"))
    (root / ".gitignore").write_text("cycles/*/outputs/\nlearn/\n" + MARKER + "\n")
    git(root, "init", "-q", "-b", "main")
    sop = [sys.executable, "-m", "sopctl", "--root", str(root)]
    env = {**os.environ, **ENV}
    for step in ("demand", "reconcile"):
        subprocess.run([*sop, step], check=True, capture_output=True, env=env)
    cycle = "2026-12"
    ws, _ = load_workspace(root, cycle, cwd=root)
    assert ws.charter is not None
    members = {r.id: r.members[0] for r in ws.charter.roles if r.members}
    digest = plan_digest(ws)
    lines = ["version: 1", "approvals:"]
    for role in ws.charter.approvals.required_roles:
        lines += [f"  - role: {role}", f"    person: {members[role]}"]
        lines += ["    time: '2026-12-12T09:00:00Z'", f"    plan_digest: {digest}"]
    cdir = root / "cycles" / cycle
    (cdir / "approvals.yaml").write_text("\n".join(lines) + "\n")
    (cdir / "actions.yaml").write_text(
        "version: 1\nactions:\n  - id: ACT-1\n    description: Review the escalations\n"
        "    owner: coo\n    due: 2027-01-15\n    answers: '*:*:*'\n"
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Commit the Northwind plan")
    tag = subprocess.run([*sop, "tag", cycle], capture_output=True, text=True, env=env)
    if tag.returncode:
        raise SystemExit(f"sopctl tag failed: {tag.stdout}{tag.stderr}")
    plan = pl.read_csv(cdir / "outputs" / "demand_plan.csv", schema_overrides={"item": pl.String})
    months = sorted(plan["period"].unique().to_list())[:6]
    rng = np.random.default_rng(SEED)
    act = plan.filter(pl.col("period").is_in(months))
    noise = rng.normal(1.0, 0.15, size=act.height).clip(0.5, 1.5)
    act = act.select(
        "item", "segment", "period", (pl.col("final") * noise).round(0).alias("ordered")
    ).with_columns((pl.col("ordered") * 0.95).round(0).alias("shipped"))
    (root / "actuals").mkdir()
    (root / "actuals" / "demand.csv").write_bytes(csv(act))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "actuals")
    return {"series": plan.select("item", "segment").n_unique(), "periods": len(months)}


DATASETS = {NAME: generate, NORTHWIND: generate_northwind}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="rewrite the repositories")
    ap.add_argument("--only", choices=sorted(DATASETS), help="one dataset")
    args = ap.parse_args(argv)
    status = 0
    for name, make in DATASETS.items():
        if args.only and name != args.only:
            continue
        root = DATA / name
        if (root / MARKER).exists() and not args.force:
            print(f"{root} exists (use --force to rewrite it)")
            continue
        t0 = time.perf_counter()
        meta = make(root)
        meta["seconds"] = round(time.perf_counter() - t0, 1)
        (root / MARKER).write_text(json.dumps({"meta": meta}, indent=2) + "\n")
        print(f"wrote {root} in {meta['seconds']} s: {meta}")
        r = subprocess.run(
            [sys.executable, "-m", "sopctl", "--root", str(root), "validate", "2026-12"],
            capture_output=True,
            text=True,
        )
        print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr)
        status = status or r.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
