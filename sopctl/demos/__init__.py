"""Starting points for `sopctl init --example NAME`: each is a function that returns files."""

from __future__ import annotations

from collections.abc import Callable

Files = dict[str, str]


def _minimal() -> Files:
    from .minimal import files

    return files()


EXAMPLES: dict[str, Callable[[], Files]] = {"minimal": _minimal}
