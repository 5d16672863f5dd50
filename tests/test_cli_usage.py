"""Usage errors: bad option values and arguments are exit 2, found before any work is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from sopctl.cli.app import app
from sopctl.cli.options import COUNT_MAX
from tests.helpers import run

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
