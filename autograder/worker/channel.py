"""Length-prefixed messages over a pair of pipe file descriptors.

Each message is an 8-byte big-endian length followed by that many bytes of ``codec``
data. Used by both sides; only the grader side enforces deadlines and size limits.
"""

from __future__ import annotations

import os
import select
import struct
import time

from autograder import codec

_HEADER = struct.Struct(">Q")


class ChannelClosed(EOFError):
    """The other side closed its end (for the grader: the worker exited or crashed)."""


class ChannelTimeout(TimeoutError):
    """No complete message arrived before the deadline."""


class MessageTooLarge(ValueError):
    """The other side announced a message over the size limit."""


def send(fd: int, obj: object) -> None:
    """Encode ``obj`` and write it as one message."""
    payload = codec.encode(obj)
    _write_all(fd, _HEADER.pack(len(payload)) + payload)


def receive(fd: int, *, deadline: float | None = None, max_bytes: int = 2**62,
            on_wait=None) -> object:
    """Read one message; ``deadline`` is a ``time.monotonic()`` value or None for no limit.

    ``on_wait`` is called about every 50 ms while waiting (the grader polls memory there).
    """
    (length,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline, on_wait))
    if length > max_bytes:
        raise MessageTooLarge(f"a {length}-byte message exceeds the {max_bytes}-byte limit")
    data = _read_exactly(fd, length, deadline, on_wait)
    # A reply read in time must also be decoded in time: decoding counts in the call's limit.
    # A reply that was already waiting when its deadline passed (see _wait_readable) is
    # decoded all the same; the codec's own bounds on size and depth keep that short.
    in_time = deadline is None or time.monotonic() <= deadline
    message = codec.decode(data, max_bytes=max_bytes)
    if in_time and deadline is not None and time.monotonic() > deadline:
        raise ChannelTimeout("deadline passed while decoding")
    return message


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, count: int, deadline: float | None, on_wait) -> bytes:
    chunks = bytearray()
    while len(chunks) < count:
        if deadline is not None or on_wait is not None:
            _wait_readable(fd, deadline, on_wait)
        chunk = os.read(fd, min(count - len(chunks), 1 << 20))
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks += chunk
    return bytes(chunks)


def _wait_readable(fd: int, deadline: float | None, on_wait) -> None:
    """Wait until ``fd`` has data; a reply that is already there is read even when the
    deadline has passed (a module imported in time, whose reply waited while earlier tests
    of the submission ran, is not a timeout)."""
    while True:
        timeout = 0.05
        if deadline is not None:
            timeout = max(0.0, min(timeout, deadline - time.monotonic()))
        readable, _, _ = select.select([fd], [], [], timeout)
        if readable:
            return
        if deadline is not None and time.monotonic() >= deadline:
            raise ChannelTimeout("deadline passed")
        if on_wait is not None:
            on_wait()
