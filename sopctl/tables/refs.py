"""Period columns (placed in the cycle's calendar) and ids resolved against known ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from .. import periods
from .contracts import Column
from .csvread import LINE
from .emit import Emitter, distinct_problems
from .idrule import shown as show


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n} rows"


def ord_col(name: str) -> str:
    """Name of the hidden ordinal column that sits next to a period column."""
    return f"__ord_{name}"


@dataclass(frozen=True)
class Context:
    """What a table is checked against: the cycle's calendar and the charter's ids."""

    bucket: periods.Bucket
    first_ordinal: int
    horizon: int
    # ref name ("charter.segments") -> canonical ids
    charter_ids: dict[str, frozenset[str]] = field(default_factory=dict)
    # lower-cased alias or id -> canonical term (from the glossary)
    aliases: dict[str, str] = field(default_factory=dict)


def check_periods(out: Emitter, df: pl.DataFrame, c: Column, ctx: Context) -> pl.DataFrame:
    uniq = df[c.name].drop_nulls().unique().to_list()
    mapping = {v: periods.to_ordinal(v, ctx.bucket) for v in uniq}
    invalid = sorted(v for v, n in mapping.items() if n is None)

    def bad_period(v: str, n: int) -> str:
        p = periods.why_not(v, ctx.bucket)
        return f"'{show(v)}' {p.what} ({_rows(n)}); {p.fix}"

    distinct_problems(out, df, c.name, invalid, "SOP308", bad_period)
    first, last = ctx.first_ordinal, ctx.first_ordinal + ctx.horizon - 1
    first_label = periods.from_ordinal(first, ctx.bucket)
    last_label = periods.from_ordinal(last, ctx.bucket)
    outside = sorted(v for v, n in mapping.items() if n is not None and not first <= n <= last)
    if c.scope == "horizon":
        distinct_problems(
            out,
            df,
            c.name,
            outside,
            "SOP404",
            lambda v, n: (
                f"period {v} ({_rows(n)}) is outside the cycle's horizon "
                f"{first_label}..{last_label}; move it inside or delete the rows"
            ),
        )
    elif c.scope == "ignored_outside":  # a renewal of an earlier cycle: nothing of it counts

        def ignored(v: str, n: int) -> str:
            where = "before" if (mapping[v] or 0) < first else "after"
            them = "the row is ignored; delete it" if n == 1 else "they are ignored; delete them"
            return (
                f"period {v} ({_rows(n)}) lies {where} the cycle's horizon "
                f"{first_label}..{last_label}, so {them} or correct the period"
            )

        distinct_problems(out, df, c.name, outside, "SOP408", ignored)
    elif c.scope == "history":
        future = sorted(v for v, n in mapping.items() if n is not None and n >= first)
        distinct_problems(
            out,
            df,
            c.name,
            future,
            "SOP405",
            lambda v, n: (
                f"history period {v} ({_rows(n)}) is not before the cycle's first "
                f"period {first_label}; history holds past periods only"
            ),
        )
    ords = pl.Series([mapping[v] for v in uniq], dtype=pl.Int64)
    keys = pl.Series(uniq, dtype=pl.String)
    return df.with_columns(
        pl.col(c.name)
        .replace_strict(keys, ords, default=None, return_dtype=pl.Int64)
        .alias(ord_col(c.name))
    )


def check_span(out: Emitter, df: pl.DataFrame, columns: list[Column], ctx: Context) -> None:
    """SOP408 for rows whose span (the table's two "span" period columns: start, end) lies
    wholly before or after the horizon: nothing of it counts. A span that overlaps the horizon
    is fine however far it reaches out of it; a reversed one is a rule of the table (SOP310)."""
    if len(columns) != 2 or any(ord_col(c.name) not in df.columns for c in columns):
        return
    start, end = (pl.col(ord_col(c.name)) for c in columns)
    first, last = ctx.first_ordinal, ctx.first_ordinal + ctx.horizon - 1
    window = f"{periods.from_ordinal(first, ctx.bucket)}..{periods.from_ordinal(last, ctx.bucket)}"
    ok = start <= end
    for column, bad, where in (
        (columns[1], ok & (end < first), "before"),
        (columns[0], ok & (start > last), "after"),
    ):
        rows = df.filter(bad.fill_null(False))
        out.rows(
            "SOP408", column.name, rows[LINE].to_list(), _outside(rows, columns, where, window)
        )


def _outside(
    rows: pl.DataFrame, columns: list[Column], where: str, window: str
) -> Callable[[int], str]:
    spans = rows.select(columns[0].name, columns[1].name).rows()

    def message(i: int) -> str:
        return (
            f"{spans[i][0]}..{spans[i][1]} lies wholly {where} the cycle's horizon {window}, "
            "so the row is ignored; correct its periods or delete it"
        )

    return message


def canonical(
    values: Iterable[str], ids: frozenset[str], aliases: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The one rule by which a written name stands for a known id: the id itself; else the id
    spelled the same in another case; else the glossary term it is an alias of (`aliases`:
    lower-cased alias -> term, from Charter.aliases()), when that term is a known id in any
    case. Returns (value -> id, for the values that name an id without being one; the values
    that name none)."""
    # an id-defining table that holds ids differing only by case is an error (SOP401); even
    # then a value must name the same id on every run: of such ids the first in sorted order
    # is taken, never the one a set's hash order puts last
    lower: dict[str, str] = {}
    for i in sorted(ids):
        lower.setdefault(i.lower(), i)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for v in values:
        if v in ids:
            continue
        key = v.lower()
        target = lower.get(key) or (aliases.get(key) if aliases.get(key) in ids else None)
        if target is None and key in aliases:
            target = lower.get(aliases[key].lower())
        if target is not None:
            mapping[v] = target
        else:
            unknown.append(v)
    return mapping, sorted(unknown)


def in_current_terms(
    df: pl.DataFrame,
    ids: dict[str, frozenset[str]],
    aliases: dict[str, str],
    key: list[str] | None = None,
    value: str = "",
) -> pl.DataFrame:
    """A frame written under an earlier charter (another cycle's committed plan, the previous
    cycle's demand view) with its names in the current charter's words: in each column of
    `ids`, a value that is no current id but names one by case or through the current
    glossary (`canonical`: a segment renamed with its old name kept as an alias) becomes that
    id; any other value stays as written. Two rows may then share a key (two old segments
    merged into one): given the frame's `key` columns and its one `value` column (it holds
    no other), such rows become one, their values summed."""
    renamed = False
    for column, known in ids.items():
        if column not in df.columns:
            continue
        mapping, _ = canonical(df[column].drop_nulls().unique().to_list(), known, aliases)
        if mapping:
            df = df.with_columns(pl.col(column).replace(mapping))
            renamed = True
    if key is not None and renamed:
        df = df.group_by(key, maintain_order=True).agg(pl.col(value).sum())
    return df


def resolve_ids(
    out: Emitter,
    df: pl.DataFrame,
    column: str,
    ids: frozenset[str],
    aliases: dict[str, str],
    what: str,
    code: str,
    hint: str,
) -> pl.DataFrame:
    """Map values onto canonical ids (case and glossary aliases); flag the unknown ones."""
    mapping, unknown = canonical(df[column].drop_nulls().unique().to_list(), ids, aliases)
    if mapping:
        distinct_problems(
            out,
            df,
            column,
            sorted(mapping),
            "SOP406",
            lambda v, n: (
                f"'{show(v)}' ({_rows(n)}) was read as {what} '{mapping[v]}' through the "
                f"glossary or a different case; write '{mapping[v]}'"
            ),
        )
        df = df.with_columns(pl.col(column).replace(mapping))
    listed = ", ".join(show(i) for i in sorted(ids)[:8])
    shown = listed + (" ..." if len(ids) > 8 else "") or "none yet"
    distinct_problems(
        out,
        df,
        column,
        sorted(unknown),
        code,
        lambda v, n: f"unknown {what} '{show(v)}' ({_rows(n)}); {hint} (known: {shown})",
    )
    return df
