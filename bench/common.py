"""Shared helpers for the benchmarks: timing commands, making classes, writing results."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "submissions"
RESULTS = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable
if str(ROOT) not in sys.path:  # the benchmarks use the grader's own helpers
    sys.path.insert(0, str(ROOT))


def timed(command: list[str], repeat: int = 1, before=None,
          times: list[float] | None = None) -> float:
    """Median wall time of ``command`` (run from the repository root), in seconds;
    ``before()``, when given, runs ahead of each run, outside the time; ``times``, when
    given, gets each run's time (the last is the run whose files are left)."""
    times = [] if times is None else times
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.monotonic()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def make_class(folder: Path, size: int) -> list[Path]:
    """``size`` submissions cycling through the perfect, partial, stub and broken examples."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    kinds = ["perfect", "partial", "stub", "broken"]
    students = []
    for index in range(size):
        student = folder / f"student{index:03d}"
        shutil.copytree(EXAMPLES / kinds[index % len(kinds)], student)
        students.append(student)
    return students


def save(name: str, payload: dict, folder: Path = RESULTS) -> Path:
    """``payload`` as ``folder/name.json``; the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
              for row in rows]
    return "\n".join(lines)
