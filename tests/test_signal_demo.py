"""build_demand on the embedded Northwind demo: waterfall identity, provenance, determinism."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from sopctl.signal import DemandResult, build_demand
from sopctl.signal.pipeline import DEALS_SCHEMA
from sopctl.tables.check import Table
from sopctl.validate import Workspace, load_workspace
from tests.test_signal_engine import check_sources

ROOT = Path(__file__).resolve().parents[1]
# codes of rows whose units do not reach the plan (wholly or in part)
NOT_APPLIED = {"SOP701", "SOP702", "SOP707", "SOP708", "SOP746"}


@pytest.fixture(scope="module")
def demo() -> tuple[Workspace, DemandResult]:
    ws, report = load_workspace(ROOT, "2026-12")
    assert report.ok
    return ws, build_demand(ws)


def test_every_row_obeys_the_waterfall(demo: tuple[Workspace, DemandResult]) -> None:
    _, r = demo
    total = (
        pl.col("baseline") + pl.col("pipeline") + pl.col("promotion") + pl.col("renewal")
        + pl.col("override")
    )  # fmt: skip
    assert (r.plan["final"] >= 0).all()
    bad = r.plan.filter((total - pl.col("final")).abs() > 1e-9)
    # a row off the identity is a floored one: its sum is negative and it is reported
    assert (bad.select(total < 0).to_series()).all()
    assert bad.height == len([f for f in r.findings if f.code == "SOP703"])
    assert r.plan.height == r.plan.select("item", "segment").n_unique() * 18
    assert r.errors == []
    assert r.plan.equals(r.plan.sort("item", "segment", "period"))


def test_every_source_row_is_accounted_for(demo: tuple[Workspace, DemandResult]) -> None:
    ws, r = demo
    check_sources(r)
    for name, id_col in [
        ("pipeline", "deal_id"),
        ("promotions", "promo_id"),
        ("renewals", "renewal_id"),
        ("overrides", "override_id"),
    ]:
        t = ws.tables[name]
        assert isinstance(t, Table)
        used = r.sources.filter(source_file=t.path).select("source_line", "source_id").unique()
        reported = {f.line for f in r.findings if f.path == t.path and f.code in NOT_APPLIED}
        want = t.frame.select(pl.col("__line").alias("source_line"), pl.col(id_col).alias("id"))
        missing = want.join(used, on="source_line", how="anti")
        assert set(missing["source_line"].to_list()) <= reported, name
        ids = want.join(used, on="source_line")
        assert (ids["id"] == ids["source_id"]).all()
    per_deal = r.sources.filter(component="pipeline").group_by("source_line").agg(pl.sum("units"))
    deals = r.deals.join(per_deal, on="source_line", how="left").fill_null(0.0)
    assert ((deals["units"] - deals["units_in_horizon"]).abs() < 1e-9).all()
    sums = deals.select(pl.sum("units_in_horizon", "units_dropped", "weighted_units")).row(0)
    assert sums[0] + sums[1] == pytest.approx(sums[2])
    renewals = ws.tables["renewals"]
    assert isinstance(renewals, Table)
    want_units = (renewals.frame["quantity"] * renewals.frame["probability"]).sum()
    assert r.plan["renewal"].sum() == pytest.approx(want_units)


def test_two_runs_are_identical_and_fast(demo: tuple[Workspace, DemandResult]) -> None:
    ws, first = demo
    start = time.perf_counter()
    again = build_demand(ws, previous=first.plan)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, elapsed  # about 0.03 s on a laptop core
    for name in ("plan", "sources", "coverage", "baseline_methods", "deals"):
        assert getattr(first, name).equals(getattr(again, name)), name
    assert first.findings == again.findings
    assert dict(first.deals.schema) == DEALS_SCHEMA
    assert again.changes.height == 0  # same inputs, same plan


def test_demo_baseline_and_pipeline_facts(demo: tuple[Workspace, DemandResult]) -> None:
    _, r = demo
    methods = r.baseline_methods
    assert methods.filter(pl.col("method") == "none").height == 0
    per_item = methods.filter(pl.col("item").is_in(["PMP-BST-3", "MET-FLW-50"]))
    assert set(per_item["method"].to_list()) == {"croston"}
    assert methods.filter(requested="auto")["reason"].str.starts_with("auto chose ").all()
    # D-27031: committed (0.9), closed 2026-11 and slipped 3 times → 0.45, once
    d = r.deals.filter(deal_id="D-27031").row(0, named=True)
    assert d["stale"] and d["slipped"] and d["weight"] == pytest.approx(0.45)
    assert r.coverage.height == 3 * 18
    # OVR-002 replaces VLV-GAT-80 / standard in 2027-09, where the seasonal baseline repeats
    # the 2026-09 tender (232), with the run-rate 55
    row = r.plan.filter(item="VLV-GAT-80", segment="standard", period="2027-09")
    assert row["baseline"].item() == pytest.approx(232.0)
    assert row["final"].item() == pytest.approx(55.0)
