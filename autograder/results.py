"""The one result model that every report is written from.

Student text enters the reports only through these classes, and every text and number
field is cleaned as it is set (``autograder.clean``): each view can write what it finds
here without asking what a student's code printed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from autograder import clean


class _Cleaned:
    """Cleans a field each time it is set, by the cleaner ``_CLEANERS`` names for it."""

    _CLEANERS: dict = {}

    def __setattr__(self, name: str, value) -> None:
        cleaner = self._CLEANERS.get(name)
        super().__setattr__(name, value if cleaner is None else cleaner(value))


def _lines(values) -> list[str]:
    return [clean.text(value) for value in values]


@dataclass
class Figure(_Cleaned):
    """A picture for the HTML report, kept as plain arrays and drawn by ``views.html``.

    Each panel is a 2-D array (drawn as a heat map) or images ``(N, H, W, C)`` / ``(H, W, C)``
    (drawn as a row of pictures).
    """

    title: str
    panels: dict[str, np.ndarray]
    #: the assignment defines these arrays as images (values in [0, 1]; 1 or 3 channels):
    #: drawn as pictures. Otherwise every array is numbers, drawn as per-channel heat maps.
    images: bool = False
    #: the figure as the HTML report shows it, once drawn (``views.html.draw``, run where
    #: the test ran, so that lanes draw in parallel); its panels are then dropped
    drawn: str = ""

    _CLEANERS = {"title": clean.line,
                 "panels": lambda panels: {clean.line(k): v for k, v in dict(panels).items()}}


@dataclass
class TestResult(_Cleaned):
    """The outcome of one grading test."""

    __test__ = False  # not a pytest test class, despite its name

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

    _CLEANERS = {"name": clean.line, "assignment": clean.line, "status": clean.line,
                 "output": clean.text, "visibility": clean.line, "test_id": clean.line,
                 "score": clean.number, "max_score": clean.number, "seconds": clean.number}


@dataclass
class RunResult(_Cleaned):
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
    #: when each assignment ran and in which lane (``session.Outcome.timeline``)
    timeline: list[dict] = field(default_factory=list)

    _CLEANERS = {"submission": clean.line, "submission_hash": clean.line,
                 "output": clean.text, "mode": clean.line, "execution_time": clean.number,
                 "seed": int, "grader_errors": _lines, "isolation": _lines,
                 "versions": lambda d: {clean.line(k): clean.line(v) for k, v in d.items()}}

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


def tests_to_plain(tests: list[TestResult]) -> list[dict]:
    """Test results as plain data (``autograder.codec`` carries it between processes)."""
    return [asdict(test) for test in tests]


def tests_from_plain(items: list[dict]) -> list[TestResult]:
    """The inverse of ``tests_to_plain``; every field is cleaned again as it is set."""
    tests = []
    for item in items:
        figures = [Figure(**figure) for figure in item.get("figures", [])]
        tests.append(TestResult(**{**item, "figures": figures}))
    return tests
