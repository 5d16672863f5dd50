"""Every git call sopctl makes, behind small typed functions (GitPython, imported lazily)."""

from __future__ import annotations

from pathlib import Path

from .errors import GitError


def init_repo(path: Path) -> None:
    """`git init` with main as the initial branch; an existing repository is left as it is."""
    try:
        import git
    except ImportError as exc:  # GitPython raises ImportError when the git binary is missing
        raise GitError("git is not available", hint="install git and retry") from exc
    if (path / ".git").exists():
        return
    try:
        git.Repo.init(path, initial_branch="main")
    except git.GitCommandError as exc:
        raise GitError(f"git init failed: {exc.stderr.strip()}") from exc
