"""JSON Schemas for the YAML files and a machine-readable description of the table contracts."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .outputs import write_atomic
from .schemas.charter import Charter
from .schemas.cycle import Cycle
from .schemas.records import ActionsFile, ApprovalsFile
from .schemas.scenario import ScenarioFile
from .tables.contracts import CONTRACTS

SCHEMA_FILES = (
    "charter.schema.json",
    "cycle.schema.json",
    "approvals.schema.json",
    "actions.schema.json",
    "scenario.schema.json",
    "tables.json",
)


DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The model's JSON Schema under its dialect. What it cannot say (docs/formats.md, "Editor
    schemas"): a whole number written 3.0 (JSON Schema's integer takes it, sopctl does not),
    and how YAML 1.1, which sopctl reads, types a value differently from the YAML 1.2 an editor
    reads (6e1 is text, an unquoted 2026-12-12T09:30:00Z a timestamp)."""
    doc: dict[str, Any] = _trimmed(model.model_json_schema(by_alias=True))
    return {"$schema": DIALECT, **doc, "title": title}


def _trimmed(node: Any) -> Any:
    """The schema of text as sopctl reads it: trimmed first (every model strips its strings),
    so blanks around a value (`' 2027-01 '`, quoted in YAML) are no mistake to an editor
    either. A pattern `^X$` becomes `^\\s*(?:X)\\s*$`; a length bound, which would count the
    blanks, moves into the pattern as a look-ahead on the trimmed text; a text that must not
    be empty (minLength 1) must hold more than blanks. A `format` of a date goes: the pattern
    says it, and an editor that checks formats would refuse the blanks."""
    if isinstance(node, list):
        return [_trimmed(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _trimmed(v) for k, v in node.items()}
    core = out.get("pattern", "")
    lengths = any(isinstance(out.get(k), int) for k in ("minLength", "maxLength"))
    if not isinstance(core, str) or not (core or lengths):  # no constraint on text here
        return out
    if core:  # every pattern of ours is anchored at both ends
        core = f"(?:{core.removeprefix('^').removesuffix('$')})\\s*$"
    longest = out.pop("maxLength", None)
    if longest is not None:  # the trimmed text: from its first to its last non-blank
        size = f"(?=\\S(?:.{{0,{longest - 2}}}\\S)?\\s*$)" if longest > 1 else "(?=\\S\\s*$)"
    else:  # a pattern of ours matches no blank text; without one, at least one non-blank
        size = "(?=\\S)" if not core and out.get("minLength", 0) >= 1 else ""
    out["pattern"] = f"^\\s*{size}{core}"
    if out.get("format") in ("date", "date-time"):  # said by the pattern, blanks allowed
        del out["format"]
    return out


def schemas() -> dict[str, dict[str, Any]]:
    charter = _schema(Charter, "sopctl charter")
    cycle = _schema(Cycle, "sopctl cycle")
    approvals = _schema(ApprovalsFile, "sopctl approvals")
    actions = _schema(ActionsFile, "sopctl actions")
    scenario = _schema(ScenarioFile, "sopctl scenario")
    tables = {
        name: {
            "description": c.description,
            "key": list(c.key),
            "columns": [
                {k: v for k, v in asdict(col).items() if v not in (None, False) or k == "required"}
                for col in c.columns
            ],
            "rules": [asdict(r) for r in c.rules],
        }
        for name, c in sorted(CONTRACTS.items())
    }
    return {
        "charter.schema.json": charter,
        "cycle.schema.json": cycle,
        "approvals.schema.json": approvals,
        "actions.schema.json": actions,
        "scenario.schema.json": scenario,
        "tables.json": {"title": "sopctl table contracts", "tables": tables},
    }


def write_schemas(out: Path) -> list[Path]:
    written = []
    for name, doc in schemas().items():
        target = out / name
        write_atomic(target, json.dumps(doc, indent=2, sort_keys=True) + "\n")
        written.append(target)
    return written
