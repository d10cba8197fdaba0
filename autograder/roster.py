"""The students of a submissions folder: one sub-folder or ``.zip`` per student.

Standard library only: the CI job that lists the class for its matrix has nothing else
installed (``python -m autograder.ci_list``), and it must list exactly whom ``batch`` grades.
"""

from __future__ import annotations

from pathlib import Path

#: Names that are never anyone's work: OS and editor droppings, caches, version control.
JUNK_PARTS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".DS_Store"}


def list_students(folder: Path) -> list[tuple[str, Path]]:
    """(student id, path) for every folder or .zip in ``folder``, sorted by id."""
    entries = [p for p in folder.iterdir()
               if not p.name.startswith(".") and p.name not in JUNK_PARTS
               and (p.is_dir() or p.suffix.lower() == ".zip")]
    students, seen = [], set()
    for path in sorted(entries):
        student = path.stem if path.suffix.lower() == ".zip" else path.name
        if student in seen:  # alice/ and alice.zip: keep both, distinctly
            student = path.name
        seen.add(student)
        students.append((student, path))
    return students
