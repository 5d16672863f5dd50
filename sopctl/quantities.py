"""How a quantity reads in a table: whole units when large or whole, two decimals when small.

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
