"""What to write instead: the advice shared by the YAML and CSV messages.

Each helper looks at the value a person wrote and says how to write it the way sopctl reads
it, in that person's own digits where that is unambiguous: `2027-1-5` -> 2027-01-05, `98` in a
fraction -> 0.98, `"1,5"` -> 1.5, a misspelt key -> the allowed key it is closest to.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

# SOP202. A spreadsheet in a language with decimal commas (German, French) saves ';' also as
# "CSV UTF-8 (comma delimited)": the workbook round trip of docs/excel.md needs no CSV dialect
SEPARATOR_ADVICE = "save it comma-separated (in a spreadsheet: CSV UTF-8, comma delimited)"
SEMICOLON_ADVICE = (
    ". A spreadsheet set to a language that writes decimal commas (German, French) saves ';' "
    "even so: edit the tables as a workbook instead, 'sopctl export xlsx --inputs' then "
    "'sopctl import xlsx WORKBOOK' (docs/excel.md)"
)
DATE_EXAMPLE = "write the date as YYYY-MM-DD (e.g. 2027-01-15)"
_YMD = re.compile(r"^\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")  # 20270115
_DMY_DOTS = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")  # 15.01.2027, the German way
_SLASHES = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")  # 15/01/2027 or 01/15/2027
_DECIMAL_COMMA = re.compile(r"^\s*([-+]?\d*),(\d+)\s*$")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_hint(given: object) -> str:
    """How to write a date: the value's own date in ISO form when it reads as one date only
    (2027-1-5, 15.01.2027, 15/01/2027), else the format with an example."""
    if isinstance(given, dt.datetime):  # YAML read a date with a time of day
        return f"write the date alone, without a time: {given.date().isoformat()}"
    text = str(given) if isinstance(given, str | int) and not isinstance(given, bool) else ""
    guess = None
    if m := _YMD.match(text) or _COMPACT.match(text):
        guess = _iso(int(m[1]), int(m[2]), int(m[3]))
    elif m := _DMY_DOTS.match(text):
        guess = _iso(int(m[3]), int(m[2]), int(m[1]))
    elif m := _SLASHES.match(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b:  # day first
            guess = _iso(year, b, a)
        elif b > 12 >= a:  # month first
            guess = _iso(year, a, b)
    if guess is not None and guess != text.strip():
        return f"write the date as YYYY-MM-DD: {guess}"
    return DATE_EXAMPLE


def fraction_hint(value: object) -> str:
    """For a value from 2 to 100 in a field that is a fraction from 0 to 1: the fraction it
    means when it was written as a percentage ("write 0.98 for 98 %"), else "". Between 1 and
    2 (1.5) a percentage is the less likely slip: a fraction typed wrong, no hint."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if 2 <= value <= 100:
        return f"write {value / 100:g} for {value:g} %"
    return ""


def decimal_comma(value: str) -> str | None:
    """'1,5' -> '1.5' when the text reads as a number with a decimal comma, else None."""
    m = _DECIMAL_COMMA.match(value)
    if m is None:
        return None
    whole = m[1] if m[1] not in ("", "-", "+") else m[1] + "0"
    return f"{whole}.{m[2]}"


_NUM = r"[-+]?(?:\d+|\d{1,3}(?:[,.' ]\d{3})+)(?:[.,]\d+)?"
_PERCENT = re.compile(rf"^\s*({_NUM})\s*%\s*$")
_CURRENCY = r"(?:[€$£¥₹]|[A-Z]{3})"
_MONEY = re.compile(rf"^\s*(?:{_CURRENCY}\s*({_NUM})|({_NUM})\s*{_CURRENCY})\s*$")
_UNIT = re.compile(rf"^\s*({_NUM})\s*([A-Za-z]+)\.?\s*$")
_PLAIN = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)$")
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:([,.' ])\d{3})+(?:([.,])\d+)?$")
# a count of planning periods written with a unit: 2 weeks, 3 months, 1 period
UNIT_WORDS = {
    "d": "day", "day": "day", "days": "day",
    "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "m": "month", "mo": "month", "mos": "month", "month": "month", "months": "month",
    "p": "period", "period": "period", "periods": "period",
}  # fmt: skip


def plain_number(text: str) -> str | None:
    """The number `text` spells, written the way sopctl reads numbers (a dot as the decimal
    mark, no grouping): '1,000' -> '1000', '0,98' -> '0.98', '1.000,50' -> '1000.50',
    '12.5' -> '12.5'; None when it is no number. Three digits after a lone comma are a
    thousands group (as the CSV reader's SOP303 takes them) unless the number starts with 0."""
    t = text.strip()
    if _PLAIN.match(t):
        return t
    m = _GROUPED.match(t)
    if m and m[1] != m[2] and not (m[1] == "," and t.lstrip("+-").startswith("0")):
        digits = t.replace(m[1], "")
        return digits.replace(",", ".") if m[2] == "," else digits
    return decimal_comma(t)


def _no_minus_zero(number: str) -> str:
    """'-0', '-0.0' -> '0', '0.0': a zero to write has no sign (sopctl reads -0 as 0)."""
    return number[1:] if number[:1] in "+-" and float(number) == 0 else number


def number_hint(text: str, kind: str = "plain") -> str | None:
    """What to write for a number spelt with a percent sign, a currency, a decimal comma or
    thousands separators, in the writer's own digits; None when `text` is none of these.
    `kind`: "fraction" (a share from 0 to 1: 95% -> 0.95), "points" (percent points, a
    `_pct` value: 20% -> 20), else "plain"."""
    if m := _PERCENT.match(text):
        n = plain_number(m[1])
        if n is None:
            return None
        n = _no_minus_zero(n)
        if kind == "points":
            return f"write {n} (percent points, without '%')"
        return f"write {float(n) / 100:g} for {float(n):g} % (a share is a fraction from 0 to 1)"
    if m := _MONEY.match(text):
        n = plain_number(m[1] or m[2])
        return (
            None
            if n is None
            else f"write {_no_minus_zero(n)} (the number alone, without the currency)"
        )
    n = plain_number(text)
    if n is None or n == text.strip():
        return None
    if n == decimal_comma(text):
        return f"write {_no_minus_zero(n)} (a dot is the decimal mark)"
    return f"write {_no_minus_zero(n)} (no thousands separator; a dot is the decimal mark)"


def period_count_hint(text: str, column: str, bucket: str) -> str | None:
    """For a count of periods written with a unit ('2 weeks' in lead_time): the number to
    write when the unit is the cadence's period, else what to convert; None for other text."""
    m = _UNIT.match(text)
    unit = UNIT_WORDS.get(m[2].lower()) if m else None
    n = plain_number(m[1]) if m else None
    if m is None or unit is None or n is None:
        return None
    counts = f"{column} counts {bucket}s, the periods of this charter's cadence, without a unit"
    if unit in (bucket, "period"):
        return f"{counts}: write {_no_minus_zero(n)}"
    return f"{counts}: convert {m[1].strip()} {m[2]} into a whole number of {bucket}s"


def whole_number(value: str) -> str:
    """SOP304's advice for a value of an integer column: the whole numbers either side of it
    when it is a number ('2.5' -> 'write 2 or 3'), else an example."""
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        return "is not a whole number; write an integer such as 3"
    lo, hi = math.floor(x), math.ceil(x)
    return f"is not a whole number: write {lo}" + (f" or {hi}" if hi != lo else "")


def did_you_mean(word: str, candidates: list[str]) -> str | None:
    """The candidate closest to `word` in spelling (case aside), if one is close enough."""
    lower = {c.lower(): c for c in candidates}
    hit = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.7)
    return lower[hit[0]] if hit else None


def tag_advice(tag: object, expected: str) -> str:
    """For a `kind` (a union's tag) that is none of `expected` (pydantic's "'demand',
    'capacity', ..."): "; did you mean 'demand'?" when one is spelt like it, else ""."""
    close = did_you_mean(str(tag), re.findall(r"'([^']*)'", expected))
    return f"; did you mean {close!r}?" if close else ""


def list_entry(loc: tuple[int | str, ...]) -> str:
    """' (entry 2 of overlays)' for a location ending in a list index ('overlays.1', counted
    from 0 as pydantic counts: people count from 1); '' otherwise."""
    if len(loc) >= 2 and isinstance(loc[-1], int) and isinstance(loc[-2], str):
        return f" (entry {loc[-1] + 1} of {loc[-2]})"
    return ""


def _unwrap(tp: Any) -> list[Any]:
    """The types a value of `tp` may have: Annotated and unions opened up, None left out."""
    if get_origin(tp) is Annotated:
        return _unwrap(get_args(tp)[0])
    if get_origin(tp) in (Union, types.UnionType):
        return [t for arg in get_args(tp) for t in _unwrap(arg)]
    return [] if tp is type(None) else [tp]


def _model_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _matches(model: type[BaseModel], data: object) -> bool:
    """Does `data` fit the tag of `model` (a Literal field such as `kind: demand`)?"""
    if not isinstance(data, dict):
        return False
    for name, f in model.model_fields.items():
        key = f.alias or name
        if get_origin(f.annotation) is Literal and key in data:
            return data[key] in get_args(f.annotation)
    return False


def _pick(options: list[Any], data: object) -> list[Any]:
    """Of a union's models, the one whose tag the data names, else all of them."""
    models = [t for t in options if isinstance(t, type) and issubclass(t, BaseModel)]
    tagged = [m for m in models if _matches(m, data)]
    return tagged if len(tagged) == 1 else options


def _field(tp: Any, loc: tuple[int | str, ...], data: object) -> tuple[str, Any] | None:
    """(name, FieldInfo) of the model field a value at `loc` of `data` (validated as `tp`)
    is, when `loc` leads to one (the navigation of `allowed_keys`)."""
    for t in _pick(_unwrap(tp), data):
        if isinstance(t, type) and issubclass(t, BaseModel) and loc:
            by_key = {f.alias or name: f for name, f in t.model_fields.items()}
            field = by_key.get(str(loc[0]))
            if field is None:
                continue
            if len(loc) == 1:
                return str(loc[0]), field
            sub = data.get(loc[0]) if isinstance(data, dict) else None
            if (hit := _field(field.annotation, loc[1:], sub)) is not None:
                return hit
        elif loc and get_origin(t) in (list, tuple) and isinstance(loc[0], int):
            item = data[loc[0]] if isinstance(data, list) and loc[0] < len(data) else None
            if (hit := _field(get_args(t)[0], loc[1:], item)) is not None:
                return hit
    return None


def yaml_number_hint(tp: Any, loc: tuple[int | str, ...], data: object, given: str) -> str:
    """For text YAML gave where a number belongs ('95%', '€60', '0,98', '1,000'): '; write
    0.95 for 95 % ...', the number in the writer's digits, else ''. A percentage is a share
    (0.95) unless the field holds percent points (a `_pct` field)."""
    hit = _field(tp, loc, data)
    kind = "plain"
    if hit is not None:
        name, field = hit
        top = [getattr(m, "le", None) for m in field.metadata]
        kind = "fraction" if 1 in top else "points" if name.endswith("_pct") else "plain"
    advice = number_hint(given, kind)
    return f"; {advice}" if advice else ""


def allowed_keys(tp: Any, loc: tuple[int | str, ...], data: object) -> list[str]:
    """The keys a mapping at `loc` (a path of keys and indexes into `data`, which is validated
    as `tp`) may have; [] when `loc` leads to no model."""
    keys: list[str] = []
    for t in _pick(_unwrap(tp), data):
        if isinstance(t, type) and issubclass(t, BaseModel):
            if not loc:
                keys += [k for k in _model_keys(t) if k not in keys]
                continue
            by_key = {f.alias or name: f for name, f in t.model_fields.items()}
            field = by_key.get(str(loc[0]))
            if field is not None:
                sub = data.get(loc[0]) if isinstance(data, dict) else None
                keys += [k for k in allowed_keys(field.annotation, loc[1:], sub) if k not in keys]
        elif loc and get_origin(t) in (list, tuple) and isinstance(loc[0], int):
            item = data[loc[0]] if isinstance(data, list) and loc[0] < len(data) else None
            keys += [k for k in allowed_keys(get_args(t)[0], loc[1:], item) if k not in keys]
        elif loc and get_origin(t) is dict:
            sub = data.get(loc[0]) if isinstance(data, dict) else None
            keys += [k for k in allowed_keys(get_args(t)[1], loc[1:], sub) if k not in keys]
    return keys
