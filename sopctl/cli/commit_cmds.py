"""Commands: sopctl tag, sopctl verify and sopctl log (commit records as git tags). Imported by app.py, which they register on."""

from __future__ import annotations

from .app import app, state

__all__ = ["app", "state"]
