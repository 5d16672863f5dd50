"""The `sopctl` program's first code: the installed command and `python -m sopctl` start here.

Loading the command line (typer, click) takes a tenth of a second. Ctrl-C in that time must
end the run as it does later, with `sopctl: interrupted` and exit code 130, not with a Python
traceback: so a handler is installed before anything else is imported. It ends the process at
once (nothing has been written yet), and stays until `process.prepare` puts the handler of a
running command in its place; `process.restore` puts it back for the last moments of the
process, when `main` has chosen the exit code and the output is flushed. A SIGINT that the
parent ignores (a background job of a script, `trap '' INT`) stays ignored throughout.

Only `os` and `signal` are imported here (loaded with the interpreter already, or built in).
"""

from __future__ import annotations

import os
import signal

# sopctl.errors' codes, not imported: nothing more is loaded before the handler is in place
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def on_early_sigint(_signum: int, _frame: object) -> None:
    """Ctrl-C while no command runs (start-up, or the exit): end the process."""
    try:  # noqa: SIM105 (contextlib is not loaded yet)
        os.write(2, b"sopctl: interrupted\n")
    except OSError:
        pass
    os._exit(EXIT_INTERRUPTED)


def arm() -> None:
    """Install `on_early_sigint` in place of Python's own Ctrl-C handler (not in place of
    SIG_IGN, nor of a handler that an embedding program installed)."""
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, on_early_sigint)
    except ValueError:  # not the main thread: leave signals alone
        pass


def console() -> None:
    """The installed `sopctl` command (pyproject's [project.scripts]) and `python -m sopctl`:
    `main`, then a fast exit.

    When `main` returns, every file is written and closed and every thread has finished, so the
    interpreter's teardown (freeing polars, HiGHS, NumPy and sopctl module by module) is pure
    cost: 65 ms of a 0.96 s reconcile, measured (docs/benchmarks.md). Output is flushed, then
    the process ends with the exit code `main` chose. Under a profiler, a debugger's tracer or
    coverage the normal exit runs, so they can write their data. Tests call `main`, which
    raises SystemExit as usual.
    """
    arm()
    import sys

    from .app import main  # the slow part of start-up

    try:
        main()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is None:
            code = 0
        else:  # SystemExit("message"): Python prints it and exits 1
            try:  # noqa: SIM105 (as above)
                print(exc.code, file=sys.stderr)
            except (OSError, ValueError):
                pass
            code = 1
    if sys.getprofile() or sys.gettrace() or "coverage" in sys.modules:
        sys.exit(code)  # a profiler or coverage writes its data at interpreter exit
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (`| head`) or stream: nothing left to deliver
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            if stream is sys.stdout and code == 0:
                code = EXIT_BROKEN_PIPE
        except (OSError, ValueError):
            pass
    os._exit(code)
