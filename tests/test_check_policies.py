"""The pure policies of sopctl check: rows and authors in, findings out."""

from __future__ import annotations

from typing import Any

from sopctl.check.approvals import approval_rights
from sopctl.check.focus import focus_warnings
from sopctl.check.metrics import metric_findings
from sopctl.check.model import ApprovalEdit, OwnedEdit, RowEdit
from sopctl.check.policies import (
    decision_rights,
    frozen_window,
    owner_rights,
    row_span,
)
from sopctl.demos import EXAMPLES
from sopctl.findings import Finding, Severity
from sopctl.schemas.charter import Charter, Metric
from sopctl.yamlio import parse_yaml


def charter() -> Charter:
    doc, _ = parse_yaml("acme.yaml", EXAMPLES["minimal"]()["charters/acme.yaml"])
    assert doc is not None
    return Charter.model_validate(doc.data)


def edit(table: str, file: str, author: str, new: dict[str, Any], line: int = 2) -> RowEdit:
    return RowEdit(
        table, file, f"c/{file}", {"k": "1"}, "changed", new, new, line, "abc1234", author
    )


def test_owner_or_right_holder() -> None:
    ch = charter()
    row = {"period": "2027-04"}
    assert decision_rights(ch, [edit("overrides", "overrides.csv", "sam@acme.example", row)]) == []
    (f,) = decision_rights(ch, [edit("overrides", "overrides.csv", "olga@acme.example", row, 7)])
    assert (f.path, f.line, f.code) == ("c/overrides.csv", 7, "SOP801")
    many = [edit("items", "items.csv", "x@y.example", {}, i) for i in range(30)]
    many = [RowEdit(**{**m.__dict__, "key": {"k": str(i)}}) for i, m in enumerate(many)]
    out = decision_rights(ch, many)
    assert len(out) == 21 and "10 more" in out[-1].message


def test_scenario_files_and_assumptions_belong_to_their_owner_role() -> None:
    ch = charter()

    def change(
        author: str, owner: str = "ops_lead", kind: str = "changed", code: str = "SOP809"
    ) -> OwnedEdit:
        what = "scenario x" if code == "SOP809" else "assumption A1"
        return OwnedEdit(code, "c/x.yaml", what, kind, owner, 4, 3, "abc1234", author)

    assert owner_rights(ch, [change("olga@acme.example")]) == []
    (f,) = owner_rights(ch, [change("sam@acme.example"), change("sam@acme.example")])
    assert (f.path, f.line, f.col, f.code) == ("c/x.yaml", 4, 3, "SOP809")
    assert "not a member of role ops_lead" in f.message and "abc1234" in f.message
    (g,) = owner_rights(ch, [change("olga@acme.example", owner="ghost", kind="added")])
    assert "ghost (not a role of the charter)" in g.message and "scenario x added" in g.message
    (h,) = owner_rights(ch, [change("sam@acme.example", code="SOP810")])
    assert h.code == "SOP810" and h.message.startswith("assumption A1 changed in abc1234")
    many = [change(f"p{i}@x.example", code="SOP810") for i in range(25)]
    out = owner_rights(ch, many)
    assert len(out) == 21 and "5 more assumptions" in out[-1].message


def test_frozen_spans() -> None:
    assert row_span({"close_period": "2026-12", "ship_periods": "2"}, "pipeline", "month", 1) == (
        row_span({"period": "2027-01"}, "overrides", "month", 0)[0],  # type: ignore[index]
        row_span({"period": "2027-02"}, "overrides", "month", 0)[0],  # type: ignore[index]
    )
    ch = charter()
    inside = edit(
        "promotions",
        "promotions.csv",
        "sam@acme.example",
        {"start_period": "2026-11", "end_period": "2027-02"},
    )
    outside = edit("overrides", "o.csv", "sam@acme.example", {"period": "2027-02"})
    found = frozen_window(ch, [inside, outside], ["2027-01"], approved=False)
    assert [f.path for f in found] == ["c/promotions.csv"]
    assert frozen_window(ch, [inside], ["2027-01"], approved=True) == []
    ops = edit("capacity", "cap.csv", "olga@acme.example", {"period": "2027-01"})
    assert frozen_window(ch, [ops], ["2027-01"], approved=False) == []


def test_a_deal_past_its_date_ships_in_the_frozen_window() -> None:
    """Signal starts a deal's demand at max(close + lag, first period): a deal that closed in
    2026-11 (before the cycle month) or closes in 2026-12 with lag 0 ships in 2027-01, the
    frozen period, so changing it needs the right."""
    first = row_span({"period": "2027-01"}, "overrides", "month", 0)[0]  # type: ignore[index]
    stale = {"close_period": "2026-11", "ship_periods": "2"}
    assert row_span(stale, "pipeline", "month", 0, first) == (first, first + 1)
    ch = charter()
    for close in ("2026-11", "2026-12"):
        deal = edit("pipeline", "pipeline.csv", "sam@acme.example", {"close_period": close})
        (f,) = frozen_window(ch, [deal], ["2027-01"], approved=False)
        assert f.code == "SOP802", close
    later = edit("pipeline", "pipeline.csv", "sam@acme.example", {"close_period": "2027-02"})
    assert frozen_window(ch, [later], ["2027-01"], approved=False) == []


def test_frozen_hint_offers_an_approval_only_when_one_can_be_had() -> None:
    """SOP802 names `sopctl approve` as the way out only when a current plan can be made;
    while an error stands (the row's own, or any other) it says what to fix first."""
    ch = charter()
    row = edit("overrides", "overrides.csv", "dana@acme.example", {"period": "2027-01"}, 3)
    approve = "sopctl approve CYCLE --role ops_lead"

    def hint(blockers: list[Finding]) -> str:
        (f,) = frozen_window(ch, [row], ["2027-01"], approved=False, blockers=blockers)
        assert (f.path, f.line, f.code) == ("c/overrides.csv", 3, "SOP802")
        return f.message

    assert hint([]).endswith(f"or their approval of the current plan ({approve})")
    own = Finding("c/overrides.csv", 3, 4, "SOP702", "cannot be applied")
    assert hint([own]).endswith(
        "or their approval of a current plan, which cannot be made while this row's own SOP702 "
        "error stands: correct its owner or period as SOP702 says, then run sopctl reconcile "
        f"CYCLE and ask for {approve}"
    )
    other = Finding("c/items.csv", 9, 2, "SOP402", "unknown item")
    later = Finding("c/pipeline.csv", 2, 5, "SOP302", "not a number")
    assert hint([later, other]).endswith(
        "or their approval of a current plan, which cannot be made while 2 errors stand "
        "(first SOP402 at c/items.csv:9:2): fix them, then run sopctl reconcile CYCLE and ask "
        f"for {approve}"
    )
    infeasible = Finding("c/cycle.yaml", 0, 0, "SOP807", "no feasible plan")
    assert "while 1 error stands (first SOP807 at c/cycle.yaml): fix" in hint([infeasible])
    assert "row's own SOP402 error stands: correct the row as SOP402 says" in hint(
        [Finding("c/overrides.csv", 3, 2, "SOP402", "unknown item")]
    )


def test_metrics() -> None:
    metrics = [
        Metric(name="service_level", target=0.95, tolerance=0.02, owner="ops"),
        Metric(name="gross_margin", target=0.4, severity="warning", owner="cfo"),
        Metric(name="forecast_bias", target=0.05, direction="at_most", owner="dp"),
        Metric(name="capacity_utilisation", target=0.9, direction="at_most", owner="ops"),
    ]
    summary = {
        "service": [
            {"segment": "a", "service_level": 0.97, "target": 0.98},
            {"segment": "b", "service_level": 0.90, "target": 0.9},
        ],
        "finance": {"gross_margin_pct": 38.0},
        "utilisation_peaks": [{"resource": "r", "period": "2027-01", "utilisation": 0.95}],
    }
    found = metric_findings(metrics, summary, "ch.yaml", {0: (5, 3), 1: (6, 3), 2: (7, 3)})
    by = [(f.code, f.line, f.severity) for f in found]
    msgs = [f.message for f in found]
    assert not any("segment a" in m for m in msgs)  # 0.97 within 0.98 - 0.02
    assert not any("segment b" in m for m in msgs)
    assert ("SOP804", 6, Severity.WARNING) in by
    (margin,) = [m for m in msgs if m.startswith("gross_margin")]
    assert margin.endswith(
        "owner cfo: raise the plan to the target, or change the target in ch.yaml (a reviewed "
        "change by a sign_off_plan member); as a warning it does not stop the plan"
    )
    assert any("capacity_utilisation of r in 2027-01 is 0.95" in m for m in msgs)
    assert ("SOP805", 7, Severity.INFO) in by
    named = metric_findings(metrics, summary, "ch.yaml", {}, "2027-01")  # whose plan, on a
    assert all(f.message.startswith("cycle 2027-01: ") for f in named)  # shared charter line


def test_a_ceiling_metric_without_direction_is_judged_as_a_ceiling() -> None:
    """capacity_utilisation without `direction` is at most 0.9: a peak of 0.95 misses it, a
    peak of 0.85 does not (judged as a floor, it was the other way round)."""
    m = Metric.model_validate({"name": "capacity_utilisation", "target": 0.9, "owner": "ops"})
    peak = {"utilisation_peaks": [{"resource": "r", "period": "2027-01", "utilisation": 0.95}]}
    found = metric_findings([m], peak, "ch.yaml", {0: (5, 3)})
    assert [(f.code, f.line) for f in found] == [("SOP804", 5)]
    assert "is 0.95, target ≤ 0.9" in found[0].message
    peak["utilisation_peaks"][0]["utilisation"] = 0.85
    assert metric_findings([m], peak, "ch.yaml", {0: (5, 3)}) == []


def test_the_peak_among_equal_peaks_is_the_resource_first_by_name() -> None:
    """The report's KPI and check's SOP804 name the same resource when two peak at 100 %."""
    from sopctl.check.metrics import values
    from sopctl.results import peak_utilisation

    summary: dict[str, Any] = {
        "utilisation_peaks": [
            {"resource": "line-a", "period": "2027-08", "utilisation": 1.0},
            {"resource": "crew", "period": "2027-03", "utilisation": 1.0},
            {"resource": "test", "period": "2027-01", "utilisation": None},
            {"resource": "line-b", "period": "2027-02", "utilisation": 0.7},
        ]
    }
    top = peak_utilisation(summary)
    assert top is not None and (top[0]["resource"], top[1]) == ("crew", 1.0)
    m = Metric(name="capacity_utilisation", target=0.9, direction="at_most", owner="ops")
    assert values(m, summary) == [("crew in 2027-03", 1.0, 0.9)]
    assert peak_utilisation({"utilisation_peaks": [{"resource": "x", "utilisation": None}]}) is None


def test_warnings_are_shown_for_what_the_change_touched_and_counted_elsewhere() -> None:
    def w(path: str, line: int, code: str = "SOP704", sev: Severity = Severity.WARNING) -> Finding:
        return Finding(path, line, 7, code, f"at {line}", sev)

    pipe, items, cy = "c/pipeline.csv", "c/items.csv", "c/cycle.yaml"
    findings = [
        w(pipe, 2),  # the row the change edited
        w(pipe, 5),  # an old deal nobody touched
        w(pipe, 6),
        w(pipe, 7, "SOP705"),
        w(pipe, 9, "SOP302", Severity.ERROR),  # errors stay wherever they are
        w(pipe, 0, "SOP603"),  # about the whole file
        w(items, 4, "SOP310"),  # a file the change did not touch
        w(cy, 12, "SOP110"),  # a touched YAML file: no rows to narrow to
        w("c/extra.csv", 3, "SOP601"),  # touched, but no declared input rows
    ]
    touched = {pipe, cy, "c/extra.csv"}
    kept = focus_warnings(findings, touched, [edit("pipeline", "pipeline.csv", "a@x", {}, 2)])
    shown = {(f.path, f.line, f.code) for f in kept if f.code != "SOP811"}
    assert shown == {
        (pipe, 2, "SOP704"),
        (pipe, 9, "SOP302"),
        (pipe, 0, "SOP603"),
        (cy, 12, "SOP110"),
        ("c/extra.csv", 3, "SOP601"),
    }
    counted = [(f.path, f.message.split(" on ")[0]) for f in kept if f.code == "SOP811"]
    assert counted == [
        (items, "1 warning SOP310"),
        (pipe, "2 warnings SOP704"),
        (pipe, "1 warning SOP705"),
    ]
    assert all(f.severity is Severity.INFO for f in kept if f.code == "SOP811")


def test_a_forged_approval_removed_again_is_one_problem_not_two() -> None:
    """SOP813 pairs an entry added against the rule with its later removal; a removal of a
    copy that was there before, or the entry forged once more, stays its own finding."""
    ch = charter()

    def approval(kind: str, sha: str, by: str, key: str = "k1", line: int = 0) -> ApprovalEdit:
        was = 3 if kind == "removed" else 0
        return ApprovalEdit(
            "c/approvals.yaml", kind, key, "ops_lead", "olga@acme.example", line, was, sha, by, by
        )

    dana, carl = "dana@acme.example", "carl@acme.example"
    (f,) = approval_rights(
        ch, [approval("added", "aaaaaaa1", dana), approval("removed", "bbb", dana)]
    )
    assert (f.line, f.code) == (0, "SOP813")
    assert "added in aaaaaaa by dana@acme.example, who is not olga@acme.example, and removed " in (
        f.message
    )
    assert "removed again (was line 3) in bbb by dana@acme.example: approvals" in f.message
    # taken out by the CFO (sign_off_plan): still the one forgery, now saying who removed it
    (g,) = approval_rights(ch, [approval("added", "aaa", dana), approval("removed", "ccc", carl)])
    assert "removed again (was line 3) in ccc by carl@acme.example" in g.message
    # olga's own approval removed by dana, then written back by dana: two problems
    both = approval_rights(
        ch, [approval("removed", "ddd", dana), approval("added", "eee", dana, line=3)]
    )
    assert [x.message.split(" in ")[0] for x in both] == [
        "approval as ops_lead by olga@acme.example removed (was line 3)",
        "approval as ops_lead by olga@acme.example added",
    ]
    # forged, removed, forged again: the second forgery is a finding of its own, at its line
    three = [approval("added", "a1", dana), approval("removed", "b1", dana)]
    three.append(approval("added", "c1", dana, line=3))
    first, second = approval_rights(ch, three)
    assert "removed again" in first.message and first.line == 0
    assert second.line == 3 and "added in c1 by dana" in second.message
    assert "removed again" not in second.message
    # another entry removed in between is judged on its own
    other = [approval("added", "a1", dana), approval("removed", "b1", dana, key="k2")]
    assert len(approval_rights(ch, other)) == 2


def test_an_override_row_is_changed_by_its_owner() -> None:
    """SOP817: by the owner the row named before the change (after it, for a new row), or a
    sign_off_plan member; an author without the file's right at all is SOP801's alone."""
    from sopctl.check.row_owners import override_owners

    ch = charter()

    def row(author: str, kind: str = "changed", owner: str = "sam@acme.example") -> RowEdit:
        old = None if kind == "added" else {"owner": owner}
        new = {"owner": "dana@acme.example" if kind == "added" else owner}
        return RowEdit("overrides", "overrides.csv", "c/o.csv", {"override_id": "O-1"}, kind,
                       old, new, 2, "abc1234", author)  # fmt: skip

    (f,) = override_owners(ch, [row("dana@acme.example"), row("dana@acme.example")])
    assert (f.path, f.line, f.code) == ("c/o.csv", 2, "SOP817")
    assert override_owners(ch, [row("dana@acme.example", "added")]) == []  # her own, new
    assert override_owners(ch, [row("sam@acme.example")]) == []  # the owner
    assert override_owners(ch, [row("sam@acme.example", owner="dana@acme.example")]) == []
    assert override_owners(ch, [row("carl@acme.example")]) == []  # no right at all: SOP801
    assert override_owners(ch, [row("dana@acme.example", "removed")])[0].code == "SOP817"
