"""Where the kit's folders are, relative to this package (works without installing)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
SUITES = PACKAGE / "suites"
SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = ROOT / "assignments"
DATA = ROOT / "data"
EXAMPLES = ROOT / "examples"
#: the course's secret seed for official grading (staff only: it sits with the solutions)
COURSE_SEED = SOLUTIONS / "course_seed.txt"


def suite_dir(name: str) -> Path:
    """The grading tests of one assignment."""
    return SUITES / name


def solution_file(name: str) -> Path:
    """The reference module of one assignment (absent from the student release)."""
    return SOLUTIONS / name / f"{name}.py"


def assignment_dir(name: str) -> Path:
    """What students get for one assignment: stub, handout, recorded expected values."""
    return ASSIGNMENTS / name


def recorded_values(name: str) -> Path:
    """The expected values of the visible tests, recorded from the solution by ``build``."""
    return assignment_dir(name) / "expected_visible.npz"


def require_solutions(verb: str) -> None:
    """Staff-only verbs need solutions/; in the student release they explain themselves."""
    from autograder.errors import UsageError

    if not SOLUTIONS.is_dir():
        raise UsageError(f"`autograder {verb}` needs the reference solutions, and this copy "
                         "has no solutions/ folder (it is the student release); students "
                         "check their work with `autograder check NAME`")


def course_seed() -> int | None:
    """The course's secret seed for official grading, None where the course has none."""
    try:
        return int(COURSE_SEED.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
