"""The one result model that every report is written from.

Student text enters the reports only through these classes, and every text and number
field is cleaned as it is set (``autograder.clean``): each view can write what it finds
here without asking what a student's code printed. So are a figure's arrays: a figure keeps
only what the HTML report shows of them (``shown``), a test only so many figures, and a
test and an assignment only so many bytes of them (``bound_figures``), so that what the
model carries from a grading lane to the grader is bounded whatever the student's code
returned.
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


#: What the HTML report shows of a figure (``views.html`` draws it), and so all the model
#: keeps: figures per test, arrays (panels) per figure, heat maps per array (channels or
#: samples), pictures per panel.
FIGURES_PER_TEST = 6
PANELS_PER_FIGURE = 6
MAPS_PER_ARRAY = 4
PICTURES_PER_PANEL = 16
#: An axis longer than this is kept as every k-th value (a figure stays small) ...
MAP_PIXELS = 256
#: ... and the spatial axes of an array still over this many values, as every other value.
PANEL_VALUES = 2**19
#: Arrays with at most this many values are written as numbers: kept exactly, in their dtype.
NUMBERS_UP_TO = 16
#: Bytes of figures a test, and an assignment's tests, may hold (``bound_figures``).
FIGURE_BYTES_PER_TEST = 16 * 2**20
FIGURE_BYTES_PER_ASSIGNMENT = 64 * 2**20


def _lines(values) -> list[str]:
    return [clean.text(value) for value in values]


def shown(value) -> np.ndarray | None:
    """What a figure shows of ``value``, as a small array of its own; None when it holds no
    numbers. The first samples and channels, every k-th value along an axis longer than
    ``MAP_PIXELS`` (and every other one along the spatial axes while it holds more than
    ``PANEL_VALUES``); more than ``NUMBERS_UP_TO`` numbers of 64 bits become float32, which
    draws the same. Taken by slicing before anything is copied: a 7900x7900 result, or
    eight 2900x2900 integer samples, must not cost gigabytes.

    ``(N, H, W, C)`` -> at most ``(16, 256, 256, 4)`` and ``PANEL_VALUES`` values; arrays of
    one shape give arrays of one shape, so yours and expected still line up.
    """
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - ragged or odd student data: nothing to show
        return None
    if array.dtype.kind not in "biuf":
        return None
    while array.ndim > 4:
        array = array[0]
    if array.ndim == 4:
        array = array[:max(MAPS_PER_ARRAY, PICTURES_PER_PANEL)]
    if array.ndim >= 3 and array.shape[-1] > MAPS_PER_ARRAY:
        array = array[..., :MAPS_PER_ARRAY]
    for axis in range(array.ndim):
        if array.shape[axis] > MAP_PIXELS:
            array = _every(array, axis, -(-array.shape[axis] // MAP_PIXELS))
    spatial = {4: (1, 2), 3: (0, 1), 2: (0, 1), 1: (0,)}.get(array.ndim, ())
    while array.size > PANEL_VALUES:
        array = _every(array, max(spatial, key=lambda axis: array.shape[axis]), 2)
    wide = array.size > NUMBERS_UP_TO and array.dtype.itemsize > 4
    return np.array(array, dtype=np.float32 if wide else array.dtype)  # a copy of its own


def _every(array: np.ndarray, axis: int, step: int) -> np.ndarray:
    return array[(slice(None),) * axis + (slice(None, None, step),)]


def _panels(panels) -> dict[str, np.ndarray]:
    """The first ``PANELS_PER_FIGURE`` arrays as ``shown``; those with no numbers left out."""
    kept = {clean.line(label): shown(value)
            for label, value in list(dict(panels).items())[:PANELS_PER_FIGURE]}
    return {label: array for label, array in kept.items() if array is not None}


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

    _CLEANERS = {"title": clean.line, "panels": _panels}

    @property
    def nbytes(self) -> int:
        """What the figure weighs in the model: its arrays, or its drawing."""
        return sum(array.nbytes for array in self.panels.values()) + len(self.drawn)


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
                 "score": clean.number, "max_score": clean.number, "seconds": clean.number,
                 "figures": lambda figures: list(figures)[:FIGURES_PER_TEST]}


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


def bound_figures(tests: list[TestResult], *, per_test: int = FIGURE_BYTES_PER_TEST,
                  in_all: int = FIGURE_BYTES_PER_ASSIGNMENT) -> None:
    """Leave out, in place, each figure that would take a test past ``per_test`` bytes of
    figures or ``tests`` (one assignment's) past ``in_all``; each test that loses one says so
    in its output. Its score stays: only the report shows less."""
    total = 0
    for test in tests:
        kept, used = [], 0
        for figure in test.figures:
            if used + figure.nbytes <= per_test and total + figure.nbytes <= in_all:
                kept.append(figure)
                used, total = used + figure.nbytes, total + figure.nbytes
        if len(kept) < len(test.figures):
            left = len(test.figures) - len(kept)
            test.output = (f"{test.output}\n\n" if test.output else "") + \
                (f"({left} of this test's figures left out of the report: "
                 "their arrays are too large to show)")
            test.figures = kept


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
