"""A segment renamed in the charter between two cycles, its old name kept as a glossary alias
(`term: core, aliases: [standard]`): what an older plan calls `standard` is `core` now. Learn's
accuracy by lag and demand's changes against the previous cycle read the older plan through the
current glossary, so a renamed series is one series, not a dropped one and a new one."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from sopctl.tables.refs import in_current_terms
from tests.helpers import run, write_files
from tests.test_learn_support import (
    EXTRA_INPUTS,
    LEARN,
    _approve,
    _commit,
    cycle_files,
    demand_actuals,
)

CHARTER = "charters/acme.yaml"


def rename_segment(root: Path) -> None:
    """standard -> core in the charter, the old name kept as an alias of the new one."""
    path = root / CHARTER
    text = path.read_text("utf-8")
    assert "  - id: standard\n" in text and "    aliases: [Strategic accounts]\n" in text
    text = text.replace("  - id: standard\n", "  - id: core\n")
    text = text.replace(
        "    aliases: [Strategic accounts]\n",
        "    aliases: [Strategic accounts]\n  - term: core\n    aliases: [standard]\n",
    )
    path.write_text(text, "utf-8")


def core(text: str) -> str:
    return text.replace(",standard,", ",core,")


def test_current_terms_follow_the_glossary_and_case_only() -> None:
    old = pl.DataFrame(
        {
            "item": ["P-100", "p-200", "P-9"],
            "segment": ["standard", "STRATEGIC", "retail"],
            "final": [1.0, 2.0, 3.0],
        }
    )
    ids = {"segment": frozenset({"core", "strategic"}), "item": frozenset({"P-100", "P-200"})}
    aliases = {"core": "core", "standard": "core", "strategic": "strategic"}
    got = in_current_terms(old, ids, aliases)
    assert got["segment"].to_list() == ["core", "strategic", "retail"]  # unknown: as written
    assert got["item"].to_list() == ["P-100", "P-200", "P-9"]
    assert got["final"].to_list() == [1.0, 2.0, 3.0]


@pytest.fixture
def renamed(tmp_path: Path) -> tuple[Path, dict[str, list[dict[str, str]]]]:
    """Two committed cycles: sop/2026-12/v1 plans segment `standard`, then the charter renames
    it `core` and sop/2027-01/v1 plans `core`; actuals 2027-01..03 name `core`."""
    root = tmp_path / "plan"
    assert run(["init", str(root), "--cycle", "2026-12"]).code == 0
    shutil.rmtree(root / "cycles" / "2026-12")
    text = (root / CHARTER).read_text("utf-8")
    text = text.replace("metrics:\n", EXTRA_INPUTS + "metrics:\n", 1)
    (root / CHARTER).write_text(text.replace("finance:\n", LEARN + "finance:\n", 1), "utf-8")
    plans = {}
    for cycle, first in (("2026-12", "2027-01"), ("2027-01", "2027-02")):
        files = cycle_files(cycle, first)
        if cycle == "2027-01":
            rename_segment(root)
            files = {p: core(t) if p.endswith(".csv") else t for p, t in files.items()}
        write_files(root, files)
        for step in ("demand", "reconcile"):
            r = run([step, cycle, "--format", "json"], cwd=root)
            assert r.code == 0, r.out + r.err
        plan = root / "cycles" / cycle / "outputs" / "demand_plan.csv"
        plans[cycle] = list(csv.DictReader(io.StringIO(plan.read_text("utf-8"))))
        _approve(root, cycle)
        _commit(root, f"Plan {cycle}")
        r = run(["tag", cycle], cwd=root)
        assert r.code == 0, r.out + r.err
    write_files(root, {"actuals/demand.csv": core(demand_actuals())})
    _commit(root, "Actuals to March")
    return root, plans


def _wape_by_hand(plans: dict[str, list[dict[str, str]]], lag: int) -> tuple[float, int]:
    """Pooled WAPE of one lag over both cycles, the old plan's `standard` read as `core`."""
    actual = {
        (r["item"], r["segment"], r["period"]): float(r["ordered"])
        for r in csv.DictReader(io.StringIO(core(demand_actuals())))
    }
    abs_err = total = 0.0
    n = 0
    for cycle, first_month in (("2026-12", 1), ("2027-01", 2)):
        period = f"2027-{first_month + lag - 1:02d}"
        if period not in {"2027-02", "2027-03"}:  # observed inside the learned horizon
            continue
        plan = {
            (r["item"], r["segment"].replace("standard", "core"), r["period"]): float(r["final"])
            for r in plans[cycle]
            if r["period"] == period
        }
        keys = set(plan) | {k for k in actual if k[2] == period}
        abs_err += sum(abs(actual.get(k, 0.0) - plan.get(k, 0.0)) for k in keys)
        total += sum(actual.get(k, 0.0) for k in keys)
        n += len(keys)
    return abs_err / total, n


def test_lag_accuracy_reads_an_older_tag_through_the_current_glossary(
    renamed: tuple[Path, dict[str, list[dict[str, str]]]],
) -> None:
    root, plans = renamed
    r = run(["learn", "2027-01", "--format", "json"], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    doc = json.loads(r.out)
    assert doc["lag_tags"] == ["sop/2026-12/v1", "sop/2027-01/v1"]
    lag = {
        row["key"]: row
        for row in doc["scorecard"]
        if row["section"] == "lag" and row["metric"] == "wape"
    }
    assert set(lag) == {"1", "2", "3"}
    for key, row in lag.items():
        wape, n = _wape_by_hand(plans, int(key))
        assert row["value"] == pytest.approx(wape, abs=1e-4), key
        assert row["n"] == n == (4 if key != "2" else 8), key  # 4 series, not 6


def test_demand_changes_compare_a_renamed_segment_with_its_old_name(repo: Path) -> None:
    assert run(["demand", "2026-12"], cwd=repo).code == 0
    rename_segment(repo)
    src, dst = repo / "cycles" / "2026-12", repo / "cycles" / "2027-01"
    for p in src.rglob("*"):
        if p.is_file() and "outputs" not in p.parts:
            target = dst / p.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = p.read_text("utf-8")
            target.write_text(core(text) if p.suffix == ".csv" else text, "utf-8")
    (dst / "cycle.yaml").write_text((src / "cycle.yaml").read_text().replace("2026-12", "2027-01"))
    r = run(["demand", "2027-01", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["comparison"] == "compared" and doc["changes"] == []
    out = run(["demand", "2027-01"], cwd=repo).out
    assert "No change of final demand against cycle 2026-12." in out


def _learn(root: Path, *args: str) -> dict:
    r = run(["learn", *args, "--format", "json"], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    return json.loads(r.out)


def test_an_older_tag_learns_from_actuals_in_the_current_names(
    renamed: tuple[Path, dict[str, list[dict[str, str]]]],
) -> None:
    """sop/2026-12/v1 knows `standard`; the actuals say `core`, as the current charter does
    (`term: core, aliases: [standard]`): they count for `standard`, with an info naming the
    reading, and the later tag's `core` plan joins the lags as `standard` too."""
    root, _plans = renamed
    old_words = root / "old-words"
    write_files(old_words, {"demand.csv": demand_actuals()})
    expected = _learn(root, "2026-12", "--actuals", str(old_words))

    doc = _learn(root, "2026-12")
    assert [f["code"] for f in doc["findings"] if f["severity"] != "info"] == []
    info = [f for f in doc["findings"] if f["severity"] == "info"]
    assert [(f["path"], f["line"], f["col"], f["code"]) for f in info] == [
        ("actuals/demand.csv", 5, 2, "SOP406")
    ]
    assert info[0]["message"] == (
        "'core' (6 rows) is read as segment 'standard', its name in sop/2026-12/v1: the "
        "current charter's glossary has both in one entry (term 'core')"
    )
    assert doc["scorecard"] == expected["scorecard"]
    assert doc["lag_tags"] == ["sop/2026-12/v1", "sop/2027-01/v1"]
    lag = {
        row["key"]: row["n"]
        for row in doc["scorecard"]
        if row["section"] == "lag" and row["metric"] == "wape"
    }
    assert lag == {"1": 8, "2": 8, "3": 4}  # 4 series per tag and period, not 6


def test_a_name_no_charter_knows_is_still_unknown(
    renamed: tuple[Path, dict[str, list[dict[str, str]]]],
) -> None:
    root, _plans = renamed
    path = root / "actuals" / "demand.csv"
    path.write_text(path.read_text("utf-8") + "P-100,wholesale,2027-01,5,5\n", "utf-8")
    r = run(["learn", "2026-12"], cwd=root)
    assert r.code == 1
    assert "actuals/demand.csv:14:2: error SOP403 unknown segment 'wholesale' (1 row)" in r.out


def test_an_item_renamed_in_the_current_charter_counts_for_its_old_name(
    renamed: tuple[Path, dict[str, list[dict[str, str]]]],
) -> None:
    root, _plans = renamed
    expected = _learn(root, "2027-01")
    charter = root / CHARTER
    text = charter.read_text("utf-8")
    charter.write_text(
        text.replace("glossary:\n", "glossary:\n  - term: V-200\n    aliases: [P-200]\n", 1),
        "utf-8",
    )
    path = root / "actuals" / "demand.csv"
    path.write_text(path.read_text("utf-8").replace("P-200", "V-200"), "utf-8")
    doc = _learn(root, "2027-01")
    assert [(f["code"], f["severity"], f["line"]) for f in doc["findings"]] == [
        ("SOP406", "info", 8)
    ]
    assert "'V-200' (6 rows) is read as item 'P-200'" in doc["findings"][0]["message"]
    assert doc["scorecard"] == expected["scorecard"]


def test_a_current_name_standing_for_two_of_the_tags_names_is_not_guessed(
    tmp_path: Path,
) -> None:
    from sopctl.demos.minimal import files
    from sopctl.learn.words import Word, current_words

    charter = files()[CHARTER]
    tag_ids = {"segment": frozenset({"strategic", "standard"}), "item": frozenset({"P-100"})}
    tag_aliases = {"strategic": "strategic", "strategic accounts": "strategic"}
    write_files(tmp_path, {CHARTER: charter})
    rename_segment(tmp_path)
    words = current_words(tmp_path, "acme", "sop/2026-12/v1", tag_ids, tag_aliases)
    assert words.kinds == {"segment": {"core": Word("standard", "core")}, "item": {}}
    merged = charter.replace(
        "  - term: strategic\n    aliases: [Strategic accounts]\n",
        "  - term: core\n    aliases: [standard, strategic, Strategic accounts]\n",
    )
    write_files(tmp_path, {CHARTER: merged})
    words = current_words(tmp_path, "acme", "sop/2026-12/v1", tag_ids, tag_aliases)
    assert words.kinds == {"segment": {}, "item": {}}
    write_files(tmp_path, {CHARTER: "not: [a charter"})
    assert current_words(tmp_path, "acme", "t", tag_ids, tag_aliases).kinds == {}
