"""`sopctl explain`: the chain behind one item's, resource's or material's exceptions, in words.

Works on the plan frames (from the current outputs, or solved in memory when they are stale),
so it explains exactly the plan that was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from .errors import UserError
from .exception_words import (
    OVERTIME_ONLY,
    amount_words,
    constraint_words,
    kind_label,
    overtime_only,
    row_label,
    stake_words,
)
from .explain_counted import bound_in, counted
from .plan_files import cause_parts, relief, row_basis

if TYPE_CHECKING:
    from .reconcile.engine import PriceBasis
    from .validate import Workspace


@dataclass
class PlanFrames:
    supply: pl.DataFrame
    capacity: pl.DataFrame
    exceptions: pl.DataFrame
    currency: str
    materials: pl.DataFrame
    notes: list[str] = field(default_factory=list)  # the plan's notes (summary.json `notes`)

    def basis(self) -> PriceBasis:
        """What the plan's prices are (its notes say it: engine.price_basis)."""
        from .reconcile.engine import price_basis

        return price_basis(self.notes)

    def clear_rule(self, priority: int) -> str:
        """Why the level `priority` is short although it comes first, when a lower segment's
        clear_backlog_by_end keeps it so (the plan's note, engine.clear_forced); else ''."""
        from .reconcile.engine import CLEAR_NOTE

        opening = f"{CLEAR_NOTE}priority {priority} ("
        for n in self.notes:
            if n.startswith(opening):
                return n[len(CLEAR_NOTE) :].split(". Drop the rule")[0]
        return ""

    def price_notes(self) -> list[str]:
        """The notes that qualify the plan's prices (a shortage held by segment priority)."""
        from .reconcile.engine import PRIORITY_NOTE

        return [n for n in self.notes if n.startswith(PRIORITY_NOTE)]

    def price_note(self, priced: bool) -> list[str]:
        """After a story that states prices (`priced`) of a plan whose prices hold a shorted
        priority level: one short note with a pointer to the docs; else nothing."""
        if not priced:
            return []
        out = []
        for note in self.price_notes():
            which = note.split(" cannot be served in full")[0]
            out.append(
                f"note: {which} cannot be served in full, so these prices hold its shortage as "
                "planned and can misstate what a change saves: a scenario gives its effect "
                '(docs/reconcile.md, "Shadow prices")'
            )
        return out


SUPPLY_FIELDS = (
    "demand",
    "production",
    "production_arrivals",
    "scheduled_receipts",
    "subcontract",
    "shipments",
    "inventory",
    "safety_stock",
)


def _num(v: object) -> float:
    return float(v) if isinstance(v, int | float) else 0.0


def _decides(role: str | None, what: str = "") -> str:
    """'  decides [on WHAT]: ROLE (charter escalation rule).', or that no rule matches."""
    on = f" on {what}" if what else ""
    if role:
        return f"  decides{on}: {role} (charter escalation rule)."
    return f"  decides{on}: no escalation rule of the charter matches this exception."


def _named(row: dict[str, object]) -> str:
    """An item exception by its item and label: 'PMP-SPK (below safety stock)'."""
    return f"{row['item']} ({kind_label(str(row['kind']), None, None)})"


def explain_item(ws: Workspace, f: PlanFrames, item: str, period: str | None) -> list[str]:
    assert ws.charter is not None
    exc = f.exceptions.filter(pl.col("item") == item)
    if period:
        exc = exc.filter(pl.col("period") == period)
    supply = f.supply.filter(pl.col("item") == item)
    if supply.height == 0:
        raise UserError(f"item '{item}' is not in the plan", hint="name an item of items.csv")
    segs = {s.id: s for s in ws.charter.segments}
    lines: list[str] = []
    if exc.height == 0:
        where = f" in {period}" if period else ""
        lines.append(f"{item}: no exceptions{where}; every segment is served on time.")
        return lines
    lead = lead_times(ws).get(item, 0)
    col = "scheduled_receipts"
    scheduled = col in supply.columns and float(supply[col].fill_null(0.0).sum()) > 0
    told: set[str] = set()  # periods whose supply chain is said (once per period)
    priced = False
    for r in exc.sort("period", "kind").iter_rows(named=True):
        s = supply.filter(pl.col("period") == r["period"])
        srow = s.row(0, named=True) if s.height and r["period"] not in told else {}
        told.add(r["period"])
        head = f"{item} in {r['period']}"
        if r["segment"]:
            seg = segs.get(r["segment"])
            said = seg.shortage_policy.replace("_", " ") if seg else ""  # 'lost sales'
            policy = f"{said}, priority {seg.priority}" if seg else ""
            head += f" for {r['segment']} ({policy})"
        amount = amount_words(r["kind"], _num(r["quantity"]))
        lines.append(f"{head}: {amount}, {stake_words(r['kind'], _num(r['value']), f.currency)}.")
        if srow:
            v = {k: _num(srow.get(k)) for k in SUPPLY_FIELDS}
            sched = v["scheduled_receipts"]  # 0 too in a plan written before the column
            lines.append(
                f"  the period: demand {v['demand']:,.1f}, production started "
                f"{v['production']:,.1f}, arriving {v['production_arrivals']:,.1f}, "
                + (f"scheduled receipts {sched:,.1f}, " if sched else "")
                + f"subcontracted {v['subcontract']:,.1f}, shipped {v['shipments']:,.1f}, "
                f"stock at the end {v['inventory']:,.1f} (safety stock {v['safety_stock']:,.1f})."
            )
        binding = r["binding_constraint"] or ""
        named = f"the {constraint_words(binding)}" if binding else "none found"
        lines.append(f"  why: the binding constraint is {named}.")
        seg = segs.get(r["segment"] or "")
        rule = f.clear_rule(seg.priority) if seg and r["kind"] != "safety_stock" else ""
        if rule:
            lines.append(f"  and {rule}.")
        if binding.startswith("production_lead_time"):
            fixed = "the stock on hand at the start" + (
                ", the scheduled receipts" if scheduled else ""
            )
            lines.append(
                f"  production takes {lead} period(s) to arrive, so {r['period']} can only be "
                f"served from {fixed} and what arrives in time."
            )
        gain, said = cause_parts(r, f.currency, f.basis())
        if gain:
            lines.append(f"  price of the constraint: {gain}.")
        if said:
            lines.append(f"  {said}.")
        priced = priced or bool(gain or said)
        lines.append(_decides(r["escalate_to"]))
    return lines + f.price_note(priced)


def explain_resource(ws: Workspace, f: PlanFrames, resource: str, period: str | None) -> list[str]:
    cap = f.capacity.filter(pl.col("resource") == resource)
    if cap.height == 0:
        raise UserError(
            f"'{resource}' is no item, resource or material of the plan",
            hint="name an item of items.csv, a resource of resources.csv or a material of "
            "materials.csv",
        )
    if period:
        cap = cap.filter(pl.col("period") == period)
    else:  # every period where it binds (its hours have a price) or is overloaded; else its peak
        own = f.exceptions.filter((pl.col("resource") == resource) & pl.col("item").is_null())
        busy = own["period"].to_list()
        chosen = cap.filter((pl.col("shadow_price").abs() > 0.005) | pl.col("period").is_in(busy))
        busiest = cap.with_columns(pl.col("utilisation").fill_nan(None)).sort(
            "utilisation", "period", descending=[True, False], nulls_last=True
        )  # a period without hours has no utilisation: never the busiest
        cap = chosen if chosen.height else busiest.head(1)
        cap = cap.sort("period")
    routings = ws.tables["routings"].frame if "routings" in ws.tables else None
    periods, lead = ws.periods(), lead_times(ws)
    lines: list[str] = []
    priced = False
    for r in cap.iter_rows(named=True):
        u = r["utilisation"]
        share = f"{_num(u):.0%}" if isinstance(u, int | float) and u == u else "no regular hours"
        of = f"of {_num(r['available']):,.1f} h regular ({share})"
        if overtime_only(r["load"], u):  # no regular hours: never 0 %
            of = f"on {OVERTIME_ONLY}"
        lines.append(
            f"{resource} in {r['period']}: load {_num(r['load']):,.1f} h {of}, overtime "
            f"{_num(r['overtime']):,.1f} h of at most {_num(r['overtime_limit']):,.1f} h."
        )
        if r.get("workforce") is not None:
            lines.append(
                f"  workforce {_num(r['workforce']):,.1f} (hires {_num(r['hires']):,.1f}, "
                f"layoffs {_num(r['layoffs']):,.1f})."
            )
        price, row = r["shadow_price"], f"capacity[{resource},{r['period']}]"
        full = _num(r["load"]) >= 0.999 * (_num(r["available"]) + _num(r["overtime"])) > 0
        own = f.exceptions.filter(
            (pl.col("resource") == resource)
            & (pl.col("period") == r["period"])
            & pl.col("item").is_null()
        )  # its overload row says whether its price is exact ('saves at most': a dual)
        basis = row_basis(own.row(0, named=True), f.basis()) if own.height else f.basis()
        if price:
            lines.append(f"  {relief(row, price, f.currency, basis)}.")
            priced = True
        elif _num(r["overtime"]) > 0:  # tight at a price of 0: paid overtime would price it
            lines.append(
                "  its regular hours are used up, but 1 more saves nothing: overtime costs no "
                "more than a regular hour."
            )
        elif full:  # used up, yet the plan has no use for more (prices.py: re-solved)
            left = _num(r["overtime_limit"]) - _num(r["overtime"]) > 0.005  # all of it, here
            hours = "its regular hours are" if left else "its hours are"
            lines.append(
                f"  {hours} used up, but 1 more saves nothing: the plan has no use for it."
            )
        else:
            lines.append("  the capacity does not bind: more hours save nothing.")
        if routings is not None:
            load = (
                routings.filter(pl.col("resource") == resource)
                .join(f.supply.filter(pl.col("period") == r["period"]), on="item")
                .with_columns((pl.col("hours_per_unit") * pl.col("production")).alias("hours"))
                .filter(pl.col("hours") > 0.05)
                .sort("hours", "item", descending=[True, False])
                .head(5)
            )
            if load.height:
                parts = ", ".join(f"{i} {h:,.0f} h" for i, h in load.select("item", "hours").rows())
                lines.append(f"  largest loads: {parts}.")
        exc = f.exceptions.filter(
            (pl.col("resource") == resource) & (pl.col("period") == r["period"])
        )
        for e in exc.iter_rows(named=True):
            if e["item"] is None:  # its own overload: what it is at stake, who decides
                stake = stake_words("overload", _num(e["value"]), f.currency)
                lines.append(f"  {row_label(e)}: {stake}.")
                lines.append(_decides(e["escalate_to"], "it"))
            elif e["escalate_to"]:
                lines.append(_decides(e["escalate_to"], _named(e)))
        # the exceptions its value counts (bound by its hours, overtime, workforce or hires),
        # each with its own limit: the ceiling may be head-count or hiring, not hours
        users = (
            counted(f.exceptions, resource, r["period"], periods, lead)
            if own.height
            else bound_in(f.exceptions, resource, r["period"], periods)
        )
        if users.height:
            total = f"{float(users['value'].sum()):,.2f} {f.currency}"
            lines.append(
                f"  the exceptions it causes ({total} in all):"
                if own.height
                else f"  exceptions bound by its limits in {r['period']} ({total} in all):"
            )
            lines += [_caused(u, f) for u in users.iter_rows(named=True)]
            priced = True
    return lines + f.price_note(priced)


def _caused(e: dict[str, object], f: PlanFrames) -> str:
    """'    Z (shortage) in 2027-03 for retail: 820.00 EUR at stake, bound by the maximum
    workforce of crew in 2027-03; 1 more worker allowed on crew in 2027-03 saves 217.00 EUR.'"""
    binding = str(e["binding_constraint"])
    gain = relief(binding, _price(e["shadow_price"]), f.currency, row_basis(e, f.basis()))
    seg = f" for {e['segment']}" if e["segment"] else ""
    stake = stake_words(str(e["kind"]), _num(e["value"]), f.currency)
    return (
        f"    {_named(e)} in {e['period']}{seg}: {stake}, bound by the "
        f"{constraint_words(binding)}" + (f"; {gain}." if gain else ".")
    )


def _price(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) else None


def lead_times(ws: Workspace) -> dict[str, int]:
    """Each item's production lead time in periods (items.csv `lead_time`; 0 when empty)."""
    items = ws.tables["items"].frame if "items" in ws.tables else None
    if items is None or "lead_time" not in items.columns:
        return {}
    rows = items.select("item", pl.col("lead_time").fill_null(0)).rows()
    return {str(i): int(n or 0) for i, n in rows}


def explain_material(f: PlanFrames, material: str, period: str | None) -> list[str]:
    """Need, receipts and the supplier's capacity of one material in every period with an
    exception of its own (the supplier ships all it can, at a price) or of an item it binds
    (a receipt that cannot arrive in time); without any, its busiest period."""
    mat = f.materials.filter(pl.col("material") == material)
    exc = f.exceptions.filter(pl.col("material") == material)
    if period:
        mat = mat.filter(pl.col("period") == period)
    elif exc.height:
        mat = mat.filter(pl.col("period").is_in(exc["period"].to_list()))
    else:
        mat = mat.sort("supplier_utilisation", "period", descending=[True, False], nulls_last=True)
        mat = mat.head(1)
    lines: list[str] = []
    priced = False
    for r in mat.sort("period").iter_rows(named=True):
        cap, use = r["supplier_capacity"], r["supplier_utilisation"]
        if use is not None:
            supplier = (
                f"the supplier ships {_num(r['receipts']):,.1f} of {_num(cap):,.1f} "
                f"({_num(use):.0%})"
            )
        elif cap is None:
            supplier = "the supplier has no capacity limit"
        else:  # capacity 0: inside the supplier lead time, or a period the supplier cannot ship
            supplier = "nothing new can arrive (inside the supplier lead time, or no capacity)"
        lines.append(
            f"{material} in {r['period']}: need {_num(r['need']):,.1f}, new receipts "
            f"{_num(r['receipts']):,.1f}, open orders {_num(r['open_orders']):,.1f}, stock at "
            f"the end {_num(r['inventory']):,.1f}; {supplier}."
        )
        here = exc.filter(pl.col("period") == r["period"])
        for e in here.filter(pl.col("item").is_null()).iter_rows(named=True):
            gain = relief(
                e["binding_constraint"], e["shadow_price"], f.currency, row_basis(e, f.basis())
            )
            lines.append(
                f"  why: the binding constraint is the {constraint_words(e['binding_constraint'])}"
                + (f"; {gain}." if gain else ".")
            )
            stake = stake_words("overload", _num(e["value"]), f.currency)
            lines.append(f"  {row_label(e)}: {stake}.")
            lines.append(_decides(e["escalate_to"]))
            priced = priced or bool(gain)
        caused = here.filter(pl.col("item").is_not_null()).unique(
            ["item", "kind", "binding_constraint"], maintain_order=True
        )
        for e in caused.sort("item", "kind").iter_rows(named=True):
            gain = relief(
                e["binding_constraint"], e["shadow_price"], f.currency, row_basis(e, f.basis())
            )
            lines.append(
                f"  it causes {_named(e)}: bound by the "
                f"{constraint_words(e['binding_constraint'])}" + (f"; {gain}." if gain else ".")
            )
            priced = priced or bool(gain)
    if not lines:
        lines.append(f"{material}: nothing planned in {period}.")
    return lines + f.price_note(priced)
