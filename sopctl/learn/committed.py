"""The committed plan of a tag `sop/<cycle>/v<N>`, read from git — never from the working tree.

For each result file Learn needs:

1. When the tagged tree holds it (teams may commit outputs), it is read from the tag and proven:
   a reconcile output (supply_plan.csv, capacity_plan.csv) by its SHA-256 in the commit record;
   the demand view (demand_plan.csv, demand_sources.csv), which the record does not list, by
   the tagged demand_manifest.json, whose input digests must equal the record's.
2. Else it comes from the cache of rebuilt outputs (cache.py), proven the same way.
3. Else it is rebuilt from the tagged inputs in a temporary folder (`sopctl demand` and a dry-run
   `sopctl reconcile` there); a rebuilt reconcile output must match the record's digest.

A file that fails its proof is a finding (SOP720-SOP723) and is never used silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from .. import periods, vcs
from ..errors import UserError
from ..findings import Finding, finding
from ..governance.log import LogEntry, committed_state, skipped_note
from ..governance.tag_record import TAG_RE, cycle_tags, parse
from ..schemas.records import CommitRecord
from ..snapshot import materialised, repo_prefix
from ..workspace import cycle_order
from . import cache
from .cache import digest

DEMAND_FILES = ("demand_plan.csv", "demand_sources.csv")
PLAN_FILES = ("supply_plan.csv", "capacity_plan.csv")
DEMAND_MANIFEST = "demand_manifest.json"
IDS = ("item", "segment", "resource", "material", "period", "source_id", "source_file", "kind")


@dataclass(frozen=True)
class TagRef:
    name: str
    commit: str
    record: CommitRecord

    @property
    def cycle(self) -> str:
        return self.record.cycle


@dataclass
class Committed:
    """One tag's committed plan: its calendar, result frames (by file name) and where each
    came from (tag, cache or rebuilt)."""

    ref: TagRef
    bucket: periods.Bucket
    first: int  # ordinal of the first period
    horizon: int
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def periods(self) -> list[str]:
        return [periods.from_ordinal(self.first + k, self.bucket) for k in range(self.horizon)]


def latest_tags(root: Path) -> tuple[dict[str, str], list[LogEntry]]:
    """cycle -> its highest tag sop/<cycle>/v<N> whose record passes the cheap checks of
    `log.committed_state` (the ones status applies), and the newer tags skipped (`problem`)."""
    cycles = sorted({m["cycle"] for n in vcs.tag_names(root, "sop/*") if (m := TAG_RE.match(n))})
    best: dict[str, str] = {}
    skipped: list[LogEntry] = []
    for cycle in cycles:
        state = committed_state(root, cycle)
        skipped += state.unverified
        if state.entry is not None:
            best[cycle] = state.entry.tag
    return best, skipped


def resolve(root: Path, arg: str | None, cwd: Path) -> tuple[str, list[str]]:
    """TAG, CYCLE (its latest sound tag) or nothing: the cycle of the current folder, else the
    latest cycle that has a sound tag; and a note for each newer tag skipped on the way (see
    `latest_tags`). UserError (exit 2) when there is no such tag."""
    if arg and (TAG_RE.match(arg.removeprefix("refs/tags/")) or "/" in arg):
        return arg.removeprefix("refs/tags/"), []
    cycle = arg
    if cycle is None:
        try:
            rel = cwd.resolve().relative_to((root / "cycles").resolve())
            cycle = rel.parts[0] if rel.parts else None
        except ValueError:
            cycle = None
    if cycle is None:
        tags, passed_over = latest_tags(root)
        notes = [skipped_note(e) for e in passed_over]
        if not tags:
            raise UserError(
                "no committed cycle: there is no sound tag sop/<cycle>/v<N>"
                + "".join(f"; {n}" for n in notes),
                hint="commit a cycle with 'sopctl tag' first; learn compares against it",
            )
        return tags[max(tags, key=lambda c: cycle_order(root, c))], notes  # as the default cycle
    state = committed_state(root, cycle)
    if state.entry is None:
        found = cycle_tags(root, cycle)
        raise UserError(
            f"'{cycle}' is neither a tag nor a cycle with a committed tag (sop/{cycle}/v<N>)"
            + "".join(f"; {n}" for n in state.skipped()),
            hint="list the committed cycles with 'sopctl log'"
            if not found
            else "run 'sopctl verify' on the tag, or name a tag",
        )
    return state.entry.tag, state.skipped()


def read_ref(root: Path, name: str) -> TagRef:
    info = vcs.read_tag(root, name)  # GitError (exit 2) for an unknown tag
    try:
        record = parse(info.message)
    except ValueError as exc:
        raise UserError(
            f"{name} is not a sopctl commit record: {exc}",
            hint="learn reads the tags made by 'sopctl tag'",
        ) from exc
    return TagRef(info.name, info.commit, record)


def _yaml(data: bytes | None) -> Any:
    if data is None:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data.decode("utf-8"), Loader=loader)
    except (UnicodeDecodeError, yaml.YAMLError):
        return None


def _calendar_of(ref: TagRef, cy: Any, ch: Any) -> tuple[periods.Bucket, int, int]:
    try:
        bucket = ch["cadence"]["bucket"]
        first = periods.to_ordinal(str(cy["first_period"]), bucket)
        horizon = int(cy.get("horizon") or ch["cadence"]["horizon_periods"])
    except (TypeError, KeyError, ValueError, AttributeError):
        first = None
    if first is None or bucket not in ("month", "week"):
        raise UserError(f"{ref.name}: the tagged cycle.yaml or charter cannot be read")
    return bucket, first, horizon


def _meta_paths(ref: TagRef) -> tuple[str, str]:
    return f"cycles/{ref.cycle}/cycle.yaml", f"charters/{ref.record.charter}.yaml"


def calendar(root: Path, ref: TagRef) -> tuple[periods.Bucket, int, int]:
    """(bucket, first ordinal, horizon) from the tagged cycle.yaml and charter."""
    pre = repo_prefix(root)
    cy, ch = _meta_paths(ref)
    blobs = vcs.read_blobs(root, ref.commit, [pre + cy, pre + ch])
    return _calendar_of(ref, _yaml(blobs[pre + cy]), _yaml(blobs[pre + ch]))


def frame(data: bytes, columns: list[str] | None = None) -> pl.DataFrame:
    head = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    ids = {c: pl.String for c in head if c in IDS}
    if columns is not None:
        columns = [c for c in columns if c in head]
    return pl.read_csv(data, schema_overrides=ids, columns=columns)


def load(
    root: Path,
    ref: TagRef,
    need: tuple[str, ...],
    workspace: bool = False,
    columns: dict[str, list[str]] | None = None,
) -> tuple[Committed, Any]:
    """The committed files `need` of a tag (optionally only some `columns` per file), and
    (with `workspace`) the tagged cycle loaded and validated from a temporary copy of the
    tagged inputs. Returns (Committed, Workspace or None)."""
    rec = ref.record
    pre = repo_prefix(root)
    outputs = f"cycles/{ref.cycle}/outputs/"
    cy_path, ch_path = _meta_paths(ref)
    wanted = [cy_path, ch_path, *(outputs + n for n in need)]
    if any(n in DEMAND_FILES for n in need):
        wanted.append(outputs + DEMAND_MANIFEST)
    blobs = {
        p[len(pre) :]: b
        for p, b in vcs.read_blobs(root, ref.commit, [pre + w for w in wanted]).items()
    }
    bucket, first, horizon = _calendar_of(ref, _yaml(blobs[cy_path]), _yaml(blobs[ch_path]))
    out = Committed(ref, bucket, first, horizon)
    inputs = {p: d for p, d in rec.files.items() if not p.startswith(outputs)}
    manifest = _manifest(blobs.get(outputs + DEMAND_MANIFEST))
    got: dict[str, bytes] = {}
    missing: list[str] = []
    for name in need:
        path = outputs + name
        blob = blobs.get(path)
        recorded = rec.files.get(path)
        if blob is not None and name in PLAN_FILES:
            if recorded == digest(blob):
                got[name], out.sources[name] = blob, "tag"
                continue
            out.findings.append(_mismatch(path, ref, recorded))
        elif blob is not None:
            bound = manifest.get("inputs") == inputs
            if bound and (manifest.get("outputs") or {}).get(name) == digest(blob):
                got[name], out.sources[name] = blob, "tag"
                continue
            out.findings.append(
                finding(
                    path,
                    0,
                    0,
                    "SOP722",
                    f"{path} at {ref.name} is not bound to the tagged inputs by "
                    f"{DEMAND_MANIFEST}; it is rebuilt from the tagged inputs instead "
                    "(commit the whole outputs folder, manifests included)",
                )
            )
        hit = cache.read(root, rec.plan_digest, name, recorded if name in PLAN_FILES else None)
        if hit is not None:
            got[name], out.sources[name] = hit, "cache"
        else:
            missing.append(name)
    ws = None
    if missing or workspace:
        ws, made = _from_inputs(root, ref, inputs, missing, out, workspace)
        got.update(made)
        cache.write(root, rec.plan_digest, made)
        out.sources.update({n: "rebuilt" for n in made})
    cols = columns or {}
    out.frames = {n: frame(d, cols.get(n)) for n, d in got.items()}
    return out, ws


def _mismatch(path: str, ref: TagRef, recorded: str | None) -> Finding:
    why = "is not listed in" if recorded is None else "differs from the SHA-256 in"
    return finding(
        path,
        0,
        0,
        "SOP720",
        f"{path} at {ref.name} {why} the commit record; it is not used (run "
        f"'sopctl verify {ref.name}' to see what else differs)",
    )


def _manifest(data: bytes | None) -> dict[str, Any]:
    try:
        doc = json.loads(data.decode("utf-8")) if data else None
    except (UnicodeDecodeError, ValueError):
        doc = None
    return doc if isinstance(doc, dict) else {}


def _from_inputs(
    root: Path,
    ref: TagRef,
    inputs: dict[str, str],
    missing: list[str],
    out: Committed,
    workspace: bool,
) -> tuple[Any, dict[str, bytes]]:
    """Materialise the tagged tree; check its inputs against the record; load the workspace;
    rebuild the `missing` files. Returns (workspace or None, rebuilt files that passed)."""
    from ..demand import run_demand
    from ..plan import run_reconcile
    from ..results import file_recorded
    from ..validate import load_workspace

    made: dict[str, bytes] = {}
    ws = None
    with materialised(root, ref.commit, ref.cycle) as tmp:
        for path, want in sorted(inputs.items()):
            p = tmp / path
            if not file_recorded(p, want):
                out.findings.append(_mismatch(path, ref, want if p.is_file() else None))
        if workspace:
            ws, report = load_workspace(tmp, ref.cycle, cwd=tmp)
            out.findings.extend(report.errors)
        if not missing:
            return ws, made
        demand = run_demand(tmp, ref.cycle, write=True)
        if not demand.ok:
            out.findings.append(_unbuilt(ref, f"{len(demand.report.errors)} validation errors"))
            return ws, made
        folder = tmp / "cycles" / ref.cycle / "outputs"
        made.update({n: (folder / n).read_bytes() for n in missing if n in DEMAND_FILES})
        wanted = [n for n in missing if n in PLAN_FILES]
        if not wanted:
            return ws, made
        integer = ref.record.solver.get("method") == "mip"
        plan = run_reconcile(tmp, ref.cycle, dry_run=True, integer=integer)
        if not plan.ok:
            status = plan.result.status if plan.result else "not built"
            out.findings.append(_unbuilt(ref, f"the plan is {status}"))
            return ws, made
        for name in wanted:
            path = f"cycles/{ref.cycle}/outputs/{name}"
            data = plan.files.get(name)
            if data is not None and digest(data) == ref.record.files.get(path):
                made[name] = data
                continue
            out.findings.append(
                finding(
                    path,
                    0,
                    0,
                    "SOP721",
                    f"{name} rebuilt from the inputs of {ref.name} differs from the commit "
                    "record (another sopctl or HiGHS version, or an alternative optimum); "
                    f"it is not used — commit the outputs with the tag, or check with "
                    f"'sopctl verify {ref.name}'",
                )
            )
    return ws, made


def _unbuilt(ref: TagRef, why: str) -> Finding:
    return finding(
        f"cycles/{ref.cycle}/cycle.yaml",
        0,
        0,
        "SOP723",
        f"the committed plan of {ref.name} cannot be rebuilt from its tagged inputs: {why}",
    )
