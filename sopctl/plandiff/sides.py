"""The two sides of a plan diff, at the edge: revisions, files, and a plan solved for each.

A revision side is materialised into a temporary folder (the charters and the cycle's folder as
committed at that revision) and reconciled there with `run_reconcile(dry_run=True)`: results are
normally git-ignored, so they are recomputed rather than read from the commit. The working tree
side is reconciled in place, also as a dry run. Every git call goes through `sopctl.vcs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .. import vcs
from ..errors import UserError
from ..governance.tag_record import cycle_tags
from ..results import no_plan
from ..snapshot import materialised as snapshot_of
from ..snapshot import repo_prefix
from ..tables.contracts import CONTRACTS
from ..workspace import command, display, read_text
from ..yamlio import parse_yaml
from .model import SideInfo
from .outputs import PlanSnapshot

WORKTREE = "working tree"
MAX_INPUT_BYTES = 1024 * 2**20
MAX_ERRORS = 20
Progress = Callable[[str], None]


@dataclass
class TableSource:
    file: str | None  # path inside the cycle's inputs/
    frame: pl.DataFrame | None  # all columns as trimmed strings; None when unreadable
    notes: list[str] = field(default_factory=list)


@dataclass
class YamlSource:
    path: str | None  # relative to the planning repository
    data: Any = None  # None when missing or unreadable
    notes: list[str] = field(default_factory=list)


@dataclass
class Side:
    info: SideInfo
    tables: dict[str, TableSource] = field(default_factory=dict)  # by table type
    yaml: dict[str, YamlSource] = field(default_factory=dict)  # charter, cycle.yaml, ...
    plan: PlanSnapshot | None = None


def last_tag(root: Path, cycle: str, option: str = "--cycle") -> str:
    """The highest `sop/<cycle>/v<N>` tag (by N) whose record passes the cheap checks of
    `log.committed_state` (newer ones are skipped with a note, see `engine.base_notes`), else
    the highest one.
    UserError (exit 2) when there is none; `option`: how the diff named the cycle, for the hint."""
    from ..governance.log import committed_state

    found = cycle_tags(root, cycle)
    state = committed_state(root, cycle) if found else None
    if not found and not (root / "cycles" / cycle / "cycle.yaml").is_file():
        from ..workspace import list_cycles

        raise UserError(
            f"unknown cycle '{cycle}' (cycles here: {', '.join(list_cycles(root)) or 'none'})",
            hint="name a folder under cycles/ that holds a cycle.yaml",
        )
    if not found:
        raise UserError(
            f"cycle {cycle} has no approved tag (sop/{cycle}/v<N>) to compare with",
            hint=f"name a revision, e.g. 'sopctl diff {option} {cycle} main', or tag the "
            f"committed plan with '{command('tag', cycle)}'",
        )
    # no sound tag at all: the highest one, compared as a plain revision (a note says so)
    return state.entry.tag if state is not None and state.entry is not None else found[0][1]


def load_side(root: Path, cycle: str, rev: str | None, progress: Progress | None = None) -> Side:
    """The side at `rev` (a commit, tag or branch), or the working tree when `rev` is None."""
    say = progress or (lambda _msg: None)
    if rev is None:
        say(f"reconciling the {WORKTREE}")
        return read_side(root, cycle, SideInfo(WORKTREE, None, None, cycle=cycle))
    with materialised(root, cycle, rev) as (tmp_root, commit):
        say(f"reconciling {rev} ({commit[:7]})")
        return read_side(tmp_root, cycle, SideInfo(rev, rev, commit, cycle=cycle))


def check_revision(
    root: Path, cycle: str, rev: str, naming: str = "sopctl diff --cycle CYCLE REV_A REV_B"
) -> str:
    """Fail early (exit 2) for an unknown revision or one without the cycle; `naming`: how
    the command at hand names a cycle, for the hint.

    Returns the planning repository's folder inside the git repository ('' or 'sub/')."""
    prefix = repo_prefix(root)
    # raises GitError (exit 2) for an unknown revision
    if vcs.show_file(root, rev, f"{prefix}cycles/{cycle}/cycle.yaml") is None:
        raise UserError(
            f"cycle {cycle} does not exist at {rev} (no cycles/{cycle}/cycle.yaml there)",
            hint=f"pick a revision that holds the cycle, or name the cycle: {naming}",
        )
    return prefix


@contextmanager
def materialised(root: Path, cycle: str, rev: str) -> Iterator[tuple[Path, str]]:
    """A temporary planning repository holding the charters and the cycle as of `rev`, and the
    commit `rev` names (after check_revision: exit 2 for an unknown one)."""
    check_revision(root, cycle, rev)
    sha = vcs.resolve_commit(root, rev)
    assert sha is not None  # check_revision read the cycle at `rev`
    with snapshot_of(root, sha, cycle) as dest:
        yield dest, sha


def read_side(root: Path, cycle: str, info: SideInfo) -> Side:
    """Read the YAML files and inputs of one side, and reconcile it (dry run)."""
    from ..plan import run_reconcile

    side = Side(info)
    cycle_dir = root / "cycles" / cycle
    cy = _yaml(root, cycle_dir / "cycle.yaml")
    side.yaml["cycle.yaml"] = cy
    name = cy.data.get("charter") if isinstance(cy.data, dict) else None
    ch = (
        _yaml(root, root / "charters" / f"{name}.yaml")
        if isinstance(name, str) and name and "/" not in name
        else YamlSource(None, None, ["the cycle names no charter"])
    )
    side.yaml["charter"] = ch
    for path in sorted(cycle_dir.glob("*.yaml")) + sorted(cycle_dir.glob("scenarios/*.yaml")):
        if path.name != "cycle.yaml":  # approvals, actions, scenarios/<name>.yaml
            side.yaml[path.relative_to(cycle_dir).as_posix()] = _yaml(root, path)
    side.tables = _inputs(root, cycle_dir, ch.data)
    run = run_reconcile(root, cycle, dry_run=True)
    if run.ok:
        side.plan = PlanSnapshot.from_files(run.files, run.summary)
        info.status = run.result.status if run.result else ""
        return side
    info.ok = False
    if not run.report.ok or run.result is None:
        info.status = "invalid"
        errors = run.report.sorted()
        shown = [str(f) for f in errors if f.severity == "error"]
        info.errors = shown[:MAX_ERRORS]
        if len(shown) > MAX_ERRORS:
            info.errors.append(f"... and {len(shown) - MAX_ERRORS} more errors")
    else:
        res = run.result
        info.status = res.status
        info.errors = [no_plan(res.status)]
        info.errors += [f"conflicting constraint: {c}" for c in res.diagnosis]
        info.errors += [f"hint: {h}" for h in res.hints]
    return side


def _yaml(root: Path, path: Path) -> YamlSource:
    shown = display(root, path)
    text, findings = read_text(root, path)
    if text is None:
        return YamlSource(shown, None, [f.message for f in findings])
    doc, findings = parse_yaml(shown, text)
    if doc is None:
        return YamlSource(shown, None, [f"cannot be read: {f}" for f in findings[:1]])
    return YamlSource(shown, doc.data)


def _inputs(root: Path, cycle_dir: Path, charter: Any) -> dict[str, TableSource]:
    """Each declared input (by table type) as a frame of trimmed strings."""
    from ..tables.csvread import LINE, read_raw

    declared = charter.get("inputs") if isinstance(charter, dict) else None
    out: dict[str, TableSource] = {}
    for entry in declared if isinstance(declared, list) else []:
        if not isinstance(entry, dict):
            continue
        file, table = entry.get("file"), entry.get("table")
        if not isinstance(file, str) or not isinstance(table, str) or table not in CONTRACTS:
            continue
        if table in out:
            continue
        path = cycle_dir / "inputs" / file
        if not path.is_file():
            out[table] = TableSource(file, None, ["missing"])
            continue
        contract = CONTRACTS[table]
        raw, findings = read_raw(path, display(root, path), set(contract.names), MAX_INPUT_BYTES)
        if raw is None:
            out[table] = TableSource(file, None, [f"unreadable: {f.message}" for f in findings[:1]])
            continue
        out[table] = TableSource(file, raw.frame.drop(LINE))
    return out
