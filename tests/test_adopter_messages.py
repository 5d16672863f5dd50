"""Messages a first-time adopter met writing her own charter and inputs, beyond the corpus of
tests/fixtures/bad_inputs (cases 270-277): the YAML loaders alike, weekly charters, a cycle
whose charter cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sopctl import yamlio
from sopctl.yamlhints import unit_hint
from sopctl.yamlio import parse_yaml
from tests.helpers import make_repo, run

FLOW = "escalation:\n  - {exception: overload, min_value: 1,250,000.50, to: ops}\n"


@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure"])
@pytest.mark.parametrize(
    ("text", "data"),
    [
        # a number with thousands commas in a flow mapping is one text, as in block style
        (FLOW, {"exception": "overload", "min_value": "1,250,000.50", "to": "ops"}),
        ("a: {n: 5,000}\n", {"n": "5,000"}),
        ("a: {n: -12,500, m: 1}\n", {"n": "-12,500", "m": 1}),
        # what YAML itself reads stays: a space after the comma, a key given a value, a list
        ("a: {n: 5, 000}\n", {"n": 5, 0: None}),
        ("a: {n: 5,000: 3}\n", {"n": 5, 0: 3}),
        ("a: {n: '5',000}\n", {"n": "5", 0: None}),
        ("a: {n: x,000}\n", {"n": "x", 0: None}),
    ],
)
def test_flow_mapping_thousands_are_one_text(
    fast: bool, text: str, data: dict[object, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    if fast and yamlio._FAST is None:
        pytest.skip("PyYAML without libyaml")
    if not fast:
        monkeypatch.setattr(yamlio, "_FAST", None)
    doc, findings = parse_yaml("x.yaml", text)
    assert doc is not None and not findings
    got = doc.data["escalation"][0] if "escalation" in doc.data else doc.data["a"]
    assert got == data
    assert parse_yaml("x.yaml", "l: [5,000]\n")[0].data == {"l": [5, 0]}  # type: ignore[union-attr]


WEEKLY = {"cadence": {"bucket": "week"}}


@pytest.mark.parametrize(
    ("loc", "given", "data", "hint"),
    [
        (("pipeline", "close_to_demand_lag"), "2 weeks", WEEKLY, "counts weeks, the periods "
         "of this charter's cadence, without a unit: write 2"),
        (("cadence", "horizon_periods"), "26 wks", WEEKLY, "without a unit: write 26"),
        (("pipeline", "close_to_demand_lag"), "1 month", WEEKLY,
         "convert 1 month into a whole number of weeks"),
        (("horizon",), "6 months", {}, "horizon counts the periods of the charter's cadence, "
         "without a unit: write 6 if the charter plans in months (cadence.bucket)"),
        (("horizon",), "6 periods", {}, "without a unit: write 6"),
        (("finance", "dpo_days"), "30 days", {}, "dpo_days counts days, without a unit: "
         "write 30"),
        (("calendar", "commit"), "12 days", {}, "commit is a business day of the cycle month, "
         "a number without a unit: write 12"),
        (("limits", "max_input_mb"), "100 MB", {}, "write 100 (the number alone, without 'MB')"),
        (("finance", "dso_days"), "sixty", {}, ""),
        (("finance", "dso_days"), "60 parsecs", {}, ""),
    ],
)  # fmt: skip
def test_unit_hint(loc: tuple[str, ...], given: str, data: object, hint: str) -> None:
    said = unit_hint(loc, given, data)
    assert (hint in said) if hint else said == ""


def _findings(repo: Path) -> list[dict[str, object]]:
    r = run(["validate", "--format", "json"], cwd=repo)
    assert "Traceback" not in r.err
    findings: list[dict[str, object]] = json.loads(r.out)["findings"]
    return findings


def test_assumption_owner_without_a_readable_charter(tmp_path: Path) -> None:
    """The cycle names a charter that is not there: the owner's message still says what a
    role is, without a list it cannot make."""
    repo = make_repo(tmp_path / "plan")
    cy = repo / "cycles" / "2026-12" / "cycle.yaml"
    text = cy.read_text(encoding="utf-8")
    cy.write_text(
        text.replace("owner: ops_lead", "owner: Head of Operations").replace(
            "charter: acme", "charter: missing"
        ),
        encoding="utf-8",
    )
    [f] = [f for f in _findings(repo) if f["code"] == "SOP108"]
    assert f["message"] == (
        "'assumptions.0.owner' is 'Head of Operations': a role owns an assumption, named by "
        "its id; use the id of one of the roles under roles in the charter"
    )
