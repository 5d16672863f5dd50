"""Actuals for `sopctl learn`: bad files give findings at path:line:col (never a traceback),
unknown ids are left out with a warning, and the loader survives arbitrary bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopctl import periods
from sopctl.demos.minimal import CHARTER
from sopctl.learn import actuals as acts
from sopctl.schemas.charter import Charter
from sopctl.yamlio import parse_yaml
from tests.helpers import run, write_files
from tests.test_learn_support import three_cycles

DEMAND = "item,segment,period,ordered,shipped\n"


def _ctx() -> tuple[acts.Context, dict[str, frozenset[str]]]:
    doc, _ = parse_yaml("acme.yaml", CHARTER)
    assert doc is not None
    first = periods.to_ordinal("2027-01", "month")
    assert first is not None
    ctx = acts.context(Charter.model_validate(doc.data), "month", first, 6)
    known = {
        "item": frozenset({"P-100", "P-200"}),
        "resource": frozenset({"ASSY", "CREW"}),
        "material": frozenset({"M-1"}),
    }
    return ctx, known


def load(folder: Path) -> acts.Actuals:
    ctx, known = _ctx()
    return acts.load(folder.parent, folder, ctx, known, 2**20)


CASES = [
    # (file, text, expected "path:line:col: severity CODE")
    ("demand.csv", DEMAND + 'P-100,strategic,2027-01,"1,200",10\n', "2:4: error SOP303"),
    ("demand.csv", DEMAND + "P-100,strategic,2027-13,10,10\n", "2:3: error SOP308"),
    ("demand.csv", DEMAND + "P-100,retail,2027-01,10,10\n", "2:2: error SOP403"),
    ("demand.csv", DEMAND + "P-100,strategic,2027-01,-5,0\n", "2:4: error SOP305"),
    ("demand.csv", "item;segment;period;ordered\nP-100;strategic;2027-01;5\n", "1:1: error SOP202"),
    ("demand.csv", DEMAND + "P-999,strategic,2027-01,5,5\n", "2:1: warning SOP731"),
    ("stock.csv", "item,period,on_hand\nP-100,2027-01,5\nP-100,2027-01,6\n", "3:1: error SOP401"),
    ("deals.csv", "deal_id,outcome,close_period\nD-1,maybe,2027-01\n", "2:2: error SOP307"),
    (
        "lead_times.csv",
        "receipt_id,material,order_period,receipt_period\nR-1,M-1,2027-03,2027-01\n",
        "2:4: error SOP733",
    ),
    (
        "order_lines.csv",
        "order_id,line,item,segment,requested_period,ordered,shipped,on_time\n"
        "SO-1,1,P-100,strategic,2027-01,5,5,sometimes\n",
        "2:8: error SOP307",
    ),
    ("resource_hours.csv", "resource,period,hours\nPAINT,2027-01,10\n", "2:1: warning SOP731"),
    ("notes.csv", "whatever\n1\n", "actuals/notes.csv: warning SOP730"),
]


@pytest.mark.parametrize(("name", "text", "where"), CASES)
def test_bad_actuals_are_findings_at_their_place(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    folder = tmp_path / "actuals"
    write_files(
        tmp_path,
        {f"actuals/{name}": text, "actuals/demand.csv": DEMAND}
        if name != "demand.csv"
        else {f"actuals/{name}": text},
    )
    got = [str(f) for f in load(folder).findings]
    prefix = where if where.startswith("actuals/") else f"actuals/{name}:{where}"
    assert any(f.startswith(prefix) for f in got), got


def test_unknown_ids_are_left_out(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "actuals/demand.csv": DEMAND + "P-999,strategic,2027-01,5,5\n"
            "p-100,strategic,2027-01,7,7\n"
        },
    )
    act = load(tmp_path / "actuals")
    df = act.get("actuals")
    assert df is not None and df["item"].to_list() == ["P-100"]  # case resolved (SOP406)
    assert {f.code for f in act.findings} == {"SOP731", "SOP406"}


def test_one_csv_is_recognised_by_its_header(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("item,period,produced\nP-100,2027-01,5\n")
    ctx, known = _ctx()
    act = acts.load(tmp_path, path, ctx, known, 2**20)
    assert list(act.tables) == ["production_actuals"] and not act.findings
    path.write_text("item,qty\nP-100,5\n")
    act = acts.load(tmp_path, path, ctx, known, 2**20)
    assert [f.code for f in act.findings] == ["SOP732"] and not act.tables
    path.write_text("sku,qty\nP-100,5\n")  # no known column at all: no header
    assert [f.code for f in acts.load(tmp_path, path, ctx, known, 2**20).findings] == ["SOP201"]


def test_invalid_actuals_exit_1_and_write_nothing(tmp_path: Path) -> None:
    repo = three_cycles(tmp_path / "plan")
    write_files(repo, {"actuals/stock.csv": "item,period,on_hand\nP-100,2027-01,lots\n"})
    r = run(["learn", "2026-12"], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert "actuals/stock.csv:2:3: error SOP302" in r.out
    assert not (repo / "learn").exists()
    r = run(["learn", "2026-12", "--actuals", "actuals/stock.csv", "--format", "json"], cwd=repo)
    assert r.code == 1 and '"SOP302"' in r.out


CELLS = st.sampled_from(
    [
        "P-100",
        "P-200",
        "strategic",
        "standard",
        "2027-01",
        "2027-13",
        "5",
        "-1",
        "1,5",
        "",
        " ",
        '"',
        "x\ny",
        "é",
        "10.5",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=0, max_size=7), max_size=6))
def test_any_demand_file_gives_findings_not_a_traceback(rows: list[list[str]]) -> None:
    text = DEMAND + "".join(",".join(r) + "\n" for r in rows)
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "actuals"
        folder.mkdir()
        (folder / "demand.csv").write_text(text, encoding="utf-8")
        act = load(folder)
    lines = text.count("\n") + 1
    for f in act.findings:
        assert f.path == "actuals/demand.csv"
        assert 0 <= f.line <= lines and f.col >= 0


def test_the_default_committed_cycle_is_the_latest_by_first_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tagged folder named 2026-zz that plans from 2026-07 is not later than 2026-12."""
    from sopctl.learn import committed

    for cid, first in (("2026-12", "2027-01"), ("2026-zz", "2026-07")):
        (tmp_path / "cycles" / cid).mkdir(parents=True)
        (tmp_path / "cycles" / cid / "cycle.yaml").write_text(f"first_period: {first}\n")
    tags = {"2026-12": "sop/2026-12/v1", "2026-zz": "sop/2026-zz/v3"}
    monkeypatch.setattr(committed, "latest_tags", lambda _root: (tags, []))
    assert committed.resolve(tmp_path, None, tmp_path) == ("sop/2026-12/v1", [])
