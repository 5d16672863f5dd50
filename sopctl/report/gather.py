"""Gather the executive pack from a plan source: KPIs against the charter, the demand waterfall,
load against capacity, inventory against safety stock, the finance bridge and the exceptions.

Pure over (workspace, result bytes): the same files give the same ReportData. Governance parts
(approvals, actions, scenarios, learn) are in records.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import polars as pl

from ..costs import item_costs
from ..exception_words import constraint_words, kind_words, quantity_unit, row_label
from ..plan_files import cause_words, row_basis
from ..reconcile.engine import price_basis
from .headline import header, kpis
from .model import (
    Coverage,
    ExceptionRow,
    FinancePeriod,
    Inventory,
    ReportData,
    ResourceLoad,
    Step,
)
from .records import actions, approvals, cycle_state, exception_actions, scenarios, scorecard
from .source import PlanSource

IDS = {c: pl.String for c in ("item", "segment", "resource", "material", "period", "kind")}
COMPONENTS = ("baseline", "pipeline", "promotion", "renewal", "override")
COMPONENT_LABEL = {
    "baseline": "Baseline",
    "pipeline": "+ Pipeline",
    "promotion": "+ Promotions",
    "renewal": "+ Renewals",
    "override": "+ Overrides",
}
MAX_EXCEPTIONS = 40


def frame(src: PlanSource, name: str) -> pl.DataFrame:
    data = src.files.get(name)
    if data is None:
        return pl.DataFrame()
    return pl.read_csv(io.BytesIO(data), schema_overrides=IDS, infer_schema_length=None)


def _f(x: Any) -> float:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else 0.0


def _opt(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def waterfall(demand: pl.DataFrame) -> list[Step]:
    """Baseline → pipeline → promotions → renewals → overrides → final, in units; a closing
    step when the components do not add up to the final demand (demand floored at 0)."""
    if not demand.height:
        return []
    sums = {c: _f(demand[c].sum()) for c in (*COMPONENTS, "final") if c in demand.columns}
    steps = [Step("Baseline", sums.get("baseline", 0.0), total=True)]
    steps += [Step(COMPONENT_LABEL[c], sums[c]) for c in COMPONENTS[1:] if c in sums]
    gap = sums.get("final", 0.0) - sum(sums.get(c, 0.0) for c in COMPONENTS)
    if abs(gap) > 0.5:
        steps.append(Step("Floored at 0", gap))
    steps.append(Step("Final demand", sums.get("final", 0.0), total=True))
    return steps


def demand_by_period(demand: pl.DataFrame, periods: list[str]) -> dict[str, list[float]]:
    if not demand.height:
        return {}
    agg = demand.group_by("period").agg(pl.col(c).sum() for c in COMPONENTS if c in demand)
    rows = {r["period"]: r for r in agg.iter_rows(named=True)}
    return {
        c: [_f(rows.get(p, {}).get(c)) for p in periods] for c in COMPONENTS if c in demand.columns
    }


def resources(
    src: PlanSource,
    cap: pl.DataFrame,
    demand: pl.DataFrame,
    exc: pl.DataFrame,
    notes: list[str] | None = None,
) -> list[ResourceLoad]:
    """Per resource and period: capacity, planned load and overtime, and the hours the final
    demand would need in its own period (Σ final demand × hours per unit of the routings);
    where the resource is at a limit, its overload's label and whether its price is an upper
    bound, as its exception's message says (`notes`: the plan's, plan_files.row_basis)."""
    if not cap.height:
        return []
    periods = src.ws.periods()
    need: dict[tuple[str, str], float] = {}
    routings = src.ws.tables.get("routings")
    if routings is not None and demand.height:
        r = routings.frame.select("item", "resource", "hours_per_unit")
        per_item = demand.group_by("item", "period").agg(pl.col("final").sum())
        hours = (
            per_item.join(r, on="item")
            .group_by("resource", "period")
            .agg((pl.col("final") * pl.col("hours_per_unit")).sum().alias("h"))
        )
        need = {(a, b): _f(h) for a, b, h in hours.iter_rows()}
    # the label of each resource's overload, as its row in the exceptions table reads
    limit: dict[tuple[str, str], str] = {}
    bound: set[tuple[str, str]] = set()
    basis = price_basis([str(n) for n in notes or []])
    if exc.height and "resource" in exc.columns:
        for row in exc.filter(pl.col("kind") == "overload").iter_rows(named=True):
            if row["resource"]:
                limit[(row["resource"], row["period"])] = row_label(row)
                if (row_basis(row, basis) or basis).at_most:
                    bound.add((row["resource"], row["period"]))
    out = []
    for name in dict.fromkeys(cap["resource"].to_list()):
        rows = {
            r["period"]: r for r in cap.filter(pl.col("resource") == name).iter_rows(named=True)
        }

        def col(c: str, rows: dict[str, dict[str, Any]] = rows) -> list[float]:
            return [_f(rows.get(p, {}).get(c)) for p in periods]

        def share(rows: dict[str, dict[str, Any]] = rows) -> list[float | None]:
            """Utilisation per period; none (not 0) where there are no regular hours."""
            got = [_opt(rows.get(p, {}).get("utilisation")) for p in periods]
            return [u if u is not None and u == u else None for u in got]

        kind = next(iter(rows.values())).get("kind") or ""
        out.append(
            ResourceLoad(
                name,
                str(kind),
                periods,
                col("available"),
                col("overtime_limit"),
                col("load"),
                col("overtime"),
                share(),
                [need.get((name, p), 0.0) for p in periods],
                col("shadow_price"),
                [limit.get((name, p), "") for p in periods],
                [(name, p) in bound for p in periods],
            )
        )
    return out


def inventory(src: PlanSource, supply: pl.DataFrame) -> Inventory:
    periods = src.ws.periods()
    items = src.ws.tables.get("items")
    if not supply.height or items is None:
        return Inventory(periods, [], [], [], [])
    cost = item_costs(src.ws)  # each period's standard cost, as finance values stock
    s = supply.join(cost, on=["item", "period"], how="left").with_columns(
        pl.col("unit_cost").fill_null(0.0)
    )
    agg = s.group_by("period").agg(
        (pl.col("inventory") * pl.col("unit_cost")).sum().alias("v"),
        (pl.col("safety_stock") * pl.col("unit_cost")).sum().alias("ss"),
    )
    by = {p: (v, ss) for p, v, ss in agg.iter_rows()}
    low = s.filter(pl.col("ss_shortfall") > 1e-6).sort("item", "period")
    below = [sorted(low.filter(pl.col("period") == p)["item"].to_list()) for p in periods]
    worst = (
        low.group_by("item")
        .agg(pl.len().alias("n"), pl.col("ss_shortfall").max().alias("m"))
        .sort(["m", "item"], descending=[True, False])
    )
    return Inventory(
        periods,
        [_f(by.get(p, (0, 0))[0]) for p in periods],
        [_f(by.get(p, (0, 0))[1]) for p in periods],
        below,
        [(str(i), int(n), _f(m)) for i, n, m in worst.iter_rows()],
    )


def coverage(cov: pl.DataFrame) -> list[Coverage]:
    """Per segment, over the periods with a target above 0: weighted pipeline ÷ target, and the
    period of the lowest coverage, by the rule of `sopctl demand`'s coverage table
    (`signal.compare.coverage_summary`: pipeline in a period without a target covers none)."""
    from ..signal.compare import coverage_summary

    if not cov.height or not {"segment", "weighted_pipeline", "target"} <= set(cov.columns):
        return []
    if "coverage" not in cov.columns:
        ratio = pl.col("weighted_pipeline") / pl.col("target")
        cov = cov.with_columns(pl.when(pl.col("target") > 0).then(ratio).alias("coverage"))
    return [
        Coverage(
            str(r["segment"]),
            _f(r["weighted_pipeline"]),
            _f(r["target"]),
            _f(r["coverage"]),
            _f(r["lowest"]),
            str(r["lowest_period"]),
        )
        for r in coverage_summary(cov).iter_rows(named=True)
        if r["coverage"] is not None  # a segment without a target period has no coverage
    ]


def finance(fin: pl.DataFrame) -> list[FinancePeriod]:
    out = []
    for r in fin.iter_rows(named=True):
        revenue, purchases, conv = (
            _f(r["revenue"]),
            _f(r["material_purchases"]),
            _f(r["conversion_costs"]),
        )
        cash = _f(r["cash_flow"])
        out.append(
            FinancePeriod(
                str(r["period"]),
                revenue,
                _f(r["cogs"]),
                _f(r["gross_margin"]),
                purchases,
                conv,
                revenue - purchases - conv - cash,
                cash,
                _f(r["cumulative_cash_flow"]),
                _f(r["working_capital"]),
                _f(r.get("material_inventory_value")),
            )
        )
    return out


def exceptions(
    src: PlanSource, exc: pl.DataFrame, notes: list[str] | None = None
) -> tuple[list[ExceptionRow], int]:
    """Escalated exceptions first, then by value at stake; at most MAX_EXCEPTIONS rows.
    `notes`: the plan's (summary.json), which qualify its prices (engine.price_basis)."""
    if not exc.height:
        return [], 0
    ch = src.ws.charter
    assert ch is not None
    answer = exception_actions(src.ws)
    basis = price_basis([str(n) for n in notes or []])
    rows = []
    for r in exc.iter_rows(named=True):
        subject = r.get("item") or r.get("resource") or r.get("material") or ""
        key = f"{r['kind']}:{subject}:{r['period']}"
        owner = r.get("escalate_to") or ""
        rows.append(
            ExceptionRow(
                row_label(r),  # 'at capacity' rather than `overload`, as in the message
                str(subject),
                str(r.get("segment") or ""),
                str(r["period"]),
                _f(r.get("quantity")),
                _f(r.get("value")),
                constraint_words(r.get("binding_constraint")),
                _opt(r.get("shadow_price")),
                str(owner),
                answer(key),
                key,
                "; ".join(cause_words(r, ch.finance.currency, basis)),
                quantity_unit(str(r["kind"]), r.get("item"), r.get("resource")),
            )
        )
    rows.sort(key=lambda e: (not e.owner, -e.value, e.key))
    return rows[:MAX_EXCEPTIONS], len(rows)


def gather(src: PlanSource, as_of: dt.date | None, only: list[str] | None = None) -> ReportData:
    """Everything the report shows. `only`: the scenarios to compare (default: all found)."""
    summary = json.loads(src.files["summary.json"])
    demand = frame(src, "demand_plan.csv")
    exc = frame(src, "exceptions.csv")
    rows, total = exceptions(src, exc, summary.get("notes"))
    by_kind = (summary.get("exceptions") or {}).items()  # 'at a limit', not `overload`
    counts = {kind_words(str(k)): int(v) for k, v in by_kind}
    sc_rows, sc_names, sc_note = scenarios(src, only)
    state = cycle_state(src)
    appr, quorum_text = approvals(src, state)
    acts, acts_note = actions(src, as_of)
    periods = src.ws.periods()
    return ReportData(
        header=header(src, summary, as_of, state.text),
        kpis=kpis(src, summary, coverage(frame(src, "pipeline_coverage.csv"))),
        waterfall=waterfall(demand),
        demand_by_period=demand_by_period(demand, periods),
        resources=resources(
            src, frame(src, "capacity_plan.csv"), demand, exc, summary.get("notes")
        ),
        inventory=inventory(src, frame(src, "supply_plan.csv")),
        finance=finance(frame(src, "finance.csv")),
        exceptions=rows,
        exception_total=total,
        exception_counts=counts,
        scenarios=sc_rows,
        scenario_names=sc_names,
        scenario_note=sc_note,
        approvals=appr,
        quorum=quorum_text,
        actions=acts,
        actions_note=acts_note,
        scorecard=scorecard(src),
        notes=[str(n) for n in summary.get("notes") or []] + (src.tag.skipped if src.tag else []),
    )
