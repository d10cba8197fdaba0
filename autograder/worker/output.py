"""Capturing what student code prints, without ever blocking it or filling a disk.

The worker's stdout and stderr share one pipe. A thread drains it continuously, keeps the
first ``keep_bytes`` of each call's output and counts the rest, so 100 MB of prints costs
memory for only the part that is shown.
"""

from __future__ import annotations

import errno
import os
import select
import threading


class OutputCapture:
    """Drains a pipe in the background; ``take()`` returns what arrived since the last take."""

    def __init__(self, fd: int, keep_bytes: int) -> None:
        self._fd = fd
        self._keep = keep_bytes
        self._lock = threading.Lock()
        self._kept = bytearray()
        self._dropped = 0
        self._closed = False
        os.set_blocking(fd, False)
        self._thread = threading.Thread(target=self._drain_forever, daemon=True)
        self._thread.start()

    def take(self) -> str:
        """All output written so far (the worker flushes before it replies), then reset."""
        with self._lock:
            self._read_available(max_chunks=1024)
            text = self._kept.decode("utf-8", errors="replace")
            if self._dropped:
                text += f"\n[... {self._dropped} more bytes of output not shown]"
            self._kept.clear()
            self._dropped = 0
        return text

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                os.close(self._fd)

    def _drain_forever(self) -> None:
        while True:
            try:
                readable, _, _ = select.select([self._fd], [], [], 0.2)
            except (OSError, ValueError):  # closed under us
                return
            with self._lock:
                if self._closed:
                    return
                if readable and not self._read_available(max_chunks=16):
                    return

    def _read_available(self, max_chunks: int) -> bool:
        """Read until the pipe is empty (at most ``max_chunks`` reads, so a student thread
        that never stops printing cannot hold the lock); False once the writer closed."""
        if self._closed:
            return False
        for _ in range(max_chunks):
            try:
                chunk = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return True
            except OSError as error:
                if error.errno == errno.EAGAIN:
                    return True
                return False
            if not chunk:
                return False
            room = max(0, self._keep - len(self._kept))
            self._kept += chunk[:room]
            self._dropped += max(0, len(chunk) - room)
        return True
