"""Commands: sopctl diff (the plan diff between two revisions).

Imported at the end of app.py; each command registers itself on `app`.
"""

from __future__ import annotations

from .app import app, state

__all__ = ["app", "state"]
