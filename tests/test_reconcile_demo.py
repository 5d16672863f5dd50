"""The embedded Northwind demo reconciles: optimal, explained, deterministic."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sopctl.reconcile import PlanResult, reconcile
from sopctl.validate import Workspace, load_workspace

ROOT = Path(__file__).resolve().parents[1]


def seasonal_naive(ws: Workspace) -> pl.DataFrame:
    """Demand without the Signal engine: each horizon month repeats the same calendar month of
    the last history year (2026), per item x segment."""
    hist = ws.tables["demand_history"].frame  # type: ignore[attr-defined]
    last = hist.filter(pl.col("period").str.starts_with("2026")).select(
        "item", "segment", pl.col("period").str.slice(5, 2).alias("month"), "quantity"
    )
    horizon = pl.DataFrame({"period": ws.periods()}).with_columns(
        month=pl.col("period").str.slice(5, 2)
    )
    return horizon.join(last, on="month").select(
        "item", "segment", "period", pl.col("quantity").alias("final")
    )


@pytest.fixture(scope="module")
def demo() -> tuple[Workspace, pl.DataFrame, PlanResult]:
    ws, report = load_workspace(ROOT)
    assert report.ok
    d = seasonal_naive(ws)
    return ws, d, reconcile(ws, d)


def test_demo_solves(demo: tuple[Workspace, pl.DataFrame, PlanResult]) -> None:
    ws, _, res = demo
    assert res.status == "optimal" and res.objective is not None
    assert res.costs["total"] == pytest.approx(res.objective, rel=1e-9)
    assert res.supply.height == 30 * 18 and res.capacity.height == 4 * 18
    assert res.materials.height == 9 * 18
    assert res.service["meets_target"].all()
    # no input row ignored; the only note is the horizon end (lead time 1 of 16 items)
    assert len(res.notes) == 1 and res.notes[0].startswith("horizon end: 16 items")
    roles = {r.id for r in ws.charter.roles}  # type: ignore[union-attr]
    assert set(res.exceptions["escalate_to"].drop_nulls()) <= roles
    assert res.exceptions["binding_constraint"].null_count() == 0
    # MOT-S cannot be reordered before April 2027 (lead time 3): no receipts in Q1
    mot = res.materials.filter(pl.col("material") == "MOT-S")
    assert mot["receipts"].head(3).to_list() == [0.0, 0.0, 0.0]
    assert res.timings["solve"] < 10.0


def test_demo_is_deterministic(demo: tuple[Workspace, pl.DataFrame, PlanResult]) -> None:
    ws, d, first = demo
    again = reconcile(ws, d)
    assert again.objective == first.objective
    for name in (
        "supply",
        "shipments",
        "capacity",
        "materials",
        "exceptions",
        "service",
        "shadow_prices",
    ):
        assert_frame_equal(getattr(again, name), getattr(first, name))


def test_prefetch_imports_while_solving_and_changes_nothing(
    demo: tuple[Workspace, pl.DataFrame, PlanResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Modules named in `prefetch` are imported during the solve (a missing one is skipped:
    the caller's own import reports it); the plan is the same, value for value."""
    import sys

    ws, d, plain = demo
    (tmp_path / "sopctl_prefetch_probe.py").write_text(
        "import threading\nIN_THREAD = threading.current_thread() is not threading.main_thread()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sopctl_prefetch_probe", raising=False)
    res = reconcile(ws, d, prefetch=("sopctl_no_such_module", "sopctl_prefetch_probe"))
    assert sys.modules["sopctl_prefetch_probe"].IN_THREAD  # imported beside HiGHS, not after
    assert res.objective == plain.objective
    assert_frame_equal(res.supply, plain.supply)
    assert_frame_equal(res.exceptions, plain.exceptions)


def test_progress_names_every_step_and_each_highs_run() -> None:
    """What a terminal's progress line shows: checking, the demand view, building, each HiGHS
    run with what it is for (the demo's plain cost LP shorts its top segment, so priority runs
    follow), reading the results. A dry run: nothing is written."""
    from sopctl.plan import run_reconcile

    steps: list[str] = []
    run = run_reconcile(ROOT, dry_run=True, progress=steps.append)
    assert run.result is not None and run.result.ok and not run.written
    assert steps[:2] == ["checking inputs", "building the demand view"]
    assert "building the model" in steps
    runs = [s for s in steps if s.startswith("HiGHS run ")]
    assert runs[0] == "HiGHS run 1: the cost LP"
    assert [int(s.split()[2].rstrip(":")) for s in runs] == list(
        range(1, run.result.solver.runs + 1)
    )
    assert any(s.startswith("HiGHS run 2: priority 1 (strategic)") for s in runs), runs
    assert steps[-1] == "writing results"


def test_ticker_shows_the_step_and_the_whole_run() -> None:
    from sopctl.cli.ticker import Ticker

    t = Ticker("checking inputs")
    t.start = t.step_start = 100.0
    assert t.text(now=100.4) == "checking inputs — 0 s"
    t.step("HiGHS run 1: the cost LP")
    t.step_start = 103.0
    assert t.text(now=145.2) == "HiGHS run 1: the cost LP — 42 s (45 s in all)"


def test_every_module_named_for_prefetch_exists() -> None:
    """Prefetch swallows import errors, so a misspelt name would go unnoticed: import each."""
    import importlib

    from sopctl import plan
    from sopctl.cli import commands
    from sopctl.reconcile import engine

    names = (*engine.AFTER_SOLVE, *plan.AFTER_SOLVE, *commands.RECONCILE_VIEW)
    for name in names:
        importlib.import_module(name)


def test_exception_messages_count_items_in_units_and_resources_in_hours() -> None:
    """A shortage names the resource that binds it, but its quantity is units, not hours."""
    from sopctl.plan_files import exception_messages

    none: list[str | None] = [None, None, None]
    exc = pl.DataFrame(
        {
            "kind": ["shortage", "overload", "overload"],
            "item": ["P-1", None, None],
            "segment": ["retail", None, None],
            "resource": ["line-a", "line-a", None],
            "material": [None, None, "steel"],
            "period": ["2027-03"] * 3,
            "quantity": [10.25, 320.0, 40.0],
            "value": [100.0, 7000.0, 80.0],
            "binding_constraint": ["capacity[line-a,2027-03]"] * 2 + ["supplier[steel,2027-03]"],
            "shadow_price": [22.5, 22.5, 2.0],
            "escalate_to": none,
        }
    )
    short, line, steel = exception_messages(exc, "EUR").to_list()
    assert short.startswith("P-1 short in 2027-03 for retail: 10.2 units, 100.00 EUR at stake")
    assert line.startswith("line-a at capacity in 2027-03: 320.0 hours")
    assert steel.startswith("steel supplier at capacity in 2027-03: 40.0 units")


def test_explain_a_resource_in_every_period_it_binds_and_a_material(
    demo: tuple[Workspace, pl.DataFrame, PlanResult],
) -> None:
    from sopctl.explain import PlanFrames, explain_material, explain_resource

    ws, _, res = demo
    f = PlanFrames(res.supply, res.capacity, res.exceptions, res.currency, res.materials)
    for resource in sorted(set(res.capacity["resource"])):
        lines = explain_resource(ws, f, resource, None)
        heads = [ln.split(":")[0] for ln in lines if not ln.startswith(" ")]
        cap = res.capacity.filter(pl.col("resource") == resource)
        own = res.exceptions.filter((pl.col("resource") == resource) & pl.col("item").is_null())
        binding = cap.filter(pl.col("shadow_price").abs() > 0.005)["period"].to_list()
        periods = sorted(set(binding) | set(own["period"].to_list()))
        if periods:  # else its busiest period, checked below
            assert heads == [f"{resource} in {p}" for p in periods], resource
        decides = [ln for ln in lines if ln.startswith("  decides on it:")]
        assert len(decides) == own.height  # a rule's role, or that no rule matches
    # nowhere binding: the busiest period; one without hours (no utilisation) never is, and
    # the earlier of two equal peaks is
    crew = res.capacity.filter(pl.col("resource") == "crew").with_columns(
        shadow_price=pl.lit(0.0),
        utilisation=pl.when(pl.col("period") == "2027-01")
        .then(None)
        .when(pl.col("period").is_in(["2027-04", "2027-02"]))
        .then(pl.lit(0.97))
        .otherwise(0.5),
    )
    calm = PlanFrames(res.supply, crew, res.exceptions.clear(), res.currency, res.materials)
    (head,) = [ln for ln in explain_resource(ws, calm, "crew", None) if not ln.startswith(" ")]
    assert head.startswith("crew in 2027-02:")
    # an item exception the resource causes is named with the item's id as written
    item = res.exceptions.head(1).with_columns(
        kind=pl.lit("safety_stock"),
        item=pl.lit("PMP_CEN_S"),
        resource=pl.lit("crew"),
        period=pl.lit("2027-02"),
        escalate_to=pl.lit("coo"),
    )
    told = PlanFrames(res.supply, crew, item, res.currency, res.materials)
    lines = explain_resource(ws, told, "crew", "2027-02")
    assert "  decides on PMP_CEN_S (below safety stock): coo (charter escalation rule)." in lines
    # MOT-S: nothing new arrives inside its 3-month lead time; its exceptions are explained
    (first,) = explain_material(f, "MOT-S", "2027-01")
    assert first.startswith("MOT-S in 2027-01: need ") and "nothing new can arrive" in first
    short = res.exceptions.filter(pl.col("material").is_not_null())
    for m in sorted(set(short["material"])):
        lines = explain_material(f, m, None)
        want = sorted(set(short.filter(pl.col("material") == m)["period"]))
        assert [ln.split(":")[0] for ln in lines if not ln.startswith(" ")] == [
            f"{m} in {p}" for p in want
        ]
        own = short.filter((pl.col("material") == m) & pl.col("item").is_null())
        caused = short.filter((pl.col("material") == m) & pl.col("item").is_not_null())
        assert sum(ln.startswith("  why: the binding constraint is ") for ln in lines) == own.height
        for item in set(caused["item"]):  # named as the resource's story names them
            assert any(ln.startswith(f"  it causes {item} (") for ln in lines)
        # its own row in the words of its label and stake (exception_words)
        for e in own.iter_rows(named=True):
            stake = "no exception caused, nothing at stake" if not e["value"] else "at stake"
            assert any(ln.startswith("  supplier at capacity: ") and stake in ln for ln in lines)
