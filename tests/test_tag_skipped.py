"""A hand-made `sop/<cycle>/v<N>` tag with a higher number than the sound ones is skipped, with
a note, wherever sopctl takes "the latest tag" without being told which: learn, diff's default
base, the report's "superseded by" and demand's "committed as" (the cheap checks of
`log.committed_state`, as status applies them). A named malformed tag is an error saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import git, run
from tests.test_learn_support import three_cycles
from tests.test_tag_support import CYCLE, ready_copy

V1 = f"sop/{CYCLE}/v1"
# (tag name, what the note says is wrong with it)
BAD_TAGS = [
    pytest.param(f"sop/{CYCLE}/v2", "not a commit record", id="next-version"),
    pytest.param(f"sop/{CYCLE}/v99999999999999999999999", "not a commit record", id="huge"),
]


def _hand_made(root: Path, name: str) -> None:
    git(root, "tag", "-a", name, "-m", "oops, hand-made tag")


@pytest.fixture(scope="module")
def tagged_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = ready_copy(tmp_path_factory.mktemp("skipped") / "plan")
    r = run(["tag"], cwd=root)
    assert r.code == 0, r.out + r.err
    return root


@pytest.fixture
def tagged(tagged_template: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(tagged_template, tmp_path / "plan", symlinks=True))


@pytest.mark.parametrize(("bad", "why"), BAD_TAGS)
def test_diff_default_base_skips_a_bad_newer_tag_and_says_so(
    tagged: Path, bad: str, why: str
) -> None:
    _hand_made(tagged, bad)
    r = run(["diff", "--format", "json"], cwd=tagged)
    assert r.code == 0, r.out + r.err
    doc = json.loads(r.out)
    assert doc["a"]["label"] == V1
    (note,) = [n for n in doc["notes"] if bad in n]
    assert note.startswith(f"{bad} skipped: {why}") and f"run sopctl verify {bad}" in note


def test_diff_on_a_named_bad_tag_says_it_is_no_sound_record(tagged: Path) -> None:
    bad = f"sop/{CYCLE}/v2"
    _hand_made(tagged, bad)
    doc = json.loads(run(["diff", bad, "--format", "json"], cwd=tagged).out)
    assert any(
        n.startswith(f"{bad} is compared as a plain revision: not a commit record")
        for n in doc["notes"]
    )


@pytest.mark.parametrize(("bad", "why"), BAD_TAGS)
def test_report_is_not_superseded_by_a_bad_tag_and_notes_it(
    tagged: Path, bad: str, why: str
) -> None:
    from sopctl.report.records import cycle_state
    from sopctl.report.source import tagged as tag_source

    _hand_made(tagged, bad)
    with tag_source(tagged, V1) as src:
        assert src.tag is not None
        assert src.tag.latest == V1
        assert cycle_state(src).superseded_by == ""
        (note,) = src.tag.skipped
        assert note.startswith(f"{bad} skipped: {why}")


def test_demand_names_the_sound_commit_and_the_skipped_tag(tagged: Path) -> None:
    from types import SimpleNamespace

    from sopctl.cli.demand_view import missing_note

    bad = f"sop/{CYCLE}/v2"
    _hand_made(tagged, bad)
    (tagged / "cycles" / CYCLE / "outputs" / "demand_plan.csv").unlink(missing_ok=True)
    fake = SimpleNamespace(
        previous_cycle=CYCLE, comparison_note="", ws=SimpleNamespace(root=tagged)
    )
    text = missing_note(fake)  # type: ignore[arg-type]
    assert f"(committed as {V1}; {bad} skipped: not a commit record" in text


@pytest.fixture(scope="module")
def learn_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_cycles(tmp_path_factory.mktemp("learn") / "plan")


@pytest.fixture
def learn_repo(learn_template: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(learn_template, tmp_path / "plan", symlinks=True))


@pytest.mark.parametrize(
    ("args", "bad", "expected"),
    [
        pytest.param([], "sop/2027-02/v9", "sop/2027-02/", id="no-argument"),
        pytest.param(["2026-12"], "sop/2026-12/v7", "sop/2026-12/v1", id="a-cycle"),
    ],
)
def test_learn_uses_the_latest_sound_tag_and_notes_the_skipped_one(
    learn_repo: Path, args: list[str], bad: str, expected: str
) -> None:
    _hand_made(learn_repo, bad)
    r = run(["learn", *args, "--format", "json"], cwd=learn_repo)
    assert r.code in (0, 1), r.out + r.err
    doc = json.loads(r.out)
    assert doc["tag"].startswith(expected) and doc["tag"] != bad
    (f,) = [f for f in doc["findings"] if f["code"] == "SOP725"]
    assert f["message"].startswith(f"{bad} skipped: not a commit record")


def test_learn_on_a_named_bad_tag_is_an_error_saying_why(learn_repo: Path) -> None:
    bad = "sop/2027-02/v9"
    _hand_made(learn_repo, bad)
    r = run(["learn", bad], cwd=learn_repo)
    assert r.code == 2
    assert f"{bad} is not a sopctl commit record" in r.out + r.err
