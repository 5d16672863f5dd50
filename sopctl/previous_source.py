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
from .results import sha256
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

    @property
    def label(self) -> str:
        """`previous_source` as the demand summary and manifest say it."""
        return f"tag {self.tag}" if self.tag else WORKING_TREE


def committed_tag(root: Path, cycle: str) -> LogEntry | None:
    """The cycle's latest tag that passes the cheap checks (None: none, or no git)."""
    from .governance.log import committed_state

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
            _copy_tagged(ws, prev, entry.commit, dest)
            inputs = _record_inputs(ws.root, entry.tag, prev)
        except GitError:  # a repository git cannot read: as without a tag
            yield PreviousSource(prev, ws.root)
            return
        yield PreviousSource(prev, dest, entry.tag, inputs, _edited(ws, prev, dest))


def _copy_tagged(ws: Workspace, prev: str, commit: str, dest: Path) -> None:
    """The files `previous_inputs` reads, as of `commit`, written under `dest`: cycle.yaml
    first (it names the charter), the charter if it is another, then the declared files."""
    from .previous_inputs import TABLES, _frame, input_path
    from .snapshot import repo_prefix

    pre = repo_prefix(ws.root)

    def fetch(paths: list[str]) -> None:
        for path, data in vcs.read_blobs(ws.root, commit, [pre + p for p in paths]).items():
            if data is not None:
                target = dest / path[len(pre) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)

    cy_path = f"cycles/{prev}/cycle.yaml"
    fetch([cy_path])
    if not (dest / cy_path).is_file():
        return
    cy = load_model(dest, dest / cy_path, Cycle)[0]
    if cy is None:
        return
    if ws.cycle is not None and cy.charter != ws.cycle.charter:
        fetch([f"charters/{cy.charter}.yaml"])
    ch = _frame(ws, prev, dest)[3]
    wanted = [
        rel
        for d in (ch.inputs if ch is not None else [])
        if d.table in TABLES and (rel := input_path(prev, d.file)) is not None
    ]
    fetch(sorted(set(wanted)))


def _record_inputs(root: Path, tag: str, prev: str) -> dict[str, str] | None:
    """The input digests the tag's commit record lists (its outputs left out)."""
    from .governance.tag_record import parse

    try:
        record = parse(vcs.read_tag(root, tag).message)
    except ValueError:
        return None
    outputs = f"cycles/{prev}/outputs/"
    return {p: d for p, d in record.files.items() if not p.startswith(outputs)}


def _edited(ws: Workspace, prev: str, dest: Path) -> tuple[str, ...]:
    """The files read at the tag whose working-tree copy is missing or differs."""
    from .previous_inputs import previous_files

    out = []
    for path in previous_files(ws, prev, dest):
        rel = path.relative_to(dest).as_posix()
        here = ws.root / rel
        if not here.is_file() or not _same(here, path):
            out.append(rel)
    return tuple(out)


def _same(here: Path, tagged: Path) -> bool:
    """Whether the working-tree file holds the tag's content (bytes, or digests: a CRLF
    checkout of a file committed with LF is the same file)."""
    try:
        if here.read_bytes() == tagged.read_bytes():
            return True
    except OSError:
        return False
    return sha256(here) == sha256(tagged)
