"""Bounds shared by the commands' options (Click checks them before a command runs)."""

from __future__ import annotations

# every count of rows or findings shown (--top, --rows, --max-per-file): a terminal shows far
# fewer, and a larger number would overflow the data libraries after outputs were written
COUNT_MAX = 1_000_000
