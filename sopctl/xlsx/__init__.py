"""Excel workbooks: `sopctl export xlsx` (export.py) and `sopctl import xlsx` (load.py).

The spreadsheet libraries are the optional extra `sopctl[excel]` (XlsxWriter writes,
openpyxl reads); without them these commands stop with a hint, and nothing else changes.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import UserError


def require(module: str) -> ModuleType:
    """Import an optional spreadsheet library or explain how to install it (exit 2)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UserError(
            f"the Excel commands need the Python package '{module}', which is not installed",
            hint="pip install 'sopctl[excel]'",
        ) from exc
