"""`sopctl init` and `sopctl schema`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run


def test_init_creates_valid_repo(tmp_path: Path) -> None:
    target = tmp_path / "new-plan"
    r = run(["init", str(target)])
    assert r.code == 0, r.err
    assert "sopctl validate" in r.out
    assert (target / ".git").is_dir()
    assert (target / ".gitignore").read_text().startswith("# sopctl")
    assert (target / "schemas" / "charter.schema.json").is_file()
    first = (target / "charters" / "acme.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/charter.schema.json"
    r = run(["validate"], cwd=target)
    assert r.code == 0, r.out


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    (target / "charters").mkdir(parents=True)
    (target / "charters" / "acme.yaml").write_text("mine")
    r = run(["init", str(target)])
    assert r.code == 2
    assert "never overwrites" in r.err
    assert (target / "charters" / "acme.yaml").read_text() == "mine"
    assert not (target / "cycles").exists()


def test_init_into_existing_empty_folder(tmp_path: Path) -> None:
    assert run(["init", str(tmp_path)]).code == 0
    assert (tmp_path / "cycles" / "2026-12" / "cycle.yaml").is_file()


def test_init_unknown_example(tmp_path: Path) -> None:
    r = run(["init", str(tmp_path / "x"), "--example", "nope"])
    assert r.code == 2 and "unknown example" in r.err
    assert not (tmp_path / "x").exists()


def test_init_help_names_only_built_in_examples() -> None:
    """The help once offered examples that `init` refused; it must name what EXAMPLES has."""
    from sopctl.demos import EXAMPLES

    r = run(["init", "--help"])
    assert r.code == 0
    text = " ".join(r.out.split())
    assert sorted(EXAMPLES) == ["minimal"] and "minimal (the only one)" in text
    for name in ("northwind", "red-tomato", "contract-manufacturer"):
        assert name not in text


def test_schema_writes_json_schemas(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    r = run(["schema", "--out", str(out)], cwd=repo)
    assert r.code == 0
    charter = json.loads((out / "charter.schema.json").read_text())
    assert charter["additionalProperties"] is False
    assert "cadence" in charter["required"]
    tables = json.loads((out / "tables.json").read_text())["tables"]
    assert tables["pipeline"]["key"] == ["deal_id", "item"]
    r = run(["schema"], cwd=repo)
    assert r.code == 0 and (repo / "schemas" / "cycle.schema.json").is_file()


def test_schema_accepts_shipped_charter(repo: Path) -> None:
    """The exported schema and the Pydantic model agree on a real charter."""
    import yaml

    from sopctl.schema_export import schemas

    schema = schemas()["charter.schema.json"]
    data = yaml.safe_load((repo / "charters" / "acme.yaml").read_text())
    assert set(data) <= set(schema["properties"])
