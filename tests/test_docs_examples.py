"""Figures that docs show from the embedded demo are the demo's figures now: an example that
drifted from the tool (a finance change moved the revenue in docs/scenarios.md's compare JSON)
misleads the user who checks the demo against the docs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.helpers import run

ROOT = Path(__file__).resolve().parents[1]


def test_the_compare_json_example_shows_the_demos_revenue(tmp_path: Path) -> None:
    for sub in ("charters", "cycles"):
        shutil.copytree(ROOT / sub, tmp_path / sub, ignore=shutil.ignore_patterns("outputs"))
    r = run(["compare", "2026-12", "upside", "--format", "json"], cwd=tmp_path)
    assert r.code == 0, r.out + r.err
    (revenue,) = [k for k in json.loads(r.out)["kpis"] if k["name"] == "revenue"]
    doc = (ROOT / "docs/scenarios.md").read_text(encoding="utf-8")
    values = re.search(r'"values": \{"base": ([\d.]+), "upside": ([\d.]+)\}', doc)
    pct = re.search(r'"upside": \{"delta": ([\d.]+), "pct": ([\d.]+)\}', doc)
    assert values and pct
    assert [float(v) for v in values.groups()] == [
        revenue["values"]["base"],
        revenue["values"]["upside"],
    ]
    upside = revenue["deltas"]["upside"]
    assert [float(v) for v in pct.groups()] == [upside["delta"], upside["pct"]]
