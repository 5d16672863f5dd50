"""`sopctl demand`: build the cycle's demand view and write it (the edge around signal/)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from .findings import Finding, Report, Severity, finding
from .outputs import write_all
from .results import csv_bytes, is_current, manifest, manifest_outputs, read_manifest, sha256
from .tables.refs import in_current_terms
from .validate import Workspace, load_workspace
from .workspace import cycle_order, display, list_cycles

if TYPE_CHECKING:
    from .previous_inputs import PreviousInputs
    from .previous_source import PreviousSource
    from .signal import DemandResult
    from .signal.deals_since import DealChanges

PLAN = "demand_plan.csv"
SOURCES = "demand_sources.csv"
COVERAGE = "pipeline_coverage.csv"
METHODS = "baseline_methods.csv"
MANIFEST = "demand_manifest.json"
PREVIOUS_INPUTS = "previous_inputs"  # the manifest's record of the previous cycle's files
PREVIOUS_SOURCE = "previous_source"  # ... where they were read: "tag sop/<c>/v<N>", "working tree"
PREVIOUS_EDITED = "previous_edited"  # ... and those the working tree holds otherwise (SOP749)


@dataclass
class DemandRun:
    ws: Workspace
    report: Report  # validation findings plus the engine's findings
    result: DemandResult | None = None
    written: list[Path] = field(default_factory=list)
    previous_cycle: str | None = None
    # against the previous cycle: first (there is none), missing (no demand_plan.csv),
    # disjoint (no period in common) or compared
    comparison: str = "first"
    comparison_note: str = ""  # why a previous plan on disk was not compared with (missing)
    previous_source: str | None = None  # "tag sop/<cycle>/v<N>" or "working tree"
    files: dict[str, bytes] = field(default_factory=dict)  # the bytes written, by file name

    @property
    def ok(self) -> bool:
        return self.report.ok


def previous_cycle(ws: Workspace) -> str | None:
    """The cycle before this one (workspace.cycle_order), or None for the first."""
    mine = cycle_order(ws.root, ws.cycle_id)
    earlier = [k for k in (cycle_order(ws.root, c) for c in list_cycles(ws.root)) if k < mine]
    return max(earlier)[1] if earlier else None


def previous_plan(ws: Workspace) -> tuple[str | None, pl.DataFrame | None]:
    """The demand plan of the cycle before this one (`previous_cycle`), when its outputs
    exist locally, its segments and items named as this cycle names them (a segment renamed
    since, with its old name kept as a glossary alias, is compared with its new name)."""
    prev = previous_cycle(ws)
    if prev is None:
        return None, None
    path = ws.root / "cycles" / prev / "outputs" / PLAN
    if not path.is_file():
        return prev, None
    types = {"item": pl.String, "segment": pl.String, "period": pl.String, "final": pl.Float64}
    try:  # a damaged file (text in final, not UTF-8, empty) is no plan to compare with
        frame = pl.read_csv(path, schema_overrides=types)
    except (pl.exceptions.PolarsError, OSError):
        return prev, None
    if not set(types) <= set(frame.columns):
        return prev, None
    final = frame["final"]
    if final.null_count() == frame.height or not final.drop_nulls().is_finite().all():
        return prev, None
    aliases = ws.charter.aliases() if ws.charter else {}
    key = ["item", "segment", "period"]
    frame = frame.select(*key, "final")
    return prev, in_current_terms(frame, current_ids(ws), aliases, key=key, value="final")


def current_ids(ws: Workspace) -> dict[str, frozenset[str]]:
    """The segments and items of this cycle, which an earlier plan's names are mapped onto."""
    segments = frozenset(s.id for s in ws.charter.segments) if ws.charter else frozenset()
    items = ws.tables.get("items")
    known: list[str] = []
    if items is not None and "item" in items.frame.columns:
        known = items.frame["item"].drop_nulls().to_list()
    return {"segment": segments, "item": frozenset(known)}


def sources_for_file(ws: Workspace, sources: pl.DataFrame) -> pl.DataFrame:
    """Provenance as written: `source_file` relative to the cycle's inputs/ folder (where every
    declared input lives), so the path is not repeated in each of millions of rows. In memory
    (findings, tests) it stays the path shown from the planning repository."""
    prefix = display(ws.root, ws.cycle_dir / "inputs") + "/"
    return sources.with_columns(pl.col("source_file").str.strip_prefix(prefix))


def read_plan(source: Path | bytes) -> pl.DataFrame:
    """A demand plan as reconcile uses it: read from demand_plan.csv (a path or its bytes).

    A freshly built plan goes through its own CSV bytes too, so reconcile sees the same
    4-decimal numbers whether the demand view was rebuilt or reused, and the plan does not
    depend on which run built it."""
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    return pl.read_csv(data, schema_overrides={"item": pl.String, "segment": pl.String})


def written_plan(result: DemandResult) -> pl.DataFrame:
    """The plan with each row's components rounded to add up to its `final` as written
    (signal/rounding.py)."""
    from .signal.engine import COMPONENTS
    from .signal.rounding import apportioned_rows  # only when writing

    return apportioned_rows(result.plan, list(COMPONENTS))


def written_sources(result: DemandResult, plan: pl.DataFrame | None = None) -> pl.DataFrame:
    """The sources with each cell's rows rounded to add up to the plan as written
    (`written_plan`, or `plan` when given), on the engine's integer cells."""
    from .signal.engine import COMPONENTS
    from .signal.rounding import apportioned_cells  # only when writing

    assert result.source_cell is not None and result.source_cell.size == result.sources.height
    written = written_plan(result) if plan is None else plan
    return apportioned_cells(result.sources, result.source_cell, written, list(COMPONENTS))


def demand_files(ws: Workspace, result: DemandResult) -> dict[str, bytes]:
    plan = written_plan(result)
    return {
        PLAN: csv_bytes(plan),
        SOURCES: csv_bytes(sources_for_file(ws, written_sources(result, plan))),
        COVERAGE: csv_bytes(result.coverage),
        METHODS: csv_bytes(result.baseline_methods),
    }


def previous_record(ws: Workspace, src: PreviousSource | None) -> dict[str, object]:
    """What the warnings against the previous cycle were judged on, as the demand manifest
    records it: the digests of the files compared (`previous_inputs.previous_files`, by path
    from the repository's root; a tag's copies when read from a tag, so editing the working
    tree does not change them but a new tag does), where they were read, and which of them
    the working tree holds otherwise (SOP749 comes and goes with that list)."""
    from .previous_inputs import previous_files

    if src is None:
        return {PREVIOUS_INPUTS: {}, PREVIOUS_SOURCE: None, PREVIOUS_EDITED: []}
    files = previous_files(ws, src.cycle, src.root, src.same)
    digests = {rel: sha256(p) for rel, p in files.items()}
    return {PREVIOUS_INPUTS: digests, PREVIOUS_SOURCE: src.label, PREVIOUS_EDITED: [*src.edited]}


def current_previous_record(ws: Workspace) -> dict[str, object]:
    """`previous_record` of the previous cycle as it reads now."""
    from .previous_source import previous_source

    with previous_source(ws, previous_cycle(ws)) as src:
        return previous_record(ws, src)


def unbound_plan(ws: Workspace, src: PreviousSource | None) -> str:
    """Why the previous cycle's demand_plan.csv on disk is not the plan of its tag ('' when it
    is, or when the cycle is read from the working tree): outputs are git-ignored, so only its
    demand_manifest.json can bind it to the inputs the tag's commit record lists."""
    if src is None or src.tag is None:
        return ""
    out = ws.root / "cycles" / src.cycle / "outputs"
    doc = read_manifest(out / MANIFEST)
    shown = f"cycle {src.cycle}'s outputs/{PLAN}"
    if doc is None:
        return f"{shown} has no {MANIFEST} to show which inputs it was built from"
    if src.record_inputs is None or doc.get("inputs") != src.record_inputs:
        return f"{shown} was not built from the inputs committed as {src.tag}"
    if manifest_outputs(doc).get(PLAN) != sha256(out / PLAN):
        return f"{shown} was changed after it was built"
    return ""


def edited_finding(src: PreviousSource | None) -> list[Finding]:
    """SOP749 when the previous cycle's files read at its tag differ in the working tree."""
    if src is None or src.tag is None or not src.edited:
        return []
    files = ", ".join(src.edited)
    return [
        finding(
            src.edited[0],
            0,
            0,
            "SOP749",
            f"cycle {src.cycle} was edited after it was committed as {src.tag} (changed in "
            f"the working tree: {files}); this cycle's inputs are compared with {src.tag}, "
            "what was approved, not with the edited files",
        )
    ]


def demand_outputs(
    ws: Workspace, result: DemandResult, previous: dict[str, object] | None = None
) -> dict[str, bytes]:
    """Every file of the demand view by name, its manifest included (`previous`: the
    `previous_record` of `ws` when it is already known)."""
    files = demand_files(ws, result)
    # the build's warnings travel with the view: a reconcile that reuses it reports them too.
    # Those against the previous cycle depend on its files: they are recorded beside the
    # inputs (not among them: `inputs` is this cycle's, as a tag's record lists them)
    notes = [f.to_dict() for f in result.findings]
    record = current_previous_record(ws) if previous is None else previous
    extra = {"findings": notes, **record}
    files[MANIFEST] = manifest(ws, "demand", files, extra)
    return files


def run_demand(
    root: Path | None = None, cycle: str | None = None, *, write: bool = True
) -> DemandRun:
    """Validate, build the demand view, and write it atomically unless anything is an error."""
    ws, report = load_workspace(root, cycle)
    run = DemandRun(ws, report)
    if not report.ok:
        return run
    run.previous_cycle, previous = previous_plan(ws)
    if previous is not None:
        shared = not set(previous["period"].unique().to_list()).isdisjoint(ws.periods())
        run.comparison = "compared" if shared else "disjoint"
    elif run.previous_cycle:
        run.comparison = "missing"
    from concurrent.futures import ThreadPoolExecutor

    from .previous_inputs import previous_inputs
    from .previous_source import previous_source
    from .signal import build_demand  # the statistical engine: only when the view is built
    from .signal.deals_since import deal_changes
    from .signal.hygiene import input_hygiene

    def prior() -> tuple[
        tuple[PreviousInputs | None, DealChanges | None, dict[str, object], list[Finding]], str
    ]:
        # the previous cycle as committed (its tag's files) when it has a tag, else as found
        with previous_source(ws, run.previous_cycle) as src:
            before = None if src is None else previous_inputs(ws, src.cycle, src.root, src.same)
            rules = ws.charter.pipeline if ws.charter else None
            pipeline = ws.tables.get("pipeline")
            deals = None if before is None else deal_changes(pipeline, before, rules)
            record = previous_record(ws, src)
            unbound = "" if previous is None else unbound_plan(ws, src)
            return (before, deals, record, edited_finding(src)), unbound

    # the previous cycle's pipeline and targets are read, its deal rows compared with this
    # cycle's and its files hashed while the view is built: none of it needs the view, and
    # reading, Polars and hashing release the GIL while the engine's NumPy kernels leave a
    # core free. An error is raised here, as it was when they ran one after the other.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(prior)
        run.result = build_demand(ws, previous)
        (before, deals, record, edited), unbound = reading.result()
    run.previous_source = record[PREVIOUS_SOURCE]  # type: ignore[assignment]
    if unbound:  # a plan on disk that is not the tag's: no comparison rather than a wrong one
        run.comparison, run.comparison_note = "missing", unbound
        run.result.changes = run.result.changes.clear()
    # input hygiene (late and inflated inputs): warnings, kept with the view's findings
    found = input_hygiene(ws, run.result, before, deals) + edited
    run.result.findings = sorted([*run.result.findings, *found])
    report.extend(run.result.findings)
    if not report.ok or not write:
        return run
    files = run.files = demand_outputs(ws, run.result, record)
    out = ws.cycle_dir / "outputs"
    write_all({out / name: data for name, data in files.items()}, root=ws.root)
    run.written = [out / name for name in files]
    return run


def demand_is_current(ws: Workspace) -> bool:
    """The view matches this cycle's inputs and the previous cycle's files its warnings
    were judged against (a manifest without that record is stale)."""
    out = ws.cycle_dir / "outputs"
    if not is_current(ws, out, MANIFEST):
        return False
    doc = read_manifest(out / MANIFEST) or {}
    record = current_previous_record(ws)
    return all(doc.get(key) == value for key, value in record.items())


def recorded_findings(ws: Workspace) -> list[Finding]:
    """The warnings the build of the current demand view reported, from its manifest."""
    doc = read_manifest(ws.cycle_dir / "outputs" / MANIFEST) or {}
    out = []
    for f in doc.get("findings", []):
        try:
            sev = Severity(f["severity"])
            out.append(Finding(f["path"], f["line"], f["col"], f["code"], f["message"], sev))
        except (KeyError, TypeError, ValueError):
            continue  # a manifest edited by hand: its notes are not worth a failure
    return out
