"""The previous cycle's pipeline and targets, read for the input-hygiene checks of `sopctl
demand` (the edge around `signal.hygiene`, which is pure).

The previous cycle is the one `sopctl demand` compares its plan with (`demand.previous_cycle`:
the cycle before this one in `workspace.cycle_order`). Its inputs are read from `root`: a
temporary copy of the files of its commit tag when it has one, else the working tree
(`previous_source`); inputs are committed (outputs are git-ignored), so a fresh clone
compares too. They are read and typed by the same contracts as any input, against the previous
cycle's own calendar and charter; their findings are that cycle's business and are not
reported here. Anything that cannot be read (no cycle.yaml, another bucket, a missing or broken
file) gives no comparison rather than an error: the checks only warn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import periods
from .files import link_problem
from .schemas.charter import Charter, PipelineRules
from .schemas.cycle import Cycle
from .signal.frames import Horizon, cycle_period
from .tables.check import Table, check_table
from .tables.contracts import CONTRACTS
from .tables.csvread import LINE, RawTable, read_raw
from .tables.refs import in_current_terms
from .tables.spec import Contract
from .workspace import display, load_model

if TYPE_CHECKING:
    from .validate import Workspace

# the columns the checks use (signal/hygiene.py): only these are typed and checked
TABLES = {
    "pipeline": (
        "deal_id",
        "item",
        "segment",
        "stage",
        "quantity",
        "close_period",
        "ship_periods",
        "probability",
        "slip_count",
    ),
    "targets": ("segment", "period", "target"),
}


@dataclass(frozen=True)
class PreviousInputs:
    cycle: str
    hz: Horizon  # the previous cycle's horizon and cycle month
    rules: PipelineRules | None  # its charter's pipeline rules
    pipeline: Table | None
    targets: Table | None


def previous_inputs(
    ws: Workspace, prev: str | None, root: Path | None = None, same: frozenset[str] = frozenset()
) -> PreviousInputs | None:
    """The pipeline and targets of cycle `prev` as typed tables, names in this cycle's words,
    read under `root` (the planning repository, or a copy of the tag's files laid out as it),
    but the input files `same` (paths from the root) from the planning repository, which
    holds them as the tag does; None when there is no previous cycle or it cannot be read on
    this cycle's calendar."""
    if prev is None or ws.charter is None or ws.cycle is None:
        return None
    root = ws.root if root is None else root
    _, cy, _, ch = cycle_frame(ws, prev, root)
    if cy is None:
        return None
    bucket = ws.charter.cadence.bucket
    if ch is None or ch.cadence.bucket != bucket:
        return None  # periods of another length: no deal or coverage compares
    first = periods.to_ordinal(cy.first_period, bucket)
    if first is None:
        return None
    from .demand import current_ids
    from .inputs import table_context

    ctx = table_context(ch, cy)
    tables: dict[str, Table] = {}
    for decl in ch.inputs:
        if decl.table not in TABLES or decl.table in tables:
            continue
        base = ws.root if input_path(prev, decl.file) in same else root
        read = _read(base, base / "cycles" / prev / "inputs", decl.file, decl.table, ch)
        if read is None:
            continue
        table, _ = check_table(_needed(read, decl.table), _contract(decl.table), ctx)
        frame = in_current_terms(table.frame, current_ids(ws), ws.charter.aliases())
        tables[decl.table] = Table(table.contract, table.path, frame, table.header)
    now = cycle_period(prev, cy.first_period, bucket, first)
    size = cy.horizon or ch.cadence.horizon_periods
    hz = Horizon(first, size, bucket, ch.cadence.frozen_periods, now)
    return PreviousInputs(prev, hz, ch.pipeline, tables.get("pipeline"), tables.get("targets"))


def _contract(table: str) -> Contract:
    """The table's contract with only the columns the checks use: no rules, no checks
    of the other columns (that cycle's own validation did those)."""
    full = CONTRACTS[table]
    columns = tuple(c for c in full.columns if c.name in TABLES[table])
    return replace(full, columns=columns, rules=())


def _needed(raw: RawTable, table: str) -> RawTable:
    """The raw table without the columns the checks do not use (they are never typed)."""
    keep = [c for c in raw.frame.columns if c == LINE or c in TABLES[table]]
    return replace(raw, frame=raw.frame.select(keep))


def input_path(prev: str, file: str) -> str | None:
    """A declared input of cycle `prev` as a path from the planning repository's root; None
    for a path sopctl does not read (absolute, or leading up with '..')."""
    rel = file.strip().removeprefix("./")
    if not rel or ".." in Path(rel).parts or Path(rel).is_absolute():
        return None
    return f"cycles/{prev}/inputs/{Path(rel).as_posix()}"


def _target(root: Path, inputs_dir: Path, file: str) -> Path | None:
    """Where a declared input of the previous cycle is, when it is a file sopctl reads."""
    rel = file.strip().removeprefix("./")
    if not rel or ".." in Path(rel).parts or Path(rel).is_absolute():
        return None
    target = inputs_dir / rel
    if link_problem(root, target, display(root, target)) is not None or not target.is_file():
        return None
    return target


def _read(root: Path, inputs_dir: Path, file: str, table: str, ch: Charter) -> RawTable | None:
    """One declared input of the previous cycle, read raw; None when it cannot be."""
    target = _target(root, inputs_dir, file)
    if target is None:
        return None
    shown = display(root, target)
    raw, _ = read_raw(target, shown, CONTRACTS[table].names, ch.limits.max_input_mb * 2**20)
    return raw


def previous_files(
    ws: Workspace, prev: str | None, root: Path | None = None, same: frozenset[str] = frozenset()
) -> dict[str, Path]:
    """The files of cycle `prev` that `previous_inputs` reads (with the same `root` and
    `same`), by path from the planning repository's root: its cycle.yaml, its charter when it
    is not this cycle's, and its pipeline and targets files as it declares them. The demand
    view records their digests, so a change of what was compared makes the view stale (its
    warnings depend on them)."""
    if prev is None or ws.charter is None or ws.cycle is None:
        return {}
    root = ws.root if root is None else root
    path, cy, charter_path, ch = cycle_frame(ws, prev, root)
    if not path.is_file():
        return {}
    out = {path.relative_to(root).as_posix(): path}
    if cy is None:
        return out
    if charter_path is not None:
        out[charter_path.relative_to(root).as_posix()] = charter_path
    for decl in ch.inputs if ch is not None else []:
        rel = input_path(prev, decl.file) if decl.table in TABLES else None
        if rel is None or rel in out:
            continue
        base = ws.root if rel in same else root
        target = _target(base, base / "cycles" / prev / "inputs", decl.file)
        if target is not None:
            out[rel] = target
    return out


def cycle_frame(
    ws: Workspace, prev: str, root: Path
) -> tuple[Path, Cycle | None, Path | None, Charter | None]:
    """Cycle `prev`'s cycle.yaml path and model under `root`, and its charter: this cycle's
    when it names the same, else its own file (path and model; both None when it is missing)."""
    path = root / "cycles" / prev / "cycle.yaml"
    cy = load_model(root, path, Cycle)[0] if path.is_file() else None
    if cy is None or ws.cycle is None or cy.charter == ws.cycle.charter:
        return path, cy, None, ws.charter
    charter_path = root / "charters" / f"{cy.charter}.yaml"
    if not charter_path.is_file():
        return path, cy, None, None
    return path, cy, charter_path, load_model(root, charter_path, Charter)[0]
