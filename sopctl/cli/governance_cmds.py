"""Commands: sopctl approve, sopctl actions and sopctl status (Commit and Execute). Imported by app.py, which they register on."""

from __future__ import annotations

from .app import app, state

__all__ = ["app", "state"]
