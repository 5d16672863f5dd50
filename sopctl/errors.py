"""Exceptions and the documented exit codes.

Helpers raise; only the CLI's single error handler turns an exception into an exit code.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: stdout's reader left (`sopctl ... | head -1`)


class SopctlError(Exception):
    """Base class of every error sopctl raises on purpose."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UserError(SopctlError):
    """The user's environment or invocation is wrong (not a planning repo, unknown cycle...)."""

    exit_code = EXIT_USAGE


class WorkspaceNotFound(UserError):
    pass


class UnknownCycle(UserError):
    pass


class TargetExists(UserError):
    pass


class GitError(UserError):
    pass


class CannotWrite(UserError):
    """A file cannot be written where it must go (a folder is a file, no permission...)."""
