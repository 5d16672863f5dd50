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


def read_blobs(root: Path, rev: str, paths: list[str]) -> dict[str, bytes | None]:
    """The bytes of each path (relative to the repository top) at `rev`; None where the
    revision has no file there. `rev` should be a full commit sha."""
    if not paths:
        return {}
    if any("\n" in p for p in paths):
        raise GitError("a path with a line break cannot be read from git")
    request = "".join(f"{rev}:{p}\n" for p in paths).encode("utf-8")
    try:
        proc = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=repo_top(root),
            input=request,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"git cat-file failed: {exc}", hint="install git and retry") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", errors="replace")
        raise git_failure("git cat-file", err, "", proc.returncode)
    out, pos = proc.stdout, 0
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
        else:  # "<name> missing" / "ambiguous"
            result[path] = None
    return result


def changed_since(root: Path, rev: str, paths: list[str]) -> set[str]:
    """Which of `paths` (relative to the repository top) the working tree holds otherwise
    than `rev` (edited, deleted, or no longer tracked), by one `git diff`: git's stat cache
    spares re-reading the unchanged files, and its line-end conversion applies as on commit."""
    if not paths:
        return set()
    args = ["diff", "--no-ext-diff", "--no-textconv", "--no-renames", "--name-only", "-z"]
    specs = [f":(literal){p}" for p in paths]
    _, out, _ = _call(root, [*args, rev, "--", *specs], "git diff")
    return {p for p in out.split("\0") if p}
