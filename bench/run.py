"""Run the sopctl benchmarks on the repositories written by bench/generate.py.

    python bench/generate.py && python bench/run.py            # 5 runs each
    python bench/run.py --runs 9 --help-runs 30

Every measurement runs in fresh processes, one at a time; the table shows median, min and max.
Raw numbers go to bench/results/<timestamp>.json (and latest.json), both git-ignored.

Measurements:

1. validate-1m: `sopctl --root bench/data/pipeline-1m validate` as a process (wall time).
2. validate-1m in-process: in a fresh process that has already imported polars and sopctl
   (and read the small items.csv once, so the Polars CSV reader and thread pool are warm), time
   a bare `polars.read_csv(pipeline.csv)` (the peer) and then `sopctl.validate.validate(root)`.
   Reported: both times, validate/read_csv, and validation work = validate - read_csv of the
   same process. validate() reads and checks every input of the cycle, not only pipeline.csv.
3. validate-10m: `sopctl --root bench/data/history-10m validate` under /usr/bin/time -v
   (wall time and peak RSS of the process).
4. help: `sopctl --help` as a process (wall time); `python -c pass` alongside for the
   interpreter's own start-up; and which heavy modules a `sopctl --help` process imported.

Other processes on the machine skew wall times. Before each run the script waits (up to
--max-wait seconds) until the machine is nearly idle, and it records from /proc/stat how much
CPU everything else used during each run. A run during which others used more than
--max-others cores (default 0.25) is discarded and repeated, up to 4 times. The "others' CPU"
column is the largest such share among the kept runs, in cores (0.00 = the machine was ours;
1.00 = another process kept one core busy). Discarded runs are counted in the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
INPUTS = Path("cycles") / "2026-12" / "inputs"
HEAVY = ("polars", "highspy", "git", "numpy")
FORBIDDEN_AT_HELP = ("polars", "highspy", "git")

GOAL_WORK_S = 0.5
GOAL_RSS_BYTES = 2 * 10**9  # 2 GB
GOAL_HELP_S = 0.250
MAX_WAIT = 60.0  # seconds to wait for other processes to quiet down before a run
MAX_OTHERS = 0.25  # a run during which others used more CPU than this (in cores) is repeated
RETRIES = 4
DISCARDED: dict[str, int] = {}

# Runs in a fresh interpreter: argv = [root, csv path, warm-up csv path]
INPROCESS = """
import json, sys, time
from pathlib import Path
import polars as pl
import sopctl.inputs  # the modules validate() imports lazily: import time is not timed
from sopctl.validate import validate
root, csv, warm = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
pl.read_csv(warm)  # warm the CSV reader and thread pool for both timings alike
c0, t0 = time.process_time(), time.perf_counter()
df = pl.read_csv(csv)
c1, t1 = time.process_time(), time.perf_counter()
report = validate(root)
c2, t2 = time.process_time(), time.perf_counter()
print(json.dumps({"read_csv_s": t1 - t0, "validate_s": t2 - t1, "read_csv_cpu_s": c1 - c0,
                  "validate_cpu_s": c2 - c1, "rows": df.height, "ok": report.ok,
                  "findings": len(report)}))
"""

# Runs in a fresh interpreter: the CLI entry point with --help, then the modules it loaded
HELP_MODULES = """
import contextlib, io, json, sys
sys.argv = ["sopctl", "--help"]
from sopctl.cli.app import main
code = None
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main()
    except SystemExit as exc:
        code = exc.code
heavy = %r
loaded = {h: sorted(m for m in sys.modules if m == h or m.startswith(h + "."))[:5] for h in heavy}
print(json.dumps({"exit": code, "help_chars": len(out.getvalue()), "loaded": loaded}))
"""


def sopctl_command() -> list[str]:
    exe = Path(sys.executable).with_name("sopctl")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sopctl"]


def stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


@dataclass
class Child:
    """One finished child process: wall and CPU time, peak RSS and what else ran meanwhile."""

    wall_s: float
    cpu_s: float  # user + system of the child (all its threads)
    maxrss_bytes: int  # of the child itself, from wait4
    others_cpu_s: float  # CPU time the machine spent outside this child during the run
    stdout: str
    stderr: str


def _busy_s() -> float:
    """CPU seconds the whole machine has been busy (all CPUs), from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_quiet(max_wait: float, threshold: float = 0.15) -> float:
    """Wait until the machine is nearly idle (busy < threshold of all CPUs over 0.5 s)."""
    t0 = time.perf_counter()
    ncpu = os.cpu_count() or 1
    while True:
        b0 = _busy_s()
        time.sleep(0.5)
        if (_busy_s() - b0) / (0.5 * ncpu) < threshold:
            break
        if time.perf_counter() - t0 > max_wait:
            break
    return time.perf_counter() - t0


def run_child(cmd: list[str], expect: int = 0) -> Child:
    wait_quiet(MAX_WAIT)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        b0 = _busy_s()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        busy = _busy_s() - b0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    cpu = ru.ru_utime + ru.ru_stime
    if proc.returncode != expect:
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}")
    return Child(wall, cpu, ru.ru_maxrss * 1024, max(0.0, busy - cpu), stdout, stderr)


def _share(result: Any) -> float:
    """Cores other processes used during a run (Child, (Child, x) or an in-process record)."""
    if isinstance(result, tuple):
        result = result[0]
    if isinstance(result, Child):
        return result.others_cpu_s / result.wall_s
    return float(result["others_cores"])


def repeat(n: int, label: str, fn: Callable[[], Any]) -> list[Any]:
    """n runs of fn; a run during which other processes took more than MAX_OTHERS cores is
    discarded and repeated (at most RETRIES times per run, then kept and counted)."""
    out: list[Any] = []
    discarded = 0
    for _ in range(n):
        for attempt in range(RETRIES + 1):
            result = fn()
            if _share(result) <= MAX_OTHERS or attempt == RETRIES:
                break
            discarded += 1
        out.append(result)
    DISCARDED[label] = discarded
    print(f"  {label}: {n} runs ({discarded} discarded as disturbed)", file=sys.stderr, flush=True)
    return out


def _others(children: list[Child]) -> float:
    """Largest share of other CPU use during a run, in cores (0 = the machine was ours)."""
    return max(c.others_cpu_s / c.wall_s for c in children)


def _child_summary(children: list[Child]) -> dict[str, Any]:
    return {
        "wall_s": stats([c.wall_s for c in children]),
        "cpu_s": stats([c.cpu_s for c in children]),
        "others_cores_max": _others(children),
        "runs": [
            {k: v for k, v in asdict(c).items() if k not in ("stdout", "stderr")} for c in children
        ],
    }


def bench_validate_1m(runs: int) -> dict[str, Any]:
    root = DATA / "pipeline-1m"
    cmd = [*sopctl_command(), "--root", str(root), "validate"]
    procs = repeat(runs, "validate pipeline-1m (process)", lambda: run_child(cmd))

    def one() -> dict[str, Any]:
        args = [str(root), str(root / INPUTS / "pipeline.csv"), str(root / INPUTS / "items.csv")]
        child = run_child([sys.executable, "-c", INPROCESS, *args])
        rec: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
        if not rec["ok"] or rec["findings"]:
            raise SystemExit(f"pipeline-1m does not validate clean in-process: {rec}")
        rec["ratio"] = rec["validate_s"] / rec["read_csv_s"]
        rec["work_s"] = rec["validate_s"] - rec["read_csv_s"]
        rec["others_cores"] = child.others_cpu_s / child.wall_s
        return rec

    recs = repeat(runs, "validate pipeline-1m (in-process)", one)
    return {
        "process": _child_summary(procs),
        "read_csv_s": stats([r["read_csv_s"] for r in recs]),
        "validate_s": stats([r["validate_s"] for r in recs]),
        "read_csv_cpu_s": stats([r["read_csv_cpu_s"] for r in recs]),
        "validate_cpu_s": stats([r["validate_cpu_s"] for r in recs]),
        "ratio": stats([r["ratio"] for r in recs]),
        "work_s": stats([r["work_s"] for r in recs]),
        "inprocess_others_cores_max": max(r["others_cores"] for r in recs),
        "inprocess_runs": recs,
    }


def bench_validate_10m(runs: int) -> dict[str, Any]:
    root = DATA / "history-10m"
    cmd = [*sopctl_command(), "--root", str(root), "validate"]
    use_time = Path("/usr/bin/time").exists()

    def one() -> tuple[Child, int]:
        if not use_time:  # wait4 gives the peak RSS of that one child
            child = run_child(cmd)
            return child, child.maxrss_bytes
        child = run_child(["/usr/bin/time", "-v", *cmd])
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", child.stderr)
        if not m:
            raise SystemExit("cannot parse the output of /usr/bin/time -v")
        return child, int(m.group(1)) * 1024

    recs = repeat(runs, "validate history-10m", one)
    out = _child_summary([c for c, _ in recs])
    out["method"] = "/usr/bin/time -v" if use_time else "os.wait4 ru_maxrss"
    out["peak_rss_bytes"] = stats([float(r) for _, r in recs])
    out["peak_rss_wait4_bytes"] = stats([float(c.maxrss_bytes) for c, _ in recs])
    return out


def bench_help(runs: int) -> dict[str, Any]:
    cmd = [*sopctl_command(), "--help"]
    procs = repeat(runs, "sopctl --help", lambda: run_child(cmd))
    bare = repeat(runs, "python -c pass", lambda: run_child([sys.executable, "-c", "pass"]))
    child = run_child([sys.executable, "-c", HELP_MODULES % (HEAVY,)])
    modules = json.loads(child.stdout.strip().splitlines()[-1])
    # -X importtime: the same question answered by the interpreter, plus where import time goes
    child = run_child([sys.executable, "-X", "importtime", "-m", "sopctl", "--help"])
    cumulative: dict[str, int] = {}
    for line in child.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            cumulative[m.group(4)] = int(m.group(2))
    top_level = {k: v for k, v in cumulative.items() if "." not in k}
    top = sorted(top_level.items(), key=lambda kv: -kv[1])[:12]
    importtime_heavy = {h: any(k == h or k.startswith(h + ".") for k in cumulative) for h in HEAVY}
    out = _child_summary(procs)
    out.update(
        {
            "python_c_pass": _child_summary(bare),
            "imported": {h: bool(modules["loaded"][h]) for h in HEAVY},
            "imported_modules": modules["loaded"],
            "imported_by_importtime": importtime_heavy,
            "help_exit": modules["exit"],
            "importtime_top_cumulative_us": top,
        }
    )
    return out


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import polars, numpy; print(polars.__version__, numpy.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    mem = 0
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem = int(m.group(1)) * 1024 if m else 0
    except OSError:
        pass

    def git(*args: str) -> str:
        p = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return p.stdout.strip()

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_total_bytes": mem,
        "python": platform.python_version(),
        "polars": versions[0],
        "numpy": versions[1],
        "platform": platform.platform(),
        "sopctl_commit": git("rev-parse", "--short", "HEAD"),
        "sopctl_dirty": bool(git("status", "--porcelain", "--", "sopctl")),
    }


def _s(x: float) -> str:
    return f"{x:.3f} s"


def _mib(x: float) -> str:
    return f"{x / 2**20:,.0f} MiB"


def _ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


def table(res: dict[str, Any]) -> str:
    """Markdown table of medians; the last column is the most CPU other processes took."""
    Row = tuple[str, dict[str, float], Callable[[float], str], str, float | None]
    rows: list[Row] = []
    goals: dict[str, bool] = {}
    if "validate_1m" in res:
        v = res["validate_1m"]
        inproc = v["inprocess_others_cores_max"]
        rows += [
            (
                "`sopctl validate` pipeline-1m, process wall",
                v["process"]["wall_s"],
                _s,
                "",
                v["process"]["others_cores_max"],
            ),
            (
                "`sopctl validate` pipeline-1m, process CPU (user+sys)",
                v["process"]["cpu_s"],
                _s,
                "",
                None,
            ),
            (
                "bare `polars.read_csv(pipeline.csv)` (peer), in-process",
                v["read_csv_s"],
                _s,
                "",
                inproc,
            ),
            ("`sopctl.validate.validate(root)`, in-process", v["validate_s"], _s, "", inproc),
            ("ratio validate / read_csv", v["ratio"], lambda x: f"{x:.2f}x", "", None),
            ("validation work = validate - read_csv", v["work_s"], _s, "<= 0.5 s", None),
        ]
        goals["work"] = v["work_s"]["median"] <= GOAL_WORK_S
    if "validate_10m" in res:
        v = res["validate_10m"]
        rows += [
            (
                "`sopctl validate` history-10m, process wall",
                v["wall_s"],
                _s,
                "",
                v["others_cores_max"],
            ),
            ("`sopctl validate` history-10m, process CPU (user+sys)", v["cpu_s"], _s, "", None),
            ("`sopctl validate` history-10m, peak RSS", v["peak_rss_bytes"], _mib, "< 2 GB", None),
        ]
        goals["rss"] = v["peak_rss_bytes"]["max"] < GOAL_RSS_BYTES
    if "help" in res:
        v = res["help"]
        rows += [
            ("`sopctl --help`, process wall", v["wall_s"], _ms, "< 250 ms", v["others_cores_max"]),
            (
                "`python -c pass`, process wall (for scale)",
                v["python_c_pass"]["wall_s"],
                _ms,
                "",
                v["python_c_pass"]["others_cores_max"],
            ),
        ]
        clean = not any(v["imported"][h] for h in FORBIDDEN_AT_HELP)
        goals["help"] = v["wall_s"]["median"] < GOAL_HELP_S and clean
    lines = [
        "| measurement | median | min | max | goal | others' CPU |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for name, st, fmt, goal, others in rows:
        bg = "" if others is None else f"{others:.2f}"
        lines.append(
            f"| {name} | {fmt(st['median'])} | {fmt(st['min'])} | {fmt(st['max'])} | {goal} "
            f"| {bg} |"
        )
    if "help" in res:
        imported = res["help"]["imported"]
        lines.append("")
        lines.append(
            "Imported by `sopctl --help`: "
            + ", ".join(f"{h} {'yes' if imported[h] else 'no'}" for h in HEAVY)
        )
    if any(res.get("discarded_runs", {}).values()):
        lines.append("")
        lines.append(
            "Runs discarded because other processes took more than "
            f"{res['max_others_cores']:.2f} cores: "
            + ", ".join(f"{k} {v}" for k, v in res["discarded_runs"].items() if v)
        )
    if goals:
        lines.append("")
        labels = {
            "work": "validation work on 1M rows <= 0.5 s (median)",
            "rss": "10M rows peak RSS < 2 GB (largest run)",
            "help": "`sopctl --help` < 250 ms (median) without polars/highspy/git",
        }
        for k, ok in goals.items():
            lines.append(f"- {labels[k]}: {'MET' if ok else 'MISSED'}")
    res["goals_met"] = goals
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global MAX_WAIT, MAX_OTHERS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    ap.add_argument(
        "--help-runs", type=int, default=20, help="runs of `sopctl --help` (default 20, min 10)"
    )
    ap.add_argument(
        "--only",
        choices=["validate-1m", "validate-10m", "help"],
        action="append",
        help="run only this measurement (repeatable)",
    )
    ap.add_argument(
        "--max-wait",
        type=float,
        default=MAX_WAIT,
        help="seconds to wait before each run for the machine to be idle (default 60)",
    )
    ap.add_argument(
        "--max-others",
        type=float,
        default=MAX_OTHERS,
        help="repeat a run if other processes used more than this many cores (default 0.25)",
    )
    args = ap.parse_args(argv)
    MAX_WAIT = args.max_wait
    MAX_OTHERS = args.max_others
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    only = args.only or ["validate-1m", "validate-10m", "help"]
    for name, needed in (("validate-1m", "pipeline-1m"), ("validate-10m", "history-10m")):
        if name in only and not (DATA / needed / ".generated.json").exists():
            raise SystemExit(f"bench/data/{needed} is missing; run: python bench/generate.py")
    res: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "machine": machine(),
        "load_average_before": os.getloadavg(),
        "max_wait_s": MAX_WAIT,
        "sopctl": " ".join(sopctl_command()),
    }
    if "validate-1m" in only:
        res["validate_1m"] = bench_validate_1m(args.runs)
    if "validate-10m" in only:
        res["validate_10m"] = bench_validate_10m(args.runs)
    if "help" in only:
        res["help"] = bench_help(max(10, args.help_runs))
    res["max_others_cores"] = MAX_OTHERS
    res["discarded_runs"] = DISCARDED
    md = table(res)
    print(md)
    m = res["machine"]
    print(
        f"\n{m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, polars {m['polars']}, "
        f"numpy {m['numpy']}, sopctl {m['sopctl_commit']}{' (dirty)' if m['sopctl_dirty'] else ''}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    res["markdown"] = md
    text = json.dumps(res, indent=2) + "\n"
    (RESULTS / f"{stamp}.json").write_text(text, encoding="utf-8")
    shutil.copyfile(RESULTS / f"{stamp}.json", RESULTS / "latest.json")
    print(f"raw results: {RESULTS / (stamp + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
