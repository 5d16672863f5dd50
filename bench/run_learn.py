"""Run the `sopctl learn` benchmarks on bench/data/learn-10k and learn-northwind (written by
bench/generate_learn.py).

    python bench/generate_learn.py && python bench/run_learn.py        # 5 runs each
    python bench/run_learn.py --runs 9

Measurements, every run in a fresh process, one at a time (the quiet-machine wait and the
discarding of disturbed runs of bench/run.py apply):

1. learn-10k, process: `sopctl --root bench/data/learn-10k learn sop/2026-12/v1` (text output
   to a file): wall time, CPU time, peak RSS. 10,000 series x 36 periods, 6 committed tags
   whose trees hold their outputs; 36 months of actuals. Goal: at most 5 s (median wall).
2. learn-10k, in-process split of `run_learn` in a fresh process: imports, the committed plan of
   the tag (read from git, proven, plus the tagged inputs validated), the actuals (read and
   checked), the other tags for the lag analysis, the scoring, writing the two files.
3. learn-northwind, the rebuild path: the embedded demo tagged by `sopctl tag` with outputs
   git-ignored. Cold: the cache (<git dir>/sopctl-cache) removed before each run, so learn
   rebuilds the demand view and re-solves the plan from the tagged inputs. Warm: from the cache.

Raw results go to bench/results/learn-<timestamp>.json and learn-latest.json (git-ignored).
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
BIG = "learn-10k"
NORTHWIND = "learn-northwind"
GOAL_S = 5.0

INPROCESS = """
import json, sys, time
c0, t0 = time.process_time(), time.perf_counter()
from pathlib import Path
import sopctl.learn.engine as engine
import sopctl.inputs, sopctl.plan, sopctl.validate  # what the engine imports lazily
t1 = time.perf_counter()
marks = []  # progress: committed plan, actuals, lag tags, scoring (in this order)
def mark(msg):
    marks.append(time.perf_counter())
write = engine.write_all
def timed_write(files, **kw):
    marks.append(time.perf_counter())
    write(files, **kw)
engine.write_all = timed_write
res = engine.run_learn(Path(sys.argv[1]), sys.argv[2], progress=mark)
t9 = time.perf_counter()
stamps = [t1, *marks, t9]
print(json.dumps({
    "imports_s": t1 - t0,
    "committed_s": stamps[2] - stamps[0],
    "actuals_s": stamps[3] - stamps[2],
    "lag_tags_s": stamps[4] - stamps[3],
    "scoring_s": stamps[5] - stamps[4],
    "write_s": stamps[6] - stamps[5],
    "total_s": t9 - t0,
    "cpu_s": time.process_time() - c0,
    "rows": res.scorecard.height, "series_rows": res.series.height,
    "lag_tags": len(res.lag_tags), "sources": res.sources,
}))
"""
STEPS = ("imports_s", "committed_s", "actuals_s", "lag_tags_s", "scoring_s", "write_s", "total_s")
LABELS = {
    "imports_s": "imports",
    "committed_s": "committed plan of the tag (git, proofs, tagged inputs validated)",
    "actuals_s": "actuals (read and checked)",
    "lag_tags_s": "the 5 other tags (lag analysis)",
    "scoring_s": "scoring (every section) and the CSV bytes",
    "write_s": "atomic write of scorecard.csv and series.csv",
    "total_s": "in-process total",
}


def _code(cmd: list[str]) -> int:
    return subprocess.run(cmd, capture_output=True, check=False).returncode


def _inprocess(root: Path) -> dict[str, Any]:
    child = base.run_child([sys.executable, "-c", INPROCESS, str(root), "sop/2026-12/v1"])
    rec: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    rec["wall_s"] = child.wall_s
    rec["others_cores"] = child.others_cpu_s / child.wall_s
    return rec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    ap.add_argument("--max-wait", type=float, default=base.MAX_WAIT)
    ap.add_argument("--max-others", type=float, default=base.MAX_OTHERS)
    args = ap.parse_args(argv)
    base.MAX_WAIT, base.MAX_OTHERS = args.max_wait, args.max_others
    for name in (BIG, NORTHWIND):
        if not (DATA / name / ".generated.json").exists():
            raise SystemExit(f"bench/data/{name} is missing; run: python bench/generate_learn.py")
    res: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "machine": base.machine(),
        "load_average_before": os.getloadavg(),
    }
    big = DATA / BIG
    cmd = [*base.sopctl_command(), "--root", str(big), "learn", "sop/2026-12/v1"]
    code = _code(cmd)
    procs = base.repeat(args.runs, "sopctl learn 10k (process)", lambda: base.run_child(cmd, code))
    res["process"] = base._child_summary(procs)
    res["process"]["maxrss_bytes"] = base.stats([float(c.maxrss_bytes) for c in procs])
    recs = base.repeat(args.runs, "learn 10k in-process", lambda: _inprocess(big))
    res["inprocess"] = {
        **{k: base.stats([r[k] for r in recs]) for k in STEPS},
        "others_cores_max": max(r["others_cores"] for r in recs),
        "runs": recs,
    }
    nw = DATA / NORTHWIND
    cmd = [*base.sopctl_command(), "--root", str(nw), "learn", "2026-12"]
    cache = nw / ".git" / "sopctl-cache"
    code = _code(cmd)

    def cold() -> base.Child:
        shutil.rmtree(cache, ignore_errors=True)
        return base.run_child(cmd, code)

    res["northwind_cold"] = base._child_summary(base.repeat(args.runs, "northwind cold", cold))
    _code(cmd)  # fill the cache
    warm = base.repeat(args.runs, "northwind warm", lambda: base.run_child(cmd, code))
    res["northwind_warm"] = base._child_summary(warm)
    res["discarded_runs"] = base.DISCARDED
    md = table(res)
    res["markdown"] = md
    print(md)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"learn-{stamp}.json"
    path.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(path, RESULTS / "learn-latest.json")
    print(f"raw results: {path}")
    return 0


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
        row("`sopctl learn` 10k x 36 x 6 tags, process wall", p["wall_s"], p["others_cores_max"]),
        row("  the same, CPU (user+sys)", p["cpu_s"]),
        row("  the same, peak RSS", p["maxrss_bytes"], mib=True),
    ]
    sec = res["inprocess"]
    for k, label in LABELS.items():
        lines.append(
            row(f"in-process: {label}", sec[k], sec["others_cores_max"] if k == "total_s" else None)
        )
    for key, label in (
        ("northwind_cold", "Northwind demo, rebuilt from the tag (cache cleared), process wall"),
        ("northwind_warm", "Northwind demo, from the cache, process wall"),
    ):
        lines.append(row(label, res[key]["wall_s"], res[key]["others_cores_max"]))
    ok = p["wall_s"]["median"] <= GOAL_S
    lines += [
        "",
        f"- learn 10k x 36 x 6 tags <= 5 s (process wall, median): {'MET' if ok else 'MISSED'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
