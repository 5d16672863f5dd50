"""Properties on small random instances (built as PlanData, no files):
every solved plan keeps every balance and limit (scheduled receipts included), and more
capacity never costs more."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopctl.reconcile import PlanData, SolveOptions, reconcile_data
from sopctl.reconcile.data import MaterialData, ResourceData
from sopctl.reconcile.model import build_model
from sopctl.reconcile.solve import solve

INF = float("inf")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FRAME_TOL = 5e-6  # frames are rounded to 6 decimals; a balance adds up to 5 of them


def ints(draw: st.DrawFn, lo: int, hi: int, shape: tuple[int, ...]) -> np.ndarray:
    n = int(np.prod(shape)) if shape else 1
    vals = draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n))
    return np.array(vals, dtype=np.float64).reshape(shape)


def maybe_inf(draw: st.DrawFn, lo: int, hi: int, n: int) -> np.ndarray:
    vals = draw(st.lists(st.one_of(st.none(), st.integers(lo, hi)), min_size=n, max_size=n))
    return np.array([INF if v is None else float(v) for v in vals])


@st.composite
def instances(draw: st.DrawFn) -> PlanData:
    """Always feasible: no target above stock on hand, no forced backlog clearing, the workforce
    can stay where it is, and producing nothing keeps every balance."""
    T, F, S = draw(st.integers(2, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    R, M = draw(st.integers(1, 2)), draw(st.integers(0, 2))
    unit = ints(draw, 1, 20, (F,))
    price = unit + ints(draw, 0, 30, (F,))
    on_hand = ints(draw, 0, 30, (F,))
    has_sub = np.array(draw(st.lists(st.booleans(), min_size=F, max_size=F)))
    labour = np.array(draw(st.lists(st.booleans(), min_size=R, max_size=R)))
    w0 = ints(draw, 0, 5, (R,))
    res = ResourceData(
        labour=labour,
        hours=np.where(labour[:, None], ints(draw, 5, 20, (R, T)), ints(draw, 0, 60, (R, T))),
        ot_limit=ints(draw, 0, 10, (R, T)),
        reg_cost=ints(draw, 0, 3, (R, T)),  # per period (capacity rows)
        ot_cost=ints(draw, 0, 6, (R, T)),
        workforce0=w0,
        hire_cost=ints(draw, 0, 10, (R,)),
        layoff_cost=ints(draw, 0, 10, (R,)),
        # per period (capacity rows), unlimited for some pools
        max_hires=np.where(
            np.isinf(maybe_inf(draw, 0, 1, R))[:, None], INF, ints(draw, 0, 3, (R, T))
        ),
        max_layoffs=np.where(
            np.isinf(maybe_inf(draw, 0, 1, R))[:, None], INF, ints(draw, 0, 3, (R, T))
        ),
        min_workforce=np.minimum(ints(draw, 0, 5, (R,)), w0),
        max_workforce=w0 + maybe_inf(draw, 0, 5, R),
    )
    mat = MaterialData(
        cost=ints(draw, 0, 5, (M, T)),  # per period (material_period_costs)
        lead=ints(draw, 0, 2, (M,)).astype(np.int64),
        # per period (supplier_capacity rows), unlimited for some materials
        cap=np.where(np.isinf(maybe_inf(draw, 0, 1, M))[:, None], INF, ints(draw, 0, 50, (M, T))),
        on_hand=ints(draw, 0, 30, (M,)),
        holding=np.full(M, 0.1),
        open_orders=ints(draw, 0, 20, (M, T)),
    )
    route = np.array(draw(st.lists(st.booleans(), min_size=F * R, max_size=F * R))).reshape(F, R)
    rf, rr = np.nonzero(route)
    bom = np.array(draw(st.lists(st.booleans(), min_size=F * M, max_size=F * M))).reshape(F, M)
    bf, bm = np.nonzero(bom)
    holding = ints(draw, 0, 3, (F,))
    return PlanData(
        periods=[f"2027-{m:02d}" for m in range(1, T + 1)],
        items=[f"I{f}" for f in range(F)],
        segments=[f"S{s}" for s in range(S)],
        resources=[f"R{r}" for r in range(R)],
        materials=[f"M{m}" for m in range(M)],
        currency="EUR",
        unit_cost=unit[:, None] + ints(draw, 0, 2, (F, T)),  # per period (period_costs)
        price=price,
        holding=holding,
        lead_time=ints(draw, 0, 1, (F,)).astype(np.int64),
        sub_cost=np.where(has_sub, unit + ints(draw, 0, 20, (F,)), np.nan),
        sub_limit=maybe_inf(draw, 0, 20, F),
        on_hand=on_hand,
        # scheduled receipts (work released before the horizon): none for some items
        receipts=ints(draw, 0, 20, (F, T)) * ints(draw, 0, 1, (F, 1)),
        receipts_declared=True,
        safety_stock=ints(draw, 0, 10, (F,)),
        ss_penalty=ints(draw, 0, 5, (F,)),
        ending_target=np.minimum(ints(draw, 0, 30, (F,)), on_hand),
        seg_priority=ints(draw, 1, 2, (S,)).astype(np.int64),
        seg_backlog=np.array(draw(st.lists(st.booleans(), min_size=S, max_size=S))),
        seg_penalty=ints(draw, 0, 20, (S,)),
        seg_clear=np.zeros(S, dtype=bool),
        seg_target=np.full(S, 0.9),
        # per period (period_prices rows): the item's price plus up to 5 in some periods
        seg_price=np.repeat(price[:, None], S, axis=1)[:, :, None] + ints(draw, 0, 5, (F, S, T)),
        demand=ints(draw, 0, 40, (F, S, T)),
        res=res,
        mat=mat,
        rt_item=rf.astype(np.int64),
        rt_res=rr.astype(np.int64),
        rt_hours=ints(draw, 1, 6, (rf.size,)) / 2,
        bom_item=bf.astype(np.int64),
        bom_mat=bm.astype(np.int64),
        bom_qty=ints(draw, 1, 3, (bf.size,)),
    )


def grid(df: object, col: str, n: int, T: int) -> np.ndarray:
    return np.array(df[col].to_list(), dtype=np.float64).reshape(n, T)  # type: ignore[index]


def prev(a: np.ndarray, first: np.ndarray) -> np.ndarray:
    return np.concatenate([first[:, None], a[:, :-1]], axis=1)


@SETTINGS
@given(instances())
def test_every_plan_keeps_every_balance_and_limit(d: PlanData) -> None:
    lp = build_model(d)
    sol = solve(lp, SolveOptions())
    assert sol.status == "optimal" and sol.x is not None
    x = sol.x  # the raw solution against the model's own rows and bounds
    act = np.zeros(lp.n_row)
    cols = np.repeat(np.arange(lp.n_col), np.diff(lp.a_start))
    np.add.at(act, lp.a_index, lp.a_value * x[cols])
    assert np.all(act >= lp.row_lower - 1e-6) and np.all(act <= lp.row_upper + 1e-6)
    assert np.all(x >= lp.col_lower - 1e-6) and np.all(x <= lp.col_upper + 1e-6)

    res = reconcile_data(d, [])  # and the published frames against the model's definition
    assert res.status == "optimal"
    F, T, R, M = len(d.items), d.T, len(d.resources), len(d.materials)
    sup = res.supply
    inv, ship = grid(sup, "inventory", F, T), grid(sup, "shipments", F, T)
    arrive, sub = grid(sup, "production_arrivals", F, T), grid(sup, "subcontract", F, T)
    sched = grid(sup, "scheduled_receipts", F, T)
    assert np.array_equal(sched, d.receipts)
    assert np.allclose(inv, prev(inv, d.on_hand) + arrive + sched + sub - ship, atol=FRAME_TOL)
    assert np.all(inv[:, -1] >= d.ending_target - FRAME_TOL)
    lim = np.where(np.isnan(d.sub_cost), 0.0, d.sub_limit)
    assert np.all(sub <= lim[:, None] + FRAME_TOL)
    sh = res.shipments
    K = sh.height // T
    dem, out = grid(sh, "demand", K, T), grid(sh, "shipped", K, T)
    back, lost = grid(sh, "backlog", K, T), grid(sh, "lost_sales", K, T)
    assert np.allclose(back, prev(back, np.zeros(K)) + dem - out - lost, atol=FRAME_TOL)
    cap = res.capacity
    load, avail = grid(cap, "load", R, T), grid(cap, "available", R, T)
    ot, ot_lim = grid(cap, "overtime", R, T), grid(cap, "overtime_limit", R, T)
    prod = grid(sup, "production", F, T)
    assert np.allclose(load, d.hours.T @ prod, atol=FRAME_TOL)
    assert np.all(load <= avail + ot + FRAME_TOL) and np.all(ot <= ot_lim + FRAME_TOL)
    for r in np.flatnonzero(d.res.labour):
        c = cap.filter(cap["resource"] == d.resources[r])
        w, h, f = (np.array(c[k].to_list()) for k in ("workforce", "hires", "layoffs"))
        assert np.allclose(w, np.r_[d.res.workforce0[r], w[:-1]] + h - f, atol=FRAME_TOL)
        assert np.all(w >= d.res.min_workforce[r] - FRAME_TOL)
        assert np.all(w <= d.res.max_workforce[r] + FRAME_TOL)
        assert np.all(h <= d.res.max_hires[r] + FRAME_TOL)
        assert np.all(f <= d.res.max_layoffs[r] + FRAME_TOL)
    if M:
        mt = res.materials
        stock, rec = grid(mt, "inventory", M, T), grid(mt, "receipts", M, T)
        need = grid(mt, "need", M, T)
        flow = prev(stock, d.mat.on_hand) + rec + d.mat.open_orders - need
        assert np.allclose(stock, flow, atol=FRAME_TOL)
        blocked = np.arange(T)[None, :] < d.mat.lead[:, None]
        assert np.all(rec[blocked] <= FRAME_TOL)
        assert np.all(rec <= d.mat.cap + FRAME_TOL)
    for frame in (sup, sh, cap):
        nums = frame.select(frame.columns[2:]).select(
            [c for c, t in frame.schema.items() if t.is_float()]
        )
        assert (nums.fill_null(0).to_numpy() >= -FRAME_TOL).all()


@SETTINGS
@given(instances(), st.integers(1, 10))
def test_more_capacity_never_costs_more(d: PlanData, extra: int) -> None:
    opts = SolveOptions(lexicographic=False)
    base = solve(build_model(d), opts)
    assert base.status == "optimal" and base.objective is not None
    res, mat = d.res, d.mat
    res.hours = np.where(res.labour[:, None], res.hours, res.hours + extra)
    res.ot_limit = res.ot_limit + extra
    res.max_workforce = res.max_workforce + extra
    res.max_hires = res.max_hires + extra
    mat.cap = mat.cap + extra
    d.sub_limit = d.sub_limit + extra
    more = solve(build_model(d), opts)
    assert more.status == "optimal" and more.objective is not None
    assert more.objective <= base.objective + 1e-6 * max(1.0, abs(base.objective))


@SETTINGS
@given(instances())
def test_priority_never_shorts_the_top_level_more(d: PlanData) -> None:
    lp = build_model(d)
    top = lp.levels[0] if lp.levels else None
    lex = solve(lp, SolveOptions())
    plain = solve(lp, SolveOptions(lexicographic=False))
    assert lex.x is not None and plain.x is not None
    assert plain.objective is not None and lex.objective is not None
    assert lex.objective >= plain.objective - 1e-6 * max(1.0, abs(plain.objective))
    if top is not None:
        assert top.weights @ lex.x[top.cols] <= top.weights @ plain.x[top.cols] + 1e-5
