"""Time `sopctl report`, `sopctl export xlsx` (results and --inputs) and `sopctl import xlsx` on a
copy of the embedded Northwind demo (18 periods, 30 items, 4 resources; 2,597 input rows).

    python bench/run_report.py --runs 5

Each command runs as its own process (wall time, what a user waits for), once with the
reconcile outputs of the base and of the demo's three scenarios current (the usual case after
`sopctl reconcile --all-scenarios`) and, for the report, once with them missing (the base plan
and the scenarios are then solved in memory, nothing written). Prints median, min and max per
measurement and the sizes of the files written; raw numbers go to
bench/results/report-latest.json (git-ignored). Other processes on the machine skew the times:
the figures are indicative.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
CYCLE = "2026-12"


def _copy_demo(dest: Path) -> Path:
    shutil.copytree(REPO / "charters", dest / "charters")
    shutil.copytree(
        REPO / "cycles" / CYCLE,
        dest / "cycles" / CYCLE,
        ignore=shutil.ignore_patterns("outputs"),
    )
    return dest


def _sopctl(root: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sopctl", "--root", str(root), *args],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median shown)")
    opts = ap.parse_args()
    times: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="sopctl-bench-report-") as tmp:
        root = _copy_demo(Path(tmp) / "demo")
        out = root / "cycles" / CYCLE / "outputs"
        html, plan, inputs = Path(tmp) / "r.html", Path(tmp) / "plan.xlsx", Path(tmp) / "in.xlsx"
        for _ in range(opts.runs):
            shutil.rmtree(out, ignore_errors=True)
            times.setdefault("report, plan solved in memory", []).append(
                _sopctl(root, "report", "--out", str(html))
            )
        _sopctl(root, "reconcile", "--all-scenarios")
        steps = {
            "report, outputs current": ("report", "--out", str(html)),
            "export xlsx (results)": ("export", "xlsx", "--out", str(plan)),
            "export xlsx --inputs": ("export", "xlsx", "--inputs", "--out", str(inputs)),
            "import xlsx --dry-run": ("import", "xlsx", str(inputs), CYCLE, "--dry-run"),
            "import xlsx (all unchanged)": ("import", "xlsx", str(inputs), CYCLE),
            "sopctl validate (reference)": ("validate", CYCLE),
        }
        for name, args in steps.items():
            times[name] = [_sopctl(root, *args) for _ in range(opts.runs)]
        sizes = {p.name: p.stat().st_size for p in (html, plan, inputs)}
    print(f"{'measurement':34} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, ts in times.items():
        print(f"{name:34} {statistics.median(ts):9.2f} {min(ts):7.2f} {max(ts):7.2f}")
    print("sizes: " + ", ".join(f"{k} {v / 1024:,.0f} KiB" for k, v in sizes.items()))
    RESULTS.mkdir(exist_ok=True)
    doc = {"runs": opts.runs, "seconds": times, "bytes": sizes}
    (RESULTS / "report-latest.json").write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
