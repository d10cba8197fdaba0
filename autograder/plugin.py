"""The pytest plugin that turns the grading suites into scores.

Grading tests are ordinary pytest functions:

    @pytest.mark.points(2)
    def test_lecture_example(student, reference):
        '''Does conv2d_as_matmul reproduce the lecture's worked example?'''
        got = student.call("conv2d_as_matmul", IMAGE, KERNEL)
        assert_close(got, reference.call("conv2d_as_matmul", IMAGE, KERNEL), what=...)

Markers: ``points(n)`` (required), ``visibility("visible" | "hidden")`` (default visible),
``slow`` and ``gpu``. Fixtures: ``student`` and ``reference`` (handles bound to the test's
seed), ``rng`` (a NumPy generator seeded from the test id), ``test_seed``. Each test's
assignment is the name of the folder it lives in.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from autograder.compare import Mismatch
from autograder.errors import ReferenceFailure, StudentFailure
from autograder.handles import probe_name
from autograder.probes import common
from autograder.probes.convert import BadResult, as_array, as_int
from autograder.results import Figure, TestResult

CONTEXT = pytest.StashKey["GradingContext"]()
_PRINTED = pytest.StashKey[list]()
#: set once the student's worker has answered a call of this test
_ANSWERED = pytest.StashKey[bool]()
_FIGURES = pytest.StashKey[list]()
_STARTED = pytest.StashKey[float]()
VISIBILITIES = ("visible", "hidden")
MARKERS = {
    "points(n)": "points the test is worth; every grading test needs one",
    "visibility(kind)": "'visible' (students can run it) or 'hidden' (official grading only)",
    "slow": "trains a model: seconds to tens of seconds on a CPU",
    "gpu": "exercises a GPU when one is present",
}


@dataclass(eq=False)  # a plugin object must stay hashable
class GradingContext:
    """Everything one grading run needs; the grader hands it to pytest as a plugin."""

    students: dict[str, Any]  #: assignment -> StudentModule
    references: dict[str, Any]  #: assignment -> LiveReference | RecordedReference
    seed: int = 0
    include_hidden: bool = True
    results: list[TestResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  #: problems of the suites themselves

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[CONTEXT] = self

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo
                                  ) -> pytest.TestReport | None:
        """A failure the checks expected (the student's code, a mismatch, the reference)
        is reported by its own message: pytest's report of it would format the source of
        every frame, about 60 ms of the grader's time per failed test, for nothing (the
        result model takes the exception's text). Anything else, a grader bug, keeps
        pytest's full traceback for staff."""
        error = call.excinfo.value if call.excinfo else None
        if not isinstance(error, (StudentFailure, AssertionError, ReferenceFailure)):
            return None
        return pytest.TestReport(item.nodeid, item.location,
                                 {keyword: 1 for keyword in item.keywords}, "failed",
                                 str(error), call.when, duration=call.duration,
                                 start=call.start, stop=call.stop,
                                 user_properties=item.user_properties)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            # A broken suite is the grader's problem: loud, never a silent zero.
            self.errors.append(f"collecting {report.nodeid}: {report.longreprtext}")


# -- configuration and collection -------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    for marker, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {meaning}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    context = config.stash[CONTEXT]
    keep, drop = [], []
    for item in items:
        if visibility_of(item) == "hidden" and not context.include_hidden:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    # Visible tests first, as students know them from their self-check (stable sort).
    items[:] = sorted(keep, key=lambda item: visibility_of(item) == "hidden")


# -- fixtures ---------------------------------------------------------------------------

@pytest.fixture
def assignment(request: pytest.FixtureRequest) -> str:
    """The assignment under test: the name of the suite folder."""
    return request.path.parent.name


@pytest.fixture
def test_seed(request: pytest.FixtureRequest) -> int:
    """A seed derived from the run's base seed and this test's id: order-independent."""
    return derive_seed(request.config.stash[CONTEXT].seed, request.node.nodeid)


@pytest.fixture
def rng(test_seed: int) -> np.random.Generator:
    """NumPy random generator for the test's inputs (same inputs in grade and check)."""
    return np.random.default_rng(test_seed)


@pytest.fixture
def worker_seed(request: pytest.FixtureRequest) -> int:
    """The seed the worker gets for this test's calls (student and reference alike).

    Derived apart from ``test_seed``: the student's code sees this one, and from it must
    not be able to recreate ``rng`` and so predict the grader's own draws after the call
    (a Monte Carlo estimate to compare with)."""
    return derive_seed(request.config.stash[CONTEXT].seed, f"{request.node.nodeid} (worker)")


@pytest.fixture
def student(request: pytest.FixtureRequest, assignment: str, worker_seed: int
            ) -> BoundStudent:
    """The student's module, running in its worker process."""
    context = request.config.stash[CONTEXT]
    return BoundStudent(context.students[assignment], worker_seed,
                        request.node.stash.setdefault(_PRINTED, []), request.node.name,
                        request.node.stash, run_seed=derive_seed(context.seed, "shared runs"))


@pytest.fixture
def reference(request: pytest.FixtureRequest, assignment: str, worker_seed: int
              ) -> BoundReference:
    """The reference: the solution (official grading) or recorded values (self-check)."""
    return BoundReference(request.config.stash[CONTEXT].references[assignment], worker_seed,
                          request.node.nodeid)


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> FigureBoard:
    """Attach pictures of the student's results to the test's report:
    ``figures.add("reconstructions", {"original": x, "yours": x_hat}, images=True)``
    (``images``: the arrays are pictures in [0, 1]; otherwise they are drawn as heat maps)."""
    return FigureBoard(request.node.stash.setdefault(_FIGURES, []))


class FigureBoard:
    def __init__(self, figures: list[Figure]) -> None:
        self._figures = figures

    def add(self, title: str, panels: dict[str, np.ndarray], *, images: bool = False) -> None:
        self._figures.append(Figure(title, panels, images=images))  # bounded there


class BoundStudent:
    """The student handle as a test sees it: seeded, and collecting what the code prints."""

    def __init__(self, handle, seed: int, printed: list[str], test: str = "",
                 stash=None, run_seed: int = 0) -> None:
        self._handle, self._seed, self._printed, self._test = handle, seed, printed, test
        self._stash = stash if stash is not None else {}
        #: the seed of the runs tests share (``shared``): the submission's, not the test's
        self.run_seed = run_seed

    def run(self, probe: Callable | str, *args, **kwargs) -> Any:
        return self._answer(self._outcome(probe, args, kwargs, self._seed))

    def shared(self, probe: Callable | str, *args, **kwargs) -> Any:
        """``run``, once per submission for these arguments: tests that judge one training
        run from different sides share it instead of training again. The worker is seeded
        with ``run_seed`` (so are the arguments, where the check passes a seed): every test
        that asks gets the same run, whichever asks first. Each gets what it printed."""
        runs = self._handle.shared_runs
        key = (probe_name(probe), repr(args), repr(sorted(kwargs.items())))
        if key not in runs:
            runs[key] = self._outcome(probe, args, kwargs, self.run_seed)
        return self._answer(runs[key])

    def _outcome(self, probe: Callable | str, args: tuple, kwargs: dict, seed: int
                 ) -> tuple[Any, str] | StudentFailure:
        """(value, printed), or the failure it ended in (``_answer`` raises it)."""
        try:
            return self._handle.run(probe, args, kwargs, seed=seed, test=self._test)
        except StudentFailure as failure:
            return failure

    def _answer(self, outcome: tuple[Any, str] | StudentFailure) -> Any:
        if isinstance(outcome, StudentFailure):
            if outcome.printed:
                self._printed.append(outcome.printed)
            raise outcome
        value, output = outcome
        self._stash[_ANSWERED] = True
        if output:
            self._printed.append(output)
        return value

    def call(self, function: str, *args, **kwargs) -> np.ndarray:
        """``np.asarray(module.function(*args, **kwargs))``."""
        return _received(as_array, self.run(common.call, function, *args, **kwargs), function)

    def call_int(self, function: str, *args, **kwargs) -> int:
        return _received(as_int, self.run(common.call_int, function, *args, **kwargs),
                         function)


def _received(convert: Callable, value: Any, function: str) -> Any:
    """``value`` converted again on the grader's side: the worker converted it already, but
    a forged reply skips the worker's conversion (a ragged list where an array belongs).
    What cannot be converted is the student's unusable result, as in the worker."""
    try:
        return convert(value, what=f"{function}(...)")
    except BadResult as error:
        raise StudentFailure(f"unusable result: {error}") from None


class BoundReference:
    """The reference handle as a test sees it, with the same seed as the student's.

    Each call carries its site, ``"<test id> #<n>"`` (the n-th reference call of the test):
    recorded values are found by it, never by a hash of inputs that may have come out of
    TensorFlow and differ in the last bit on another CPU.
    """

    def __init__(self, handle, seed: int, test_id: str = "") -> None:
        self._handle, self._seed, self._test_id = handle, seed, test_id
        self._calls = 0

    def run(self, probe: Callable | str, *args, **kwargs) -> Any:
        self._calls += 1
        site = f"{self._test_id} #{self._calls}"
        return self._handle.run(probe, args, kwargs, seed=self._seed, site=site)

    def call(self, function: str, *args, **kwargs) -> np.ndarray:
        return self.run(common.call, function, *args, **kwargs)

    def call_int(self, function: str, *args, **kwargs) -> int:
        return self.run(common.call_int, function, *args, **kwargs)


# -- results ----------------------------------------------------------------------------

def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_STARTED] = time.monotonic()
    if points_of(item) is None:
        raise ReferenceFailure(f"{item.nodeid} has no @pytest.mark.points(n) marker")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    finished_setup_badly = call.when == "setup" and report.outcome != "passed"
    if call.when == "call" or finished_setup_badly:
        context = item.config.stash[CONTEXT]
        context.results.append(_result_of(item, call, report))
        error = call.excinfo.value if call.excinfo else None
        if isinstance(error, ReferenceFailure) and str(error) not in context.errors:
            context.errors.append(str(error))  # the grader's fault: the run must not pass
    return report


def _result_of(item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport
               ) -> TestResult:
    points = points_of(item) or 0.0
    error = call.excinfo.value if call.excinfo else None
    if error is None:
        status, output = "passed", ""
    elif isinstance(error, (StudentFailure, AssertionError)):
        status, output = "failed", str(error)
    elif isinstance(error, ReferenceFailure):
        status, output = "error", f"grader problem (not your fault): {error}"
    elif report.skipped:
        status, output = "error", f"skipped: {report.longrepr}"
    elif item.stash.get(_ANSWERED, False):
        # The worker answered with something the checks could not handle (a forged or
        # malformed value): the student's failure, explained without the grader's insides.
        # Every reference passes these checks (build proves it), so a grader bug here
        # shows there first.
        status, output = "failed", ("your code's result could not be checked: "
                                    f"{type(error).__name__}: {str(error)[:500]}")
    else:
        status, output = "error", f"grader problem (not your fault):\n{report.longreprtext}"
    figures = list(item.stash.get(_FIGURES, []))
    if isinstance(error, Mismatch) and error.got is not None and \
            np.shape(error.got) == np.shape(error.expected):
        figures.append(Figure("yours against the expected values",
                              {"yours": error.got, "expected": error.expected}))
    printed = "".join(item.stash.get(_PRINTED, []))
    if printed:
        output = (output + "\n\n" if output else "") + "Your code printed:\n" + printed
    return TestResult(
        name=test_name(item),
        assignment=item.path.parent.name,
        score=points if status == "passed" else 0.0,
        max_score=points,
        status=status,
        output=output,
        visibility=visibility_of(item),
        seconds=time.monotonic() - item.stash.get(_STARTED, time.monotonic()),
        test_id=item.nodeid,
        figures=figures,
    )


# -- helpers ----------------------------------------------------------------------------

def points_of(item: pytest.Item) -> float | None:
    marker = item.get_closest_marker("points")
    return float(marker.args[0]) if marker and marker.args else None


def visibility_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("visibility")
    kind = marker.args[0] if marker and marker.args else "visible"
    if kind not in VISIBILITIES:
        raise ValueError(f"{item.nodeid}: visibility must be one of {VISIBILITIES}")
    return kind


def test_name(item: pytest.Item) -> str:
    """``"<assignment>: <first line of the docstring> [<parameters>]"``."""
    doc = (getattr(item, "obj", None).__doc__ or "").strip().splitlines()
    title = doc[0].strip() if doc else item.originalname.removeprefix("test_").replace("_", " ")
    callspec = getattr(item, "callspec", None)
    suffix = f" [{callspec.id}]" if callspec is not None else ""
    return f"{item.path.parent.name}: {title}{suffix}"


test_name.__test__ = False  # not a test, despite its name


def derive_seed(base: int, test_id: str) -> int:
    digest = hashlib.sha256(f"{base}:{test_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31
