"""Signal: the demand view of a cycle (baseline, pipeline, promotions, renewals, overrides).

`build_demand(ws, previous=None) -> DemandResult` is pure: it reads a loaded Workspace and
returns frames and findings; it writes no files and touches no clock, terminal or git.
"""

from __future__ import annotations

from .engine import COMPONENTS, DemandResult, build_demand

__all__ = ["COMPONENTS", "DemandResult", "build_demand"]
