"""The repository: open it, who am I, is it clean, read a file at a revision, run git.

Pattern: guard (is this a repository, is the tree clean, who am I) → dry-run → act. Git
failures become GitError (a UserError, exit 2) with a hint, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GitError

if TYPE_CHECKING:
    import git

_FULL_SHA = re.compile(r"[0-9a-f]{40}")


def _git() -> Any:
    try:
        import git
    except ImportError as exc:  # GitPython raises ImportError when the git binary is missing
        raise GitError("git is not available", hint="install git and retry") from exc
    return git


def require_git() -> None:
    """GitError (exit 2) unless git can be run: checked before a command writes anything."""
    _git()


def init_repo(path: Path) -> None:
    """`git init` with main as the initial branch; an existing repository is left as it is."""
    g = _git()
    if (path / ".git").exists():
        return
    try:
        g.Repo.init(path, initial_branch="main")
    except g.GitCommandError as exc:
        raise GitError(f"git init failed: {exc.stderr.strip()}") from exc


def enclosing_work_tree(path: Path) -> Path | None:
    """The top of the git work tree that `path` (or, when it does not exist yet, its nearest
    existing parent) lies in; None outside any work tree (a bare repository, a .git folder or
    a repository git refuses count as none)."""
    import subprocess

    here = path.absolute()
    while not here.is_dir() and here != here.parent:
        here = here.parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=here,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    top = done.stdout.strip()
    return Path(top) if done.returncode == 0 and top else None


DUBIOUS = "detected dubious ownership"
_ACCEPTED: set[tuple[str, str]] = set()  # repositories git has accepted in this process


def git_failure(what: str, err: str, out: str = "", status: int | str = "") -> GitError:
    """A failed git command as a GitError that says what to change: the known causes (the
    repository owned by another user, a left-over index.lock) get their own words and hint;
    otherwise git's error lines (`fatal:`, `error:`), else its last line."""
    text = (err.strip() or out.strip()).replace("\r", "")
    if DUBIOUS in text:
        where = text.split("repository at '", 1)[-1].split("'", 1)[0] if "at '" in text else "."
        return GitError(
            "git refuses this repository: detected dubious ownership (owned by another user)",
            hint=f"if you trust it, run: git config --global --add safe.directory {where}",
        )
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    said = [ln for ln in lines if ln.startswith(("fatal:", "error:"))] or lines[-3:]
    message = f"{what} failed: {'; '.join(said) if said else f'exit status {status}'}"
    if "index.lock" in text:
        return GitError(
            message,
            hint="another git process is running in this repository; "
            "if none is, delete .git/index.lock",
        )
    return GitError(message)


def _accept(repo: git.Repo) -> None:
    """Fail early, with the cause, when git itself refuses the repository GitPython opened
    (e.g. safe.directory): otherwise GitPython's reads die with a broken pipe or look like an
    empty repository. Checked once per repository and process (the environment variable is
    the one git's test suite uses to simulate another owner)."""
    import os

    key = (str(repo.git_dir), os.environ.get("GIT_TEST_ASSUME_DIFFERENT_OWNER", ""))
    if key in _ACCEPTED:
        return
    g = _git()
    try:
        status, out, err = repo.git.execute(
            ["git", "rev-parse", "--git-dir"], with_extended_output=True, with_exceptions=False
        )
    except (g.CommandError, OSError) as exc:
        raise GitError(f"git failed: {exc}", hint="install git and retry") from exc
    if status != 0:
        raise git_failure("git", str(err), str(out), status)
    _ACCEPTED.add(key)


def open_repo(root: Path) -> git.Repo:
    """The git repository that holds `root` (the planning repository may be a subfolder)."""
    g = _git()
    try:
        repo: git.Repo = g.Repo(root, search_parent_directories=True)
    except (g.InvalidGitRepositoryError, g.NoSuchPathError) as exc:
        raise GitError(
            f"{root} is not inside a git repository",
            hint="run 'git init' there, or create the planning repo with 'sopctl init'",
        ) from exc
    _accept(repo)
    return repo


def user_email(root: Path) -> str:
    """The committer's e-mail as git resolves it (environment, then config)."""
    repo = open_repo(root)
    g = _git()
    try:
        ident = str(repo.git.var("GIT_COMMITTER_IDENT"))
    except g.GitCommandError:
        ident = ""
    email = (ident[ident.find("<") + 1 : ident.find(">")] if "<" in ident else "").strip()
    if not email:
        raise GitError(
            "git has no user.email",
            hint="set it with: git config user.email you@example.com",
        )
    # what a commit record can hold: one address, nothing invisible (a control character or
    # a BOM would be recorded as the approver's or tagger's name for good)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", email) or not email.isprintable():
        shown = "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in email)
        raise GitError(
            f"git's user.email '{shown}' is not one address"
            " (name@domain, no spaces or control characters)",
            hint="set it with: git config user.email you@example.com",
        )
    return email.lower()


def is_dirty(root: Path) -> bool:
    """Uncommitted changes, staged or not, or untracked files that git does not ignore."""
    return bool(open_repo(root).is_dirty(untracked_files=True))


def head(root: Path) -> str:
    repo = open_repo(root)
    try:
        return str(repo.head.commit.hexsha)
    except ValueError as exc:
        raise GitError("the repository has no commit yet", hint="commit the plan first") from exc


def show_file(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to the repository top) at `rev`, or None if absent."""
    repo = open_repo(root)
    # git, not GitPython, reads the revision: GitPython's own parser fails on some of git's
    # syntax (a reflog selector git cannot resolve, '@{-1}', raises IndexError)
    sha = rev if _FULL_SHA.fullmatch(rev) else resolve_commit(root, rev)
    g = _git()
    try:
        if sha is None:
            raise ValueError(rev)
        commit = repo.commit(sha)
    except (ValueError, g.BadName, g.BadObject) as exc:
        raise GitError(f"unknown revision '{rev}'", hint="name a commit or a tag") from exc
    try:
        blob = commit.tree / path
    except KeyError:
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
        failure = git_failure(what, str(err), str(out), status)
        if hint and failure.hint is None:
            failure.hint = hint
        raise failure
    return int(status or 0), str(out), str(err)


def git_dir(root: Path) -> Path:
    """The repository's common git folder (shared by all its worktrees): locks live here."""
    return Path(open_repo(root).common_dir)


def dirty_paths(root: Path) -> list[str]:
    """Paths with uncommitted changes or untracked (not ignored) files, as `git status` shows."""
    _, out, _ = _call(root, ["status", "--porcelain=v1"], "git status")
    return [line[3:] for line in out.splitlines() if len(line) > 3]


def uncommitted(root: Path, files: list[Path]) -> dict[Path, str]:
    """Of `files`, those git could not give back as they are now: "untracked", or "changed"
    (staged or not) against HEAD. Outside a git repository: none can be told, {}."""
    try:
        top = Path(open_repo(root).working_tree_dir or root).resolve()
    except GitError:
        return {}
    rel: dict[str, Path] = {}
    for f in files:
        try:
            rel[f.resolve().relative_to(top).as_posix()] = f
        except ValueError:  # outside the repository
            continue
    if not rel:
        return {}
    _, out, _ = _call(root, ["status", "--porcelain=v1", "-z", "-uall", "--", *rel], "git status")
    found: dict[Path, str] = {}
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename or copy: the next entry is where it came from
            next(entries, None)
        if path in rel:
            found[rel[path]] = "untracked" if code == "??" else "changed"
    return found


def untracked(root: Path, paths: list[str]) -> list[str]:
    """Which of `paths` (relative to the repository top) git does not track."""
    if not paths:
        return []
    _, out, _ = _call(root, ["ls-files", "-z", "--", *paths], "git ls-files")
    tracked = set(out.split("\0"))
    return [p for p in paths if p not in tracked]


def ignored(root: Path, paths: list[str]) -> list[str]:
    """Which of `paths` (relative to the repository top) git ignores (.gitignore, exclude)."""
    if not paths:
        return []
    args = ["-c", "core.quotePath=false", "check-ignore", "--", *paths]  # names as they are
    _, out, _ = _call(root, args, "git check-ignore", None, False)
    found = set(out.splitlines())
    return [p for p in paths if p in found]


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


def is_shallow(root: Path) -> bool:
    """Whether the clone is shallow (history cut off, e.g. actions/checkout's fetch-depth 1)."""
    _, out, _ = _call(root, ["rev-parse", "--is-shallow-repository"], "git rev-parse")
    return out.strip() == "true"


def shallow_commits(root: Path) -> set[str]:
    """The commits of a shallow clone whose parents are cut off (empty when not shallow)."""
    if not is_shallow(root):
        return set()
    _, out, _ = _call(root, ["rev-parse", "--git-path", "shallow"], "git rev-parse")
    path = Path(out.strip())
    if not path.is_absolute():
        path = repo_top(root) / path
    try:
        return set(path.read_text(encoding="ascii").split())
    except OSError:
        return set()


def remote_default(root: Path, remote: str) -> str | None:
    """The branch `<remote>/HEAD` points at, as `origin/main`; None when the clone has no such
    symbolic ref (actions/checkout fetches branches without it)."""
    status, out, _ = _call(
        root,
        ["symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD"],
        "git symbolic-ref",
        None,
        False,
    )
    return out.strip() if status == 0 and out.strip() else None


def branch(root: Path) -> str | None:
    """The branch HEAD is on (refs/heads/ stripped), or None on a detached HEAD."""
    status, out, _ = _call(
        root, ["symbolic-ref", "--quiet", "--short", "HEAD"], "git symbolic-ref", None, False
    )
    return out.strip() if status == 0 and out.strip() else None
