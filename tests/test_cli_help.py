"""`--help` of every command: values named by a metavar, examples where a format needs one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from sopctl.cli.app import app
from tests.helpers import run

# what Typer shows when a parameter has no metavar: the Python type, or choices in <>
LEAK = re.compile(
    r"<(str|int|float|bool|path|file|list\[[^\]]*\]|[a-z]+ range|[a-z_]+(\|[a-z_]+)+)>"
)


def _commands() -> list[tuple[list[str], Any]]:
    found: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        subs = getattr(cmd, "commands", {})
        if not subs:
            found.append((path, cmd))
        for name, sub in subs.items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_names_every_value_by_a_metavar(path: list[str], cmd: Any) -> None:
    r = run([*path, "--help"])
    assert r.code == 0, r.err
    assert not LEAK.search(r.out), LEAK.search(r.out)
    usage = r.out.splitlines()[0]
    assert "{" not in usage and "[[" not in usage, usage
    for p in cmd.params:
        if p.param_type_name == "argument":
            assert p.metavar and p.metavar == p.metavar.upper(), (path, p.name, p.metavar)
            assert p.metavar in r.out
        elif not getattr(p, "is_flag", False) and p.name != "help":
            assert p.metavar, (path, p.opts)
            assert re.fullmatch(r"[A-Z][A-Z_|-]*|\[[a-z|]+\]", p.metavar), (path, p.metavar)


def test_one_metavar_per_kind_of_value() -> None:
    """The same value is named alike everywhere: a cycle is CYCLE, a count N, a date DATE
    (init's --cycle, a cycle still to be made, says its form: YYYY-MM)."""
    names: dict[str, set[str]] = {}
    for path, cmd in COMMANDS:
        for p in cmd.params:
            if path == ["init"]:
                continue
            if p.metavar and not p.metavar.startswith("["):
                names.setdefault(p.opts[0] if p.opts[0].startswith("-") else p.name, set()).add(
                    p.metavar
                )
    assert names["--cycle"] == {"CYCLE"} and names["cycle"] == {"CYCLE"}
    assert names["--rows"] == {"N"} and names["--max-per-file"] == {"N"}
    assert names["--scenario"] == {"NAME"}
    assert names["--today"] == {"DATE"} and names["--as-of"] == {"DATE"}


def test_the_texts_say_what_the_commands_do() -> None:
    explain = " ".join(run(["explain", "--help"]).out.split())
    assert "Cycle id (default: current folder or latest)" in explain
    schema = " ".join(run(["schema", "--help"]).out.split())
    assert "six files" in schema
    for name in ("charter", "cycle", "approvals", "actions", "scenario", "tables.json"):
        assert name in schema
    init = " ".join(run(["init", "--help"]).out.split())
    assert "JSON Schemas in schemas/" in init


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("approve", "sopctl approve 2026-12 --role cfo"),
        ("explain", "sopctl explain ASSY -p 2027-03"),
        ("compare", "sopctl compare main scenario/upside"),
        ("actions", "answers: overload:ASSY:*  # kind:subject:period"),
    ],
)
def test_help_shows_an_example(command: str, example: str) -> None:
    assert example in run([command, "--help"]).out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["actions", "--as-of", "soon"], "--today/--as-of 'soon' is not a date"),
        (["status", "--as-of", "soon"], "--today/--as-of 'soon' is not a date"),
        (["report", "--today", "soon"], "--as-of/--today 'soon' is not a date"),
    ],
)
def test_today_and_as_of_are_one_option(repo: Path, args: list[str], says: str) -> None:
    r = run(args, cwd=repo)
    assert r.code == 2 and says in r.err, r.err


def test_as_of_sets_the_day_of_actions(repo: Path) -> None:
    r = run(["actions", "--as-of", "2026-12-09", "--format", "json"], cwd=repo)
    assert r.code == 0, r.err
    assert "2026-12-09" in r.out
