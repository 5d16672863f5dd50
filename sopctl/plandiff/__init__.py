"""The plan diff: two revisions of a cycle compared on inputs (by table key), YAML (by key
path) and the reconciled plan (demand, production, service, finance, exceptions).

Pure comparison in `rows`, `yamldiff` and `outputs`, and side A read in side B's words across
a rename in `names`; the edge (git, temporary folders, solving) in `sides`; `engine.plan_diff`
ties them together. Renderers: `markdown`, `PlanDiff.to_json`,
and the Rich view in `sopctl.cli.diff_cmd`.
"""

from __future__ import annotations

__all__ = ["plan_diff"]

from .engine import plan_diff
