"""Cells that say "no value" the way exports write it: `NULL` (SQL), `None` (Python), `NaN`
(pandas), `NA` (R), `#N/A` and `N/A` (spreadsheets), `nil`.

In an optional column such a cell is read as empty, with one warning per file and column
(SOP313) naming the words met, so the user knows what was read; in a required column it is
SOP301, as an empty cell is. Id columns are left alone: an id is a name its owner chose (an item
`NA` may be North America's), and one that names nothing is found by the reference checks.
`-` is no such word: a spreadsheet's accounting format shows 0 as `-`, so in a number column
it stays SOP302 with both readings offered.

Vectorised: the words are matched in every spelling of upper and lower case with one `is_in`
per column (1.5 ms for a million cells), and number columns are only looked at when a cell is
no number.
"""

from __future__ import annotations

import itertools

import polars as pl

from ..findings import finding
from .contracts import Column
from .emit import Emitter
from .idrule import shown
from .lines import LINE

WORDS = ("null", "none", "nan", "na", "n/a", "#n/a", "nil")
# every spelling of the words in upper and lower case: NULL, Null, null, nUll ...
SPELLINGS = sorted(
    {"".join(p) for w in WORDS for p in itertools.product(*({ch.lower(), ch.upper()} for ch in w))}
)
DASHES = frozenset({"-", "--"})


def is_no_value(values: pl.Series) -> pl.Series:
    """True where a cell holds one of WORDS (cells are already trimmed), never null."""
    return values.is_in(SPELLINGS).fill_null(False)


def report(out: Emitter, df: pl.DataFrame, c: Column, mask: pl.Series) -> None:
    """The findings for the cells of column `c` that `mask` marks: one SOP313 warning at the
    first of them when the column is optional, else SOP301 at each (capped)."""
    rows = df.filter(mask)
    if not rows.height:
        return
    values: list[str] = rows[c.name].to_list()
    lines: list[int] = rows[LINE].to_list()
    if not c.nullable:
        out.rows(
            "SOP301",
            c.name,
            lines,
            lambda i: (
                f"'{shown(values[i])}' in column '{c.name}' is no value (what exports write "
                f"for an empty cell), and the column needs one; fill in "
                f"{c.description[:1].lower()}{c.description[1:]}"
            ),
        )
        return
    met = list(dict.fromkeys(values))
    quoted = [f"'{shown(v)}'" for v in met[:5]]
    words = " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    n = len(lines)
    count = "1 row" if n == 1 else f"{n} rows, the first here"
    lookup = (
        "; '#N/A' in a spreadsheet is a lookup that found nothing: check its formula"
        if any(v.lower() == "#n/a" for v in met)
        else ""
    )
    out.findings.append(
        finding(
            out.path,
            lines[0],
            out.col(c.name),
            "SOP313",
            f"{words} in column '{c.name}' {'is' if len(met) == 1 else 'are'} read as no value, "
            f"as an empty cell is ({count}){lookup}; leave such cells empty",
        )
    )


def blank_no_value(out: Emitter, df: pl.DataFrame, c: Column) -> pl.DataFrame:
    """A text, period, date or e-mail column with its no-value words reported and made
    empty, so that no later check reports them again ('NULL' is not a valid period)."""
    mask = is_no_value(df[c.name])
    if not mask.any():
        return df
    report(out, df, c, mask)
    return df.with_columns(pl.when(mask).then(None).otherwise(pl.col(c.name)).alias(c.name))
