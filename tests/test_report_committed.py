"""`sopctl report` of a committed plan: the cycle's state comes from the tag, and the approvals
read as a record (who signed, which sign-off was not needed), not as a round still open."""

from __future__ import annotations

import json
import re
from html import unescape
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
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")
    return unescape(text)


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


DEMAND = (  # what was ordered and shipped in the first committed month
    "item,segment,period,ordered,shipped\n"
    "P-100,strategic,2027-01,125,125\nP-100,standard,2027-01,70,66\n"
    "P-200,strategic,2027-01,58,58\nP-200,standard,2027-01,150,140\n"
)


def test_report_of_a_tag_shows_the_scorecard_learn_made_for_it(tagged: Path) -> None:
    name = f"sop/{CYCLE}/v1"
    card = f"learn/{CYCLE}/scorecard.csv"
    assert (
        f"No learn scorecard of {name} yet: once actuals exist, 'sopctl learn {name}' writes "
        f"{card} in the working tree (learn needs the tag first" in report_text(tagged, name)
    )
    (tagged / "actuals").mkdir()
    (tagged / "actuals" / "demand.csv").write_text(DEMAND, encoding="utf-8")
    git(tagged, "add", "actuals")
    git(tagged, "commit", "-qm", "actuals of January")
    r = run(["learn", name], cwd=tagged)
    assert r.code in (0, 1), r.out + r.err
    doc = json.loads((tagged / "learn" / CYCLE / "tag.json").read_text(encoding="utf-8"))
    assert doc["tag"] == name and doc["actuals"] == "actuals"
    assert doc["commit"] == git(tagged, "rev-list", "-n1", name).strip()
    rows = len((tagged / card).read_text(encoding="utf-8").splitlines()) - 1
    text = report_text(tagged, name)
    assert f"{rows} scorecard rows, " in text
    assert f"({card} in the working tree, made by sopctl learn {name})" in text
    assert f"({card}, scoring {name})" in report_text(tagged)  # the working tree's pack too

    # a scorecard of another tag, or one that does not say, is not passed off as this tag's
    prov = tagged / "learn" / CYCLE / "tag.json"
    prov.write_text(json.dumps({**doc, "tag": f"sop/{CYCLE}/v2"}), encoding="utf-8")
    text = report_text(tagged, name)
    assert f"No learn scorecard of {name}: {card} in the working tree scores sop/{CYCLE}/v2, " in (
        text
    )
    assert f"run 'sopctl learn {name}'" in text and "scorecard rows" not in text
    prov.write_text(json.dumps({**doc, "plan_digest": "0" * 64}), encoding="utf-8")
    assert "scores an earlier tag of that name" in report_text(tagged, name)
    prov.unlink()
    assert "does not say which tag it scores" in report_text(tagged, name)


def test_report_says_when_the_actuals_changed_after_the_scorecard(tagged: Path) -> None:
    name = f"sop/{CYCLE}/v1"
    (tagged / "actuals").mkdir()
    demand = tagged / "actuals" / "demand.csv"
    demand.write_text(DEMAND, encoding="utf-8")
    r = run(["learn", name], cwd=tagged)
    assert r.code in (0, 1), r.out + r.err
    doc = json.loads((tagged / "learn" / CYCLE / "tag.json").read_text(encoding="utf-8"))
    assert list(doc["actuals_sha256"]) == ["actuals/demand.csv"]
    assert "have changed since" not in report_text(tagged, name)
    # CRLF line ends alone are the same content (as for plan files)
    demand.write_bytes(DEMAND.replace("\n", "\r\n").encode("utf-8"))
    assert "have changed since" not in report_text(tagged, name)
    demand.write_text(DEMAND.replace("125,125", "125,120"), encoding="utf-8")
    text = report_text(tagged, name)
    assert (
        "The actuals it was computed from have changed since (actuals/demand.csv): run "
        f"'sopctl learn {name}' again for a scorecard of the current actuals." in text
    )
    demand.unlink()  # gone is changed too
    assert "have changed since (actuals/demand.csv)" in report_text(tagged, name)
