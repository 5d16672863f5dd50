"""Usage errors: bad option values and arguments are exit 2, found before any work is done."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

from sopctl.cli.app import app
from sopctl.cli.options import COUNT_MAX
from tests.helpers import git, run
from tests.test_scenario_cli import UP
from tests.test_scenario_repo import CYCLE, tiny_repo

OUTPUTS = "cycles/2026-12/outputs"
HUGE = str(10**20)  # more than any integer the data libraries take


def _int_options() -> list[tuple[str, Any]]:
    """(command, parameter) of every integer option or argument, found by walking the app."""
    found: list[tuple[str, Any]] = []

    def walk(cmd: Any, path: str) -> None:
        for p in cmd.params:
            if p.type_descriptor.annotation in (int, int | None, list[int], list[int] | None):
                found.append((path, p))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def test_every_count_option_has_an_upper_bound() -> None:
    found = _int_options()
    assert len(found) >= 7
    unbounded = [f"{cmd} {p.opts[0]}" for cmd, p in found if p.max != COUNT_MAX]
    assert unbounded == []


COUNTS = [
    ["validate", "--max-per-file"],
    ["demand", "--max-per-file"],
    ["reconcile", "--top"],
    ["reconcile", "--max-per-file"],
    ["reconcile", "--all-scenarios", "--top"],
    ["compare", "--rows"],
    ["diff", "--rows"],
    ["learn", "--rows"],
    ["learn", "--format", "markdown", "--rows"],
]


@pytest.mark.parametrize("value", [HUGE, str(COUNT_MAX + 1)])
@pytest.mark.parametrize("args", COUNTS, ids=" ".join)
def test_a_count_above_its_bound_is_a_usage_error_and_nothing_is_written(
    repo: Path, args: list[str], value: str
) -> None:
    r = run([*args, value], cwd=repo)
    assert r.code == 2, r.out + r.err
    assert f"Invalid value for '{args[-1]}'" in r.err and f"{COUNT_MAX}" in r.err, r.err
    assert "internal error" not in r.err
    assert not (repo / OUTPUTS).exists() and not (repo / "learn").exists()


def test_the_largest_count_is_all_rows(repo: Path) -> None:
    r = run(["reconcile", "--top", str(COUNT_MAX)], cwd=repo)
    assert r.code == 0, r.out + r.err


# --- arguments that conflict, are empty, or name something that is not what it seems -------

BAD_ARGUMENTS = [
    (["reconcile", "--scenario", "up", "--all-scenarios"], "exclude each other"),
    (["reconcile", "--all-scenarios", "--dry-run", "--scenario", "up"], "exclude each other"),
    (["validate", ""], "is empty"),
    (["demand", " "], "is empty"),
    (["reconcile", ""], "is empty"),
    (["status", ""], "is empty"),
    (["reconcile", "--scenario", ""], "is empty"),
    (["explain", "W1", "--cycle", ""], "is empty"),
    (["explain", "W1", "--scenario", ""], "is empty"),
    (["diff", "--cycle", ""], "is empty"),
    (["diff", "--from-cycle", ""], "is empty"),
    (["report", ""], "the cycle id is empty"),
    (["report", "--scenario", ""], "Invalid value for '--scenario': is empty"),
    (["export", "xlsx", ""], "the cycle id is empty"),
    (["--root", "", "validate"], "Invalid value for '--root': is empty"),
    (["--root", " ", "reconcile"], "Invalid value for '--root': is empty"),
    (["learn", ""], "Invalid value for 'TAG|CYCLE': is empty"),
    (["compare", ""], "is empty"),
    (["compare", "2027-01", ""], "is empty"),
    (["codeowners", ""], "Got an unexpected empty argument ('')"),
    (["diff", ""], "Invalid value for 'REV_A': is empty"),
    (["diff", "HEAD", " "], "Invalid value for 'REV_B': is empty"),
    (["check", "--base", ""], "Invalid value for '--base': is empty"),
    (["validate", "2027-01", "", ""], "Got an unexpected empty argument ('')"),
    (["--version", "validate"], "--version takes no command, but 'validate' was given"),
    (["--version", "extra"], "No such command 'extra'"),
    (["--debug"], "Missing command"),
]


@pytest.mark.parametrize(
    ("args", "says"), BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS]
)
def test_conflicting_or_empty_arguments_are_usage_errors(
    repo: Path, args: list[str], says: str
) -> None:
    r = run(args, cwd=repo)
    assert r.code == 2, r.out + r.err
    assert says in r.err, r.err
    assert "sopctl 0." not in r.out
    assert not (repo / OUTPUTS).exists()


EMPTY_PATHS = [
    (["init", ""], "Invalid value for 'PATH': is empty: name the folder for the new planning"),
    (["init", " "], "Invalid value for 'PATH': is empty"),
    (["import", "xlsx", ""], "Invalid value for 'WORKBOOK': is empty: name the .xlsx workbook"),
    (["import", "xlsx", " ", "2026-12"], "Invalid value for 'WORKBOOK': is empty"),
    (["schema", "--out", ""], "Invalid value for '--out' / '-o': is empty"),
]


@pytest.mark.parametrize(("args", "says"), EMPTY_PATHS, ids=[" ".join(a) for a, _ in EMPTY_PATHS])
def test_an_empty_path_argument_is_a_usage_error_and_nothing_is_written(
    tmp_path: Path, args: list[str], says: str
) -> None:
    """'' (an unset shell variable) is no folder or workbook: Click made it the current
    folder, so `sopctl init ''` set up a repository in it and `import xlsx ''` called '.'
    a folder."""
    r = run(args, cwd=tmp_path)
    assert r.code == 2, r.out + r.err
    assert says in r.err, r.err
    assert "Traceback" not in r.err and r.out == ""
    assert list(tmp_path.iterdir()) == []


PATH_METAVARS = {"PATH", "FILE", "DIR", "FOLDER", "WORKBOOK"}


def _params(wanted: Callable[[Any], bool]) -> list[tuple[list[str], Any]]:
    """(command words, parameter) of every parameter of the app that `wanted` picks, found by
    walking the app, so a new one gets the cases below without being listed."""
    found: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, words: list[str]) -> None:
        found.extend((words, p) for p in cmd.params if wanted(p))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


def _checked_by(p: Any, factory: str) -> bool:
    return bool(getattr(p.callback, "__qualname__", "").startswith(f"{factory}."))


def _path_params() -> list[tuple[list[str], Any]]:
    """Every parameter that names a path: declared `Path`, shown as a PATH, FILE, DIR or
    WORKBOOK, or checked by `named_path`."""
    return _params(
        lambda p: (
            "Path" in str(p.type_descriptor.annotation)
            or p.metavar in PATH_METAVARS
            or _checked_by(p, "named_path")
        )
    )


PATH_PARAMS = _path_params()


def _label(words: list[str], p: Any) -> str:
    return " ".join([*words, p.opts[0] if p.param_type_name == "option" else p.metavar])


def test_every_path_parameter_refuses_an_empty_value() -> None:
    """Click makes Path('') the current folder before any callback sees it: a path parameter
    is a string checked by `named_path`, which says what to write."""
    assert len(PATH_PARAMS) >= 10, [_label(w, p) for w, p in PATH_PARAMS]
    unchecked = [
        _label(w, p)
        for w, p in PATH_PARAMS
        if "Path" in str(p.type_descriptor.annotation)
        or not getattr(p.callback, "__qualname__", "").startswith("named_path.")
    ]
    assert unchecked == []


def _with_empty(words: list[str], p: Any, value: str) -> list[str]:
    """The command line that gives parameter `p` of command `words` the value `value`."""
    if p.param_type_name == "option":
        return [p.opts[0], value, "validate"] if not words else [*words, p.opts[0], value]
    cmd: Any = typer.main.get_command(app)
    for w in words:
        cmd = cmd.commands[w]
    at = [q.name for q in cmd.params].index(p.name)
    before = [q for q in cmd.params[:at] if q.param_type_name == "argument"]
    return [*words, *["x"] * len(before), value]


@pytest.mark.parametrize("value", ["", " "], ids=["empty", "blank"])
@pytest.mark.parametrize(
    ("words", "param"), PATH_PARAMS, ids=[_label(w, p) for w, p in PATH_PARAMS]
)
def test_an_empty_path_is_a_usage_error_that_says_what_to_write(
    repo: Path, words: list[str], param: Any, value: str
) -> None:
    """'' (an unset shell variable) made `--out` the current folder: report, export xlsx and
    check said "cannot write .: it is a folder", reconcile "could not write the model to .",
    codeowners printed the section as if no --path were given, and --out ' ' wrote a file
    named ' '. Every path parameter now refuses it alike, before anything is read or written."""
    r = run(_with_empty(words, param, value), cwd=repo)
    assert r.code == 2, r.out + r.err
    name = param.opts[0] if param.param_type_name == "option" else param.metavar
    assert f"Invalid value for '{name}'" in r.err, r.err
    assert re.search(r": is empty: name \S.*, e\.g\. sopctl \S", r.err), r.err
    if param.param_type_name == "option":  # an option can be left out: say what that does
        assert ", or leave it out" in r.err, r.err
    assert "Traceback" not in r.err and r.out == ""
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert [p.name for p in repo.parent.iterdir()] == ["plan"]


def test_version_alone_prints_the_version(repo: Path) -> None:
    for args in (["--version"], ["--debug", "--version"], ["--root", str(repo), "--version"]):
        r = run(args, cwd=repo)
        assert (r.code, r.err) == (0, "") and r.out.startswith("sopctl "), r


@pytest.mark.parametrize("where", [".", "cycles/2027-02"])
def test_a_cycle_yaml_that_is_a_folder_is_sop002_not_a_missing_cycle(
    repo: Path, where: str
) -> None:
    (repo / "cycles/2027-02/cycle.yaml").mkdir(parents=True)
    args = ["validate", "2027-02"] if where == "." else ["validate"]
    r = run(args, cwd=repo / where)
    assert r.code == 1, r.out + r.err
    assert "cycles/2027-02/cycle.yaml: error SOP002" in r.out, r.out
    assert "no cycle.yaml" not in r.err and "unknown cycle" not in r.err


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("gone", "is a broken symlink (to gone, which does not exist)"),
        ("outputs", "is a broken symlink (a loop of links)"),
        ("/nonexistent/sopctl-test", "is a broken symlink (to /nonexistent/sopctl-test"),
    ],
)
@pytest.mark.parametrize("command", ["reconcile", "demand"])
def test_an_outputs_link_to_nowhere_is_named(
    repo: Path, command: str, target: str, says: str
) -> None:
    (repo / OUTPUTS).symlink_to(target)
    r = run([command], cwd=repo)
    assert r.code == 2, r.out + r.err
    assert f"{OUTPUTS} {says}" in r.err and f"remove the link {OUTPUTS}" in r.err, r.err
    assert "free space" not in r.err and "File exists" not in r.err
    assert (repo / OUTPUTS).is_symlink() and not (repo / OUTPUTS).exists()


@pytest.mark.parametrize("inside", [".", "refs"])
def test_a_bare_repository_is_named(tmp_path: Path, inside: str) -> None:
    bare = tmp_path / "plan.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    r = run(["validate"], cwd=bare / inside)
    assert r.code == 2, r.out + r.err
    assert f"is inside a bare git repository ({bare.resolve()})" in r.err, r.err
    assert "git clone" in r.err


def test_compare_a_name_that_is_nothing_says_what_it_could_be(repo: Path) -> None:
    r = run(["compare", "upside"], cwd=repo)  # no scenario declared, none solved
    assert r.code == 2, r.out + r.err
    assert "upside is neither a scenario of cycle 2026-12 nor a git revision" in r.err, r.err
    assert "it declares none yet" in r.err and "commits, tags or branches" in r.err
    assert "unknown revision" not in r.err


def test_compare_lists_the_scenarios_before_any_was_solved(tmp_path: Path) -> None:
    root = tiny_repo(tmp_path / "tiny", {"up": UP})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    r = run(["compare", "zzz"], cwd=root)
    assert r.code == 2, r.out + r.err
    assert f"compare takes scenarios of cycle {CYCLE.split('/')[-1]} (base, up)" in r.err, r.err
    r = run(["compare", "HEAD"], cwd=root)  # a revision stays a revision
    assert "neither" not in r.err, r.err


def _id_params() -> list[tuple[list[str], Any]]:
    """Every id parameter checked by `named_id` (a cycle, a scenario, a revision)."""
    return _params(lambda p: _checked_by(p, "named_id"))


ID_PARAMS = _id_params()


def test_every_id_parameter_says_what_to_write() -> None:
    """Every cycle, scenario and revision parameter is checked by `named_id` (the cases
    below are found by walking the app, so a new one gets them)."""
    assert len(ID_PARAMS) >= 15, [_label(w, p) for w, p in ID_PARAMS]


@pytest.mark.parametrize(("words", "param"), ID_PARAMS, ids=[_label(w, p) for w, p in ID_PARAMS])
def test_an_empty_id_says_what_to_write_and_what_leaving_it_out_does(
    repo: Path, words: list[str], param: Any
) -> None:
    """An empty cycle id, scenario or revision said only "is empty: name one, or leave it out
    for the default", where README promises an example and what leaving it out does."""
    r = run(_with_empty(words, param, ""), cwd=repo)
    assert r.code == 2, r.out + r.err
    name = param.opts[0] if param.param_type_name == "option" else param.metavar
    assert f"Invalid value for '{name}'" in r.err, r.err
    assert re.search(r": is empty: name \S.*, e\.g\. \S.*, or leave it out \S", r.err), r.err
    assert "the default" not in r.err and "Traceback" not in r.err and r.out == ""


def test_schema_takes_o_for_out(tmp_path: Path) -> None:
    """README: `-o` for `--out` and `--output`; `schema -o` was "No such option"."""
    r = run(["schema", "-o", str(tmp_path / "schemas")], cwd=tmp_path)
    assert r.code == 0, r.out + r.err
    assert (tmp_path / "schemas" / "charter.schema.json").is_file()
