"""Totals rows: a row a spreadsheet user keeps under the data to sum it up ("Total", "Summe").

Such a row is no item, deal or series, yet it reads as one: a `Total` row of items.csv or
inventory.csv becomes an item with the column sums as its cost and stock, and in history.csv
it names an unknown item, whose message says to add it to items.csv. A row whose key's first
id column holds one of TOTAL_WORDS is therefore SOP210 at that row, and the row is left out
of every other check of the table, so no follow-on finding gives advice for it.
"""

from __future__ import annotations

import polars as pl

from .contracts import Contract
from .emit import Emitter
from .lines import LINE

# the word a spreadsheet or a person writes in the label cell of a totals row, in the
# languages sopctl's users save CSV files in; compared trimmed, case aside, a trailing ':'
# allowed (docs/formats.md lists them)
TOTAL_WORDS = (
    "total",
    "totals",
    "sum",
    "grand total",
    "summe",
    "gesamt",
    "total général",
    "totaal",
    "totale",
)
_LONGEST = max(len(w.encode()) for w in TOTAL_WORDS) + 1  # bytes, with the ':'


def label_column(contract: Contract) -> str | None:
    """The column a totals row names itself in: the key's first id column."""
    return next((k for k in contract.key if contract.column(k).dtype == "id"), None)


def drop_totals(out: Emitter, df: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """SOP210 for each row whose label column holds a totals word; the frame without them.
    The words are looked for among the distinct values (a hash pass, then a few strings)."""
    column = label_column(contract)
    if column is None or column not in df.columns:
        return df
    uniq = df[column].drop_nulls().unique()
    uniq = uniq.filter(uniq.str.len_bytes() <= _LONGEST)
    if not uniq.len():
        return df
    word = uniq.str.strip_chars().str.strip_chars_end(":").str.strip_chars().str.to_lowercase()
    hits = uniq.filter(word.is_in(TOTAL_WORDS))
    if not hits.len():
        return df
    is_total = pl.col(column).is_in(hits.implode())
    rows = df.filter(is_total)
    values = rows[column].to_list()
    out.rows(
        "SOP210",
        column,
        rows[LINE].to_list(),
        lambda i: (
            f"'{values[i]}' in column '{column}' marks a totals row, not data; delete the row "
            f"(sopctl adds up what it needs; do not add '{values[i]}' to another table)"
        ),
    )
    return df.filter(~is_total)
