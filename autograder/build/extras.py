"""Transform: the other files of a solution folder (e.g. ``figures.py``) for students.

Every file in ``solutions/<name>/`` except the module and the handout is copied; Python
files go through the same solution stripping as the module, so a helper script may hold
solution regions too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import paths
from autograder.assignments import Assignment
from autograder.build.stub import strip_solutions

HANDLED_ELSEWHERE = {"README.md"}


def extra_files(assignment: Assignment) -> list[Path]:
    folder = paths.SOLUTIONS / assignment.name
    skip = HANDLED_ELSEWHERE | {assignment.module_file}
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name not in skip and not p.name.startswith("."))


def write_extras(assignment: Assignment, target: Path) -> None:
    for source in extra_files(assignment):
        if source.suffix == ".py":
            (target / source.name).write_text(strip_solutions(source.read_text(), str(source)))
        else:
            shutil.copyfile(source, target / source.name)
