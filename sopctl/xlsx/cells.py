"""Cell values between CSV text and a workbook, so that a round trip changes no byte.

A CSV cell becomes a number in the workbook only when its text is the canonical text of that
number (`number_text(parse(text)) == text`): '12.5' and '200' do, '12.50', '007', '1e3' and
'+4' stay text, and so does a number that needs more significant digits than a workbook
keeps (Excel keeps and shows 15 significant digits: '0.30000000000000004' and
'0.1234567890123456' stay text). Reading back, a number is rounded to 15 significant digits, as
Excel shows it (a cell Excel computed may hold 0.30000000000000004, shown as 0.3), and written
as its canonical text. So every value survives export → import unchanged, and numbers can still
be summed in the spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from ..findings import Finding, finding
from ..periods import week_of

# Text starting with one of these would run as a formula if a spreadsheet re-parsed it
# (OWASP "CSV injection"); tab and carriage return are on the same list.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
INT_LIMIT = 10**15
# significant digits Excel keeps of a number (Microsoft, "Excel specifications and limits":
# number precision, 15 digits): a cell it computed may store 0.30000000000000004 and shows
# 0.3, so import reads 0.3; a CSV number that needs more digits is exported as text
XLSX_DIGITS = 15


def excel_number(v: float | int) -> float | int:
    """A number read from a cell, rounded to the 15 significant digits Excel keeps and shows:
    930.30000000000007 is 930.3, 12.000000000000002 is 12 (whole: it fits an integer column)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if abs(v) < INT_LIMIT else int(Decimal(f"{v:.{XLSX_DIGITS}g}"))
    if not math.isfinite(v):
        return v
    return float(f"{v:.{XLSX_DIGITS}g}")


def number_text(v: float | int) -> str:
    """The canonical CSV text of a number: '200', '12.5', '0.00001' (never an exponent)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if v.is_integer() and abs(v) < INT_LIMIT:
        return str(int(v))
    text = format(Decimal(repr(v)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_number(text: str) -> float | int | None:
    """The number a CSV cell holds when it can round-trip exactly, else None."""
    t = text
    if not t or t != t.strip() or t[0] == "+" or "_" in t:
        return None
    try:
        v = int(t) if t.lstrip("-").isdigit() else float(t)
    except ValueError:
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, int) and abs(v) >= INT_LIMIT:
        return None
    if isinstance(v, float) and float(f"{v:.{XLSX_DIGITS}g}") != v:
        return None  # read back rounded to 15 digits, it would change: it stays text
    return v if number_text(v) == t else None


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(FORMULA_START)


def date_text(value: dt.date | dt.datetime, dtype: str, bucket: str) -> str | None:
    """A date cell in a period or date column as the text the contract expects, or None when
    the date cannot stand for such a value (e.g. a time of day, a day in a month column other
    than the 1st, or a day in a week column other than the Monday)."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            return None
        value = value.date()
    if dtype == "date":
        return value.isoformat()
    if dtype == "period" and bucket == "month" and value.day == 1:
        return f"{value.year:04d}-{value.month:02d}"
    if dtype == "period" and bucket == "week" and value.weekday() == 0:
        return week_of(value)
    return None


def period_hint(value: dt.date | dt.datetime, bucket: str) -> str:
    """What to type instead of a date that stands for no period, in the charter's spelling:
    the period holding that date."""
    if bucket == "week":
        label, first = week_of(value), "the Monday of a week"
    else:
        label, first = f"{value.year:04d}-{value.month:02d}", "the 1st of a month"
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        first += ", with no time of day"
    return (
        f"format the column as text and type a period such as {label} (the one holding that "
        f"date); a date is read as a period only when it is {first}"
    )


# the characters a workbook stores as `_xHHHH_`: controls other than tab and line feed, and
# the two non-characters (as XlsxWriter and Excel write them)
_OOXML_ESCAPE = re.compile(r"_x(000[0-8B-Fb-f]|001[0-9A-Fa-f]|[Ff]{3}[EeFf])_")


def ooxml_text(text: str) -> str:
    """A workbook string with its `_xHHHH_` escapes of control characters decoded: workbooks
    store a carriage return as `_x000D_`, and openpyxl hands it over as stored. A literal
    `_x000D_` in the text is stored escaped (`_x005F_x000D_`), but openpyxl drops that escape
    when it reads shared strings, so such a literal comes back as the control character;
    other `_xHHHH_` texts ('_x0041_') stay as they are."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


_FORMAT_TEXT = re.compile(r'"[^"]*"|\\.')  # literal text in a number format


def percent_format(cell: Any, column: str, where: str) -> list[Finding]:
    """SOP015 for a number in a percent-points column (uplift_pct: 20 is 20 %) that the cell
    shows as a percentage: typed as '20%' it holds 0.2, read as 0.2 %."""
    v = cell.value
    # a % in quotes ("0\"%\"") or escaped (0\%) is shown as text and does not scale the value
    fmt = _FORMAT_TEXT.sub("", str(cell.number_format))
    if isinstance(v, bool) or not isinstance(v, int | float) or "%" not in fmt:
        return []
    v = excel_number(v)
    shown = number_text(round(v * 100, 9))  # 0.07 * 100 is 7.000000000000001
    return [
        finding(
            where,
            0,
            0,
            "SOP015",
            f"the cell is formatted as a percentage, so it holds {number_text(v)} ({shown} %), "
            f"read as {number_text(v)} in {column}, which counts in percent: if {shown} % is "
            f"meant, format the cell as a number and type {shown}",
        )
    ]
