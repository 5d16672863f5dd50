"""The written demand_sources.csv adds up to the written demand_plan.csv, cell by cell.

Each source row rounded on its own loses a cell's total (three deals of 1/30 unit: 0.0333 × 3 =
0.0999 against 0.1000); the rows of a cell share the rounding by largest remainder instead.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from sopctl.demand import run_demand, written_sources
from sopctl.results import csv_bytes
from sopctl.signal.rounding import apportion, written_units
from tests.helpers import write_files
from tests.test_signal_engine import FILES, INPUTS, charter, history


def apportioned(sources: pl.DataFrame, plan: pl.DataFrame, decimals: int = 4) -> pl.DataFrame:
    """The rounding of `rounding.apportion` on a labelled frame, the reference the engine's
    integer cells are checked against: `sources` (item, segment, period, component, units,
    ...) with each cell's rows summing exactly to its component in `plan` as written. Labels
    are mapped onto the plan's rows by a join, which the engine's integer cells skip."""
    if sources.height == 0:
        return sources
    comps = sorted(set(sources["component"].unique().to_list()))
    key = ["item", "segment", "period"]
    pos = sources.select(key).join(
        plan.select(key).with_row_index("_pos"), on=key, how="left", maintain_order="left"
    )["_pos"]
    codes = list(range(len(comps)))
    code = sources["component"].replace_strict(comps, codes, return_dtype=pl.Int64)
    known = pos.is_not_null().to_numpy()
    p = pos.fill_null(0).cast(pl.Int64).to_numpy()
    k = code.to_numpy()
    target = written_units(plan, comps, decimals)[k, p]
    units = sources["units"].to_numpy().astype(np.float64)
    cell = np.where(known, p * len(comps) + k, -1 - np.arange(units.size))  # unknown: alone
    return sources.with_columns(pl.Series("units", apportion(units, cell, target, decimals)))


OUT = "cycles/2026-12/outputs"
ROOT = Path(__file__).resolve().parents[1]
COMPONENTS = ("pipeline", "promotion", "renewal", "override")
PIPELINE_HEAD = (
    "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,probability,"
    "probability_reason,slip_count\n"
)


def written_sums(plan: bytes, sources: bytes) -> list[tuple[tuple[str, ...], Decimal, Decimal]]:
    """(cell and component, the plan's value, the sum of its source rows), as the files hold
    them, in decimal arithmetic: every cell with a source row."""
    summed: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for row in csv.DictReader(io.StringIO(sources.decode())):
        key = (row["item"], row["segment"], row["period"], row["component"])
        summed[key] += Decimal(row["units"])
    want = {}
    for row in csv.DictReader(io.StringIO(plan.decode())):
        for c in COMPONENTS:
            want[(row["item"], row["segment"], row["period"], c)] = Decimal(row[c])
    return [(key, want[key], got) for key, got in sorted(summed.items())]


def test_fractional_deals_add_up_in_the_written_files(tmp_path: Path) -> None:
    """Three deals of 1 unit at probability 0.1 over 3 periods (1/30 each), two of 2 units
    (1/15 each): the written rows add up to the written plan, 0.1000 and 0.1333."""
    files = dict(FILES)
    files["charters/tiny.yaml"] = charter()
    files[f"{INPUTS}/history.csv"] = history()
    files[f"{INPUTS}/items.csv"] += "G,f,G,1,2,0,0.1\nH,f,H,1,2,0,0.1\n"
    files[f"{INPUTS}/overrides.csv"] = (
        "override_id,item,segment,period,kind,quantity,owner,reason\n"
    )
    files[f"{INPUTS}/pipeline.csv"] = PIPELINE_HEAD + "".join(
        f"D-{n},Acme,{item},standard,qualified,{qty},2027-01,3,0.1,Early,0\n"
        for n, (item, qty) in enumerate([("G", 1)] * 3 + [("H", 2)] * 2)
    )
    write_files(tmp_path, files)
    run = run_demand(tmp_path)
    assert run.ok, [str(f) for f in run.report.errors]
    plan, sources = (tmp_path / OUT / "demand_plan.csv"), (tmp_path / OUT / "demand_sources.csv")
    sums = written_sums(plan.read_bytes(), sources.read_bytes())
    assert sums and all(want == got for _, want, got in sums), sums
    g = [r for r in sources.read_text().splitlines() if r.startswith("G,standard,2027-02,")]
    assert [r.split(",")[4] for r in g] == ["0.0334", "0.0333", "0.0333"]  # first row first
    h = [r for r in sources.read_text().splitlines() if r.startswith("H,standard,2027-02,")]
    assert [r.split(",")[4] for r in h] == ["0.0667", "0.0666"]
    plan_rows = {tuple(r.split(",")[:3]): r.split(",") for r in plan.read_text().splitlines()}
    assert plan_rows[("G", "standard", "2027-02")][4] == "0.1000"
    assert plan_rows[("H", "standard", "2027-02")][4] == "0.1333"


cells = st.lists(  # per cell: its source rows' units, fractional, of either sign
    st.lists(
        st.floats(-1000, 1000, allow_nan=False).map(lambda x: round(x, 7)), min_size=1, max_size=6
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(cells=cells, component=st.sampled_from(COMPONENTS))
def test_apportioned_rows_sum_to_the_written_plan(cells: list[list[float]], component: str) -> None:
    plan_rows, src_rows = [], []
    for n, units in enumerate(cells):
        item = f"I{n}"
        total = 0.0
        for line, u in enumerate(units, start=2):
            total += u  # the engine's order: np.bincount adds in row order
            src_rows.append((item, "s", "2027-01", component, u, "f.csv", line, f"X-{line}"))
        values = (total if c == component else 0.0 for c in COMPONENTS)
        plan_rows.append((item, "s", "2027-01", *values))
    plan = pl.DataFrame(plan_rows, schema=["item", "segment", "period", *COMPONENTS], orient="row")
    sources = pl.DataFrame(
        src_rows,
        schema=[
            "item", "segment", "period", "component", "units", "source_file", "source_line",
            "source_id",
        ],
        orient="row",
    )  # fmt: skip
    out = apportioned(sources, plan)
    assert out.drop("units").equals(sources.drop("units"))
    # every row moves less than one unit of the last decimal from its exact value
    assert ((out["units"] - sources["units"]).abs() < 1e-4 + 1e-9).all()
    sums = written_sums(csv_bytes(plan), csv_bytes(out))
    assert all(want == got for _, want, got in sums), sums


def test_the_engines_integer_cells_round_as_the_labelled_sources_do(tmp_path: Path) -> None:
    """The demo (deals, promotions, renewals, overrides, several in a cell): the written rows
    apportioned on the engine's integer cells are those `apportioned` gives on the labels."""
    repo = tmp_path / "nw"
    shutil.copytree(ROOT / "charters", repo / "charters")
    shutil.copytree(
        ROOT / "cycles" / "2026-12",
        repo / "cycles" / "2026-12",
        ignore=shutil.ignore_patterns("outputs"),
    )
    run = run_demand(repo, write=False)
    assert run.ok and run.result is not None and run.result.source_cell is not None
    src = run.result.sources
    assert set(src["component"]) == set(COMPONENTS)
    assert (
        src.select("item", "segment", "period", "component").is_duplicated().any()
    )  # cells with several rows
    by_cells = written_sources(run.result)
    assert by_cells.equals(apportioned(src, run.result.plan))
    assert not by_cells["units"].equals(src["units"])
