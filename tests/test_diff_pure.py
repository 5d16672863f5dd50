"""The pure parts of the plan diff: rows by key, YAML by key path, plan deltas."""

from __future__ import annotations

import polars as pl

from sopctl.plandiff.model import Delta
from sopctl.plandiff.outputs import PlanSnapshot, diff_outputs
from sopctl.plandiff.rows import diff_rows
from sopctl.plandiff.words import points, signed
from sopctl.plandiff.yamldiff import diff_yaml


def frame(rows: list[str]) -> pl.DataFrame:
    header, *data = (r.split(",") for r in rows)
    cols = {h: [d[i] or None for d in data] for i, h in enumerate(header)}
    return pl.DataFrame(cols, schema=dict.fromkeys(header, pl.String))


PIPE = [
    "deal_id,item,stage,quantity",
    "D-1,P-100,proposal,200",
    "D-2,P-200,qualified,300",
    "D-3,P-200,committed,90",
]


def test_reordered_rows_are_no_change() -> None:
    a = frame(PIPE)
    d = diff_rows("pipeline", a, a.reverse(), ["deal_id", "item"], ["quantity"])
    assert d.status == "unchanged"
    assert (d.added, d.removed, d.changed, d.unchanged) == (0, 0, 0, 3)


def test_changed_added_removed_rows_by_key() -> None:
    b = frame(
        [
            "deal_id,item,stage,quantity",
            "D-4,P-100,proposal,10",  # added
            "D-2,P-200,qualified,300.0",  # same number, other spelling
            "D-1,P-100,committed,250",  # changed twice
        ]
    )
    d = diff_rows("pipeline", frame(PIPE), b, ["deal_id", "item"], ["quantity"])
    assert d.status == "changed"
    assert (d.added, d.removed, d.changed, d.unchanged) == (1, 1, 1, 1)
    assert d.changed_columns == {"stage": 1, "quantity": 1}
    (change,) = d.changes
    assert change.key == {"deal_id": "D-1", "item": "P-100"}
    assert [(c.column, c.old, c.new) for c in change.cells] == [
        ("stage", "proposal", "committed"),
        ("quantity", "200", "250"),
    ]
    assert d.added_rows == [
        {"deal_id": "D-4", "item": "P-100", "stage": "proposal", "quantity": "10"}
    ]
    assert d.removed_rows[0]["deal_id"] == "D-3"


def test_text_columns_compare_as_text_and_limit_caps_examples() -> None:
    a = frame(["k,v", *(f"K{i},{i}" for i in range(30))])
    b = frame(["k,v", *(f"K{i},{i}.0" for i in range(30))])
    assert diff_rows("t", a, b, ["k"], ["v"]).status == "unchanged"
    d = diff_rows("t", a, b, ["k"], [], limit=5)  # not numeric: '1' != '1.0'
    assert d.changed == 30 and len(d.changes) == 5
    assert [c.key["k"] for c in d.changes] == sorted(c.key["k"] for c in d.changes)


def test_new_column_and_table_on_one_side_only() -> None:
    a = frame(["item,on_hand", "P-1,5"])
    b = frame(["item,on_hand,safety_stock", "P-1,5,2"])
    d = diff_rows("inventory", a, b, ["item"], ["on_hand", "safety_stock"])
    assert d.columns_added == ["safety_stock"]
    assert d.changes[0].cells[0].old is None and d.changes[0].cells[0].new == "2"
    added = diff_rows("inventory", None, b, ["item"], file_b="inventory.csv")
    assert added.status == "added" and added.added == 1
    removed = diff_rows("inventory", a, None, ["item"])
    assert removed.status == "removed" and removed.removed == 1


def test_repeated_keys_are_noted() -> None:
    a = frame(["item,price", "P-1,5", "P-1,6"])
    d = diff_rows("items", a, frame(["item,price", "P-1,5"]), ["item"], ["price"])
    assert d.status == "unchanged"
    assert any("repeats 1 key" in n for n in d.notes)


def test_yaml_by_key_path() -> None:
    old = {
        "approvals": {"quorum": 2, "required_roles": ["a", "b"]},
        "segments": [
            {"id": "strategic", "service_level_target": 0.98},
            {"id": "standard", "service_level_target": 0.9},
        ],
        "escalation": [{"exception": "shortage", "to": "x"}],
        "finance": {"currency": "EUR", "dso_days": 45},
    }
    new = {
        "approvals": {"quorum": 3, "required_roles": ["a", "b", "c"]},
        "segments": [  # reordered, one value changed
            {"id": "standard", "service_level_target": 0.92},
            {"id": "strategic", "service_level_target": 0.98},
        ],
        "escalation": [{"exception": "shortage", "to": "y"}, {"exception": "any", "to": "z"}],
        "finance": {"currency": "EUR", "dpo_days": 30},
    }
    got = {(c.path, c.kind, repr(c.old), repr(c.new)) for c in diff_yaml(old, new)}
    assert got == {
        ("approvals.quorum", "changed", "2", "3"),
        ("approvals.required_roles", "changed", "['a', 'b']", "['a', 'b', 'c']"),
        ("segments[standard].service_level_target", "changed", "0.9", "0.92"),
        ("escalation[0].to", "changed", "'x'", "'y'"),
        ("escalation[1]", "added", "None", "{'exception': 'any', 'to': 'z'}"),
        ("finance.dpo_days", "added", "None", "30"),
        ("finance.dso_days", "removed", "45", "None"),
    }
    assert diff_yaml(old, old) == []
    inputs = [{"file": "a.csv", "table": "items"}]
    (added,) = diff_yaml({"inputs": inputs}, {"inputs": [*inputs, {"file": "t.csv", "table": "t"}]})
    assert (added.path, added.kind) == ("inputs[t.csv]", "added")
    assert diff_yaml({"x": 2}, {"x": 2.0}) == []
    assert [c.kind for c in diff_yaml({"x": 1}, {"x": True})] == ["changed"]


def snapshot(
    demand: dict[str, float], production: dict[str, float], exc: list[tuple[str, ...]], **kpi: float
) -> PlanSnapshot:
    supply = pl.DataFrame(
        {
            "item": ["A"] * len(demand),
            "period": list(demand),
            "demand": list(demand.values()),
            "production": [production[p] for p in demand],
            "lost_sales": [0.0] * len(demand),
        }
    )
    cols = ("kind", "item", "segment", "resource", "material", "period")
    exceptions = pl.DataFrame(
        {
            **{c: [e[i] or None for e in exc] for i, c in enumerate(cols)},
            "quantity": [1.0] * len(exc),
            "value": [float(10 * (i + 1)) for i in range(len(exc))],
        },
        schema={**dict.fromkeys(cols, pl.String), "quantity": pl.Float64, "value": pl.Float64},
    )
    summary = {
        "currency": "EUR",
        "costs": {"total": kpi.get("cost", 100.0)},
        "finance": {"revenue": kpi.get("revenue", 1000.0), "average_working_capital": 50.0},
        "service": [{"segment": "s1", "service_level": kpi.get("service", 1.0)}],
    }
    return PlanSnapshot(summary, supply, exceptions)


def test_output_deltas_and_exception_identity() -> None:
    a = snapshot(
        {"2027-01": 10, "2027-02": 20},
        {"2027-01": 10, "2027-02": 20},
        [
            ("shortage", "A", "s1", "ASSY", "", "2027-02"),
            ("overload", "", "", "ASSY", "", "2027-01"),
        ],
    )
    b = snapshot(
        {"2027-01": 10, "2027-02": 30},
        {"2027-01": 10, "2027-02": 25},
        [
            ("shortage", "A", "s1", "CREW", "", "2027-02"),  # same shortage, other binding
            ("overload", "", "", "CREW", "", "2027-02"),
        ],
        revenue=1250.0,
        service=0.95,
    )
    d = diff_outputs(a, b)
    kpis = {k.name: k for k in d.kpis}
    assert kpis["demand_total"].delta == 10 and kpis["production_total"].delta == 5
    assert kpis["revenue"].delta == 250 and kpis["cost_total"].delta == 0
    assert kpis["gross_margin"].old is None  # not in this summary
    feb = next(p for p in d.periods if p.period == "2027-02")
    assert (feb.demand.old, feb.demand.new, feb.production.delta) == (20, 30, 5)
    assert not next(p for p in d.periods if p.period == "2027-01").changed()
    assert [(e.kind, e.resource, e.period) for e in d.appeared] == [("overload", "CREW", "2027-02")]
    assert [(e.kind, e.resource, e.period) for e in d.cleared] == [("overload", "ASSY", "2027-01")]
    assert (d.appeared_count, d.cleared_count, d.kept_count) == (1, 1, 1)
    assert points(d.service[0]) == "−5.0 pp"
    assert signed(kpis["revenue"]) == "+250 (+25.0%)"
    assert signed(Delta("x", None, 3.0)) == "new"
    doc = d.to_dict()
    assert doc["kpis"]["revenue"] == {"old": 1000.0, "new": 1250.0, "delta": 250.0, "pct": 25.0}


def test_a_monthly_and_a_weekly_plan_list_their_periods_by_date() -> None:
    """Text order would put 2027-03 before 2027-W01 (QA: a weekly cycle diffed against a
    monthly one listed every month first)."""
    a = snapshot({"2027-02": 1, "2027-03": 1}, {"2027-02": 1, "2027-03": 1}, [])
    b = snapshot({"2027-W01": 1, "2027-W09": 1}, {"2027-W01": 1, "2027-W09": 1}, [])
    got = [p.period for p in diff_outputs(a, b).periods]
    assert got == ["2027-W01", "2027-02", "2027-03", "2027-W09"]  # both start on 1 March
