"""Paths of a check result as the forge reads them: from the top of the git repository.

Findings carry paths relative to the planning repository (`cycles/2026-12/...`), which is what
`sopctl validate` and the other commands print and what a person types after `cd planning`.
GitHub resolves an annotation's `file=` (and shows JUnit and step-summary paths) from the top of
the git repository, so for a planning repository in a subfolder (`path: planning` in the action)
the machine formats of `sopctl check` (github, json, junit, markdown) get the subfolder in front:
`planning/cycles/2026-12/...` — the paths `sopctl codeowners` writes, without the leading `/`.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from ..findings import Finding
from .engine import CheckResult, RepoResult


def top_path(prefix: str, path: str) -> str:
    """`path` (relative to the planning repository) relative to the top of the git repository;
    a path that leaves the planning repository (`../.github/CODEOWNERS`) comes out normalised."""
    if not prefix:
        return path
    return posixpath.normpath(prefix + path)


def _findings(prefix: str, fs: list[Finding]) -> list[Finding]:
    return [replace(f, path=top_path(prefix, f.path)) for f in fs]


def from_top(result: CheckResult, prefix: str) -> CheckResult:
    """A copy of `result` whose finding and checked-file paths start at the top of the git
    repository (`prefix` is the planning repository's folder in it: '' or 'planning/')."""
    if not prefix:
        return result
    cycles = [
        replace(
            c,
            policies={p: _findings(prefix, fs) for p, fs in c.policies.items()},
            checked_files=[top_path(prefix, p) for p in c.checked_files],
        )
        for c in result.cycles
    ]
    repo = result.repository
    shifted: RepoResult | None = None
    if repo is not None:
        shifted = replace(
            repo, policies={p: _findings(prefix, fs) for p, fs in repo.policies.items()}
        )
    return replace(result, cycles=cycles, repository=shifted)
