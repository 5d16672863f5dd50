"""The rows one commit changed in an input file: compared with the plan diff's row engine
(`plandiff.rows.diff_rows`, by the table's key), each located at its physical line in the
checked (HEAD) version of the file and, when removed, at its line before."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..plandiff.rows import diff_rows
from ..tables.contracts import CONTRACTS
from .model import Row, RowEdit

if TYPE_CHECKING:
    import polars as pl

    from .. import vcs

MAX_BYTES = 1024 * 2**20
Key = tuple[str | None, ...]


def read_frame(data: bytes | None, table: str, shown: str) -> pl.DataFrame | None:
    """A CSV's bytes as the plan diff's frame of strings (with the line column), or None,
    also when rows could not be split into fields (SOP206): its rows are not known yet, so
    the file is compared in the last version that parsed."""
    from ..tables.csvread import read_raw

    if data is None:
        return None
    contract = CONTRACTS[table]
    with tempfile.TemporaryDirectory(prefix="sopctl-check-") as tmp:
        path = Path(tmp) / "table.csv"
        path.write_bytes(data)
        raw, _ = read_raw(path, shown, set(contract.names), MAX_BYTES)
    return raw.frame if raw is not None and not raw.dropped else None


def _key(row: dict[str, Any], key: tuple[str, ...]) -> Key:
    return tuple(None if row.get(k) is None else str(row[k]) for k in key)


def _rows_by_key(frame: pl.DataFrame | None, key: tuple[str, ...]) -> dict[Key, Row]:
    from ..tables.csvread import LINE

    out: dict[Key, Row] = {}
    if frame is None:
        return out
    for r in frame.to_dicts():
        out.setdefault(
            _key(r, key), {k: (None if v is None else str(v)) for k, v in r.items() if k != LINE}
        )
    return out


def _lines(frame: pl.DataFrame | None, key: tuple[str, ...]) -> dict[Key, int]:
    from ..tables.csvread import LINE

    out: dict[Key, int] = {}
    if frame is None or LINE not in frame.columns:
        return out
    for r in frame.to_dicts():
        out.setdefault(_key(r, key), int(r[LINE]))
    return out


class Head:
    """The checked-out version of each input file, read once: key → physical line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[tuple[str, tuple[str, ...]], dict[Key, int]] = {}

    def line(self, shown: str, table: str, key: tuple[str, ...], k: Key) -> int:
        if (shown, key) not in self.cache:
            path = self.root / shown
            data = path.read_bytes() if path.is_file() else None
            self.cache[(shown, key)] = _lines(read_frame(data, table, shown), key)
        return self.cache[(shown, key)].get(k, 0)


def row_edits(
    a: pl.DataFrame | None,
    b: pl.DataFrame | None,
    table: str,
    file: str,
    shown: str,
    head: Head,
    commit: vcs.CommitChange,
) -> list[RowEdit]:
    """The rows one commit added, changed or removed in one input file (its frames before and
    after, by `_frame`; None for a file that is not there)."""
    from ..tables.csvread import LINE

    contract = CONTRACTS[table]
    numeric = [c.name for c in contract.columns if c.dtype in ("int", "float")]
    size = (a.height if a is not None else 0) + (b.height if b is not None else 0)
    d = diff_rows(
        table,
        a.drop(LINE) if a is not None else None,
        b.drop(LINE) if b is not None else None,
        contract.key,
        numeric,
        max(size, 1),
    )
    key = d.key
    olds, news = _rows_by_key(a, key), _rows_by_key(b, key)
    was: dict[Key, int] = {}
    if a is not None:
        for r in a.to_dicts():
            was.setdefault(_key(r, key), int(r[LINE]))
    keyed = [("added", r) for r in d.added_rows] + [("removed", r) for r in d.removed_rows]
    keyed += [("changed", dict(c.key)) for c in d.changes]
    out = []
    for kind, r in keyed:
        k = _key(r, key)
        out.append(
            RowEdit(
                table,
                file,
                shown,
                {n: r.get(n) for n in key},
                kind,
                olds.get(k),
                news.get(k),
                head.line(shown, table, key, k),
                commit.sha,
                commit.author,
                was.get(k, 0),
            )
        )
    return out
