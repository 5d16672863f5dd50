"""Commands: sopctl check (CI on plan pull requests).

Imported at the end of app.py; each command registers itself on `app`.
"""

from __future__ import annotations

from .app import app, state

__all__ = ["app", "state"]
