"""The command line: exit codes, output formats, cycle discovery, the error handler."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run, write_files

HISTORY = "cycles/2026-12/inputs/history.csv"


def test_version_and_help() -> None:
    r = run(["--version"])
    assert r.code == 0 and r.out.startswith("sopctl ")
    r = run(["--help"])
    assert r.code == 0
    for cmd in ("validate", "init", "schema"):
        assert cmd in r.out


def test_no_arguments_shows_help_and_usage_code() -> None:
    r = run([])
    assert r.code == 2
    assert "Usage" in r.out + r.err


def test_unknown_option_is_usage_error(repo: Path) -> None:
    r = run(["validate", "--bogus"], cwd=repo)
    assert r.code == 2
    assert "No such option" in r.err
    assert "Traceback" not in r.err


def test_not_a_planning_repo(tmp_path: Path) -> None:
    r = run(["validate"], cwd=tmp_path)
    assert r.code == 2
    assert "not inside a planning repository" in r.err
    assert "hint:" in r.err


def test_unknown_cycle(repo: Path) -> None:
    r = run(["validate", "2030-01"], cwd=repo)
    assert r.code == 2
    assert "unknown cycle '2030-01'" in r.err


def test_root_option_from_elsewhere(repo: Path, tmp_path: Path) -> None:
    r = run(["--root", str(repo), "validate"], cwd=tmp_path)
    assert r.code == 0, r.out + r.err


def test_findings_exit_1_with_location(repo: Path) -> None:
    write_files(repo, {HISTORY: "item,segment,period,quantity\nP-100,strategic,2026-01,-4\n"})
    r = run(["validate"], cwd=repo)
    assert r.code == 1
    assert f"{HISTORY}:2:4: error SOP305 quantity is -4; it must be at least 0" in r.out
    assert r.out.rstrip().endswith("failed: 1 error, 0 warnings in 9 files checked")


def test_numbers_up_to_1e9_in_size_pass_and_larger_ones_are_located(repo: Path) -> None:
    inv = "cycles/2026-12/inputs/inventory.csv"
    body = "item,on_hand,safety_stock,ending_target\nP-100,1e9,60,60\nP-200,{},80,80\n"
    write_files(repo, {inv: body.format(220)})
    assert run(["validate"], cwd=repo).code == 0
    write_files(repo, {inv: body.format("1.5e9")})
    r = run(["validate"], cwd=repo)
    assert r.code == 1
    assert (
        f"{inv}:3:2: error SOP306 on_hand is 1.5e+09; it must be at most 1e+09 (no number" in r.out
    )
    assert "the solver cannot hold it" in r.out


def test_a_huge_cell_is_quoted_short_and_the_advice_kept(repo: Path) -> None:
    inv = "cycles/2026-12/inputs/inventory.csv"
    huge = "9" * 10 + "x" * 200_000
    write_files(repo, {inv: f"item,on_hand,safety_stock,ending_target\nP-100,{huge},60,60\n"})
    r = run(["validate"], cwd=repo)
    (line,) = [ln for ln in r.out.splitlines() if "SOP302" in ln]
    assert line.startswith(f"{inv}:2:2: error SOP302 '9999999999xxx")
    assert "… (200010 characters)'" in line  # cut short, with the length it had
    assert line.endswith("is not a number; write a plain number such as 12.5")
    assert len(line) < 1100 and len(r.out) < 2000


def test_json_format(repo: Path) -> None:
    write_files(repo, {HISTORY: "item,segment,period,quantity\nP-100,strategic,2026-01,x\n"})
    r = run(["validate", "--format", "json"], cwd=repo)
    assert r.code == 1
    doc = json.loads(r.out)
    assert doc["ok"] is False and doc["errors"] == 1
    (f,) = doc["findings"]
    assert (f["path"], f["line"], f["col"], f["code"]) == (HISTORY, 2, 4, "SOP302")


def test_github_format_escapes(repo: Path) -> None:
    write_files(repo, {HISTORY: "item,segment,period,quantity\nP-100,strategic,2026-01,x\n"})
    r = run(["validate", "--format", "github"], cwd=repo)
    assert r.code == 1
    line = r.out.splitlines()[0]
    assert line.startswith(f"::error file={HISTORY},line=2,col=4,title=SOP302::")
    assert "::SOP302" not in line  # the title names the code; the message does not repeat it


def test_findings_are_capped_per_file(repo: Path) -> None:
    rows = "".join(f"P-100,strategic,2025-{m:02d},bad\n" for m in range(1, 13))
    write_files(repo, {HISTORY: "item,segment,period,quantity\n" + rows})
    r = run(["validate", "--max-per-file", "5"], cwd=repo)
    assert r.code == 1
    assert sum(1 for ln in r.out.splitlines() if "SOP302" in ln) == 5
    assert "7 more findings not shown" in r.out


def test_cycle_from_current_folder_and_latest(repo: Path) -> None:
    # a second, later cycle that is broken: the default picks it; inside the first folder, not
    src = repo / "cycles" / "2026-12"
    dst = repo / "cycles" / "2027-01"
    dst.mkdir()
    (dst / "cycle.yaml").write_text((src / "cycle.yaml").read_text().replace("2026-12", "2027-01"))
    assert run(["validate"], cwd=repo).code == 1  # the latest cycle has no inputs
    assert run(["validate"], cwd=src / "inputs").code == 0
    assert run(["validate", "2026-12"], cwd=repo).code == 0


def test_inside_a_cycle_folder_without_cycle_yaml_no_other_cycle_is_checked(repo: Path) -> None:
    """A folder being prepared (inputs first, cycle.yaml later): validate checked the latest
    cycle instead and said 'ok' without naming it."""
    inputs = repo / "cycles" / "2027-01" / "inputs"
    inputs.mkdir(parents=True)
    r = run(["validate"], cwd=inputs)
    assert r.code == 2 and "cycles/2027-01, which has no cycle.yaml" in r.err, r
    assert "name a cycle (2026-12)" in r.err and r.out == ""
    assert run(["validate", "2026-12"], cwd=inputs).code == 0


def test_the_latest_cycle_is_the_one_planning_furthest_ahead(repo: Path) -> None:
    """A stray folder named 'zz' (an old copy) is not the default cycle because of its name."""
    src = repo / "cycles" / "2026-12"
    text = (src / "cycle.yaml").read_text()
    assert "first_period: 2027-01" in text
    for name, first in (("zz", "2026-07"), ("2027-01", "2027-02")):
        (repo / "cycles" / name).mkdir()
        body = text.replace("id: 2026-12", f"id: {name}").replace("2027-01", first)
        (repo / "cycles" / name / "cycle.yaml").write_text(body)
    r = run(["validate", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["checked_files"][0] == "cycles/2027-01/cycle.yaml", r.out
    # a weekly cycle whose label sorts after "2027-02" as text, yet starts on 2027-01-04
    (repo / "cycles" / "wk").mkdir()
    body = text.replace("id: 2026-12", "id: wk").replace("2027-01", "2027-W01")
    (repo / "cycles" / "wk" / "cycle.yaml").write_text(body)
    r = run(["validate", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["checked_files"][0] == "cycles/2027-01/cycle.yaml", r.out
    (repo / "cycles" / "2027-01" / "cycle.yaml").unlink()
    r = run(["validate", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["checked_files"][0] == "cycles/wk/cycle.yaml", r.out
    (repo / "cycles" / "wk" / "cycle.yaml").unlink()
    r = run(["validate", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["checked_files"][0] == "cycles/2026-12/cycle.yaml", r.out
    # first_period after 8 KB of comments, then as the first line after a byte-order mark
    (repo / "cycles" / "big").mkdir()
    body = text.replace("id: 2026-12", "id: big").replace("2027-01", "2027-05")
    pad = "".join(f"# note {i:04d}: assumptions discussed at length\n" for i in range(200))
    first, rest = body.split("first_period:", 1)
    (repo / "cycles" / "big" / "cycle.yaml").write_text(first + pad + "first_period:" + rest)
    r = run(["validate", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["checked_files"][0] == "cycles/big/cycle.yaml", r.out
    (repo / "cycles" / "bom").mkdir()
    lines = text.replace("id: 2026-12", "id: bom").splitlines()
    kept = [ln for ln in lines if not ln.startswith("first_period:")]
    bom = "\ufefffirst_period: 2027-06\n" + "\n".join(kept) + "\n"
    (repo / "cycles" / "bom" / "cycle.yaml").write_text(bom, encoding="utf-8")
    r = run(["validate", "--format", "json"], cwd=repo)
    assert json.loads(r.out)["checked_files"][0] == "cycles/bom/cycle.yaml", r.out


def test_internal_error_exit_3_without_traceback(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sopctl.validate as v

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(v, "validate", boom)
    r = run(["validate"], cwd=repo)
    assert r.code == 3
    assert "internal error: RuntimeError: boom" in r.err
    assert "Traceback" not in r.err
    r = run(["--debug", "validate"], cwd=repo)
    assert r.code == 3 and "Traceback" in r.err


def test_interrupt_exit_130(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sopctl.validate as v

    def stop(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(v, "validate", stop)
    assert run(["validate"], cwd=repo).code == 130


def test_python_dash_m_and_help_imports_nothing_heavy(repo: Path) -> None:
    code = (
        "import sys\n"
        "from sopctl.cli.app import main\n"
        "sys.argv = ['sopctl', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('polars', 'highspy', 'git', 'numpy', 'pydantic')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
    r = subprocess.run(
        [sys.executable, "-m", "sopctl", "validate"], cwd=repo, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_installed_command_flushes_its_output_and_keeps_the_exit_code(repo: Path) -> None:
    """`python -m sopctl` ends with os._exit after main (no interpreter teardown): the piped
    output must still arrive whole, and each exit code must survive."""

    def sopctl(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "sopctl", *args]
        return subprocess.run(cmd, cwd=repo, capture_output=True, text=True)

    ok = sopctl("validate", "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True, ok.stderr
    (repo / "charters" / "acme.yaml").write_text("version: [\n")
    bad = sopctl("validate")
    assert bad.returncode == 1 and "SOP1" in bad.stdout + bad.stderr
    usage = sopctl("validate", "--no-such-option")
    assert usage.returncode == 2 and "no-such-option" in usage.stderr


def test_one_finding_left_out_is_counted_in_the_singular() -> None:
    from sopctl.cli.render import report_github, report_text
    from sopctl.findings import Report, finding

    report = Report()
    for line in (2, 3):
        report.add(finding("cycles/c/inputs/items.csv", line, 1, "SOP302", "not a number"))
    assert "items.csv: note: 1 more finding not shown (raise" in report_text(report, 1)
    assert "::1 more finding not shown" in report_github(report, 1)


def test_schema_patterns_are_told_in_words(repo: Path) -> None:
    charter = repo / "charters" / "acme.yaml"
    charter.write_text(charter.read_text().replace("currency: EUR", "currency: eur"))
    r = run(["validate"], cwd=repo)
    assert "'finance.currency' is 'eur': must be a three-letter ISO 4217 currency code" in r.out
    assert "should match pattern" not in r.out


def test_a_shadow_input_git_ignores_is_said_to_exist_only_here(repo: Path) -> None:
    """A file CI never sees (ignored by .gitignore or .git/info/exclude) is still SOP601 here,
    and the message says why a pull request's check does not show it."""
    inputs = repo / "cycles" / "2026-12" / "inputs"
    (inputs / "pipeline.csv.bak").write_text("x\n")
    (inputs / "notes.csv").write_text("y\n")
    (repo / ".git" / "info" / "exclude").write_text("*.bak\n")
    lines = [ln for ln in run(["validate"], cwd=repo).out.splitlines() if "SOP601" in ln]
    assert len(lines) == 2
    bak, notes = sorted(lines, key=lambda ln: "notes.csv" in ln)
    assert "pipeline.csv.bak" in bak and "git ignores it, so CI and other clones" in bak
    assert "git ignores" not in notes


def test_a_reference_into_a_declared_table_that_cannot_be_read_is_not_judged(repo: Path) -> None:
    """items.csv is declared but a link to nothing (SOP001): the tables naming items are not
    told anything until it is fixed (formats.md: one broken items.csv should not turn every
    other table red), nor that the charter should declare an items input."""
    items = repo / "cycles/2026-12/inputs/items.csv"
    items.unlink()
    items.symlink_to("gone.csv")
    r = run(["validate"], cwd=repo)
    assert r.code == 1 and "SOP001" in r.out
    assert "SOP402" not in r.out
    assert "declare the items input" not in r.out


def test_a_reference_into_an_optional_table_left_out_says_so(repo: Path) -> None:
    """items.csv is declared required: false and is not there: nothing else reports it, so
    the tables naming items are told the file is missing."""
    charter = repo / "charters" / "acme.yaml"
    text = charter.read_text()
    old = "{file: items.csv, table: items, owner: ops_lead, due: reconcile}"
    assert old in text
    charter.write_text(text.replace(old, old[:-1] + ", required: false}"))
    (repo / "cycles/2026-12/inputs/items.csv").unlink()
    r = run(["validate"], cwd=repo)
    assert r.code == 1 and "SOP602" not in r.out
    assert (
        "SOP402 column 'item' refers to the items table, whose file "
        "cycles/2026-12/inputs/items.csv is missing or not a readable file; fix or add it"
    ) in r.out
