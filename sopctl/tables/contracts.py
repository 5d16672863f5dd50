"""One contract per CSV table type, declared once.

The same declarations drive validation (`tables.check`), the column reference in
`docs/tables.md` and the JSON description written by `sopctl schema`.
"""

from __future__ import annotations

from .demand_tables import TABLES as DEMAND
from .learn_tables import TABLES as LEARN
from .spec import Column, Contract, DType, PeriodScope, Rule
from .supply_tables import TABLES as SUPPLY

__all__ = ["CONTRACTS", "Column", "Contract", "DType", "PeriodScope", "Rule"]

CONTRACTS: dict[str, Contract] = {c.name: c for c in (*DEMAND, *SUPPLY, *LEARN)}
