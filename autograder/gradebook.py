"""The class gradebook: a CSV file that only ever grows, one row per student, durable.

Each row is appended and flushed to disk (fsync) as soon as its student is graded, so an
interruption (Ctrl-C, kill -9, power loss) can lose at most the row being written. On
resume, a last line cut off mid-write is removed, the rows present say who is done, and
nobody is graded twice or listed twice.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from autograder.errors import UsageError


class Gradebook:
    """``student, <assignment>..., total, max_total, status, seconds`` rows in a CSV file."""

    def __init__(self, path: Path, assignments: list[str]) -> None:
        self.path = path
        self.header = ["student", *assignments, "total", "max_total", "status", "seconds"]
        self.done: dict[str, dict[str, str]] = {}
        if path.exists():
            self._resume()
        else:
            self._append(self.header)

    def _resume(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            # A row cut off mid-write: drop it, that student is graded again.
            data = data[: data.rfind(b"\n") + 1]
            with self.path.open("r+b") as handle:
                handle.truncate(len(data))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if not rows:
            self._append(self.header)
            return
        if rows[0] != self.header:
            raise UsageError(f"{self.path} was written for other assignments or columns "
                             f"({', '.join(rows[0])}); choose a new --out folder")
        for row in rows[1:]:
            if len(row) == len(self.header):
                self.done[row[0]] = dict(zip(self.header, row, strict=True))

    def add(self, student: str, scores: dict[str, tuple[float, float]], status: str,
            seconds: float) -> None:
        """Append one student's row (ignored if the student already has one)."""
        if student in self.done:
            return
        assignments = self.header[1:-4]
        total = sum(scores.get(name, (0.0, 0.0))[0] for name in assignments)
        maximum = sum(scores.get(name, (0.0, 0.0))[1] for name in assignments)
        row = [student]
        row += [f"{scores[name][0]:g}" if name in scores else "" for name in assignments]
        row += [f"{total:g}", f"{maximum:g}", status, f"{seconds:.1f}"]
        self._append(row)
        self.done[student] = dict(zip(self.header, row, strict=True))

    def _append(self, row: list[str]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(row)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
