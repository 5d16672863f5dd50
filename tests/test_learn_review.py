"""Learn as a review reads it: breached values never shown equal to their target, assumptions
judged only by rows that measure what they state, tracking signals that cannot breach yet,
and the commit record's `derive: false` as a YAML boolean."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from sopctl.learn import scorecard as sc
from sopctl.learn.assumptions import _linked, mentions
from sopctl.learn.render import value_text
from tests.helpers import run
from tests.test_learn_support import three_cycles


def _rows(frame: Any) -> list[dict[str, Any]]:
    return list(frame.iter_rows(named=True))


# --- a breach never reads as its target -------------------------------------------------------


def test_a_breached_value_is_written_beyond_its_target() -> None:
    """QA: production_adherence FIT-ELB-SS 0.89998 showed '0.9 ≥ 0.9 breach' in text,
    Markdown and scorecard.csv."""
    th = sc.Threshold(target=0.9, direction="at_least")
    card = sc.concat(
        [
            sc.one("adherence", "production_adherence", "item", "FIT-ELB-SS", 0.89998, th, 4),
            sc.one("adherence", "production_adherence", "item", "OK", 0.912345, th, 4),
            sc.one("adherence", "production_adherence", "item", "FAR", 0.81234567, th, 4),
        ]
    )
    csv_rows = list(csv.DictReader(io.StringIO(sc.scorecard_bytes(card).decode())))
    assert [r["value"] for r in csv_rows] == ["0.89998", "0.9123", "0.8123"]
    assert [value_text(r) for r in _rows(card)] == ["0.89998", "0.9123", "0.8123"]


@pytest.mark.parametrize(
    ("value", "th", "shown"),
    [
        (-4.00002, sc.Threshold(target=4, direction="at_most", absolute=True), "-4.00002"),
        (0.95004, sc.Threshold(target=0.9, tolerance=0.05, direction="at_most"), "0.95004"),
        (100000.3, sc.Threshold(target=100000, direction="at_most"), "100,000.3"),
    ],
)
def test_breaches_of_every_kind_read_as_breaches(
    value: float, th: sc.Threshold, shown: str
) -> None:
    row = _rows(sc.one("forecast", "m", "total", "all", value, th))[0]
    assert row["status"] == "breach"
    assert value_text(row) == shown


# --- assumptions ------------------------------------------------------------------------------

NAMES = {
    "material": {"mot-s": "lead_time:MOT-S", "elmotor brno": "lead_time:MOT-S"},
    "item": {"p-100": "P-100"},
    "segment": {"strategic": "strategic", "framework customers": "strategic"},
    "resource": {"line-a": "line-a", "line-b": "line-b", "crew": "crew"},
}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Line A runs reduced hours in August", [("resource", "line-a")]),
        ("LINE_A and line-b", [("resource", "line-a"), ("resource", "line-b")]),
        ("the line and its crew", [("resource", "crew")]),  # "line a" is no part of "line and"
        ("Framework customers are served first", [("segment", "strategic")]),  # an alias
        ("Elmotor Brno ships MOT-S.", [("material", "lead_time:MOT-S")]),
    ],
)
def test_names_are_found_as_csv_values_name_ids(text: str, found: list[tuple[str, str]]) -> None:
    """QA: A4 names "Line A" and was not matched to resource line-a at all."""
    assert mentions(text, NAMES) == found


def test_an_assumption_is_judged_only_by_rows_that_measure_what_it_states() -> None:
    """QA: A5 (crew overtime cap, hiring limits) scored 0 'did not hold' because crew's
    utilisation_peak breached: that row measures load, not the cap."""
    peak = {"metric": "utilisation_peak", "key": "crew", "value": 1.05, "status": "breach"}
    lead = {"metric": "lead_time", "key": "lead_time:MOT-S", "value": 3.0, "status": "breach"}
    index = {
        ("adherence", "utilisation_peak", "resource", "crew"): peak,
        ("assumptions", "lead_time", "assumption", "lead_time:MOT-S"): lead,
    }
    a5 = "Assembly crew overtime is capped at 20 hours per worker a month; at most 3 hires."
    rows, why = _linked(a5, mentions(a5, NAMES), index)
    assert rows == [] and why and "crew" in why[0]
    a3 = "Elmotor Brno allocates 950 MOT-S a month; orders placed now arrive in April."
    rows, why = _linked(a3, mentions(a3, NAMES), index)
    assert rows == [lead] and why == []
    quota = "Elmotor Brno allocates at most 950 MOT-S a month."  # says nothing of lead times
    rows, why = _linked(quota, mentions(quota, NAMES), index)
    assert rows == [] and "which the text does not state" in why[0]


# --- tracking signal with few periods ---------------------------------------------------------


def test_a_tracking_signal_that_cannot_breach_yet_says_so(tmp_path: Path) -> None:
    """Over n periods |TS| ≤ n: with 3 observed months a limit of 4 cannot be breached, so an
    'ok' says nothing yet; the scorecard's note and the text say so."""
    repo = three_cycles(tmp_path / "plan")
    res = run(["learn", "2026-12"], cwd=repo)
    assert res.code in (0, 1), res.out + res.err
    text = " ".join(res.out.split())
    assert "only 3 observed periods: |TS| cannot exceed 3, so the limit 4 cannot be" in text
    card = list(
        csv.DictReader(io.StringIO((repo / "learn/2026-12/scorecard.csv").read_text("utf-8")))
    )
    total = next(r for r in card if r["metric"] == "tracking_signal" and r["scope"] == "total")
    assert total["note"].startswith("only 3 observed periods: |TS| cannot exceed 3")
    other = next(r for r in card if r["metric"] == "wape" and r["scope"] == "total")
    assert "observed periods" not in other["note"]
    md = run(["learn", "2026-12", "--format", "markdown"], cwd=repo).out
    assert "- tracking_signal of all" in md and "cannot be breached yet" in md


# --- the commit record's derive -----------------------------------------------------------------


def test_derive_false_is_a_yaml_boolean_and_old_records_still_read() -> None:
    from sopctl.governance.tag_record import assumption_fact, dump, parse
    from sopctl.schemas.cycle import Assumption
    from sopctl.schemas.records import CommitRecord

    fact = assumption_fact(
        Assumption.model_validate({"id": "A1", "text": "t", "owner": "cfo", "derive": False})
    )
    assert fact["derive"] is False
    record = CommitRecord(
        cycle="2026-12",
        charter="acme",
        tagger="a@b.example",
        plan_digest="a" * 64,
        approvals=[],
        files={},
        kpis={},
        assumptions=[fact],
    )
    message = dump(record, "sop/2026-12/v1")
    assert "derive: false" in message and "'false'" not in message
    assert parse(message).assumptions[0]["derive"] is False
    old = message.replace("derive: false", "derive: 'false'")  # as sopctl wrote it before
    assert parse(old).assumptions[0]["derive"] == "false"


# --- actuals added after the scorecard --------------------------------------------------------


def test_actuals_added_after_the_scorecard_are_named(tmp_path: Path) -> None:
    """QA: an order_lines.csv added after learn gave no note, unlike a changed demand.csv."""
    from sopctl.learn import provenance
    from sopctl.results import sha256

    (tmp_path / "actuals").mkdir()
    demand = tmp_path / "actuals" / "demand.csv"
    demand.write_text("item,segment,period,ordered,shipped\n", encoding="utf-8")
    folder = tmp_path / "learn" / "2026-12"
    folder.mkdir(parents=True)
    digests = {"actuals/demand.csv": sha256(demand)}
    (folder / provenance.NAME).write_bytes(
        provenance.provenance("sop/2026-12/v1", "c" * 40, "a" * 64, "actuals", digests)
    )
    assert provenance.changed_actuals(tmp_path, folder) == []
    (tmp_path / "actuals" / "notes.csv").write_text("x\n", encoding="utf-8")  # no actuals table
    (tmp_path / "actuals" / "order_lines.csv").write_text("order_id\n", encoding="utf-8")
    assert provenance.changed_actuals(tmp_path, folder) == ["added actuals/order_lines.csv"]
    demand.write_text("item,segment,period,ordered,shipped\nP,s,2027-01,1,1\n", "utf-8")
    assert provenance.changed_actuals(tmp_path, folder) == [
        "actuals/demand.csv",
        "added actuals/order_lines.csv",
    ]


def test_no_data_notes_name_the_stage_or_segment_they_are_about() -> None:
    """Pipeline calibration printed two 'no data for conversion: won 0, lost 0, …' notes
    without saying which stage each was about."""
    from sopctl.learn.render import no_data_notes

    info = sc.Threshold()
    part = sc.concat(
        [
            sc.one("pipeline", "conversion", "stage", "qualified", None, info, 0, "won 0, open 1"),
            sc.one("pipeline", "conversion", "stage", "proposal", None, info, 0, "won 0, open 0"),
            sc.one("pipeline", "close_slip", "stage", "qualified", None, info, 0, "0 of 0"),
            sc.one("pipeline", "close_slip", "stage", "proposal", None, info, 0, "0 of 0"),
            sc.one("pipeline", "conversion", "total", sc.TOTAL, None, info, 0, "no deals"),
            sc.one("assumptions", "assumption", "assumption", "A1", None, info, None, "to fill"),
        ]
    )
    assert no_data_notes(part) == [
        "conversion of stage qualified: won 0, open 1",
        "conversion of stage proposal: won 0, open 0",
        "close_slip of stage qualified, close_slip of stage proposal: 0 of 0",
        "conversion: no deals",
        "A1: to fill",
    ]
    many = sc.concat(
        [sc.one("service", "otif", "item", f"P-{i}", None, info, 0, "none") for i in range(7)]
    )
    assert no_data_notes(many) == [
        "otif of item P-0, otif of item P-1, otif of item P-2, otif of item P-3, otif of item "
        "P-4 and 2 more: none"
    ]
