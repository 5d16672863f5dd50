"""Every finding code says how to fix it (sopctl/fixes.py, shown in docs/codes.md)."""

from __future__ import annotations

from sopctl.docgen import codes_markdown
from sopctl.findings import CODES
from sopctl.fixes import FIXES


def test_every_code_has_a_fix() -> None:
    missing = [code for code in CODES if not FIXES.get(code, "").strip()]
    assert not missing, (
        f"{len(missing)} finding code(s) have no fix text in sopctl/fixes.py FIXES: "
        + ", ".join(missing)
    )


def test_every_fix_belongs_to_a_code_and_is_one_sentence() -> None:
    assert sorted(set(FIXES) - set(CODES)) == []
    for code, text in FIXES.items():
        assert text[0].isupper() and text.endswith("."), (code, text)
        assert "\n" not in text and len(text) <= 200, (code, len(text))


def test_codes_page_has_a_fix_column() -> None:
    page = codes_markdown()
    assert "| code | severity | meaning | how to fix |" in page
    assert "| SOP105 | error | YAML document must be a mapping | Make the top level" in page
