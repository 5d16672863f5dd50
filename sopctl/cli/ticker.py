"""The progress line of a long command: the current step and how long it and the whole run
have taken so far, redrawn by Rich's status spinner (several times a second)."""

from __future__ import annotations

import time

from rich.text import Text


class Ticker:
    """A renderable status text; `step(msg)` starts a new step (callable from any thread)."""

    def __init__(self, first: str) -> None:
        self.start = time.monotonic()
        self.step_start = self.start
        self.message = first

    def step(self, message: str) -> None:
        self.message, self.step_start = message, time.monotonic()

    def text(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        step, total = now - self.step_start, now - self.start
        line = f"{self.message} — {step:.0f} s"
        if total - step >= 1:
            line += f" ({total:.0f} s in all)"
        return line

    def __rich__(self) -> Text:
        return Text(self.text())
