"""The written demand_sources.csv adds up to the written demand_plan.csv, cell by cell, and
each row of demand_plan.csv adds up to its written `final`.

Each source row rounded on its own loses a cell's total (three deals of 1/30 unit: 0.0333 × 3 =
0.0999 against 0.1000); the rows of a cell share the rounding by largest remainder instead. So
do the components of a plan row (0.33335 + 0.33335 written 0.3334 + 0.3334 against 0.6667).
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

from sopctl.demand import run_demand, written_plan, written_sources
from sopctl.results import csv_bytes
from sopctl.signal.rounding import apportion, apportioned_rows, written_units
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
    units = sources["units"].to_numpy().astype(np.float64)
    own = written_units(sources, ["units"], decimals)[0]  # unknown: alone, rounded on its own
    target = np.where(known, written_units(plan, comps, decimals)[k, p], own)
    cell = np.where(known, p * len(comps) + k, -1 - np.arange(units.size))
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
    assert by_cells.equals(apportioned(src, written_plan(run.result)))
    assert not by_cells["units"].equals(src["units"])


PLAN_COLUMNS = ("baseline", *COMPONENTS)


def row_sums(plan: bytes) -> list[tuple[tuple[str, ...], Decimal, Decimal]]:
    """(row key, its written final, the sum of its written components), in decimal arithmetic:
    every row of a demand_plan.csv whose final is above 0 (a floored row adds up to its sum
    before the floor, which the file does not hold)."""
    out = []
    for row in csv.DictReader(io.StringIO(plan.decode())):
        final = Decimal(row["final"])
        if final > 0:
            key = (row["item"], row["segment"], row["period"])
            out.append((key, final, sum(Decimal(row[c]) for c in PLAN_COLUMNS)))
    return out


def test_a_plan_row_adds_up_to_its_written_final(tmp_path: Path) -> None:
    """G/standard 2027-02: a deal's 1/6 unit (pipeline 0.16666667) and a renewal of 0.16666
    make 0.33332667, written 0.3333; rounded one by one the components were written 0.1667
    twice (0.3334). Shared by largest remainder the pipeline keeps 0.1667 (remainder .67 of a
    unit of the last decimal) and the renewal is written 0.1666, in demand_sources.csv too."""
    files = dict(FILES)
    files["charters/tiny.yaml"] = charter()
    files[f"{INPUTS}/history.csv"] = history()
    files[f"{INPUTS}/items.csv"] += "G,f,G,1,2,0,0.1\n"
    files[f"{INPUTS}/pipeline.csv"] += "D-9,Acme,G,standard,proposal,1,2027-01,3,,,0\n"
    files[f"{INPUTS}/renewals.csv"] += "R-9,Dyne,G,standard,2027-02,1,0.16666\n"
    overrides = files[f"{INPUTS}/overrides.csv"].splitlines(keepends=True)
    files[f"{INPUTS}/overrides.csv"] = "".join(overrides[:4])  # O-1..O-3, which have the rights
    write_files(tmp_path, files)
    run = run_demand(tmp_path)
    assert run.ok, [str(f) for f in run.report.errors]
    plan = (tmp_path / OUT / "demand_plan.csv").read_bytes()
    sums = row_sums(plan)
    assert sums and all(final == got for _, final, got in sums), sums
    rows = {tuple(r.split(",")[:3]): r.split(",") for r in plan.decode().splitlines()}
    assert rows[("G", "standard", "2027-02")][3:] == [
        "0.0000", "0.1667", "0.0000", "0.1666", "0.0000", "0.3333"
    ]  # fmt: skip
    sources = (tmp_path / OUT / "demand_sources.csv").read_text()
    assert "G,standard,2027-02,renewal,0.1666,renewals.csv,3,R-9" in sources.splitlines()
    assert all(want == got for _, want, got in written_sums(plan, sources.encode()))
    # floored rows (O-3 drives B/strategic 2027-03 below 0) still say how far below 0
    b = rows[("B", "strategic", "2027-03")]
    assert b[-1] == "0.0000" and sum(Decimal(v) for v in b[3:-1]) == Decimal("-93")


# a component of a plan row: fractional, of either sign, often exactly half a unit of the last
# decimal (the ties), often 0
component = st.one_of(
    st.just(0.0),
    st.integers(-200_000, 200_000).map(lambda n: n * 0.00005),
    st.floats(-1000, 1000, allow_nan=False).map(lambda x: round(x, 7)),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(*[component] * len(PLAN_COLUMNS)), min_size=1, max_size=12))
def test_every_written_plan_row_adds_up(rows: list[tuple[float, ...]]) -> None:
    """Any components: written, each row's add up to its written final (to its written sum
    before the floor when floored); each is off its exact value by less than 0.0001 and
    keeps its sign (0 stays 0)."""
    data = []
    for n, values in enumerate(rows):
        raw = 0.0
        for v in values:
            raw += v  # the engine's order: baseline + pipeline + ... + override
        data.append((f"I{n}", "s", "2027-01", *values, max(raw, 0.0), raw))
    names = ["item", "segment", "period", *PLAN_COLUMNS, "final", "raw"]
    full = pl.DataFrame(data, schema=names, orient="row")
    plan = full.drop("raw")
    out = apportioned_rows(plan, list(PLAN_COLUMNS))
    assert out.drop(PLAN_COLUMNS).equals(plan.drop(PLAN_COLUMNS))
    written = list(csv.DictReader(io.StringIO(csv_bytes(out).decode())))
    alone = list(csv.DictReader(io.StringIO(csv_bytes(full).decode())))
    for row, before in zip(written, alone, strict=True):
        got = sum(Decimal(row[c]) for c in PLAN_COLUMNS)
        final = Decimal(row["final"])
        assert got == (final if Decimal(before["final"]) > 0 else Decimal(before["raw"])), row
    exact = plan.select(PLAN_COLUMNS).to_numpy()
    shares = out.select(PLAN_COLUMNS).to_numpy()
    assert (np.abs(shares - exact) < 1e-4 + 1e-9).all()
    assert (np.sign(shares) * np.sign(exact) >= 0).all()  # no sign flips; 0 stays 0
    assert (shares[exact == 0] == 0).all()


def plain_largest_remainder(units: list[float], cell: list[int], target: dict[int, int]) -> list:
    """The rule of `apportion` as a plain loop: per cell, every row rounded down, then one
    unit each to the rows with the largest remainders (ties to the earlier row)."""
    out = [0.0] * len(units)
    for c in set(cell):
        rows = [i for i in range(len(units)) if cell[i] == c]
        floors = {i: float(np.floor(units[i] * 10**4)) for i in rows}
        lacking = target[c] - sum(floors.values())
        by_rem = sorted(rows, key=lambda i: (-(units[i] * 10**4 - floors[i]), i))
        for rank, i in enumerate(by_rem):
            out[i] = (floors[i] + (rank < lacking)) * (1 / 10**4)
    return out


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 5), st.one_of(component, st.just(0.00015))), min_size=1),
    ids=st.sampled_from([1, 7, -3, 10**9]),
)
def test_apportion_is_the_plain_rule(rows: list[tuple[int, float]], ids: int) -> None:
    """Cells sorted or only those the shortcut cannot settle (remainders above one half as
    many as the units lacking): the same values as the plain loop, on any cell ids."""
    cell = [c * ids for c, _ in rows]
    units = [u for _, u in rows]
    exact: dict[int, float] = defaultdict(float)
    for c, u in zip(cell, units, strict=True):
        exact[c] += u
    target = {c: round(v * 10**4) for c, v in exact.items()}
    got = apportion(
        np.array(units, dtype=np.float64),
        np.array(cell, dtype=np.int64),
        np.array([target[c] for c in cell], dtype=np.int64),
    )
    assert got.tolist() == plain_largest_remainder(units, cell, target)
