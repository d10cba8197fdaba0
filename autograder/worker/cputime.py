"""The CPU time a worker consumed, read by the grader from /proc (Linux).

A call's time limit counts the CPU time the worker used, not the wall clock: on a busy
machine (a TA's laptop running other work, a shared runner, a classmate's submission
burning every core in the next lane) a correct call takes longer but uses the same CPU
time, so it keeps its points. A call that sleeps or blocks uses none; the grader bounds
it by a wall-clock cap as well (``client.WALL_CAP_FACTOR`` times the CPU limit).

What counts is the worker's whole process tree, every thread of every process in it, so
that many threads or processes reach the limit sooner, not later:

    worker ── (sandbox) init of its pid namespace ── the student's process ── children

Each process is read from ``/proc/<pid>/stat``: its own time (utime + stime, every thread,
live or ended) and its children's (cutime + cstime: children it collected with ``wait``).
A child that ends and is collected moves its time from its own count into its parent's,
so the sum over the live tree stays whole. A child collected without ``wait`` (its parent
ignores SIGCHLD) takes its time with it, so the clock also keeps the last own time it saw
of every process and counts whichever total is larger: such a child escapes only what it
used in the last poll interval before it ended. What escapes entirely (processes that
live under one poll interval each and are never waited for; without the sandbox, a
double-forked daemon that leaves the tree) is still bounded by the wall-clock cap.
"""

from __future__ import annotations

import os

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: whether this machine shows CPU times in /proc (Linux); elsewhere limits read the wall clock
AVAILABLE = os.path.isfile("/proc/self/stat")


class TreeClock:
    """CPU seconds used by process ``pid`` and everything it started, since the clock was
    made; it never goes back."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        #: last own time seen of each live process, by (pid, start time), and the sum of
        #: the last own time seen of every process ever seen (the ended ones' stays in it)
        self._last_own: dict[tuple[int, int], float] = {}
        self._seen = 0.0
        self._base_live, self._base_seen = self._read()
        self._used = 0.0

    def used(self) -> float:
        """Seconds of CPU time the tree used since the clock was made (0.0 without /proc:
        then the wall-clock cap is the limit itself, see ``client.wall_cap``)."""
        live, seen = self._read()
        self._used = max(self._used, live - self._base_live, seen - self._base_seen)
        return self._used

    def _read(self) -> tuple[float, float]:
        """(own + collected children's time of every live process of the tree, sum of the
        last own time seen of every process the clock ever saw)."""
        live, current = 0.0, {}
        for key, own, children in _tree(self._pid):
            live += own + children
            before = self._last_own.get(key, 0.0)
            self._seen += max(0.0, own - before)
            current[key] = max(own, before)
        self._last_own = current  # a key never comes back: its pid's next process starts later
        return live, self._seen


def _tree(root: int):
    """(key, own seconds, children's seconds) of ``root`` and every live descendant."""
    stack, visited = [root], set()
    while stack:
        pid = stack.pop()
        if pid in visited:
            continue
        visited.add(pid)
        times = _times(pid)
        if times is None:
            continue  # ended between the listing and the read
        yield times
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:  # a child belongs to the thread that started it
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
            except (OSError, ValueError):
                continue


def _times(pid: int) -> tuple[tuple[int, int], float, float] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
        # The command name (field 2) may hold spaces and parentheses: split after its end.
        fields = data[data.rindex(b")") + 2:].split()
        utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
        start = int(fields[19])
    except (OSError, ValueError, IndexError):
        return None
    return (pid, start), (utime + stime) / _TICKS, (cutime + cstime) / _TICKS
