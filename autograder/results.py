"""The one result model that every report is written from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Figure:
    """A picture for the HTML report, kept as plain arrays and drawn by ``views.html``.

    Each panel is a 2-D array (drawn as a heat map) or images ``(N, H, W, C)`` / ``(H, W, C)``
    (drawn as a row of pictures).
    """

    title: str
    panels: dict[str, np.ndarray]


@dataclass
class TestResult:
    """The outcome of one grading test."""

    name: str  #: shown to students; starts with the assignment name
    assignment: str  #: module name of the assignment, e.g. "conv_as_matrix"
    score: float  #: points earned
    max_score: float  #: points available
    status: str  #: "passed", "failed", or "error" (a grader problem, not the student's)
    output: str = ""  #: the explanation: what was compared, what differed, what was printed
    visibility: str = "visible"  #: "visible" or "hidden" (shown after grades are published)
    seconds: float = 0.0  #: wall time of the test
    test_id: str = ""  #: stable pytest node id inside the suites
    #: pictures for the HTML report: a failed comparison's arrays, the student's images
    figures: list[Figure] = field(default_factory=list, repr=False)


@dataclass
class RunResult:
    """The outcome of grading one submission."""

    submission: str  #: display name (folder or archive name)
    tests: list[TestResult] = field(default_factory=list)
    seed: int = 0  #: base seed; every call's seed is derived from it and the test id
    versions: dict[str, str] = field(default_factory=dict)  #: Python and library versions
    submission_hash: str = ""  #: SHA-256 of the submitted files
    execution_time: float = 0.0  #: seconds for the whole grading run
    output: str = ""  #: notes about the whole submission (missing or misnamed modules)
    mode: str = "grade"  #: "grade" (live reference) or "check" (recorded values)
    grader_errors: list[str] = field(default_factory=list)  #: the grader's own failures
    #: what the worker sandbox could not do on this machine (empty: fully isolated)
    isolation: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(test.score for test in self.tests)

    @property
    def max_score(self) -> float:
        return sum(test.max_score for test in self.tests)

    def assignments(self) -> list[str]:
        """Assignment names in the order their tests ran."""
        return list(dict.fromkeys(test.assignment for test in self.tests))

    def by_assignment(self, *, visible_only: bool = False) -> dict[str, tuple[float, float]]:
        """(score, max_score) per assignment, of every test or of the visible ones."""
        totals: dict[str, tuple[float, float]] = {}
        for test in self.tests:
            if visible_only and test.visibility != "visible":
                continue
            score, max_score = totals.get(test.assignment, (0.0, 0.0))
            totals[test.assignment] = (score + test.score, max_score + test.max_score)
        return totals
