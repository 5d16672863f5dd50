"""The `sopctl` command. Commands import the core lazily, so `--help` loads no data libraries."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    SopctlError,
    UserError,
)
from . import options
from .examples import EXPLAIN_EXAMPLES
from .options import COUNT_MAX, CycleArg, CycleOpt, MaxPerFileOpt, name_empty_extras, named_id

app = typer.Typer(
    name="sopctl",
    help="Git-native Sales & Operations Planning: validate, reconcile and commit S&OP cycles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class State:
    root: Path | None = None
    debug: bool = False


state = State()


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.callback(invoke_without_command=True)  # `sopctl --version` alone; see `_version`
def _main(
    ctx: typer.Context,
    root_arg: options.RootOpt = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version (no command with it).")
    ] = False,
) -> None:
    state.debug = debug
    _version(ctx, version)
    root = options.as_path(root_arg)
    # a typo must not fall back to a repo above it (init makes its own folder, PATH)
    if root is not None and not root.is_dir() and ctx.invoked_subcommand != "init":
        what = "is not a folder" if root.exists() else "does not exist"
        raise UserError(
            f"--root {root} {what}",
            hint="name the planning repository's folder (the one holding charters/ and cycles/)",
        )
    state.root = root


def _version(ctx: typer.Context, version: bool) -> None:
    """`--version` alone prints the version; with a command it is a usage error (it used to
    end the run before the command was even looked at), and no command is one too."""
    if version and ctx.invoked_subcommand is not None:
        raise UserError(
            f"--version takes no command, but '{ctx.invoked_subcommand}' was given",
            hint="run 'sopctl --version' alone, or the command without --version",
        )
    if version:
        typer.echo(f"sopctl {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        ctx.fail("Missing command.")


@app.command()
def validate(
    cycle: CycleArg = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    max_per_file: MaxPerFileOpt = 20,
) -> None:
    """Check the charter, the cycle and every declared input. Exit 1 on errors."""
    from .commands import run_validate

    raise typer.Exit(run_validate(state.root, cycle, fmt.value, max_per_file))


class ViewFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def demand(
    cycle: CycleArg = None,
    fmt: Annotated[ViewFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ViewFormat.text
    ),
    max_per_file: MaxPerFileOpt = 20,
) -> None:
    """Signal: build the demand view (baseline + pipeline + promotions + renewals + overrides)
    and write it to cycles/<id>/outputs/. Exit 1 on findings; nothing is written then."""
    from .commands import run_demand_cmd

    raise typer.Exit(run_demand_cmd(state.root, cycle, fmt.value, max_per_file))


@app.command()
def reconcile(
    cycle: CycleArg = None,
    fmt: Annotated[ViewFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ViewFormat.text
    ),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Solve and show the plan; write nothing.")
    ] = False,
    integer: Annotated[
        bool, typer.Option("--integer", help="Plan the workforce in whole people (MIP).")
    ] = False,
    top: Annotated[
        int, typer.Option("--top", metavar="N", min=1, max=COUNT_MAX, help="Exceptions shown.")
    ] = 10,
    export_mps_arg: options.ExportMpsOpt = None,
    max_per_file: MaxPerFileOpt = 20,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            metavar="NAME",
            callback=named_id(
                "a scenario",
                "sopctl reconcile --scenario upside",
                "leave it out for the base plan only",
            ),
            help="Also solve this scenario (repeatable) into outputs/scenarios/<name>/.",
        ),
    ] = None,
    all_scenarios: Annotated[
        bool, typer.Option("--all-scenarios", help="Also solve every declared scenario.")
    ] = False,
) -> None:
    """Reconcile: solve the constrained plan (capacity, labour, inventory, materials) for the
    demand view and write it to cycles/<id>/outputs/. Exit 1 on findings or an infeasible plan;
    nothing is written then."""
    export_mps = options.as_path(export_mps_arg)
    if scenario and all_scenarios:
        raise UserError(
            "--scenario and --all-scenarios exclude each other",
            hint="name the scenarios to solve with --scenario, or solve every one with "
            "--all-scenarios",
        )
    if scenario or all_scenarios:
        from .scenario_cmds import reconcile_scenarios_cmd

        reconcile_scenarios_cmd(
            cycle,
            fmt.value,
            dry_run,
            integer,
            top,
            max_per_file,
            export_mps,
            scenario or [],
            all_scenarios,
        )
    from .commands import run_reconcile_cmd

    raise typer.Exit(
        run_reconcile_cmd(
            state.root, cycle, fmt.value, dry_run, integer, top, max_per_file, export_mps
        )
    )


@app.command(epilog=EXPLAIN_EXAMPLES)
def explain(
    name: Annotated[
        str,
        typer.Argument(metavar="ITEM|RESOURCE|MATERIAL", help="An item, resource or material id."),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            metavar="PERIOD",
            help="One period (default: every one that binds).",
        ),
    ] = None,
    cycle: CycleOpt = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            metavar="NAME",
            callback=named_id(
                "a scenario",
                "sopctl explain PMP-DOS --scenario upside",
                "leave it out for the base",
            ),
            help="Explain a scenario's plan (default: the base).",
        ),
    ] = None,
) -> None:
    """Explain the exceptions of one item, the load of one resource or the supply of one
    material, in words."""
    from .commands import run_explain_cmd

    raise typer.Exit(run_explain_cmd(state.root, cycle, name, period, scenario))


@app.command()
def init(
    path: options.NewFolderArg,
    example: Annotated[
        str,
        typer.Option(
            "--example",
            metavar="NAME",
            help="Built-in starting point: minimal (the only one). For a larger start, copy a"
            " repository from the project's examples/ folder instead.",
        ),
    ] = "minimal",
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle",
            metavar="YYYY-MM",
            help="The first cycle (default: next month's; it plans from the month after).",
        ),
    ] = None,
) -> None:
    """Create a planning repository (git init, charter, first cycle, .gitignore) with the
    JSON Schemas in schemas/ that editors complete the YAML files from (see sopctl schema)."""
    from .commands import run_init

    raise typer.Exit(run_init(Path(path), example, cycle))


@app.command()
def schema(
    out: options.SchemaOutOpt = None,
) -> None:
    """Write six files: the JSON Schemas of the charter, cycle, approvals, actions and
    scenario YAML files (for editor completion and checks), and tables.json, the table
    contracts."""
    from .commands import run_schema

    raise typer.Exit(run_schema(state.root, options.as_path(out)))


def main() -> None:
    """Entry point with the one error handler of the program."""
    from . import process

    try:
        try:
            process.prepare()
            code = _invoke()
        finally:
            process.restore()
        if code == EXIT_INTERRUPTED and process.interrupted():
            _err("sopctl: interrupted")  # Click turned Ctrl-C into a silent Exit(130)
        sys.exit(code)
    except SopctlError as exc:
        _err(f"sopctl: error: {exc.message}")
        if exc.hint:
            _err(f"hint: {exc.hint}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _err("sopctl: interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err("sopctl: aborted")
        sys.exit(EXIT_INTERRUPTED)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        show = getattr(exc, "show", None)
        name_empty_extras(exc)
        if show is not None:
            show()
        code = getattr(exc, "exit_code", EXIT_USAGE)
        sys.exit(EXIT_USAGE if code in (1, 2) else code)
    except Exception as exc:  # the one place that turns a bug into exit code 3
        sys.exit(_unexpected(exc))


def _invoke() -> int:
    from . import process

    try:
        code = app(standalone_mode=False)
    except SystemExit as exc:
        # Click ends a run whose output met a broken pipe with a silent exit 1, the code of
        # "findings"; main decides instead (stdout gone, or a pipe to git that broke)
        cause = exc.__context__
        if exc.code == 1 and isinstance(cause, OSError) and process.is_broken_pipe(cause):
            raise cause from None
        raise
    return code if isinstance(code, int) else EXIT_OK


def _unexpected(exc: Exception) -> int:
    """The exit code of an exception no command turned into a message."""
    from . import process

    if process.is_broken_pipe(exc) and process.stdout_broken():
        return EXIT_BROKEN_PIPE  # `sopctl ... | head`: the reader has all it wanted
    if isinstance(exc, OSError) and exc.filename is not None and exc.errno in process.ENVIRONMENT:
        from ..outputs import shown

        where = shown(Path(os.fsdecode(exc.filename)))
        where += f" -> {shown(Path(os.fsdecode(exc.filename2)))}" if exc.filename2 else ""
        _err(f"sopctl: error: cannot access {where}: {exc.strerror or exc}")
        _err(
            "hint: make the path a readable file or a writable folder as the command needs "
            "(rerun with --debug to see where it was used)"
        )
        if state.debug:
            import traceback

            traceback.print_exc()
        return EXIT_USAGE
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
        # no path: a write to standard output (`sopctl validate > /dev/full`, a full disk)
        _err(f"sopctl: error: cannot write the output: {exc.strerror or exc}")
        _err("hint: free space where the output goes, or send it somewhere else")
        return EXIT_USAGE
    _err(f"sopctl: internal error: {type(exc).__name__}: {exc}")
    if state.debug:
        import traceback

        traceback.print_exc()
    else:
        _err("hint: rerun with --debug for the traceback and report it")
    return EXIT_INTERNAL


def console() -> None:
    """The entry point of installs made before `sopctl.cli.entry:console` (see there)."""
    from .entry import console as run

    run()


def _err(text: str) -> None:
    """A line on stderr; a stderr that cannot take it (full, closed) must not change the exit
    code the caller chose."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr)


# command modules register themselves on `app` (their bodies import the core lazily)
from . import (  # noqa: E402, F401
    adopt_cmd,
    check_cmd,
    codeowners_cmd,
    commit_cmds,
    diff_cmd,
    governance_cmds,
    learn_cmd,
    report_cmds,
    scenario_cmds,
)
from .helpfmt import use_everywhere  # noqa: E402

use_everywhere(app)  # help names values by metavar (CYCLE, N, DATE), never by Python type
