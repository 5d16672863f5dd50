"""The repository: open it, who am I, is it clean, read a file at a revision, run git.

Pattern: guard (is this a repository, is the tree clean, who am I) → dry-run → act. Git
failures become GitError (a UserError, exit 2) with a hint, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GitError

if TYPE_CHECKING:
    import git


def _git() -> Any:
    try:
        import git
    except ImportError as exc:  # GitPython raises ImportError when the git binary is missing
        raise GitError("git is not available", hint="install git and retry") from exc
    return git


def init_repo(path: Path) -> None:
    """`git init` with main as the initial branch; an existing repository is left as it is."""
    g = _git()
    if (path / ".git").exists():
        return
    try:
        g.Repo.init(path, initial_branch="main")
    except g.GitCommandError as exc:
        raise GitError(f"git init failed: {exc.stderr.strip()}") from exc


def open_repo(root: Path) -> git.Repo:
    """The git repository that holds `root` (the planning repository may be a subfolder)."""
    g = _git()
    try:
        repo: git.Repo = g.Repo(root, search_parent_directories=True)
        return repo
    except (g.InvalidGitRepositoryError, g.NoSuchPathError) as exc:
        raise GitError(
            f"{root} is not inside a git repository",
            hint="run 'git init' there, or create the planning repo with 'sopctl init'",
        ) from exc


def user_email(root: Path) -> str:
    """The committer's e-mail as git resolves it (environment, then config)."""
    repo = open_repo(root)
    g = _git()
    try:
        ident = str(repo.git.var("GIT_COMMITTER_IDENT"))
    except g.GitCommandError:
        ident = ""
    email = ident[ident.find("<") + 1 : ident.find(">")] if "<" in ident else ""
    if not email or "@" not in email:
        raise GitError(
            "git has no user.email",
            hint="set it with: git config user.email you@example.com",
        )
    return email.strip().lower()


def is_dirty(root: Path) -> bool:
    """Uncommitted changes, staged or not, or untracked files that git does not ignore."""
    return bool(open_repo(root).is_dirty(untracked_files=True))


def head(root: Path) -> str:
    repo = open_repo(root)
    try:
        return str(repo.head.commit.hexsha)
    except ValueError as exc:
        raise GitError("the repository has no commit yet", hint="commit the plan first") from exc


def commit_paths(root: Path, paths: list[Path], message: str) -> str:
    """Stage exactly `paths` and commit them; returns the new commit's sha."""
    repo = open_repo(root)
    work = Path(repo.working_tree_dir or root)
    rel = [str(p.resolve().relative_to(work.resolve())) for p in paths]
    g = _git()
    try:
        repo.index.add(rel)
        commit = repo.index.commit(message)
    except (g.GitCommandError, OSError) as exc:
        raise GitError(f"git commit failed: {exc}") from exc
    return str(commit.hexsha)


def show_file(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to the repository top) at `rev`, or None if absent."""
    repo = open_repo(root)
    g = _git()
    try:
        blob = repo.commit(rev).tree / path
    except (KeyError, ValueError, g.BadName) as exc:
        if isinstance(exc, g.BadName | ValueError) and not isinstance(exc, KeyError):
            raise GitError(f"unknown revision '{rev}'", hint="name a commit or a tag") from exc
        return None
    data: bytes = blob.data_stream.read()
    return data


def repo_top(root: Path) -> Path:
    """The top folder of the git repository holding `root`."""
    repo = open_repo(root)
    return Path(repo.working_tree_dir or root)


def _call(
    root: Path, args: list[str], what: str, hint: str | None = None, check: bool = True
) -> tuple[int, str, str]:
    """Run `git ARGS` at the top of the repository: (status, stdout, stderr)."""
    repo = open_repo(root)
    g = _git()
    try:
        status, out, err = repo.git.execute(
            ["git", *args],
            with_extended_output=True,
            with_exceptions=False,
            strip_newline_in_stdout=False,
        )
    except (g.CommandError, OSError) as exc:
        raise GitError(f"{what} failed: {exc}", hint=hint) from exc
    if check and status != 0:
        text = str(err).strip() or str(out).strip()
        raise GitError(f"{what} failed: {text.splitlines()[-1] if text else status}", hint=hint)
    return int(status or 0), str(out), str(err)


def git_dir(root: Path) -> Path:
    """The repository's common git folder (shared by all its worktrees): locks live here."""
    return Path(open_repo(root).common_dir)


def dirty_paths(root: Path) -> list[str]:
    """Paths with uncommitted changes or untracked (not ignored) files, as `git status` shows."""
    _, out, _ = _call(root, ["status", "--porcelain=v1"], "git status")
    return [line[3:] for line in out.splitlines() if len(line) > 3]


def untracked(root: Path, paths: list[str]) -> list[str]:
    """Which of `paths` (relative to the repository top) git does not track."""
    if not paths:
        return []
    _, out, _ = _call(root, ["ls-files", "-z", "--", *paths], "git ls-files")
    tracked = set(out.split("\0"))
    return [p for p in paths if p not in tracked]


def resolve_commit(root: Path, rev: str) -> str | None:
    """The full sha of the commit `rev` names, or None when it names no commit."""
    status, out, _ = _call(
        root,
        ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        "git rev-parse",
        None,
        False,
    )
    return out.strip() if status == 0 and out.strip() else None
