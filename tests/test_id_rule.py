"""The id rule of CSV id columns is the rule YAML ids follow; what its findings suggest."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from sopctl.schemas.common import Id
from sopctl.tables.idrule import ID_PATTERN, is_id, shown, suggestion

GOOD = ["P-100", "a", "9", "A.b_c-d", "x" * 64]
BAD = ["", "P 100", "P\u200b100", "tab\there", "x" * 65, "=HYPERLINK(1)", "-P", "_P", "ПУМП", "é"]


@pytest.mark.parametrize("value", GOOD + BAD)
def test_the_csv_id_rule_is_the_yaml_id_rule(value: str) -> None:
    try:
        TypeAdapter(Id).validate_python(value)
        yaml_ok = True
    except ValidationError:
        yaml_ok = False
    assert is_id(value) == yaml_ok == (value in GOOD)
    assert (re.fullmatch(ID_PATTERN.strip("^$"), value) is not None) == yaml_ok


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("P 100", "P-100"),
        ("P\u200b100", "P100"),
        ("Pumpé 1", "Pumpe-1"),
        ("=HYPERLINK(1)", "HYPERLINK-1"),
        ("-P-5", "P-5"),
        ("ПУМП", None),
        ("x" * 65, None),
        ("P-100", None),  # already an id: nothing to suggest
        # letters spelt in A-Z, never dropped: a dropped letter can make the id another one's
        ("PUMPE-GROß", "PUMPE-GROSS"),
        ("Straße 5", "Strasse-5"),
        ("Ærø", "AEro"),
        ("Łódź", "Lodz"),
        ("ŒUF Ø2", "OEUF-O2"),
        ("泵-01", None),  # no A-Z spelling: not '01'
        ("ПУМП-1", None),
    ],
)
def test_suggestion(value: str, want: str | None) -> None:
    assert suggestion(value) == want


def test_shown_makes_invisible_characters_visible_and_cuts_long_values() -> None:
    assert shown("P\u200b1") == "P<U+200B>1"
    assert shown("tab\there") == "tab<U+0009>here"
    assert shown("P" * 5000).endswith("PP… (5000 characters)")
    assert len(shown("P" * 5000)) < 60


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("SO/2026/001", None),  # an ERP's order number
        ("Deal 17 (renewal)", None),
        ("ПУМП-1", None),
        ("x" * 64, None),
        ("x" * 65, "it has 65 characters"),
        ("=HYPERLINK(1)", "it starts with '='"),
        ("+49 30", "it starts with '+'"),
        ("@SUM(A1)", "it starts with '@'"),
        ("D\u200b5", "it holds the invisible character U+200B (zero width space)"),
        ("D\t5", "it holds the invisible character U+0009"),
    ],
)
def test_document_ids_of_other_systems_follow_a_looser_rule(value: str, why: str | None) -> None:
    from sopctl.tables.idrule import _doc_why

    got = _doc_why(value)
    assert got == why if why is None else got is not None and got.startswith(why)


@pytest.mark.parametrize(
    "value",
    [
        "SO/2026/001",
        "Deal 17",
        "ПУМП-1",
        "x" * 65,
        "=H",
        "+4",
        "-1",
        "@S",
        "D\u200b5",
        "D\t5",
        "D\xa05",
        "D\u20285",
        "D\x7f",
        "ok",
    ],
)
def test_the_vectorised_document_id_prefilter_finds_every_bad_value(value: str) -> None:
    import polars as pl

    from sopctl.tables.idrule import DOC_SUSPECT, ID_MAX, _doc_why

    s = pl.Series([value])
    suspect = bool((s.str.contains(DOC_SUSPECT) | (s.str.len_chars() > ID_MAX))[0])
    assert suspect or _doc_why(value) is None  # nothing bad slips past the prefilter
