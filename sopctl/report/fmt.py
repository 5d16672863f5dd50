"""Number words of the report: money in the charter's currency, units, shares, short axis labels.

Pure functions of their arguments (no locale, no clock), so the same plan gives the same bytes.
"""

from __future__ import annotations

import math

from ..quantities import fixed, percent


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def num(x: float | None, decimals: int = 0) -> str:
    """1234567.8 -> '1,234,568'; None -> '–'. Never '-0'."""
    if not _finite(x):
        return "–"
    assert x is not None
    return fixed(x, decimals)


def money(x: float | None, currency: str, decimals: int = 0) -> str:
    """'1,234,568 EUR' (ISO code after the amount: unambiguous in every language)."""
    return "–" if not _finite(x) else f"{num(x, decimals)} {currency}"


def signed(x: float | None, decimals: int = 0) -> str:
    """'+1,200', '−300' (a true minus sign), '0'."""
    if not _finite(x):
        return "–"
    assert x is not None
    text = num(abs(x), decimals)
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if x > 0 else "−") + text


def pct(x: float | None, decimals: int = 1) -> str:
    """A share as a percentage: 0.9731 -> '97.3 %'. A share below 1 never reads 100 %
    (0.99998 -> '99.9 %', cut, not rounded up): a fill rate shown as 100 % says every unit
    was served."""
    if not _finite(x):
        return "–"
    assert x is not None
    return f"{percent(x, decimals)} %"


def points(x: float | None, decimals: int = 1) -> str:
    """A change of a share in percentage points: 0.012 -> '+1.2 pp'."""
    return "–" if not _finite(x) else f"{signed(100 * x, decimals)} pp"  # type: ignore[operator]


def compact(x: float) -> str:
    """Axis tick labels: 1500 -> '1.5k', 2_000_000 -> '2M', 0.25 -> '0.25'."""
    a = abs(x)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= size:
            text = f"{x / size:.2f}".rstrip("0").rstrip(".")
            return text.replace("-", "−") + suffix
    text = f"{x:.2f}".rstrip("0").rstrip(".") if a else "0"
    return text.replace("-", "−")


def service(x: float | None) -> str:
    """A service level: two decimals, three when two would round a shortfall up to 100 %."""
    if not _finite(x):
        return "–"
    assert x is not None
    return pct(x, 3 if x < 1 and round(100 * x, 2) >= 100 else 2)


def kpi_value(kind: str, v: float | None, currency: str) -> str:
    """A value of the scenario table: a share with two decimals, a count, a ratio with two
    decimals, else money."""
    if kind == "share":
        return pct(v, 2)
    if kind == "count":
        return num(v)
    if kind == "ratio":
        return num(v, 2)
    return money(v, currency)
