"""A comparison's numbers as its text and Markdown views show them, and the best option judged
on those numbers (pure).

The best option is chosen on the values as shown, as the deltas are: 38.8% beside 38.8% is a
tie even when the exact margins differ in the third decimal, so a bold value never sits beside
an equal one that is not bold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..quantities import percent

Value = float | None


def number(unit: str, x: float) -> str:
    """The value as the text and Markdown views show it: '97.3%', '38.8%', '22.44', '1,234'."""
    if unit == "share":
        return f"{percent(x)}%"
    if unit == "pct":
        return f"{x:.1f}%"
    if unit == "ratio":
        return f"{x:,.2f}"
    return f"{x:,.0f}"


def as_shown(unit: str, x: float) -> float:
    """The number `number` shows, read back (in percent for shares and percentages)."""
    return read(number(unit, x))


def read(text: str) -> float:
    """'38.8%' -> 38.8, '1,234 EUR' -> 1234.0, '−5' -> -5.0: the number at the start of a
    shown value."""
    head = text.split(" ")[0].rstrip("%").replace(",", "").replace("−", "-")
    return float(head) + 0.0


def best(
    values: Mapping[str, Value], better: str, shown: Callable[[float], float]
) -> tuple[str, ...]:
    """The options whose shown value is the best (`better`: higher | lower); every option that
    shows that value is best; none when fewer than two have a value or all show the same."""
    known = {n: shown(v) for n, v in values.items() if v is not None}
    if len(known) < 2:
        return ()
    top = max(known.values()) if better == "higher" else min(known.values())
    tops = tuple(n for n, v in known.items() if v == top)
    return () if len(tops) == len(known) else tops
