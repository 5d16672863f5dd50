"""Numbers and labels shared by the text and Markdown views of a comparison (pure)."""

from __future__ import annotations

from .compare import Comparison, Kpi, Option
from .shown import number

SHARE_UNITS = ("share", "pct")


def value(k: Kpi, x: float | None) -> str:
    return "—" if x is None else number(k.unit, x)


def delta(k: Kpi, name: str, base: str) -> str:
    """Against the base: +1.8 pp for shares, +1,234, +5.0% for amounts; '' for the base."""
    if name == base:
        return ""
    d = k.delta(name, base)
    if d is None:
        return "n/a"
    sign = "+" if d > 0 else "−"
    if k.unit in SHARE_UNITS:  # the difference of the values as shown (99.9% - 100.0%)
        pts = _shown(k, k.values.get(name)) - _shown(k, k.values.get(base))
        sign = "+" if pts > 0 else "−"
        return "±0" if abs(pts) < 0.05 else f"{sign}{abs(pts):.1f} pp"
    if k.unit == "ratio":
        return "±0" if abs(d) < 0.005 else f"{sign}{abs(d):,.2f}"
    if abs(d) < 0.5:
        return "±0"
    text = f"{sign}{abs(d):,.0f}"
    pct = k.pct(name, base)
    base_value = k.values.get(base)
    # a base that shows as 0 (e.g. 0.08) makes a percent meaningless (+176,825.0%)
    if pct is not None and k.unit != "count" and abs(base_value or 0.0) >= 0.5:
        text += f", {'+' if pct >= 0 else '−'}{abs(pct):,.1f}%"
    return text


def _shown(k: Kpi, x: float | None) -> float:
    """A share or percentage as `value` shows it, in percent."""
    return float(value(k, x).rstrip("%").replace(",", "")) if x is not None else 0.0


def cell(k: Kpi, name: str, base: str) -> str:
    d = delta(k, name, base)
    v = value(k, k.values.get(name))
    return f"{v} ({d})" if d and d != "±0" else v


def title(o: Option) -> str:
    if o.commit:
        return f"{o.name} ({o.commit[:7]})"
    return o.name


def no_plan_heading(o: Option) -> str:
    """'upside has no plan' plus its status when that says more ('(infeasible)')."""
    return f"{title(o)} has no plan" + ("" if o.status == "no plan" else f" ({o.status})")


def failure_lines(o: Option, limit: int = 20) -> list[str]:
    """What an option without a plan reports, in at most `limit` lines: the errors first, then
    the hints (they say what to change); when there are more, a line says how many are cut,
    and the errors and the hints share the lines."""
    hints = [e for e in o.errors if e.startswith("hint: ")]
    rest = [e for e in o.errors if not e.startswith("hint: ")]
    if len(rest) + len(hints) <= limit:
        return rest + hints
    r = min(len(rest), limit // 2)  # errors and hints share the lines; neither crowds out
    h = min(len(hints), limit - 1 - r)  # the other, and what one leaves the other takes
    r = min(len(rest), limit - 1 - h)
    more = f"... {len(o.errors) - r - h} more (--format json lists them all)"
    return [*rest[:r], more, *hints[:h]]


def headline(c: Comparison) -> str:
    """One line per comparison: which option is best on cost, margin and service."""
    others = [o.name for o in c.options[1:]]
    if not others:
        return f"{c.base} only: nothing to compare it with (declare scenarios in cycle.yaml)"
    parts = [f"{c.base} against {', '.join(others)}"]
    for name, word in (
        ("gross_margin", "margin"),
        ("cost_total", "plan cost"),
        ("units_short", "service"),
    ):
        k = c.kpi(name)
        if k is not None and k.best:
            parts.append(f"best {word}: {', '.join(k.best)}")
    return "; ".join(parts)
