"""Quantities in tables: a small fraction of a unit is shown, not rounded away."""

from __future__ import annotations

import pytest

from sopctl.quantities import units


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.0556, "0.06"),  # a continuous plan's sliver: visible, not "0"
        (22.6667, "22.67"),
        (-7.333, "-7.33"),
        (7.0, "7"),
        (0.0, "0"),
        (99.994, "99.99"),
        (100.4, "100"),
        (137744.2, "137,744"),
    ],
)
def test_units(x: float, text: str) -> None:
    assert units(x) == text
