"""`sopctl check` says when a pull request changes a cycle input after its phase was due
(SOP818, the `late_inputs` policy): by the committer date of the range's last commit that
changed the file, the rule `sopctl status` and the commit record read (inputs_due.came_late).

The minimal charter's cycle 2026-12 starts on Tuesday 2026-12-01: signal (history.csv,
pipeline.csv, overrides.csv) is due on business day 5, Monday 2026-12-07; reconcile (items,
resources, routings, inventory) on business day 10, Monday 2026-12-14.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.helpers import IDENTITY, git, make_repo, run

CYCLE = "cycles/2026-12"
SAM, OLGA = "sam@acme.example", "olga@acme.example"
APPROVERS = "sales_lead, ops_lead, cfo"


class Change(NamedTuple):
    """One commit: `file` (in the cycle's folder) edited from `old` to `new` by `author` at
    `when` (author and committer date)."""

    file: str
    old: str
    new: str
    author: str
    when: str


class Late(NamedTuple):
    """An expected SOP818: the input, the line it points at, the phase, its due date, the
    commit date, and the index in the case's changes of the commit it names."""

    file: str
    line: int
    phase: str
    due: str
    committed: str
    commit: int


PIPELINE = "inputs/pipeline.csv"
DEAL_2 = (PIPELINE, "Cobalt,P-200,standard,qualified,300", "Cobalt,P-200,standard,qualified,310")
DEAL_3 = (PIPELINE, "Works,P-200,strategic,committed,90", "Works,P-200,strategic,committed,95")
DEAL_3_GONE = (PIPELINE, "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1\n", "")
HOURS = ("inputs/resources.csv", "ASSY,fixed,Assembly line,320", "ASSY,fixed,Assembly line,330")
OVERRIDE = ("inputs/overrides.csv", "delta,30,sam@acme.example", "delta,35,sam@acme.example")
ASSUMPTION = ("cycle.yaml", "keeps two shifts", "keeps two shifts and a weekend crew")


def change(what: tuple[str, str, str], author: str, when: str) -> Change:
    return Change(*what, author, when)


LATE_CASES = [
    pytest.param(
        [change(DEAL_2, SAM, "2026-12-09T10:00:00+01:00")],
        [Late("pipeline.csv", 3, "signal", "2026-12-07", "2026-12-09", 0)],
        id="two-business-days-after-the-due-day",
    ),
    pytest.param(
        [change(DEAL_2, SAM, "2026-12-08T00:30:00+09:00")],  # 2026-12-07 15:30 in UTC
        [Late("pipeline.csv", 3, "signal", "2026-12-07", "2026-12-08", 0)],
        id="the-committers-own-day",
    ),
    pytest.param(
        [change(HOURS, OLGA, "2026-12-15T08:00:00+00:00")],
        [Late("resources.csv", 2, "reconcile", "2026-12-14", "2026-12-15", 0)],
        id="a-reconcile-input-the-day-after",
    ),
    pytest.param(
        [
            change(DEAL_2, SAM, "2026-12-07T18:00:00+01:00"),
            change(DEAL_3, SAM, "2026-12-10T09:00:00+01:00"),
        ],
        [Late("pipeline.csv", 4, "signal", "2026-12-07", "2026-12-10", 1)],
        id="the-last-change-decides-and-points-at-its-row",
    ),
    pytest.param(
        [change(DEAL_3_GONE, SAM, "2026-12-09T10:00:00+01:00")],
        [Late("pipeline.csv", 0, "signal", "2026-12-07", "2026-12-09", 0)],
        id="a-row-removed-points-at-the-file",
    ),
    pytest.param(
        [
            change(DEAL_2, SAM, "2026-12-11T09:00:00+01:00"),
            change(HOURS, OLGA, "2026-12-16T09:00:00+01:00"),
            change(ASSUMPTION, OLGA, "2026-12-16T10:00:00+01:00"),
        ],
        [
            Late("pipeline.csv", 3, "signal", "2026-12-07", "2026-12-11", 0),
            Late("resources.csv", 2, "reconcile", "2026-12-14", "2026-12-16", 1),
        ],
        id="one-finding-per-late-input",
    ),
    pytest.param(  # need not come, but an override after its phase is as late as a pipeline
        [change(OVERRIDE, SAM, "2026-12-22T09:00:00+01:00")],  # the row's owner
        [Late("overrides.csv", 2, "signal", "2026-12-07", "2026-12-22", 0)],
        id="an-optional-input-too",
    ),
]

NOT_LATE_CASES = [
    pytest.param([change(DEAL_2, SAM, "2026-12-07T18:00:00+01:00")], id="on-the-due-day"),
    pytest.param(
        [change(DEAL_2, SAM, "2026-12-07T23:30:00-08:00")],  # 2026-12-08 in UTC
        id="the-committers-own-day",
    ),
    pytest.param([change(DEAL_2, SAM, "2026-11-20T09:00:00+00:00")], id="before-the-cycle-month"),
    pytest.param(
        [change(HOURS, OLGA, "2026-12-12T09:00:00+01:00")],  # a Saturday: business day 9
        id="a-weekend-before-the-due-day",
    ),
    pytest.param([change(ASSUMPTION, OLGA, "2026-12-22T09:00:00+01:00")], id="no-input-touched"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:  # before the per-test identity is set
        for key, value in IDENTITY.items():
            mp.setenv(key, value)
        return make_repo(tmp_path_factory.mktemp("late") / "plan")


@pytest.fixture
def branch(template: Path, tmp_path: Path) -> Path:
    root = shutil.copytree(template, tmp_path / "plan", symlinks=True)
    git(root, "checkout", "-q", "-b", "pr")
    return root


def commit(root: Path, author: str, when: str, message: str, *paths: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_EMAIL": author,
        "GIT_COMMITTER_EMAIL": author,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", "add", *(paths or ["-A"])], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=env)
    return git(root, "rev-parse", "HEAD").strip()


def apply(root: Path, changes: list[Change], folder: str = CYCLE) -> list[str]:
    """Commit each change; their shas."""
    shas = []
    for c in changes:
        path = root / folder / c.file
        text = path.read_text(encoding="utf-8")
        assert c.old in text, f"{c.old!r} not in {c.file}"
        path.write_text(text.replace(c.old, c.new, 1), encoding="utf-8")
        shas.append(commit(root, c.author, c.when, f"edit {c.file}"))
    return shas


def check_json(root: Path, *args: str) -> dict[str, Any]:
    r = run(["check", "--base", "main", "--format", "json", *args], cwd=root)
    assert r.code in (0, 1), r.out + r.err
    doc: dict[str, Any] = json.loads(r.out)
    return doc


def late_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["code"] == "SOP818"]


@pytest.mark.parametrize(("changes", "expected"), LATE_CASES)
def test_a_late_input_is_reported(
    branch: Path, changes: list[Change], expected: list[Late]
) -> None:
    shas = apply(branch, changes)
    doc = check_json(branch)
    assert doc["ok"] and doc["errors"] == 0, doc["findings"]  # a warning, not a failure
    found = late_of(doc)
    assert [(f["path"], f["line"], f["col"], f["severity"]) for f in found] == [
        (f"{CYCLE}/inputs/{x.file}", x.line, 0, "warning") for x in expected
    ]
    for f, x in zip(found, expected, strict=True):
        assert (
            f"{x.file} came late: changed in {shas[x.commit][:7]}, committed {x.committed}, "
            f"after its phase {x.phase} was due ({x.due}, business day "
        ) in f["message"]
    (cycle,) = doc["cycles"]
    assert cycle["policies"]["late_inputs"] == len(expected)


@pytest.mark.parametrize("changes", NOT_LATE_CASES)
def test_a_change_by_its_due_day_or_of_no_input_is_not_late(
    branch: Path, changes: list[Change]
) -> None:
    apply(branch, changes)
    doc = check_json(branch)
    assert late_of(doc) == []
    (cycle,) = doc["cycles"]
    assert cycle["policies"]["late_inputs"] == 0 and "late_inputs" not in cycle["skipped"]


def test_a_late_input_of_the_base_is_not_this_changes(branch: Path) -> None:
    """pipeline.csv came late on main; the pull request changes another input on time."""
    git(branch, "checkout", "-q", "main")
    apply(branch, [change(DEAL_2, SAM, "2026-12-09T10:00:00+01:00")])
    git(branch, "checkout", "-q", "pr")
    git(branch, "rebase", "-q", "main")
    apply(branch, [change(HOURS, OLGA, "2026-12-11T10:00:00+01:00")])
    assert late_of(check_json(branch)) == []


def test_a_committed_output_is_no_input(branch: Path) -> None:
    assert run(["reconcile"], cwd=branch).code == 0
    commit(branch, OLGA, "2026-12-22T09:00:00+01:00", "commit the results", f"{CYCLE}/outputs")
    changed = git(branch, "diff", "--name-only", "main", "HEAD").split()
    assert changed and all(p.startswith(f"{CYCLE}/outputs/") for p in changed)
    assert late_of(check_json(branch)) == []


def test_a_cycle_without_a_calendar_is_skipped(branch: Path) -> None:
    """No cycle month can be told (the id is no month, first_period no period): nothing is
    due, and the policy says why it did not run."""
    from sopctl.check.late import NO_CALENDAR

    git(branch, "checkout", "-q", "main")
    git(branch, "mv", CYCLE, "cycles/dec")
    yaml = branch / "cycles/dec/cycle.yaml"
    text = yaml.read_text(encoding="utf-8").replace("id: 2026-12", "id: dec")
    yaml.write_text(text.replace("first_period: 2027-01", "first_period: 2027-13"), "utf-8")
    commit(branch, SAM, "2026-11-20T09:00:00+00:00", "a cycle without a month")
    git(branch, "checkout", "-q", "pr")
    git(branch, "rebase", "-q", "main")
    apply(branch, [change(DEAL_2, SAM, "2026-12-22T09:00:00+01:00")], folder="cycles/dec")
    doc = check_json(branch)
    assert late_of(doc) == []
    (cycle,) = doc["cycles"]
    assert cycle["skipped"]["late_inputs"] == NO_CALENDAR


def test_every_format_shows_it(branch: Path) -> None:
    (sha,) = apply(branch, [change(DEAL_2, SAM, "2026-12-09T10:00:00+01:00")])
    path = f"{CYCLE}/inputs/pipeline.csv"
    message = (
        f"pipeline.csv came late: changed in {sha[:7]}, committed 2026-12-09, after its phase "
        "signal was due (2026-12-07, business day 5 of cycle month 2026-12); owner sales_lead "
        f"(sam@acme.example): have sales_lead or an approver ({APPROVERS}) acknowledge it in "
        "the review (the next tag records it as a late input), or move the change to the next "
        "cycle"
    )
    text = run(["check", "--base", "main"], cwd=branch)
    assert text.code == 0, text.out
    assert f"{path}:3: warning SOP818 {message}\n" in text.out
    assert text.out.endswith("ok: 9 files checked, 1 warning\n")
    gh = run(["check", "--base", "main", "--format", "github"], cwd=branch).out
    assert f"::warning file={path},line=3,title=SOP818::{message}" in gh.splitlines()
    (found,) = late_of(check_json(branch))
    assert found["message"] == message
    md = run(["check", "--base", "main", "--format", "markdown"], cwd=branch).out
    assert "| late_inputs | ⚠️ passed with warnings | 0 | 1 | 0 |" in md
    assert f"| warning | SOP818 | `{path}:3` | {message} |" in md
    xml = run(["check", "--base", "main", "--format", "junit"], cwd=branch).out
    suite = ET.fromstring(xml).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    case = cases["late_inputs"]
    assert case.find("failure") is None and case.get("file") == path
    assert f"{path}:3: warning SOP818 {message}" in (case.findtext("system-out") or "")


def test_a_planning_repository_in_a_subfolder(tmp_path: Path) -> None:
    """The commit is found by its path from the git top; forge paths start there too."""
    top = tmp_path / "mono"
    plan = top / "planning"
    plan.mkdir(parents=True)
    make_repo(plan, commit=False)
    shutil.rmtree(plan / ".git")
    git(top, "init", "-q", "-b", "main")
    commit(top, "carl@acme.example", "2026-11-20T09:00:00+00:00", "start")
    git(top, "checkout", "-q", "-b", "pr")
    (sha,) = apply(top, [change(DEAL_2, SAM, "2026-12-09T10:00:00+01:00")], f"planning/{CYCLE}")
    (found,) = late_of(check_json(plan))
    assert found["path"] == f"planning/{CYCLE}/inputs/pipeline.csv" and found["line"] == 3
    assert f"changed in {sha[:7]}, committed 2026-12-09" in found["message"]
    text = run(["check", "--base", "main"], cwd=plan).out
    assert f"{CYCLE}/inputs/pipeline.csv:3: warning SOP818 " in text
