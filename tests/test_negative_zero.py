"""`-0` is 0: a negative zero written in a CSV cell, or left by rounding a tiny negative
result, never reaches an output file or a message as `-0`."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from sopctl.hints import number_hint, period_count_hint
from sopctl.learn.scorecard import frame_bytes
from sopctl.results import csv_bytes
from sopctl.tables.contracts import CONTRACTS
from sopctl.tables.csvread import LINE
from sopctl.tables.emit import Emitter
from sopctl.tables.numbers import cast_number
from tests.helpers import run

INPUTS = "cycles/2026-12/inputs"


@pytest.mark.parametrize(("table", "column"), [("inventory", "on_hand"), ("items", "lead_time")])
def test_a_negative_zero_cell_is_read_as_zero(table: str, column: str) -> None:
    col = CONTRACTS[table].column(column)
    cells = ["-0", "-0.0", "-0e0", "-0.000", "0", "-1e-320"]
    df = pl.DataFrame({LINE: list(range(2, 2 + len(cells))), column: cells})
    got = cast_number(Emitter(f"{table}.csv", [column]), df, col).to_list()
    assert got == [0.0] * len(cells)
    assert [math.copysign(1.0, v) for v in got] == [1.0] * len(cells), got


def test_a_message_about_a_negative_zero_says_0(repo: Path) -> None:
    path = repo / INPUTS / "routings.csv"
    path.write_text(path.read_text().replace("P-100,ASSY,1.2", "P-100,ASSY,-0.0", 1))
    pipeline = repo / INPUTS / "pipeline.csv"
    text = pipeline.read_text().splitlines()
    text[1] = text[1].rsplit(",", 1)[0] + ",-0"  # ship_periods, at least 1
    pipeline.write_text("\n".join(text) + "\n")
    r = run(["validate"], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert "SOP305 hours_per_unit is 0; it must be above 0" in r.out, r.out
    assert "SOP305 ship_periods is 0; it must be at least 1" in r.out, r.out
    assert "is -0" not in r.out


def test_an_override_of_minus_zero_is_written_as_0(repo: Path) -> None:
    path = repo / INPUTS / "overrides.csv"
    path.write_text(path.read_text().replace("delta,30,", "delta,-0,", 1))
    r = run(["demand"], cwd=repo)
    assert r.code == 0, r.out + r.err
    sources = (repo / "cycles/2026-12/outputs/demand_sources.csv").read_text()
    row = next(line for line in sources.splitlines() if ",override," in line)
    assert ",override,0.0000," in row, row
    assert ",-0.0000" not in sources


def test_result_files_write_no_negative_zero() -> None:
    """A tiny negative result rounds to -0.0; the CSV writers of outputs and of learn write 0
    (`x + 0.0` does not do it: polars simplifies the addition away)."""
    frame = pl.DataFrame({"value": [-0.0, -1e-7, -0.00004, 1.5, None]})
    assert csv_bytes(frame) == b"value\n0.0000\n0.0000\n0.0000\n1.5000\n\n"
    assert frame_bytes(frame) == b"value\n0.0\n0.0\n0.0\n1.5\n\n"


@pytest.mark.parametrize(
    ("text", "kind", "advice"),
    [
        ("-0%", "fraction", "write 0 for 0 %"),
        ("-0%", "points", "write 0 (percent points"),
        ("€-0", "plain", "write 0 (the number alone"),
        ("-0,0", "plain", "write 0.0 (a dot is the decimal mark)"),
        ("-0,5", "plain", "write -0.5 (a dot is the decimal mark)"),
    ],
)
def test_advice_never_says_to_write_minus_zero(text: str, kind: str, advice: str) -> None:
    hint = number_hint(text, kind)
    assert hint is not None and hint.startswith(advice), hint


def test_a_period_count_of_minus_zero_is_advised_as_0() -> None:
    hint = period_count_hint("-0 months", "lead_time", "month")
    assert hint is not None and hint.endswith("write 0"), hint
