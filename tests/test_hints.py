"""The advice in messages: dates, fractions, decimal commas, misspelt keys, YAML indentation."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from sopctl.demos import EXAMPLES
from sopctl.hints import (
    DATE_EXAMPLE,
    allowed_keys,
    date_hint,
    decimal_comma,
    did_you_mean,
    fraction_hint,
)
from sopctl.schemas.charter import Charter, Metric
from sopctl.schemas.scenario import ScenarioFile
from sopctl.workspace import pydantic_findings
from sopctl.yamlio import parse_yaml


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("2027-1-5", "write the date as YYYY-MM-DD: 2027-01-05"),
        ("15.01.2027", "write the date as YYYY-MM-DD: 2027-01-15"),
        ("2027/01/15", "write the date as YYYY-MM-DD: 2027-01-15"),
        ("15/01/2027", "write the date as YYYY-MM-DD: 2027-01-15"),  # day first: 15 > 12
        ("01/15/2027", "write the date as YYYY-MM-DD: 2027-01-15"),  # month first
        (20270115, "write the date as YYYY-MM-DD: 2027-01-15"),
        (dt.datetime(2027, 1, 15, 10), "write the date alone, without a time: 2027-01-15"),
        ("03/04/2027", DATE_EXAMPLE),  # 3 April or March 4: no guess
        ("2027-13-40", DATE_EXAMPLE),  # no such date
        ("31.02.2027", DATE_EXAMPLE),
        ("end of May", DATE_EXAMPLE),
        (None, DATE_EXAMPLE),
        (True, DATE_EXAMPLE),
    ],
)
def test_date_hint(given: object, hint: str) -> None:
    assert date_hint(given) == hint


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (98, "write 0.98 for 98 %"),
        (100, "write 1 for 100 %"),
        (2.5, "write 0.025 for 2.5 %"),
        (2, "write 0.02 for 2 %"),
        (1.5, ""),  # a fraction typed wrong more likely than 1.5 %
        (1, ""),
        (0.5, ""),
        (150, ""),  # no percentage
        (-5, ""),
        (True, ""),
        ("98", ""),
    ],
)
def test_fraction_hint(value: object, hint: str) -> None:
    assert fraction_hint(value) == hint


@pytest.mark.parametrize(
    ("text", "number"),
    [("1,5", "1.5"), ("-12,75", "-12.75"), (",5", "0.5"), (" 130,5 ", "130.5")],
)
def test_decimal_comma(text: str, number: str) -> None:
    assert decimal_comma(text) == number


@pytest.mark.parametrize("text", ["ten", "1.5", "1,5,0", "1,5e3", "1, 5", ""])
def test_not_a_decimal_comma(text: str) -> None:
    assert decimal_comma(text) is None


def test_did_you_mean() -> None:
    keys = ["id", "priority", "shortage_penalty", "shortage_policy"]
    assert did_you_mean("shortage_penalt", keys) == "shortage_penalty"
    assert did_you_mean("Priorty", keys) == "priority"
    assert did_you_mean("colour", keys) is None


def test_allowed_keys_follow_lists_and_tagged_unions() -> None:
    segment = allowed_keys(Charter, ("segments", 0), {"segments": [{}]})
    assert "shortage_penalty" in segment and "roles" not in segment
    assert allowed_keys(Charter, ("pipeline", "stages", 3), {}) == ["id", "probability"]
    data = {"overlays": [{"kind": "capacity"}]}
    capacity = allowed_keys(ScenarioFile, ("overlays", 0), data)
    assert "resources" in capacity and "segments" not in capacity  # the capacity kind only
    untagged = allowed_keys(ScenarioFile, ("overlays", 0), {"overlays": [{}]})
    assert {"resources", "segments", "uplift_pct"} <= set(untagged)  # any kind's keys
    assert allowed_keys(Charter, ("organisation", "name"), {}) == []  # a value, no mapping


def _messages(text: str) -> list[str]:
    doc, findings = parse_yaml("charter.yaml", text)
    assert doc is not None and not findings
    with pytest.raises(ValidationError) as exc:
        Charter.model_validate(doc.data)
    return [f.message for f in pydantic_findings(doc, exc.value, Charter)]


def test_percentage_hint_only_on_fractions() -> None:
    charter = EXAMPLES["minimal"]()["charters/acme.yaml"]
    text = charter.replace("signal: 5", "signal: 40").replace(
        "horizon_periods: 6", "horizon_periods: 600"
    )
    messages = _messages(text.replace("service_level_target: 0.9\n", "service_level_target: 90\n"))
    percent = [m for m in messages if "%" in m]
    assert percent == [
        "'segments.1.service_level_target' is 90: must be a fraction from 0 to 1; write 0.9 "
        "for 90 %"
    ]
    assert any(m.startswith("'calendar.signal' is 40") for m in messages)  # a day, not a share
    assert any(m.startswith("'cadence.horizon_periods' is 600") for m in messages)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("a:\n  b: 1\n    c: 2\n", "line 3 starts in column 5, line 2 above it in column 3"),
        (
            "a:\n  - b: 1\n    c: 2\n  d: 3\n",
            "line 4 starts in column 3, line 3 above it in column 5 (the block started on line 2)",
        ),
        (
            "a:\n  b: 1\n\n  # a comment\n    c: 2\n",  # blank and comment lines are skipped
            "line 5 starts in column 5, line 2 above it in column 3",
        ),
        ("a: b: c\n", "a value that holds ': ' must be in quotes"),
        ("a:\n  - b: x: y\n", "a value that holds ': ' must be in quotes"),
    ],
)
def test_yaml_layout_hints(text: str, wanted: str) -> None:
    doc, findings = parse_yaml("f.yaml", text)
    assert doc is None and [f.code for f in findings] == ["SOP101"]
    assert wanted in findings[0].message
    assert "fix the YAML syntax" not in findings[0].message


def test_yaml_error_without_a_layout_cause_keeps_the_plain_advice() -> None:
    doc, findings = parse_yaml("f.yaml", "a: [1, 2\nb: 3\n")
    assert doc is None and [f.code for f in findings] == ["SOP101"]
    assert findings[0].message.endswith("fix the YAML syntax at this position")
    assert "indentation" not in findings[0].message


@pytest.mark.parametrize(("target", "hint"), [(1.5, ""), (95, "; write 0.95 for 95 %")])
def test_a_charter_metric_share_gets_the_percentage_hint_from_2(target: float, hint: str) -> None:
    with pytest.raises(ValidationError) as err:
        Metric(name="service_level", target=target, owner="coo")
    assert f"service_level is a share between 0 and 1{hint} [" in str(err.value)


@pytest.mark.parametrize(
    ("value", "advice"),
    [
        ("2.5", "is not a whole number: write 2 or 3"),
        ("-0.5", "is not a whole number: write -1 or 0"),
        ("lots", "is not a whole number; write an integer such as 3"),
        ("nan", "is not a whole number; write an integer such as 3"),
    ],
)
def test_a_fraction_in_an_integer_column_names_the_integers_either_side(
    value: str, advice: str
) -> None:
    from sopctl.hints import whole_number

    assert whole_number(value) == advice
