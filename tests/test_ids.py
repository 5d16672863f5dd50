"""Ids of one table that are one id, and a resolution of written names that does not depend
on Python's hash seed (the same input must give the same findings on every machine)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sopctl.tables.refs import canonical
from tests.helpers import make_repo

ROOT = Path(__file__).resolve().parent.parent
INPUTS = Path("cycles/2026-12/inputs")


def _twins_repo(root: Path) -> Path:
    """The minimal example with items pmp-a and PMP-A, and every other table naming the item
    Pmp-A: the shape the robustness report found bound to either item by hash order."""
    repo = make_repo(root)
    for path in sorted((repo / INPUTS).glob("*.csv")):
        text = path.read_text()
        if path.name == "items.csv":
            twin = re.search(r"^P-100,.*$", text, re.M)
            assert twin is not None
            text = text.replace("P-100,", "pmp-a,") + twin.group(0).replace("P-100", "PMP-A") + "\n"
        else:
            text = re.sub(r"\bP-100\b", "Pmp-A", text)
        path.write_text(text)
    return repo


def _validate(repo: Path, seed: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "sopctl", "validate", "--format", "json"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return r.returncode, r.stdout


def test_validate_is_the_same_under_every_hash_seed(tmp_path: Path) -> None:
    repo = _twins_repo(tmp_path / "plan")
    runs = {seed: _validate(repo, seed) for seed in ("0", "1", "2", "3", "4", "5")}
    first = runs["0"]
    assert first[1].strip(), "validate wrote no JSON"
    for seed, got in runs.items():
        assert got == first, f"PYTHONHASHSEED={seed} differs from PYTHONHASHSEED=0"
    assert first[0] == 1  # the twins are an error, whichever seed
    assert '"SOP401"' in first[1]


def test_canonical_breaks_a_case_tie_in_sorted_order() -> None:
    ids = frozenset({"pmp-cen-m", "PMP-CEN-M"})
    mapping, unknown = canonical(["Pmp-Cen-M", "pmp-cen-m"], ids, {})
    assert mapping == {"Pmp-Cen-M": "PMP-CEN-M"} and unknown == []
    # through the glossary: a term known only in another case, twice
    mapping, _ = canonical(["old"], frozenset({"new", "NEW"}), {"old": "New", "new": "New"})
    assert mapping == {"old": "NEW"}
