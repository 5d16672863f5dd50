"""Names of the current charter read in the learned tag's words.

A planner keeps one actuals folder, written in the names the charter uses now. Learning a tag
committed before a rename (`term: core, aliases: [standard]` added since), its plan knows
`standard` only; the actuals say `core`. The current charter (`charters/<name>.yaml` in the
working tree, where the actuals are read too) ties the two: a name the tag does not know (not
its id, in any case, nor its glossary's alias) counts for the tag's name when the current
glossary has both in one entry (as its term or aliases) and that entry holds no other name the
tag knows. Two of the tag's names in one entry (segments merged since) cannot be told apart:
the current name stays unknown. Later tags' plans (the lags) are read by the same rule, so
everything learn joins is in the tag's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..findings import Severity
from ..schemas.charter import Charter
from ..tables.emit import Emitter, distinct_problems
from ..tables.refs import canonical
from ..workspace import load_model

# actuals column reference -> the kind of name
KINDS = {"charter.segments": "segment", "items.item": "item"}


@dataclass(frozen=True)
class Word:
    name: str  # the tag's id
    term: str  # the current glossary entry that ties the two


@dataclass(frozen=True)
class CurrentWords:
    """Per kind: lower-cased current name -> the tag's id it counts for."""

    tag: str
    kinds: dict[str, dict[str, Word]] = field(default_factory=dict)

    def aliases(self) -> dict[str, str]:
        """As a glossary (lower-cased name -> the tag's id), for `in_current_terms`."""
        return {n: w.name for kind in self.kinds.values() for n, w in kind.items()}

    def apply(self, out: Emitter, df: pl.DataFrame, column: str, ref: str | None) -> pl.DataFrame:
        """`column` of an actuals table with the current names the tag knows otherwise
        replaced by the tag's; one info (SOP406) per name at its first row."""
        words = self.kinds.get(KINDS.get(ref or "", ""), {})
        if not words or column not in df.columns:
            return df
        values = df[column].drop_nulls().unique().to_list()
        mapping = {v: words[v.lower()] for v in values if v.lower() in words}
        if not mapping:
            return df
        what = KINDS[ref or ""]
        distinct_problems(
            out,
            df,
            column,
            sorted(mapping),
            "SOP406",
            lambda v, n: (
                f"'{v}' ({'1 row' if n == 1 else f'{n} rows'}) is read as {what} "
                f"'{mapping[v].name}', its name in {self.tag}: the current charter's glossary "
                f"has both in one entry (term '{mapping[v].term}')"
            ),
            Severity.INFO,
        )
        return df.with_columns(pl.col(column).replace({v: w.name for v, w in mapping.items()}))


def current_words(
    base: Path,
    charter: str,
    tag: str,
    ids: dict[str, frozenset[str]],
    tag_aliases: dict[str, str],
) -> CurrentWords:
    """The names of the working tree's `charters/<charter>.yaml` glossary that the tag (its
    ids per kind, `segment` and `item`, and its glossary) reads otherwise; none when that
    charter cannot be read."""
    current, _, _ = load_model(base, base / "charters" / f"{charter}.yaml", Charter)
    if current is None:
        return CurrentWords(tag)
    entries: dict[str, list[str]] = {}  # term -> its lower-cased names, the term's own first
    for name, term in current.aliases().items():
        entries.setdefault(term, []).append(name)
    kinds: dict[str, dict[str, Word]] = {}
    for kind, known in ids.items():
        found: dict[str, Word] = {}
        for term, names in entries.items():
            read, _ = canonical(names, known, tag_aliases)
            mine = {read.get(n, n) for n in names if n in known or n in read}
            if len(mine) != 1:
                continue
            word = Word(mine.pop(), term)
            found |= {n: word for n in names if n not in known and n not in read}
        kinds[kind] = found
    return CurrentWords(tag, kinds)
