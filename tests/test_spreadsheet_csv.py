"""CSV files as spreadsheets in other languages save them: totals rows, decimal commas,
thousands written with a dot or a no-break space, empty trailing columns. The functions one
by one; tests/fixtures/bad_inputs/256-264 run the same through `sopctl validate`."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sopctl.tables.check import Context, check_table
from sopctl.tables.commas import comma_message, reading, thousands_like
from sopctl.tables.contracts import CONTRACTS
from sopctl.tables.csvread import LINE, RawTable, read_raw
from sopctl.tables.dotted import check_dotted
from sopctl.tables.emit import Emitter
from sopctl.tables.numbers import cast_number
from sopctl.tables.totals import TOTAL_WORDS, drop_totals, label_column


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("0,350", "decimal"),  # no thousands group starts with 0 (hints.plain_number)
        ("-0,350", "decimal"),
        ("2,5", "decimal"),
        (",5", "decimal"),
        ("1.234,5", "decimal"),
        ("1 000,5", "decimal"),
        ("1,500", "either"),
        ("+12,345", "either"),
        ("1,500,000", "thousands"),
        ("1,500.25", "thousands"),
        ("1.500", ""),
        ("1,2,3", ""),
    ],
)
def test_what_a_comma_in_a_number_reads_as(value: str, read: str) -> None:
    assert reading(value) == read
    assert thousands_like(value) == (read in ("either", "thousands"))


def test_a_whole_number_column_reads_a_comma_as_thousands() -> None:
    ship = CONTRACTS["pipeline"].column("ship_periods")
    df = pl.DataFrame({LINE: [2, 3], "ship_periods": ["1,000", "0,5"]})
    out = Emitter("pipeline.csv", ["ship_periods"])
    cast_number(out, df, ship)
    (thousands,) = [f for f in out.findings if f.code == "SOP303"]
    assert thousands.message == comma_message("1,000", "ship_periods", True, None)
    assert "write 1000 (a dot" in thousands.message


@pytest.mark.parametrize("word", [*TOTAL_WORDS, "TOTAL", "Total:", "Grand Total", "GESAMT"])
def test_every_totals_word_marks_a_totals_row(word: str) -> None:
    contract = CONTRACTS["inventory"]
    df = pl.DataFrame({LINE: [2, 3], "item": ["P-100", word], "on_hand": ["1", "2"]})
    out = Emitter("inventory.csv", ["item", "on_hand"])
    kept = drop_totals(out, df, contract)
    assert kept["item"].to_list() == ["P-100"]
    assert [(f.code, f.line, f.col) for f in out.findings] == [("SOP210", 3, 1)]


@pytest.mark.parametrize("word", ["Totalizer", "SUM-1", "Subtotals", "Tot"])
def test_an_id_that_only_starts_like_a_totals_word_is_data(word: str) -> None:
    df = pl.DataFrame({LINE: [2], "item": [word], "on_hand": ["1"]})
    out = Emitter("inventory.csv", ["item", "on_hand"])
    assert drop_totals(out, df, CONTRACTS["inventory"]).height == 1 and not out.findings


def test_the_label_column_is_the_keys_first_id() -> None:
    assert label_column(CONTRACTS["demand_history"]) == "item"
    assert label_column(CONTRACTS["pipeline"]) == "deal_id"
    assert label_column(CONTRACTS["targets"]) == "segment"


def _dotted(values: list[str], items: list[str] | None = None) -> list[tuple[int, str]]:
    n = len(values)
    text = pl.Series("quantity", values)
    df = pl.DataFrame(
        {
            LINE: list(range(2, 2 + n)),
            "item": items or ["P-100"] * n,
            "segment": ["key"] * n,
            "quantity": text.cast(pl.Float64),
        }
    )
    out = Emitter("history.csv", ["item", "segment", "period", "quantity"])
    check_dotted(out, df, text, "demand_history", "quantity")
    return [(f.line, f.code) for f in out.findings]


def test_a_count_written_with_a_dot_between_thousands_is_a_warning() -> None:
    assert _dotted(["1800", "1.712", "1900", "1750"]) == [(3, "SOP314")]


@pytest.mark.parametrize(
    ("values", "items"),
    [
        (["1800", "1.712", "1900", "12.5"], None),  # real fractions in the column: units split
        (["150", "1.712", "160", "170"], None),  # not below 1/100 of the median (1.6)
        (["1800", "1.71", "1900", "1750"], None),  # two decimals are no thousands group
        (["1800", "0.712", "1900", "1750"], None),  # nor a 0 before the dot
        (["1.712", "1.805", "1.9"], None),  # no whole value to compare with
        # the median is its series', not the column's: P-200 sells a few a month
        (["1800", "1900", "1750", "3", "1.712", "2"], ["P-100"] * 3 + ["P-200"] * 3),
    ],
)
def test_what_is_no_thousands_written_with_a_dot(
    values: list[str], items: list[str] | None
) -> None:
    assert _dotted(values, items) == []


def test_a_column_of_whole_narrow_counts_costs_no_text_scan() -> None:
    """The clean case: no fraction and no value as wide as '1.712': nothing more is read
    (a text column that would fail any string operation proves it is not touched)."""
    df = pl.DataFrame({LINE: [2, 3], "quantity": [12.0, 40.0]})
    text = pl.Series("quantity", ["12", "40"])
    out = Emitter("pipeline.csv", ["quantity"])
    check_dotted(out, df, text, "pipeline", "quantity")
    assert not out.findings


def _raw(tmp_path: Path, body: str, table: str = "inventory") -> tuple[RawTable | None, list]:
    path = tmp_path / f"{table}.csv"
    path.write_bytes(body.encode())
    return read_raw(path, path.name, CONTRACTS[table].names, 10**8)


def test_a_quoted_value_over_two_lines_then_empty_fields_is_read(tmp_path: Path) -> None:
    raw, findings = _raw(tmp_path, 'item,on_hand,safety_stock\nP-1,5,"6\n",,\nP-2,5,6\n')
    assert raw is not None and raw.dropped == 0 and raw.frame[LINE].to_list() == [2, 4]
    assert [(f.code, f.line) for f in findings] == [("SOP211", 2)]
    assert findings[0].message.startswith("1 row (the first here) ends with empty fields")


def test_a_quoted_comma_in_the_extra_field_is_a_value(tmp_path: Path) -> None:
    raw, findings = _raw(tmp_path, 'item,on_hand,safety_stock\nP-1,5,6,","\n')
    assert raw is not None and raw.dropped == 1
    assert [f.code for f in findings] == ["SOP206"]


def test_rows_longer_and_shorter_than_a_header_with_empty_columns(tmp_path: Path) -> None:
    """Header with two empty columns; rows stop among them, run past them with empty fields,
    or lack a named column (the only fault: SOP206, that row alone left out)."""
    body = "item,on_hand,safety_stock,,\nP-1,5,6\nP-2,5,6,,,\nP-3,5\nP-4,5,6,\n"
    raw, findings = _raw(tmp_path, body)
    assert raw is not None and raw.frame["item"].to_list() == ["P-1", "P-2", "P-4"]
    got = sorted((f.code, f.line, f.col) for f in findings)
    assert got == [("SOP206", 4, 0), ("SOP211", 1, 4), ("SOP211", 3, 0)], findings


def test_the_checks_see_the_rows_a_trailing_column_once_hid(tmp_path: Path) -> None:
    raw, _ = _raw(tmp_path, "item,on_hand,safety_stock,\nP-1,-5,6\n")
    assert raw is not None
    ctx = Context(bucket="month", first_ordinal=0, horizon=6)
    _, findings = check_table(raw, CONTRACTS["inventory"], ctx)
    assert [f.code for f in findings] == ["SOP305"]  # on_hand below 0, on the kept row
