"""Ctrl-C at the edges of a run: while the program loads, and when the parent ignores it.

The signal is sent from inside the child at a precise point (an import hook, a patched
command), so the tests do not depend on how fast the machine starts Python.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# SIGINT arrives while the module named argv[1] is being imported; then sopctl starts as
# argv[2] says: `python -m sopctl` or the installed command's entry point
AT_IMPORT = """
import signal, sys

AT = sys.argv[1]


class Interrupt:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == AT:
            signal.raise_signal(signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt)
how, sys.argv = sys.argv[2], ["sopctl", *sys.argv[3:]]
if how == "-m":
    import runpy

    runpy.run_module("sopctl", run_name="__main__", alter_sys=True)
else:
    import importlib

    module, _, name = how.partition(":")
    getattr(importlib.import_module(module), name)()
"""


def _entry_point() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["scripts"]["sopctl"])


@pytest.mark.parametrize("how", ["-m", "script"])
@pytest.mark.parametrize(
    "module",
    [
        "typer",  # the command line's libraries load
        "sopctl.cli.app",  # the commands register
        "sopctl.cli.process",  # main starts
    ],
)
@pytest.mark.parametrize("args", [["--version"], ["validate"]])
def test_ctrl_c_while_the_program_loads_says_interrupted(
    tmp_path: Path, how: str, module: str, args: list[str]
) -> None:
    entry = _entry_point() if how == "script" else how
    r = subprocess.run(
        [sys.executable, "-c", AT_IMPORT, module, entry, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (r.returncode, r.stderr, r.stdout) == (130, "sopctl: interrupted\n", ""), r


def test_the_installed_command_starts_where_ctrl_c_is_guarded() -> None:
    assert _entry_point() == "sopctl.cli.entry:console"


# the command runs as the parent asked, whatever a library does with SIGINT meanwhile: polars
# installs a handler of its own (in Rust) that raises KeyboardInterrupt during a query
IGNORED = """
import os, signal, sys
import sopctl.cli.commands as commands

def validate(*_args):
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # as polars does
        signal.signal(signal.SIGINT, signal.default_int_handler)
    os.kill(os.getpid(), signal.SIGINT)
    sum(range(100_000))  # time for a handler to run
    print("validated")
    return 0

commands.run_validate = validate
sys.argv = ["sopctl", "validate"]
from sopctl.cli.entry import console

console()
"""


def test_an_ignored_ctrl_c_stays_ignored(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c", IGNORED],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # `sopctl ... &`
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, "validated\n", ""), r


def test_ctrl_c_reaches_a_command_that_did_not_ignore_it(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c", IGNORED],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (r.returncode, r.stdout, r.stderr) == (130, "", "sopctl: interrupted\n"), r


def test_the_entry_codes_are_the_documented_ones() -> None:
    from sopctl import errors
    from sopctl.cli import entry

    assert (entry.EXIT_INTERRUPTED, entry.EXIT_BROKEN_PIPE) == (
        errors.EXIT_INTERRUPTED,
        errors.EXIT_BROKEN_PIPE,
    )
