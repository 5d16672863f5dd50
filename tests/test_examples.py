"""The embedded demo and every example repository validate clean and match their generators."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sopctl.validate import validate

ROOT = Path(__file__).resolve().parent.parent
REPOS = [ROOT, *sorted(p for p in (ROOT / "examples").iterdir() if (p / "charters").is_dir())]


@pytest.mark.parametrize("repo", REPOS, ids=lambda p: p.name if p != ROOT else "demo")
def test_repo_validates_clean(repo: Path) -> None:
    report = validate(repo)
    assert [str(f) for f in report] == []
    assert len(report.checked_files) >= 8


@pytest.mark.parametrize(
    ("script", "tops"),
    [
        ("generate_northwind.py", ["charters", "cycles"]),
        (
            "generate_contract_manufacturer.py",
            ["examples/contract-manufacturer/charters", "examples/contract-manufacturer/cycles"],
        ),
    ],
)
def test_generated_data_is_committed_as_generated(
    script: str, tops: list[str], tmp_path: Path
) -> None:
    """The committed demo is exactly what its deterministic generator writes."""
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), "--out", str(tmp_path)], check=True
    )
    for top in tops:
        committed = {  # result files that sopctl wrote locally are not part of the demo
            p.relative_to(ROOT): p.read_bytes()
            for p in (ROOT / top).rglob("*")
            if p.is_file() and "outputs" not in p.parts
        }
        produced = {
            p.relative_to(tmp_path): p.read_bytes()
            for p in (tmp_path / top).rglob("*")
            if p.is_file()
        }
        assert sorted(map(str, produced)) == sorted(map(str, committed))
        for rel, data in committed.items():
            assert produced[rel] == data, f"{rel} differs from its generator's output"
