"""`sopctl learn` end to end on a repository with three committed cycles (test_learn_support):
the scorecard and series files, the lag analysis read from git, and that nothing in the working
tree changes what learn reports for a tag."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from sopctl.learn.scorecard import COLUMNS, SCOPES, SECTIONS, STATUSES
from tests.helpers import git, run, write_files
from tests.test_learn_support import ACTUALS, CYCLES, MONTHS, ORDERS, PLANS, three_cycles

HEAD = "section,metric,scope,key,value,target,status,owner,escalate_to"
OUT = "learn/2026-12"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return three_cycles(tmp_path / "plan")


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def card(root: Path, cycle: str = "2026-12") -> dict[tuple[str, str, str, str], dict[str, str]]:
    return {
        (r["section"], r["metric"], r["scope"], r["key"]): r
        for r in rows(root / "learn" / cycle / "scorecard.csv")
    }


def learn(root: Path, *args: str) -> dict:
    r = run(["learn", *args, "--format", "json"], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    doc: dict = json.loads(r.out)
    assert doc["exit_code"] == r.code
    return doc


def test_scorecard_and_series_of_a_committed_cycle(repo: Path) -> None:
    doc = learn(repo, "sop/2026-12/v1")
    assert doc["tag"] == "sop/2026-12/v1" and doc["observed_periods"] == list(MONTHS)
    text = (repo / OUT / "scorecard.csv").read_text(encoding="utf-8")
    assert text.startswith(HEAD + ",") and text.splitlines()[0] == ",".join(COLUMNS)
    got = rows(repo / OUT / "scorecard.csv")
    assert {r["section"] for r in got} == set(SECTIONS)
    assert {r["scope"] for r in got} <= set(SCOPES) and {r["status"] for r in got} <= set(STATUSES)
    breaches = [r for r in got if r["status"] == "breach"]
    assert breaches and all(r["owner"] and r["escalate_to"] for r in breaches)
    assert all(r["target"] == "" for r in got if r["status"] == "info")

    # P-100 strategic in 2027-02, by hand: moving-average baseline 120 (the last three
    # months of 2026: 115, 120, 125), deal D-001 (proposal 0.5 x 200 units over 2 months
    # from 2027-02) adds 50: 170 committed against 125 ordered, error 125 - 170 = -45
    series = {(r["item"], r["segment"], r["period"]): r for r in rows(repo / OUT / "series.csv")}
    s = series[("P-100", "strategic", "2027-02")]
    assert (float(s["baseline"]), float(s["pipeline"]), float(s["final"])) == (120, 50, 170)
    assert (float(s["actual"]), float(s["error"]), s["lag"]) == (125, -45, "2")
    assert float(series[("P-100", "strategic", "2027-01")]["naive"]) == 125  # December 2026
    # its running tracking signal: errors 130-120 = 10, -45, 140-170 = -30
    # running sums 10, -35, -65; running MAD 10, 27.5, 28.3333
    ts = [float(series[("P-100", "strategic", p)]["tracking_signal"]) for p in MONTHS]
    assert ts == pytest.approx([1.0, -35 / 27.5, -65 / (85 / 3)], abs=1e-4)
    assert series[("P-100", "strategic", "2027-04")]["actual"] == ""  # not observed yet

    c = card(repo)
    total_actual = sum(sum(v) for v in ORDERS.values())
    committed = sum(float(r["final"]) for r in PLANS["2026-12"] if r["period"] in MONTHS)
    assert float(c[("forecast", "actual", "total", "all")]["value"]) == total_actual == 1225
    assert float(c[("forecast", "forecast", "total", "all")]["value"]) == pytest.approx(committed)
    bias = c[("forecast", "bias_pct", "total", "all")]
    assert float(bias["value"]) == pytest.approx(
        (total_actual - committed) / total_actual, abs=1e-4
    )
    assert (bias["owner"], bias["severity"]) == ("demand_planner", "error")  # forecast_bias
    layers = [r["key"] for r in got if r["scope"] == "layer" and r["metric"] == "wape"]
    assert layers == ["naive", "baseline", "pipeline", "promotions_renewals", "overrides"]
    naive = c[("forecast", "wape", "layer", "naive")]
    assert naive["note"] == "naive: each series' demand in 2026-12"  # the default, last
    # service: strategic shipped everything; standard shipped 90 % against a 0.9 target
    strategic = c[("service", "unit_fill_rate", "segment", "strategic")]
    assert (strategic["target"], strategic["tolerance"]) == ("0.98", "0.02")  # segment target
    # order lines inside the horizon (SO-4 asks for 2027-09, outside it): SO-1/1 on time and
    # in full; SO-1/2 in full but a month late; SO-2 short (6 of 8); SO-3 not shipped
    # unit fill (10 + 5 + 6 + 0) / 27; line fill 2 of 4 in full; OTIF 1 of 4
    assert float(c[("service", "unit_fill_rate", "total", "all")]["value"]) == pytest.approx(
        21 / 27, abs=1e-4
    )
    assert c[("service", "line_fill_rate", "total", "all")]["value"] == "0.5"
    assert c[("service", "otif", "total", "all")]["value"] == "0.25"
    assert c[("service", "otif", "segment", "strategic")]["value"] == "0.5"
    # days of supply: 40 units of P-100 at the end of 2027-03 against its committed demand
    # of 2027-04 (all segments), in days of a month as finance counts them (365 / 12)
    d = sum(
        float(r["final"])
        for r in PLANS["2026-12"]
        if r["item"] == "P-100" and r["period"] == "2027-04"
    )
    dos = c[("inventory", "days_of_supply", "item", "P-100")]
    assert float(dos["value"]) == pytest.approx(40 / d * 365 / 12, abs=1e-4)
    assert (dos["target"], dos["target_max"], dos["status"]) == ("5.0", "60.0", "ok")
    assert c[("inventory", "ss_breaches", "item", "P-100")]["value"] == "1.0"  # 40 < 60
    # assumptions: A1 held partly (its owner says so); A2 named M-1, whose receipts took
    # 2, 1 and 3 months (mean 2) against the 1 month the plan assumed
    assert c[("assumptions", "assumption", "assumption", "A1")]["value"] == "0.5"
    lead = c[("assumptions", "lead_time", "assumption", "lead_time:M-1")]
    assert (lead["value"], lead["target"], lead["status"]) == ("2.0", "1.0", "breach")
    a2 = c[("assumptions", "assumption", "assumption", "A2")]
    assert a2["status"] == "breach" and "derived: lead_time of lead_time:M-1" in a2["note"]
    a3 = c[("assumptions", "assumption", "assumption", "A3")]  # "lead times", no material
    assert a3["value"] == "0.0" and "lead_time:M-1" in a3["note"]
    # pipeline: D-001 (proposal) won, D-002 (qualified) lost, D-003 (committed) has no outcome
    assert c[("pipeline", "disappeared", "stage", "committed")]["value"] == "1.0"
    assert c[("pipeline", "conversion", "stage", "proposal")]["status"] == "breach"  # 1 vs 0.5
    assert c[("pipeline", "new_deals", "total", "all")]["value"] == "1.0"  # D-009


def _lag_by_hand(lag: int) -> float:
    """WAPE at `lag` from the demand views each cycle committed (kept while building)."""
    abs_err = actual = 0.0
    for cycle, first in CYCLES.items():
        horizon = [r["period"] for r in PLANS[cycle]]
        periods = sorted(set(horizon))
        for k, month in enumerate(MONTHS):
            if month not in periods or periods.index(month) + 1 != lag:
                continue
            for r in PLANS[cycle]:
                if r["period"] == month:
                    a = ORDERS[(r["item"], r["segment"])][k]
                    abs_err += abs(a - float(r["final"]))
                    actual += a
        assert periods[0] == first
    return abs_err / actual


def test_lag_analysis_reads_every_committed_cycle_from_git(repo: Path) -> None:
    doc = learn(repo, "2026-12")  # a cycle: its highest tag
    assert doc["lag_tags"] == ["sop/2026-12/v1", "sop/2027-01/v1", "sop/2027-02/v1"]
    c = card(repo)
    # 2027-01 is lag 1 of the first cycle only; 2027-02 is lag 1 of the second, lag 2 of the
    # first; 2027-03 lag 1 of the third, 2 of the second, 3 of the first
    for lag, n, tags in ((1, 12, 3), (2, 8, 2), (3, 4, 1)):
        r = c[("lag", "wape", "lag", str(lag))]
        assert float(r["value"]) == pytest.approx(_lag_by_hand(lag), abs=1e-4)
        assert int(r["n"]) == n and r["note"].count("sop/") == tags
    assert ("lag", "wape", "lag", "4") not in c


def test_a_later_working_tree_does_not_change_an_old_tag(repo: Path) -> None:
    learn(repo, "sop/2026-12/v1")
    before = {n: (repo / OUT / n).read_bytes() for n in ("scorecard.csv", "series.csv")}
    inputs = repo / "cycles/2026-12/inputs"
    hist = (inputs / "history.csv").read_text("utf-8").replace(",120\n", ",999\n")
    write_files(
        repo,
        {
            "cycles/2026-12/inputs/history.csv": hist,
            "cycles/2026-12/inputs/overrides.csv": "override_id,item,segment,period,kind,"
            "quantity,owner,reason\nO-9,P-200,standard,2027-02,delta,500,"
            "sam@acme.example,shadow plan\n",
            # a shadow plan where the committed outputs would be
            "cycles/2026-12/outputs/demand_plan.csv": "item,segment,period,baseline,pipeline,"
            "promotion,renewal,override,final\nP-100,strategic,2027-01,1,0,0,0,0,1\n",
        },
    )
    charter = repo / "charters/acme.yaml"
    charter.write_text(charter.read_text("utf-8").replace("probability: 0.5", "probability: 0.8"))
    git(repo, "add", "cycles/2026-12/inputs", "charters")
    git(repo, "commit", "-q", "-m", "edit the plan after the commit")
    for clear_cache in (False, True):
        if clear_cache:  # and once more, rebuilding the committed outputs from the tag
            shutil.rmtree(repo / ".git/sopctl-cache")
        doc = learn(repo, "sop/2026-12/v1")
        assert set(doc["committed_files"].values()) == {"rebuilt" if clear_cache else "cache"}
        after = {n: (repo / OUT / n).read_bytes() for n in before}
        assert after == before


def test_outputs_committed_with_the_tag_are_read_from_it(repo: Path) -> None:
    doc = learn(repo, "sop/2027-02/v1")
    assert set(doc["committed_files"].values()) == {"tag"} and doc["findings"] == []
    # a later tag whose committed supply plan no longer matches its record
    message = git(repo, "cat-file", "tag", "sop/2027-02/v1").split("\n\n", 1)[1]
    plan = repo / "cycles/2027-02/outputs/supply_plan.csv"
    git(repo, "checkout", "-q", "sop/2027-02/v1", "--", "cycles/2027-02/outputs")
    plan.write_text(plan.read_text("utf-8").replace("P-100,2027-03,", "P-100,2027-03,1"))
    demand = repo / "cycles/2027-02/outputs/demand_plan.csv"
    demand.write_text(demand.read_text("utf-8") + "P-200,key,2027-03,0,0,0,0,0,0\n")
    git(repo, "add", "-f", "cycles/2027-02/outputs")
    git(repo, "commit", "-q", "-m", "tamper with the committed outputs")
    (repo / "msg.txt").write_text(message.replace("sop/2027-02/v1", "sop/2027-02/v2"))
    git(repo, "tag", "-a", "--cleanup=verbatim", "-F", "msg.txt", "sop/2027-02/v2")
    r = run(["learn", "sop/2027-02/v2", "--format", "json"], cwd=repo)
    assert r.code == 1, r.out + r.err
    doc = json.loads(r.out)
    codes = {(f["code"], f["path"].rsplit("/", 1)[-1]) for f in doc["findings"]}
    assert ("SOP720", "supply_plan.csv") in codes  # digest differs from the record
    assert ("SOP722", "demand_plan.csv") in codes  # no longer bound by the demand manifest
    # neither tampered file is used: both are rebuilt from the tagged inputs
    assert doc["committed_files"]["supply_plan.csv"] == "rebuilt"
    assert doc["committed_files"]["demand_plan.csv"] == "rebuilt"


def test_suggest_writes_a_patch_and_leaves_the_charter_alone(repo: Path) -> None:
    charter = (repo / "charters/acme.yaml").read_bytes()
    r = run(["learn", "2026-12", "--suggest"], cwd=repo)
    assert r.code == 1, r.out + r.err  # the forecast bias breaches (severity error)
    assert "suggested charter change: learn/2026-12/charter.patch" in r.out
    patch = (repo / OUT / "charter.patch").read_text("utf-8")
    # qualified: 0 won of 1 resolved (charter 0.2); proposal: 1 of 1 (charter 0.5)
    assert "-    - {id: qualified, probability: 0.2}" in patch
    assert "+    - {id: qualified, probability: 0}" in patch
    assert "+    - {id: proposal, probability: 1}" in patch
    assert (repo / "charters/acme.yaml").read_bytes() == charter
    git(repo, "apply", "--check", f"{OUT}/charter.patch")
    # a later run that suggests nothing takes the patch away with the rest of its write
    r = run(["learn", "2026-12"], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert f"removed {OUT}/charter.patch (an earlier run's" in " ".join(r.out.split())
    doc = json.loads(run(["learn", "2026-12", "--format", "json"], cwd=repo).out)
    assert doc["removed"] == []  # nothing left to remove the second time
    assert sorted(p.name for p in (repo / OUT).iterdir()) == [
        "scorecard.csv",
        "series.csv",
        "tag.json",
    ]


def test_markdown_and_text(repo: Path) -> None:
    r = run(["learn", "sop/2026-12/v1", "--format", "markdown"], cwd=repo)
    assert r.code == 1
    assert r.out.startswith("## Learn: cycle 2026-12 against sop/2026-12/v1")
    assert "### Accuracy by lag" in r.out and "| lag | 3 | wape |" in r.out
    assert "| **breach** |" in r.out
    # bias and tracking signal are judged on their size: the target says so
    assert "| \\|v\\| ≤ 4 |" in r.out
    c = card(repo)
    assert c[("forecast", "tracking_signal", "total", "all")]["absolute"] == "true"
    assert c[("forecast", "wape", "total", "all")]["absolute"] in {"false", ""}
    r = run(["learn", "sop/2026-12/v1"], cwd=repo)
    assert "|v| ≤ 4" in r.out
    assert "Forecast quality" in r.out and "Assumptions review" in r.out
    assert "wrote " in r.out and "breaches" in r.out


def test_exit_zero_when_everything_is_within_tolerance(repo: Path) -> None:
    # actuals exactly as committed, shipped in full: no metric with severity error breaches
    lines = ["item,segment,period,ordered,shipped"]
    for r in PLANS["2026-12"]:
        if r["period"] in MONTHS:
            lines.append(f"{r['item']},{r['segment']},{r['period']},{r['final']},{r['final']}")
    shutil.rmtree(repo / "actuals")
    write_files(repo, {"actuals/2026-12/demand.csv": "\n".join(lines) + "\n"})
    doc = learn(repo, "sop/2026-12/v1")
    assert doc["exit_code"] == 0 and doc["actuals"]["location"] == "actuals/2026-12"
    c = card(repo)
    assert c[("forecast", "wape", "total", "all")]["value"] == "0.0"
    assert c[("inventory", "days_of_supply", "total", "all")]["status"] == "no_data"
    assert "no actuals" in c[("inventory", "days_of_supply", "total", "all")]["note"]
    # text and Markdown say which file each no_data row lacks, under its section
    hint = "no data for days_of_supply, turns, ss_breaches: no actuals: add stock.csv"
    text = run(["learn", "sop/2026-12/v1"], cwd=repo).out
    assert hint in " ".join(text.split()), text
    md = run(["learn", "sop/2026-12/v1", "--format", "markdown"], cwd=repo).out
    assert f"- {hint}" in md
    assert md.index("### Inventory health") < md.index(hint) < md.index("### Plan adherence")


@pytest.mark.parametrize(
    ("args", "setup", "message"),
    [
        (["sop/2026-12/v9"], None, "unknown tag"),
        (["2031-01"], None, "neither a tag nor a cycle"),
        (["2026-12", "--actuals", "nowhere"], None, "no actuals at nowhere"),
        (["2026-12"], "empty", "no actuals in actuals"),
        (["2026-12"], "none", "no actuals for cycle 2026-12"),
    ],
)
def test_usage_errors_exit_2(repo: Path, args: list[str], setup: str | None, message: str) -> None:
    if setup:
        shutil.rmtree(repo / "actuals")
        if setup == "empty":
            (repo / "actuals").mkdir()
    r = run(["learn", *args], cwd=repo)
    assert r.code == 2, r.out + r.err
    assert message in r.err and "Traceback" not in r.err
    assert not (repo / "learn").exists()


def test_a_rebuilt_output_that_differs_from_its_record_is_not_used(repo: Path) -> None:
    import hashlib

    import yaml

    message = git(repo, "cat-file", "tag", "sop/2026-12/v1").split("\n\n", 1)[1]
    body = message.split("\n", 1)[1]
    doc = yaml.safe_load(body)
    doc["files"]["cycles/2026-12/outputs/supply_plan.csv"] = "0" * 64
    text = json.dumps(doc["files"], sort_keys=True, separators=(",", ":"))
    doc["plan_digest"] = hashlib.sha256(text.encode()).hexdigest()
    (repo / "msg.txt").write_text("# sopctl commit record sop/2026-12/v2\n" + yaml.safe_dump(doc))
    git(
        repo,
        "tag",
        "-a",
        "--cleanup=verbatim",
        "-F",
        "msg.txt",
        "sop/2026-12/v2",
        "sop/2026-12/v1^{commit}",
    )
    # and a tag of another cycle that is no commit record at all
    git(repo, "tag", "-a", "-m", "not a record", "sop/2027-03/v1")
    r = run(["learn", "sop/2026-12/v2", "--format", "json"], cwd=repo)
    assert r.code == 1, r.out + r.err
    doc = json.loads(r.out)
    codes = {f["code"]: f for f in doc["findings"]}
    assert codes["SOP721"]["path"] == "cycles/2026-12/outputs/supply_plan.csv"
    assert codes["SOP724"]["path"] == "sop/2027-03/v1"
    assert "supply_plan.csv" not in doc["committed_files"]
    ss = [r for r in doc["scorecard"] if r["metric"] == "ss_breaches"]
    assert [(r["status"], r["note"]) for r in ss] == [
        ("no_data", "the committed supply plan could not be read")
    ]


def test_a_seasonal_naive_forecast_from_the_charter(repo: Path) -> None:
    from tests.test_learn_support import _approve, _commit

    charter = repo / "charters/acme.yaml"
    text = charter.read_text("utf-8")
    charter.write_text(text.replace("learn:\n", "learn:\n  naive: seasonal\n", 1), "utf-8")
    for step in ("demand", "reconcile"):
        assert run([step, "2026-12"], cwd=repo).code == 0
    _approve(repo, "2026-12")
    _commit(repo, "FVA against the seasonal naive forecast")
    assert run(["tag", "2026-12"], cwd=repo).code == 0
    learn(repo, "sop/2026-12/v2")
    # P-100 strategic: 120 a month plus the season (0, 5, 10 for January to March of 2026)
    series = {(r["item"], r["segment"], r["period"]): r for r in rows(repo / OUT / "series.csv")}
    naive = [float(series[("P-100", "strategic", p)]["naive"]) for p in MONTHS]
    assert naive == [120, 125, 130]
    row = card(repo)[("forecast", "wape", "layer", "naive")]
    assert row["note"] == "seasonal naive: each period's demand 12 periods earlier"


def test_an_assumption_with_derive_false_is_judged_by_its_owner_only(repo: Path) -> None:
    """A2 names M-1, whose receipts were late; marked `derive: false` it is not judged by
    M-1's lead time (it speaks of M-1 for another reason), and waits for its owner's word."""
    from tests.test_learn_support import _approve, _commit

    cy = repo / "cycles/2026-12/cycle.yaml"
    a2 = "    text: Fastener Co delivers M-1 within one month.\n    owner: ops_lead\n"
    text = cy.read_text("utf-8")
    assert a2 in text
    cy.write_text(text.replace(a2, a2 + "    derive: false\n"), "utf-8")
    for step in ("demand", "reconcile"):
        assert run([step, "2026-12"], cwd=repo).code == 0
    _approve(repo, "2026-12")
    _commit(repo, "A2 is about the contract, not the receipts")
    assert run(["tag", "2026-12"], cwd=repo).code == 0
    assert run(["verify", "sop/2026-12/v2"], cwd=repo).code == 0
    record = git(repo, "tag", "-l", "--format=%(contents)", "sop/2026-12/v2")
    assert "derive: false" in record and "derive: 'false'" not in record  # a YAML boolean
    learn(repo, "sop/2026-12/v2")
    c = card(repo)
    row = c[("assumptions", "assumption", "assumption", "A2")]
    assert row["value"] == "" and "derived:" not in row["note"]
    assert "judged by its owner only (derive: false)" in row["note"]
    assert "outcome to be filled by ops_lead" in row["note"]
    a3 = c[("assumptions", "assumption", "assumption", "A3")]  # still derived
    assert a3["value"] == "0.0" and "lead_time:M-1" in a3["note"]


def test_turns_value_stock_and_shipments_at_each_periods_standard_cost(repo: Path) -> None:
    from tests.test_learn_support import _approve, _commit

    # shipped (demand.csv): P-100 193, 206, 194 and P-200 195, 168, 204 in 2027-01..03
    # (strategic in full, standard 90 % rounded); stock P-100 140, 90, 40, P-200 230, 210, 200
    learn(repo, "sop/2026-12/v1")
    total = card(repo)[("inventory", "turns", "total", "all")]
    # at 40 and 12 a unit: 30,524 out over 3 months, stock 3,600 + 2,560 on average
    assert float(total["value"]) == pytest.approx(30524 * 12 / 3 / 6160, abs=1e-4)
    assert total["note"].startswith("at standard cost per period")
    # M-1 (2 a P-100, 0.50 undated) costs 5.00 from February: P-100 costs 49 from then on
    charter = repo / "charters/acme.yaml"
    declare = "  - {file: mpc.csv, table: material_period_costs, owner: ops_lead, due: reconcile}\n"
    text = charter.read_text("utf-8").replace("metrics:\n", declare + "metrics:\n", 1)
    charter.write_text(text, "utf-8")
    write_files(
        repo,
        {
            "cycles/2026-12/inputs/mpc.csv": "material,period,unit_cost\n"
            "M-1,2027-02,5\nM-1,2027-03,5\n"
        },
    )
    assert run(["reconcile", "2026-12"], cwd=repo).code == 0
    _approve(repo, "2026-12")
    _commit(repo, "Fastener Co raises M-1 from February")
    assert run(["tag", "2026-12"], cwd=repo).code == 0
    learn(repo, "sop/2026-12/v2")
    total = card(repo)[("inventory", "turns", "total", "all")]
    out = 193 * 40 + (206 + 194) * 49 + 30524 - 593 * 40  # P-200 unchanged at 12
    stock = (140 * 40 + 90 * 49 + 40 * 49) / 3 + 2560
    assert float(total["value"]) == pytest.approx(out * 12 / 3 / stock, abs=1e-4)


@pytest.mark.parametrize(
    ("drop", "p100", "p200", "total"),
    [
        # March shipments not reported yet: annualised over the two months demand.csv has
        (("demand", "2027-03"), 399 * 6 / 90, 363 * 6 / (640 / 3), 20316 * 6 / 6160),
        # P-200's January stock not reported: its average is February's and March's
        (("stock", "P-200,2027-01,230"), 593 * 4 / 90, 567 * 4 / 205, 30524 * 4 / 6060),
        # March ordered but its shipments not known yet (shipped empty): as if not reported
        (("unshipped", "2027-03"), 399 * 6 / 90, 363 * 6 / (640 / 3), 20316 * 6 / 6160),
    ],
    ids=["demand-reports-fewer-periods", "stock-reports-fewer-periods", "shipped-empty"],
)
def test_turns_annualise_outflow_over_the_periods_demand_reports(
    repo: Path, drop: tuple[str, str], p100: float, p200: float, total: float
) -> None:
    """Outflow per period comes from the periods demand.csv reports on, average stock from the
    stock reports: a period one file does not cover neither counts as no sales nor drags the
    total below every item's turns."""
    kind, what = drop
    path = repo / ("actuals/stock.csv" if kind == "stock" else "actuals/demand.csv")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    if kind == "unshipped":  # item,segment,period,ordered,shipped: empty the last cell
        lines = [ln.rsplit(",", 1)[0] + ",\n" if what in ln else ln for ln in lines]
    else:
        lines = [ln for ln in lines if what not in ln]
    path.write_text("".join(lines), "utf-8")
    learn(repo, "sop/2026-12/v1")
    got = card(repo)
    assert float(got[("inventory", "turns", "item", "P-100")]["value"]) == pytest.approx(
        p100, abs=1e-4
    )
    assert float(got[("inventory", "turns", "item", "P-200")]["value"]) == pytest.approx(
        p200, abs=1e-4
    )
    row = got[("inventory", "turns", "total", "all")]
    assert float(row["value"]) == pytest.approx(total, abs=1e-4)
    periods = 3 if kind == "stock" else 2
    assert row["note"].endswith(f"over the {periods} periods with shipments in demand.csv")


def test_fva_without_actual_demand_says_so(repo: Path) -> None:
    """With no demand in the observed periods no layer has a WAPE: the FVA rows say that,
    not that the tag lacks the history of a naive forecast (it has it)."""
    body = "item,segment,period,ordered,shipped\nP-100,strategic,2027-01,0,0\n"
    write_files(repo, {"actuals/demand.csv": body})
    learn(repo, "sop/2026-12/v1")
    got = card(repo)
    fva = [r for k, r in got.items() if k[:3] == ("forecast", "fva", "layer")]
    assert fva and all(r["value"] == "" for r in fva)
    assert {r["note"] for r in fva} == {
        "no actual demand in the observed periods: WAPE has no base"
    }


def test_bad_actuals_are_located_and_the_summary_counts_the_files_read(repo: Path) -> None:
    stock = repo / "actuals/stock.csv"
    stock.write_text(stock.read_text("utf-8").replace("P-100,2027-02,90", "P-100,2027-02,-5"))
    r = run(["learn", "sop/2026-12/v1"], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert "actuals/stock.csv:3:3: error SOP305 on_hand is -5" in r.out
    n = len(list((repo / "actuals").glob("*.csv")))
    assert r.out.rstrip().endswith(f"failed: 1 error, 0 warnings in {n} files checked"), r.out
    assert not (repo / OUT).exists()  # nothing written


def test_an_actual_row_repeating_a_key_in_another_case_is_a_duplicate(repo: Path) -> None:
    """p-100 is read as P-100 (SOP406); its row then repeats a key, and summing both would
    count January's shipments twice."""
    demand = repo / "actuals/demand.csv"
    lines = demand.read_text("utf-8").splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.startswith("P-100,strategic,2027-01,"))
    lines.append("p" + lines[first][1:])
    demand.write_text("\n".join(lines) + "\n", "utf-8")
    r = run(["learn", "sop/2026-12/v1"], cwd=repo)
    assert r.code == 1, r.out + r.err
    n = len(lines)
    assert f"actuals/demand.csv:{n}:1: warning SOP406 'p-100'" in r.out
    assert (
        f"actuals/demand.csv:{n}:1: error SOP401 duplicate key (item, segment, period) = "
        f"(P-100, strategic, 2027-01); first on line {first + 1}" in r.out
    )
    assert not (repo / OUT).exists()


def test_actuals_that_are_no_actuals_table_count_as_a_file_checked(repo: Path) -> None:
    other = repo.parent / "passwd.csv"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    r = run(["learn", "sop/2026-12/v1", "--actuals", str(other)], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert r.out.rstrip().endswith("failed: 1 error, 0 warnings in 1 file checked"), r.out


def test_a_fifo_as_actuals_is_a_finding_and_never_opened(repo: Path) -> None:
    import os

    from tests.helpers import deadline

    if not hasattr(os, "mkfifo"):
        pytest.skip("this platform has no FIFOs")
    fifo = repo.parent / "stock.csv"
    os.mkfifo(fifo)
    with deadline(60):
        r = run(["learn", "sop/2026-12/v1", "--actuals", str(fifo)], cwd=repo)
    assert r.code == 1, r.out + r.err
    assert "error SOP019 this is a FIFO (named pipe), not a regular file" in r.out, r.out
    assert r.out.rstrip().endswith("in 1 file checked"), r.out


def test_a_learn_folder_that_is_a_file_is_an_environment_error(repo: Path) -> None:
    (repo / "learn").write_text("not a folder\n", encoding="utf-8")
    r = run(["learn", "sop/2026-12/v1"], cwd=repo)
    assert r.code == 2, r.out + r.err
    assert r.err.startswith(
        "sopctl: error: cannot write learn/2026-12/scorecard.csv: learn is a file, not a folder"
    ), r.err
    assert "\nhint: remove or rename learn" in r.err
    assert (repo / "learn").read_text(encoding="utf-8") == "not a folder\n"


def test_json_keys_are_the_documented_ones_and_ok_is_about_the_inputs(repo: Path) -> None:
    """A breach at severity error (the forecast bias) makes exit_code 1 while ok, which is
    about the inputs' findings, stays true; docs/learn.md lists every key."""
    r = run(["learn", "2026-12", "--format", "json"], cwd=repo)
    doc = json.loads(r.out)
    assert (r.code, doc["exit_code"], doc["ok"]) == (1, 1, True)
    text = (Path(__file__).parents[1] / "docs" / "learn.md").read_text("utf-8")
    table = text[text.index("`--format json` prints one object:") :].split("\n\n")[1]
    documented = {k for line in table.splitlines()[2:] for k in line.split("|")[1].split("`")[1::2]}
    assert documented == set(doc)


def test_days_of_supply_of_stock_that_outlasts_the_plan_says_it_is_a_lower_bound(
    repo: Path,
) -> None:
    stock = ACTUALS["stock.csv"].replace("P-200,2027-03,200", "P-200,2027-03,100000")
    write_files(repo, {"actuals/stock.csv": stock})
    learn(repo, "sop/2026-12/v1")
    row = card(repo)[("inventory", "days_of_supply", "item", "P-200")]
    assert row["note"] == (
        "stock 100000.0 at the end of 2027-03; the stock outlasts the plan's horizon (to "
        "2027-06), so cover is at least 91.25 days, above the maximum 60 whatever the demand "
        "after it"
    )
