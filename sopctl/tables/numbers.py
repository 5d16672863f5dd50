"""Number columns of a table: reading the cells as numbers and bounding them.

Vectorised like the rest of the table checks: the clean case is one cast and a few whole-column
tests; Python only touches the rows that get a finding (capped by the Emitter).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import polars as pl

from ..hints import fraction_hint, number_hint, period_count_hint
from . import novalue
from .commas import NO_BREAK, comma_message, reading, thousands_like
from .contracts import Column
from .csvread import LINE
from .emit import Emitter
from .idrule import shown

__all__ = ["NUMBER_LIMIT", "TINY", "cast_number", "check_ranges"]

# Numbers beyond 10^9 in size are typos or unit mistakes, and the solver cannot hold them: it
# keeps each constraint to 1e-7, and from 1e9 on neighbouring doubles lie further apart than
# that, so a plan with such a quantity, cost or capacity comes out infeasible, meaningless or
# never (a 1e12 override ran for minutes); from 1e20 it reads them as infinite. The scenario
# and charter bounds are the same (docs/formats.md "Numbers the solver can hold").
NUMBER_LIMIT = 1e9
_TYPO = (
    " (no number may exceed 1e+09 in size: the solver cannot hold it; a typo or a unit mistake?)"
)
# Numbers smaller in size than 1e-9 (not 0) are read as 0, with a warning: far below what the
# solver tells from 0 (1e-7), and in practice the rounding residue of a spreadsheet formula
# (5.55e-17 for 0.1+0.2-0.3) or a subnormal such as 1e-320, which would otherwise be written
# back into the results as a long decimal.
TINY = 1e-9
_SHOWN = 24  # characters of a value shown in a message (a 400-digit number is cut)


def _shown(value: str) -> str:
    return shown(value, _SHOWN)


def _kind(c: Column) -> str:
    """How a percentage in column `c` reads: a share (0.95), percent points, or neither."""
    if c.min == 0 and c.max == 1:
        return "fraction"
    return "points" if c.name.endswith("_pct") else "plain"


def _number_fix(value: str, c: Column, bucket: str) -> str | None:
    """The concrete number to write for a cell that is no number ('95%', '€6.80', '0,98',
    '2 weeks'), or None when there is none to give."""
    value = value.translate(NO_BREAK)  # '1 200' with a no-break space reads as '1 200'
    period = c.dtype == "int" and "period" in c.description.lower()
    if period and (unit := period_count_hint(value, c.name, bucket)) is not None:
        return unit
    hint = number_hint(value, _kind(c))
    if hint is None or c.dtype == "float":
        return hint
    written = hint.split()[1]  # an int column: only a whole number is a fix
    return hint if written.lstrip("+-").isdigit() else None


Seen = tuple[str, int, str]  # a cell that writes a decimal comma: value, line, column


def cast_number(
    out: Emitter,
    df: pl.DataFrame,
    c: Column,
    bucket: str = "month",
    decimals: Callable[[], Seen | None] = lambda: None,
) -> pl.Series:
    """Numbers as Float64 (ints too, until the range checks have run: a huge value is then
    "too large", not "empty"). Values that are not numbers are reported once and become null,
    so no later check reports the same cell again; so do numbers too large for a double
    (`1e400`: SOP305/SOP306, not "not a number"). Non-zero numbers smaller than TINY in size
    become 0 with a warning (SOP312); `-0` and `-0.0` are 0 (no negative zero goes on).
    `decimals`: the first cell of the file that writes a decimal comma, asked only when a
    cell such as '1,500' reads either way and no cell of this column tells."""
    raw = df[c.name]
    cast = raw.cast(pl.Float64, strict=False)
    zero = (cast == 0).fill_null(False)
    if zero.any():  # '-0' is 0: a negative zero would reach outputs and messages as -0
        cast = cast.set(zero, 0.0)  # type: ignore[arg-type]
    finite = cast.is_finite().fill_null(True)
    tiny = ((cast != 0) & (cast.abs() < TINY)).fill_null(False)
    clean = cast.null_count() == raw.null_count() and bool(finite.all()) and not tiny.any()
    if c.dtype == "int" and clean:
        clean = not bool((cast != cast.round(0)).any())
    if clean:  # the common case: one conversion, no row-level work
        return cast
    if tiny.any():
        small = df.filter(tiny)
        vals = small[c.name].to_list()
        out.rows(
            "SOP312",
            c.name,
            small[LINE].to_list(),
            lambda k: (
                f"'{_shown(vals[k])}' in column '{c.name}' is smaller in size than {TINY:g} and "
                "is read as 0 (the plan cannot tell it from 0); write 0, or the value meant"
            ),
        )
        cast = cast.set(tiny, 0.0)  # type: ignore[arg-type]
    # a number too large for a double (1e400, 400 digits) casts to ±inf; 'inf' itself is none
    huge = (cast.is_infinite() & raw.str.contains(r"\d")).fill_null(False)
    if huge.any():
        _too_large(out, df.filter(huge), c)
    invalid = (cast.is_null() | ~finite) & ~huge
    if c.dtype == "int":
        invalid = invalid | (cast != cast.round(0)).fill_null(False)
    bad = df.filter(raw.is_not_null() & invalid)
    words = novalue.is_no_value(bad[c.name])
    if words.any():  # NULL, None, NaN ...: no value (novalue.py), not "no number"
        novalue.report(out, bad, c, words)
        bad = bad.filter(~words)
    vals = bad[c.name].to_list()
    lines = bad[LINE].to_list()
    _commas(out, c, vals, lines, decimals)
    other = [i for i, v in enumerate(vals) if not thousands_like(v)]
    if c.dtype == "int":  # hints.whole_number: "2.5 ... is not a whole number: write 2 or 3"
        code, what, want = "SOP304", "is not a whole number", ""
    else:
        code, what, want = "SOP302", "is not a number", "write a plain number such as 12.5"

    def not_a_number(k: int) -> str:
        from ..hints import whole_number

        value = vals[other[k]]
        zero = c.min is None or c.min < 0 or (c.min == 0 and not c.min_exclusive)
        if value in novalue.DASHES and (zero or c.nullable):
            # a spreadsheet's accounting format shows 0 as '-'; an export writes it for none
            fixes = (
                ["write 0 if zero is meant (a spreadsheet's accounting format shows 0 as '-')"]
                if zero
                else []
            )
            fixes += ["leave the cell empty for no value"] if c.nullable else []
            return f"'{value}' in column '{c.name}' is no number; {', or '.join(fixes)}"
        fix = _number_fix(value, c, bucket)
        if not fix and c.dtype == "int":
            return f"'{_shown(value)}' in column '{c.name}' {whole_number(value)}"
        return f"'{_shown(value)}' in column '{c.name}' {what}; {fix or want}"

    out.rows(code, c.name, [lines[i] for i in other], not_a_number)
    return cast.set((invalid | huge).fill_null(False), None)  # type: ignore[arg-type]


def _commas(
    out: Emitter,
    c: Column,
    vals: list[str],
    lines: list[int],
    decimals: Callable[[], Seen | None],
) -> None:
    """SOP303 for the cells whose commas separate thousands ('1,500,000'); for one that reads
    either way ('1,500'), the decimal reading where the column (else the file) writes decimal
    commas (SOP302), else both readings (SOP303). A whole-number column takes thousands."""
    thou = [i for i, v in enumerate(vals) if thousands_like(v)]
    either = [i for i in thou if reading(vals[i]) == "either" and c.dtype == "float"]
    sure = sorted(set(thou) - set(either))
    out.rows(
        "SOP303",
        c.name,
        [lines[i] for i in sure],
        lambda k: comma_message(vals[sure[k]], c.name, True, None),
    )
    if not either:
        return
    pairs = zip(vals, lines, strict=True)
    seen = next(((v, ln, c.name) for v, ln in pairs if reading(v) == "decimal"), None)
    seen = seen or decimals()
    out.rows(
        "SOP302" if seen else "SOP303",
        c.name,
        [lines[i] for i in either],
        lambda k: comma_message(vals[either[k]], c.name, False, seen),
    )


def _too_large(out: Emitter, rows: pl.DataFrame, c: Column) -> None:
    """SOP306 (SOP305 when negative) for numbers beyond what a double holds, in the words of
    the range check: the value, and the bound it breaks."""
    negative = rows[c.name].str.contains(r"^\s*-")
    for code, part in (("SOP306", rows.filter(~negative)), ("SOP305", rows.filter(negative))):
        if not part.height:
            continue
        vals = part[c.name].to_list()
        if code == "SOP306":
            bound = f"at most {c.max:g}" if c.max is not None else f"at most {NUMBER_LIMIT:g}"
            why = "" if c.max is not None and c.max < NUMBER_LIMIT else _TYPO
        else:
            bound = f"at least {c.min:g}" if c.min is not None else f"at least {-NUMBER_LIMIT:g}"
            why = "" if c.min is not None and c.min > -NUMBER_LIMIT else _TYPO

        def message(i: int, vals: list[str] = vals, bound: str = bound, why: str = why) -> str:
            return f"{c.name} is {_shown(vals[i])}; it must be {bound}{why}"

        out.rows(code, c.name, part[LINE].to_list(), message)


def check_ranges(out: Emitter, df: pl.DataFrame, c: Column) -> None:
    col = pl.col(c.name)
    why_lo = why_hi = ""
    if c.max is None:
        c, why_hi = dataclasses.replace(c, max=NUMBER_LIMIT), _TYPO
    if c.min is None:
        c, why_lo = dataclasses.replace(c, min=-NUMBER_LIMIT), _TYPO
    lo, hi = df.select(col.min(), col.max().alias("__hi")).row(0)  # one pass; rows if needed
    if lo is None:
        return
    if c.min is not None and (lo <= c.min if c.min_exclusive else lo < c.min):
        cond = col <= c.min if c.min_exclusive else col < c.min
        bad = df.filter(cond)
        if bad.height:
            vals = bad[c.name].to_list()
            word = "above" if c.min_exclusive else "at least"
            out.rows(
                "SOP305",
                c.name,
                bad[LINE].to_list(),
                lambda i: f"{c.name} is {vals[i]:g}; it must be {word} {c.min:g}{why_lo}",
            )
    if c.max is not None and hi > c.max:
        bad = df.filter(col > c.max)
        if bad.height:
            vals = bad[c.name].to_list()
            fraction = c.min == 0 and c.max == 1  # a share: 35 for 35 % instead of 0.35?

            def above(i: int) -> str:
                percent = fraction_hint(vals[i]) if fraction else ""
                why = f" (a fraction: {percent})" if percent else why_hi
                return f"{c.name} is {vals[i]:g}; it must be at most {c.max:g}{why}"

            out.rows("SOP306", c.name, bad[LINE].to_list(), above)
