"""Every git call sopctl makes, behind small typed functions (GitPython, imported lazily).

Pattern: guard (is this a repository, is the tree clean, who am I) → dry-run → act. Git
failures become GitError (a UserError, exit 2) with a hint, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import GitError

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


# --- the commit step: tags, temporary worktrees, history (sopctl tag / verify / log) ---

SIGNATURE_STARTS = (
    "-----BEGIN PGP SIGNATURE-----",
    "-----BEGIN SSH SIGNATURE-----",
    "-----BEGIN SIGNED MESSAGE-----",
)


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


def tag_names(root: Path, pattern: str, points_at: str | None = None) -> list[str]:
    """Tag names matching the glob `pattern` (optionally only those pointing at a commit)."""
    args = ["tag", "--list", pattern] + (["--points-at", points_at] if points_at else [])
    _, out, _ = _call(root, args, "git tag --list")
    return [line.strip() for line in out.splitlines() if line.strip()]


def create_tag(
    root: Path, name: str, commit: str, message: str, sign: bool = False, dry_run: bool = False
) -> None:
    """Create the annotated (or, with `sign`, signed) tag `name` at `commit`; the message is
    stored verbatim. Git refuses an existing name, so two racing writers cannot both win."""
    if resolve_commit(root, commit) is None:
        raise GitError(f"cannot tag '{commit}': no such commit")
    if dry_run:
        return
    import tempfile

    fd, msg = tempfile.mkstemp(prefix="sopctl-tag-", suffix=".txt", dir=git_dir(root))
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(message)
        args = ["tag", "-s" if sign else "-a", "--cleanup=verbatim", "-F", msg, name, commit]
        status, out, err = _call(root, args, "git tag", check=False)
    finally:
        Path(msg).unlink(missing_ok=True)
    text = (err.strip() or out.strip()).splitlines()
    last = text[-1] if text else f"exit status {status}"
    if status == 0 and sign and not read_tag(root, name).signature:
        # some git versions warn and still write an unsigned tag when the key cannot be used
        _call(root, ["tag", "-d", name], "git tag -d")
        status = 1
    if status == 0:
        return
    if "already exists" in err:
        raise GitError(f"tag {name} already exists", hint="another sopctl tag created it first")
    hint = (
        "check user.signingkey and gpg.format (openpgp or ssh) in your git config" if sign else None
    )
    raise GitError(f"git tag {name} failed: {last}", hint=hint)


@dataclass(frozen=True)
class TagInfo:
    """An annotated tag as stored: target commit, tagger, date, message and signature."""

    name: str
    commit: str
    tagger: str  # "Name <email>"
    timestamp: int  # seconds since the epoch
    offset: str  # "+0100"
    message: str  # without the signature block
    signature: str  # "" when unsigned

    @property
    def email(self) -> str:
        t = self.tagger
        return t[t.find("<") + 1 : t.find(">")].strip().lower() if "<" in t else ""


def _parse_tag(name: str, raw: bytes) -> TagInfo | None:
    text = raw.decode("utf-8", errors="replace")
    head, _, body = text.partition("\n\n")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        key, _, value = line.partition(" ")
        fields.setdefault(key, value)
    if fields.get("type") != "commit":
        return None
    tagger, stamp, offset = fields.get("tagger", ""), 0, "+0000"
    parts = tagger.rsplit(" ", 2)
    if len(parts) == 3 and parts[1].isdigit():
        tagger, stamp, offset = parts[0], int(parts[1]), parts[2]
    cut = min((i for s in SIGNATURE_STARTS if (i := body.find("\n" + s)) >= 0), default=-1)
    if body.startswith(SIGNATURE_STARTS):
        cut = 0
    message, signature = (body, "") if cut < 0 else (body[: cut + 1], body[cut + 1 :])
    return TagInfo(name, fields.get("object", ""), tagger, stamp, offset, message, signature)


def _tag_info(repo: git.Repo, name: str) -> TagInfo | None:
    g = _git()
    try:
        obj = g.TagReference(repo, f"refs/tags/{name}").object
    except (ValueError, g.BadName, g.BadObject):
        return None
    if obj.type != "tag":
        return None
    return _parse_tag(name, repo.odb.stream(obj.binsha).read())


def read_tag(root: Path, name: str) -> TagInfo:
    """The annotated tag `name` (with or without refs/tags/); GitError when there is none."""
    repo = open_repo(root)
    name = name.removeprefix("refs/tags/")
    info = _tag_info(repo, name)
    if info is not None:
        return info
    if resolve_commit(root, f"refs/tags/{name}") is not None:
        raise GitError(
            f"{name} is a lightweight tag, not a commit record",
            hint="commit records are annotated tags made by 'sopctl tag'",
        )
    raise GitError(f"unknown tag '{name}'", hint="list the committed cycles with 'sopctl log'")


def list_tags(root: Path, prefix: str) -> list[TagInfo | str]:
    """Every tag under refs/tags/<prefix>: its TagInfo, or just its name when it is not an
    annotated tag of a commit."""
    repo = open_repo(root)
    _, out, _ = _call(
        root, ["for-each-ref", "--format=%(refname:strip=2)", f"refs/tags/{prefix}"], "git"
    )
    names = [n.strip() for n in out.splitlines() if n.strip()]
    return [_tag_info(repo, n) or n for n in names]


def verify_tag(root: Path, name: str) -> tuple[bool, str]:
    """`git tag -v`: whether the signature is good, and git's words about it."""
    status, out, err = _call(root, ["tag", "-v", name], "git tag -v", check=False)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("[GNUPG:]")]
    return status == 0, "\n".join(lines).strip() or out.strip()


def file_commits(root: Path, path: str, rev: str = "HEAD", limit: int = 500) -> list[str]:
    """Commits that changed `path` (relative to the repository top), newest first."""
    _, out, _ = _call(
        root, ["log", f"--max-count={limit}", "--format=%H", rev, "--", path], "git log"
    )
    return out.split()


def count_commits(root: Path, since: str, until: str) -> int:
    """How many commits `until` has that `since` has not (`git rev-list --count`)."""
    _, out, _ = _call(root, ["rev-list", "--count", f"{since}..{until}"], "git rev-list")
    return int(out.strip() or 0)


@contextmanager
def temporary_worktree(root: Path, rev: str) -> Iterator[Path]:
    """Check `rev` out into a temporary detached worktree; always removed afterwards."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="sopctl-tree-"))
    path = tmp / "tree"
    try:
        _call(
            root,
            ["worktree", "add", "--detach", "--quiet", str(path), rev],
            "git worktree add",
            hint="check that the disk is writable and the revision exists",
        )
        yield path
    finally:
        if path.exists():
            _call(root, ["worktree", "remove", "--force", str(path)], "git worktree", None, False)
        shutil.rmtree(tmp, ignore_errors=True)
        _call(root, ["worktree", "prune"], "git worktree prune", None, False)


# --- sopctl check: the commits of a range, who wrote them, and what they touched ---


@dataclass(frozen=True)
class CommitChange:
    """One commit of a range: its sha, first parent ('' for a root commit), author e-mail
    (lower-cased) and the paths it changed against that parent (relative to the repo top)."""

    sha: str
    parent: str
    author: str
    paths: tuple[str, ...]


def merge_base(root: Path, a: str, b: str) -> str | None:
    """The best common ancestor of `a` and `b`, or None when they share no history."""
    status, out, _ = _call(root, ["merge-base", a, b], "git merge-base", None, False)
    return out.strip() if status == 0 and out.strip() else None


def commits_in_range(root: Path, base: str | None, rev: str = "HEAD") -> list[CommitChange]:
    """Every non-merge commit in `base..rev` (all of `rev`'s history when base is None), oldest
    first, with the paths each one changed against its first parent (renames as delete + add)."""
    spec = f"{base}..{rev}" if base else rev
    _, out, _ = _call(
        root,
        [
            "log",
            "--no-merges",
            "--reverse",
            "--no-renames",
            "-z",
            "--format=%x01%H %P%x02%ae",
            "--name-only",
            spec,
            "--",
        ],
        "git log",
        hint="check the --base revision (in CI, fetch the full history: fetch-depth: 0)",
    )
    result: list[CommitChange] = []
    for chunk in out.split("\x01")[1:]:
        head_line, _, rest = chunk.partition("\x02")
        shas = head_line.split()
        email, _, names = rest.partition("\x00")
        paths = tuple(p.strip("\n") for p in names.split("\x00") if p.strip("\n"))
        parent = shas[1] if len(shas) > 1 else ""
        result.append(CommitChange(shas[0], parent, email.strip().lower(), paths))
    return result


def tracked_files(root: Path, rev: str, prefix: str) -> list[str]:
    """Paths (relative to the repo top) under the folder `prefix` in the tree of `rev`."""
    _, out, _ = _call(
        root, ["ls-tree", "-r", "-z", "--name-only", rev, "--", prefix], "git ls-tree"
    )
    return [p for p in out.split("\0") if p]
