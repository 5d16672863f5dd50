"""Benchmark: the base plan plus 10 what-if scenarios against the base plan alone.

    python bench/generate_plan.py --only plan-200 && python bench/run_scenarios.py --runs 5

The repository is plan-200 of bench/generate_plan.py (200 items x 24 months x 20 resources,
"typical S&OP") copied to bench/data/scenarios-200 with ten scenario files declared in its
cycle.yaml (SCENARIOS below: demand, a deal, capacity, an extra shift, workforce policies,
supplier capacity and lead time, price and cost). After the copy the repository must validate
clean and `sopctl demand` writes the demand view, so every run reuses it.

Measured, every run in a fresh process, one at a time (waiting for a quiet machine first, as
bench/run.py does; a run during which other processes used more than --max-others cores is
repeated up to 4 times):

1. base: `sopctl --root R reconcile --dry-run --format json` (process wall time);
2. base + 10: `sopctl --root R reconcile --dry-run --all-scenarios --format json`; from its
   JSON, per scenario: how its LP was solved (warm = changed in place and restarted from the
   base's basis, cold = rebuilt), the HiGHS runs (more than 1 = priority stages) and seconds
   (its overlays, model and solve, plus its results and files, which are made in a worker
   thread while the next scenario is solved: the seconds overlap and add up to more than the
   wall time);
3. diagnostic: the same in a `python -c` process through `run_scenarios(..., warm=False)`,
   every scenario rebuilt and solved from scratch.

Goal: median(base + 10) < 3 x median(base). Results: bench/results/scenarios-<stamp>.json and
scenarios-latest.json (git-ignored); the Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run as base

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
SOURCE = DATA / "plan-200"
ROOT = DATA / "scenarios-200"
CYCLE = Path("cycles") / "2026-12"
GOAL = 3.0

# id -> (owner, description, overlays); ids of plan-200 (bench/generate_plan.py, fixed seed)
SCENARIOS: dict[str, tuple[str, str, str]] = {
    "pumps_up": (
        "sales_lead",
        "Pump demand 10% up",
        "  - {kind: demand, families: [pumps], factor: 1.1}\n",
    ),
    "deal": (
        "sales_lead",
        "A key-account deal: 200 more I-00001 a month in spring",
        "  - {kind: demand, items: [I-00001], segments: [key], from: 2027-03, "
        "to: 2027-05, units: 200}\n",
    ),
    "line_down": (
        "ops_lead",
        "R-001 at 80% for the summer",
        "  - {kind: capacity, resources: [R-001], from: 2027-06, to: 2027-08, factor: 0.8}\n",
    ),
    "extra_shift": (
        "ops_lead",
        "An extra shift on R-002 from April",
        "  - {kind: shift, resources: [R-002], from: 2027-04, hours: 200}\n",
    ),
    "hiring_freeze": (
        "ops_lead",
        "No hires in any crew",
        "  - {kind: workforce, policy: hiring_freeze}\n",
    ),
    "no_layoffs": (
        "ops_lead",
        "No layoffs in any crew",
        "  - {kind: workforce, policy: no_layoffs}\n",
    ),
    "supplier_cut": (
        "buyer",
        "Supplier 001 allocates 20% less",
        "  - {kind: supplier, suppliers: [Supplier 001], capacity_factor: 0.8}\n",
    ),
    "supplier_late": (
        "buyer",
        "M-00002 one month late",
        "  - {kind: supplier, materials: [M-00002], delay: 1}\n",
    ),
    "price_up": (
        "sales_lead",
        "Valves 5% dearer",
        "  - {kind: price, families: [valves], factor: 1.05}\n",
    ),
    "cost_up": (
        "cfo",
        "Seals and motors cost 8% more",
        "  - {kind: cost, families: [seals, motors], factor: 1.08}\n",
    ),
}

COLD = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from sopctl.scenarios.run import run_scenarios
run = run_scenarios(Path(sys.argv[1]), None, [], every=True, dry_run=True, warm=False)
print(json.dumps({"ok": run.ok, "seconds": time.perf_counter() - t0,
                  "solved": [s.solved for s in run.scenarios]}))
"""


def prepare(sop: list[str]) -> None:
    if not (SOURCE / CYCLE / "cycle.yaml").is_file():
        subprocess.run(
            [sys.executable, str(HERE / "generate_plan.py"), "--only", "plan-200"], check=True
        )
    if ROOT.exists():
        shutil.rmtree(ROOT)
    shutil.copytree(SOURCE, ROOT, ignore=shutil.ignore_patterns("outputs", "*.mps"))
    cycle = ROOT / CYCLE / "cycle.yaml"
    text = cycle.read_text(encoding="utf-8")
    text += "".join(
        f"  - id: {sid}\n    description: {json.dumps(d)}\n" for sid, (_, d, _) in SCENARIOS.items()
    )
    cycle.write_text(text, encoding="utf-8")
    folder = ROOT / CYCLE / "scenarios"
    folder.mkdir()
    for sid, (owner, what, overlays) in SCENARIOS.items():
        (folder / f"{sid}.yaml").write_text(
            f"description: {json.dumps(what)}\nowner: {owner}\noverlays:\n{overlays}",
            encoding="utf-8",
        )
    check = subprocess.run(
        [*sop, "--root", str(ROOT), "validate", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    doc = json.loads(check.stdout)
    if not doc["ok"] or doc["findings"]:
        raise SystemExit(f"{ROOT} does not validate clean: {doc['findings'][:5]}")
    subprocess.run([*sop, "--root", str(ROOT), "demand"], capture_output=True, check=True)


def _json(child: base.Child) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(child.stdout)
    return doc


def measure(runs: int, sop: list[str]) -> dict[str, Any]:
    reconcile = [*sop, "--root", str(ROOT), "reconcile", "--dry-run", "--format", "json"]
    res: dict[str, Any] = {}
    kids = base.repeat(runs, "base", lambda: base.run_child(reconcile))
    docs = [_json(c) for c in kids]
    if any(d["status"] != "optimal" or d["demand"] != "reused" for d in docs):
        raise SystemExit("the base plan is not optimal or did not reuse the demand view")
    res["base"] = base._child_summary(kids)
    res["base"]["highs_runs"] = docs[0]["plan"]["solver"]["runs"]
    kids = base.repeat(runs, "base + 10", lambda: base.run_child([*reconcile, "--all-scenarios"]))
    docs = [_json(c) for c in kids]
    if any(not d["ok"] for d in docs):
        raise SystemExit("a scenario has no plan: " + json.dumps(docs[0]["scenarios"])[:2000])
    res["all"] = base._child_summary(kids)
    res["all"]["scenarios"] = [
        {
            "id": s["id"],
            "solved": s["solved"],
            "highs_runs": s["plan"]["solver"]["runs"],
            "seconds_median": statistics.median(
                next(x["seconds"] for x in d["scenarios"] if x["id"] == s["id"]) for d in docs
            ),
        }
        for s in docs[0]["scenarios"]
    ]
    cold_cmd = [sys.executable, "-c", COLD, str(ROOT)]
    kids = base.repeat(runs, "base + 10 cold", lambda: base.run_child(cold_cmd))
    res["cold"] = base._child_summary(kids)
    res["cold"]["solved"] = _json(kids[0])["solved"]
    b, a, c = (res[k]["wall_s"]["median"] for k in ("base", "all", "cold"))
    res["ratio"] = a / b
    res["ratio_cold"] = c / b
    res["goal_met"] = res["ratio"] < GOAL
    return res


def table(res: dict[str, Any]) -> str:
    lines = [
        "| measurement (plan-200, 10 scenarios) | median | min | max | others' CPU |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in (
        ("base", "`reconcile --dry-run` (base alone), process wall"),
        ("all", "`reconcile --dry-run --all-scenarios` (base + 10, warm start), wall"),
        ("cold", "diagnostic: base + 10, every scenario rebuilt cold, wall"),
    ):
        s = res[key]
        w = s["wall_s"]
        lines.append(
            f"| {label} | {w['median']:.2f} s | {w['min']:.2f} s | {w['max']:.2f} s | "
            f"{s['others_cores_max']:.2f} |"
        )
    lines += [
        "",
        f"- base + 10 / base: {res['ratio']:.2f}x (goal < {GOAL:.0f}x: "
        f"{'MET' if res['goal_met'] else 'MISSED'}); all cold / base: {res['ratio_cold']:.2f}x",
        "",
        "| scenario | solved | HiGHS runs | seconds (median, in-process, overlapping) |",
        "|---|---|---:|---:|",
    ]
    for s in res["all"]["scenarios"]:
        lines.append(
            f"| {s['id']} | {s['solved']} | {s['highs_runs']} | {s['seconds_median']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    ap.add_argument("--max-wait", type=float, default=base.MAX_WAIT)
    ap.add_argument("--max-others", type=float, default=base.MAX_OTHERS)
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    base.MAX_WAIT, base.MAX_OTHERS = args.max_wait, args.max_others
    sop = base.sopctl_command()
    prepare(sop)
    res: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": base.machine(),
        "load_average_before": os.getloadavg(),
        "args": vars(args),
        **measure(args.runs, sop),
    }
    res["discarded"] = dict(base.DISCARDED)
    res["markdown"] = table(res)
    print(res["markdown"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = res["started"].replace("-", "").replace(":", "").replace("+0000", "Z")
    path = RESULTS / f"scenarios-{stamp}.json"
    path.write_text(json.dumps(res, indent=2, default=str) + "\n", encoding="utf-8")
    shutil.copyfile(path, RESULTS / "scenarios-latest.json")
    print(f"raw results: {path}")
    return 0 if res["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
