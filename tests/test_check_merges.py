"""sopctl check on merge commits (SOP814): what a merge brings from its parents is checked in
their commits; what it adds by hand belongs to no commit the policies see, so it is refused."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import git, run
from tests.test_check_approvals import commit_as, digest, hand_written, sop
from tests.test_governance_support import APPROVALS, CYCLE, MEMBERS, build_template, copy_repo

HISTORY = f"{CYCLE}/inputs/history.csv"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("check-merges"))


def merge(root: Path, other: str, author: str, *, commit: bool = True) -> None:
    env = {**os.environ, "GIT_AUTHOR_EMAIL": author, "GIT_COMMITTER_EMAIL": author}
    args = ["git", "merge", "-q", "--no-ff", "--no-edit", *([] if commit else ["--no-commit"])]
    subprocess.run([*args, other], cwd=root, check=True, env=env, capture_output=True)


def two_branches(template: Path, tmp_path: Path) -> Path:
    """main and the feature branch each change a line of history.csv (the demand planner's),
    far apart, so git merges the file by itself."""
    root = copy_repo(template, tmp_path / "plan")
    path = root / HISTORY

    def change(line: int, message: str) -> None:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        head, _, units = lines[line].rstrip("\n").rpartition(",")
        lines[line] = f"{head},{int(units) + 1}\n"  # one unit more
        path.write_text("".join(lines), encoding="utf-8")
        commit_as(root, MEMBERS["demand_planner"], message)

    git(root, "checkout", "-q", "-b", "feature")
    change(-1, "a late order of the last month")
    git(root, "checkout", "-q", "main")
    change(1, "a corrected first month")
    git(root, "checkout", "-q", "feature")
    return root


def test_a_clean_merge_passes_and_a_hand_made_change_in_it_is_refused(
    template: Path, tmp_path: Path
) -> None:
    root = two_branches(template, tmp_path)
    merge(root, "main", MEMBERS["ops_lead"])  # both changes, merged by git: nothing new
    base = git(root, "rev-parse", "main").strip()
    r = run(["check", "--base", base, "--format", "json"], cwd=root)
    doc = json.loads(r.out)
    assert r.code == 0 and doc["repository"]["policies"]["merges"] == 0, r.out
    git(root, "reset", "-q", "--hard", "HEAD~1")
    # the demand planner merges, and types approvals for the sales lead and the ops lead into
    # the merge commit: they would open the frozen window and stand for a new round
    merge(root, "main", MEMBERS["demand_planner"], commit=False)
    hand_written(root, ["sales_lead", "ops_lead"], digest(root))
    git(root, "add", APPROVALS)
    commit_as(root, MEMBERS["demand_planner"], "merge main")
    r = run(["check", "--base", base], cwd=root)
    assert r.code == 1, r.out
    (line,) = sop(r.out, "SOP814")
    assert (
        line.startswith(f"{APPROVALS}: error SOP814 changed by hand in merge commit ")
        and "by dana@acme.example: it differs from what git's merge of its parents gives" in line
    )
    assert "repository: merges" in r.out.splitlines()[0]


def test_a_merge_of_unrelated_histories_is_re_created_not_refused(
    template: Path, tmp_path: Path
) -> None:
    """Importing another history (`git merge --allow-unrelated-histories`): git re-creates
    that merge too, so a clean one passes instead of being 'a merge git cannot check'."""
    root = copy_repo(template, tmp_path / "plan")
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "checkout", "-q", "--orphan", "docs")
    git(root, "rm", "-rq", "--cached", ".")
    (root / "NOTES.md").write_text("planning notes\n", encoding="utf-8")
    git(root, "add", "NOTES.md")
    commit_as(root, MEMBERS["ops_lead"], "notes, a history of their own")
    git(root, "checkout", "-q", "-f", "feature")
    env = {**os.environ, "GIT_AUTHOR_EMAIL": MEMBERS["ops_lead"]}
    env["GIT_COMMITTER_EMAIL"] = MEMBERS["ops_lead"]
    subprocess.run(
        ["git", "merge", "-q", "--no-edit", "--allow-unrelated-histories", "docs"],
        cwd=root,
        check=True,
        env=env,
        capture_output=True,
    )
    base = git(root, "rev-parse", "main").strip()
    r = run(["check", "--base", base, "--format", "json"], cwd=root)
    assert json.loads(r.out)["repository"]["policies"]["merges"] == 0, r.out
