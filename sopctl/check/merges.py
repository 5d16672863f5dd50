"""Merge commits in a checked range (SOP814).

`sopctl check` judges who changed what commit by commit, against each commit's first parent;
a merge commit only brings together changes its parents' commits made, which are checked
there. What a merge commit adds by hand — a conflict resolved, an approval or a row typed in
while merging — belongs to no such commit, so no policy would see its author. Such a change to
a planning file (a charter, a cycle's files; results are left to `committed_outputs`) is
refused: it has to be made in an ordinary commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding
from ..findings import finding as make
from .policies import cap_findings

if TYPE_CHECKING:
    from .. import vcs

CODE = "SOP814"
HOW = (
    "sopctl check judges each change by its commit's author; make it in an ordinary commit "
    "(rebase the branch instead of merging, or undo it in the merge and commit it after)"
)


def planning_file(path: str, prefix: str) -> bool:
    """A charter or a cycle's own file (not a result under outputs/)."""
    rest = path[len(prefix) :] if path.startswith(prefix) else None
    if rest is None:
        return False
    return rest.startswith("charters/") or (rest.startswith("cycles/") and "/outputs/" not in rest)


def merge_findings(merges: list[vcs.MergeChange], prefix: str) -> list[Finding]:
    """SOP814 for each planning file a merge commit changed by hand, and for a merge whose
    hand-made changes cannot be told (an octopus merge, a git older than 2.38)."""
    out = []
    for m in merges:
        if m.paths is None:
            out.append(
                make(
                    "cycles",
                    0,
                    0,
                    CODE,
                    f"merge commit {m.sha[:7]} by {m.author} cannot be checked for changes made "
                    "by hand: git could not re-create it here (more than two parents, or a git "
                    f"older than 2.38, which lacks merge-tree --write-tree); {HOW}",
                )
            )
            continue
        for p in m.paths:
            if planning_file(p, prefix):
                out.append(
                    make(
                        p[len(prefix) :],
                        0,
                        0,
                        CODE,
                        f"changed by hand in merge commit {m.sha[:7]} by {m.author}: it differs "
                        f"from what git's merge of its parents gives; {HOW}",
                    )
                )
    return cap_findings(out, CODE, "planning files changed by hand in merge commits")
