"""`sopctl init` and `sopctl schema`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.helpers import git, run


def test_init_creates_valid_repo(tmp_path: Path) -> None:
    target = tmp_path / "new-plan"
    r = run(["init", str(target)])
    assert r.code == 0, r.err
    assert "sopctl validate" in r.out
    assert "sopctl schema" not in r.out  # init wrote schemas/ already
    assert (target / ".git").is_dir()
    assert (target / ".gitignore").read_text().startswith("# sopctl")
    assert (target / "schemas" / "charter.schema.json").is_file()
    first = (target / "charters" / "acme.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/charter.schema.json"
    r = run(["validate"], cwd=target)
    assert r.code == 0, r.out


def test_init_ignores_results_but_not_actuals(tmp_path: Path) -> None:
    """Actuals are data of record, committed (docs/learn.md); learn's results are ignored."""
    target = tmp_path / "p"
    assert run(["init", str(target)]).code == 0
    text = (target / ".gitignore").read_text()
    assert "/learn/" in text and "actuals/ (what happened, read by sopctl learn) is not" in text
    (target / "actuals").mkdir()
    (target / "actuals" / "demand.csv").write_text("item,segment,period,ordered,shipped\n")
    (target / "learn").mkdir()
    (target / "learn" / "x.csv").write_text("a\n")
    status = git(target, "status", "--porcelain", "--untracked-files=all")
    assert "actuals/demand.csv" in status and "learn/" not in status


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    (target / "charters").mkdir(parents=True)
    (target / "charters" / "acme.yaml").write_text("mine")
    r = run(["init", str(target)])
    assert r.code == 2
    assert "never overwrites" in r.err
    assert (target / "charters" / "acme.yaml").read_text() == "mine"
    assert not (target / "cycles").exists()


def test_init_into_existing_empty_folder(tmp_path: Path) -> None:
    assert run(["init", str(tmp_path), "--cycle", "2026-12"]).code == 0
    assert (tmp_path / "cycles" / "2026-12" / "cycle.yaml").is_file()


def test_init_starts_next_months_cycle_by_default(tmp_path: Path) -> None:
    from sopctl.scaffold import next_cycle

    assert next_cycle(dt.date(2026, 11, 26)) == "2026-12"
    assert next_cycle(dt.date(2026, 12, 1)) == "2027-01"
    r = run(["init", str(tmp_path / "p")])
    assert r.code == 0, r.err
    assert f"first cycle {next_cycle(dt.date.today())}" in r.out
    assert (tmp_path / "p" / "cycles" / next_cycle(dt.date.today()) / "cycle.yaml").is_file()


def test_init_cycle_moves_every_period_and_plans_the_same(tmp_path: Path) -> None:
    # the example is written for 2026-12; for 2027-04 every period moves by four months
    target = tmp_path / "p"
    assert run(["init", str(target), "--cycle", "2027-04"]).code == 0
    cycle = target / "cycles" / "2027-04"
    assert "first_period: 2027-05" in (cycle / "cycle.yaml").read_text()
    pipeline = (cycle / "inputs" / "pipeline.csv").read_text()
    assert "P-100,strategic,proposal,200,2027-05,2" in pipeline
    history = (cycle / "inputs" / "history.csv").read_text().splitlines()
    assert history[1].split(",")[2] == "2026-04" and history[12].split(",")[2] == "2027-03"
    moved = json.loads(run(["reconcile", "--dry-run", "--format", "json"], cwd=target).out)
    base = tmp_path / "b"
    assert run(["init", str(base), "--cycle", "2026-12"]).code == 0
    same = json.loads(run(["reconcile", "--dry-run", "--format", "json"], cwd=base).out)
    assert moved["plan"]["objective"] == pytest.approx(same["plan"]["objective"], rel=1e-9)
    assert run(["validate"], cwd=target).code == 0


def test_init_says_to_put_the_teams_e_mails_in_the_charter(tmp_path: Path) -> None:
    """With the starter's addresses the first `sopctl approve` is refused: init says so."""
    target = tmp_path / "p"
    r = run(["init", str(target), "--cycle", "2026-12"])
    assert r.code == 0, r.err
    out = " ".join(r.out.split())
    assert (
        "edit charters/acme.yaml (roles[].members) and cycles/2026-12/inputs/overrides.csv "
        "(owner): put your team's git e-mails (git config user.email) in place of the "
        "@acme.example addresses: sopctl approve takes a sign-off only from a member of the role"
    ) in out
    assert "sopctl reconcile 2026-12, then each approver: sopctl approve 2026-12 --role ROLE" in out
    # the loop does not stop at approve: escalations need actions, then the commit itself
    assert "add it to cycles/2026-12/actions.yaml (answers: kind:item-or-resource:period)" in out
    assert "sopctl status 2026-12 lists what still stops the commit" in out
    assert out.index("sopctl approve 2026-12") < out.index("sopctl tag 2026-12: commit")
    assert "JSON Schemas for editor completion in schemas/" in out
    assert out.index("edit charters/acme.yaml") < out.index("git add -A")


def test_init_here_says_no_cd_and_describes_no_other_company(tmp_path: Path) -> None:
    """`sopctl init .` is in the folder already; the starter charter describes no distributor
    (an adopter's contract manufacturer got 'A small distributor starting S&OP')."""
    target = tmp_path / "anvil"
    target.mkdir()
    r = run(["init", ".", "--cycle", "2026-12"], cwd=target)
    assert r.code == 0, r.err
    assert "  cd " not in r.out and "next:\n  edit charters/acme.yaml" in r.out
    charter = (target / "charters" / "acme.yaml").read_text(encoding="utf-8")
    assert "distributor" not in charter
    assert "  description: What the organisation makes or sells, and where (one line)" in charter
    r = run(["init", "other", "--cycle", "2026-12"], cwd=target)  # a folder below: cd to it
    assert r.code == 0 and "next:\n  cd other\n" in r.out


@pytest.mark.parametrize(
    ("cycle", "first", "last"),
    [
        ("2026-12", "2025-12", "2026-11"),
        ("2027-01", "2026-01", "2026-12"),
        ("2027-07", "2026-07", "2027-06"),
    ],
)
def test_init_history_ends_before_the_cycle_month(
    tmp_path: Path, cycle: str, first: str, last: str
) -> None:
    """A cycle is prepared during its month: its history is the 12 months before it."""
    target = tmp_path / "p"
    assert run(["init", str(target), "--cycle", cycle]).code == 0
    rows = (target / "cycles" / cycle / "inputs" / "history.csv").read_text().splitlines()[1:]
    months = sorted({row.split(",")[2] for row in rows})
    assert (months[0], months[-1], len(months)) == (first, last, 12)
    r = run(["validate"], cwd=target)
    assert r.code == 0 and "0 warnings" in r.out, r.out
    r = run(["reconcile", "--dry-run", "--format", "json"], cwd=target)
    assert r.code == 0, r.out + r.err


@pytest.mark.parametrize("bad", ["2027-13", "27-04", "2027-4", "next"])
def test_init_refuses_a_cycle_that_is_not_a_month(tmp_path: Path, bad: str) -> None:
    r = run(["init", str(tmp_path / "x"), "--cycle", bad])
    assert r.code == 2 and "is not a month" in r.err and "YYYY-MM" in r.err
    assert not (tmp_path / "x").exists()


def test_init_unknown_example(tmp_path: Path) -> None:
    r = run(["init", str(tmp_path / "x"), "--example", "nope"])
    assert r.code == 2 and "unknown example" in r.err
    assert not (tmp_path / "x").exists()


def test_init_help_names_only_built_in_examples() -> None:
    """The help once offered examples that `init` refused; it must name what EXAMPLES has."""
    from sopctl.demos import EXAMPLES

    r = run(["init", "--help"])
    assert r.code == 0
    text = " ".join(r.out.split())
    assert sorted(EXAMPLES) == ["minimal"] and "minimal (the only one)" in text
    for name in ("northwind", "red-tomato", "contract-manufacturer"):
        assert name not in text


def test_schema_writes_json_schemas(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    r = run(["schema", "--out", str(out)], cwd=repo)
    assert r.code == 0
    charter = json.loads((out / "charter.schema.json").read_text())
    assert charter["additionalProperties"] is False
    assert "cadence" in charter["required"]
    tables = json.loads((out / "tables.json").read_text())["tables"]
    assert tables["pipeline"]["key"] == ["deal_id", "item"]
    r = run(["schema"], cwd=repo)
    assert r.code == 0 and (repo / "schemas" / "cycle.schema.json").is_file()


def test_schema_accepts_shipped_charter(repo: Path) -> None:
    """The exported schema and the Pydantic model agree on a real charter."""
    import yaml

    from sopctl.schema_export import schemas

    schema = schemas()["charter.schema.json"]
    data = yaml.safe_load((repo / "charters" / "acme.yaml").read_text())
    assert set(data) <= set(schema["properties"])


def test_init_without_git_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git is checked before the first file: init used to stop after the charter, the cycle
    and the schemas, and a second run then refused the half-made folder."""
    from sopctl.errors import GitError
    from sopctl.vcs import repo as vcs_repo

    def missing() -> None:
        raise GitError("git is not available", hint="install git and retry")

    monkeypatch.setattr(vcs_repo, "_git", missing)
    target = tmp_path / "plan"
    r = run(["init", str(target)], cwd=tmp_path)
    assert r.code == 2 and "git is not available" in r.err, r
    assert not target.exists()


def test_init_inside_a_git_repository_makes_no_nested_one(tmp_path: Path) -> None:
    """A nested repository made the enclosing one's `git add -A` fail ('planning/' does not
    have a commit checked out), so ci.md's planning-repository-in-a-subfolder set-up could not
    be followed. The enclosing repository is used instead, and init says so."""
    top = tmp_path / "mono"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    (top / "app.txt").write_text("app\n", encoding="utf-8")
    r = run(["init", "planning", "--cycle", "2026-12"], cwd=top)
    assert r.code == 0, r.err
    assert not (top / "planning" / ".git").exists()
    assert f"inside the git repository at {top.resolve()}: no new repository made" in r.out
    assert "git initialised" not in r.out
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "start")
    assert "planning/charters/acme.yaml" in git(top, "ls-files").splitlines()
    r = run(["--root", "planning", "check", "--base", "HEAD"], cwd=top)
    assert r.code == 0, r.out + r.err
    r = run(["validate"], cwd=top / "planning")
    assert r.code == 0, r.out
