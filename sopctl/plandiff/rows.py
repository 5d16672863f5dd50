"""Rows of one table compared by the table's key (pure, vectorised: one outer join).

A row is identified by its key, never by its line: a reordered file is no change, a changed
value is shown as old → new per column. Numeric columns are compared as numbers, so `1200` and
`1200.0` are the same value; every other column is compared as (trimmed) text.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from .model import CellChange, Row, RowChange, TableDiff

_A = "\x00a"  # suffix of side A's value columns inside the joined frame
_B = "\x00b"
_IN_A = "\x00in_a"
_IN_B = "\x00in_b"
_CH = "\x00ch:"  # prefix of the per-column "changed" masks


def diff_rows(
    table: str,
    a: pl.DataFrame | None,
    b: pl.DataFrame | None,
    key: Iterable[str],
    numeric: Iterable[str] = (),
    limit: int = 10,
    file_a: str | None = None,
    file_b: str | None = None,
) -> TableDiff:
    """Compare two string frames of one table type by `key`.

    `a`/`b` are None when the side has no such table (not declared, missing or unreadable).
    Returns counts for the whole table and at most `limit` example rows of each kind.
    """
    key = tuple(key)
    out = TableDiff(table, file_a, file_b, key, "unchanged")
    if a is None and b is None:
        out.status = "unreadable"
        return out
    frames = [f for f in (a, b) if f is not None]
    usable = tuple(k for k in key if all(k in f.columns for f in frames))
    if usable != key:
        missing = [k for k in key if k not in usable]
        out.notes.append(
            f"key column(s) {', '.join(missing)} missing on a side; rows compared by "
            + (", ".join(usable) if usable else "their full content")
        )
        key = usable or tuple(sorted(set.intersection(*(set(f.columns) for f in frames))))
        out.key = key
    a = _dedupe(a, key, "A", out)
    b = _dedupe(b, key, "B", out)
    if a is None:
        assert b is not None
        out.status, out.added = "added", b.height
        out.added_rows = _rows(b.sort(key, nulls_last=True).head(limit))
        return out
    if b is None:
        out.status, out.removed = "removed", a.height
        out.removed_rows = _rows(a.sort(key, nulls_last=True).head(limit))
        return out
    values_a = [c for c in a.columns if c not in key]
    values_b = [c for c in b.columns if c not in key]
    out.columns_added = [c for c in values_b if c not in values_a]
    out.columns_removed = [c for c in values_a if c not in values_b]
    columns = values_b + out.columns_removed
    joined = _joined(a, b, key, values_a, values_b, columns, set(numeric))
    in_a, in_b = pl.col(_IN_A), pl.col(_IN_B)
    masks = [pl.col(_CH + c) for c in columns]
    any_change = pl.any_horizontal(masks) if masks else pl.lit(False)
    both = in_a & in_b
    counts = joined.select(
        (in_b & ~in_a).sum().alias("added"),
        (in_a & ~in_b).sum().alias("removed"),
        (both & any_change).sum().alias("changed"),
        (both & ~any_change).sum().alias("unchanged"),
        *[(both & m).sum().alias(c) for c, m in zip(columns, masks, strict=True)],
    ).row(0, named=True)
    out.added, out.removed = int(counts["added"]), int(counts["removed"])
    out.changed, out.unchanged = int(counts["changed"]), int(counts["unchanged"])
    out.changed_columns = {c: int(counts[c]) for c in columns if counts[c]}
    if out.added or out.removed or out.changed:
        out.status = "changed"
    ordered = joined.sort(key, nulls_last=True)
    side_b = [pl.col(c + _B).alias(c) for c in values_b]
    side_a = [pl.col(c + _A).alias(c) for c in values_a]
    out.added_rows = _rows(
        ordered.filter(in_b & ~in_a).head(limit).select(*[pl.col(k) for k in key], *side_b)
    )
    out.removed_rows = _rows(
        ordered.filter(in_a & ~in_b).head(limit).select(*[pl.col(k) for k in key], *side_a)
    )
    changed = ordered.filter(both & any_change).head(limit)
    for r in changed.iter_rows(named=True):
        cells = tuple(CellChange(c, r.get(c + _A), r.get(c + _B)) for c in columns if r[_CH + c])
        out.changes.append(RowChange({k: r[k] for k in key}, cells))
    return out


def _dedupe(
    frame: pl.DataFrame | None, key: tuple[str, ...], side: str, out: TableDiff
) -> pl.DataFrame | None:
    if frame is None or not key:
        return frame
    unique = frame.unique(subset=list(key), keep="first", maintain_order=True)
    if unique.height != frame.height:
        out.notes.append(
            f"side {side} repeats {frame.height - unique.height} key(s); the first row of each "
            "key is compared"
        )
    return unique


def _joined(
    a: pl.DataFrame,
    b: pl.DataFrame,
    key: tuple[str, ...],
    values_a: list[str],
    values_b: list[str],
    columns: list[str],
    numeric: set[str],
) -> pl.DataFrame:
    """Outer join on the key with one boolean 'changed' mask per value column."""
    left = a.select(
        *[pl.col(k).cast(pl.String) for k in key],
        *[pl.col(c).cast(pl.String).alias(c + _A) for c in values_a],
        pl.lit(True).alias(_IN_A),
    )
    right = b.select(
        *[pl.col(k).cast(pl.String) for k in key],
        *[pl.col(c).cast(pl.String).alias(c + _B) for c in values_b],
        pl.lit(True).alias(_IN_B),
    )
    joined = left.join(right, on=list(key), how="full", coalesce=True, nulls_equal=True)
    joined = joined.with_columns(pl.col(_IN_A).fill_null(False), pl.col(_IN_B).fill_null(False))
    masks = []
    for c in columns:
        old = pl.col(c + _A) if c in values_a else pl.lit(None, dtype=pl.String)
        new = pl.col(c + _B) if c in values_b else pl.lit(None, dtype=pl.String)
        same = old.eq_missing(new)
        if c in numeric:
            x, y = old.cast(pl.Float64, strict=False), new.cast(pl.Float64, strict=False)
            same = pl.when(x.is_not_null() & y.is_not_null()).then(x == y).otherwise(same)
        masks.append((~same).alias(_CH + c))
    return joined.with_columns(masks)


def _rows(frame: pl.DataFrame) -> list[Row]:
    return [{k: (None if v is None else str(v)) for k, v in r.items()} for r in frame.to_dicts()]
