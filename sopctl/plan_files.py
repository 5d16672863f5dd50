"""The result files of a reconciled plan, as deterministic bytes (no clock, stable order)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from .exception_words import (
    LOAD_SHOWN,
    OVERTIME_LEFT,
    quantity_unit,
    stake_words,
    state_words,
)
from .finance import plan_finance
from .reconcile import PlanResult
from .reconcile.engine import PriceBasis, price_basis
from .results import csv_bytes, json_bytes

if TYPE_CHECKING:
    from .validate import Workspace

# how one more unit of a binding constraint reads, per constraint family
UNIT_PHRASE = {
    "capacity": "1 more hour on {0} in {1}",
    "overtime_limit": "1 more overtime hour on {0} in {1}",
    "supplier_capacity": "1 more unit from the supplier of {0} in {1}",
    "supplier_lead_time": "1 more unit of {0} arriving in {1}",
    "subcontract_limit": "1 more subcontracted unit of {0} in {1}",
    "max_hires": "1 more hire allowed on {0} in {1}",
    "max_layoffs": "1 more layoff allowed on {0} in {1}",
    "max_workforce": "1 more worker allowed on {0} in {1}",
    "min_workforce": "1 worker less required on {0} in {1}",
}


# why one more unit of an item's own row is worth nothing, when it binds at a price of 0 (the
# shortfall is free: its slack costs nothing; docs/reconcile.md, "Shadow prices")
FREE_ROW = {
    "safety_stock": "stock below safety stock is not penalised (safety_stock_penalty 0)",
    "demand": "a unit short or late carries no shortage penalty and no price",
}


def relief(
    constraint: str | None, price: float | None, currency: str, basis: PriceBasis | None = None
) -> str:
    """'1 more hour on line-a in 2027-05 saves 9.87 EUR' for a binding constraint's price; a
    price under a cent 'saves less than 0.01 EUR'; a price of 0 'saves nothing' (an item's own
    row: 'costs nothing', and why). '' without a constraint or a price. A limit's sentence says
    what `basis` qualifies: 'saves at most' (the prices are duals) and the priority levels held
    at their planned shortage (the prices are those of the priority-staged plan)."""
    if not constraint or price is None:
        return ""
    family, _, rest = constraint.partition("[")
    keys = rest.rstrip("]").split(",") if rest else []
    template = UNIT_PHRASE.get(family)
    subject = (
        template.format(*keys, "")
        if template and len(keys) >= 2
        else f"1 more unit of {constraint}"
    )
    why = FREE_ROW.get(family)
    held = f" with {basis.held} held at its planned shortage" if basis and basis.held else ""
    if price == 0:
        return f"{subject} costs nothing: {why}" if why else f"{subject} saves nothing{held}"
    verb = "saves" if price > 0 else "costs"
    if price > 0 and basis is not None and basis.at_most:
        verb = "saves at most"
    amount = f"{abs(price):,.2f}" if abs(price) >= 0.005 else "less than 0.01"
    return f"{subject} {verb} {amount} {currency}" + ("" if why else held)


# the openings of the cost trade-off sentences (reconcile/cause.py), found again in a message
TRADE_OFF = ("not worth making", "keeping the safety stock", OVERTIME_LEFT.rstrip(": "))
OWN_ROWS = ("demand", "safety_stock")  # an item exception's own row: no limit relieves it


def trade_off(row: dict[str, Any]) -> str | None:
    """An exception's cost trade-off in words: its `cause` (a plan solved in memory) or the part
    of its written `message` that says it (exceptions.csv); None when it has none."""
    if row.get("cause"):
        return str(row["cause"])
    msg = str(row.get("message") or "")
    for opening in TRADE_OFF:
        at = msg.find(f"; {opening}")
        if at >= 0:
            said = msg[at + 2 :]
            tail = f"; escalate to {row.get('escalate_to')}"
            return said[: -len(tail)] if row.get("escalate_to") and said.endswith(tail) else said
    return None


def cause_parts(
    row: dict[str, Any], currency: str, basis: PriceBasis | None = None
) -> tuple[str, str]:
    """The price of an exception's binding constraint (`relief`) and its cost trade-off ('' for
    none of either); a trade-off bound by the exception's own row says the costs instead of the
    row's price."""
    binding = row.get("binding_constraint")
    said = trade_off(row) or ""
    own = str(binding or "").partition("[")[0] in OWN_ROWS
    gain = (
        ""
        if said and own
        else relief(binding, row.get("shadow_price"), currency, row_basis(row, basis))
    )
    return gain, said


def row_basis(row: dict[str, Any], basis: PriceBasis | None) -> PriceBasis | None:
    """`basis` with `at_most` where the row's price is an upper bound: its `price_bound` (a
    plan in memory) or its written message, which says 'saves at most'."""
    flag = row.get("price_bound")
    if flag is None:
        flag = " saves at most " in str(row.get("message") or "")
    if not flag:
        return basis
    return PriceBasis(True, basis.held if basis else "")


def cause_words(row: dict[str, Any], currency: str, basis: PriceBasis | None = None) -> list[str]:
    """What an exception's message says after its binding constraint (`cause_parts`)."""
    return [part for part in cause_parts(row, currency, basis) if part]


def exception_messages(
    exc: pl.DataFrame, currency: str, basis: PriceBasis | None = None
) -> pl.Series:
    """One sentence per exception, in the words of exception_words (the labels the tables,
    explain and the report use): 'line-a at capacity in 2027-08: 1,050.0 hours, 1,608.57 EUR
    at stake in the exceptions it causes; binding: capacity[line-a,2027-08]; 1 more hour ...'."""
    out = []
    for r in exc.iter_rows(named=True):
        what = r["item"] or r["resource"] or r["material"] or "?"
        seg = f" for {r['segment']}" if r["segment"] else ""
        # an item exception names the resource of its binding constraint too; only a
        # resource's own overload is counted in hours
        unit = quantity_unit(r["kind"], r["item"], r["resource"])
        state = state_words(r)
        state += "," if "," in state else ""  # 'at regular hours, overtime left, in 2027-03'
        stake = stake_words(r["kind"], r["value"], currency)
        text = f"{what} {state} in {r['period']}{seg}: {r['quantity']:,.1f} {unit}, {stake}; "
        text += f"binding: {r['binding_constraint']}"
        for part in cause_words(r, currency, basis):
            text += f"; {part}"
        if r["escalate_to"]:
            text += f"; escalate to {r['escalate_to']}"
        out.append(text)
    return pl.Series("message", out, dtype=pl.String)


def supply_frame(result: PlanResult, segments: list[str]) -> pl.DataFrame:
    """Item × period with the shipments of each segment as columns (in priority order): one
    per charter segment, so the file's columns do not depend on which segments have demand."""
    wide = result.shipments.pivot(
        on="segment", index=["item", "period"], values="shipped", aggregate_function="sum"
    )
    wide = wide.select(
        "item",
        "period",
        *(
            (pl.col(s) if s in wide.columns else pl.lit(0.0)).alias(f"shipped_{s}")
            for s in segments
        ),
    )
    out = result.supply.join(wide, on=["item", "period"], how="left", maintain_order="left")
    shipped = [f"shipped_{s}" for s in segments]
    order = [c for c in result.supply.columns if c not in ("backlog", "lost_sales")]
    rest = [c for c in result.supply.columns if c in ("backlog", "lost_sales")]
    at = order.index("shipments") + 1
    return out.select(*order[:at], *shipped, *order[at:], *rest).fill_null(0.0)


def utilisation_peaks(cap: pl.DataFrame) -> list[dict[str, Any]]:
    """Each resource's busiest period: one with load on overtime only (no regular hours, so no
    utilisation) before any other, flagged `overtime_only: true` (of several, the one with the
    most load, then the earliest); else its highest utilisation (the earliest of equal ones).
    A resource with neither peaks at no utilisation (null)."""
    if not cap.height:
        return []
    util = pl.col("utilisation").fill_nan(None)  # no hours: no utilisation
    only = util.is_null() & (pl.col("load") > LOAD_SHOWN)
    rows = (
        cap.with_columns(util, only.alias("overtime_only"))
        .with_columns(pl.when("overtime_only").then("load").alias("_only_load"))
        .sort(
            ["overtime_only", "utilisation", "_only_load", "period"],
            descending=[True, True, True, False],
            nulls_last=True,
        )
        .group_by("resource", maintain_order=True)
        .first()
        .sort("resource")
        .select("resource", "period", "utilisation", "overtime_only")
        .to_dicts()
    )
    for r in rows:  # the flag only where it holds: other peaks read as they always did
        if r.pop("overtime_only"):
            r["overtime_only"] = True
    return rows


def summary(ws: Workspace, result: PlanResult) -> dict[str, Any]:
    assert ws.charter is not None
    peaks = utilisation_peaks(result.capacity)
    kinds = result.exceptions.group_by("kind").len().sort("kind")
    facts = result.solver
    return {
        "cycle": ws.cycle_id,
        "charter": ws.cycle.charter if ws.cycle else None,
        "status": result.status,
        "currency": result.currency,
        "objective": round(result.objective or 0.0, 2),
        "costs": {k: round(v, 2) for k, v in result.costs.items()},
        "service": result.service.to_dicts(),
        "utilisation_peaks": peaks,
        "exceptions": dict(kinds.iter_rows()),
        "solver": {
            "engine": facts.engine,
            "version": facts.version,
            "status": facts.status,
            "method": facts.method,
            "runs": facts.runs,
            "objective": round(facts.objective or 0.0, 2),
            "mip_gap": facts.mip_gap,
        },
        "notes": result.notes,
    }


def plan_files(ws: Workspace, result: PlanResult) -> tuple[dict[str, bytes], dict[str, Any]]:
    assert ws.charter is not None
    segments = [s.id for s in sorted(ws.charter.segments, key=lambda s: (s.priority, s.id))]
    basis = price_basis(result.notes)
    exc = result.exceptions.with_columns(
        exception_messages(result.exceptions, result.currency, basis)
    )
    # said in the message; not columns of the file
    exc = exc.drop("cause", "price_bound", strict=False)
    fin = plan_finance(ws, result)
    doc = summary(ws, result)
    doc["finance"] = fin.kpis
    files = {
        "supply_plan.csv": csv_bytes(supply_frame(result, segments)),
        "capacity_plan.csv": csv_bytes(result.capacity),
        "materials_plan.csv": csv_bytes(result.materials),
        "exceptions.csv": csv_bytes(exc),
        "finance.csv": csv_bytes(fin.by_period),
        "summary.json": json_bytes(doc),
    }
    return files, doc
