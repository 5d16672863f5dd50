"""The comparison with a previous cycle that was committed (tagged `sop/<cycle>/v<N>`): its
pipeline and targets are read from the tag's tree, not from the working tree, so rewriting
last month's files on a branch does not hide this month's inflated inputs (SOP749 says it
was edited). Two cycles of the minimal example as in test_signal_hygiene."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from sopctl.demand import demand_is_current
from sopctl.validate import load_workspace
from tests.helpers import git, record_tag, run
from tests.test_signal_hygiene import HEADER, PREVIOUS, hygiene, two_cycles

OLD = "cycles/2026-12/inputs/pipeline.csv"
# this cycle: D-001's close moved 2027-01 → 2027-04 without a slip, D-002 raised 300 → 900
NOW = HEADER + (
    "D-001,Borealis,P-100,strategic,proposal,200,2027-04,2,1\n"
    "D-002,Cobalt,P-200,standard,qualified,900,2027-02,3,0\n"
    "D-003,Delta Works,P-200,strategic,committed,90,2027-03,1,2\n"
)


def tagged(tmp_path: Path) -> Path:
    """The two cycles with 2026-12 committed as sop/2026-12/v1."""
    repo = two_cycles(tmp_path / "plan", NOW, PREVIOUS)
    record_tag(repo, "2026-12", "sop/2026-12/v1")
    return repo


def rewrite_last_month(repo: Path, commit: bool = True) -> None:
    """Last month's pipeline made to look like this month's (on a branch, committed)."""
    (repo / OLD).write_text(NOW)
    if commit:
        git(repo, "checkout", "-q", "-b", "rewrite")
        git(repo, "commit", "-q", "-am", "last month, as it should have been")


def codes(repo: Path) -> list[str]:
    return sorted(f.code for f in hygiene(repo, "2027-01"))


def demand_json(repo: Path) -> dict[str, object]:
    res = run(["demand", "2027-01", "--format", "json"], cwd=repo)
    assert res.code == 0, res.out + res.err
    doc: dict[str, object] = json.loads(res.out)
    return doc


def test_a_tagged_previous_cycle_edited_afterwards_is_compared_as_committed(
    tmp_path: Path,
) -> None:
    """The inflation warnings stay (against the tag), and SOP749 names the edited file."""
    repo = tagged(tmp_path)
    assert codes(repo) == ["SOP740", "SOP742"]
    rewrite_last_month(repo)
    fs = hygiene(repo, "2027-01")
    assert sorted(f.code for f in fs) == ["SOP740", "SOP742", "SOP749"]
    edited = next(f for f in fs if f.code == "SOP749")
    assert edited.path == OLD
    assert "committed as sop/2026-12/v1" in edited.message
    assert "compared with sop/2026-12/v1" in edited.message
    # the previous cycle's file named in a warning is the tag's line, as it was committed
    slip = next(f for f in fs if f.code == "SOP740")
    assert f"in cycle 2026-12, {OLD}:2) to 2027-04" in slip.message
    doc = demand_json(repo)
    assert doc["previous_source"] == "tag sop/2026-12/v1"
    # uncommitted edits are edits too
    git(repo, "checkout", "-q", "main")
    rewrite_last_month(repo, commit=False)
    assert codes(repo) == ["SOP740", "SOP742", "SOP749"]


def test_an_untagged_previous_cycle_is_read_from_the_working_tree(tmp_path: Path) -> None:
    """No tag (never committed): the working tree, as before; the summary says so."""
    repo = two_cycles(tmp_path / "plan", NOW, PREVIOUS)
    assert codes(repo) == ["SOP740", "SOP742"]
    rewrite_last_month(repo)
    assert codes(repo) == []
    assert demand_json(repo)["previous_source"] == "working tree"
    text = run(["demand", "2027-01"], cwd=repo).out
    assert "Previous cycle 2026-12 read from the working tree." in " ".join(text.split())


def test_a_tag_that_fails_the_cheap_checks_is_not_read(tmp_path: Path) -> None:
    """A hand-made tag (no commit record) is no commit: the working tree is read."""
    repo = two_cycles(tmp_path / "plan", NOW, PREVIOUS)
    git(repo, "tag", "-a", "-m", "hand made", "sop/2026-12/v1")
    rewrite_last_month(repo)
    assert codes(repo) == []
    assert demand_json(repo)["previous_source"] == "working tree"


def test_the_view_records_what_was_compared(tmp_path: Path) -> None:
    """The manifest records the tag's digests: editing the working tree makes the view stale
    only when SOP749 comes or goes (the list of edited files changes), not on every edit; a
    new tag of the previous cycle makes it stale."""
    repo = tagged(tmp_path)
    assert run(["demand", "2027-01"], cwd=repo).code == 0
    manifest = repo / "cycles" / "2027-01" / "outputs" / "demand_manifest.json"
    doc = json.loads(manifest.read_text())
    assert doc["previous_source"] == "tag sop/2026-12/v1"
    assert doc["previous_edited"] == []
    digests = doc["previous_inputs"]
    ws, _ = load_workspace(repo, "2027-01")
    assert demand_is_current(ws)
    rewrite_last_month(repo)
    assert not demand_is_current(ws)  # SOP749 is new
    assert run(["demand", "2027-01"], cwd=repo).code == 0
    doc = json.loads(manifest.read_text())
    assert doc["previous_inputs"] == digests  # still the tag's files
    assert doc["previous_edited"] == [OLD]
    assert "SOP749" in {f["code"] for f in doc["findings"]}
    assert demand_is_current(ws)
    (repo / OLD).write_text(NOW.replace("900", "950"))  # edited again: nothing new
    assert demand_is_current(ws)
    (repo / OLD).write_text(NOW)
    record_tag(repo, "2026-12", "sop/2026-12/v2")  # the edit approved and committed
    assert not demand_is_current(ws)
    res = run(["reconcile", "2027-01"], cwd=repo)
    assert res.code == 0, res.out + res.err
    doc = json.loads(manifest.read_text())
    assert doc["previous_source"] == "tag sop/2026-12/v2"
    assert doc["previous_edited"] == []
    assert doc["previous_inputs"] != digests
    assert {f["code"] for f in doc["findings"]}.isdisjoint({"SOP740", "SOP742", "SOP749"})


def test_the_previous_plan_on_disk_must_be_the_tags(tmp_path: Path) -> None:
    """Outputs are git-ignored: the previous cycle's demand_plan.csv is compared only when its
    manifest binds it to the inputs of the tag; rebuilt from edited inputs, or edited by hand,
    there is no comparison (missing, with the reason) rather than a wrong one."""
    repo = tagged(tmp_path)
    assert run(["demand", "2026-12"], cwd=repo).code == 0
    doc = demand_json(repo)
    assert (doc["comparison"], doc["comparison_note"]) == ("compared", None)
    rewrite_last_month(repo)
    assert run(["demand", "2026-12"], cwd=repo).code == 0  # built from the edited pipeline
    doc = demand_json(repo)
    assert doc["comparison"] == "missing"
    assert doc["changes"] == []
    assert doc["comparison_note"] == (
        "cycle 2026-12's outputs/demand_plan.csv was not built from the inputs committed as "
        "sop/2026-12/v1"
    )
    text = " ".join(run(["demand", "2027-01"], cwd=repo).out.split())
    assert "No comparison: cycle 2026-12's outputs/demand_plan.csv was not built" in text
    git(repo, "checkout", "-q", "main")
    assert run(["demand", "2026-12"], cwd=repo).code == 0
    assert demand_json(repo)["comparison"] == "compared"
    plan = repo / "cycles" / "2026-12" / "outputs" / "demand_plan.csv"
    frame = pl.read_csv(plan)
    frame.with_columns(pl.col("final") * 10).write_csv(plan)  # by hand
    doc = demand_json(repo)
    assert doc["comparison"] == "missing"
    assert doc["comparison_note"] == (
        "cycle 2026-12's outputs/demand_plan.csv was changed after it was built"
    )


def _assume_unchanged(repo: Path) -> None:
    git(repo, "update-index", "--assume-unchanged", OLD)
    (repo / OLD).write_text(NOW)  # git status stays clean


def _untracked_after_removal(repo: Path) -> None:
    """The tag has no pipeline.csv (removed before it was tagged again); one lies untracked."""
    git(repo, "rm", "-q", OLD)
    git(repo, "commit", "-q", "-m", "no pipeline last month")
    record_tag(repo, "2026-12", "sop/2026-12/v2")
    (repo / OLD).write_text(NOW)


def _link_target_edited(repo: Path) -> None:
    """pipeline.csv committed as a link to a shared file; the shared file edited since."""
    shared = repo / "shared" / "pipeline-2026-12.csv"
    shared.parent.mkdir()
    shared.write_text((repo / OLD).read_text())
    (repo / OLD).unlink()
    (repo / OLD).symlink_to("../../../shared/pipeline-2026-12.csv")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pipeline kept in shared/")
    record_tag(repo, "2026-12", "sop/2026-12/v2")
    shared.write_text(NOW)


def _link_replaced_by_its_file(repo: Path) -> None:
    """The tag holds a link; the working tree the same content as a plain file: no edit."""
    _link_target_edited(repo)
    (repo / "shared" / "pipeline-2026-12.csv").write_text(PREVIOUS)
    (repo / OLD).unlink()
    (repo / OLD).write_text(PREVIOUS)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # git's index says clean, the content is this month's: compared with the tag, and edited
        (_assume_unchanged, ["SOP740", "SOP742", "SOP749"]),
        # the tag holds no pipeline: nothing to compare deals with; the untracked file is an edit
        (_untracked_after_removal, ["SOP749"]),
        # the link is the tag's, the file it names was edited: the tag's content is compared
        (_link_target_edited, ["SOP740", "SOP742", "SOP749"]),
        # a link read as the file it names, not as the link's text: the same content, no edit
        (_link_replaced_by_its_file, ["SOP740", "SOP742"]),
    ],
    ids=["assume-unchanged", "untracked-after-removal", "link-target-edited", "link-to-file"],
)
def test_what_is_the_same_as_the_tag_is_judged_by_content(
    tmp_path: Path, change: Callable[[Path], None], expected: list[str]
) -> None:
    """A file counts as the tag's only when its content is: not by git's index (an
    assume-unchanged flag, an untracked file where the tag has none), and a link is read as
    the file it names in the tag's tree."""
    repo = tagged(tmp_path)
    change(repo)
    assert codes(repo) == expected
