"""The class gradebook: a CSV file that only ever grows, one row per student, durable.

Each row is appended and flushed to disk (fsync) as soon as its student is graded, so an
interruption (Ctrl-C, kill -9, power loss) can lose at most the row being written. On
resume, a last line cut off mid-write is removed, the rows present say who is done, and
nobody is graded twice or listed twice.

A student id is a folder or archive name, so it can hold anything a file name can: the
student cell is written so that every spreadsheet shows it as text, and so that resuming
reads back exactly the id it was written from (``student_cell``, ``student_of``).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from autograder import clean
from autograder.errors import UsageError

#: A cell that starts with one of these is a formula to Excel, LibreOffice or Google Sheets
#: (OWASP, "CSV injection"); tab and carriage return, also on its list, are escaped anyway.
FORMULA_STARTS = ("=", "+", "-", "@")


def student_cell(student: str) -> str:
    """The gradebook's cell for ``student``: control and bidi characters escaped visibly
    (``a\\x0db``, ``x\\u202eevil``: raw, a carriage return breaks the CSV for its readers
    and an override makes one student's row read as another's), and a ``'`` before a
    cell that a spreadsheet would run as a formula (``'=1+1``), or that starts with ``'``
    itself (so ``student_of`` knows which quote to drop)."""
    cell = clean.escaped(student)
    return f"'{cell}" if cell.lstrip(" ").startswith((*FORMULA_STARTS, "'")) else cell


def student_of(cell: str) -> str:
    """The student id that ``student_cell`` wrote as ``cell``."""
    return clean.unescaped(cell[1:] if cell.startswith("'") else cell)


class Gradebook:
    """``student, <assignment>..., total, max_total, status, seconds`` rows in a CSV file;
    ``done`` maps each student id to their row (its ``student`` the id, not the cell)."""

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
                self._remember(student_of(row[0]), row)

    def add(self, student: str, scores: dict[str, tuple[float, float]], status: str,
            seconds: float) -> None:
        """Append one student's row (ignored if the student already has one)."""
        if student in self.done:
            return
        assignments = self.header[1:-4]
        total = sum(scores.get(name, (0.0, 0.0))[0] for name in assignments)
        maximum = sum(scores.get(name, (0.0, 0.0))[1] for name in assignments)
        row = [student_cell(student)]
        row += [f"{scores[name][0]:g}" if name in scores else "" for name in assignments]
        row += [f"{total:g}", f"{maximum:g}", status, f"{seconds:.1f}"]
        self._append(row)
        self._remember(student, row)

    def _remember(self, student: str, row: list[str]) -> None:
        self.done[student] = {**dict(zip(self.header, row, strict=True)), "student": student}

    def _append(self, row: list[str]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(row)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
