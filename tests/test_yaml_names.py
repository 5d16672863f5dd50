"""An item whose id breaks the YAML id rule (`1/2-VALVE`) is named in YAML by one route: a
charter glossary alias that follows the rule. SOP241 (at the item), SOP615 (a per_item key
that misses it) and SOP406 (a key read through the alias) all say so, and following any of
them gives a key that names the item: its method applies, and a scenario selects it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopctl.findings import Finding
from sopctl.scenarios.load import load_scenarios
from sopctl.scenarios.select import ids_of, select
from sopctl.signal import build_demand
from sopctl.validate import load_workspace, validate
from tests.test_scenario_repo import CHARTER, CYCLE, INPUTS, scenario_yaml, tiny_repo
from tests.test_signal_engine import charter
from tests.test_signal_rules import ITEMS, load

VALVE = "1/2-VALVE"
ENTRY = '{term: "1/2-VALVE", aliases: [1-2-VALVE]}'
HIST = "item,segment,period,quantity\n" + "".join(
    f"{VALVE},standard,2026-{m:02d},{3 * (m - 9)}\n" for m in range(10, 13)
)  # 3 6 9: ses (α = 1) gives 9, the default moving average 6


def per_item(key: str, glossary: str = "") -> str:
    text = charter().replace(
        "  per_item: {B: seasonal_naive, C: holt_winters, E: auto, F: auto}\n",
        f"  per_item:\n    {key}: ses\n",
    )
    if glossary:
        text = text.replace("cadence:\n", f"glossary:\n  - {glossary}\ncadence:\n", 1)
    return text


def files() -> dict[str, str]:
    return {"history.csv": HIST, "items.csv": ITEMS + f"{VALVE},f,v,1,2,0,0.1\n"}


def only(findings: list[Finding], code: str) -> Finding:
    (f,) = [f for f in findings if f.code == code]
    return f


def test_sop241_names_the_glossary_route(tmp_path: Path) -> None:
    _, found = load(tmp_path, files(), per_item("A"))
    f = only(found, "SOP241")
    assert f.message == (
        "'1/2-VALVE' (1 row) cannot be written as it is in forecast.per_item and scenario "
        "overlays: it holds '/'; ids are 1-64 characters: letters A-Z, digits and _ . -, "
        "starting with a letter or digit; to name it there, keep the id and add the glossary "
        f"entry {ENTRY} to the charter, then write '1-2-VALVE' there"
    )


def test_a_key_that_misses_the_item_says_how_to_name_it(tmp_path: Path) -> None:
    """The key SOP241 used to advise ('1-2-VALVE') names no item without the alias: SOP615
    names the glossary entry that makes it name the item."""
    _, found = load(tmp_path, files(), per_item("1-2-VALVE"))
    assert only(found, "SOP615").message == (
        "per_item key '1-2-VALVE' is no item of cycle 2026-12 (cycles/2026-12/inputs/items.csv),"
        " so its method applies to nothing there; '1/2-VALVE' cannot be written here as it is "
        f"(it holds '/'); to name it by '1-2-VALVE', add the glossary entry {ENTRY} to the "
        "charter"
    )


def test_the_advised_alias_names_the_item_and_says_nothing_to_change(tmp_path: Path) -> None:
    ws, found = load(tmp_path, files(), per_item("1-2-VALVE", ENTRY))
    f = only(found, "SOP406")
    assert (f.severity, f.message) == (
        "info",
        "'1-2-VALVE' names item '1/2-VALVE' through the glossary, the way to name it here "
        "('1/2-VALVE' breaks the YAML id rule); nothing to change",
    )
    assert not [f for f in found if f.code in {"SOP615", "SOP108"} or f.severity == "error"]
    r = build_demand(ws)
    row = r.baseline_methods.filter(item=VALVE).row(0, named=True)
    assert (row["requested"], row["method"]) == ("ses", "ses")
    assert r.plan.filter(item=VALVE)["baseline"].to_list() == [9.0] * 6


def test_a_scenario_names_the_item_by_its_alias(tmp_path: Path) -> None:
    """The same alias selects the item in a scenario overlay; without it the overlay's
    SOP623 names the glossary entry."""
    overlay = "  - kind: demand\n    items: [1-2-VALVE]\n    factor: 2\n"
    root = tiny_repo(tmp_path, {"s": scenario_yaml(overlay)})
    inputs = root / CYCLE / "inputs"
    for name in INPUTS:  # item B becomes 1/2-VALVE everywhere
        path = inputs / name
        path.write_text(path.read_text().replace("\nB,", f"\n{VALVE},"))
    sfile = f"{CYCLE}/scenarios/s.yaml"
    missing = [f for f in validate(root) if f.path == sfile]
    assert [(f.code, f.line) for f in missing] == [("SOP623", 5)]
    assert ENTRY in missing[0].message
    charter_path = root / "charters/tiny.yaml"
    charter_path.write_text(CHARTER.replace("cadence:\n", f"glossary:\n  - {ENTRY}\ncadence:\n"))
    found = [f for f in validate(root) if f.path == sfile]
    assert [(f.code, f.severity) for f in found] == [("SOP406", "info")]
    ws, _ = load_workspace(root)
    sc = load_scenarios(ws, None)[0]["s"]
    sel, _ = select(ids_of(ws), sc.file.overlays[0], sc.doc, 0)
    assert sel.items == [VALVE]


# (items added to items.csv, the item of the SOP241 asked about, the alias it must advise,
# whether that alias is a placeholder); letters are spelt in A-Z, never dropped, and an alias
# that would lose letters or name another item is a placeholder instead
SUGGESTED = [
    (["PUMPE-GROß"], "PUMPE-GROß", "PUMPE-GROSS", False),
    (["Pumpé 1"], "Pumpé 1", "Pumpe-1", False),
    (["泵-01", "01"], "泵-01", "ITEM-1", True),  # not '01', another item
    (["PUMPE-GROß", "pumpe-gross"], "PUMPE-GROß", "ITEM-1", True),
    (["P 1", "P/1"], "P/1", "ITEM-1", True),  # 'P 1' came first in sorted order: 'P-1' is its
    (["泵-01", "ITEM-1"], "泵-01", "ITEM-2", True),
]


@pytest.mark.parametrize(
    ("ids", "item", "alias", "placeholder"),
    SUGGESTED,
    ids=[f"{c[1]}->{c[2]}" for c in SUGGESTED],
)
def test_sop241_advises_an_alias_that_keeps_every_letter(
    tmp_path: Path, ids: list[str], item: str, alias: str, placeholder: bool
) -> None:
    rows = "".join(f"{i},f,v,1,2,0,0.1\n" for i in ids)
    _, found = load(tmp_path, {"items.csv": ITEMS + rows})
    (f,) = [f for f in found if f.code == "SOP241" and f.message.startswith(f"'{item}'")]
    assert f"aliases: [{alias}]}}" in f.message, f.message
    assert ("placeholder" in f.message) == placeholder, f.message
    if not placeholder:
        assert f.message.endswith(f"then write '{alias}' there"), f.message
