"""Signal: the demand view of a cycle (baseline, pipeline, promotions, renewals, overrides).

`build_demand(ws, previous=None) -> DemandResult` is pure: it reads a loaded Workspace and
returns frames and findings; it writes no files and touches no clock, terminal or git.

The engine is imported on first use, so `sopctl validate` can check override rights
(`signal.rights`) without loading the forecast methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import COMPONENTS, DemandResult, build_demand

__all__ = ["COMPONENTS", "DemandResult", "build_demand"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
