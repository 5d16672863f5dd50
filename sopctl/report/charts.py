"""The charts of the executive pack, each a <figure> with an SVG (see svgkit.py).

Every chart has a title, axis titles with units, a legend where it has more than one series,
and a caption that says how to read it. `data-chart` names the kind of chart; the browser test
checks that each is present.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..exception_words import AT_A_LIMIT, OVERTIME_ONLY, overtime_only
from . import fmt
from .model import FinancePeriod, Inventory, ResourceLoad, Step
from .svgkit import Frame, _n, axes, bars, esc, figure, legend, legend_room, line, markers, svg

EPS = 1e-6
# the ▲ of a capacity chart: a period whose demand needs more hours than the resource has with
# its overtime limit. A state of the demand, not of the plan: pre-build can still cover it, so
# it is no exception, neither "at capacity" (the ● marks where the plan is at a limit) nor a
# shortage; the legend, the caption and each mark's tooltip say these words
DEMAND_OVER = "demand over capacity with overtime"


def _range(*series: Sequence[float | None]) -> tuple[float, float]:
    vals = [v for s in series for v in s if v is not None]
    return (min(vals, default=0.0), max(vals, default=1.0))


def _labels(f: Frame, steps: list[Step], tops: list[float], unit: str) -> str:
    out = []
    for i, s in enumerate(steps):
        text = fmt.num(s.value) if s.total else fmt.signed(s.value)
        out.append(
            f'<text class="bar-label" x="{_n(f.x(i))}" y="{_n(f.y(tops[i]) - 5)}" '
            f'text-anchor="middle">{esc(text)}</text>'
        )
    return "".join(out)


def waterfall(
    chart_id: str, title: str, steps: list[Step], x_label: str, unit: str, caption: str
) -> str:
    """Totals from zero, changes floating from the running total (green up, red down)."""
    bases: list[float] = []
    tops: list[float] = []
    running = 0.0
    for s in steps:
        if s.total:
            bases.append(0.0)
            tops.append(s.value)
            running = s.value
        else:
            bases.append(running)
            running += s.value
            tops.append(running)
    f = Frame([s.label for s in steps], *_range(bases, tops))
    f.top = 44
    tips = [f"{s.label}: {fmt.num(s.value)} {unit}" for s in steps]
    body = axes(f, x_label, unit)
    kinds = ["s-total" if s.total else "s-up" if s.value >= 0 else "s-down" for s in steps]
    for cls in ("s-total", "s-up", "s-down"):
        sel = [k == cls for k in kinds]
        body += bars(
            f,
            [t if ok else None for t, ok in zip(tops, sel, strict=True)],
            cls,
            [b if ok else None for b, ok in zip(bases, sel, strict=True)],
            tips=tips,
        )
    body += _labels(f, steps, [max(b, t) for b, t in zip(bases, tops, strict=True)], unit)
    desc = "; ".join(tips)
    return figure(chart_id, "waterfall", svg(chart_id, f, title, desc, body), caption)


def stacked(
    chart_id: str,
    title: str,
    periods: list[str],
    series: dict[str, list[float]],
    names: dict[str, str],
    unit: str,
    caption: str,
) -> str:
    """Stacked bars per period; negative parts stack downwards from zero."""
    up = [0.0] * len(periods)
    down = [0.0] * len(periods)
    parts = []
    for key, values in series.items():
        tops, bases = [], []
        for i, v in enumerate(values):
            if v >= 0:
                bases.append(up[i])
                up[i] += v
                tops.append(up[i])
            else:
                bases.append(down[i])
                down[i] += v
                tops.append(down[i])
        parts.append((key, tops, bases))
    f = Frame(periods, min(down, default=0.0), max(up, default=1.0))
    keys = [(f"s-{k}", "bar", names[k]) for k in series]
    legend_room(f, keys)
    body = axes(f, "period", unit)
    for key, tops, bases in parts:
        tips = [
            f"{names[key]} {p}: {fmt.num(v)} {unit}"
            for p, v in zip(periods, series[key], strict=True)
        ]
        body += bars(f, tops, f"s-{key}", bases, tips=tips)
    body += legend(f, keys)
    desc = f"{title}, {periods[0] if periods else ''} to {periods[-1] if periods else ''}"
    return figure(chart_id, "stacked", svg(chart_id, f, title, desc, body), caption)


def _limits(labels: list[str]) -> str:
    """'4 period(s) at a limit (●): 1 at capacity; 3 at regular hours, overtime left' (or 'on
    overtime, overtime left'), in the words of the exceptions' rows; '0 period(s) at a limit
    (●)' for none."""
    counts = Counter(x for x in labels if x)
    said = "; ".join(f"{n} {label}" for label, n in sorted(counts.items()))
    return f"{sum(counts.values())} period(s) {AT_A_LIMIT} (●)" + (f": {said}" if said else "")


def _bounds(r: ResourceLoad) -> str:
    """The caption's word on prices that are upper bounds ('saves at most' in the exception's
    message): '' when no marked period's price is one."""
    n = sum(1 for lim, b in zip(r.limit, r.bound, strict=True) if lim and b)
    if not n:
        return ""
    said = "is an upper bound" if n == 1 else "are upper bounds"
    says = "its exception says" if n == 1 else "their exceptions say"
    return (
        f" {n} of their shadow prices {said} (the LP's dual): 1 more hour saves at most "
        f"that, as {says}."
    )


def _share(load: float, u: float | None, available: float) -> str:
    """'(70.5 % of 100 h regular)'; a period without regular hours is never 0 %: 'on overtime
    only (no regular hours)' where it has load, else '(no regular hours)'."""
    if u is not None:
        return f"({fmt.pct(u)} of {fmt.num(available)} h regular)"
    return f"on {OVERTIME_ONLY}" if overtime_only(load, u) else "(no regular hours)"


def _peak(r: ResourceLoad) -> str:
    """The caption's peak: 'Peak utilisation 70.5 %'; with periods on overtime only, those
    first ('Peak utilisation: overtime only (no regular hours) in 2027-03; 70.5 % at most in
    the other periods'), as summary.json's `utilisation_peaks` counts them."""
    shares = [u for u in r.utilisation if u is not None]
    only = [
        p for p, ld, u in zip(r.periods, r.load, r.utilisation, strict=True) if overtime_only(ld, u)
    ]
    if not only:
        return f"Peak utilisation {fmt.pct(max(shares, default=0.0))}"
    rest = f"; {fmt.pct(max(shares))} at most in the other periods" if shares else ""
    return f"Peak utilisation: {OVERTIME_ONLY} in {', '.join(only)}{rest}"


def resource(r: ResourceLoad, chart_id: str) -> str:
    """Planned load (regular and overtime) against capacity, with the demand's hours; ▲ where
    the demand of a period needs more than regular time plus the overtime limit (DEMAND_OVER:
    hours only pre-build can cover), ● where it is at a limit (its overload exception, by the
    label of that exception's row: at capacity, or at regular hours or on overtime with
    overtime left), with its shadow price, 'at most' where the exception says 'saves at most'
    (a bound). A period with load and no regular hours is 'on overtime only (no regular
    hours)' in its tooltip and the caption's peak, never 0 %."""
    ceiling = [a + o for a, o in zip(r.available, r.overtime_limit, strict=True)]
    regular = [max(ld - ot, 0.0) for ld, ot in zip(r.load, r.overtime, strict=True)]
    f = Frame(r.periods, *_range(r.load, ceiling, r.demand_hours))
    keys = [
        ("s-load", "bar", "load"),
        ("s-ot", "bar", "overtime"),
        ("s-cap", "line", "regular capacity"),
        ("s-capmax", "dash", "with overtime limit"),
        ("s-demand", "line", "demand hours"),
        ("s-short", "marker", DEMAND_OVER),
        ("s-bind", "circle", AT_A_LIMIT),
    ]
    legend_room(f, keys)
    tips = [
        f"{p}: load {fmt.num(ld)} h {_share(ld, u, a)}, overtime "
        f"{fmt.num(ot)} h, demand needs {fmt.num(d)} h"
        for p, ld, u, a, ot, d in zip(
            r.periods, r.load, r.utilisation, r.available, r.overtime, r.demand_hours, strict=True
        )
    ]
    body = axes(f, "period", "hours per period")
    body += bars(f, regular, "s-load", tips=tips)
    body += bars(f, r.load, "s-ot", regular, tips=tips)
    body += line(f, r.available, "s-cap", step=True)
    body += line(f, ceiling, "s-capmax", step=True)
    body += line(f, r.demand_hours, "s-demand")
    short = [
        (i, d, f"{p}: {DEMAND_OVER} (needs {fmt.num(d)} h, at most {fmt.num(c)} h)")
        for i, (p, d, c) in enumerate(zip(r.periods, r.demand_hours, ceiling, strict=True))
        if d > c + EPS
    ]
    bind = [
        (i, ld, f"{p}: {lim} (shadow price {'at most ' if b else ''}{fmt.num(sp, 2)} per hour)")
        for i, (p, ld, sp, lim, b) in enumerate(
            zip(r.periods, r.load, r.shadow_price, r.limit, r.bound, strict=True)
        )
        if lim
    ]
    body += markers(f, short, "s-short", "triangle")
    body += markers(f, bind, "s-bind", "circle")
    body += legend(f, keys)
    title = f"{r.resource} ({r.kind}): load against capacity"
    n_short = len(short)
    caption = (
        f"Hours per period. {_peak(r)}; "
        f"{n_short} period(s) of {DEMAND_OVER} (▲), "
        f"{_limits(r.limit)}.{_bounds(r)}"
    )
    return figure(chart_id, "capacity", svg(chart_id, f, title, "; ".join(tips), body), caption)


def inventory(inv: Inventory, currency: str, materials: list[float] | None = None) -> str:
    """Finished goods only (safety stock is set for items); `materials`: the materials in stock
    per period, named in the caption, since inventory turns count them too."""
    f = Frame(inv.periods, *_range(inv.value, inv.safety_value))
    keys = [
        ("s-inv", "bar", "projected stock"),
        ("s-ss", "dash", "safety stock"),
        ("s-short", "marker", "items below safety stock"),
    ]
    legend_room(f, keys)
    tips = [
        f"{p}: stock {fmt.money(v, currency)}, safety stock {fmt.money(s, currency)}"
        for p, v, s in zip(inv.periods, inv.value, inv.safety_value, strict=True)
    ]
    body = axes(f, "period", f"value at standard cost ({currency})")
    body += bars(f, inv.value, "s-inv", tips=tips)
    body += line(f, inv.safety_value, "s-ss", step=True)
    low = [
        (i, inv.value[i], f"{p}: below safety stock: {', '.join(items)}")
        for i, (p, items) in enumerate(zip(inv.periods, inv.below, strict=True))
        if items
    ]
    body += markers(f, low, "s-short", "triangle")
    body += legend(f, keys)
    title = "Finished-goods inventory against safety stock"
    caption = (
        f"End-of-period stock of finished goods at standard cost in {currency}; ▲ marks periods "
        "in which at least one item ends below its safety stock (hover for the items). "
        "Materials are not drawn"
        + (
            f" (on average {fmt.money(sum(materials) / len(materials), currency)} in stock)"
            if materials
            else ""
        )
        + "; inventory turns and working capital count goods, work in process and materials."
    )
    return figure(
        "chart-inventory",
        "inventory",
        svg("chart-inventory", f, title, "; ".join(tips), body),
        caption,
    )


def cash_bridge(fin: list[FinancePeriod], currency: str) -> str:
    steps = [
        Step("Revenue", sum(p.revenue for p in fin), total=True),
        Step("Materials bought", -sum(p.material_purchases for p in fin)),
        Step("Conversion, resale", -sum(p.conversion_costs for p in fin)),
        Step("Net receivables", -sum(p.working_capital_change for p in fin)),
        Step("Cash flow", sum(p.cash_flow for p in fin), total=True),
    ]
    caption = (
        f"From revenue to cash over the horizon, in {currency}: cash flow = revenue − materials "
        "bought − conversion costs and goods bought in for resale (\u201cConversion, resale\u201d: "
        "planned purchases and scheduled receipts of bought-in items) − the rise of net "
        "receivables (receivables − payables, the cash customers owe less what is owed to "
        "suppliers). Stock is no step of its own: what is made or bought for stock is paid in "
        "the steps before, so \u201cNet receivables\u201d is not the change of working capital, "
        "which counts stock too."
    )
    return waterfall(
        "chart-cash-bridge",
        "Cash bridge over the horizon",
        steps,
        "step of the bridge",
        currency,
        caption,
    )


def finance_periods(fin: list[FinancePeriod], currency: str) -> str:
    periods = [p.period for p in fin]
    rev = [p.revenue for p in fin]
    gm = [p.gross_margin for p in fin]
    cash = [p.cash_flow for p in fin]
    f = Frame(periods, *_range(rev, gm, cash))
    keys = [
        ("s-rev", "bar", "revenue"),
        ("s-margin", "bar", "gross margin"),
        ("s-cash", "line", "cash flow"),
    ]
    legend_room(f, keys)
    tips = [
        f"{p.period}: revenue {fmt.money(p.revenue, currency)}, gross margin "
        f"{fmt.money(p.gross_margin, currency)}, cash flow {fmt.money(p.cash_flow, currency)}"
        for p in fin
    ]
    body = axes(f, "period", currency)
    body += bars(f, rev, "s-rev", width=0.38, offset=-0.2, tips=tips)
    body += bars(f, gm, "s-margin", width=0.38, offset=0.2, tips=tips)
    body += line(f, cash, "s-cash")
    body += legend(f, keys)
    title = "Revenue, margin and cash per period"
    caption = (
        f"Per period in {currency}; the table below gives the bridge of each period and the "
        "cumulative cash flow."
    )
    return figure(
        "chart-finance", "finance", svg("chart-finance", f, title, "; ".join(tips), body), caption
    )
