"""Starting points for `sopctl init --example NAME`: each is a function that returns files."""

from __future__ import annotations

from collections.abc import Callable

Files = dict[str, str]


def _minimal(cycle: str = "2026-12") -> Files:
    from .minimal import files

    return files(cycle)


# each takes the cycle id (YYYY-MM) to start with; tests use the default, 2026-12
EXAMPLES: dict[str, Callable[..., Files]] = {"minimal": _minimal}
