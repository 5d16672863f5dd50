"""`sopctl demand`: outputs, determinism, refusals, formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import run, write_files

OUT = "cycles/2026-12/outputs"
OVERRIDES = "cycles/2026-12/inputs/overrides.csv"
FILES = ("demand_plan.csv", "demand_sources.csv", "pipeline_coverage.csv", "baseline_methods.csv")


def test_demand_writes_outputs_deterministically(repo: Path) -> None:
    r = run(["demand"], cwd=repo)
    assert r.code == 0, r.out + r.err
    assert "Totals per period" in r.out
    first = {n: (repo / OUT / n).read_bytes() for n in (*FILES, "demand_manifest.json")}
    plan = (repo / OUT / "demand_plan.csv").read_text().splitlines()
    assert plan[0] == "item,segment,period,baseline,pipeline,promotion,renewal,override,final"
    assert len(plan) == 1 + 4 * 6  # 2 items x 2 segments x 6 periods
    assert run(["demand"], cwd=repo).code == 0
    again = {n: (repo / OUT / n).read_bytes() for n in first}
    assert again == first
    manifest = json.loads(first["demand_manifest.json"])
    assert set(manifest["outputs"]) == set(FILES)
    assert "cycles/2026-12/inputs/history.csv" in manifest["inputs"]


def test_override_without_right_refuses_and_writes_nothing(repo: Path) -> None:
    write_files(
        repo,
        {
            OVERRIDES: "override_id,item,segment,period,kind,quantity,owner,reason\n"
            "O-1,P-100,standard,2027-04,delta,30,olga@acme.example,Ops thinks so\n"
        },
    )
    r = run(["demand"], cwd=repo)
    assert r.code == 1
    assert f"{OVERRIDES}:2:7: error SOP701" in r.out
    assert not (repo / OUT).exists()


def test_failed_run_keeps_previous_outputs(repo: Path) -> None:
    assert run(["demand"], cwd=repo).code == 0
    before = (repo / OUT / "demand_plan.csv").read_bytes()
    write_files(
        repo,
        {
            OVERRIDES: "override_id,item,segment,period,kind,quantity,owner,reason\n"
            "O-1,P-100,standard,2027-01,delta,30,dana@acme.example,Frozen window\n"
        },
    )
    r = run(["demand"], cwd=repo)
    assert r.code == 1 and "SOP702" in r.out
    assert (repo / OUT / "demand_plan.csv").read_bytes() == before


def test_override_rights_are_reported_once_as_validate_reports_them(repo: Path) -> None:
    write_files(
        repo,
        {
            OVERRIDES: "override_id,item,segment,period,kind,quantity,owner,reason\n"
            "O-1,P-100,standard,2027-01,delta,30,dana@acme.example,Rush order\n"
            "O-2,P-200,standard,2027-03,delta,5,carl@acme.example,Finance view\n"
        },
    )
    validated = json.loads(run(["validate", "--format", "json"], cwd=repo).out)["findings"]
    r = run(["demand", "--format", "json"], cwd=repo)
    assert r.code == 1
    found = [f for f in json.loads(r.out)["findings"] if f["code"] in ("SOP701", "SOP702")]
    assert [(f["code"], f["line"], f["col"]) for f in found] == [("SOP702", 2, 4), ("SOP701", 3, 7)]
    assert found == [f for f in validated if f["code"] in ("SOP701", "SOP702")]
    text = run(["demand"], cwd=repo).out
    assert text.count("SOP702") == 1 and text.count("SOP701") == 1
    assert not (repo / OUT).exists()


def test_invalid_inputs_show_validation_findings(repo: Path) -> None:
    write_files(repo, {"cycles/2026-12/inputs/history.csv": "item,segment,period,quantity\nx\n"})
    r = run(["demand"], cwd=repo)
    assert r.code == 1
    assert "SOP206" in r.out or "SOP402" in r.out
    assert not (repo / OUT).exists()


def test_json_format_and_previous_cycle_comparison(repo: Path) -> None:
    assert run(["demand", "2026-12"], cwd=repo).code == 0
    # a next cycle, one month later, with one more override
    src, dst = repo / "cycles" / "2026-12", repo / "cycles" / "2027-01"
    for p in src.rglob("*"):
        if p.is_file() and "outputs" not in p.parts:
            target = dst / p.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(p.read_bytes())
    (dst / "cycle.yaml").write_text((src / "cycle.yaml").read_text().replace("2026-12", "2027-01"))
    (dst / "inputs" / "overrides.csv").write_text(
        "override_id,item,segment,period,kind,quantity,owner,reason\n"
        "O-1,P-100,standard,2027-04,delta,30,sam@acme.example,Trade fair orders expected\n"
        "O-2,P-200,strategic,2027-05,delta,500,sam@acme.example,Framework contract signed\n"
    )
    # a cycle whose id sorts before 2027-01 but that plans later is not the previous one
    stray = repo / "cycles" / "2026-zz"
    (stray / "outputs").mkdir(parents=True)
    text = (src / "cycle.yaml").read_text().replace("2026-12", "2026-zz")
    (stray / "cycle.yaml").write_text(
        text.replace("first_period: 2027-01", "first_period: 2027-03")
    )
    (stray / "outputs" / "demand_plan.csv").write_bytes(
        (repo / OUT / "demand_plan.csv").read_bytes()
    )
    r = run(["demand", "2027-01", "--format", "json"], cwd=repo)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["previous_cycle"] == "2026-12" and doc["comparison"] == "compared"
    top = doc["changes"][0]
    assert (top["item"], top["segment"], top["period"], top["change"]) == (
        "P-200",
        "strategic",
        "2027-05",
        500.0,
    )
    assert sum(t["override"] for t in doc["totals"]) == 530.0
    # the same inputs as the previous cycle: compared, and nothing changed
    (dst / "inputs" / "overrides.csv").write_bytes((src / "inputs" / "overrides.csv").read_bytes())
    out = run(["demand", "2027-01"], cwd=repo).out
    assert "No change of final demand against cycle 2026-12." in out
    # a previous plan of other periods only: nothing to compare, and said so
    plan = (repo / OUT / "demand_plan.csv").read_text()
    (repo / OUT / "demand_plan.csv").write_text(plan.replace(",2027-", ",2025-"))
    r = run(["demand", "2027-01", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["comparison"] == "disjoint"
    out = run(["demand", "2027-01"], cwd=repo).out
    assert "No comparison: cycle 2026-12 plans no period of this horizon." in out
    # damaged: text, infinity or nothing in final, or no file at all
    head, first, *rest = plan.splitlines()
    cut = first.rsplit(",", 1)[0]
    for damaged in (
        "\n".join([head, f"{cut},x", *rest]) + "\n",
        "\n".join([head, f"{cut},inf", *rest]) + "\n",
        head + "\n",
    ):
        (repo / OUT / "demand_plan.csv").write_text(damaged)
        r = run(["demand", "2027-01", "--format", "json"], cwd=repo)
        assert r.code == 0 and json.loads(r.out)["comparison"] == "missing", r.out + r.err
    out = " ".join(run(["demand", "2027-01"], cwd=repo).out.split())
    assert (
        "No comparison: cycle 2026-12's outputs/demand_plan.csv cannot be read; "
        "'sopctl demand 2026-12' writes it again, then run this command again." in out
    )
    (repo / OUT / "demand_plan.csv").unlink()
    out = " ".join(run(["demand", "2027-01"], cwd=repo).out.split())
    assert (
        "No comparison: cycle 2026-12 has no outputs/demand_plan.csv in this clone (outputs are "
        "git-ignored). Run 'sopctl demand 2026-12' to rebuild it from that cycle's inputs, then "
        "this command again." in out
    )


def test_a_fresh_clone_is_told_how_to_compare_with_the_committed_cycle(tmp_path: Path) -> None:
    """The previous cycle is tagged, but its outputs are git-ignored: the note names the tag
    and the command that makes the comparison possible."""
    from tests.test_tag_support import ready_copy

    repo = ready_copy(tmp_path / "plan")
    assert run(["tag"], cwd=repo).code == 0
    src, dst = repo / "cycles" / "2026-12", repo / "cycles" / "2027-01"
    for name in ("cycle.yaml", *(f"inputs/{p.name}" for p in (src / "inputs").iterdir())):
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        (dst / name).write_bytes((src / name).read_bytes())
    cy = (src / "cycle.yaml").read_text().replace("id: 2026-12", "id: 2027-01")
    (dst / "cycle.yaml").write_text(cy.replace("first_period: 2027-01", "first_period: 2027-02"))
    shutil.rmtree(src / "outputs")  # as in a fresh clone
    out = " ".join(run(["demand", "2027-01"], cwd=repo).out.split())
    assert (
        "No comparison: cycle 2026-12 (committed as sop/2026-12/v1) has no "
        "outputs/demand_plan.csv in this clone (outputs are git-ignored). "
        "Run 'sopctl demand 2026-12' to rebuild it" in out
    )
    assert run(["demand", "2026-12"], cwd=repo).code == 0
    r = run(["demand", "2027-01", "--format", "json"], cwd=repo)
    assert r.code == 0 and json.loads(r.out)["comparison"] == "compared", r.out + r.err


def test_largest_changes_rows_text_and_json(repo: Path) -> None:
    """docs/signal.md: the text view shows the 10 largest changes, the JSON the 20 largest.
    The previous cycle's plan is this plan with every final 1 to 24 units higher: 24
    changes, the largest first (-24 in the last row of the file)."""
    assert run(["demand", "2026-12"], cwd=repo).code == 0
    src, dst = repo / "cycles" / "2026-12", repo / "cycles" / "2027-01"
    for p in src.rglob("*"):
        if p.is_file() and "outputs" not in p.parts:
            target = dst / p.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(p.read_bytes())
    (dst / "cycle.yaml").write_text((src / "cycle.yaml").read_text().replace("2026-12", "2027-01"))
    head, *rows = (repo / OUT / "demand_plan.csv").read_text().splitlines()
    bumped = [",".join([*r.split(",")[:-1], str(float(r.split(",")[-1]) + n)])
              for n, r in enumerate(rows, start=1)]  # fmt: skip
    (repo / OUT / "demand_plan.csv").write_text("\n".join([head, *bumped]) + "\n")
    doc = json.loads(run(["demand", "2027-01", "--format", "json"], cwd=repo).out)
    assert [c["change"] for c in doc["changes"]] == [-float(n) for n in range(24, 4, -1)]
    out = run(["demand", "2027-01"], cwd=repo).out
    table = out[out.index("Largest changes vs cycle 2026-12") :].splitlines()
    shown = [line for line in table if line.startswith("│")]
    assert len(shown) == 10 and "-24" in shown[0] and "-15" in shown[-1]
