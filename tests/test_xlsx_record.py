"""`sopctl import xlsx` and the export record: a workbook never undoes a change committed
after it was exported. A sheet not edited leaves its file alone; an edited sheet whose file
changed since is refused (SOP020); a workbook of another cycle goes only into a cycle named
on the command line (SOP018); --dry-run lists the files it would write."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers import git, old_export, run
from tests.test_tag_support import CDIR, commit_all, ready_copy

INPUTS = f"{CDIR}/inputs"
NEXT = "cycles/2027-01"


@pytest.fixture
def monday(tmp_path: Path) -> Path:
    """A committed planning repository and `monday.xlsx`, its inputs exported on Monday."""
    root = ready_copy(tmp_path / "plan")
    r = run(["export", "xlsx", "--inputs", "--out", "monday.xlsx"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def _inputs(root: Path, cdir: str = CDIR) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / cdir / "inputs").iterdir())}


def _commit_change(root: Path, rel: str, old: str, new: str) -> bytes:
    """A planner's commit after the export: `old` -> `new` in the file at `rel`."""
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    commit_all(root, f"change {rel}")
    return path.read_bytes()


def _edit(root: Path, cells: dict[str, Any], name: str = "edited.xlsx", src: str = "") -> str:
    """The workbook with cells set, e.g. {"items!D2": 41}, saved as `name`."""
    wb = openpyxl.load_workbook(root / (src or "monday.xlsx"))
    for ref, value in cells.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    wb.save(root / name)
    return name


def _import(root: Path, *args: str, code: int = 0, cwd: Path | None = None) -> str:
    r = run(["import", "xlsx", *args], cwd=cwd or root)
    assert r.code == code, r.out + r.err
    return r.out + r.err


def test_the_export_records_the_cycle_and_each_sheets_file(monday: Path) -> None:
    about = openpyxl.load_workbook(monday / "monday.xlsx")["_about"]
    rows = [list(r) for r in about.iter_rows(values_only=True)]
    assert rows[0] == ["key", "value", "file SHA-256", "cells SHA-256"]
    assert rows[1][:2] == ["cycle", "2026-12"]
    record = {r[1]: r[2] for r in rows if r[0] == "input"}
    assert record == {
        name: hashlib.sha256(data).hexdigest() for name, data in _inputs(monday).items()
    }


def test_a_sheet_not_edited_leaves_a_file_changed_since_as_it_is(monday: Path) -> None:
    """The QA case: the supply planner commits a stock count after the export; the analyst
    edits only the items sheet. Inventory keeps the new count; items is written."""
    counted = _commit_change(monday, f"{INPUTS}/inventory.csv", "P-100,150,", "P-100,140,")
    out = _import(monday, _edit(monday, {"items!D2": 41}))
    assert f"wrote {INPUTS}/items.csv\n" in out and "inventory.csv" in out, out
    assert "left as they are: history.csv, pipeline.csv, overrides.csv, resources.csv, " in out
    assert "routings.csv, inventory.csv\n" in out
    assert "SOP" not in out, out
    assert (monday / INPUTS / "inventory.csv").read_bytes() == counted
    assert b"P-100,pumps,Compact pump,41," in (monday / INPUTS / "items.csv").read_bytes()
    assert git(monday, "status", "--porcelain", "--", "cycles").split() == [
        "M",
        f"{INPUTS}/items.csv",
    ]


@pytest.mark.parametrize("change", ["commit", "delete"])
def test_an_edited_sheet_whose_file_changed_since_is_refused(monday: Path, change: str) -> None:
    inventory = f"{INPUTS}/inventory.csv"
    if change == "commit":
        _commit_change(monday, inventory, "P-100,150,", "P-100,140,")
        what = "changed in the repository since this workbook was exported (it is not the file"
    else:
        (monday / inventory).unlink()
        what = "was deleted from the repository since this workbook was exported"
    before = _inputs(monday)
    book = _edit(monday, {"items!D2": 41, "inventory!C3": 85})
    out = _import(monday, book, code=1)
    assert (
        f"edited.xlsx:inventory: error SOP020 the sheet was edited, and {inventory} {what}"
    ) in out, out
    assert (
        "writing the sheet would undo that change. Export again (sopctl export xlsx --inputs) "
        f"and redo the sheet's edits there, or merge them into the file with git (git log -p -- "
        f"{inventory} shows the change)"
    ) in out
    assert "failed: 1 error; nothing written" in out and out.count("SOP020") == 1
    assert _inputs(monday) == before  # items.csv neither: all or nothing


def test_dry_run_lists_the_files_it_would_write(monday: Path) -> None:
    book = _edit(monday, {"items!D2": 41, "inventory!B2": "150 "})  # the same value, spaced
    out = _import(monday, book, "--dry-run")
    assert out.endswith(
        f"would write {INPUTS}/items.csv\n"
        "unchanged: inventory.csv\n"
        "not edited since the export, left as they are: history.csv, pipeline.csv, "
        "overrides.csv, resources.csv, routings.csv\n"
        "ok: 7 sheets valid; nothing written (--dry-run)\n"
    ), out
    r = run(["import", "xlsx", book, "--dry-run", "--format", "json"], cwd=monday)
    doc = json.loads(r.out)
    assert r.code == 0 and doc["dry_run"] is True and doc["written"] == []
    assert doc["changed"] == ["items.csv"] and doc["unchanged"] == ["inventory.csv"]
    assert doc["untouched"] == [
        "history.csv",
        "pipeline.csv",
        "overrides.csv",
        "resources.csv",
        "routings.csv",
    ]
    assert git(monday, "status", "--porcelain", "--", "cycles") == ""


@pytest.fixture
def january(monday: Path) -> Path:
    """A later cycle 2027-01, started from December's inputs, committed after the export."""
    shutil.copytree(monday / CDIR, monday / NEXT, ignore=shutil.ignore_patterns("outputs"))
    yaml = monday / NEXT / "cycle.yaml"
    text = yaml.read_text("utf-8").replace("id: 2026-12", "id: 2027-01")
    yaml.write_text(text.replace("first_period: 2027-01", "first_period: 2027-02"), "utf-8")
    commit_all(monday, "start 2027-01")
    assert run(["validate", "2027-01"], cwd=monday).code == 0
    return monday


def test_a_workbook_goes_into_another_cycle_only_when_that_cycle_is_named(
    january: Path,
) -> None:
    """The December workbook is not imported into January, the latest cycle, by default,
    nor from January's folder; named, its edited sheets go where January's file is still
    the file they were exported from."""
    before = {c: _inputs(january, c) for c in (CDIR, NEXT)}
    counted = _commit_change(january, f"{NEXT}/inputs/inventory.csv", "P-100,150,", "P-100,99,")
    book = _edit(january, {"items!D2": 41})
    for cwd in (january, january / NEXT / "inputs"):
        out = _import(january, str(january / book), code=1, cwd=cwd)
        how = "the latest cycle" if cwd == january else "the cycle of the current folder"
        assert (
            f"edited.xlsx:_about: error SOP018 this workbook was exported from cycle 2026-12, "
            f"and 2027-01 is {how}: a workbook is imported into another cycle than its own "
            "only when that cycle is named. To import it into its own cycle: sopctl import "
            "xlsx edited.xlsx 2026-12; to bring its edits into 2027-01: sopctl import xlsx "
            "edited.xlsx 2027-01"
        ) in out, out
        assert "failed: 1 error; nothing written" in out
    assert _inputs(january, CDIR) == before[CDIR]
    out = _import(january, book, "2027-01")
    assert "warning SOP018 this workbook was exported from cycle 2026-12 and is imported " in out
    assert f"wrote {NEXT}/inputs/items.csv" in out and "inventory.csv" in out, out
    assert (january / NEXT / "inputs" / "inventory.csv").read_bytes() == counted
    # January's stock count differs from the one the sheet was exported with
    book = _edit(january, {"inventory!C3": 85}, "stock.xlsx")
    out = _import(january, book, "2027-01", code=1)
    assert f"stock.xlsx:inventory: error SOP020 the sheet was edited, and {NEXT}/inputs/" in out
    # into its own cycle, named
    out = _import(january, book, "2026-12")
    assert f"wrote {INPUTS}/inventory.csv" in out and "SOP018" not in out, out


def test_a_workbook_without_a_record_is_imported_with_a_warning(
    monday: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exported by an older sopctl: every sheet is written over its file, as before; the
    warning says a change made since cannot be told."""
    old_export(monkeypatch)
    assert run(["export", "xlsx", "--inputs", "--out", "old.xlsx"], cwd=monday).code == 0
    book = _edit(monday, {"items!D2": 41}, src="old.xlsx")
    _commit_change(monday, f"{INPUTS}/inventory.csv", "P-100,150,", "P-100,140,")
    out = _import(monday, book)
    assert (
        "edited.xlsx: warning SOP021 this workbook carries no export record (made by hand, or "
        "exported by an older sopctl), so import cannot tell whether a file changed in the "
        "repository since: every sheet is written over its file"
    ) in out, out
    assert f"wrote {INPUTS}/inventory.csv" in out and f"wrote {INPUTS}/items.csv" in out
