"""A whole submission's time budget: the CPU time its workers may use, and a wall-clock cap.

A submission's assignments may run side by side in several lanes (``autograder.lanes``);
they share one budget, so what each lane's workers use is written to a ``Ledger``, a block
of shared memory made before the lanes fork, where every lane reads the total:

    ledger cells:      lane 0   lane 1   ...
      submission slot 0  12.5     3.1           <- spent: the row's sum
      submission slot 1   0.0    40.2

Each lane writes only its own cells, so no lock is needed (a lane killed while writing
cannot leave one held). In one process, a budget keeps its own count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import RawArray

from autograder.worker.client import wall_cap


class Tally:
    """CPU seconds spent, counted in this process."""

    def __init__(self) -> None:
        self._spent = 0.0

    def add(self, seconds: float) -> None:
        self._spent += seconds

    def spent(self) -> float:
        return self._spent


class Ledger:
    """CPU seconds spent by ``slots`` submissions in ``lanes`` lanes, in shared memory."""

    def __init__(self, slots: int, lanes: int) -> None:
        self.slots, self._lanes = slots, lanes
        self._cells = RawArray("d", slots * lanes)

    def tally(self, slot: int, lane: int) -> Tally:
        """The count of submission ``slot`` as lane ``lane`` adds to it."""
        return _LedgerTally(self, slot, lane)

    def clear(self, slot: int) -> None:
        """Start ``slot`` afresh for the next submission (no lane is grading its last)."""
        for lane in range(self._lanes):
            self._cells[slot * self._lanes + lane] = 0.0

    def _add(self, slot: int, lane: int, seconds: float) -> None:
        self._cells[slot * self._lanes + lane] += seconds

    def _spent(self, slot: int) -> float:
        row = slot * self._lanes
        return sum(self._cells[row:row + self._lanes])


class _LedgerTally(Tally):
    """A submission's row of the ledger, as one lane adds to it."""

    def __init__(self, ledger: Ledger, slot: int, lane: int) -> None:
        self.ledger, self.slot, self.lane = ledger, slot, lane

    def add(self, seconds: float) -> None:
        self.ledger._add(self.slot, self.lane, seconds)

    def spent(self) -> float:
        return self.ledger._spent(self.slot)


@dataclass
class Budget:
    """The CPU time one whole submission's workers may use, all its modules together, and
    a wall-clock cap on its grading (default: as a call's, ``client.wall_cap``).

    CPU time, not wall time, so that a busy machine (other work, other lanes) does not
    spend a correct submission's budget; the wall-clock cap still ends a submission whose
    calls sleep or block. Gradescope ends a submission at its timeout, a wall-clock one,
    and then shows the student nothing: the Gradescope bundle sets the cap to fit it.
    Past either, the remaining tests fail at once, so that every report is still written.
    """

    cpu_seconds: float
    wall_seconds: float | None = None
    started: float = field(default_factory=time.monotonic)
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        if self.wall_seconds is None:
            self.wall_seconds = wall_cap(self.cpu_seconds)

    def cpu_left(self) -> float:
        return self.cpu_seconds - self.tally.spent()

    def wall_left(self) -> float:
        return self.wall_seconds - (time.monotonic() - self.started)

    def charge(self, seconds: float) -> bool:
        """Count ``seconds`` of CPU time; False once the budget is spent."""
        self.tally.add(seconds)
        return self.cpu_left() > 0
