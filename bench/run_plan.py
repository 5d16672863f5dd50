"""Run the reconcile benchmarks on the repositories written by bench/generate_plan.py.

    python bench/generate_plan.py && python bench/run_plan.py          # 5 runs (2 for plan-10k)
    python bench/run_plan.py --only plan-200 --runs 9

Per size (plan-200, plan-1k, plan-10k), one at a time, every run in a fresh process:

1. export, once: the cost LP that sopctl's first solver run sees, written to <root>/plan.mps
   the way `sopctl.reconcile.export_mps` (what `sopctl reconcile --export-mps` calls) does it:
   gather, build_model, write_mps (the CLI would solve the plan afterwards, which takes longer
   than the time limit at 10k). gather and build_model are timed here too (one run), which
   gives the model-building time where the full reconcile does not finish.
2. sopctl: `sopctl --root <root> reconcile --dry-run --format json` (wall and CPU time of the
   process; from its JSON the in-process timings gather/build/solve/solver/results, the number
   of HiGHS runs (1 = the plain cost LP served every segment above the lowest in full, more =
   priority stages) and the objective). The demand view is current (generate_plan.py ran
   `sopctl demand`), so reconcile reads demand_plan.csv instead of rebuilding it.
3. limit: a fresh `python` process that imports highspy, reads plan.mps and runs HiGHS with the
   options sopctl uses for that first run (`SolveOptions().solver` and `.crossover`, read from
   the installed sopctl: dual simplex since commit 65a0f6f, interior point + crossover before;
   presolve on, output off) - nothing else.
   Its wall time is the limit; the in-process split (import, readModel, run) is recorded too.
4. peer: `python bench/peer_pulp.py <root>`: pandas + PuLP + CBC, the same LP built the way an
   analyst would write it (plain cost LP, no priority stages).
5. alternative (diagnostic, not a goal): the limit process with the other LP algorithm on the
   same MPS (interior point + crossover when sopctl uses simplex, else dual simplex).

Objectives: the peer's and sopctl's (when it made one HiGHS run) must equal the limit's (the
plain LP read back from the MPS) within 1e-6 relative; the result says which agreed.

Runs are medians of --runs (default 5) for plan-200 and plan-1k and of --large-runs (default
2) for plan-10k, where every run has a time limit (--time-limit, default 900 s; the peer runs
once there with the same limit as its timeout unless --large-peer-runs says otherwise). As in
bench/run.py, each run waits for a quiet machine first and a run during which other processes
used more than --max-others cores is thrown away and repeated (up to 4 times; not for
plan-10k, where a run takes minutes). Raw results go to bench/results/plan-<timestamp>.json and
plan-latest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run as base
from generate_plan import CYCLE_ID, SIZES

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
LARGE = "plan-10k"
REL_TOL = 1e-6
GOAL_LIMIT_RATIO = 1.3  # plan-200: sopctl process <= 1.3 x the limit
GOAL_PEER_SPEEDUP = 5.0  # plan-1k: the peer / sopctl >= 5
GOAL_BUILD_SHARE = 0.10  # gather + build < 10 % of solve

# argv: root, mps path. What `sopctl reconcile --export-mps` writes, without the solve after it:
# the same validation, the current demand view (demand_plan.csv) and sopctl.reconcile.export_mps.
EXPORT = """
import json, sys, time
from pathlib import Path
import polars as pl
from sopctl.demand import PLAN, demand_is_current
from sopctl.reconcile import gather
from sopctl.reconcile.model import build_model
from sopctl.reconcile.solve import write_mps
from sopctl.validate import load_workspace
ws, report = load_workspace(Path(sys.argv[1]))
assert report.ok and demand_is_current(ws), "run bench/generate_plan.py (validate + demand)"
demand = pl.read_csv(ws.cycle_dir / "outputs" / PLAN,
                     schema_overrides={"item": pl.String, "segment": pl.String})
t0 = time.perf_counter()
data = gather(ws, demand)
t1 = time.perf_counter()
lp = build_model(data)
t2 = time.perf_counter()
write_mps(lp, sys.argv[2])  # as sopctl.reconcile.export_mps: gather, build_model, write_mps
print(json.dumps({"gather_s": t1 - t0, "build_s": t2 - t1, "cols": lp.n_col, "rows": lp.n_row,
                  "nonzeros": int(lp.a_index.size)}))
"""

# The options of sopctl's first (plain cost LP) HiGHS run, from the installed sopctl.
SOLVE_OPTIONS = """
from sopctl.reconcile import SolveOptions
o = SolveOptions()
print(o.solver, "on" if o.crossover else "off")
"""

# argv: mps path, solver, crossover (on/off), time limit (s). Only imports, readModel and run.
LIMIT = """
import json, sys, time
t0 = time.perf_counter()
import highspy
t1 = time.perf_counter()
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("presolve", "on")
h.setOptionValue("solver", sys.argv[2])
h.setOptionValue("run_crossover", sys.argv[3])
h.setOptionValue("time_limit", float(sys.argv[4]))
h.readModel(sys.argv[1])
t2 = time.perf_counter()
h.run()
t3 = time.perf_counter()
info = h.getInfo()
print(json.dumps({"import_s": t1 - t0, "read_s": t2 - t1, "run_s": t3 - t2, "total_s": t3 - t0,
                  "status": h.modelStatusToString(h.getModelStatus()),
                  "objective": info.objective_function_value,
                  "simplex_iterations": info.simplex_iteration_count,
                  "ipm_iterations": info.ipm_iteration_count,
                  "crossover_iterations": info.crossover_iteration_count}))
"""


def run_child(cmd: list[str], timeout: float | None, max_wait: float) -> base.Child | None:
    """base.run_child with a timeout: the child's process group is killed after `timeout`
    seconds and None is returned."""
    base.wait_quiet(max_wait)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        b0 = base._busy_s()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
        busy = base._busy_s() - b0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if killed.is_set():
        print(f"    timed out after {wall:.0f} s: {' '.join(cmd[:4])} ...", file=sys.stderr)
        return None
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        raise SystemExit(f"{' '.join(cmd)} exited {code}")
    cpu = ru.ru_utime + ru.ru_stime
    return base.Child(wall, cpu, ru.ru_maxrss * 1024, max(0.0, busy - cpu), stdout, stderr)


def last_json(child: base.Child) -> dict[str, Any]:
    text = child.stdout.strip()
    try:
        doc: dict[str, Any] = json.loads(text)  # sopctl prints one indented document
    except json.JSONDecodeError:
        doc = json.loads(text.splitlines()[-1])
    return doc


Record = dict[str, Any]


def repeat(
    n: int, label: str, fn: Callable[[], Record | None], retries: int, max_others: float
) -> tuple[list[Record], int, int]:
    """n runs of fn (a record with wall_s and others_cores, or None on a timeout); a disturbed
    run is repeated up to `retries` times. Returns the records, discarded and timed-out runs."""
    out: list[Record] = []
    discarded = timeouts = 0
    for _ in range(n):
        for attempt in range(retries + 1):
            rec = fn()
            if rec is None:
                timeouts += 1
                break
            if rec["others_cores"] <= max_others or attempt == retries:
                out.append(rec)
                break
            discarded += 1
        if rec is None:  # a timeout: do not spend the time again
            break
    walls = ", ".join(f"{r['wall_s']:.2f}" for r in out)
    print(
        f"  {label}: {len(out)} runs [{walls}] s ({discarded} discarded, {timeouts} timed out)",
        file=sys.stderr,
        flush=True,
    )
    return out, discarded, timeouts


def _record(child: base.Child, doc: Record) -> Record:
    return {
        "wall_s": child.wall_s,
        "cpu_s": child.cpu_s,
        "maxrss_bytes": child.maxrss_bytes,
        "others_cores": child.others_cpu_s / child.wall_s,
        **doc,
    }


def _summary(recs: list[Record], keys: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in keys:
        vals = [float(r[k]) for r in recs if r.get(k) is not None]
        if vals:
            out[k] = base.stats(vals)
    out["n"] = len(recs)
    out["others_cores_max"] = max((r["others_cores"] for r in recs), default=None)
    out["runs"] = recs
    return out


def bench_size(name: str, args: argparse.Namespace) -> dict[str, Any]:
    root = DATA / name
    if not (root / ".generated.json").exists():
        raise SystemExit(f"bench/data/{name} is missing; run: python bench/generate_plan.py")
    large = name == LARGE
    n = args.large_runs if large else args.runs
    retries = 0 if large else base.RETRIES
    limit = args.time_limit
    sop = [*base.sopctl_command(), "--root", str(root), "reconcile", "--dry-run", "-f", "json"]
    mps = root / "plan.mps"
    print(f"{name}:", file=sys.stderr, flush=True)

    # 1. the MPS file of the plain cost LP (not timed): sopctl's own export_mps, without the
    # solve that `sopctl reconcile --export-mps` runs afterwards (minutes on plan-10k)
    child = run_child([sys.executable, "-c", EXPORT, str(root), str(mps)], None, args.max_wait)
    assert child is not None
    out: dict[str, Any] = {
        "mps_bytes": mps.stat().st_size,
        "export": {"wall_s": child.wall_s, **last_json(child)},
    }

    # 2. sopctl as a process
    def one_sopctl() -> Record | None:
        child = run_child(sop, limit, args.max_wait)
        if child is None:
            return None
        doc = last_json(child)
        plan = doc.get("plan") or {}
        solver = plan.get("solver") or {}
        t = doc.get("timings") or {}
        rec = {
            "status": doc.get("status"),
            "demand": doc.get("demand"),
            "objective": solver.get("objective"),
            "highs_runs": solver.get("runs"),
            **{k: t.get(k) for k in ("gather", "build", "solve", "solver", "results")},
        }
        if rec["status"] != "optimal" or rec["demand"] != "reused":
            raise SystemExit(f"{name}: reconcile status {rec['status']}, demand {rec['demand']}")
        rec["model_s"] = (t.get("gather") or 0.0) + (t.get("build") or 0.0)
        rec["model_share"] = rec["model_s"] / t["solve"] if t.get("solve") else None
        out = _record(child, rec)
        out["outside_solver_s"] = out["wall_s"] - (t.get("solver") or 0.0)
        return out

    recs, disc, tos = repeat(n, f"{name} sopctl", one_sopctl, retries, args.max_others)
    keys = ["wall_s", "cpu_s", "maxrss_bytes", "gather", "build", "solve", "solver", "results"]
    out["sopctl"] = _summary(recs, [*keys, "model_s", "model_share", "outside_solver_s"])
    out["sopctl"].update(discarded=disc, timeouts=tos, timeout_s=limit)

    # 3. the limit: bare highspy on the MPS, the options sopctl uses
    def one_limit(solver: str) -> Callable[[], Record | None]:
        def go() -> Record | None:
            cmd = [sys.executable, "-c", LIMIT, str(mps), solver, args.crossover, str(limit)]
            child = run_child(cmd, limit + 60 if limit else None, args.max_wait)
            if child is None:
                return None
            doc = last_json(child)
            if doc["status"] != "Optimal":  # HiGHS stopped at its time limit: a timeout
                print(f"    {solver}: {doc['status']} after {child.wall_s:.0f} s", file=sys.stderr)
                return None
            return _record(child, doc)

        return go

    lkeys = ["wall_s", "cpu_s", "import_s", "read_s", "run_s", "total_s"]
    recs, disc, tos = repeat(
        n, f"{name} limit ({args.solver})", one_limit(args.solver), retries, args.max_others
    )
    out["limit"] = _summary(recs, lkeys)
    out["limit"].update(discarded=disc, timeouts=tos, timeout_s=limit)

    # 4. the peer
    peer_n = args.large_peer_runs if large else n
    if peer_n:

        def one_peer() -> Record | None:
            cmd = [sys.executable, str(HERE / "peer_pulp.py"), str(root)]
            child = run_child(cmd, limit, args.max_wait)
            if child is None:
                return None
            doc = last_json(child)
            return _record(child, {**doc, **{f"peer_{k}": v for k, v in doc["timings"].items()}})

        recs, disc, tos = repeat(peer_n, f"{name} peer", one_peer, retries, args.max_others)
        pkeys = ["wall_s", "cpu_s", "peer_imports", "peer_read", "peer_build", "peer_solve"]
        out["peer"] = _summary(recs, pkeys)
        out["peer"].update(discarded=disc, timeouts=tos, timeout_s=limit)

    # 5. diagnostic: the same MPS with the other LP algorithm
    if args.alternatives:
        recs, disc, tos = repeat(
            n, f"{name} alternative ({args.alt})", one_limit(args.alt), retries, args.max_others
        )
        out["limit_alt"] = _summary(recs, lkeys)
        out["limit_alt"].update(discarded=disc, timeouts=tos, timeout_s=limit, solver=args.alt)

    out["objectives"] = check_objectives(out)
    out["ratios"] = ratios(out)
    return out


def _objs(section: dict[str, Any] | None) -> list[float]:
    if not section:
        return []
    return [float(r["objective"]) for r in section["runs"] if r.get("objective") is not None]


def _rel(values: list[float], ref: float) -> float:
    return max(abs(x - ref) for x in values) / max(abs(ref), 1.0)


def check_objectives(out: dict[str, Any]) -> dict[str, Any]:
    # the plain LP's objective: the limit's, else the alternative algorithm's (same MPS)
    ref = _objs(out.get("limit")) or _objs(out.get("limit_alt"))
    if not ref:
        return {"reference": None}
    lp = ref[0]
    res: dict[str, Any] = {"reference": lp, "limit_spread": _rel(ref, lp)}
    peer = _objs(out.get("peer"))
    if peer:
        res["peer"] = peer[0]
        res["peer_rel_diff"] = _rel(peer, lp)
        res["peer_ok"] = res["peer_rel_diff"] <= REL_TOL
    plain = [float(r["objective"]) for r in out["sopctl"]["runs"] if r.get("highs_runs") == 1]
    runs = sorted({r.get("highs_runs") for r in out["sopctl"]["runs"]})
    res["sopctl_highs_runs"] = runs
    if plain:
        res["sopctl"] = plain[0]
        res["sopctl_rel_diff"] = _rel(plain, lp)
        res["sopctl_ok"] = res["sopctl_rel_diff"] <= REL_TOL
    alt = _objs(out.get("limit_alt"))
    if alt:
        res["alt_rel_diff"] = _rel(alt, lp)
    return res


def _med(out: dict[str, Any], section: str, key: str = "wall_s") -> float | None:
    sec = out.get(section)
    if not sec or key not in sec:
        return None
    return float(sec[key]["median"])


def ratios(out: dict[str, Any]) -> dict[str, float | None]:
    s, lim, peer = _med(out, "sopctl"), _med(out, "limit"), _med(out, "peer")
    alt = _med(out, "limit_alt")
    return {
        "sopctl_over_limit": s / lim if s and lim else None,
        "sopctl_over_limit_inprocess": s / t
        if s and (t := _med(out, "limit", "total_s"))
        else None,
        "peer_over_sopctl": peer / s if peer and s else None,
        "peer_over_limit": peer / lim if peer and lim else None,
        "model_share": _med(out, "sopctl", "model_share"),
        "alt_over_limit": alt / lim if alt and lim else None,
    }


def _fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "-"
    if unit == "s":
        return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"
    if unit == "x":
        return f"{x:.2f}x"
    return f"{100 * x:.1f} %"


def table(res: dict[str, Any]) -> str:
    lines = [
        "| size | measurement | median | min | max | runs | others' CPU |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    rows = [
        ("sopctl", "wall_s", "`sopctl reconcile --dry-run`, process wall"),
        ("sopctl", "cpu_s", "  the same, CPU (user+sys)"),
        ("sopctl", "gather", "  gather (in-process)"),
        ("sopctl", "build", "  build"),
        ("sopctl", "solve", "  solve (all HiGHS runs)"),
        ("sopctl", "results", "  results"),
        ("sopctl", "outside_solver_s", "  process wall outside HiGHS runs"),
        ("limit", "wall_s", "limit: bare highspy process (sopctl's options), wall"),
        ("limit", "read_s", "  readModel"),
        ("limit", "run_s", "  run"),
        ("limit", "total_s", "  imports + readModel + run (in-process)"),
        ("peer", "wall_s", "peer: pandas + PuLP + CBC process, wall"),
        ("peer", "peer_build", "  PuLP model building"),
        ("peer", "peer_solve", "  solve (PuLP writes MPS, CBC, reads solution)"),
        ("limit_alt", "wall_s", "diagnostic: bare highspy, the other algorithm, wall"),
        ("limit_alt", "run_s", "  run"),
    ]
    for name, out in res["sizes"].items():
        for sec, key, label in rows:
            s = out.get(sec)
            if not s or key not in s:
                if key == "wall_s" and s and s.get("timeouts"):
                    lines.append(
                        f"| {name} | {label} | > {s['timeout_s']:.0f} s (timed out) | | | "
                        f"{s['timeouts']} | |"
                    )
                continue
            st = s[key]
            oth = f"{s['others_cores_max']:.2f}" if key == "wall_s" else ""
            n = str(s["n"]) if key == "wall_s" else ""
            lines.append(
                f"| {name} | {label} | {_fmt(st['median'])} | {_fmt(st['min'])} | "
                f"{_fmt(st['max'])} | {n} | {oth} |"
            )
    lines += [
        "",
        "| size | HiGHS runs | objective (plain LP) | peer rel. diff | sopctl rel. diff "
        "| sopctl / limit | peer / sopctl | peer / limit | (gather+build) / solve "
        "| other algorithm / limit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, out in res["sizes"].items():
        ob, ra = out["objectives"], out["ratios"]
        ref = ob.get("reference")
        pd_ = ob.get("peer_rel_diff")
        sd = ob.get("sopctl_rel_diff")
        lines.append(
            f"| {name} | {ob.get('sopctl_highs_runs')} | "
            f"{'-' if ref is None else f'{ref:,.2f}'} | {'-' if pd_ is None else f'{pd_:.1e}'} | "
            f"{'-' if sd is None else f'{sd:.1e}'} | {_fmt(ra['sopctl_over_limit'], 'x')} | "
            f"{_fmt(ra['peer_over_sopctl'], 'x')} | {_fmt(ra['peer_over_limit'], 'x')} | "
            f"{_fmt(ra['model_share'], '%')} | {_fmt(ra['alt_over_limit'], 'x')} |"
        )
    lines.append("")
    for name, out in res["sizes"].items():
        ex = out.get("export") or {}
        if ex:
            lines.append(
                f"- {name}: LP {ex['cols']:,} columns, {ex['rows']:,} rows, {ex['nonzeros']:,} "
                f"nonzeros; one export run: gather {ex['gather_s']:.2f} s, build_model "
                f"{ex['build_s']:.2f} s; MPS {out['mps_bytes'] / 2**20:.1f} MiB"
            )
    goals = goals_of(res)
    lines.append("")
    for label, ok, detail in goals:
        lines.append(
            f"- {label}: {'MET' if ok else 'MISSED' if ok is not None else 'not run'} ({detail})"
        )
    return "\n".join(lines)


def goals_of(res: dict[str, Any]) -> list[tuple[str, bool | None, str]]:
    sizes = res["sizes"]
    out: list[tuple[str, bool | None, str]] = []
    r = sizes.get("plan-200", {}).get("ratios", {}).get("sopctl_over_limit")
    out.append(
        (
            "plan-200: `sopctl reconcile` process <= 1.3x the limit",
            None if r is None else r <= GOAL_LIMIT_RATIO,
            "-" if r is None else f"{r:.2f}x",
        )
    )
    r = sizes.get("plan-1k", {}).get("ratios", {}).get("peer_over_sopctl")
    out.append(
        (
            "plan-1k: sopctl >= 5x faster than the peer",
            None if r is None else r >= GOAL_PEER_SPEEDUP,
            "-" if r is None else f"{r:.2f}x",
        )
    )
    for name, o in sizes.items():
        share = o["ratios"]["model_share"]
        detail = "-" if share is None else f"{100 * share:.1f} %"
        ex, sop = o.get("export") or {}, o.get("sopctl") or {}
        if share is None and ex and sop.get("timeouts"):
            # the solve did not finish within the time limit: bound the share from the export
            share = (ex["gather_s"] + ex["build_s"]) / sop["timeout_s"]
            detail = f"< {100 * share:.1f} %: gather + build {ex['gather_s'] + ex['build_s']:.2f} s"
            detail += f" (export run), solve > {sop['timeout_s']:.0f} s"
        out.append(
            (
                f"{name}: gather + build < 10 % of solve",
                None if share is None else share < GOAL_BUILD_SHARE,
                detail,
            )
        )
    for name, o in sizes.items():
        ob = o["objectives"]
        ok = ob.get("peer_ok")
        det = ob.get("peer_rel_diff")
        out.append(
            (
                f"{name}: peer objective = plain LP objective within 1e-6",
                ok,
                "-" if det is None else f"{det:.1e}",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=sorted(SIZES), action="append", help="this size only")
    ap.add_argument("--runs", type=int, default=5, help="runs for plan-200 and plan-1k")
    ap.add_argument("--large-runs", type=int, default=2, help="runs for plan-10k (default 2)")
    ap.add_argument(
        "--large-peer-runs", type=int, default=1, help="peer runs for plan-10k (default 1)"
    )
    ap.add_argument("--time-limit", type=float, default=900.0, help="seconds per run (default 900)")
    ap.add_argument("--no-alternatives", dest="alternatives", action="store_false")
    ap.add_argument(
        "--merge",
        type=Path,
        help="a previous results file: its sizes that this run does not measure are copied "
        "into this run's results and table (each size's numbers stay from one session)",
    )
    ap.add_argument("--max-wait", type=float, default=base.MAX_WAIT)
    ap.add_argument("--max-others", type=float, default=base.MAX_OTHERS)
    args = ap.parse_args(argv)
    if args.runs < 1 or args.large_runs < 1:
        ap.error("--runs and --large-runs must be at least 1")
    res: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": base.machine(),
        "load_average_before": os.getloadavg(),
        "args": vars(args),
        "cycle": CYCLE_ID,
        "sizes": {},
    }
    res["machine"]["highspy"] = subprocess.run(
        [sys.executable, "-c", "import highspy; print(highspy.Highs().version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    args.solver, args.crossover = subprocess.run(
        [sys.executable, "-c", SOLVE_OPTIONS], capture_output=True, text=True, check=True
    ).stdout.split()
    args.alt = "ipm" if args.solver == "simplex" else "simplex"
    res["sopctl_first_run"] = {"solver": args.solver, "run_crossover": args.crossover}
    print(
        f"sopctl's first HiGHS run: solver={args.solver}, crossover={args.crossover}",
        file=sys.stderr,
    )
    res["machine"]["pulp"] = subprocess.run(
        [sys.executable, "-c", "import pulp, pandas; print(pulp.__version__, pandas.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    todo = args.only or list(SIZES)
    if args.merge:
        old = json.loads(args.merge.read_text(encoding="utf-8"))
        res["merged_from"] = {
            name: {"file": args.merge.name, "started": old["started"]}
            for name in old["sizes"]
            if name not in todo
        }
    for name in SIZES:
        if name in todo:
            res["sizes"][name] = bench_size(name, args)
        elif args.merge and name in old["sizes"]:
            res["sizes"][name] = old["sizes"][name]
        save(res)
    md = table(res)
    res["markdown"] = md
    res["goals"] = [{"goal": g, "met": ok, "value": v} for g, ok, v in goals_of(res)]
    print(md)
    path = save(res)
    print(f"raw results: {path}")
    return 0


def save(res: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = res["started"].replace("-", "").replace(":", "").replace("+0000", "Z")
    path = RESULTS / f"plan-{stamp}.json"
    path.write_text(json.dumps(res, indent=2, default=str) + "\n", encoding="utf-8")
    shutil.copyfile(path, RESULTS / "plan-latest.json")
    return path


if __name__ == "__main__":
    sys.exit(main())
