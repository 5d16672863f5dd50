"""JSON Schemas for the YAML files and a machine-readable description of the table contracts."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

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


def schemas() -> dict[str, dict[str, Any]]:
    charter = Charter.model_json_schema()
    charter["title"] = "sopctl charter"
    cycle = Cycle.model_json_schema()
    cycle["title"] = "sopctl cycle"
    approvals = ApprovalsFile.model_json_schema()
    approvals["title"] = "sopctl approvals"
    actions = ActionsFile.model_json_schema()
    actions["title"] = "sopctl actions"
    scenario = ScenarioFile.model_json_schema(by_alias=True)
    scenario["title"] = "sopctl scenario"
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
