"""A progress line for long batches: counts, elapsed time and an estimate of time left."""

from __future__ import annotations

import sys
import time


class Progress:
    """``[12/40] 30%  elapsed 1:02  left ~2:25  alice 30/34`` on stderr.

    On a terminal the line is redrawn in place; in a log (CI) each update is a new line.
    """

    def __init__(self, total: int, *, already_done: int = 0, stream=sys.stderr) -> None:
        self.total = total
        self.done = already_done
        self._resumed = already_done
        self._started = time.monotonic()
        self._stream = stream
        self._in_place = getattr(stream, "isatty", lambda: False)()

    def update(self, label: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self._started
        graded_now = self.done - self._resumed
        left = (self.total - self.done) * elapsed / graded_now if graded_now else 0.0
        percent = 100 * self.done / self.total if self.total else 100
        line = (f"[{self.done}/{self.total}] {percent:3.0f}%  elapsed {_clock(elapsed)}  "
                f"left ~{_clock(left)}  {label}")
        end = "\r" if self._in_place and self.done < self.total else "\n"
        print(f"{line:<100}", end=end, file=self._stream, flush=True)


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
