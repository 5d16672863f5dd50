"""What every Learn section works on: the committed plan, the tagged inputs, the actuals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .. import periods
from ..schemas.charter import Charter
from .actuals import COMPARED_PERIOD, Actuals
from .committed import Committed
from .rules import Rules

KEY = ["item", "segment", "period"]


@dataclass
class LearnInputs:
    target: Committed
    charter: Charter  # as committed (at the tag)
    tables: dict[str, pl.DataFrame]  # tagged input tables by type (typed, as validated)
    actuals: Actuals
    rules: Rules
    others: list[Committed] = field(default_factory=list)  # other cycles' tags, for lags
    # item, period, unit_cost: the tagged standard cost per horizon period (sopctl.costs)
    unit_costs: pl.DataFrame | None = None

    @property
    def labels(self) -> list[str]:
        return self.target.periods()

    def plan(self, name: str) -> pl.DataFrame | None:
        return self.target.frames.get(name)

    def table(self, name: str) -> pl.DataFrame | None:
        df = self.tables.get(name)
        return df if df is not None and df.height else None

    def in_horizon(self, df: pl.DataFrame, column: str = "period") -> pl.DataFrame:
        """Rows whose period lies in the committed horizon."""
        return df.filter(pl.col(column).is_in(self.labels))

    def lacking(self, default: str, *tables: str) -> str:
        """Why a section has no actuals: `default` (which file to add), unless files of
        `tables` were given and none holds a row inside the committed horizon."""
        given = [t for t in tables if t in self.actuals.files]
        inside = (self.in_horizon(self.actuals.tables[t], COMPARED_PERIOD[t]) for t in given)
        if not given or any(df.height for df in inside):
            return default
        names = " and ".join(Path(self.actuals.files[t]).name for t in given)
        labels = self.labels
        return (
            f"no actuals in the committed horizon {labels[0]}..{labels[-1]}: "
            f"{names} {'has' if len(given) == 1 else 'have'} no row inside it"
        )

    def ordinal(self, label: str) -> int:
        n = periods.to_ordinal(label, self.target.bucket)
        assert n is not None
        return n


def observed(df: pl.DataFrame | None, labels: list[str], column: str = "period") -> list[str]:
    """Horizon periods for which a table holds at least one row: the periods it reports on.
    Inside such a period a series without a row had 0 (no orders, nothing produced ...)."""
    if df is None or column not in df.columns:
        return []
    seen = set(df[column].drop_nulls().unique().to_list())
    return [p for p in labels if p in seen]
