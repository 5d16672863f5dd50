"""History: commits that touched a path, commit ranges, trees of a revision, temporary
worktrees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .repo import _call


def file_commits(root: Path, path: str, rev: str = "HEAD", limit: int = 500) -> list[str]:
    """Commits that changed `path` (relative to the repository top), newest first."""
    _, out, _ = _call(
        root, ["log", f"--max-count={limit}", "--format=%H", rev, "--", path], "git log"
    )
    return out.split()


def last_changes(root: Path, paths: list[str], rev: str = "HEAD") -> dict[str, tuple[str, str]]:
    """For each of `paths` (relative to the repository top) that `rev`'s history changed: the
    last commit that did and its committer date (ISO 8601 with the committer's offset), in one
    `git log` (merges as git simplifies them: the commit that made the change, not the merge)."""
    if not paths:
        return {}
    args = ["-c", "core.quotePath=false", "log", "--no-renames", "-z", "--format=%x01%H %cI"]
    _, out, _ = _call(root, [*args, "--name-only", rev, "--", *paths], "git log")
    found: dict[str, tuple[str, str]] = {}
    for chunk in out.split("\x01")[1:]:
        head, _, names = chunk.partition("\x00")
        sha, _, when = head.strip().partition(" ")
        for name in names.split("\x00"):
            name = name.strip("\n")
            if name and name not in found:
                found[name] = (sha, when.strip())
    return found


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
    (lower-cased), the paths it changed against that parent (relative to the repo top) and the
    committer e-mail (lower-cased)."""

    sha: str
    parent: str
    author: str
    paths: tuple[str, ...]
    committer: str = ""


def merge_base(root: Path, a: str, b: str) -> str | None:
    """The best common ancestor of `a` and `b`, or None when they share no history."""
    status, out, _ = _call(root, ["merge-base", a, b], "git merge-base", None, False)
    return out.strip() if status == 0 and out.strip() else None


def in_some_branch(root: Path, commit: str) -> bool:
    """Whether a local or remote-tracking branch contains `commit` (one git call)."""
    status, out, _ = _call(
        root,
        ["for-each-ref", "--count=1", f"--contains={commit}", "refs/heads", "refs/remotes"],
        "git for-each-ref",
        None,
        False,
    )
    return status == 0 and bool(out.strip())


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
            "--format=%x01%H %P%x02%ae%x03%ce",
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
        emails, _, names = rest.partition("\x00")
        author, _, committer = emails.partition("\x03")
        paths = tuple(p.strip("\n") for p in names.split("\x00") if p.strip("\n"))
        parent = shas[1] if len(shas) > 1 else ""
        result.append(
            CommitChange(shas[0], parent, author.strip().lower(), paths, committer.strip().lower())
        )
    return result


def tracked_files(root: Path, rev: str, prefix: str) -> list[str]:
    """Paths (relative to the repo top) under the folder `prefix` in the tree of `rev`."""
    _, out, _ = _call(
        root, ["ls-tree", "-r", "-z", "--name-only", rev, "--", prefix], "git ls-tree"
    )
    return [p for p in out.split("\0") if p]


@dataclass(frozen=True)
class MergeChange:
    """A merge commit of a range, and the paths it changed by hand: where its tree differs
    from what git's own merge of its two parents gives (a conflict resolved, or an edit made
    while merging). `paths` is None when git cannot re-create the merge here (an octopus
    merge, or a git without `merge-tree --write-tree`, 2.38 or newer)."""

    sha: str
    author: str
    paths: tuple[str, ...] | None


def merges_in_range(root: Path, base: str | None, rev: str = "HEAD") -> list[MergeChange]:
    """The merge commits of `base..rev`, oldest first, each with what it changed by hand."""
    spec = f"{base}..{rev}" if base else rev
    _, out, _ = _call(
        root, ["log", "--merges", "--reverse", "--format=%H %P%x02%ae", spec, "--"], "git log"
    )
    merges = []
    for line in out.splitlines():
        shas, _, author = line.partition("\x02")
        sha, *parents = shas.split()
        merges.append(MergeChange(sha, author.strip().lower(), _by_hand(root, sha, parents)))
    return merges


def _by_hand(root: Path, sha: str, parents: list[str]) -> tuple[str, ...] | None:
    if len(parents) != 2:
        return None
    status, out, _ = _call(
        root,
        ["merge-tree", "--write-tree", "--no-messages", "--allow-unrelated-histories", *parents],
        "git merge-tree",
        check=False,
    )
    tree = out.split("\n", 1)[0].strip()
    if status not in (0, 1) or len(tree) not in (40, 64):  # 1: conflicts (markers in tree)
        return None
    _, diff, _ = _call(
        root, ["diff-tree", "-r", "-z", "--no-renames", "--name-only", tree, sha], "git diff-tree"
    )
    return tuple(p for p in diff.split("\0") if p)
