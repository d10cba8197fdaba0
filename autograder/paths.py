"""Where the grader's own files are, and where the course it grades lives.

The package (``PACKAGE``, ``SUITES``) is wherever Python imported it from: a checkout, a
plain ``pip install``, the Gradescope bundle. The course (``ROOT`` with ``solutions/``,
``assignments/``, ``data/``, ``examples/``) is a folder of its own, found in this order:

1. ``AUTOGRADER_COURSE`` (``--course DIR`` on the command line sets it);
2. the current folder or the nearest folder above it that holds a course;
3. the checkout the package itself sits in (``python -m autograder`` or ``pip install -e .``).

``ROOT``, ``SOLUTIONS``, ``ASSIGNMENTS``, ``DATA`` and ``EXAMPLES`` are looked up on every
use (a module ``__getattr__``), so a course named after import still counts; where no
course is found they raise ``UsageError`` with one line that says how to name one.
"""

from __future__ import annotations

import os
from pathlib import Path

from autograder.errors import UsageError

PACKAGE = Path(__file__).resolve().parent
SUITES = PACKAGE / "suites"
#: The environment variable naming the course folder; inherited by every child process.
COURSE_VARIABLE = "AUTOGRADER_COURSE"
RECORDED_FILE = "expected_visible.npz"
#: The course's folders, and its secret seed for official grading (staff only: it sits with
#: the solutions, where students and their workers never look).
_COURSE_FOLDERS = {"ROOT": "", "SOLUTIONS": "solutions", "ASSIGNMENTS": "assignments",
                   "DATA": "data", "EXAMPLES": "examples",
                   "COURSE_SEED": "solutions/course_seed.txt"}


def is_course(folder: Path) -> bool:
    """A course holds solutions/ (staff) or recorded assignments (the student release)."""
    return (folder / "solutions").is_dir() or any(
        (folder / "assignments").glob(f"*/{RECORDED_FILE}"))


def course_root() -> Path:
    """The course folder (see the module docstring); ``UsageError`` when there is none."""
    named = os.environ.get(COURSE_VARIABLE)
    if named:
        folder = Path(named).expanduser().resolve()
        # A grading worker sees no more of its course than data/ (the sandbox's allow-list):
        # named outright, a folder holding data/ is the course as far as the worker can tell.
        if not (is_course(folder) or (folder / "data").is_dir()):
            raise UsageError(f"{COURSE_VARIABLE} / --course names {named}, which is not a "
                             "course folder (it has no solutions/ and no assignments/ with "
                             "recorded answers)")
        return folder
    here = Path.cwd().resolve()
    for folder in (here, *here.parents, PACKAGE.parent):
        if is_course(folder):
            return folder
    raise UsageError(f"no course folder in {here} or above it (one with solutions/ or "
                     "assignments/): run this from the course folder or name it with "
                     f"--course DIR or {COURSE_VARIABLE}=DIR")


def __getattr__(name: str) -> Path:
    if name in _COURSE_FOLDERS:
        return course_root() / _COURSE_FOLDERS[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def suite_dir(name: str) -> Path:
    """The grading tests of one assignment."""
    return SUITES / name


def solution_file(name: str) -> Path:
    """The reference module of one assignment (absent from the student release)."""
    return course_root() / "solutions" / name / f"{name}.py"


def assignment_dir(name: str) -> Path:
    """What students get for one assignment: stub, handout, recorded expected values."""
    return course_root() / "assignments" / name


def recorded_values(name: str) -> Path:
    """The expected values of the visible tests, recorded from the solution by ``build``."""
    return assignment_dir(name) / RECORDED_FILE


def require_solutions(verb: str) -> None:
    """Staff-only verbs need solutions/; in the student release they explain themselves."""
    root = course_root()
    if not (root / "solutions").is_dir():
        raise UsageError(f"`autograder {verb}` needs the reference solutions, and the course "
                         f"at {root} has no solutions/ folder (it is the student release); "
                         "students check their work with `autograder check NAME`")


def course_seed() -> int | None:
    """The course's secret seed for official grading, None where the course has none."""
    try:
        return int(course_root().joinpath("solutions", "course_seed.txt").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
