"""Commands: sopctl diff (the plan diff between two revisions). Imported by app.py, which they register on."""

from __future__ import annotations

from .app import app, state

__all__ = ["app", "state"]
