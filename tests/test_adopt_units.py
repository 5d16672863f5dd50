"""The pieces of `sopctl adopt`, by hand: CSV row edits that keep every untouched byte, the
cycle.yaml text edit, and demand overlays turned into delta overrides."""

from __future__ import annotations

import polars as pl
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sopctl.scenarios.adopt_rows import RowCounts, demand_deltas
from sopctl.scenarios.csvedit import Edit, apply_edit
from sopctl.scenarios.cycle_edit import adopt_edit
from sopctl.yamlio import parse_yaml

CSV = (
    "resource,period,hours,overtime_limit\n"
    "whse,2027-01,1000.50,\n"
    'line-a,2027-02,"1,050",150\n'
    "line-b,2027-03,400,60\n"
)


def test_a_changed_cell_leaves_the_rest_of_the_record_as_written() -> None:
    out = apply_edit(CSV.encode(), Edit(cells={4: {"hours": "380"}})).decode()
    assert out == CSV.replace("line-b,2027-03,400,60", "line-b,2027-03,380,60")
    out = apply_edit(CSV.encode(), Edit(cells={2: {"overtime_limit": "20"}})).decode()
    assert "whse,2027-01,1000.50,20\n" in out and '"1,050"' in out


def test_the_other_cells_of_a_changed_record_keep_their_quotes() -> None:
    """Only the changed cell is written anew: a quoted cell that needs no quotes, a quoted
    comma, doubled quotes and a line break inside quotes stay as written."""
    text = 'id,desc,qty,note\r\n"A","Crew ""day"", assembly",10.50,"two\nlines"\r\nB,plain,3,\r\n'
    out = apply_edit(text.encode(), Edit(cells={2: {"qty": "7"}})).decode()
    assert out == text.replace("10.50", "7")
    out = apply_edit(text.encode(), Edit(cells={2: {"note": "a,b"}, 4: {"note": ""}})).decode()
    assert out == text.replace('"two\nlines"', '"a,b"')
    out = apply_edit(text.encode(), Edit(cells={4: {"extra": "x"}})).decode()
    assert out.startswith("id,desc,qty,note,extra\r\n") and out.endswith("\r\nB,plain,3,,x\r\n")
    assert '"A","Crew ""day"", assembly",10.50,"two\nlines",\r\n' in out


def test_a_vertical_tab_or_a_line_separator_in_a_value_is_no_line_end() -> None:
    text = 'id,text\nA,"tab\x0bhere\u2028too"\nB,plain\n'
    out = apply_edit(text.encode(), Edit(cells={3: {"text": "new"}})).decode()
    assert out == 'id,text\nA,"tab\x0bhere\u2028too"\nB,new\n'


def test_a_lone_cr_outside_quotes_and_new_values_with_a_cr() -> None:
    """A lone CR outside quotes (which the validator accepts) is no reason to fail, and a new
    value holding a CR is quoted, so that the edited file reads back as the same records."""
    import csv
    import io

    text = "id,text\nA\r,x\nB,plain\n"
    out = apply_edit(
        text.encode(), Edit(cells={3: {"text": "p\rq"}}, append=[{"id": "C", "text": "r\rs"}])
    )
    got = out.decode()
    assert got == 'id,text\nA\r,x\nB,"p\rq"\nC,"r\rs"\n'
    rows = list(csv.reader(io.StringIO(got, newline="")))
    assert rows[-2:] == [["B", "p\rq"], ["C", "r\rs"]]


def test_rows_are_dropped_and_appended_and_line_ends_and_bom_kept() -> None:
    data = ("\ufeff" + CSV.replace("\n", "\r\n")).encode()
    edit = Edit(drop={3}, append=[{"resource": "crew", "period": "2027-04", "hours": "122"}])
    out = apply_edit(data, edit).decode()
    assert out.startswith("\ufeffresource,") and "line-a" not in out
    assert out.endswith("line-b,2027-03,400,60\r\ncrew,2027-04,122,\r\n")
    assert "\n" not in out.replace("\r\n", "")


def test_a_column_the_file_lacks_is_added_with_empty_cells() -> None:
    out = apply_edit(CSV.encode(), Edit(cells={4: {"max_layoffs": "0"}})).decode()
    lines = out.splitlines()
    assert lines[0] == "resource,period,hours,overtime_limit,max_layoffs"
    assert lines[1] == "whse,2027-01,1000.50,,"
    assert lines[3] == "line-b,2027-03,400,60,0"


def test_a_quoted_record_over_two_lines_is_one_record() -> None:
    text = 'id,text\nA,"two\nlines"\nB,plain\n'
    out = apply_edit(text.encode(), Edit(cells={4: {"text": "new"}})).decode()
    assert out == 'id,text\nA,"two\nlines"\nB,new\n'
    out = apply_edit(text.encode(), Edit(drop={2})).decode()
    assert out == "id,text\nB,plain\n"
    with pytest.raises(ValueError, match="do not start a record"):
        apply_edit(text.encode(), Edit(cells={3: {"text": "x"}}))


def test_appending_to_a_file_without_a_final_newline() -> None:
    out = apply_edit(b"a,b\n1,2", Edit(append=[{"a": "3", "b": "x,y"}])).decode()
    assert out == 'a,b\n1,2\n3,"x,y"\n'
    assert not Edit() and Edit(drop={2})
    assert RowCounts(changed=2, added=1).words() == "2 changed, 1 added"
    assert RowCounts().words() == "no rows"


CYCLE = """\
# the cycle
id: "2027-01"
charter: tiny
first_period: "2027-01"
assumptions:
  - id: A1
    owner: ops_lead
    text: >-
      Line runs two shifts.

scenarios:
  - id: base
    description: As planned
  - id: up
    description: >-
      Pumps at 30
      from January
  - id: cut
    description: Line down
"""
ENTRY = {
    "id": "adopted-up",
    "owner": "yes",
    "text": "Scenario up adopted as the plan: " + "pumping-station " * 6 + "x" * 90,
}


def test_cycle_yaml_loses_the_scenario_and_gains_the_assumption_as_a_folded_text() -> None:
    doc, _ = parse_yaml("cycle.yaml", CYCLE)
    assert doc is not None
    out = adopt_edit(CYCLE, doc, "up", ENTRY)
    assert out is not None
    data = yaml.safe_load(out)
    assert [s["id"] for s in data["scenarios"]] == ["base", "cut"]
    assert data["assumptions"][-1] == ENTRY  # the role 'yes' stays a string
    assert out.startswith("# the cycle\n")
    assert "    text: >-\n      Scenario up adopted" in out and "owner: 'yes'" in out
    assert "      Line runs two shifts.\n  - id: adopted-up\n" in out
    assert "Pumps at 30" not in out and "  - id: cut\n    description: Line down\n" in out


def test_cycle_yaml_with_crlf_line_ends_keeps_them() -> None:
    text = CYCLE.replace("\n", "\r\n")
    doc, _ = parse_yaml("cycle.yaml", text)
    assert doc is not None
    out = adopt_edit(text, doc, "up", ENTRY)
    assert out is not None and "\n" not in out.replace("\r\n", "")
    assert yaml.safe_load(out)["assumptions"][-1] == ENTRY


def test_cycle_yaml_without_assumptions_gets_the_list_and_flow_lists_are_refused() -> None:
    text = 'id: "2027-01"\ncharter: tiny\nfirst_period: "2027-01"\nscenarios:\n  - id: up\n'
    doc, _ = parse_yaml("cycle.yaml", text)
    assert doc is not None
    out = adopt_edit(text, doc, "up", {"id": "a", "owner": "o", "text": "t"})
    assert out is not None and yaml.safe_load(out)["assumptions"] == [
        {"id": "a", "owner": "o", "text": "t"}
    ]
    assert yaml.safe_load(out)["scenarios"] == [{"id": "base"}]  # the register is never empty
    flow = 'id: "2027-01"\nscenarios: [{id: base}, {id: up}]\nassumptions: []\n'
    doc, _ = parse_yaml("cycle.yaml", flow)
    assert doc is not None and adopt_edit(flow, doc, "up", ENTRY) is None
    assert adopt_edit(text, doc, "nope", ENTRY) is None


def _view(rows: list[tuple[str, float, float, float]]) -> pl.DataFrame:
    """(period, baseline, override, final) rows of item A, segment s."""
    return pl.DataFrame(
        {
            "item": ["A"] * len(rows),
            "segment": ["s"] * len(rows),
            "period": [r[0] for r in rows],
            "baseline": [r[1] for r in rows],
            "pipeline": [0.0] * len(rows),
            "promotion": [0.0] * len(rows),
            "renewal": [0.0] * len(rows),
            "override": [r[2] for r in rows],
            "final": [r[3] for r in rows],
        }
    )


def test_demand_deltas_reach_the_scenario_figure_from_the_raw_sum() -> None:
    view = _view(
        [
            ("2027-01", 36.0, 0.0, 36.0),  # x 1.3 -> 46.8: delta 10.8, not 10.800000000000004
            ("2027-02", 10.0, -15.0, 0.0),  # floored at 0; +20 units -> 20: delta 25 from -5
            ("2027-03", 10.0, 0.0, 10.0),  # unchanged: no row
            ("2027-04", 10.0, -15.0, 0.0),  # floored, and still 0: no row
        ]
    )
    scenario = pl.concat(
        [
            view.with_columns(
                pl.when(pl.col("period") == "2027-01")
                .then(pl.col("final") * 1.3)
                .when(pl.col("period") == "2027-02")
                .then(20.0)
                .otherwise(pl.col("final"))
                .alias("final")
            ),
            _view([("2027-05", 0.0, 0.0, 7.0)]),  # a new cell
        ]
    )
    got = demand_deltas(view, scenario)
    assert got.to_dicts() == [
        {"item": "A", "segment": "s", "period": "2027-01", "quantity": 10.8},
        {"item": "A", "segment": "s", "period": "2027-02", "quantity": 25.0},
        {"item": "A", "segment": "s", "period": "2027-05", "quantity": 7.0},
    ]


CELL = st.lists(
    st.sampled_from(["a", "b", " ", ",", '"', "\r", "\n", "\r\n", "é"]), max_size=6
).map("".join)


@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=6), st.booleans())
@example([("x\ry", ""), ("b", "")], False)  # a lone CR and no LF in any cell
@settings(max_examples=80, deadline=None)
def test_adopt_names_records_by_the_validators_line_numbers(
    rows: list[tuple[str, str]], crlf: bool
) -> None:
    """Whatever a quoted value holds (CR, LF, CRLF), the line the validator gives a row is the
    line adopt's edit of that row names: the edit changes that row and no other."""
    import csv
    import io
    import tempfile
    from pathlib import Path

    from sopctl.scenarios.csvedit import _records
    from sopctl.tables.csvread import LINE, read_raw

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL)
    writer.writerows([("id", "text"), *[(f"R{i}", t + u) for i, (t, u) in enumerate(rows)]])
    text = buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(text.encode())
        raw, findings = read_raw(path, "t.csv", {"id", "text"}, 1 << 20)
    assert raw is not None, findings
    starts = [r.start for r in _records(text)][1:]
    assert raw.frame[LINE].to_list() == starts
    last = starts[-1]
    out = apply_edit(text.encode(), Edit(cells={last: {"text": "new"}})).decode()
    got = list(csv.reader(io.StringIO(out, newline="")))
    assert (
        got[-1] == [f"R{len(rows) - 1}", "new"]
        and got[:-1] == list(csv.reader(io.StringIO(text, newline="")))[:-1]
    )
