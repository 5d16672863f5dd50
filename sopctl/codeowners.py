"""CODEOWNERS from the charter: who must review which files of a planning repository."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .findings import Finding

if TYPE_CHECKING:
    from .validate import Workspace


def codeowners_findings(ws: Workspace) -> list[Finding]:
    """Findings when the committed CODEOWNERS section differs from the charter's (none yet)."""
    del ws
    return []
