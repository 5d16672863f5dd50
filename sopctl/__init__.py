"""sopctl: git-native Sales & Operations Planning.

The public library API is imported lazily so that `sopctl --help` stays fast.
"""

from __future__ import annotations

# typing is not imported at run time: the program imports this package before it can catch
# Ctrl-C (see cli/entry.py), so the package loads nothing more than it must
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = ["Report", "Workspace", "__version__", "load_workspace", "validate"]


def __getattr__(name: str) -> Any:
    if name in {"load_workspace", "validate", "Workspace"}:
        from . import validate as _v

        return getattr(_v, name)
    if name == "Report":
        from .findings import Report

        return Report
    raise AttributeError(name)
