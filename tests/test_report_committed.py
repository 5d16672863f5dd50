"""`sopctl report` of a committed plan: the cycle's state comes from the tag, and the approvals
read as a record (who signed, which sign-off was not needed), not as a round still open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import git, run
from tests.test_report_cli import COMMITTED
from tests.test_tag_support import CDIR, CYCLE, ready_copy

OUT = f"{CDIR}/outputs"


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """The minimal cycle, approved by a quorum and committed as sop/2026-12/v1."""
    root = ready_copy(tmp_path / "plan")
    r = run(["tag"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


def report_text(root: Path, *args: str) -> str:
    r = run(["report", *args, "--out", "r.html"], cwd=root)
    assert r.code == 0, r.out + r.err
    html = (root / "r.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


def test_working_tree_of_a_committed_plan(tagged: Path) -> None:
    text = report_text(tagged)
    assert f"cycle status committed as sop/{CYCLE}/v1 · plan optimal" in text
    assert COMMITTED in text and "waiting for" not in text
    assert "cfo (required) not given" in text and "pending" not in text


def test_a_later_tag_supersedes_the_earlier_one(tagged: Path) -> None:
    (tagged / "NOTES.md").write_text("minutes of the S&OP meeting\n", encoding="utf-8")
    git(tagged, "add", "NOTES.md")
    git(tagged, "commit", "-qm", "minutes")
    r = run(["tag"], cwd=tagged)  # the same plan, approvals still current: v2
    assert r.code == 0, r.out + r.err
    old = report_text(tagged, f"sop/{CYCLE}/v1")
    assert f"cycle status committed as sop/{CYCLE}/v1, superseded by sop/{CYCLE}/v2 ·" in old
    assert f"cycle status committed as sop/{CYCLE}/v2 · " in report_text(tagged, f"sop/{CYCLE}/v2")
