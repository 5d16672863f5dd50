"""A planning repository as of a git revision, at the edge: where the planning repository sits
inside the git repository, and its charters and one cycle's folder as committed, written to a
temporary folder that `load_workspace`, `run_demand` and `run_reconcile` can work on.

`sopctl diff`, `compare` (revisions), `report` (tags) and `learn` (tags) all read committed
plans this way. Results under the cycle's `outputs/` are left behind: they are recomputed (or,
for learn, read from the tag and proven against its commit record), never trusted as copied.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import vcs


def repo_prefix(root: Path) -> str:
    """The planning repository's folder inside the git repository: '' or 'sub/dir/'."""
    top = vcs.repo_top(root).resolve()
    rel = root.resolve().relative_to(top).as_posix()
    return "" if rel == "." else rel + "/"


@contextmanager
def materialised(root: Path, commit: str, cycle: str) -> Iterator[Path]:
    """A temporary planning repository with the charters and `cycles/<cycle>/` as of `commit`
    (a full sha), without the cycle's outputs; symlinks are not materialised. Removed on exit."""
    pre = repo_prefix(root)
    skip = f"{pre}cycles/{cycle}/outputs/"
    paths = [
        p
        for folder in ("charters", f"cycles/{cycle}")
        for p in vcs.tree_files(root, commit, pre + folder)
        if not p.startswith(skip)
    ]
    blobs = vcs.read_blobs(root, commit, paths)
    with tempfile.TemporaryDirectory(prefix="sopctl-rev-") as tmp:
        dest = Path(tmp)
        for path, data in blobs.items():
            if data is None:
                continue
            target = dest / path[len(pre) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (dest / "charters").mkdir(exist_ok=True)
        (dest / "cycles").mkdir(exist_ok=True)
        yield dest
