"""``autograder check``: the student's self-check, visible tests against recorded values.

Works in the student release, which has no solutions/: the expected values come from
``assignments/<name>/expected_visible.npz``, recorded by ``autograder build``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograder import assignments as registry
from autograder import paths
from autograder.errors import UsageError
from autograder.session import DEFAULT_SEED, References, grade_submission
from autograder.views import table


def main(*, name: str, submission: str | None = None, only: str | None = None,
         out=sys.stdout) -> int:
    """Run the visible tests of ``name`` on the student's module and print a table.

    ``only`` keeps the tests whose names match this pytest ``-k`` expression, e.g. the name
    of one function: the notebook checks one question at a time this way.
    """
    registry.get(name)
    folder = Path(submission) if submission else paths.assignment_dir(name)
    if not folder.exists():
        raise UsageError(f"submission not found: {folder}")
    references = References("recorded")
    try:
        run = grade_submission(folder, names=[name], references=references,
                               seed=DEFAULT_SEED, include_hidden=False, select=only)
    finally:
        references.close()
    if only and not run.tests:
        raise UsageError(f"no visible test of {name} matches {only!r}")
    print(table.render(run), file=out)
    print("\nThese are the visible tests only; official grading adds hidden tests on more "
          "cases.", file=out)
    return 1 if run.grader_errors else 0
