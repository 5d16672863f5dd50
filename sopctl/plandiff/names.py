"""Side A in side B's words: a segment or item renamed between the two sides (B's charter
glossary keeping the old name as an alias) is one series in the diff, not a removed one and an
added one (pure).

The rule is the one learn and `sopctl demand` read an earlier plan by (`tables.refs.canonical`,
as in `in_current_terms`): an id of side A that is no id of side B but names one by case or
through B's glossary stands for it. Side A's files may write an id as its own glossary or case
reads it, so a value is first read as A's id, then renamed. Rows of A that come to share a key
(two old names merged into one) become one row: quantities in units are added up; any other
value of such rows is shown as the distinct values written, `60; 65`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from ..schemas.charter import alias_map
from ..tables.refs import canonical
from ..tables.spec import Contract
from .outputs import PlanSnapshot

KINDS = ("segment", "item")
# columns in units: rows that merge add these up
QUANTITIES = frozenset(
    {
        "quantity",
        "ordered",
        "shipped",
        "produced",
        "on_hand",
        "safety_stock",
        "ending_target",
        "target",
        "uplift_units",
    }
)
# per segment in summary.json `service`: added up when segments merge
_SERVICE_SUMS = ("demand", "shipped", "on_time", "late", "lost_sales", "backlog_at_end")


def glossary(charter: Any) -> dict[str, str]:
    """Lower-cased alias (and term) -> term, from a charter read as plain YAML (the rule of
    `Charter.aliases`, `alias_map`); an entry that is not well formed is passed over."""
    entries = charter.get("glossary") if isinstance(charter, dict) else None
    pairs = []
    for entry in entries if isinstance(entries, list) else []:
        term = entry.get("term") if isinstance(entry, dict) else None
        if not isinstance(term, str) or not term.strip():
            continue
        aliases = entry.get("aliases")
        listed = aliases if isinstance(aliases, list) else []
        pairs.append((term, [a for a in listed if isinstance(a, str)]))
    return alias_map(pairs)


def segment_ids(charter: Any) -> frozenset[str]:
    segments = charter.get("segments") if isinstance(charter, dict) else None
    return frozenset(
        str(s["id"])
        for s in (segments if isinstance(segments, list) else [])
        if isinstance(s, dict) and s.get("id") is not None
    )


def item_ids(items: pl.DataFrame | None) -> frozenset[str]:
    if items is None or "item" not in items.columns:
        return frozenset()
    return frozenset(items["item"].drop_nulls().to_list())


@dataclass(frozen=True)
class Renames:
    """Side A's segment and item ids that side B names otherwise."""

    ids: dict[str, frozenset[str]]  # kind -> side A's ids
    aliases: dict[str, str]  # side A's glossary: how A's own files may write its ids
    to_b: dict[str, dict[str, str]]  # kind -> A's id -> B's id

    def __bool__(self) -> bool:
        return any(self.to_b.values())

    def mapping(self, kind: str, values: Iterable[str]) -> dict[str, str]:
        """Values written on side A -> B's name, for the values that name a renamed id."""
        renamed = self.to_b.get(kind)
        if not renamed:
            return {}
        values = list(values)
        read, _ = canonical(values, self.ids[kind], self.aliases)
        out = {}
        for v in values:
            target = renamed.get(read.get(v, v))
            if target is not None and target != v:
                out[v] = target
        return out

    def merges(self) -> bool:
        """Whether rows of A may come to share a key: two of A's ids now one of B's, or an id
        renamed into one A already had."""
        for kind, renamed in self.to_b.items():
            targets = list(renamed.values())
            if len(set(targets)) < len(targets) or set(targets) & self.ids[kind]:
                return True
        return False

    def note(self) -> str:
        pairs = [f"{k} {old} → {new}" for k in KINDS for old, new in sorted(self.to_b[k].items())]
        text = (
            "side A's names are read as side B's charter names them (its glossary keeps the "
            "old name as an alias): " + ", ".join(pairs)
        )
        return text + ("; rows that now share a key are added up" if self.merges() else "")


def renames(
    charter_a: Any, items_a: pl.DataFrame | None, charter_b: Any, items_b: pl.DataFrame | None
) -> Renames:
    """The ids of side A (charter segments, items.csv items) that side B's glossary renames."""
    ids_a = {"segment": segment_ids(charter_a), "item": item_ids(items_a)}
    ids_b = {"segment": segment_ids(charter_b), "item": item_ids(items_b)}
    words_b = glossary(charter_b)
    to_b = {k: canonical(sorted(ids_a[k]), ids_b[k], words_b)[0] for k in KINDS}
    return Renames(ids_a, glossary(charter_a), to_b)


def _kind(contract: Contract, column: str) -> str | None:
    ref = next((c.ref for c in contract.columns if c.name == column), None)
    if ref == "charter.segments":
        return "segment"
    if ref == "items.item" or (contract.name == "items" and column == "item"):
        return "item"
    return None


def table_in_b_words(frame: pl.DataFrame, contract: Contract, words: Renames) -> pl.DataFrame:
    """One input table of side A (all columns text) with its segment and item names in B's
    words; rows that then share the contract's key become one."""
    renamed = False
    for column in frame.columns:
        kind = _kind(contract, column)
        if kind is None:
            continue
        mapping = words.mapping(kind, frame[column].drop_nulls().unique().to_list())
        if mapping:
            frame = frame.with_columns(pl.col(column).replace(mapping))
            renamed = True
    key = list(contract.key)
    if not renamed or not key or not set(key) <= set(frame.columns):
        return frame
    shared = frame.select(pl.struct(key).is_duplicated()).to_series()
    if not shared.any():
        return frame
    merged = (
        frame.filter(shared)
        .group_by(key, maintain_order=True)
        .agg(*[_combined(c) for c in frame.columns if c not in key])
        .select(frame.columns)
    )
    return pl.concat([frame.filter(~shared), merged])


def _combined(column: str) -> pl.Expr:
    """The one value of rows that merge: a quantity's sum (as text, `12` or `12.5`); else
    the distinct values written, `60; 65` (one value when they agree)."""
    col = pl.col(column)
    written = pl.when(col.is_not_null().any()).then(
        col.drop_nulls().unique(maintain_order=True).str.join("; ")
    )
    if column not in QUANTITIES:
        return written.alias(column)
    x = col.cast(pl.Float64, strict=False)
    total = x.sum()
    text = (
        pl.when(total == total.round(0))
        .then(total.cast(pl.Int64).cast(pl.String))
        .otherwise(total.cast(pl.String))
    )
    not_numbers = (col.is_not_null() & x.is_null()).any()
    return pl.when(not_numbers).then(written).when(x.count() > 0).then(text).alias(column)


def plan_in_b_words(plan: PlanSnapshot, words: Renames) -> PlanSnapshot:
    """Side A's plan with B's names: the item and segment of each exception (one identity
    sums its quantities already) and the service per segment (merged segments: on time over
    demand of the two together)."""
    exceptions = plan.exceptions
    for column in KINDS:
        if column in exceptions.columns:
            values = exceptions[column].drop_nulls().unique().to_list()
            mapping = words.mapping(column, values)
            if mapping:
                exceptions = exceptions.with_columns(pl.col(column).replace(mapping))
    summary = dict(plan.summary)
    rows = summary.get("service")
    if isinstance(rows, list):
        summary["service"] = _service(rows, words)
    return PlanSnapshot(summary, plan.supply, exceptions)


def _service(rows: list[Any], words: Renames) -> list[Any]:
    named = [r for r in rows if isinstance(r, dict) and "segment" in r]
    mapping = words.mapping("segment", [str(r["segment"]) for r in named])
    if not mapping:
        return rows
    out: dict[str, dict[str, Any]] = {}
    for r in named:
        name = mapping.get(str(r["segment"]), str(r["segment"]))
        out[name] = _merged(out[name], r) if name in out else {**r, "segment": name}
    return list(out.values())


def _merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k in _SERVICE_SUMS:
        x, y = _number(a.get(k)), _number(b.get(k))
        out[k] = x + y if x is not None and y is not None else None
    demand, on_time = out["demand"], out["on_time"]
    if demand is None or on_time is None:
        out["service_level"] = None
    else:
        out["service_level"] = on_time / demand if demand > 0 else 1.0
    return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
