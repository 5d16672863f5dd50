"""sopctl check's repository-level policy: CODEOWNERS against the charter, also when a pull
request changes nothing but the CODEOWNERS file."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sopctl.codeowners import LOOKUP
from tests.helpers import git, run


def commit_as(root: Path, email: str, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    root = tmp_path / "plan"
    r = run(["init", str(root), "--cycle", "2026-12"])
    assert r.code == 0, r.out + r.err
    commit_as(root, "carl@acme.example", "Start S&OP")
    return root


@pytest.mark.parametrize("where", LOOKUP)
def test_a_codeowners_only_change_is_checked(initialised: Path, where: str) -> None:
    root = initialised
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    (root / where).write_text("* @acme/planning-admins\n", encoding="utf-8")
    r = run(["codeowners", "--write"], cwd=root)
    assert r.code == 0, r.out + r.err
    commit_as(root, "carl@acme.example", "CODEOWNERS from the charter")
    assert run(["check", "--base", "HEAD~1"], cwd=root).code == 0
    text = (root / where).read_text(encoding="utf-8")
    lines = text.splitlines()
    line = 1 + next(i for i, ln in enumerate(lines) if ln.startswith("# BEGIN sopctl"))
    assert "sam@acme.example" in text
    (root / where).write_text(text.replace("sam@acme.example", "dana@acme.example"), "utf-8")
    commit_as(root, "dana@acme.example", "review my own pipeline changes")

    r = run(["check", "--base", "HEAD~1"], cwd=root)
    assert r.code == 0, r.out  # SOP901 is a warning
    assert r.out.startswith("checked 0 cycle(s) changed since ")
    assert "; repository: codeowners" in r.out.splitlines()[0]
    assert f"{where}:{line}:1: warning SOP901 CODEOWNERS section out of date" in r.out, r.out

    doc = json.loads(run(["check", "--base", "HEAD~1", "--format", "json"], cwd=root).out)
    assert doc["cycles"] == []
    assert doc["repository"] == {"policies": {"codeowners": 1}, "skipped": {}}
    assert [f["code"] for f in doc["findings"]] == ["SOP901"]

    out = run(["check", "--base", "HEAD~1", "--format", "junit"], cwd=root).out
    (suite,) = ET.fromstring(out).findall("testsuite")
    assert suite.get("name") == "repository"
    (case,) = suite.findall("testcase")
    assert case.get("name") == "codeowners" and case.find("failure") is None
    assert "SOP901" in (case.findtext("system-out") or "")

    md = run(["check", "--base", "HEAD~1", "--format", "markdown"], cwd=root).out
    assert "No cycle changed in this range." in md
    assert "## Repository: passed" in md
    assert "| codeowners | ⚠️ passed with warnings | 0 | 1 | 0 |" in md


def test_a_range_that_touches_nothing_policed_has_no_repository_result(
    initialised: Path,
) -> None:
    root = initialised
    (root / "README.md").write_text("planning\n", encoding="utf-8")
    commit_as(root, "dana@acme.example", "a readme")
    doc = json.loads(run(["check", "--base", "HEAD~1", "--format", "json"], cwd=root).out)
    assert doc["cycles"] == [] and doc["repository"] is None
    out = run(["check", "--base", "HEAD~1", "--format", "junit"], cwd=root).out
    assert ET.fromstring(out).findall("testsuite") == []
    # a cycle's change checks CODEOWNERS once for the repository, not once per cycle
    git(root, "checkout", "-q", "-b", "feature")
    r = run(["codeowners", "--write"], cwd=root)
    assert r.code == 0, r.out + r.err
    commit_as(root, "carl@acme.example", "CODEOWNERS")
    text = (root / LOOKUP[0]).read_text(encoding="utf-8")
    (root / LOOKUP[0]).write_text(text.replace("sam@acme.example", "dana@acme.example"), "utf-8")
    cycle = root / "cycles" / "2026-12" / "cycle.yaml"
    cycle.write_text(cycle.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    commit_as(root, "dana@acme.example", "a comment and an owner")
    doc = json.loads(run(["check", "--base", "main", "--format", "json"], cwd=root).out)
    assert [c["cycle"] for c in doc["cycles"]] == ["2026-12"]
    assert "codeowners" not in doc["cycles"][0]["policies"]
    assert [f["code"] for f in doc["findings"]].count("SOP901") == 1
