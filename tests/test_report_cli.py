"""`sopctl report` end to end on small real repositories: working tree and tags, scenario files
compared as `sopctl compare` does, the learn scorecard from a fixture file, escaping,
determinism, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git, run, write_files
from tests.test_tag_support import CDIR, CYCLE, ready_copy

OUT = f"{CDIR}/outputs"
SCORECARD = (
    "section,metric,scope,key,value,target,status,owner,escalate_to\n"
    "forecast,wape,total,,0.31,0.25,breach,demand_planner,sales_lead\n"
    "forecast,bias,total,,0.02,0.05,ok,demand_planner,\n"
    "service,service_level,segment,standard,0.88,0.9,breach,ops_lead,cfo\n"
    "lag,wape,lag,1,,0.25,no_data,demand_planner,\n"
    "assumptions,held,assumption,A1,,,info,sales_lead,\n"
)

QUORUM = (  # sales_lead and ops_lead signed; 2 of the 3 required roles are needed
    "Quorum met: 2 current sign-offs from the required roles (sales_lead, ops_lead, cfo), "
    "2 needed; waiting for cfo."
)
COMMITTED = (  # the same sign-offs in a committed record: nothing is waited for any more
    f"Committed as sop/{CYCLE}/v1 with the sign-offs of sales_lead (sam@acme.example) and "
    "ops_lead (olga@acme.example): 2 of the required roles (sales_lead, ops_lead, cfo), "
    "2 needed. Not given: cfo; not needed for the quorum."
)


@pytest.fixture
def ready(tmp_path: Path) -> Path:
    """The minimal cycle, reconciled, with actions and two approvals of the current plan."""
    return ready_copy(tmp_path / "plan")


def _report(root: Path, *args: str, code: int = 0) -> str:
    r = run(["report", *args], cwd=root)
    assert r.code == code, r.out + r.err
    return r.out + r.err


def _text(html: str) -> str:
    """The page's visible text, one space between elements (for readable assertions)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


def test_working_tree_report_is_complete_and_deterministic(ready: Path) -> None:
    out = _report(ready, "--out", "a.html")
    assert "wrote a.html: cycle 2026-12 from working tree, 7 charts" in out
    html = (ready / "a.html").read_text(encoding="utf-8")
    _report(ready, "--out", "b.html")
    assert (ready / "b.html").read_bytes() == html.encode("utf-8")  # no clock in the file
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "default-src 'none'" in html  # the file may not load anything
    for sid in ("kpis", "demand", "capacity", "inventory", "finance", "exceptions"):
        assert f'<section id="{sid}">' in html
    kinds = re.findall(r'data-chart="([a-z]+)"', html)
    demand, capacity = ["waterfall", "stacked"], ["capacity", "capacity"]
    assert kinds == [*demand, *capacity, "inventory", "waterfall", "finance"]
    # every chart: an svg with a title, both axis titles and a caption
    for fig in re.findall(r'<figure class="chart".*?</figure>', html):
        assert "<title id=" in fig and fig.count('class="axis-title"') == 2
        assert "<figcaption>" in fig
    text = _text(html)
    assert "Working tree; results read from outputs/ (current for these inputs)." in text
    # KPIs against charter targets, in the charter's currency (summary.json: 111,989.33 EUR)
    assert "Revenue 111,989 EUR no charter target" in text
    assert "Service level: standard 97.14 % target ≥ 90.0 % on target" in text
    # the objective says what it holds, beside the cost of operating without penalties
    costs = json.loads((ready / OUT / "summary.json").read_text())["costs"]
    penalties = sum(costs.get(k, 0.0) for k in ("backlog", "lost_sales", "lost_revenue"))
    penalties += costs.get("safety_stock", 0.0)
    assert penalties > 0  # the minimal cycle loses sales
    # the gross margin says what it leaves out, and what is left after it
    fin = json.loads((ready / OUT / "summary.json").read_text())["finance"]
    names = ("regular_time", "overtime", "hiring", "layoffs")
    parts = ", ".join(f"{k.replace('_', ' ')} {costs.get(k, 0.0):,.0f} EUR" for k in names)
    premium = fin["subcontract_premium"]
    after = fin["gross_margin"] - sum(costs.get(k, 0.0) for k in names) - premium
    assert (
        f"Gross margin (COGS at standard cost) {fin['gross_margin']:,.0f} EUR" in text
        and f"it excludes labour and resource time ({parts}), the subcontract premium "
        f"(subcontracted units beyond their standard cost): {premium:,.0f} EUR; after them "
        f"{after:,.0f} EUR, {100 * after / fin['revenue']:.1f} % of revenue."
        in text
    )
    # the inventory chart is finished goods; the bridge and its table name what they hold
    assert "Finished-goods inventory against safety stock" in text
    assert "Materials are not drawn (on average" in text
    bridge = re.findall(r'<text class="tick"[^>]*text-anchor="middle">([^<]*)</text>', html)
    assert {"Conversion, resale", "Net receivables"} <= set(bridge)
    assert "Conversion costs" not in bridge and "Working capital" not in bridge
    assert "conversion, resale − Δ net receivables cash flow" in text
    assert (
        f"Plan cost incl. penalties and lost revenue {costs['total']:,.0f} EUR "
        f"no charter target the optimiser&#x27;s objective. Operating cost "
        f"{costs['total'] - penalties:,.0f} EUR: without its {penalties:,.0f} EUR of shortage "
        "and safety-stock penalties and lost revenue" in text
    )
    # approvals: sales_lead and ops_lead signed the current plan, quorum 2 of 3
    assert QUORUM in text
    assert "cycle status approved · plan optimal" in text  # a quorum, no tag yet
    assert "sales_lead (required) approved sam@acme.example" in text
    assert "cfo (required) pending" in text
    # an escalated overload, worded as what it is, its hours, the shortage it causes (its value
    # at stake), its cause in prose, shadow price, owner and the action that answers it
    assert (
        "at regular hours, overtime left: ASSY 2027-04 320.0 hours 2,254.17 capacity of ASSY in "
        "2027-04: 1 more hour on ASSY in 2027-04 saves 22.08 EUR; overtime not used up: 0.0 of "
        "40.0 hours 22.08 ops_lead ACT-1 (open, due 2027-01-15)" in text
    )
    assert "shortage: P-100 (standard) 2027-04 30.1 units 2,254.17" in text
    # counted by kind: an overload is 'at a limit', whichever label its row has
    assert "17 exceptions (12 at a limit, 1 below safety stock, 4 shortage)" in text
    assert "overload: " not in text  # the kind's machine name only in action keys
    assert "This cycle has no actions.yaml" not in text
    assert "This cycle declares no scenarios" in text
    assert (
        "No learn scorecard yet: once the cycle is committed and actuals exist, "
        "&#x27;sopctl learn 2026-12&#x27; writes learn/2026-12/scorecard.csv." in text
    )


def test_stale_outputs_are_solved_in_memory_with_the_same_numbers(ready: Path) -> None:
    _report(ready, "--out", "current.html")
    for p in (ready / OUT).iterdir():
        p.unlink()
    _report(ready, "--out", "solved.html")
    assert not any((ready / OUT).glob("*.csv"))  # nothing written besides the report
    a = (ready / "current.html").read_text(encoding="utf-8")
    b = (ready / "solved.html").read_text(encoding="utf-8")
    assert "results solved in memory (outputs/ was missing or stale)" in b
    strip = re.compile(r"Working tree; results [^<]*")
    assert strip.sub("", a) == strip.sub("", b)


def test_overdue_actions_need_an_as_of_date(ready: Path) -> None:
    text = _text(_report_html(ready, "--as-of", "2027-01-18"))
    assert "Overdue as of 2027-01-18." in text
    assert (
        "2027-01-15 ACT-1 open Add a Saturday shift on the assembly line overload:ASSY:* " in text
    )
    assert "overdue 3 d" in text
    assert "2027-01-20 ACT-2 in progress" in text and "overload:CREW:* no" in text
    assert "pass --as-of" in _text(_report_html(ready))
    assert "is not a date" in _report(ready, "--as-of", "18.01.2027", code=2)


def _report_html(root: Path, *args: str) -> str:
    _report(root, "--out", "r.html", *args)
    return (root / "r.html").read_text(encoding="utf-8")


def test_user_text_is_escaped(ready: Path) -> None:
    # ids cannot carry markup (`<`, `&` break the id rule, SOP240); the YAML texts shown can
    actions = ready / CDIR / "actions.yaml"
    actions.write_text(
        actions.read_text().replace(
            "Add a Saturday shift", "<script>alert('x')</script> Saturday shift"
        )
    )
    html = _report_html(ready)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)" in html


def _declare_scenarios(root: Path) -> None:
    """Two real scenario files: every demand ×1.1 and ×0.8."""
    cycle_yaml = root / CDIR / "cycle.yaml"
    cycle_yaml.write_text(
        cycle_yaml.read_text(encoding="utf-8")
        + "  - id: upside\n    description: More\n  - id: downside\n    description: Less\n",
        encoding="utf-8",
    )
    for name, factor in (("upside", 1.1), ("downside", 0.8)):
        body = (
            f"description: Every demand times {factor}\nowner: sales_lead\n"
            f"overlays:\n  - kind: demand\n    factor: {factor}\n"
        )
        write_files(root, {f"{CDIR}/scenarios/{name}.yaml": body})


def test_scenarios_as_compare_has_them_and_the_learn_scorecard(ready: Path) -> None:
    text = _text(_report_html(ready))
    assert "This cycle declares no scenarios" in text
    _declare_scenarios(ready)
    write_files(ready, {f"learn/{CYCLE}/scorecard.csv": SCORECARD})
    text = _text(_report_html(ready))
    assert "Base plan against 2 scenario(s)" in text
    # the same numbers as `sopctl compare`, scenarios in cycle.yaml's order, ★ on the best
    r = run(["compare", "--format", "json"], cwd=ready)
    assert r.code == 0, r.out + r.err
    rev = next(k for k in json.loads(r.out)["kpis"] if k["name"] == "revenue")["values"]
    b, u, d = rev["base"], rev["upside"], rev["downside"]
    assert b > d and len({b, u, d}) == 3

    def cell(name: str, v: float) -> str:
        star = " ★" if v == max(b, u, d) else ""
        return f"{v:,.0f} EUR{star}" + ("" if name == "base" else f" {sign(v - b)}")

    def sign(x: float) -> str:
        return f"{'+' if x > 0 else '−'}{abs(x):,.0f}"

    row = f"Revenue (EUR) {cell('base', b)} {cell('upside', u)} {cell('downside', d)}"
    assert row in text
    # only outcome lines carry a ★: cost parts, working capital and turns never do
    section = _report_html(ready).split('id="scenarios"')[1].split("</section>")[0]
    cells = [re.findall("<td[^>]*>(.*?)</td>", r) for r in re.findall("<tr>.*?</tr>", section)]
    rows = {c[0]: " ".join(c[1:]) for c in cells if c}
    starred = {label for label, r in rows.items() if "★" in r}
    assert "Revenue (EUR)" in starred and "· production (EUR)" in rows
    unmarked = ("·", "Working capital", "Inventory turns", "Peak utilisation", "Exceptions")
    assert not [label for label in starred if label.startswith(unmarked)]
    assert "5 scorecard rows, 2 breaches (learn/2026-12/scorecard.csv)" in text
    assert "forecast 1 1 0 0" in text and "lag 0 0 0 1" in text and "assumptions 0 0 1 0" in text
    # rates in percent; a scorecard of nine columns says nothing of direction or severity
    assert "forecast wape total 31.0 % 25.0 % – demand_planner sales_lead" in text
    assert "service service_level segment standard 88.0 % 90.0 % – ops_lead cfo" in text
    only = _text(_report_html(ready, "--scenario", "upside"))
    assert "Base plan against 1 scenario(s)" in only and "downside" not in only
    err = _report(ready, "--scenario", "nope", code=2)
    assert "has no scenario 'nope' (declared: upside, downside)" in err


@pytest.mark.parametrize(
    ("rel", "content", "code", "words"),
    [
        (f"learn/{CYCLE}/scorecard.csv", "section,metric\nx,y\n", "SOP962", "columns missing"),
        (f"learn/{CYCLE}/scorecard.csv", "\udcff", "SOP962", "left out of the report"),
    ],
)
def test_unreadable_fixture_files_warn_and_the_report_still_renders(
    ready: Path, rel: str, content: str, code: str, words: str
) -> None:
    path = ready / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    out = _report(ready, "--out", "r.html")
    assert f"warning {code}" in out and words in out
    assert (ready / "r.html").is_file()


def test_invalid_inputs_refuse_and_write_nothing(ready: Path) -> None:
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,lots,"))
    out = _report(ready, code=1)
    assert "inventory.csv:2:2: error SOP302" in out and "has invalid inputs" in out
    assert not (ready / OUT / "report.html").exists()


def test_report_of_a_verified_tag(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(["tag"], cwd=ready).code == 0
    # the working tree moves on; the report of the tag still shows the tagged plan
    inv = ready / CDIR / "inputs" / "inventory.csv"
    inv.write_text(inv.read_text().replace("P-100,150,", "P-100,175,"))
    git(ready, "commit", "-qam", "stock count")
    import sopctl.plan

    solves: list[str] = []
    solve = sopctl.plan.reconcile

    def counted(ws: Any, *args: Any, **kwargs: Any) -> Any:
        solves.append(ws.cycle_id)
        return solve(ws, *args, **kwargs)

    monkeypatch.setattr(sopctl.plan, "reconcile", counted)
    out = _report(ready, f"sop/{CYCLE}/v1")
    assert solves == [CYCLE]  # verify re-made the outputs; the report shows those bytes
    assert (
        f"wrote {OUT}/report-v1.html: cycle 2026-12 from sop/2026-12/v1 (verified: identical)"
        in out
    )
    text = _text((ready / OUT / "report-v1.html").read_text(encoding="utf-8"))
    assert "Tag sop/2026-12/v1 (commit " in text and "tagged by planner@example.test" in text
    assert "Verified: every input and output matches the SHA-256 digest" in text
    assert "Overdue as of 20" in text  # a tag's report counts overdue days at the tag's date
    assert f"cycle status committed as sop/{CYCLE}/v1 · plan optimal" in text
    assert COMMITTED in text and "waiting for" not in text
    assert "cfo (required) not given" in text
    assert "Revenue 111,989 EUR" in text


def test_a_tag_that_does_not_verify_is_refused(ready: Path) -> None:
    assert run(["tag"], cwd=ready).code == 0
    name = f"sop/{CYCLE}/v1"
    target = git(ready, "rev-list", "-n1", name).strip()
    message = git(ready, "cat-file", "tag", name).split("\n\n", 1)[1]
    line = next(ln for ln in message.splitlines() if "inputs/items.csv:" in ln)
    forged = message.replace(line, line.rsplit(" ", 1)[0] + " " + "f" * 64)
    (ready.parent / "msg.txt").write_text(forged)
    git(
        ready,
        "tag",
        "-f",
        "-a",
        "--cleanup=verbatim",
        "-F",
        str(ready.parent / "msg.txt"),
        name,
        target,
    )
    out = _report(ready, name, code=1)
    assert f"{name}: error SOP960" in out and "does not verify" in out
    assert "its plan is not used" in out
    assert not list((ready / OUT).glob("report*.html"))
    r = run(["export", "xlsx", name, "--out", "x.xlsx"], cwd=ready)  # the same words: no "report"
    assert r.code == 1 and "its plan is not used" in r.out + r.err
    assert "no report" not in r.out + r.err and not (ready / "x.xlsx").exists()


def test_input_warnings_are_counted_once_when_scenarios_are_solved_too(tmp_path: Path) -> None:
    """The demo solved in memory (no outputs): the base's Signal warnings come back with each
    scenario's plan; the note counts each warning once, as `sopctl demand` lists them."""
    import shutil

    repo = tmp_path / "demo"
    top = Path(__file__).resolve().parents[1]
    for sub in ("charters", "cycles"):
        shutil.copytree(top / sub, repo / sub, ignore=shutil.ignore_patterns("outputs"))
    demand = run(["demand", "--format", "json"], cwd=repo)
    warnings = json.loads(demand.out)["warnings"]
    shutil.rmtree(repo / CDIR / "outputs")
    out = _report(repo, "--out", "r.html")
    assert warnings > 0 and f"note: {warnings} warnings in the inputs" in out, out


def test_pipeline_coverage_is_a_headline_kpi_against_the_charter(tmp_path: Path) -> None:
    """QA: the charter metric pipeline_coverage (1.2 in the demo) appeared nowhere in the
    report; the demand view covers 0.51, 0.81 and 0.61 of the segments' targets."""
    import shutil

    import polars as pl

    from sopctl.signal.compare import coverage_summary

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path / "demo"
    shutil.copytree(repo / "charters", root / "charters")
    shutil.copytree(
        repo / "cycles" / "2026-12",
        root / "cycles" / "2026-12",
        ignore=shutil.ignore_patterns("outputs"),
    )
    assert run(["demand"], cwd=root).code == 0
    text = _text(_report(root, "--out", "r.html") and (root / "r.html").read_text())
    cov = pl.read_csv(root / "cycles/2026-12/outputs/pipeline_coverage.csv")
    expect = coverage_summary(cov)
    assert [round(c, 2) for c in expect["coverage"]] == [0.51, 0.81, 0.61]
    for r in expect.iter_rows(named=True):  # the same rule as `sopctl demand`'s table
        assert (
            f"Pipeline coverage: {r['segment']} {r['coverage']:.2f} target ≥ 1.20 misses "
            f"weighted pipeline {r['weighted_pipeline']:,.0f} ÷ new-business target "
            f"{r['target']:,.0f} units over the periods with a target; lowest "
            f"{r['lowest']:.2f} in {r['lowest_period']}" in text
        )
