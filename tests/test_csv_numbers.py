"""How a CSV cell becomes a number (sopctl/tables/numbers.py): the values a planner may meet
beside plain decimals, and what each one is read as."""

from __future__ import annotations

import polars as pl
import pytest

from sopctl.tables.contracts import CONTRACTS
from sopctl.tables.csvread import LINE
from sopctl.tables.emit import Emitter
from sopctl.tables.numbers import cast_number

ON_HAND = next(c for c in CONTRACTS["inventory"].columns if c.name == "on_hand")


def _read(values: list[str]) -> tuple[list[float | None], list[str]]:
    df = pl.DataFrame({LINE: list(range(2, 2 + len(values))), "on_hand": values})
    out = Emitter("inventory.csv", ["item", "on_hand"])
    got = cast_number(out, df, ON_HAND)
    return got.to_list(), [f.code for f in out.findings]


@pytest.mark.parametrize(
    ("cells", "read", "codes"),
    [
        # numbers smaller in size than 1e-9 are 0 to the plan: read as 0, with a warning
        (["1e-320", "-5.551115123125783e-17", "1e-9"], [0.0, 0.0, 1e-9], ["SOP312", "SOP312"]),
        # a sign, a bare dot and an exponent are unambiguous numbers
        (["+5", ".5", "5.", "2.2E2", "0e0"], [5.0, 0.5, 5.0, 220.0, 0.0], []),
        # too large for a double: out of range (the value is kept out of later checks); 'inf'
        # is no number, 'nan' (pandas' word for none) no value
        (["1e400", "12"], [None, 12.0], ["SOP306"]),
        (["inf", "nan"], [None, None], ["SOP301", "SOP302"]),
        # words for no value: empty, which a required column cannot be (SOP301, novalue.py)
        (["NULL", "None", "#N/A", "12"], [None, None, None, 12.0], ["SOP301"] * 3),
    ],
)
def test_what_a_number_cell_is_read_as(
    cells: list[str], read: list[float | None], codes: list[str]
) -> None:
    got, found = _read(cells)
    assert got == read
    assert found == codes
