"""Transform: record the expected values of the visible tests from the solution.

Runs the visible tests with the solution in the student's place and a recording
reference, so it also proves that the solution passes them; it refuses otherwise.
"""

from __future__ import annotations

from pathlib import Path

from autograder import paths
from autograder.assignments import Assignment
from autograder.errors import BuildError
from autograder.handles import save_recording
from autograder.session import DEFAULT_SEED, References, grade_submission


def record_expected(assignment: Assignment, target: Path) -> None:
    name = assignment.name
    references = References("recording")
    try:
        run = grade_submission(paths.solution_file(name).parent, names=[name],
                               references=references, seed=DEFAULT_SEED,
                               include_hidden=False)
        failing = [t for t in run.tests if t.status != "passed"]
        if run.grader_errors or failing or not run.tests:
            reason = (run.grader_errors[0] if run.grader_errors else
                      f"{failing[0].name}: {failing[0].output.splitlines()[0]}" if failing
                      else "no visible tests ran")
            raise BuildError(f"the solution of {name} does not pass its own visible tests; "
                             f"nothing recorded. {reason}")
        values = references.get(name).recording_by_site()
    finally:
        references.close()
    save_recording(values, target / paths.recorded_values(name).name)
