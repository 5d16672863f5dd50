"""Ctrl-C and SIGTERM around a set of files being written (see `outputs.write_all`): they stop
the write while files are staged, and wait while the files are renamed into place."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any


class Stopped(BaseException):
    """SIGINT or SIGTERM outside the renames: the write stops, its temp files are removed,
    then the signal takes its usual course (see signal_gate)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Gate:
    def __init__(self) -> None:
        self.holding = False
        self.caught: list[int] = []
        self.stopped = False  # the write was stopped: it must not end as if it succeeded

    def on_signal(self, signum: int, _frame: Any) -> None:
        if self.holding:
            self.caught.append(signum)
        else:
            self.holding = self.stopped = True  # a second signal waits for the clean-up
            raise Stopped(signum)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False


@contextlib.contextmanager
def signal_gate() -> Iterator[Gate]:
    """While a set of files is written: SIGINT and SIGTERM stop the write (temp files removed)
    except inside `gate.held()` (the renames, or their roll-back), where they wait until it
    ends. Either way the signal then reaches the handler there was before (Ctrl-C's
    KeyboardInterrupt, SIGTERM's end of the process): no temp file and no half set is left.
    Python runs handlers in the main thread whichever thread the system picked; from another
    thread signals cannot be handled here and are left alone."""
    gate = Gate()
    saved: dict[signal.Signals, Any] = {}
    installed = True
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(sig) is signal.SIG_IGN:  # ignored (`cmd &`, trap ''): stays so
                continue
            saved[sig] = signal.signal(sig, gate.on_signal)
    except ValueError:  # not the main thread
        installed = False
    if not installed:
        for sig, old in saved.items():
            signal.signal(sig, signal.SIG_DFL if old is None else old)
        yield gate
        return
    try:
        yield gate
    except Stopped as exc:
        gate.caught.append(exc.signum)
    finally:
        gate.holding = True  # a signal while the handlers go back is recorded, not raised
        for sig, old in saved.items():
            signal.signal(sig, signal.SIG_DFL if old is None else old)
        for num in dict.fromkeys(gate.caught):
            signal.raise_signal(num)
        if gate.stopped:  # the handler there was let it pass: still, nothing was written
            raise KeyboardInterrupt
