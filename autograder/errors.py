"""Exceptions with a meaning for the grader.

Two families: ``UsageError`` means the grader itself cannot run (bad arguments, a missing
path) and ends the command with a one-line reason. ``StudentFailure`` means the student's
code failed a check; it fails one test, and its message is what the student reads.
"""

from __future__ import annotations


class UsageError(Exception):
    """The grader cannot run as asked; the CLI prints the message and exits with 2."""


class StudentFailure(Exception):
    """A check of the student's code failed; ``str()`` is the explanation for the student."""

    category = "failed"
    #: what the student's code printed during the failed call (shown with the failure)
    printed = ""


class NotGradable(StudentFailure):
    """The module is missing or cannot be imported: all of its tests score zero."""

    category = "not_gradable"


class ReferenceFailure(Exception):
    """The reference (solution or recorded values) could not give an expected value.

    A grader bug or an out-of-date build, never the student's fault: the test is
    reported with status "error" so that staff notice.
    """


class BuildError(UsageError):
    """``autograder build`` refuses: unbalanced markers, a failing solution, a missing file."""
