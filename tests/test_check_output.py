"""What `sopctl check` prints for the forge: paths from the top of the git repository (a planning
repository in a subfolder), the last cycle deleted, and the details of each format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import git, make_repo, run

CYCLE = "cycles/2026-12"
PIPELINE = f"{CYCLE}/inputs/pipeline.csv"


def commit_as(root: Path, email: str, message: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)
    return git(root, "rev-parse", "HEAD").strip()


def inflate_deal(root: Path) -> None:
    p = root / PIPELINE
    text = p.read_text(encoding="utf-8")
    old = "D-001,Borealis,P-100,strategic,proposal,200,"
    assert old in text
    p.write_text(text.replace(old, "D-001,Borealis,P-100,strategic,proposal,260,"), "utf-8")


@pytest.fixture
def mono(tmp_path: Path) -> Path:
    """A git repository whose planning repository is the folder planning/, on a branch where
    someone outside the owner role changed a deal."""
    top = tmp_path / "mono"
    plan = top / "planning"
    plan.mkdir(parents=True)
    make_repo(plan, commit=False)
    shutil.rmtree(plan / ".git")  # the git repository is the folder above
    (top / "app.txt").write_text("app\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    commit_as(top, "carl@acme.example", "start")
    git(top, "checkout", "-q", "-b", "pr")
    inflate_deal(plan)
    commit_as(top, "rick@acme.example", "a deal, by someone outside sales_lead")
    return top


def test_forge_formats_use_paths_from_the_top_of_the_git_repository(
    mono: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub resolves `file=` from the repository's top: cycles/... did not attach to
    planning/cycles/... (the action's `path: planning`)."""
    want = f"planning/{PIPELINE}"
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = ["--root", "planning", "check", "--base", "main"]
    r = run([*args, "--format", "github"], cwd=mono)
    assert r.code == 1, r.err
    assert f"::error file={want},line=2,title=SOP801::row deal_id=D-001" in r.out, r.out
    assert "file=cycles/" not in r.out
    assert f"`{want}:2`" in summary.read_text(encoding="utf-8")

    doc = json.loads(run([*args, "--format", "json"], cwd=mono).out)
    assert doc["planning_root"] == "planning/"
    assert {f["path"] for f in doc["findings"]} == {want}
    assert f"planning/{CYCLE}/cycle.yaml" in doc["checked_files"]

    root = ET.fromstring(run([*args, "--format", "junit"], cwd=mono).out)
    case = next(c for c in root.iter("testcase") if c.get("name") == "decision_rights")
    assert case.get("file") == want
    assert f"{want}:2: error SOP801" in (case.findtext("failure") or "")

    assert f"`{want}:2`" in run([*args, "--format", "markdown"], cwd=mono).out
    # text is for people: the paths of the planning repository, as sopctl validate prints them
    r = run(["check", "--base", "main"], cwd=mono / "planning")
    assert f"\n{PIPELINE}:2: error SOP801" in r.out, r.out


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    root = tmp_path / "plan"
    assert run(["init", str(root), "--cycle", "2026-12"]).code == 0
    commit_as(root, "carl@acme.example", "Start S&OP")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def test_deleting_the_last_cycle_is_judged_not_refused(initialised: Path) -> None:
    """With no cycles/ folder left, check said 'not inside a planning repository' (exit 2)."""
    root = initialised
    git(root, "rm", "-rq", CYCLE)
    sha = commit_as(root, "dana@acme.example", "drop the only cycle")
    assert not (root / "cycles").exists()
    r = run(["check", "--base", "main", "--format", "github"], cwd=root)
    assert r.code == 1, r.err
    assert f"::error file={CYCLE}/cycle.yaml,title=SOP812::cycle 2026-12 deleted in {sha[:7]}" in (
        r.out
    )
    git(root, "reset", "-q", "--hard", "main")
    git(root, "rm", "-rq", CYCLE)
    commit_as(root, "carl@acme.example", "the CFO (sign_off_plan) drops the only cycle")
    r = run(["check", "--base", "main"], cwd=root)
    assert r.code == 0 and "SOP812" not in r.out, r.out + r.err
    # a folder that never had cycles/ is still no planning repository
    shutil.rmtree(root / "charters")
    (root / "charters").mkdir()
    other = root.parent / "other"
    (other / "charters").mkdir(parents=True)
    git(other, "init", "-q", "-b", "main")
    assert run(["check"], cwd=other).code == 2


def test_deleting_the_last_cycle_says_why_codeowners_is_not_checked(initialised: Path) -> None:
    """With a CODEOWNERS file, the codeowners policy was skipped as 'a charter or cycle does not
    load', though every file left loads: there is no cycle left to make the section from."""
    root = initialised
    assert run(["codeowners", "--write"], cwd=root).code == 0
    commit_as(root, "carl@acme.example", "CODEOWNERS")
    git(root, "branch", "-q", "-f", "main")
    git(root, "rm", "-rq", CYCLE)
    commit_as(root, "carl@acme.example", "the CFO (sign_off_plan) drops the only cycle")
    r = run(["check", "--base", "main", "--format", "json"], cwd=root)
    assert r.code == 0, r.out + r.err
    why = json.loads(r.out)["repository"]["skipped"]["codeowners"]
    assert why.startswith("no cycle is left (the cycles/ folder is gone)"), why
    assert "does not load" not in why


def open_next_cycle(root: Path) -> None:
    nxt = root / "cycles/2027-01"
    shutil.copytree(root / CYCLE, nxt)
    text = (nxt / "cycle.yaml").read_text(encoding="utf-8").replace("2026-12", "2027-01")
    (nxt / "cycle.yaml").write_text(text.replace("first_period: 2027-01", "first_period: 2027-02"))


def test_two_cycles_count_their_shared_charter_once(initialised: Path) -> None:
    root = initialised
    open_next_cycle(root)
    (root / PIPELINE).write_text((root / PIPELINE).read_text() + "\n", encoding="utf-8")
    commit_as(root, "sam@acme.example", "next cycle, and a touch to this one")
    doc = json.loads(run(["check", "--base", "main", "--format", "json"], cwd=root).out)
    assert [c["cycle"] for c in doc["cycles"]] == ["2026-12", "2027-01"]
    files = doc["checked_files"]
    assert len(files) == len(set(files)) and files.count("charters/acme.yaml") == 1
    r = run(["check", "--base", "main"], cwd=root)
    assert f"{len(files)} files checked" in r.out.splitlines()[-1], r.out


def test_sop805_only_when_the_charter_changed(initialised: Path) -> None:
    """The starter charter's forecast_bias cannot be computed by check: saying so on every pull
    request (a notice on the charter, '✅ passed | 1' in the summary) was noise."""
    root = initialised
    inflate_deal(root)
    commit_as(root, "sam@acme.example", "a bigger deal")
    r = run(["check", "--base", "main", "--format", "github"], cwd=root)
    assert r.code == 0 and "SOP805" not in r.out, r.out
    md = run(["check", "--base", "main", "--format", "markdown"], cwd=root).out
    assert "| policy | result | errors | warnings | notes |" in md
    assert "| metrics | ✅ passed | 0 | 0 | 0 |" in md, md
    p = root / "charters/acme.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    commit_as(root, "carl@acme.example", "the charter, touched")
    r = run(["check", "--base", "main", "--format", "github"], cwd=root)
    assert "::notice file=charters/acme.yaml,line=" in r.out and "title=SOP805::cycle " in r.out
    md = run(["check", "--base", "main", "--format", "markdown"], cwd=root).out
    assert "| metrics | ✅ passed | 0 | 0 | 1 |" in md, md


def test_markdown_shows_warnings_apart_from_errors(initialised: Path) -> None:
    root = initialised
    (root / ".github").mkdir()
    (root / ".github/CODEOWNERS").write_text("* @acme/admins\n", encoding="utf-8")
    commit_as(root, "carl@acme.example", "CODEOWNERS without the section")
    md = run(["check", "--base", "main", "--format", "markdown"], cwd=root).out
    assert "| codeowners | ⚠️ passed with warnings | 0 | 1 | 0 |" in md, md


def test_output_file_hint_and_trailing_newline(
    initialised: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = initialised
    inflate_deal(root)
    # by the day signal is due (2026-12-07): committed later, the deal is a late input (SOP818)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-12-04T09:00:00+01:00")
    commit_as(root, "sam@acme.example", "a bigger deal")
    r = run(["check", "--base", "main", "--output", str(tmp_path / "no/such/out.txt")], cwd=root)
    assert r.code == 2 and "does not exist" in r.err and "mkdir -p" in r.err, r.err
    out = tmp_path / "out.txt"
    assert run(["check", "--base", "main", "--output", str(out)], cwd=root).code == 0
    assert out.read_text(encoding="utf-8").endswith("warnings\n")
