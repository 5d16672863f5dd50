"""The top of the pack: the header (where the numbers come from) and the headline KPIs against
the charter's metrics and segment targets."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..exception_words import OVERTIME_ONLY
from ..finance import PENALTY_COMPONENTS, PLAN_COST, operating_cost
from ..results import peak_utilisation
from ..schemas.charter import Metric
from . import fmt
from .model import Coverage, Header, Kpi
from .source import PlanSource


def _opt(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _metric(ws_metrics: list[Metric], name: str) -> Metric | None:
    return next((m for m in ws_metrics if m.name == name), None)


def _judge(m: Metric | None, value: float | None, show: str) -> tuple[str, str]:
    """(target text, ok|miss|none) of a value against a charter metric; `show` formats it."""
    if m is None or value is None:
        return "", "none"
    sign = "≥" if m.direction == "at_least" else "≤"
    text = f"{sign} {show_target(m, show)}"
    if m.direction == "at_least":
        miss = value < m.target - m.tolerance - 1e-9
    else:
        miss = value > m.target + m.tolerance + 1e-9
    return text, "miss" if miss else "ok"


def show_target(m: Metric, show: str) -> str:
    if show == "share":
        tol = f" (± {fmt.num(100 * m.tolerance, 1)} pp)" if m.tolerance else ""
        return fmt.pct(m.target) + tol
    tol = f" (± {fmt.num(m.tolerance, 2)})" if m.tolerance else ""
    return fmt.num(m.target, 2 if show == "ratio" else 0) + tol


# what the gross margin (revenue − COGS at standard cost) leaves out (docs/finance.md): the
# labour and resource time of summary.json's costs, and finance's own parts beyond standard
LABOUR = (
    ("regular_time", "regular time"),
    ("overtime", "overtime"),
    ("hiring", "hiring"),
    ("layoffs", "layoffs"),
)
PREMIUM = "the subcontract premium (subcontracted units beyond their standard cost)"
ABOVE = "materials beyond the items' standard cost"


def _after_conversion(
    margin: float | None,
    revenue: float | None,
    costs: dict[str, Any],
    fin: dict[str, Any],
    cur: str,
) -> str:
    """Every cost the gross margin leaves out with its amount, and the margin after them; a
    summary.json without finance's parts beyond standard (older outputs) names labour only."""
    labour = [(name, _opt(costs.get(k)) or 0.0) for k, name in LABOUR]
    parts = ", ".join(f"{n} {fmt.money(v, cur)}" for n, v in labour)
    text = f"it excludes labour and resource time ({parts})"
    paid = sum(v for _, v in labour)
    premium, above = _opt(fin.get("subcontract_premium")), _opt(fin.get("materials_above_standard"))
    for name, v in ((PREMIUM, premium), (ABOVE, above or None)):
        if v is not None:
            text += f", {name}: {fmt.money(v, cur)}"
            paid += v
    reval = _opt(fin.get("stock_revaluation")) or 0.0
    if reval:
        text += f"; stock revalued at new standard costs: {fmt.signed(reval)} {cur}"
    if margin is None or not (paid or reval):
        return text + "."
    after = margin - paid + reval
    share = f", {fmt.pct(after / revenue)} of revenue" if revenue else ""
    return text + f"; after them {fmt.money(after, cur)}{share}."


def kpis(
    src: PlanSource, summary: dict[str, Any], coverage: list[Coverage] | None = None
) -> list[Kpi]:
    """Headline KPIs against the charter's metrics and segment targets; `coverage`: the
    demand view's pipeline coverage per segment (against the metric `pipeline_coverage`)."""
    ch = src.ws.charter
    assert ch is not None
    cur = ch.finance.currency
    ms = ch.metrics
    out: list[Kpi] = []
    for s in summary.get("service") or []:
        level, target = _opt(s.get("service_level")), _opt(s.get("target"))
        ok = s.get("meets_target")
        out.append(
            Kpi(
                f"Service level: {s.get('segment')}",
                fmt.service(level),
                f"≥ {fmt.pct(target)}" if target is not None else "",
                "none" if ok is None else "ok" if ok else "miss",
                f"fill rate {fmt.pct(_opt(s.get('fill_rate')), 2)}; "
                f"{fmt.num(_opt(s.get('demand')))} units demanded",
            )
        )
    fin = summary.get("finance") or {}
    revenue = _opt(fin.get("revenue"))
    t, st = _judge(_metric(ms, "revenue"), revenue, "money")
    out.append(Kpi("Revenue", fmt.money(revenue, cur), t and f"{t} {cur}", st, "over the horizon"))
    margin_pct = _opt(fin.get("gross_margin_pct"))
    share = None if margin_pct is None else margin_pct / 100
    t, st = _judge(_metric(ms, "gross_margin"), share, "share")
    margin = _opt(fin.get("gross_margin"))
    out.append(
        Kpi(
            "Gross margin (COGS at standard cost)",
            fmt.money(margin, cur),
            t,
            st,
            f"{fmt.pct(share)} of revenue: revenue − COGS at the items' standard cost; "
            + _after_conversion(margin, revenue, summary.get("costs") or {}, fin, cur),
        )
    )
    avg = _opt(fin.get("average_working_capital"))
    t, st = _judge(_metric(ms, "working_capital"), avg, "money")
    peak = fmt.money(_opt(fin.get("peak_working_capital")), cur)
    out.append(
        Kpi(
            "Working capital (average)",
            fmt.money(avg, cur),
            t and f"{t} {cur}",
            st,
            f"peak {peak} in {fin.get('peak_working_capital_period') or '–'}",
        )
    )
    cash = _opt(fin.get("total_cash_flow"))
    t, st = _judge(_metric(ms, "cash_flow"), cash, "money")
    out.append(Kpi("Cash flow", fmt.money(cash, cur), t and f"{t} {cur}", st, "over the horizon"))
    turns = _opt(fin.get("inventory_turns"))
    t, st = _judge(_metric(ms, "inventory_turns"), turns, "ratio")
    out.append(
        Kpi(
            "Inventory turns per year",
            fmt.num(turns, 1),
            t,
            st,
            "annualised: COGS a year ÷ average inventory (goods, work in process, materials)",
        )
    )
    if (highest := peak_utilisation(summary)) is not None:
        top, u = highest
        t, st = _judge(_metric(ms, "capacity_utilisation"), u, "share")
        where = f"{top.get('resource')} in {top.get('period')}"
        if u == math.inf:  # load on overtime only: no regular hours, above any share
            out.append(Kpi("Peak utilisation", OVERTIME_ONLY, t, st, where))
        else:
            out.append(Kpi("Peak utilisation", fmt.pct(u), t, st, where))
    for c in coverage or []:
        t, st = _judge(_metric(ms, "pipeline_coverage"), c.coverage, "ratio")
        out.append(
            Kpi(
                f"Pipeline coverage: {c.segment}",
                fmt.num(c.coverage, 2),
                t,
                st,
                f"weighted pipeline {fmt.num(c.pipeline)} ÷ new-business target "
                f"{fmt.num(c.target)} units over the periods with a target; lowest "
                f"{fmt.num(c.lowest, 2)} in {c.lowest_period}",
            )
        )
    costs = summary.get("costs") or {}
    penalties = sum(_opt(costs.get(k)) or 0.0 for k in PENALTY_COMPONENTS)
    out.append(
        Kpi(
            PLAN_COST,
            fmt.money(_opt(costs.get("total")), cur),
            "",
            "none",
            f"the optimiser's objective. Operating cost {fmt.money(operating_cost(costs), cur)}"
            f": without its {fmt.money(penalties, cur)} of shortage and safety-stock penalties "
            "and lost revenue "
            "(revenue − plan cost would count a lost sale twice)",
        )
    )
    return out


def header(src: PlanSource, summary: dict[str, Any], as_of: dt.date | None, state: str) -> Header:
    ws = src.ws
    assert ws.charter is not None and ws.cycle is not None
    periods = ws.periods()
    verification = ""
    if src.tag is not None:
        t = src.tag
        source = (
            f"Tag {t.name} (commit {t.commit[:12]}), tagged by {t.tagger} on "
            f"{t.date.isoformat()}; re-made from the tagged files."
        )
        verification = (
            "Verified: every input and output matches the SHA-256 digest in the tag's commit record"
            if t.verdict == "identical"
            else "Verified as an alternative optimum: inputs identical, the re-solved plan "
            "differs from the record at the same plan cost"
        ) + "; the recorded approvals are in approvals.yaml at the tag."
    elif src.origin == "outputs":
        source = "Working tree; results read from outputs/ (current for these inputs)."
    else:
        source = "Working tree; results solved in memory (outputs/ was missing or stale)."
    return Header(
        organisation=ws.charter.organisation.name,
        cycle=ws.cycle_id,
        charter=ws.cycle.charter,
        currency=ws.charter.finance.currency,
        first_period=periods[0],
        last_period=periods[-1],
        bucket=ws.charter.cadence.bucket,
        source=source,
        verification=verification,
        plan_digest=src.digest,
        status=str(summary.get("status") or ""),
        as_of=as_of.isoformat() if as_of else "",
        cycle_status=state,
    )
