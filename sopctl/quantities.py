"""How a quantity reads in a table: whole units when large or whole, two decimals when small;
a share as a percentage that never rounds up to 100 %.

A continuous plan leaves fractions: 0.06 units short in a period is real, and "0" would hide
it, while "22.67" beside "1,234" is noise. Shared by the reconcile summary, the scenario
comparison and the plan diff, so one exception reads the same everywhere.
"""

from __future__ import annotations


def units(x: float) -> str:
    """1,234 for 100 and more or a whole number; 22.67 or 0.06 below 100."""
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def percent(share: float, decimals: int = 1) -> str:
    """A share in percent without the sign: 0.9731 -> '97.3'. Below 1 it never reads 100
    (0.99998 -> '99.9': cut, not rounded up), since a service level or fill rate shown as
    100 says that every unit was served."""
    p = 100 * share
    if p < 100 and round(p, decimals) >= 100:
        p = 100 - 10.0**-decimals
    return fixed(p, decimals)


def fixed(x: float, decimals: int = 0) -> str:
    """1234567.8 -> '1,234,568' with thousands separators; never '-0' (-0.0001 -> '0')."""
    text = f"{x:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text
