"""`sopctl adopt SCENARIO`: make a scenario the cycle's plan by writing its overlays into the
cycle's own files, so the decision is one reviewable diff and everyone works from one set of
numbers (no plan that lives only as a what-if beside the committed one).

1. The cycle must validate. The scenario's table overlays are applied (overlays.py) and each
   changed table becomes row edits of its file (adopt_rows.py, csvedit.py): changed cells,
   dropped and appended rows; every untouched byte stays.
2. Demand overlays become `delta` rows of the overrides table, owned by the person adopting
   (`--owner`, else git user.email), with the scenario as their reason.
3. cycle.yaml: the scenario leaves the register and its description becomes an assumption
   owned by the scenario's owner role (cycle_edit.py); its file is removed. The other
   scenarios stay, and now apply on top of the adopted plan.
4. The result is staged in a temporary copy and checked there as `sopctl demand` would check
   it (validation, then the demand view: override rights, frozen window). Any error there, a
   table the charter does not declare, or a cycle.yaml layout that cannot be edited safely,
   and nothing is written. Otherwise all files are written in one step.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..findings import Finding, Report, Severity, finding
from ..hints import did_you_mean
from ..outputs import write_all
from ..validate import Workspace, load_workspace
from ..workspace import display
from .adopt_rows import RowCounts, cell, demand_deltas, table_edit
from .csvedit import Edit, apply_edit
from .cycle_edit import adopt_edit
from .demand import apply_demand
from .load import BASE, Scenario, declared, description, load_scenarios
from .overlays import apply_tables
from .select import ids_of


@dataclass
class FileChange:
    path: str  # repository-relative
    what: str
    owner: str  # the charter role that owns the file ("" when none)


@dataclass
class Adoption:
    scenario: str
    report: Report = field(default_factory=Report)
    changes: list[FileChange] = field(default_factory=list)
    files: dict[Path, bytes] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)
    overrides: int = 0
    outputs: Path | None = None  # the scenario's outputs folder, removed with it
    reads: list[Path] = field(default_factory=list)  # what the adoption is computed from
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok


def plan_adoption(root: Path | None, cycle: str | None, sid: str, owner: str | None) -> Adoption:
    """Everything adopting `sid` would write, checked; nothing is written here.
    `owner` (an e-mail) is needed only when the scenario has demand overlays."""
    ws, report = load_workspace(root, cycle)
    out = Adoption(sid)
    out.report.extend(f for f in report if f.severity is Severity.ERROR)
    if not report.ok:
        return out
    assert ws.charter is not None and ws.cycle is not None
    if sid == BASE or sid not in declared(ws):
        close = did_you_mean(sid, declared(ws)) if sid != BASE else None
        raise UserError(
            f"cycle {ws.cycle_id} has no scenario '{sid}' to adopt "
            f"(declared: {', '.join(declared(ws)) or 'none'})",
            hint=f"did you mean {close}?"
            if close
            else "name a scenario of cycle.yaml's register; base is the plan already",
        )
    scenarios, _ = load_scenarios(ws, None)
    sc = scenarios[sid]
    # every declared input, present or not: one deleted but not committed changes the result
    charter = ws.root / "charters" / f"{ws.cycle.charter}.yaml"
    inputs = [ws.cycle_dir / "inputs" / d.file for d in ws.charter.inputs]
    out.reads = [charter, ws.cycle_dir / "cycle.yaml", *inputs, sc.path]
    ids = ids_of(ws)
    made: dict[str, int] = {}
    ws_s, _, fs = apply_tables(ws, sc, ids, made)
    out.report.extend(fs)
    owners: dict[str, str] = {d.table: d.owner for d in ws.charter.inputs}
    edits: dict[str, tuple[Edit, RowCounts]] = {}
    for name, table in ws_s.tables.items():
        before = ws.tables.get(name)
        if before is not None and before.frame is table.frame:
            continue
        if before is None:
            out.report.add(_undeclared(sc, name, made.get(name)))
            continue
        edit, counts = table_edit(before, table.frame)
        if edit:
            edits[name] = (edit, counts)
    if any(ov.kind == "demand" for ov in sc.file.overlays):
        _overrides(ws, ws_s, sc, owner, edits, out)
    if not out.report.ok:
        return out
    for name, (edit, counts) in sorted(edits.items()):
        t = ws.tables[name]
        path = ws.root / t.path
        out.files[path] = apply_edit(path.read_bytes(), edit)
        out.changes.append(FileChange(t.path, counts.words(), owners.get(name, "")))
    _cycle_yaml(ws, sc, out)
    if out.report.ok:
        out.remove.append(sc.path)
        out.outputs = ws.cycle_dir / "outputs" / "scenarios" / sid
        out.changes.append(FileChange(sc.shown, "removed", sc.file.owner))
        _staged_check(ws, out)
    return out


def write_adoption(a: Adoption) -> None:
    """Write every file in one step, then remove the scenario file and the outputs of the
    scenario (a plan of a scenario that no longer exists)."""
    assert a.ok
    write_all(dict(a.files))
    for path in a.remove:
        path.unlink(missing_ok=True)
    if a.outputs is not None:
        shutil.rmtree(a.outputs, ignore_errors=True)
    a.written = True


def _undeclared(sc: Scenario, table: str, overlay: int | None) -> Finding:
    """SOP633 at the overlay that needs the table (the file's start when none is known)."""
    line, col = sc.doc.where(("overlays", overlay)) if overlay is not None else (1, 1)
    return finding(
        sc.shown,
        line,
        col,
        "SOP633",
        f"adopting '{sc.id}' needs {'an' if table[0] in 'aeiou' else 'a'} {table} table, which "
        "the charter's inputs do not declare; add "
        f"{{file: {table}.csv, table: {table}, owner: ROLE, due: {_due(table)}}} to the "
        "charter's inputs, commit the empty table with its header, and adopt again",
    )


def _due(table: str) -> str:
    """The step a table is due for: demand inputs feed the signal, the rest reconcile."""
    return "signal" if table in ("overrides", "promotions", "renewals", "pipeline") else "reconcile"


def _overrides(
    ws: Workspace,
    ws_s: Workspace,
    sc: Scenario,
    owner: str | None,
    edits: dict[str, tuple[Edit, RowCounts]],
    out: Adoption,
) -> None:
    """The demand overlays as delta overrides appended to the overrides table."""
    from ..signal import build_demand

    view = build_demand(ws_s, None).plan
    scenario, fs = apply_demand(view, sc, ids_of(ws_s))
    out.report.extend(fs)
    deltas = demand_deltas(view, scenario)
    if not deltas.height:
        return
    table = ws.tables.get("overrides")
    if table is None:
        first = next(i for i, ov in enumerate(sc.file.overlays) if ov.kind == "demand")
        out.report.add(_undeclared(sc, "overrides", first))
        return
    if owner is None:
        raise UserError(
            f"scenario '{sc.id}' changes demand, which becomes overrides that need an owner",
            hint="pass --owner EMAIL (a member with the override-demand right), or set "
            "git config user.email",
        )
    used = set(table.frame["override_id"].to_list())
    edit, counts = edits.get("overrides", (Edit(), RowCounts()))
    n = 0
    assert ws.charter is not None and ws.cycle is not None
    roles = list(ws.charter.decision_rights.override_demand)
    owner = owner.strip().lower()
    if owner not in ws.charter.members_of(roles):
        raise UserError(
            f"scenario '{sc.id}' changes demand, which becomes overrides owned by {owner}; "
            f"an override's owner must be a member of {' or '.join(roles) or 'a role'} "
            "(decision_rights.override_demand)",
            hint="pass --owner EMAIL of such a member (git user.email is the default)",
        )
    label = _one_line(description(ws, sc.id)) or _one_line(sc.file.description)
    reason = f"scenario {sc.id} adopted: {label}" if label else f"scenario {sc.id} adopted"
    for row in deltas.iter_rows(named=True):
        n += 1
        oid = f"{sc.id}-{n:03d}"
        while oid in used:
            n += 1
            oid = f"{sc.id}-{n:03d}"
        used.add(oid)
        edit.append.append(
            {
                "override_id": oid,
                "item": row["item"],
                "segment": row["segment"],
                "period": row["period"],
                "kind": "delta",
                "quantity": cell(row["quantity"]),
                "owner": owner,
                "reason": reason,
            }
        )
        counts.added += 1
    edits["overrides"] = (edit, counts)
    out.overrides = deltas.height


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cycle_yaml(ws: Workspace, sc: Scenario, out: Adoption) -> None:
    from ..yamlio import parse_yaml

    path = ws.cycle_dir / "cycle.yaml"
    shown = display(ws.root, path)
    text = path.read_text(encoding="utf-8")
    doc, _ = parse_yaml(shown, text)
    assert doc is not None and ws.cycle is not None  # the cycle validated
    used = {a.id for a in ws.cycle.assumptions}
    aid, n = f"adopted-{sc.id}"[:64], 1
    while aid in used:
        n += 1
        aid = f"adopted-{sc.id}"[:60] + f"-{n}"
    entry = {
        "id": aid,
        "owner": sc.file.owner,
        "text": f"Scenario {sc.id} adopted as the plan: {_one_line(sc.file.description)}",
    }
    new = adopt_edit(text, doc, sc.id, entry)
    if new is None:
        line, col = doc.where(("scenarios",))
        out.report.add(
            finding(
                shown,
                line,
                col,
                "SOP634",
                f"cycle.yaml is not laid out as block lists that sopctl can edit safely; "
                f"remove '{sc.id}' from scenarios and add the assumption {entry} by hand, "
                "or write both lists in block style (one '- id:' per line) and adopt again",
            )
        )
        return
    out.files[path] = new.encode("utf-8")
    out.changes.append(
        FileChange(
            shown,
            f"scenario {sc.id} leaves the register; assumption {aid} added",
            sc.file.owner,
        )
    )


def _staged_check(ws: Workspace, out: Adoption) -> None:
    """Validate a copy with the edits applied and build its demand view; report its errors."""
    from ..signal import build_demand

    with tempfile.TemporaryDirectory(prefix="sopctl-adopt-") as tmp:
        base = Path(tmp)
        shutil.copytree(ws.root / "charters", base / "charters", symlinks=True)
        shutil.copytree(
            ws.cycle_dir,
            base / "cycles" / ws.cycle_id,
            symlinks=True,
            ignore=shutil.ignore_patterns("outputs"),
        )
        for path, data in out.files.items():
            (base / path.relative_to(ws.root)).write_bytes(data)
        for path in out.remove:
            (base / path.relative_to(ws.root)).unlink()
        staged, report = load_workspace(base, ws.cycle_id, cwd=base)
        errors = list(report.errors)
        if report.ok:
            built = build_demand(staged, None)
            errors += [f for f in built.findings if f.severity is Severity.ERROR]
    out.report.extend(errors)
