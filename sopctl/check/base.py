"""The base of `sopctl check`: where the range starts, whose charter judges it, and whether it
was a guess the reader has to be told about.

A named `--base` is replaced by its merge base with HEAD (what a pull request adds, even when
the target branch moved on), and its tip judges the rights (`authority.py`). Without one, the
default branch stands in: the local `main` or `master`, else the remote-tracking one — the
branch `origin/HEAD` points at, `origin/main`, `origin/master` — which is all a CI checkout
(`actions/checkout`: a detached HEAD and only `origin/*` refs) has. Only when none of them
helps does the range shrink to `HEAD~1..HEAD`, and the result then says so (`Base.note`): a
pull request of several commits would otherwise pass on its last one alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import vcs
from ..errors import UserError

LOCAL_DEFAULTS = ("main", "master")
REMOTE = "origin"


@dataclass(frozen=True)
class Base:
    """The start of the checked range and how it was found."""

    sha: str | None  # the commit the changes are counted from; None: all history
    label: str  # how it was chosen: the named revision, "merge base with origin/main", "HEAD~1"
    tip: str | None  # the commit whose charters judge the rights (None: `sha`'s)
    note: str | None = None  # a fallback the reader must know of: what was checked, what to pass

    @property
    def rights(self) -> str | None:
        """The revision whose charters judge the range's rights (`authority.py`)."""
        return self.tip or self.sha


def default_branches(root: Path) -> list[str]:
    """The branches that stand for the target of a pull request, in the order tried: local
    main and master, then the remote's default (what origin/HEAD points at), origin/main and
    origin/master. Duplicates once."""
    names = list(LOCAL_DEFAULTS)
    target = vcs.remote_default(root, REMOTE)
    if target is not None:
        names.append(target)
    names += [f"{REMOTE}/{n}" for n in LOCAL_DEFAULTS]
    return list(dict.fromkeys(names))


HINT = "pass --base with the branch the change goes into (in CI: --base origin/<target branch>)"


def resolve_base(root: Path, base: str | None) -> Base:
    """The base of the range: see the module's docstring."""
    head = vcs.head(root)
    if base:
        sha = vcs.resolve_commit(root, base)
        if sha is None:
            raise UserError(
                f"unknown revision '{base}' for --base",
                hint="name a branch, tag or commit; in CI fetch the history (fetch-depth: 0)",
            )
        return Base(vcs.merge_base(root, sha, head) or sha, base, sha)
    why = (
        f"no --base was given and no branch {' or '.join(LOCAL_DEFAULTS)} (local or on {REMOTE}) "
        "was found to compare with"
    )
    tip: str | None = None
    first = True
    for name in default_branches(root):
        sha = vcs.resolve_commit(root, name)
        if sha is None:
            continue
        mb = vcs.merge_base(root, sha, head)
        if mb and mb != head:
            return Base(mb, f"merge base with {name}", sha)
        if not first:
            continue
        # HEAD is on that branch (or behind it), or shares no history with it: the next
        # default may still be the target (origin/HEAD naming the branch checked out, with
        # origin/main beside it); if none is, the first one found says why and, when HEAD is
        # behind it, its tip judges the rights
        first = False
        tip = sha if sha != head else None
        where = "is on" if sha == head else "is in the history of"
        why = (
            f"no --base was given and HEAD {where} {name}"
            if mb
            else f"no --base was given and HEAD shares no history with {name}"
        )
    prev = vcs.resolve_commit(root, "HEAD~1")
    checked = "only the last commit (HEAD~1..HEAD) is checked" if prev else "HEAD is checked alone"
    return Base(prev, "HEAD~1", tip, f"{why}: {checked}; {HINT}")
