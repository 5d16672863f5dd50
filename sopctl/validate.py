"""`validate`: load a cycle with its charter and every declared input, and collect findings.

`load_workspace` is the entry point every engine uses: it returns the typed Workspace together
with the Report, and engines refuse to run when the report has errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import periods
from .files import escapes_root
from .findings import Finding, Report, finding
from .schemas.charter import Charter
from .schemas.common import ID_PATTERN
from .schemas.cycle import Cycle
from .semantics import check_charter, check_cycle
from .workspace import display, find_root, load_model, pick_cycle, read_text
from .yamlio import parse_yaml

if TYPE_CHECKING:
    from .schemas.records import ApprovalsFile
    from .tables.check import Table
    from .yamlio import YamlDoc

IGNORED_NAMES = {".gitkeep", ".gitignore", ".DS_Store", "README.md"}


@dataclass
class Workspace:
    """A loaded cycle: charter, cycle and typed input tables (by table type)."""

    root: Path
    cycle_id: str
    charter: Charter | None = None
    cycle: Cycle | None = None
    tables: dict[str, Table] = field(default_factory=dict)
    # declared tables not read, or read without rows they lost: their ids are not all known
    unread: set[str] = field(default_factory=set)

    @property
    def cycle_dir(self) -> Path:
        return self.root / "cycles" / self.cycle_id

    @property
    def horizon(self) -> int:
        assert self.charter is not None and self.cycle is not None
        return self.cycle.horizon or self.charter.cadence.horizon_periods

    def periods(self) -> list[str]:
        assert self.charter is not None and self.cycle is not None
        return periods.horizon(self.cycle.first_period, self.horizon, self.charter.cadence.bucket)


def load_workspace(
    root: Path | None = None, cycle: str | None = None, cwd: Path | None = None
) -> tuple[Workspace, Report]:
    """Load and check one cycle. Raises UserError only for usage problems (no repo, no cycle)."""
    cwd = cwd or Path.cwd()
    root = find_root(root or cwd)
    cycle_id = pick_cycle(root, cycle, cwd)
    ws = Workspace(root=root, cycle_id=cycle_id)
    report = Report()
    cy_path = ws.cycle_dir / "cycle.yaml"
    cy, cy_doc, fs = load_model(root, cy_path, Cycle, _with_charter_roles(root))
    report.extend(fs)
    report.checked_files.append(display(root, cy_path))
    if cy is None or cy_doc is None:
        return ws, report
    ws.cycle = cy
    ch_path = root / "charters" / f"{cy.charter}.yaml"
    if not ch_path.exists() and not ch_path.is_symlink():
        line, col = cy_doc.where(("charter",))
        known = sorted(p.stem for p in (root / "charters").glob("*.yaml"))
        report.add(
            finding(
                cy_doc.path,
                line,
                col,
                "SOP603",
                f"charter '{cy.charter}' not found (charters/{cy.charter}.yaml); "
                f"known: {', '.join(known) or 'none'}",
            )
        )
        report.extend(check_cycle(cy, cy_doc, cycle_id, None))
        return ws, report
    ch, ch_doc, fs = load_model(root, ch_path, Charter)
    report.extend(fs)
    report.checked_files.append(display(root, ch_path))
    if ch is None or ch_doc is None:
        report.extend(check_cycle(cy, cy_doc, cycle_id, None))
        return ws, report
    ws.charter = ch
    report.extend(check_charter(ch, ch_doc))
    cycle_findings = check_cycle(cy, cy_doc, cycle_id, ch)
    report.extend(cycle_findings)
    fs, files = check_records(ws)
    report.extend(fs)
    report.checked_files.extend(files)
    if periods.to_ordinal(cy.first_period, ch.cadence.bucket) is None:
        return ws, report  # without a calendar the tables cannot be placed in time
    from .inputs import load_inputs  # polars is imported only when tables are read

    tables, fs, files, ws.unread = load_inputs(ws, ch, cy, ch_doc)
    ws.tables = dict(tables)
    report.extend(fs)
    report.checked_files.extend(files)
    report.extend(_escalation_resources(ws, ch, ch_doc))
    from .signal.per_item import per_item_findings  # forecast.per_item keys read as items
    from .signal.rights import override_rights  # who may override, without the demand build

    report.extend(per_item_findings(ws, ch_doc))

    report.extend(override_rights(ws))
    from .scenarios.load import check_scenarios  # what-if overlays on these inputs

    fs, files = check_scenarios(ws, cy_doc)
    report.extend(fs)
    report.checked_files.extend(files)
    return ws, report


def _with_charter_roles(root: Path) -> Callable[[object], dict[str, object]]:
    """The validation context of a cycle.yaml: the role ids of the charter it names, read only
    when a message needs them (an assumption's owner that is no role id)."""

    def context(data: object) -> dict[str, object]:
        name = data.get("charter") if isinstance(data, dict) else None
        return {"charter_roles": lambda: _role_ids(root, name)}

    return context


def _role_ids(root: Path, name: object) -> list[str]:
    """The role ids charters/<name>.yaml lists, read as plain YAML; [] when it has none."""
    if not isinstance(name, str) or not re.match(ID_PATTERN, name) or ".." in name:
        return []
    text, _ = read_text(root, root / "charters" / f"{name}.yaml")
    doc = parse_yaml(name, text)[0] if text is not None else None
    roles = doc.data.get("roles") if doc is not None else None
    ids = [r.get("id") for r in roles if isinstance(r, dict)] if isinstance(roles, list) else []
    return sorted({i for i in ids if isinstance(i, str)})


def _approval_warnings(ws: Workspace, record: ApprovalsFile, doc: YamlDoc) -> list[Finding]:
    """Approvals that cannot count, at their line (tag and status give the same reason)."""
    from .governance.records import role_problem

    out: list[Finding] = []
    ch = ws.charter
    if ch is None:
        return out
    for i, a in enumerate(record.approvals):
        why, key = role_problem(ch, a)
        if why:
            line, col = doc.where(("approvals", i, key))
            msg = f"this approval does not count: {why}"
            out.append(finding(doc.path, line, col, "SOP612", msg))
    return out


def _escalation_resources(ws: Workspace, ch: Charter, doc: YamlDoc) -> list[Finding]:
    """An escalation rule naming a resource this cycle does not have never fires (a warning:
    the charter serves every cycle, and another may have it)."""
    t = ws.tables.get("resources")
    if t is None or t.frame is None or "resource" not in t.frame.columns:
        return []
    if "resources" in ws.unread:  # a resource may be on a row it lost
        return []
    known = set(t.frame["resource"].drop_nulls().to_list())
    out = []
    for i, e in enumerate(ch.escalation):
        if e.resource is not None and e.resource not in known:
            line, col = doc.where(("escalation", i, "resource"))
            msg = (
                f"resource '{e.resource}' is no resource of cycle {ws.cycle_id} (resources.csv), "
                "so this rule never fires there; correct the id"
            )
            out.append(finding(doc.path, line, col, "SOP614", msg))
    return out


def check_records(ws: Workspace) -> tuple[list[Finding], list[str]]:
    """approvals.yaml and actions.yaml, when present: schema, action owners, unique ids.

    Returns the findings and the files read (they count among the files checked)."""
    from .governance.records import ACTIONS, APPROVALS, load_record, owner_known
    from .schemas.records import ActionsFile, ApprovalsFile

    out: list[Finding] = []
    files: list[str] = []
    for name, model in ((APPROVALS, ApprovalsFile), (ACTIONS, ActionsFile)):
        path = ws.cycle_dir / name
        if not path.exists() and not path.is_symlink():
            continue
        files.append(display(ws.root, path))
        record, doc, fs = load_record(ws.root, path, model)
        out += fs
        if isinstance(record, ApprovalsFile) and doc is not None:
            out += _approval_warnings(ws, record, doc)
            continue
        if not isinstance(record, ActionsFile) or doc is None:
            continue
        from .governance.tag_checks import answers_problem  # the format `tag` matches by

        assumptions = {x.id for x in ws.cycle.assumptions} if ws.cycle else set()
        seen: set[str] = set()
        for i, a in enumerate(record.actions):
            if a.id in seen:
                line, col = doc.where(("actions", i, "id"))
                out.append(
                    finding(
                        doc.path,
                        line,
                        col,
                        "SOP611",
                        f"action id '{a.id}' is used twice; give each action its own",
                    )
                )
            seen.add(a.id)
            why = answers_problem(a.answers, assumptions)
            if why:
                line, col = doc.where(("actions", i, "answers"))
                out.append(finding(doc.path, line, col, "SOP613", why))
            if not owner_known(ws, a):
                line, col = doc.where(("actions", i, "owner"))
                out.append(
                    finding(
                        doc.path,
                        line,
                        col,
                        "SOP610",
                        f"owner '{a.owner}' is neither a charter role nor a member's "
                        "e-mail; name who is accountable",
                    )
                )
    return out, files


def validate(root: Path | None = None, cycle: str | None = None, cwd: Path | None = None) -> Report:
    return load_workspace(root, cycle, cwd)[1]


def undeclared_files(inputs_dir: Path, declared: set[str]) -> list[Path]:
    if not inputs_dir.is_dir():
        return []
    out = []
    for p in sorted(inputs_dir.rglob("*")):
        if p.name in IGNORED_NAMES or p.name.startswith("."):
            continue
        rel = p.relative_to(inputs_dir).as_posix()
        if p.is_dir():
            continue
        if rel not in declared:
            out.append(p)
    return out


def shadow_findings(root: Path, inputs_dir: Path, declared: set[str]) -> list[Finding]:
    files = undeclared_files(inputs_dir, declared)
    hidden = _git_ignored(root, files)
    return [
        finding(
            display(root, p),
            0,
            0,
            "SOP601",
            "this file is not declared in the charter's inputs, so nobody owns it; "
            "declare it (file, table, owner, due) or move it out of inputs/"
            + (
                " (git ignores it, so CI and other clones do not see it: it exists only here)"
                if p in hidden
                else ""
            ),
        )
        for p in files
    ]


def _git_ignored(root: Path, files: list[Path]) -> set[Path]:
    """The files git ignores; none outside a git repository (validate needs no git)."""
    if not files:
        return set()
    from . import vcs
    from .errors import SopctlError

    try:
        top = vcs.repo_top(root).resolve()
        # the link itself, as git sees it: resolving a symlink loop would raise
        rel = {(p.parent.resolve() / p.name).relative_to(top).as_posix(): p for p in files}
        return {rel[r] for r in vcs.ignored(root, list(rel))}
    except (SopctlError, ValueError, OSError):
        return set()


def inside(root: Path, path: Path) -> bool:
    return not escapes_root(root, path)
