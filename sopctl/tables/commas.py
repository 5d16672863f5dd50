"""What a comma in a number cell means: a thousands separator, a decimal comma, or either.

`1,500` is one thousand five hundred to an English spreadsheet and one and a half to a German
or French one; `0,350` and `2,5` can only be decimal commas (a leading 0 starts no thousands
group: `hints.plain_number`, whose reading this module follows), `1,500,000` and `1,500.25`
only thousands separators. A cell that could be either is read in the light of the other
cells of its column, then of its file: where they write decimal commas, so does it.
"""

from __future__ import annotations

import re
from typing import Literal

import polars as pl

from ..hints import decimal_comma, plain_number
from .lines import LINE

Reading = Literal["decimal", "thousands", "either", ""]
_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3}(,\d{3})+(\.\d+)?\s*$")
_EITHER = re.compile(r"^\s*[-+]?[1-9]\d{0,2},\d{3}\s*$")  # '1,500': one group, no dot
_LOOKED_AT = 1000  # distinct comma values of a column looked at for a decimal comma
# blanks a French or Swiss spreadsheet writes between thousands (no-break space, narrow
# no-break space), read as the plain space `hints.plain_number` knows
NO_BREAK = str.maketrans({"\u00a0": " ", "\u202f": " "})


def thousands_like(value: str) -> bool:
    """Commas between groups of three digits, read as thousands separators by
    `hints.plain_number` ('1,500', '-12,000.5'; not '0,350', whose comma is decimal)."""
    if not _THOUSANDS.match(value):
        return False
    return plain_number(value) == value.strip().replace(",", "")


def reading(value: str) -> Reading:
    """How the comma of a number cell reads: 'decimal' ('0,05', '2,5', '0,350', '1.234,5'),
    'thousands' ('1,500,000', '1,500.25'), 'either' ('1,500': one comma before three digits,
    no dot, no leading 0), '' (no comma, or no number)."""
    if "," not in value or (number := plain_number(value)) is None:
        return ""
    tail = value.strip().rpartition(",")[2]
    if "." not in tail and number.endswith("." + tail):  # the last comma became the dot
        return "decimal"
    return "either" if _EITHER.match(value) else "thousands"


def as_decimal(value: str) -> str:
    """'1,500' read with a decimal comma, without trailing zeros: '1.5'."""
    number = decimal_comma(value) or value
    return number.rstrip("0").rstrip(".") if "." in number else number


def first_decimal(frame: pl.DataFrame, columns: list[str]) -> tuple[str, int, str] | None:
    """(value, line, column) of the first cell of `columns` (text cells of `frame`) that
    writes a decimal comma, or None. Looks at a bounded number of distinct values per
    column: it runs only for a file that holds a cell read either way."""
    for name in columns:
        if name not in frame.columns or frame[name].dtype != pl.String:
            continue
        cells = frame.select(LINE, name).filter(pl.col(name).str.contains(",", literal=True))
        values = cells[name].unique(maintain_order=True).head(_LOOKED_AT).to_list()
        hit = next((v for v in values if reading(v) == "decimal"), None)
        if hit is not None:
            line = cells.filter(pl.col(name) == hit)[LINE][0]
            return hit, int(line), name
    return None


def comma_message(value: str, column: str, whole: bool, seen: tuple[str, int, str] | None) -> str:
    """What to write for a cell whose commas are read as thousands separators: the number
    without them when they can be nothing else or the column takes whole numbers (`whole`);
    for one read either way ('1,500'), the decimal reading where another cell of the column
    or file (`seen`: value, line, column) writes a decimal comma, else both readings."""
    thousands = value.strip().replace(",", "")
    if whole:
        return (
            f"'{value}' uses a thousands separator; write {thousands} (a dot is the decimal mark)"
        )
    if seen is not None:
        other, line, where = seen
        cells = "this column" if where == column else f"column '{where}'"
        return (
            f"'{value}' in column '{column}' is not a number; write "
            f"{decimal_comma(value)} ({cells} writes a decimal comma: '{other}' on line "
            f"{line}; a dot is the decimal mark)"
        )
    return (
        f"'{value}' in column '{column}' has a comma that may be a thousands separator or a "
        f"decimal comma; write {thousands} if it separates thousands, or {as_decimal(value)} "
        "if it is a decimal comma"
    )
