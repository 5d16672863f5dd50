"""Scenario files: which exist, which cycle.yaml declares, and their YAML read into models.

`cycle.yaml`'s `scenarios` list is the register of a cycle's scenarios. `base` is the cycle's
own inputs and has no file; every other declared id needs `scenarios/<id>.yaml` (SOP620), and
a file there that the list does not declare is a shadow scenario (SOP621), as an undeclared
file in inputs/ is a shadow input (SOP601).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..findings import Finding, finding
from ..hints import did_you_mean
from ..workspace import display, pydantic_findings, read_text
from ..yamlio import YamlDoc, parse_yaml

if TYPE_CHECKING:
    from ..schemas.scenario import ScenarioFile
    from ..validate import Workspace

BASE = "base"
FOLDER = "scenarios"
IGNORED = {".gitkeep", ".gitignore", ".DS_Store", "README.md"}


@dataclass(frozen=True)
class Scenario:
    """One scenario file, parsed and schema-checked."""

    id: str
    path: Path
    shown: str  # repository-relative path, as findings print it
    file: ScenarioFile
    doc: YamlDoc


@dataclass(frozen=True)
class Broken:
    """A scenario file that fails its schema, with what can still be checked: the overlays
    that pass it on their own (unknown keys left out) and the owner, so that a misspelt kind
    does not hide an unknown resource two overlays further down."""

    shown: str
    doc: YamlDoc
    overlays: list[tuple[int, Any]]  # (index in the file, overlay model)
    owner: str | None


def folder(ws: Workspace) -> Path:
    return ws.cycle_dir / FOLDER


def declared(ws: Workspace) -> list[str]:
    """Scenario ids cycle.yaml declares, in its order, without `base`."""
    assert ws.cycle is not None
    return [s.id for s in ws.cycle.scenarios if s.id != BASE]


def description(ws: Workspace, sid: str) -> str:
    assert ws.cycle is not None
    return next((s.description for s in ws.cycle.scenarios if s.id == sid), "")


def _untagged(exc: ValidationError) -> ValidationError:
    """Pydantic puts the overlay's kind into error locations (overlays.0.demand.factor);
    drop it so the location is the YAML path (overlays.0.factor) and maps to its line."""
    from ..schemas.scenario import KINDS

    errors = []
    for e in exc.errors(include_url=False):
        loc = list(e["loc"])
        if len(loc) >= 3 and loc[0] == "overlays" and isinstance(loc[1], int) and loc[2] in KINDS:
            del loc[2]
        errors.append({"type": e["type"], "loc": tuple(loc), "input": e["input"], **_ctx(e)})
    return ValidationError.from_exception_data(exc.title, errors)  # type: ignore[arg-type]


def _ctx(e: object) -> dict[str, object]:
    ctx = e.get("ctx") if isinstance(e, dict) else None
    return {"ctx": ctx} if ctx else {}


def read_scenario(root: Path, path: Path, sid: str) -> tuple[Scenario | None, list[Finding]]:
    """One scenario file: read, parse and validate against the schema."""
    sc, findings = _read(root, path, sid)
    return (sc if isinstance(sc, Scenario) else None), findings


def _read(root: Path, path: Path, sid: str) -> tuple[Scenario | Broken | None, list[Finding]]:
    from ..schemas.scenario import ScenarioFile  # its schema is built only when one is read

    text, findings = read_text(root, path)
    if text is None:
        return None, findings
    shown = display(root, path)
    doc, findings = parse_yaml(shown, text)
    if doc is None:
        return None, findings
    try:
        model = ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        found = pydantic_findings(doc, _untagged(exc), ScenarioFile)
        return _broken(shown, doc, exc), findings + found
    return Scenario(sid, path, shown, model, doc), findings


def _broken(shown: str, doc: YamlDoc, exc: ValidationError) -> Broken:
    data = doc.data if isinstance(doc.data, dict) else {}
    bad_owner = any(e["loc"][:1] == ("owner",) for e in exc.errors(include_url=False))
    owner = data.get("owner")
    owner = owner if isinstance(owner, str) and not bad_owner else None
    raw = data.get("overlays")
    overlays = list(raw) if isinstance(raw, list) else []
    parts = [(i, ov) for i, ov in ((i, _alone(r)) for i, r in enumerate(overlays)) if ov]
    return Broken(shown, doc, parts, owner)


@cache
def _overlay_adapter() -> Any:
    from pydantic import TypeAdapter

    from ..schemas.scenario import Overlay

    return TypeAdapter(Overlay)


def _alone(raw: object) -> Any:
    """The overlay model of `raw` when it passes the schema on its own, unknown keys left out
    (they are reported already); None otherwise."""
    if not isinstance(raw, dict):
        return None
    adapter = _overlay_adapter()
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(e["type"] != "extra_forbidden" for e in errors):
            return None
        extra = {e["loc"][-1] for e in errors}
    try:
        return adapter.validate_python({k: v for k, v in raw.items() if k not in extra})
    except ValidationError:
        return None


def files_in(ws: Workspace) -> list[Path]:
    """The files of the scenarios folder (hidden files and README.md aside)."""
    d = folder(ws)
    if not d.is_dir():
        return []
    return sorted(
        p
        for p in d.rglob("*")
        if not p.is_dir() and p.name not in IGNORED and not p.name.startswith(".")
    )


def load_scenarios(
    ws: Workspace, cycle_doc: YamlDoc | None
) -> tuple[dict[str, Scenario], list[Finding]]:
    """Every declared scenario that could be read, and the findings of the register."""
    out, _, findings = _load(ws, cycle_doc)
    return out, findings


def _load(
    ws: Workspace, cycle_doc: YamlDoc | None
) -> tuple[dict[str, Scenario], list[Broken], list[Finding]]:
    assert ws.cycle is not None and ws.charter is not None
    out: dict[str, Scenario] = {}
    broken: list[Broken] = []
    findings: list[Finding] = []
    d = folder(ws)
    wanted: set[Path] = set()
    for i, entry in enumerate(ws.cycle.scenarios):
        if entry.id == BASE:
            continue
        path = d / f"{entry.id}.yaml"
        wanted.add(path)
        if not path.exists() and not path.is_symlink():
            line, col = cycle_doc.where(("scenarios", i, "id")) if cycle_doc else (0, 0)
            findings.append(
                finding(
                    cycle_doc.path if cycle_doc else display(ws.root, ws.cycle_dir / "cycle.yaml"),
                    line,
                    col,
                    "SOP620",
                    f"scenario '{entry.id}' is declared but {display(ws.root, path)} is missing; "
                    "write the scenario file or remove the entry",
                )
            )
            continue
        sc, fs = _read(ws.root, path, entry.id)
        findings += fs
        if isinstance(sc, Scenario):
            out[entry.id] = sc
            findings += _owner(ws, sc.shown, sc.doc, sc.file.owner)
        elif isinstance(sc, Broken):
            broken.append(sc)
            findings += _owner(ws, sc.shown, sc.doc, sc.owner)
    for path in files_in(ws):
        if path in wanted:
            continue
        findings.append(_shadow(ws, path))
    return out, broken, findings


def _shadow(ws: Workspace, path: Path) -> Finding:
    shown = display(ws.root, path)
    rel = path.relative_to(folder(ws))
    if len(rel.parts) == 1 and path.stem == BASE and path.suffix == ".yaml":
        return finding(
            shown,
            0,
            0,
            "SOP628",
            "'base' is the cycle's own inputs and takes no scenario file; rename the file "
            "and declare it in cycle.yaml",
        )
    if len(rel.parts) == 1 and path.suffix in (".yaml", ".yml"):
        hint = (
            f"rename it to {path.stem}.yaml"
            if path.suffix == ".yml"
            else f"declare it in cycle.yaml (scenarios: - id: {path.stem})"
        )
        return finding(
            shown,
            0,
            0,
            "SOP621",
            f"this scenario is not declared in cycle.yaml, so nobody reviews it; {hint}, "
            "or move it out of scenarios/",
        )
    return finding(
        shown,
        0,
        0,
        "SOP621",
        "only scenario files <id>.yaml belong in scenarios/; move this file elsewhere",
    )


def _owner(ws: Workspace, shown: str, doc: YamlDoc, owner: str | None) -> list[Finding]:
    assert ws.charter is not None
    roles = ws.charter.role_ids()
    if owner is None or owner in roles:
        return []
    line, col = doc.where(("owner",))
    return [
        finding(
            shown,
            line,
            col,
            "SOP627",
            f"owner '{owner}' is not a role of the charter; "
            + (f"did you mean '{close}'? " if (close := did_you_mean(owner, sorted(roles))) else "")
            + f"name one of: {', '.join(sorted(roles))}",
        )
    ]


def check_scenarios(ws: Workspace, cycle_doc: YamlDoc | None) -> tuple[list[Finding], list[str]]:
    """Findings of the scenario register and of every overlay's selectors, and the scenario
    files read (for validate)."""
    from .select import ids_of, select

    if ws.cycle is None or ws.charter is None:
        return [], []
    scenarios, broken, findings = _load(ws, cycle_doc)
    files = [display(ws.root, folder(ws) / f"{sid}.yaml") for sid in declared(ws)]
    shown = [f for f in files if (ws.root / f).is_file()]
    if not scenarios and not broken:
        return findings, shown
    ids = ids_of(ws)
    for sc in scenarios.values():
        for i, ov in enumerate(sc.file.overlays):
            findings += select(ids, ov, sc.doc, i)[1]
    for b in broken:  # the overlays that pass the schema on their own
        for i, ov in b.overlays:
            findings += select(ids, ov, b.doc, i)[1]
    return findings, shown
