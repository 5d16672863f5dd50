"""Where `sopctl demand` reads the previous cycle from for its comparisons: the tree of that
cycle's commit tag, else the working tree (the edge around `previous_inputs`).

The input-hygiene checks (SOP740-SOP745) judge this cycle's pipeline against what was
committed last cycle. Reading last cycle's files from the working tree let a branch rewrite
them (a close date moved, a deal raised) and make this cycle's warnings disappear. So when
the previous cycle has a tag `sop/<cycle>/v<N>` that passes the cheap checks (the one status,
learn and diff take: `governance.log.committed_state`), its cycle.yaml, its charter when it is
not this cycle's, and its pipeline and targets files are read from the tag's tree (git blobs,
no checkout) into a temporary folder laid out as the planning repository, which
`previous_inputs` reads as it reads the working tree. The files read there that the working
tree holds otherwise are `edited` (SOP749). Without such a tag (a first cycle, a cycle never
committed, no git), the working tree is read as before.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import vcs
from .errors import GitError
from .previous_inputs import TABLES, cycle_frame, input_path, previous_files
from .schemas.cycle import Cycle
from .workspace import load_model

if TYPE_CHECKING:
    from .governance.log import LogEntry
    from .validate import Workspace

WORKING_TREE = "working tree"


@dataclass(frozen=True)
class PreviousSource:
    cycle: str
    root: Path  # the planning repository, or a temporary copy of the tag's files
    tag: str | None = None  # the commit tag read; None: the working tree
    record_inputs: dict[str, str] | None = None  # the tag record's input digests, by path
    edited: tuple[str, ...] = ()  # files read at the tag that the working tree holds otherwise
    # input files the working tree holds as the tag does: read there, not copied
    same: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """`previous_source` as the demand summary and manifest say it."""
        return f"tag {self.tag}" if self.tag else WORKING_TREE


def committed_tag(root: Path, cycle: str) -> LogEntry | None:
    """The cycle's latest tag that passes the cheap checks (None: none, or no git)."""
    from .governance.log import committed_state

    if not vcs.has_tags(root, f"sop/{cycle}/"):  # no tag: GitPython is not even imported
        return None

    entry = committed_state(root, cycle).entry
    return entry if entry is not None and entry.commit else None


@contextmanager
def previous_source(ws: Workspace, prev: str | None) -> Iterator[PreviousSource | None]:
    """Where cycle `prev` is read from while the context lasts (None: no previous cycle)."""
    if prev is None:
        yield None
        return
    entry = committed_tag(ws.root, prev)
    if entry is None:
        yield PreviousSource(prev, ws.root)
        return
    with tempfile.TemporaryDirectory(prefix="sopctl-prev-") as tmp:
        dest = Path(tmp)
        try:
            changed, same = _copy_tagged(ws, prev, entry.commit, dest)
            inputs = _record_inputs(ws.root, entry.tag, prev)
        except GitError:  # a repository git cannot read: as without a tag
            unread = True
        else:
            unread = False
        if unread:
            yield PreviousSource(prev, ws.root)
            return
        read = previous_files(ws, prev, dest, same)
        # read in the order it is read, then what the tag lacks and the working tree holds
        edited = (*(rel for rel in read if rel in changed), *sorted(changed - set(read)))
        yield PreviousSource(prev, dest, entry.tag, inputs, edited, same)


def _copy_tagged(
    ws: Workspace, prev: str, commit: str, dest: Path
) -> tuple[set[str], frozenset[str]]:
    """The files `previous_inputs` reads, as of `commit`, under `dest`: cycle.yaml first (it
    names the charter), the charter if it is another, then the declared pipeline and targets
    files that the working tree does not hold as the tag does (`vcs.same_as`, by content; an
    unchanged one, often most of the bytes, is read where it is). A link is read as the file
    it names in the tag's tree. Returns the paths whose content differs between the tag and
    the working tree (one side missing included) and the input files that are the same."""
    from .snapshot import repo_prefix

    pre = repo_prefix(ws.root)

    def fetch(paths: list[str]) -> None:
        found = vcs.read_blobs(ws.root, commit, [pre + p for p in paths], follow_symlinks=True)
        for path, data in found.items():
            if data is not None:
                target = dest / path[len(pre) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)

    cy_path = f"cycles/{prev}/cycle.yaml"
    meta = [cy_path]
    fetch(meta)
    cy = load_model(dest, dest / cy_path, Cycle)[0] if (dest / cy_path).is_file() else None
    if cy is not None and ws.cycle is not None and cy.charter != ws.cycle.charter:
        meta.append(f"charters/{cy.charter}.yaml")
        fetch(meta[1:])
    ch = cycle_frame(ws, prev, dest)[3] if cy is not None else None
    wanted = sorted(
        {
            rel
            for d in (ch.inputs if ch is not None else [])
            if d.table in TABLES and (rel := input_path(prev, d.file)) is not None
        }
    )
    found = vcs.same_as(ws.root, commit, [pre + p for p in meta + wanted])
    same = {p for p in meta + wanted if pre + p in found}
    fetch([p for p in wanted if p not in same])
    changed = {
        p for p in meta + wanted if p not in same and _bytes(dest / p) != _bytes(ws.root / p)
    }
    return changed, frozenset(p for p in wanted if p in same)


def _bytes(path: Path) -> bytes | None:
    """A file's bytes (through a link), None where there is none to read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _record_inputs(root: Path, tag: str, prev: str) -> dict[str, str] | None:
    """The input digests the tag's commit record lists (its outputs left out)."""
    from .governance.tag_record import parse

    try:
        record = parse(vcs.read_tag(root, tag).message)
    except ValueError:
        return None
    outputs = f"cycles/{prev}/outputs/"
    return {p: d for p, d in record.files.items() if not p.startswith(outputs)}
