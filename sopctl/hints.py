"""What to write instead: the advice shared by the YAML and CSV messages.

Each helper looks at the value a person wrote and says how to write it the way sopctl reads
it, in that person's own digits where that is unambiguous: `2027-1-5` -> 2027-01-05, `98` in a
fraction -> 0.98, `"1,5"` -> 1.5, a misspelt key -> the allowed key it is closest to.
"""

from __future__ import annotations

import datetime as dt
import difflib
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
