"""`log` and `status` do not take a tag at its word: git's tagger is shown (a record naming
someone else is flagged), and status takes as committed only a tag that passes cheap checks
(an intact record of this cycle, by git's tagger, at a commit in the history of HEAD)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git, run
from tests.test_tag_support import CYCLE, commit_all, ready_copy

V1, V2 = f"sop/{CYCLE}/v1", f"sop/{CYCLE}/v2"
MALLORY = "mallory@acme.example"


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    root = ready_copy(tmp_path / "plan")
    r = run(["tag"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def _message(root: Path, tag: str) -> Path:
    path = root.parent / "message.txt"
    path.write_text(git(root, "cat-file", "tag", tag).split("\n\n", 1)[1])
    return path


def _tag_as(root: Path, who: str, name: str, message: Path, target: str) -> None:
    env = {**os.environ, "GIT_COMMITTER_EMAIL": who, "GIT_COMMITTER_NAME": who}
    import subprocess

    subprocess.run(
        ["git", "tag", "-f", "-a", "--cleanup=verbatim", "-F", str(message), name, target],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


def _v2_off_every_branch(root: Path) -> str:
    """v2 with v1's record copied, at a commit of a branch deleted since (as a tag fetched from
    another repository is: in no branch of this one); returns that commit."""
    message = _message(root, V1)
    git(root, "checkout", "-q", "-b", "elsewhere")
    (root / "notes.txt").write_text("another history\n")
    other = commit_all(root, "elsewhere")
    _tag_as(root, "planner@example.test", V2, message, other)
    git(root, "checkout", "-q", "main")
    git(root, "branch", "-q", "-D", "elsewhere")
    return other


def _status(root: Path) -> tuple[dict[str, Any], str]:
    args = ["status", CYCLE, "--today", "2026-12-22"]
    doc = json.loads(run([*args, "--format", "json"], cwd=root).out)
    return doc, run(args, cwd=root).out


def test_log_shows_gits_tagger_and_flags_a_record_naming_someone_else(tagged: Path) -> None:
    _tag_as(tagged, MALLORY, V1, _message(tagged, V1), "HEAD")  # mallory re-makes v1
    (entry,) = json.loads(run(["log", "--format", "json"], cwd=tagged).out)
    assert entry["tagger"] == MALLORY
    assert entry["record_tagger"] == "planner@example.test"
    assert entry["problem"] == (
        f"git's tagger is {MALLORY}, but its record names planner@example.test: the tag was "
        "made or moved by someone else"
    )
    text = run(["log"], cwd=tagged).out
    assert MALLORY in text and f"{V1}: git's tagger is {MALLORY}" in text
    doc, text = _status(tagged)  # status does not take it as the committed state
    assert doc["committed"] is None and doc["state"]["name"] == "approved"
    assert doc["unverified"][0]["tag"] == V1
    assert f"tag {V1} present but not verified: git's tagger is {MALLORY}" in text
    assert f"run sopctl verify {V1}" in text and "status committed as" not in text
    assert "committed: not verified" in text and "\ncommitted: sop/" not in text
    # yet tag refuses HEAD, which carries a record of the cycle, and status says so (its words)
    assert doc["tag"]["ready"] is False
    assert f"tag: blocked — commit {git(tagged, 'rev-parse', 'HEAD')[:12]} is already" in text


def test_a_tag_off_the_history_of_head_is_not_the_committed_state(tagged: Path) -> None:
    """A tag fetched from another repository (or moved onto another branch) with a copied
    record: intact, same cycle, same tagger, but its commit is not in HEAD's history."""
    other = _v2_off_every_branch(tagged)
    doc, text = _status(tagged)
    assert doc["committed"]["tag"] == V1 and doc["state"]["text"] == f"committed as {V1}"
    assert [e["tag"] for e in doc["unverified"]] == [V2]
    assert (
        f"its commit {other[:12]} is in no branch of this repository"
        in doc["unverified"][0]["problem"]
    )
    assert f"status committed as {V1})" in text
    assert f"tag {V2} present but not verified: its commit {other[:12]}" in text


def test_log_text_reads_version_and_flags_problems_in_their_own_column(
    tagged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tagged, "tag", f"sop/{CYCLE}/v7")  # lightweight: not a commit record
    monkeypatch.setenv("COLUMNS", "50")  # blocks: 'cycle: header value; …'
    text = run(["log"], cwd=tagged).out
    assert f"{CYCLE}: version 1;" in text and "v 1" not in text
    assert "approved by see below" not in text and "problem see below" in text
    assert f"sop/{CYCLE}/v7: not annotated" in text


def test_a_branch_opened_before_the_tag_still_sees_the_cycle_committed(tagged: Path) -> None:
    """The next cycle opened on a branch forked before the tag (as the docs suggest): the tag's
    commit is not in that branch's history, but it is on main: a genuine commit record."""
    git(tagged, "checkout", "-q", "-b", "next", "HEAD~1")
    doc, _ = _status(tagged)
    assert doc["committed"]["tag"] == V1 and not doc["unverified"], doc


def test_check_says_which_newer_tag_it_did_not_count(tagged: Path) -> None:
    """check compares with the last tag that passes the cheap checks; a newer one passed over
    is named with its reason in text, JSON and Markdown, not dropped silently."""
    other = _v2_off_every_branch(tagged)
    git(tagged, "checkout", "-q", "-b", "pr")
    yaml = tagged / "cycles" / CYCLE / "cycle.yaml"
    yaml.write_text(yaml.read_text() + "# reviewed\n")
    commit_all(tagged, "a comment")
    why = f"{V2} skipped: its commit {other[:12]} is in no branch of this repository"
    text = run(["check", "--base", "main"], cwd=tagged).out
    assert f"cycle {CYCLE}: {why}" in text and f"run sopctl verify {V2}" in text
    (cyc,) = json.loads(run(["check", "--base", "main", "-f", "json"], cwd=tagged).out)["cycles"]
    assert cyc["tag"] == V1 and cyc["tags_skipped"][0].startswith(why)
    assert f"> {why}" in run(["check", "--base", "main", "-f", "markdown"], cwd=tagged).out
