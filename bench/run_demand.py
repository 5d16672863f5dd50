"""Run the `sopctl demand` benchmark on bench/data/signal-1m (written by bench/generate.py).

    python bench/generate.py --only signal-1m && python bench/run_demand.py      # 5 runs each
    python bench/run_demand.py --runs 9
    python bench/run_demand.py --previous     # the same with a previous cycle to compare with

`--previous` runs on bench/data/signal-1m-prev, made from signal-1m on first use: the same
files (hard links) plus a second cycle 2027-01, a copy of 2026-12 made a month later (its
cycle.yaml says `id: 2027-01`; the same inputs and horizon), so `sopctl demand` builds 2027-01
and compares it with 2026-12: the previous demand plan (2026-12's outputs, written by a
`sopctl demand 2026-12` run first) and the input-hygiene checks (SOP740-SOP745) on 2026-12's
pipeline, 1M deal rows matched one to one.

Measurements, every run in a fresh process, one at a time (the quiet-machine wait and the
discarding of disturbed runs of bench/run.py apply):

1. process: `sopctl --root bench/data/signal-1m demand` (text output to a file): wall time,
   CPU time and peak RSS. It validates the cycle, builds the demand view and writes it to
   cycles/2026-12/outputs/ (demand_plan.csv, demand_sources.csv, ...).
2. in-process split, the steps of `sopctl.demand.run_demand` timed one by one in a fresh
   process: imports (sopctl.validate, sopctl.signal, sopctl.demand and what they pull in),
   `load_workspace` (read and validate every input), `build_demand` (and inside it
   `statistical_baseline`, timed by wrapping the function the engine calls), the wait for the
   previous cycle's pipeline, targets, deal comparison and digests (worked out in a thread
   while the view is built, as `run_demand` does), the output bytes (`demand_files`), the
   manifest (input and output digests) and `write_all`.
3. the same with the charter's `forecast.default_method` set to `moving_average` in memory
   (instead of `auto`), to show what the statistical baseline costs.

The goal: the demand plan in at most 5 s (median process wall time). Raw results go to
bench/results/demand-<timestamp>.json and demand-latest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run as base

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
MARKER = ".generated.json"
DATASET = "signal-1m"
GOAL_S = 5.0
PREVIOUS = "signal-1m-prev"


def prepare_previous() -> Path:
    """bench/data/signal-1m-prev: signal-1m with a copy of its cycle as 2027-01 (module doc)."""
    root = DATA / PREVIOUS
    if (root / MARKER).exists():
        return root
    src = DATA / DATASET
    if root.exists():
        shutil.rmtree(root)
    ignore = shutil.ignore_patterns("outputs")
    shutil.copytree(src, root, copy_function=os.link, ignore=ignore)
    cycles = root / "cycles"
    shutil.copytree(cycles / "2026-12", cycles / "2027-01", copy_function=os.link)
    yaml_path = cycles / "2027-01" / "cycle.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.unlink()  # a hard link: write a file of its own
    yaml_path.write_text(text.replace("id: 2026-12", "id: 2027-01", 1), encoding="utf-8")
    cmd = [*base.sopctl_command(), "--root", str(root), "demand", "2026-12"]
    subprocess.run(cmd, check=True, capture_output=True)  # the previous cycle's plan
    (root / MARKER).write_text((src / MARKER).read_text(encoding="utf-8"), encoding="utf-8")
    return root


# argv: root, method ("" = the charter's). Prints one JSON line.
INPROCESS = """
import json, sys, time
c0, t0 = time.process_time(), time.perf_counter()
from pathlib import Path
from sopctl.demand import demand_files, previous_plan, MANIFEST
from sopctl.previous_inputs import previous_inputs
from sopctl.signal.hygiene import input_hygiene
from sopctl.outputs import write_all
from sopctl.results import manifest
from sopctl.validate import load_workspace
import sopctl.signal.engine as engine
import sopctl.inputs  # noqa: the modules validation imports lazily
t1 = time.perf_counter()
base = {"s": 0.0}
fit = engine.statistical_baseline
def timed(*a, **k):
    s = time.perf_counter()
    out = fit(*a, **k)
    base["s"] += time.perf_counter() - s
    return out
engine.statistical_baseline = timed
root, method = Path(sys.argv[1]), sys.argv[2]
ws, report = load_workspace(root)
t2 = time.perf_counter()
assert report.ok, "the dataset does not validate"
if method:
    ch = ws.charter
    ws.charter = ch.model_copy(
        update={"forecast": ch.forecast.model_copy(update={"default_method": method})}
    )
prev_cycle, previous = previous_plan(ws)
# as run_demand: the previous cycle's files are read (and hashed) while the view is built
from concurrent.futures import ThreadPoolExecutor
from sopctl.demand import previous_record
from sopctl.previous_source import previous_source
from sopctl.signal.deals_since import deal_changes
def prior():
    with previous_source(ws, prev_cycle) as src:
        before = src and previous_inputs(ws, prev_cycle, src.root, src.same)
        pipeline, rules = ws.tables.get("pipeline"), ws.charter.pipeline
        deals = deal_changes(pipeline, before, rules) if before else None
        return before, deals, previous_record(ws, src)
with ThreadPoolExecutor(max_workers=1) as pool:
    reading = pool.submit(prior)
    result = engine.build_demand(ws, previous)
    t3 = time.perf_counter()
    before, deals, digests = reading.result()
t3a = time.perf_counter()
hygiene = input_hygiene(ws, result, before, deals)
t3b = time.perf_counter()
files = demand_files(ws, result)
t4 = time.perf_counter()
files[MANIFEST] = manifest(ws, "demand", files, digests)
t5 = time.perf_counter()
out = ws.cycle_dir / "outputs"
write_all({out / name: data for name, data in files.items()})
t6 = time.perf_counter()
methods = result.baseline_methods.group_by("method").len().sort("method").rows()
print(json.dumps({
    "imports_s": t1 - t0, "load_workspace_s": t2 - t1, "build_demand_s": t3 - t2,
    "baseline_s": base["s"], "previous_inputs_s": t3a - t3, "hygiene_s": t3b - t3a,
    "files_s": t4 - t3b, "manifest_s": t5 - t4, "write_s": t6 - t5,
    "total_s": t6 - t0, "cpu_s": time.process_time() - c0,
    "plan_rows": result.plan.height, "source_rows": result.sources.height,
    "findings": len(result.findings) + len(hygiene), "bytes": {k: len(v) for k, v in files.items()},
    "methods": dict(methods),
}))
"""

STEPS = (
    "imports_s",
    "load_workspace_s",
    "build_demand_s",
    "baseline_s",
    "previous_inputs_s",
    "hygiene_s",
    "files_s",
    "manifest_s",
    "write_s",
    "total_s",
)


def _inprocess(root: Path, method: str) -> dict[str, Any]:
    child = base.run_child([sys.executable, "-c", INPROCESS, str(root), method])
    rec: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    rec["wall_s"] = child.wall_s
    rec["others_cores"] = child.others_cpu_s / child.wall_s
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    ap.add_argument("--max-wait", type=float, default=base.MAX_WAIT)
    ap.add_argument("--max-others", type=float, default=base.MAX_OTHERS)
    ap.add_argument(
        "--previous", action="store_true", help="with a previous cycle (signal-1m-prev)"
    )
    ap.add_argument("--label", default="", help="added to the results' file name")
    args = ap.parse_args(argv)
    base.MAX_WAIT, base.MAX_OTHERS = args.max_wait, args.max_others
    root = DATA / DATASET
    if not (root / MARKER).exists():
        raise SystemExit(f"bench/data/{DATASET} is missing; run: python bench/generate.py")
    if args.previous:
        root = prepare_previous()
    res: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "machine": base.machine(),
        "load_average_before": os.getloadavg(),
        "dataset": json.loads((root / MARKER).read_text())["meta"],
        "dataset_name": root.name,
        "sopctl": _revision(),
    }
    cmd = [*base.sopctl_command(), "--root", str(root), "demand"]
    procs = base.repeat(args.runs, "sopctl demand (process)", lambda: base.run_child(cmd))
    res["process"] = base._child_summary(procs)
    res["process"]["maxrss_bytes"] = base.stats([float(c.maxrss_bytes) for c in procs])
    for label, method in (("auto", ""), ("moving_average", "moving_average")):
        recs = base.repeat(args.runs, f"in-process ({label})", lambda m=method: _inprocess(root, m))
        res[f"inprocess_{label}"] = {
            **{k: base.stats([r[k] for r in recs]) for k in STEPS},
            "others_cores_max": max(r["others_cores"] for r in recs),
            "runs": recs,
        }
    res["discarded_runs"] = base.DISCARDED
    md = table(res)
    res["markdown"] = md
    print(md)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = (
        "demand" + ("-previous" if args.previous else "") + (f"-{args.label}" if args.label else "")
    )
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(path, RESULTS / f"{name}-latest.json")
    print(f"raw results: {path}")
    return 0


def _revision() -> str:
    """The commit of the sopctl that runs (the first on the path), for comparing commits."""
    import sopctl

    where = Path(sopctl.__file__).resolve().parent.parent
    proc = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{where} {proc.stdout.strip()}"


def table(res: dict[str, Any]) -> str:
    def row(
        label: str, st: dict[str, float], others: float | None = None, mib: bool = False
    ) -> str:
        f = (lambda x: f"{x / 2**20:,.0f} MiB") if mib else (lambda x: f"{x:.3f} s")
        oth = "" if others is None else f"{others:.2f}"
        return f"| {label} | {f(st['median'])} | {f(st['min'])} | {f(st['max'])} | {oth} |"

    p = res["process"]
    lines = [
        "| measurement | median | min | max | others' CPU |",
        "|---|---:|---:|---:|---:|",
        row("`sopctl demand` signal-1m, process wall", p["wall_s"], p["others_cores_max"]),
        row("  the same, CPU (user+sys)", p["cpu_s"]),
        row("  the same, peak RSS", p["maxrss_bytes"], mib=True),
    ]
    labels = {
        "imports_s": "imports",
        "load_workspace_s": "`load_workspace` (read + validate)",
        "build_demand_s": "`build_demand`",
        "baseline_s": "  of which `statistical_baseline`",
        "previous_inputs_s": "previous cycle read, deals compared, hashed (wait after build)",
        "hygiene_s": "`input_hygiene` (SOP740-SOP748)",
        "files_s": "`demand_files` (CSV bytes)",
        "manifest_s": "manifest (SHA-256 of inputs and outputs)",
        "write_s": "`write_all` (atomic write of the outputs)",
        "total_s": "in-process total",
    }
    for method in ("auto", "moving_average"):
        sec = res[f"inprocess_{method}"]
        for k, label in labels.items():
            lines.append(
                row(
                    f"in-process, {method}: {label}",
                    sec[k],
                    sec["others_cores_max"] if k == "total_s" else None,
                )
            )
    ok = p["wall_s"]["median"] <= GOAL_S
    lines += ["", f"- demand plan <= 5 s (process wall, median): {'MET' if ok else 'MISSED'}"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
