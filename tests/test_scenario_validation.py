"""Scenario files are validated like every input: the register in cycle.yaml, the schema, and
each overlay's selectors against the cycle, with findings at the offending line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopctl.scenarios.load import read_scenario
from sopctl.validate import validate
from tests.helpers import run, write_files
from tests.test_scenario_repo import CYCLE, cycle_yaml, scenario_yaml, tiny_repo

HEAD = "description: What if\nowner: ops_lead\noverlays:\n"
FILE = f"{CYCLE}/scenarios/s.yaml"

# (case, overlays written from line 4, expected findings (code, line, col) in s.yaml); a
# value is located at its key, an element of a list at itself
BAD = [
    ("unknown item", "  - kind: demand\n    items: [A, Z]\n    factor: 2\n", [("SOP623", 5, 16)]),
    (
        "family matching nothing",
        "  - kind: price\n    families: [gears]\n    factor: 2\n",
        [("SOP622", 5, 16)],
    ),
    (
        "unknown segment",
        "  - kind: demand\n    segments: [retail]\n    units: 5\n",
        [("SOP623", 5, 16)],
    ),
    (
        "unknown resource",
        "  - kind: capacity\n    resources: [OVEN]\n    hours: 5\n",
        [("SOP623", 5, 17)],
    ),
    (
        "period outside the horizon",
        "  - kind: shift\n    resources: [LINE]\n    from: 2027-05\n    hours: 5\n",
        [("SOP624", 6, 5)],
    ),
    (
        "range wholly after the horizon",
        "  - kind: demand\n    from: 2027-05\n    to: 2027-08\n    factor: 2\n",
        [("SOP624", 5, 5)],
    ),
    (
        "added promotion wholly before the horizon",
        "  - kind: promotion\n    action: add\n    id: P7\n    items: [A]\n    segments: [key]\n"
        "    from: 2026-10\n    to: 2026-12\n    uplift_pct: 5\n",
        [("SOP624", 10, 5)],
    ),
    (
        "not a period",
        "  - kind: demand\n    from: 2027-13\n    factor: 2\n",
        [("SOP625", 5, 5)],
    ),
    (
        "reversed range",
        "  - kind: demand\n    from: 2027-03\n    to: 2027-02\n    factor: 2\n",
        [("SOP625", 6, 5)],
    ),
    (
        "workforce policy on a fixed resource",
        "  - kind: workforce\n    resources: [LINE]\n    policy: no_layoffs\n",
        [("SOP626", 5, 17)],
    ),
    (
        "supplier supplying nothing",
        "  - kind: supplier\n    suppliers: [Nobody]\n    delay: 1\n",
        [("SOP622", 5, 17)],
    ),
    (
        "removed promotion that does not exist",
        "  - kind: promotion\n    action: remove\n    id: P9\n",
        [("SOP623", 6, 5)],
    ),
    (
        "added promotion reusing an id",
        "  - kind: promotion\n    action: add\n    id: P1\n    items: [A]\n    segments: [key]\n"
        "    from: 2027-01\n    to: 2027-01\n    uplift_pct: 5\n",
        [("SOP631", 6, 5)],
    ),
    (
        "supplier periods before the horizon",
        "  - kind: supplier\n    materials: [M]\n    to: 2026-12\n    capacity_factor: 0.5\n",
        [("SOP624", 6, 5)],
    ),
    (
        "supplier delay with a period range",
        "  - kind: supplier\n    materials: [M]\n    from: 2027-02\n    delay: 1\n",
        [("SOP108", 4, 5)],
    ),
    (
        "receipts delayed by 0 periods",
        "  - kind: receipts\n    items: [B]\n    delay: 0\n",
        [("SOP108", 6, 5)],
    ),
    (
        "receipts delayed by part of a period",
        "  - kind: receipts\n    items: [B]\n    delay: 1.5\n",
        [("SOP108", 6, 5)],
    ),
    (
        "receipts with a negative factor",
        "  - kind: receipts\n    items: [B]\n    factor: -0.5\n",
        [("SOP108", 6, 5)],
    ),
    (
        "receipts neither delayed nor short",
        "  - kind: receipts\n    items: [B]\n    from: 2027-01\n",
        [("SOP108", 4, 5)],
    ),
    (
        "receipts of an unknown item",
        "  - kind: receipts\n    items: [Z]\n    delay: 1\n",
        [("SOP623", 5, 13)],
    ),
    (
        "receipts of a family matching nothing",
        "  - kind: receipts\n    families: [gears]\n    delay: 1\n",
        [("SOP622", 5, 16)],
    ),
    (
        "receipts arriving outside the horizon",
        "  - kind: receipts\n    items: [B]\n    from: 2027-06\n    delay: 1\n",
        [("SOP624", 6, 5)],
    ),
    (
        "receipts with units",
        "  - kind: receipts\n    items: [B]\n    units: -10\n",
        [("SOP106", 6, 5)],
    ),
    (
        "cost period outside the horizon",
        "  - kind: cost\n    materials: [M]\n    from: 2027-09\n    factor: 1.1\n",
        [("SOP624", 6, 5)],
    ),
    ("factor and units", "  - kind: demand\n    factor: 2\n    units: 3\n", [("SOP108", 4, 5)]),
    ("unknown kind", "  - kind: weather\n    factor: 2\n", [("SOP108", 4, 5)]),
    ("unknown key", "  - kind: demand\n    factr: 2\n", [("SOP106", 5, 5)]),
    (
        "text for a number",
        "  - kind: capacity\n    resources: [LINE]\n    hours: many\n",
        [("SOP108", 6, 5)],
    ),
    ("infinite factor", "  - kind: demand\n    factor: .inf\n", [("SOP108", 5, 5)]),
    (
        "hours not a number",
        "  - kind: capacity\n    resources: [LINE]\n    hours: .nan\n",
        [("SOP108", 6, 5)],
    ),
]


def _codes(root: Path, path: str) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.col) for f in validate(root) if f.path == path]


@pytest.mark.parametrize(("overlays", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_overlay_is_a_finding_at_its_line(
    tmp_path: Path, overlays: str, expected: list[tuple[str, int, int]]
) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": HEAD + overlays})
    assert sorted(_codes(root, FILE)) == sorted(expected)


@pytest.mark.parametrize(
    ("overlays", "line", "message"),
    [
        # YAML 1.1 reads an exponent without a dot as text
        ("  - kind: demand\n    factor: 12e-1\n", 5, "(YAML reads it as text; write 12.0e-1)"),
        ("  - kind: weather\n", 4, "kind 'weather' is not one of 'demand', 'capacity', "),
        ("  - [demand, 2]\n", 4, "'overlays.0' must be a mapping of keys to values"),
        ("  - {kind: demand, factor: 2, units: 3}\n", 4, "'overlays.0' give exactly one of"),
        ("  - {kind: receipts, items: [B]}\n", 4, "'overlays.0' give delay, factor or both"),
        (
            "  - {kind: receipts, items: [B], delay: 0}\n",
            4,
            "'overlays.0.delay' is 0: input should be greater than or equal to 1",
        ),
    ],
)
def test_messages_say_what_to_write(tmp_path: Path, overlays: str, line: int, message: str) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": HEAD + overlays})
    (f,) = [f for f in validate(root) if f.path == FILE]
    assert (f.code, f.line) == ("SOP108", line)
    assert message in f.message and "pydantic" not in f.message, f.message
    assert "value error" not in f.message.lower()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2027-W05", "'2027-W05' is an ISO week; this charter plans in months: write 2027-02 "),
        ("2027-13", "'2027-13' is not a valid period; use a month written YYYY-MM"),
    ],
)
def test_an_overlay_period_says_what_is_wrong_with_it(
    tmp_path: Path, value: str, message: str
) -> None:
    overlays = f"  - kind: demand\n    from: {value}\n    factor: 2\n"
    root = tiny_repo(tmp_path / "tiny", {"s": HEAD + overlays})
    (f,) = [f for f in validate(root) if f.path == FILE]
    assert (f.code, f.line, f.col) == ("SOP625", 5, 5)
    assert message in f.message, f.message


def test_owner_must_be_a_charter_role(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": scenario_yaml("", owner="ceo")})
    assert _codes(root, FILE) == [("SOP627", 2, 1)]


def test_register_declared_without_file_undeclared_file_and_base_file(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"kept": scenario_yaml("")})
    write_files(
        root,
        {
            f"{CYCLE}/cycle.yaml": cycle_yaml(["kept", "ghost"]),
            f"{CYCLE}/scenarios/shadow.yaml": scenario_yaml(""),
            f"{CYCLE}/scenarios/base.yaml": scenario_yaml(""),
            f"{CYCLE}/scenarios/old.yml": scenario_yaml(""),
            f"{CYCLE}/scenarios/README.md": "notes are fine\n",
        },
    )
    found = sorted((f.path, f.line, f.code) for f in validate(root) if f.code.startswith("SOP6"))
    assert found == [
        (f"{CYCLE}/cycle.yaml", 9, "SOP620"),
        (f"{CYCLE}/scenarios/base.yaml", 0, "SOP628"),
        (f"{CYCLE}/scenarios/old.yml", 0, "SOP621"),
        (f"{CYCLE}/scenarios/shadow.yaml", 0, "SOP621"),
    ]
    r = run(["validate"], cwd=root)
    assert r.code == 1
    assert f"{CYCLE}/cycle.yaml:9:5: error SOP620 scenario 'ghost' is declared" in r.out
    assert "rename it to old.yaml" in r.out


def test_a_bad_scenario_blocks_reconcile_like_a_bad_input(tmp_path: Path) -> None:
    root = tiny_repo(
        tmp_path / "tiny", {"s": HEAD + "  - kind: demand\n    items: [Z]\n    factor: 2\n"}
    )
    r = run(["reconcile", "--dry-run", "--format", "json"], cwd=root)
    assert r.code == 1
    doc = json.loads(r.out)
    assert [f["code"] for f in doc["findings"]] == ["SOP623"]


# (overlays, expected warning code, words in the message)
WARNINGS = [
    ("  - {kind: demand, items: [B], segments: [key], factor: 2}\n", "SOP629", "no demand"),
    (
        "  - {kind: capacity, resources: [LINE], from: 2027-02, to: 2027-02, hours: -250}\n",
        "SOP630",
        "1 resource-period hours",
    ),
    ("  - {kind: supplier, materials: [M], delay: 3}\n", "SOP632", "1 open order(s) (50 units)"),
]


@pytest.mark.parametrize(("overlays", "code", "words"), WARNINGS)
def test_overlay_warnings_when_applied(
    tmp_path: Path, overlays: str, code: str, words: str
) -> None:
    root = tiny_repo(tmp_path / "tiny", {"s": HEAD + overlays})
    r = run(["reconcile", "--scenario", "s", "--dry-run", "--format", "json"], cwd=root)
    assert r.code == 0, r.out
    (sc,) = json.loads(r.out)["scenarios"]
    assert [(f["code"], f["line"]) for f in sc["findings"]] == [(code, 4)]
    assert words in sc["findings"][0]["message"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["kind", "items", "factor", "from", "overlays", "owner", "x"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_loader_turns_any_yaml_into_a_scenario_or_findings(tmp_path: Path, data: object) -> None:
    path = tmp_path / "s.yaml"
    doc = {"description": "d", "owner": "ops_lead", "overlays": [data]}
    path.write_text(json.dumps(doc), encoding="utf-8")  # JSON is YAML
    sc, findings = read_scenario(tmp_path, path, "s")
    assert (sc is None) == bool(findings)
    assert all(f.line >= 1 for f in findings)
