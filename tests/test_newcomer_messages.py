"""Mistakes a newcomer makes modelling their own company, and the message each one gets.

One table: an edit of the minimal example (a text replaced in one file), then the finding
`sopctl validate` must report for it — code, line, column and a phrase of the fix — and, where
a message once gave the wrong advice, a phrase it must not hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sopctl.check.metrics import COMPUTABLE
from sopctl.learn.rules import CHARTER_METRICS
from sopctl.schemas.charter import KNOWN_METRICS
from sopctl.yamlio import parse_yaml
from tests.helpers import make_repo, run

CH = "charters/acme.yaml"
CY = "cycles/2026-12/cycle.yaml"
IN = "cycles/2026-12/inputs/"
PIPELINE_P = (
    "deal_id,account,item,segment,stage,quantity,close_period,ship_periods,probability,"
    "probability_reason\nD-001,Borealis,P-100,strategic,proposal,200,2027-01,2,{},CEO call\n"
)
ITEMS = "item,family,description,unit_cost,price,lead_time,holding_cost\nP-100,pumps,Pump,"

# (id, file, old text, new text, code, line, col, phrase of the fix, phrase it must not hold)
CASES: list[tuple[str, str, str, str, str, int, int, str, str]] = [
    # 1. a rate written in percent
    ("carrying-rate-18", CH, "inventory_carrying_rate: 0.2", "inventory_carrying_rate: 18",
     "SOP108", 80, 3, "write 0.18 for 18 %", ""),
    ("share-tolerance-2", CH, "tolerance: 0.02", "tolerance: 2",
     "SOP108", 52, 41, "the tolerance of service_level is a share too", ""),
    # 2. a metric name spelt wrong
    ("metric-forecast-bais", CH, "name: forecast_bias", "name: forecast_bais",
     "SOP511", 53, 6, "did you mean 'forecast_bias'?", ""),
    ("metric-gross-margn", CH, "name: forecast_bias, target: 0.05, direction: at_most",
     "name: gross_margn, target: 0.3", "SOP511", 53, 6, "did you mean 'gross_margin'?", ""),
    # 3. numbers in YAML written as people write them
    ("yaml-percent", CH, "service_level_target: 0.98", "service_level_target: 95%",
     "SOP108", 57, 5, "write 0.95 for 95 %", ""),
    ("yaml-currency", CH, "shortage_penalty: 20", "shortage_penalty: €60",
     "SOP108", 59, 5, "write 60 (the number alone", ""),
    ("yaml-decimal-comma", CH, "service_level_target: 0.9\n", "service_level_target: 0,98\n",
     "SOP108", 62, 5, "write 0.98", ""),
    ("yaml-thousands", CH, "dso_days: 45", "dso_days: 1,000",
     "SOP108", 78, 3, "write 1000", ""),
    # 4. CSV cells: a percentage in a 0-1 column, currencies, a lead time with its unit
    ("csv-percent-in-probability", IN + "pipeline.csv", "", PIPELINE_P.format("95%"),
     "SOP302", 2, 9, "write 0.95 for 95 %", "such as 12.5"),
    ("csv-euro-before", IN + "items.csv", "", ITEMS + "€6.80,65,0,0.8\n",
     "SOP302", 2, 4, "write 6.80 (the number alone", ""),
    ("csv-euro-after", IN + "items.csv", "", ITEMS + "40,8.40 €,0,0.8\n",
     "SOP302", 2, 5, "write 8.40", ""),
    ("csv-dollar", IN + "items.csv", "", ITEMS + "$17.50,65,0,0.8\n",
     "SOP302", 2, 4, "write 17.50", ""),
    ("csv-currency-code", IN + "items.csv", "", ITEMS + "40,103.00 EUR,0,0.8\n",
     "SOP302", 2, 5, "write 103.00", ""),
    ("csv-lead-time-weeks", IN + "items.csv", "", ITEMS + "40,65,2 weeks,0.8\n",
     "SOP304", 2, 6, "lead_time counts months", "such as 3"),
    ("csv-lead-time-months", IN + "items.csv", "", ITEMS + "40,65,2 months,0.8\n",
     "SOP304", 2, 6, "without a unit: write 2", ""),
    # 5. periods that read as one month
    ("csv-period-mon-yyyy", IN + "history.csv", "strategic,2025-12,", "strategic,Dec-2025,",
     "SOP308", 2, 3, "write 2025-12", ""),
    ("csv-period-yyyy-m", IN + "history.csv", "strategic,2026-01,", "strategic,2026-1,",
     "SOP308", 3, 3, "write 2026-01", ""),
    ("csv-period-month-name", IN + "history.csv", "strategic,2026-02,", "strategic,Feb 2026,",
     "SOP308", 4, 3, "write 2026-02", ""),
    ("csv-period-mm-dot-yyyy", IN + "history.csv", "strategic,2026-04,", "strategic,04.2026,",
     "SOP308", 6, 3, "write 2026-04", ""),
    ("csv-period-date", IN + "history.csv", "strategic,2026-05,", "strategic,2026-05-01,",
     "SOP308", 7, 3, "write 2026-05", ""),
    ("yaml-period-name", CY, "first_period: 2027-01", "first_period: Jan-2027",
     "SOP308", 4, 1, "write 2027-01", ""),
    ("yaml-period-date", CY, "first_period: 2027-01", "first_period: 2027-01-01",
     "SOP108", 4, 1, "write 2027-01", ""),
    # 6. YAML layout
    ("yaml-tabbed-line-1-of-2", CH, "  signal: 5\n  reconcile: 10\n",
     "\tsignal: 5\n\treconcile: 10\n", "SOP104", 19, 1, "YAML forbids tabs there", ""),
    ("yaml-tabbed-line-2-of-2", CH, "  signal: 5\n  reconcile: 10\n",
     "\tsignal: 5\n\treconcile: 10\n", "SOP104", 20, 1, "YAML forbids tabs there", ""),
    ("yaml-tab-after-key", CH, "  signal: 5\n", "  signal:\t40\n",
     "SOP108", 19, 3, "'calendar.signal' is 40", "SOP104"),
    ("yaml-dash-without-space", CH, "  - id: sales_lead", "  -id: sales_lead",
     "SOP101", 24, 10, "put a space after '-' on line 23", "indentation looks wrong"),
    ("yaml-key-under-dash", CH, "  - id: sales_lead\n    title", "  - id: sales_lead\n  title",
     "SOP101", 24, 3, "the keys of the entry on line 23 start in column 5", "fix the YAML"),
    # 7. advice that sent the user to the wrong place
    ("role-typo-in-right", CH, "override_demand: [sales_lead, demand_planner]",
     "override_demand: [sales_lead, demand_plannr]",
     "SOP502", 36, 33, "unknown role 'demand_plannr'", ""),
    ("frozen-beyond-horizon", CH, "frozen_periods: 1", "frozen_periods: 12",
     "SOP506", 15, 3, "lower frozen_periods below horizon_periods", ""),
    # 8. a whole row has no column
    ("blank-line-no-column", IN + "history.csv", "P-100,strategic,2026-01,125\n",
     "P-100,strategic,2026-01,125\n\n", "SOP208", 4, 0, "blank line", ""),
    # 9. a word for "no value" (NULL, None, NaN, N/A, #N/A ...): in an optional column read
    # as the empty cell it stands for, with a warning; in a required one an empty value
    ("csv-NULL-optional", IN + "pipeline.csv", "", PIPELINE_P.format("NULL"),
     "SOP313", 2, 9, "'NULL' in column 'probability' is read as no value", ""),
    ("csv-N/A-optional", IN + "pipeline.csv", "", PIPELINE_P.format("N/A"),
     "SOP313", 2, 9, "is read as no value", ""),
    ("csv-NaN-optional", IN + "pipeline.csv", "", PIPELINE_P.format("NaN"),
     "SOP313", 2, 9, "is read as no value", ""),
    ("csv-None-optional", IN + "pipeline.csv", "", PIPELINE_P.format("None"),
     "SOP313", 2, 9, "is read as no value", ""),
    ("csv-null-optional-int", IN + "pipeline.csv", "",
     PIPELINE_P.format("0.5").replace(",2,0.5", ",null,0.5"),
     "SOP313", 2, 8, "'null' in column 'ship_periods' is read as no value", ""),
    ("csv-NULL-optional-text", IN + "items.csv", "", ITEMS + "40,65,0,0.8\nP-200,NULL,,12,21,0,1\n",
     "SOP313", 3, 2, "'NULL' in column 'family' is read as no value", ""),
    ("csv-NULL-reason-is-no-reason", IN + "pipeline.csv", "", PIPELINE_P.format("0.5").replace(
        "CEO call", "NULL"), "SOP310", 2, 10, "needs a probability_reason", ""),
    ("csv-NULL-required", IN + "pipeline.csv", "",
     PIPELINE_P.format("0.5").replace(",200,", ",NULL,"),
     "SOP301", 2, 6, "'NULL' in column 'quantity' is no value", "is not a number"),
    ("csv-None-required-text", IN + "overrides.csv", "Trade fair orders expected", "None",
     "SOP301", 2, 8, "'None' in column 'reason' is no value", ""),
    # '-' is how a spreadsheet's accounting format shows 0: not read as no value
    ("csv-dash-optional", IN + "pipeline.csv", "", PIPELINE_P.format("-"),
     "SOP302", 2, 9, "write 0 if zero is meant", ""),
    ("csv-dash-optional-no-zero", IN + "pipeline.csv", "",
     PIPELINE_P.format("0.5").replace(",2,0.5", ",-,0.5"),
     "SOP304", 2, 8, "leave the cell empty for no value", "write 0"),
    # an id is a name: 'NA' names no segment (it might be North America's), it is not empty
    ("csv-NA-segment-is-a-name", IN + "history.csv", "P-100,strategic,2026-01,",
     "P-100,NA,2026-01,", "SOP403", 3, 2, "'NA'", "no value"),
    # 10. invisible characters in a header or an id, shown as <U+XXXX> wherever quoted
    ("header-zero-width-space", IN + "history.csv", "item,segment,", "item,segment\u200b,",
     "SOP204", 1, 2, "column 'segment<U+200B>' is not part", "\u200b"),
    ("header-doubled-bom", IN + "history.csv", "item,segment,", "\ufeff\ufeffitem,segment,",
     "SOP204", 1, 1, "column '<U+FEFF>item' is not part", "\ufeff"),
    ("id-zero-width-unrouted", IN + "items.csv", "\nP-100,", "\nP-100\u200b,",
     "SOP407", 2, 1, "item 'P-100<U+200B>' is made in house", "\u200b"),
    ("period-zero-width", IN + "history.csv", "strategic,2026-01,", "strategic,2026-01\u200b,",
     "SOP308", 3, 3, "'2026-01<U+200B>'", ""),
]  # fmt: skip


def _edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    if not old:  # the whole file
        path.write_text(new, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _validate(repo: Path) -> tuple[int, list[dict[str, Any]]]:
    r = run(["validate", "--format", "json", "--max-per-file", "10000"], cwd=repo)
    assert "Traceback" not in r.err, r.err
    return r.code, json.loads(r.out)["findings"]


def _shown(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {f['path']}:{f['line']}:{f['col']} {f['code']} {f['message']}" for f in findings
    )


@pytest.mark.parametrize(
    ("rel", "old", "new", "code", "line", "col", "phrase", "never"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_newcomer_mistake(
    tmp_path: Path,
    rel: str,
    old: str,
    new: str,
    code: str,
    line: int,
    col: int,
    phrase: str,
    never: str,
) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    _edit(repo, rel, old, new)
    _, findings = _validate(repo)
    hits = [f for f in findings if f["code"] == code and f["path"] == rel]
    assert any(f["line"] == line and f["col"] == col and phrase in f["message"] for f in hits), (
        f"no {code} at {line}:{col} saying {phrase!r}:\n{_shown(findings)}"
    )
    if never:
        assert not any(never in f["message"] for f in hits), _shown(hits)


def _charter_and_overrides(repo: Path, charter: tuple[str, str], owner: str) -> None:
    _edit(repo, CH, *charter)
    _edit(repo, IN + "overrides.csv", "sam@acme.example", owner)


def test_a_role_typo_in_the_right_is_not_blamed_on_the_override_owner(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    typo = ("[sales_lead, demand_planner]", "[sales_lead, demand_plannr]")
    _charter_and_overrides(repo, typo, "dana@acme.example")  # dana is a demand_planner
    _, findings = _validate(repo)
    sop701 = [f for f in findings if f["code"] == "SOP701"]
    assert sop701, _shown(findings)
    for f in sop701:
        assert "names 'demand_plannr', which is no role" in f["message"], f
        assert "set owner to" not in f["message"], f


def test_a_frozen_window_past_the_horizon_is_not_escaped_by_moving_the_override(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    _edit(repo, CH, "frozen_periods: 1", "frozen_periods: 12")
    _, findings = _validate(repo)
    sop702 = [f for f in findings if f["code"] == "SOP702"]
    assert sop702, _shown(findings)
    for f in sop702:
        assert "covers the whole horizon of 6 periods: lower frozen_periods" in f["message"], f
        assert "move the override to" not in f["message"], f
        assert "2027-01..2027-06" in f["message"], f  # the window as far as the horizon goes


def test_a_long_row_leaves_the_other_rows_checked(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    _edit(repo, IN + "history.csv", "strategic,2026-01,125", "strategic,2026-01,125,9")
    _edit(repo, IN + "history.csv", "strategic,2026-03,130", "strategic,2026-03,abc")
    _, findings = _validate(repo)
    got = {(f["code"], f["line"], f["col"]) for f in findings}
    assert {("SOP206", 3, 0), ("SOP302", 5, 4)} <= got, _shown(findings)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a:\t1\nb: 2\n", 1),
        ("a: 1\t# note\nb: 2\n", 1),
        ("a: 1\n\t# note\n\t\nb: 2\n", 1),
        ("a: [1,\t2]\n", [1, 2]),
        ("a: 1\t\nb: 2\n", 1),
        ("a: Acme\tParts\nb: 2\n", "Acme\tParts"),
        # a value continued on the next line: a tab after its indentation separates
        ("a: x\n  \ty\nb: 2\n", "x y"),
        ("a: x\n \t- y\n", "x - y"),
        ("a:\n  b: x\n   \ty\n", {"b": "x y"}),
        ("a: x \t\n  y\nb: 2\n", "x y"),
        ("a: x\n  \t\n  y\n", "x\ny"),
        ("a: [x\n  \ty]\n", ["x y"]),
    ],
    ids=[
        "after-key",
        "before-comment",
        "comment-and-blank-lines",
        "flow",
        "trailing",
        "value",
        "continued",
        "continued-dash",
        "continued-nested",
        "trailing-then-continued",
        "blank-line-in-value",
        "continued-flow",
    ],
)
def test_tabs_where_yaml_allows_them_are_read(text: str, value: Any) -> None:
    doc, findings = parse_yaml("f.yaml", text)
    assert doc is not None and not findings, findings
    assert doc.data["a"] == value and doc.data.get("b", 2) == 2
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None and "\t#" not in text:  # libyaml refuses a comment line after a tab
        assert yaml.load(text, Loader=fast) == doc.data  # read as PyYAML with libyaml reads it


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("a: x\n\ty\n", (2, 1)),  # no space before the tab: it indents
        ("a:\n  b: x\n  \ty\n", (3, 3)),  # b's value continues from column 4 only
        ("a: x\n\t\ty\n", (2, 1)),
    ],
    ids=["no-space", "inside-the-indentation", "two-tabs"],
)
def test_a_tab_within_a_continued_values_indentation_is_refused(
    text: str, at: tuple[int, int]
) -> None:
    _, findings = parse_yaml("f.yaml", text)
    assert [(f.code, f.line, f.col) for f in findings] == [("SOP104", *at)]
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=fast)


def test_each_tabbed_line_is_reported_up_to_the_cap() -> None:
    five = "a:\n" + "".join(f"\tk{i}: {i}\n" for i in range(5))
    _, findings = parse_yaml("f.yaml", five)
    assert [(f.code, f.line, f.col) for f in findings] == [("SOP104", n, 1) for n in range(2, 7)]
    many = "a:\n" + "".join(f"\tk{i}: {i}\n" for i in range(25))
    _, findings = parse_yaml("f.yaml", many)
    assert len(findings) == 21 and findings[-1].message.startswith("... and 5 more tabs")


def test_the_metric_registry_is_every_metric_check_and_learn_judge() -> None:
    judged = set(COMPUTABLE) | {name for name, _ in CHARTER_METRICS.values()}
    assert set(KNOWN_METRICS) == judged


def test_a_metric_tracked_outside_sopctl_stays_quiet(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    _edit(repo, CH, "name: forecast_bias", "name: pipeline_coverage")
    code, findings = _validate(repo)
    assert code == 0 and not [f for f in findings if f["code"] == "SOP511"], _shown(findings)


def test_the_known_ids_a_reference_misses_are_shown_with_their_invisible_characters(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    _edit(repo, IN + "items.csv", "\nP-100,", "\nP-100\u200b,")
    _, findings = _validate(repo)
    sop402 = [f for f in findings if f["code"] == "SOP402"]
    assert sop402, _shown(findings)
    for f in sop402:
        assert "(known: P-100<U+200B>, P-200)" in f["message"], f


HIST = IN + "history.csv"
TRAILING = "delete the empty columns after 'quantity'"


def _lines(header: str, row: str) -> Callable[[list[str]], list[str]]:
    """An edit of history.csv's lines: `header` and `row` are format strings of a line."""
    return lambda ls: [header.format(ls[0])] + [row.format(x) for x in ls[1:]]


# (id, edit of history.csv's lines, (line, col) of the one SOP211, or None: SOP206 per row).
# Empty trailing fields on one side (a spreadsheet's empty columns) lose no value: one
# warning says to delete the empty columns, and the rows are checked as they are.
RAGGED: list[tuple[str, Callable[[list[str]], list[str]], tuple[int, int] | None]] = [
    ("header-ends-with-comma", _lines("{},", "{}"), (1, 5)),
    ("header-ends-with-two-commas", _lines("{},,", "{}"), (1, 5)),
    ("rows-end-with-comma", _lines("{}", "{},"), (2, 0)),
    ("rows-end-with-comma-crlf", _lines("{}", "{},\r"), (2, 0)),
    ("rows-end-with-two-commas", _lines("{}", "{},,"), (2, 0)),
    ("rows-end-with-a-value-more", _lines("{}", "{},7"), None),
    ("header-ends-with-a-name-more", _lines("{},note", "{}"), None),
]


@pytest.mark.parametrize(("lines", "where"), [pytest.param(*c[1:], id=c[0]) for c in RAGGED])
def test_empty_trailing_columns_on_one_side_are_one_warning(
    tmp_path: Path, lines: Callable[[list[str]], list[str]], where: tuple[int, int] | None
) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    path = repo / HIST
    edited = lines(path.read_text().splitlines())
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    code, findings = _validate(repo)
    sop206 = [f for f in findings if f["code"] == "SOP206"]
    sop211 = [f for f in findings if f["code"] == "SOP211"]
    if where is None:
        assert len(sop206) == len(edited) - 1 and not sop211, _shown(findings)
        assert not any(TRAILING in f["message"] for f in sop206), _shown(sop206)
        return
    assert code == 0 and not sop206 and len(sop211) == 1, _shown(findings)
    (one,) = sop211
    assert (one["line"], one["col"], one["severity"]) == (*where, "warning"), _shown(sop211)
    assert TRAILING in one["message"] and "the rows are read as they are" in one["message"]
    assert f"{len(edited) - 1} rows" in one["message"], one["message"]


def test_empty_trailing_columns_are_one_warning_however_many_rows(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plan", commit=False)
    path = repo / HIST
    text = path.read_text().splitlines()
    rows = [f"P-100,strategic,{2020 + i // 12}-{i % 12 + 1:02d},5," for i in range(80)]
    path.write_text("\n".join([text[0], *rows]) + "\n", encoding="utf-8")
    _, findings = _validate(repo)
    assert not [f for f in findings if f["code"] == "SOP206"], _shown(findings)
    (one,) = [f for f in findings if f["code"] == "SOP211"]
    assert one["message"].startswith("80 rows (the first here) end with empty fields"), one
