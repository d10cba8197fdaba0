"""Transform: the handout, ``solutions/<name>/README.md`` copied to the student folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import paths
from autograder.assignments import Assignment
from autograder.errors import BuildError


def write_handout(assignment: Assignment, target: Path) -> None:
    source = paths.SOLUTIONS / assignment.name / "README.md"
    if not source.is_file():
        raise BuildError(f"missing handout {source}")
    shutil.copyfile(source, target / "README.md")
