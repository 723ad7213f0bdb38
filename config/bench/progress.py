"""Progress while the bench builds: a bar on a terminal, plain lines otherwise (CI logs)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None, *, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._last_line = 0.0

    def step(self, what: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        if self.tty:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {done:>10,}/{total:,} {what:<40.40} {elapsed:6.0f}s")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
        elif done >= total or time.monotonic() - self._last_line > 5:
            self._last_line = time.monotonic()
            self.stream.write(f"bench: {what}: {done:,}/{total:,} ({elapsed:.0f}s)\n")
            self.stream.flush()

    def say(self, message: str) -> None:
        if self.enabled:
            self.stream.write(f"bench: {message}\n")
            self.stream.flush()
