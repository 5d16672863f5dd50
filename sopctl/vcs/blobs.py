"""Many files of one revision at once: one `git ls-tree` and one `git cat-file --batch` call
instead of a process (or an object lookup) per file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import GitError
from .repo import _call, git_failure, repo_top

SYMLINK = "120000"


def tree_files(root: Path, rev: str, prefix: str) -> list[str]:
    """Regular files (no symlinks, no submodules) under the folder `prefix` at `rev`, as paths
    relative to the repository top."""
    _, out, _ = _call(root, ["ls-tree", "-r", "-z", rev, "--", prefix], "git ls-tree")
    files = []
    for entry in out.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if path and len(parts) == 3 and parts[1] == "blob" and parts[0] != SYMLINK:
            files.append(path)
    return files


def _git_stdin(root: Path, args: list[str], request: bytes, what: str) -> bytes:
    """`git ARGS` at the repository top with `request` on stdin: its stdout."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=repo_top(root), input=request, capture_output=True, check=False
        )
    except OSError as exc:
        raise GitError(f"{what} failed: {exc}", hint="install git and retry") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", errors="replace")
        raise git_failure(what, err, "", proc.returncode)
    return proc.stdout


def _check_paths(paths: list[str]) -> None:
    if any("\n" in p for p in paths):
        raise GitError("a path with a line break cannot be read from git")


# what `cat-file --batch --follow-symlinks` answers, with a body, for a link it cannot follow
# within the tree: "<kind> <size>\n<the link's target>\n"
_UNFOLLOWED = (b"symlink", b"dangling", b"loop", b"notdir")


def read_blobs(
    root: Path, rev: str, paths: list[str], follow_symlinks: bool = False
) -> dict[str, bytes | None]:
    """The bytes of each path (relative to the repository top) at `rev`; None where the
    revision has no file there. `rev` should be a full commit sha. `follow_symlinks`: a
    symbolic link is read as the file it names within `rev`'s tree (None when it leaves it),
    not as the text of the link."""
    if not paths:
        return {}
    _check_paths(paths)
    request = "".join(f"{rev}:{p}\n" for p in paths).encode("utf-8")
    args = ["cat-file", "--batch", *(["--follow-symlinks"] if follow_symlinks else [])]
    out, pos = _git_stdin(root, args, request, "git cat-file"), 0
    result: dict[str, bytes | None] = {}
    for path in paths:
        end = out.index(b"\n", pos)
        head = out[pos:end].split()
        pos = end + 1
        if len(head) == 3 and head[1] == b"blob":
            size = int(head[2])
            result[path] = out[pos : pos + size]
            pos += size + 1
        elif len(head) == 3:  # a tree or another object: its body is skipped
            pos += int(head[2]) + 1
            result[path] = None
        elif len(head) == 2 and head[0] in _UNFOLLOWED:  # a link out of the tree: skipped
            pos += int(head[1]) + 1
            result[path] = None
        else:  # "<name> missing" / "ambiguous"
            result[path] = None
    return result


def same_as(root: Path, rev: str, paths: list[str]) -> set[str]:
    """Which of `paths` (relative to the repository top) the working tree holds exactly as
    `rev` does: a regular file at `rev` and a regular file (not a link) in the working tree
    whose content, cleaned by git's filters as on commit (line ends), hashes to the blob's
    id. By content, not git's index: a file untracked since, or marked assume-unchanged or
    skip-worktree and edited, is not the same."""
    if not paths:
        return set()
    _check_paths(paths)
    _, out, _ = _call(root, ["ls-tree", "-z", rev, "--", *paths], "git ls-tree")
    blob = {}
    for entry in out.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if path and len(parts) == 3 and parts[1] == "blob" and parts[0] != SYMLINK:
            blob[path] = parts[2]
    top = repo_top(root)
    here = [p for p in paths if p in blob and (top / p).is_file() and not (top / p).is_symlink()]
    if not here:
        return set()
    request = "".join(f"{p}\n" for p in here).encode("utf-8")
    ids = _git_stdin(root, ["hash-object", "--stdin-paths"], request, "git hash-object").split()
    return {p for p, oid in zip(here, ids, strict=True) if oid.decode("ascii") == blob[p]}
