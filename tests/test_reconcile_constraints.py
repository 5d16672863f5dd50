"""One constraint family at a time, on tiny repos whose optimum can be worked out by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.plan_files import exception_messages
from sopctl.reconcile import PlanResult, SolveOptions, reconcile
from tests.test_reconcile_support import (
    ITEMS_HEADER,
    RES_HEADER,
    close,
    demand,
    make_ws,
    segment,
    series,
)

P3 = ["2027-01", "2027-02", "2027-03"]
INV = "item,on_hand,safety_stock,ending_target,safety_stock_penalty\n"


def run(
    tmp_path: Path,
    files: dict[str, str],
    rows: list[tuple[str, str, str, float]],
    options: SolveOptions | None = None,
    **kw: object,
) -> PlanResult:
    ws = make_ws(tmp_path, files, **kw)  # type: ignore[arg-type]
    res = reconcile(ws, demand(rows), options=options)
    assert res.status == "optimal", (res.status, res.diagnosis, res.hints)
    return res


def _one_line(item: str, resource: str, more: dict[str, str] | None = None) -> dict[str, str]:
    """Item A (its items.csv row) made on one resource (its resources.csv row) at one hour a
    unit, and `more` input files."""
    name = resource.split(",")[0]
    return {
        "items.csv": ITEMS_HEADER + item + "\n",
        "resources.csv": RES_HEADER + resource + "\n",
        "routings.csv": f"item,resource,hours_per_unit\nA,{name},1\n",
        **(more or {}),
    }


def exc(res: PlanResult, kind: str) -> pl.DataFrame:
    return res.exceptions.filter(pl.col("kind") == kind)


def test_inventory_balance_and_production_lead_time(tmp_path: Path) -> None:
    # lead time 1: January's production arrives in February; nothing started in March arrives
    res = run(
        tmp_path,
        {"items.csv": ITEMS_HEADER + "A,10,50,1,1,,\n", "inventory.csv": INV + "A,5,0,0,\n"},
        [("A", "s", p, q) for p, q in zip(P3, (5, 10, 10), strict=True)],
    )
    assert close(series(res, "supply", "production"), [10, 10, 0])
    assert close(series(res, "supply", "production_arrivals"), [0, 10, 10])
    assert close(series(res, "supply", "inventory"), [0, 0, 0])
    assert res.costs["production"] == pytest.approx(200.0)


def test_lead_time_late_delivery_names_the_lead_time(tmp_path: Path) -> None:
    # lead time 2 and nothing on hand: February's 5 units can only come in March
    res = run(
        tmp_path,
        {"items.csv": ITEMS_HEADER + "A,10,50,2,1,,\n", "inventory.csv": INV + "A,0,0,0,\n"},
        [("A", "s", "2027-02", 5), ("A", "s", "2027-03", 5)],
    )
    assert close(series(res, "shipments", "backlog"), [0, 5, 0])
    assert close(series(res, "supply", "production"), [10, 0, 0])
    late = exc(res, "late_delivery")
    assert late["period"].to_list() == ["2027-02"]
    assert late["binding_constraint"].to_list() == ["production_lead_time[A]"]
    assert late["value"].to_list() == [25.0]  # 5 units x penalty 5


def _capacity_10(tmp_path: Path, policy: str) -> PlanResult:
    return run(
        tmp_path,
        _one_line("A,10,50,0,1,,", "line,fixed,10,,,,,,,,,,,"),
        [("A", "s", "2027-01", 15), ("A", "s", "2027-02", 5)],
        segments=[segment("s", policy=policy)],
        horizon=2,
    )


def test_backlog_is_served_later(tmp_path: Path) -> None:
    res = _capacity_10(tmp_path, "backlog")
    assert close(series(res, "shipments", "shipped"), [10, 10])
    assert close(series(res, "shipments", "backlog"), [5, 0])
    assert close(series(res, "shipments", "on_time"), [10, 5])
    svc = res.service.row(0, named=True)
    assert svc["service_level"] == pytest.approx(0.75) and svc["fill_rate"] == pytest.approx(1.0)
    assert svc["meets_target"] is False


def test_lost_sales_are_gone(tmp_path: Path) -> None:
    res = _capacity_10(tmp_path, "lost_sales")
    assert close(series(res, "shipments", "shipped"), [10, 5])
    assert close(series(res, "shipments", "lost_sales"), [5, 0])
    svc = res.service.row(0, named=True)
    assert svc["service_level"] == pytest.approx(0.75) and svc["fill_rate"] == pytest.approx(0.75)
    short = exc(res, "shortage")
    assert short["value"].to_list() == [5 * (50 + 5)]  # price + penalty
    assert short["binding_constraint"].to_list() == ["capacity[line,2027-01]"]


@pytest.mark.parametrize(
    ("clear", "lost_revenue", "cost"),
    [
        (False, False, 30.0),  # backlog 1 a unit-month beats making at 100: never served
        (True, False, 1000.0),  # clear_backlog_by_end forces the 10 units to be made
        (False, True, 1000.0),  # open backlog at the end costs its price (200): made as well
    ],
)
def test_clear_backlog_by_end(tmp_path: Path, clear: bool, lost_revenue: bool, cost: float) -> None:
    res = run(
        tmp_path,
        {"items.csv": ITEMS_HEADER + "A,100,200,0,1,,\n"},
        [("A", "s", "2027-01", 10)],
        options=SolveOptions(lost_revenue=lost_revenue),
        segments=[segment("s", penalty=1, clear=clear)],
    )
    assert res.objective == pytest.approx(cost)
    assert series(res, "shipments", "backlog")[-1] == pytest.approx(0 if cost > 30 else 10)


def test_fixed_capacity_overtime_and_shadow_prices(tmp_path: Path) -> None:
    # 100 regular hours at 2, 20 overtime hours at 5 (total per hour), 130 units wanted
    res = run(
        tmp_path,
        _one_line("A,10,50,0,1,,", "line,fixed,100,2,5,20,,,,,,,,"),
        [("A", "s", "2027-01", 130)],
        segments=[segment("s", penalty=10)],
        horizon=1,
    )
    cap = res.capacity.row(0, named=True)
    assert cap["load"] == 120 and cap["overtime"] == 20 and cap["available"] == 100
    assert res.costs["production"] == 1200 and res.costs["regular_time"] == pytest.approx(200)
    assert res.costs["overtime"] == pytest.approx(100)
    # a short unit costs price 50 + penalty 10; one more regular hour makes one for 10 + 2,
    # one more overtime hour for 10 + 5
    assert cap["shadow_price"] == pytest.approx(48.0)
    sp = dict(zip(res.shadow_prices["constraint"], res.shadow_prices["shadow_price"], strict=True))
    assert sp["overtime_limit[line,2027-01]"] == pytest.approx(45.0)
    over = exc(res, "overload")
    assert over["binding_constraint"].to_list() == ["capacity[line,2027-01]"]
    # at stake: the exceptions the line causes, 10 units short at 50 + 10 and late at 10
    assert exc(res, "shortage")["quantity"].to_list() == [10.0]
    assert exc(res, "shortage")["value"].to_list() == [600.0]
    assert exc(res, "late_delivery")["value"].to_list() == [100.0]
    assert over["value"].to_list() == [pytest.approx(700.0)]


def test_regular_hours_used_up_with_overtime_left_say_so(tmp_path: Path) -> None:
    # 100 regular hours at 2 and up to 20 overtime hours at 70: a short unit costs 60, so no
    # overtime hour pays; the line binds at its regular hours, as every output labels it
    res = run(
        tmp_path,
        _one_line("A,10,50,0,1,,", "line,fixed,100,2,70,20,,,,,,,,"),
        [("A", "s", "2027-01", 130)],
        segments=[segment("s", policy="lost_sales", penalty=10)],
        horizon=1,
    )
    over = exc(res, "overload").with_columns(exception_messages(exc(res, "overload"), "EUR"))
    (msg,) = over["message"].to_list()
    # 30 units lost at 50 + 10: the money of the exception the line causes
    assert msg.startswith(
        "line at regular hours, overtime left, in 2027-01: 100.0 hours, 1,800.00 EUR at stake in "
        "the exceptions it causes; binding: capacity[line,2027-01]"
    )
    assert (
        "1 more hour on line in 2027-01 saves 48.00 EUR; overtime not used up: 0.0 of 20.0" in msg
    )


def test_labour_hires_are_limited(tmp_path: Path) -> None:
    res = run(
        tmp_path,
        _one_line("A,1,100,0,1,,", "crew,labour,,1,,,10,10,5,5,1,,,"),
        [("A", "s", p, 130) for p in P3],
        segments=[segment("s", policy="lost_sales", penalty=10)],
    )
    assert close(series(res, "capacity", "workforce"), [11, 12, 13])
    assert close(series(res, "capacity", "hires"), [1, 1, 1])
    assert close(series(res, "shipments", "lost_sales"), [20, 10, 0])
    # one more hire in January helps January and February: the most valuable relaxation
    assert exc(res, "shortage")["binding_constraint"].to_list() == ["max_hires[crew,2027-01]"] * 2
    assert res.costs["hiring"] == pytest.approx(15) and res.costs["regular_time"] == 360


def test_labour_layoffs_and_min_workforce(tmp_path: Path) -> None:
    res = run(
        tmp_path,
        _one_line("A,1,100,0,1,,", "crew,labour,,10,,,10,10,1,1,,2,7,"),
        [("A", "s", p, 50) for p in P3],
    )
    assert close(series(res, "capacity", "workforce"), [8, 7, 7])
    assert close(series(res, "capacity", "layoffs"), [2, 1, 0])
    assert close(series(res, "supply", "production"), [50, 50, 50])


def test_labour_limits_per_period(tmp_path: Path) -> None:
    # as above, but no layoffs in January (an agreement) and no hires in March (a freeze):
    # the crew shrinks a month later, 10 -> 10 -> 8 -> 7; the March row leaves layoffs at 2
    res = run(
        tmp_path,
        _one_line(
            "A,1,100,0,1,,",
            "crew,labour,,10,,,10,10,1,1,,2,7,",
            {
                "capacity.csv": "resource,period,hours,overtime_limit,max_hires,max_layoffs\n"
                "crew,2027-01,10,,,0\ncrew,2027-03,10,,0,\n",
            },
        ),
        [("A", "s", p, 50) for p in P3],
    )
    assert close(series(res, "capacity", "workforce"), [10, 8, 7])
    assert close(series(res, "capacity", "layoffs"), [0, 2, 1])
    assert close(series(res, "capacity", "hires"), [0, 0, 0])
    # one more layoff allowed in January would save a worker's month: that bound binds
    sp = dict(zip(res.shadow_prices["constraint"], res.shadow_prices["shadow_price"], strict=True))
    assert sp["max_layoffs[crew,2027-01]"] > 0


def test_a_period_price_moves_the_shortage(tmp_path: Path) -> None:
    # 10 units a month of line time against 15 ordered in January and 15 in February: 10 are
    # lost either way. February's price list says 50 instead of 20, so January's units are
    # the ones lost: January makes 10, ships 5 and carries 5 (holding 1) to February.
    res = run(
        tmp_path,
        _one_line(
            "A,1,20,0,1,,",
            "LINE,fixed,10,,,,,,,,,,,",
            {
                "period_prices.csv": "item,segment,period,price\nA,s,2027-02,50\n",
            },
        ),
        [("A", "s", "2027-01", 15), ("A", "s", "2027-02", 15)],
        segments=[segment("s", policy="lost_sales", penalty=0)],
        horizon=2,
    )
    assert close(series(res, "supply", "lost_sales"), [10, 0])
    assert close(series(res, "supply", "inventory"), [5, 0])
    # lost revenue at each period's own price: 10 x 20
    assert res.costs["lost_revenue"] == pytest.approx(200)
    short = exc(res, "shortage").row(0, named=True)
    assert (short["period"], short["value"]) == ("2027-01", pytest.approx(200))


def test_subcontract_limit(tmp_path: Path) -> None:
    # making costs 100, more than a lost unit (price 40 + penalty 5): A is bought (30 a month
    # at 20), B cannot be subcontracted and is lost
    res = run(
        tmp_path,
        {"items.csv": ITEMS_HEADER + "A,100,40,0,1,20,30\nB,100,40,0,1,,\n"},
        [("A", "s", "2027-01", 50), ("B", "s", "2027-01", 5)],
        segments=[segment("s", policy="lost_sales", penalty=5)],
        horizon=1,
    )
    assert close(series(res, "supply", "subcontract"), [30, 0])
    assert close(series(res, "supply", "lost_sales"), [20, 5])
    short = exc(res, "shortage").filter(pl.col("item") == "A").row(0, named=True)
    assert short["binding_constraint"] == "subcontract_limit[A,2027-01]"
    assert short["shadow_price"] == pytest.approx(40 + 5 - 20)
    short_b = exc(res, "shortage").filter(pl.col("item") == "B").row(0, named=True)
    assert short_b["binding_constraint"] == "demand[B,s,2027-01]"  # shorting is the cheaper way
    assert short_b["shadow_price"] == pytest.approx(-45.0)  # one more unit demanded costs 45


@pytest.mark.parametrize(
    ("penalty", "inventory", "shortfall"),
    [
        ("5", [15, 15], [0, 0]),  # keeping 15 costs 1 a unit-month: cheaper than 5
        ("0.5", [10, 0], [5, 15]),  # a breach at 0.5 is cheaper than holding at 1
        ("", [15, 15], [0, 0]),  # default penalty: 2 x holding cost = 2
    ],
)
def test_safety_stock_is_soft(
    tmp_path: Path, penalty: str, inventory: list[float], shortfall: list[float]
) -> None:
    res = run(
        tmp_path,
        {
            "items.csv": ITEMS_HEADER + "A,0,50,0,1,,\n",
            "inventory.csv": INV + f"A,20,15,0,{penalty}\n",
        },
        [("A", "s", "2027-01", 10), ("A", "s", "2027-02", 10)],
        horizon=2,
    )
    assert close(series(res, "supply", "inventory"), inventory)
    assert close(series(res, "supply", "ss_shortfall"), shortfall)
    assert close(exc(res, "safety_stock")["quantity"].to_list(), [s for s in shortfall if s])


def test_ending_target_is_hard(tmp_path: Path) -> None:
    res = run(
        tmp_path,
        _one_line(
            "A,10,50,0,1,,",
            "line,fixed,10,,,,,,,,,,,",
            {
                "inventory.csv": INV + "A,0,0,15,\n",
            },
        ),
        [],
        horizon=2,
    )
    assert close(series(res, "supply", "production"), [5, 10])
    assert close(series(res, "supply", "inventory"), [5, 15])
    assert res.objective == pytest.approx(150 + 5 + 15)
    sp = dict(zip(res.shadow_prices["constraint"], res.shadow_prices["shadow_price"], strict=True))
    assert sp["ending_target[A]"] == pytest.approx(-12.0)  # made in January, held two months


def _one_material(tmp_path: Path, material: str, extra: dict[str, str]) -> PlanResult:
    """Item A made of one unit of material M (row `material` of materials.csv), 15 demanded a
    month by a lost-sales segment."""
    files = {
        "items.csv": ITEMS_HEADER + "A,10,100,0,1,,\n",
        "bom.csv": "item,material,quantity_per\nA,M,1\n",
        "materials.csv": f"material,supplier,unit_cost,lead_time,capacity,on_hand\n{material}\n",
        **extra,
    }
    rows = [("A", "s", p, 15.0) for p in P3]
    return run(tmp_path, files, rows, segments=[segment("s", policy="lost_sales")])


def test_materials_supplier_lead_time_capacity_and_open_orders(tmp_path: Path) -> None:
    # 4 on hand, orders of 6 (Jan) and 3 (Feb); new receipts from Feb, at most 12 a month
    orders = "po_id,material,period,quantity\nPO1,M,2027-01,6\nPO2,M,2027-02,3\n"
    res = _one_material(tmp_path, "M,Acme,5,1,12,4", {"open_orders.csv": orders})
    assert close(series(res, "materials", "receipts"), [0, 12, 12])
    assert close(series(res, "materials", "open_orders"), [6, 3, 0])
    assert close(series(res, "materials", "need"), [10, 15, 12])
    assert close(series(res, "materials", "inventory"), [0, 0, 0])
    assert close(series(res, "supply", "lost_sales"), [5, 0, 3])
    assert exc(res, "shortage")["binding_constraint"].to_list() == [
        "supplier_lead_time[M,2027-01]",
        "supplier_capacity[M,2027-03]",
    ]
    assert res.costs["materials"] == pytest.approx(24 * 5)
    over = exc(res, "overload")
    assert over["material"].to_list() == ["M", "M"]


def test_supplier_capacity_per_period_overrides_the_materials_capacity(tmp_path: Path) -> None:
    # the supplier ships 12 a month (materials.csv) but only 4 in February (supplier_capacity)
    # and, in March, 20 (an allocation above the usual); nothing on hand, no lead time
    rows = "material,period,capacity\nM,2027-02,4\nM,2027-03,20\n"
    res = _one_material(tmp_path, "M,Acme,5,0,12,0", {"supplier_capacity.csv": rows})
    assert close(series(res, "materials", "supplier_capacity"), [12, 4, 20])
    assert close(series(res, "materials", "receipts"), [12, 4, 15])
    assert close(series(res, "supply", "lost_sales"), [3, 11, 0])
    assert exc(res, "shortage")["binding_constraint"].to_list() == [
        "supplier_capacity[M,2027-01]",
        "supplier_capacity[M,2027-02]",
    ]


def test_segment_priority_beats_a_higher_penalty(tmp_path: Path) -> None:
    files = {
        "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
        "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
    }
    segs = [
        segment("gold", priority=1, policy="lost_sales", penalty=1),
        segment("tin", priority=2, policy="lost_sales", penalty=100),
    ]
    rules: list[dict[str, object]] = [
        {"exception": "shortage", "segment": "gold", "to": "sales"},
        {"exception": "any", "min_value": 1000, "to": "boss"},
    ]
    rows = [("A", "gold", "2027-01", 10.0), ("A", "tin", "2027-01", 10.0)]
    ws = make_ws(tmp_path, files, segments=segs, horizon=1, escalation=rules)
    res = reconcile(ws, demand(rows))
    assert close(series(res, "shipments", "shipped", segment="gold"), [10])
    assert close(series(res, "shipments", "shipped", segment="tin"), [0])
    short = exc(res, "shortage").row(0, named=True)
    assert (short["segment"], short["value"], short["escalate_to"]) == ("tin", 1500.0, "boss")
    # plain LP (gold short), then gold held at zero shortage and re-solved at least cost
    assert res.solver.runs == 2 and res.solver.method == "simplex"
    assert res.objective == pytest.approx(100 + 10 * 150)
    plain = reconcile(ws, demand(rows), options=SolveOptions(lexicographic=False))
    assert close(series(plain, "shipments", "shipped", segment="gold"), [0])
    assert plain.objective is not None and res.objective is not None
    assert plain.objective < res.objective


def test_priority_level_that_cannot_be_served_gets_its_own_stage(tmp_path: Path) -> None:
    # 10 hours for 15 gold and 10 tin units: holding gold at zero shortage is infeasible, so
    # gold's least shortage (5) is found by its own stage, then the cost is minimised with it
    files = {
        "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\n",
        "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
    }
    segs = [
        segment("gold", priority=1, policy="lost_sales", penalty=1),
        segment("tin", priority=2, policy="lost_sales", penalty=100),
    ]
    rows = [("A", "gold", "2027-01", 15.0), ("A", "tin", "2027-01", 10.0)]
    ws = make_ws(tmp_path, files, segments=segs, horizon=1)
    res = reconcile(ws, demand(rows))
    assert close(series(res, "shipments", "shipped", segment="gold"), [10])
    assert close(series(res, "shipments", "shipped", segment="tin"), [0])
    # plain LP, the infeasible trial, gold's stage, the cost re-solve
    assert res.solver.runs == 4 and "priority stages" in res.solver.method


def test_a_shorted_priority_level_is_noted_and_a_free_shortage_is_priced_zero(
    tmp_path: Path,
) -> None:
    # 10 hours for 20 gold units (A sells at 50, Z at 0; gold's penalty 0) and 10 tin units:
    # gold keeps its least shortage (10) and then the cost: A is made, Z is lost
    files = {
        "items.csv": ITEMS_HEADER + "A,10,50,0,1,,\nZ,10,0,0,1,,\n",
        "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\nZ,line,1\n",
    }
    segs = [
        segment("gold", priority=1, policy="lost_sales", penalty=0),
        segment("tin", priority=2, policy="lost_sales", penalty=100),
    ]
    rows = [
        ("A", "gold", "2027-01", 15.0),
        ("Z", "gold", "2027-01", 5.0),
        ("A", "tin", "2027-01", 10.0),
    ]
    res = reconcile(make_ws(tmp_path, files, segments=segs, horizon=1), demand(rows))
    assert "priority stages" in res.solver.method
    assert close(series(res, "shipments", "shipped", segment="gold", item="A"), [10])
    # a lost Z costs nothing, so one more Z demanded costs nothing either: its own row, at 0
    free = exc(res, "shortage").filter(pl.col("item") == "Z").row(0, named=True)
    assert free["binding_constraint"] == "demand[Z,gold,2027-01]"
    assert free["value"] == 0 and free["shadow_price"] == 0
    # the prices hold gold's shortage: said in a note that points to a scenario
    (note,) = [n for n in res.notes if n.startswith("segment priority: ")]
    assert "priority 1 (gold) cannot be served in full" in note
    assert "sopctl reconcile --scenario" in note


def test_service_units_carry_the_files_decimals_not_the_stage_holds_residue(
    tmp_path: Path,
) -> None:
    # gold's least shortage (5) is held with a 1e-6 slack, which the cost re-solve uses to
    # serve tin: summary.json said 5.000001 lost and 9.999999 shipped where the files say 5, 10
    files = {
        "items.csv": ITEMS_HEADER + "A,10,0,0,1,,\n",
        "resources.csv": RES_HEADER + "line,fixed,10,,,,,,,,,,,\n",
        "routings.csv": "item,resource,hours_per_unit\nA,line,1\n",
    }
    segs = [
        segment("gold", priority=1, policy="lost_sales", penalty=1),
        segment("tin", priority=2, policy="lost_sales", penalty=100),
    ]
    rows = [("A", "gold", "2027-01", 15.0), ("A", "tin", "2027-01", 10.0)]
    res = reconcile(make_ws(tmp_path, files, segments=segs, horizon=1), demand(rows))
    assert "priority stages" in res.solver.method
    got = {r["segment"]: r for r in res.service.to_dicts()}
    assert (got["gold"]["lost_sales"], got["gold"]["shipped"]) == (5.0, 10.0)
    assert (got["tin"]["lost_sales"], got["tin"]["shipped"]) == (10.0, 0.0)
