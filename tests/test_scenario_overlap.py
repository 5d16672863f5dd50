"""`reconcile --all-scenarios` makes one plan's results and files in a worker thread while the
next plan is solved (sopctl.scenarios.run). The overlap must change no byte, and files must be
written in order, each plan as soon as its files are made: a run stopped by an error has
written the plans made before it and none after."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

import sopctl.scenarios.run as scenario_run
from sopctl.findings import Finding
from sopctl.scenarios.run import run_scenarios

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("upside", "lost_shift", "late_supplier")  # the demo's, in cycle.yaml's order


class Inline:
    """An executor that runs each job at once, in the calling thread: the run without overlap."""

    def __init__(self, **_kwargs: Any) -> None:
        pass

    def __enter__(self) -> Inline:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        try:
            done.set_result(fn(*args))
        except Exception as exc:
            done.set_exception(exc)
        return done


def demo(tmp: Path) -> Path:
    for sub in ("charters", "cycles"):
        shutil.copytree(ROOT / sub, tmp / sub, ignore=shutil.ignore_patterns("outputs"))
    return tmp


def outputs(root: Path) -> dict[str, bytes]:
    out = root / "cycles/2026-12/outputs"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_results_made_beside_the_next_solve_are_the_bytes_made_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threaded = demo(tmp_path / "threaded")
    a = run_scenarios(threaded, None, [], every=True)
    monkeypatch.setattr(scenario_run, "ThreadPoolExecutor", Inline)
    inline = demo(tmp_path / "inline")
    b = run_scenarios(inline, None, [], every=True)
    assert a.ok and b.ok
    assert [s.id for s in a.scenarios] == [s.id for s in b.scenarios] == list(SCENARIOS)
    made = outputs(threaded)
    assert {f"scenarios/{sid}/supply_plan.csv" for sid in SCENARIOS} <= set(made)
    assert "supply_plan.csv" in made
    assert made == outputs(inline)
    for x, y in zip(a.scenarios, b.scenarios, strict=True):
        assert x.files == y.files and x.solved == y.solved, x.id
        assert [p.name for p in x.written] == [p.name for p in y.written]


def test_an_error_while_making_a_scenarios_files_leaves_the_plans_before_it_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = demo(tmp_path / "demo")
    made = scenario_run.plan_files
    calls: list[str] = []

    def third_fails(ws: Any, result: Any) -> Any:
        calls.append("plan")
        if len(calls) == 3:  # the base, upside, then lost_shift
            raise RuntimeError("made-up failure in lost_shift's files")
        return made(ws, result)

    monkeypatch.setattr(scenario_run, "plan_files", third_fails)
    with pytest.raises(RuntimeError, match="lost_shift"):
        run_scenarios(root, None, [], every=True)
    written = outputs(root)
    assert "supply_plan.csv" in written and "reconcile_manifest.json" in written
    assert "scenarios/upside/supply_plan.csv" in written
    assert not [name for name in written if name.startswith("scenarios/lost_shift/")]
    assert not [name for name in written if name.startswith("scenarios/late_supplier/")]
    leftovers = [p for p in (root / "cycles").rglob("*") if ".tmp" in p.name]
    assert not leftovers


def test_a_scenario_without_a_plan_keeps_its_place_and_the_ones_after_it_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario stopped by an error of its own (here one made up in applying its demand
    overlays) has no plan and writes nothing; it is reported in its place, and the scenario
    after it is solved and written."""
    root = demo(tmp_path / "demo")
    applied = scenario_run.apply_demand

    def lost_shift_fails(demand: Any, sc: Any, ids: Any) -> Any:
        out, found = applied(demand, sc, ids)
        if sc.id == "lost_shift":
            found = [*found, Finding(sc.shown, 1, 1, "SOP629", "made-up error")]
        return out, found

    monkeypatch.setattr(scenario_run, "apply_demand", lost_shift_fails)
    run = run_scenarios(root, None, [], every=True)
    assert [s.id for s in run.scenarios] == list(SCENARIOS)
    assert [s.ok for s in run.scenarios] == [True, False, True]
    assert run.scenarios[1].result is None and not run.scenarios[1].written
    written = outputs(root)
    assert "scenarios/late_supplier/supply_plan.csv" in written
    assert not [name for name in written if name.startswith("scenarios/lost_shift/")]


def test_ctrl_c_while_solving_cancels_the_results_not_begun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a scenario's solve: the results of plans still waiting for the worker are
    not made (the run ends at once instead of finishing them), and nothing more is written."""
    root = demo(tmp_path / "demo")
    release = threading.Event()
    made_base, made = scenario_run._base_files, []
    cancel = scenario_run._Writer.cancel

    def base_waits(*args: Any) -> None:  # the worker is busy with the base until the cancel
        release.wait()
        made_base(*args)

    def cancel_then_release(self: Any) -> None:
        cancel(self)
        release.set()

    def say(msg: str) -> None:
        if msg == "solving scenario lost_shift":
            raise KeyboardInterrupt

    monkeypatch.setattr(scenario_run, "_base_files", base_waits)
    monkeypatch.setattr(scenario_run._Writer, "cancel", cancel_then_release)
    monkeypatch.setattr(scenario_run, "_scenario_files", lambda *a: made.append(a[0].id))
    with pytest.raises(KeyboardInterrupt):
        run_scenarios(root, None, [], every=True, progress=say)
    assert made == []  # upside's results were queued behind the base: cancelled
    assert not (root / "cycles/2026-12/outputs/supply_plan.csv").exists()


def test_solves_wait_for_the_worker_rather_than_hold_every_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most MAX_PENDING solved plans wait for their files: with the worker slow on the
    base, the third scenario is not solved before the base's files are made."""
    root = demo(tmp_path / "demo")
    assert scenario_run.MAX_PENDING == 2
    events: list[str] = []
    made_base = scenario_run._base_files

    def slow_base(*args: Any) -> None:
        time.sleep(1.0)  # long beside a scenario's solve on the demo; no time is asserted
        made_base(*args)
        events.append("base files")

    monkeypatch.setattr(scenario_run, "_base_files", slow_base)
    run = run_scenarios(root, None, [], every=True, dry_run=True, progress=events.append)
    assert run.ok
    assert events.index("base files") < events.index("solving scenario late_supplier")
