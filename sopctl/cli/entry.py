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

EXIT_INTERRUPTED = 130  # sopctl.errors.EXIT_INTERRUPTED, not imported: nothing more to load


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
    """The installed `sopctl` command (pyproject's [project.scripts]) and `python -m sopctl`."""
    arm()
    from .app import console as run  # the slow part of start-up

    run()
