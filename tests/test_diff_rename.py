"""`sopctl diff` across a segment rename: side A's names are read in side B's words (B's
charter glossary keeps the old name as an alias), so a renamed series is one row with its
change, not a removed row and an added one; two segments merged into one are added up; a note
says which names were mapped."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from sopctl.plandiff.names import renames, table_in_b_words
from sopctl.tables.contracts import CONTRACTS
from tests.helpers import run
from tests.test_diff_cli import edit
from tests.test_segment_rename import core, rename_segment

INPUTS = "cycles/2026-12/inputs"
RENAMED = (
    "side A's names are read as side B's charter names them (its glossary keeps the old name "
    "as an alias): segment standard → core"
)


def rename_in_working_tree(repo: Path) -> None:
    rename_segment(repo)
    for path in (repo / INPUTS).glob("*.csv"):
        path.write_text(core(path.read_text("utf-8")), "utf-8")


def diff_json(repo: Path) -> dict:
    r = run(["diff", "HEAD", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    return json.loads(r.out)


def test_a_renamed_segment_is_one_series_with_its_change(repo: Path) -> None:
    plain = diff_json(repo)["outputs"]["service_level"]
    rename_in_working_tree(repo)
    doc = diff_json(repo)
    tables = {t["table"]: t for t in doc["inputs"]}
    for name in ("demand_history", "pipeline", "overrides"):
        assert tables[name]["status"] == "unchanged", tables[name]
    assert doc["notes"] == [RENAMED]
    service = doc["outputs"]["service_level"]
    assert set(service) == {"strategic", "core"}
    assert service["core"]["old"] == plain["standard"]["old"]
    assert service["core"]["delta"] == 0
    exceptions = doc["outputs"]["exceptions"]
    assert (exceptions["appeared_count"], exceptions["cleared_count"]) == (0, 0)

    # a real change in a renamed series reads as that series' change
    edit(repo, f"{INPUTS}/history.csv", "P-100,core,2026-11,85", "P-100,core,2026-11,95")
    doc = diff_json(repo)
    history = next(t for t in doc["inputs"] if t["table"] == "demand_history")
    assert history["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 47}
    assert history["changed_rows"] == [
        {
            "key": {"item": "P-100", "segment": "core", "period": "2026-11"},
            "changes": {"quantity": {"old": "85", "new": "95"}},
        }
    ]

    r = run(["diff", "HEAD"], cwd=repo)
    text = " ".join(r.out.split())
    assert f"note: {RENAMED}" in text
    assert "P-100 / standard" not in text
    md = run(["diff", "HEAD", "--format", "markdown"], cwd=repo).out
    assert f"> {RENAMED}" in md
    assert "| standard |" not in md


def merge_in_working_tree(repo: Path) -> None:
    """strategic and standard become one segment `core`; both old names are its aliases, and
    the history of the two is added up per item and period."""
    charter = repo / "charters/acme.yaml"
    text = charter.read_text("utf-8")
    start = text.index("  - id: strategic\n")
    text = text[:start] + text[text.index("  - id: standard\n") :]
    text = text.replace("  - id: standard\n", "  - id: core\n")
    text = text.replace(
        "  - term: strategic\n    aliases: [Strategic accounts]\n",
        "  - term: core\n    aliases: [standard, strategic, Strategic accounts]\n",
    )
    charter.write_text(text.replace("segment: strategic", "segment: core"), "utf-8")
    history = (repo / INPUTS / "history.csv").read_text("utf-8").splitlines()
    total: dict[tuple[str, str], int] = {}
    for line in history[1:]:
        item, _segment, period, quantity = line.split(",")
        total[(item, period)] = total.get((item, period), 0) + int(quantity)
    rows = [f"{i},core,{p},{q}" for (i, p), q in total.items()]
    (repo / INPUTS / "history.csv").write_text("\n".join([history[0], *rows]) + "\n", "utf-8")
    for name in ("pipeline.csv", "overrides.csv"):
        path = repo / INPUTS / name
        text = path.read_text("utf-8").replace(",strategic,", ",core,")
        path.write_text(text.replace(",standard,", ",core,"), "utf-8")


def test_two_segments_merged_into_one_are_added_up(repo: Path) -> None:
    before = run(["reconcile", "--dry-run", "--format", "json"], cwd=repo)
    service = json.loads(before.out)["plan"]["service"]
    merge_in_working_tree(repo)
    doc = diff_json(repo)
    tables = {t["table"]: t for t in doc["inputs"]}
    for name in ("demand_history", "pipeline", "overrides"):
        assert tables[name]["status"] == "unchanged", tables[name]
    assert doc["notes"] == [
        "side A's names are read as side B's charter names them (its glossary keeps the old "
        "name as an alias): segment standard → core, segment strategic → core; rows that now "
        "share a key are added up"
    ]
    level = doc["outputs"]["service_level"]
    assert set(level) == {"core"}
    on_time = sum(s["on_time"] for s in service)
    demand = sum(s["demand"] for s in service)
    assert level["core"]["old"] == pytest.approx(on_time / demand, abs=1e-4)


def test_without_a_rename_nothing_is_mapped(repo: Path) -> None:
    edit(repo, f"{INPUTS}/history.csv", "P-100,standard,2026-11,85", "P-100,standard,2026-11,95")
    doc = diff_json(repo)
    assert doc["notes"] == []
    assert set(doc["outputs"]["service_level"]) == {"strategic", "standard"}


def test_a_renamed_item_is_one_series(repo: Path) -> None:
    edit(
        repo,
        "charters/acme.yaml",
        "    aliases: [Strategic accounts]\n",
        "    aliases: [Strategic accounts]\n  - term: V-200\n    aliases: [P-200]\n",
    )
    for path in (repo / INPUTS).glob("*.csv"):
        path.write_text(path.read_text("utf-8").replace("P-200", "V-200"), "utf-8")
    doc = diff_json(repo)
    assert doc["notes"] == [
        "side A's names are read as side B's charter names them (its glossary keeps the old "
        "name as an alias): item P-200 → V-200"
    ]
    assert {t["table"]: t["status"] for t in doc["inputs"]} == dict.fromkeys(
        ("demand_history", "pipeline", "overrides", "items", "resources", "routings", "inventory"),
        "unchanged",
    )
    exceptions = doc["outputs"]["exceptions"]
    assert (exceptions["appeared_count"], exceptions["cleared_count"]) == (0, 0)
    assert doc["outputs"]["kpis"]["cost_total"]["delta"] == 0


def test_rows_that_merge_add_up_quantities_and_show_other_values_side_by_side() -> None:
    words = renames(
        {"segments": [{"id": "retail"}, {"id": "standard"}]},
        None,
        {
            "segments": [{"id": "core"}],
            "glossary": [{"term": "core", "aliases": ["retail", "Standard"]}],
        },
        None,
    )
    assert words.to_b == {"segment": {"retail": "core", "standard": "core"}, "item": {}}
    history = pl.DataFrame(
        {
            "item": ["P-1", "P-1", "P-2"],
            "segment": ["retail", "STANDARD", "retail"],  # A's own case of its id
            "period": ["2026-01"] * 3,
            "quantity": ["10", "2.5", "7"],
        }
    )
    got = table_in_b_words(history, CONTRACTS["demand_history"], words)
    assert got.rows() == [("P-2", "core", "2026-01", "7"), ("P-1", "core", "2026-01", "12.5")]
    prices = pl.DataFrame(
        {"item": ["P-1", "P-1", "P-2"], "segment": ["retail", "standard", "retail"]}
        | {"price": ["60", "65", "70"]}
    )
    got = table_in_b_words(prices, CONTRACTS["prices"], words)
    assert got.rows() == [("P-2", "core", "70"), ("P-1", "core", "60; 65")]
