"""One grading run: open the submission, start the workers, run the suites under pytest.

``grade_submission`` is what ``grade``, ``check`` and ``build`` share; they differ only in
the references they pass (live solution, recorded values, or a recorder) and in whether
hidden tests run.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from autograder import __version__, paths
from autograder import assignments as registry
from autograder.budget import Budget, Tally
from autograder.errors import UsageError
from autograder.handles import (
    LiveReference,
    RecordedReference,
    RecordingReference,
    StudentModule,
)
from autograder.plugin import GradingContext
from autograder.results import RunResult, TestResult, bound_figures
from autograder.submission import Submission
from autograder.views import html
from autograder.worker.client import Limits

if TYPE_CHECKING:
    from autograder.lanes import LanePool

DEFAULT_SEED = 20261121  #: public: the self-check and the recorded values use it
#: CPU time the workers of one whole submission may use in official grading, all its
#: assignments together (``autograder.budget``); its wall-clock cap is WALL_CAP_FACTOR
#: times longer, except in the Gradescope bundle, which fits it to Gradescope's timeout. A
#: correct submission of all six assignments takes about 14 s on two cores (BENCHMARKS.md,
#: section 1).
DEFAULT_BUDGET_SECONDS = 480.0


def official_seed() -> int:
    """The seed official grading draws its inputs from: the course's secret one
    (``solutions/course_seed.txt``, which students and their workers never see), else the
    public one, with a warning for staff."""
    seed = paths.course_seed()
    if seed is None:
        print(f"autograder: note: {paths.COURSE_SEED} holds no course seed, so official "
              "grading uses the public seed of the self-check (students could look up "
              "the visible tests' answers); put a secret number there", file=sys.stderr)
    return DEFAULT_SEED if seed is None else seed


def private_folders() -> list[Path]:
    """What a student's worker never sees: the solutions, the grading suites (hidden tests),
    the recorded expected values, and the project's own tests and examples."""
    return [paths.SOLUTIONS, paths.SUITES, paths.ASSIGNMENTS, paths.ROOT / "tests",
            paths.EXAMPLES]


class References:
    """The reference handle of each assignment, shared by every submission of a batch.

    ``mode`` is "live" (solutions/, official grading), "recorded" (values recorded by
    ``build``, the student's self-check) or "recording" (live, remembering every value).
    """

    def __init__(self, mode: str = "live", preload: dict | None = None) -> None:
        if mode not in ("live", "recorded", "recording"):
            raise ValueError(f"unknown reference mode {mode!r}")
        self.mode = mode
        #: expected values already computed (a reference cache): call key -> value; the
        #: live handles add what they compute to it
        self.preload = preload
        self._known = set(preload or ())
        self._handles: dict[str, object] = {}

    def get(self, name: str):
        if name not in self._handles:
            limits = registry.get(name).limits
            if self.mode == "recorded":
                handle = RecordedReference(name, paths.recorded_values(name))
            else:
                kind = RecordingReference if self.mode == "recording" else LiveReference
                handle = kind(name, paths.solution_file(name), limits)
                if self.preload is not None:
                    # A worker starts only if a value is missing (an empty cache: at once)
                    handle.cache, handle.eager = self.preload, not self.preload
            self._handles[name] = handle
        return self._handles[name]

    def new_values(self) -> dict:
        """The values computed live (or ``add``ed) since the last call: what the cache
        did not hold. Empty without a cache."""
        fresh = {key: value for key, value in (self.preload or {}).items()
                 if key not in self._known}
        self._known.update(fresh)
        return fresh

    def add(self, values: dict) -> None:
        """Values another process computed (a grading lane), for later calls and for
        ``new_values``."""
        if self.preload is not None:
            for key, value in values.items():
                self.preload.setdefault(key, value)

    def close(self) -> None:
        for handle in self._handles.values():
            handle.stop()


@dataclass(frozen=True)
class Plan:
    """How one submission is graded, whichever process runs its assignments."""

    seed: int = DEFAULT_SEED
    include_hidden: bool = True
    select: str | None = None  #: a pytest ``-k`` expression, or None for every test
    time_scale: float = 1.0  #: multiplies every time limit
    #: CPU time the whole submission's workers may use (None: no budget) ...
    budget_seconds: float | None = None
    #: ... and the wall-clock cap on its grading (None: WALL_CAP_FACTOR times that)
    budget_wall_seconds: float | None = None
    budget_slot: int = -1  #: its row of the lanes' shared ledger (-1: graded in one process)
    started: float = 0.0  #: ``time.monotonic()`` when the submission's grading began
    hide: tuple[str, ...] = ()  #: folders the student's workers must not see
    draw_figures: bool = False  #: draw the HTML report's figures as the tests finish


@dataclass
class Outcome:
    """What grading some of a submission's assignments produced."""

    tests: list[TestResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  #: the grader's own failures
    isolation: list[str] = field(default_factory=list)
    #: when each group of assignments ran, in seconds since the submission's grading
    #: began: {"assignments": [...], "lane": n, "start": s, "end": s}
    timeline: list[dict] = field(default_factory=list)


def grade_submission(source: str | Path, *, names: list[str] | None, references: References,
                     lanes: LanePool | None = None, **options) -> RunResult:
    """Grade one submission (folder or .zip) and return the result model: ``grade_each``
    of one."""
    return next(grade_each([source], names=names, references=references, lanes=lanes,
                           **options))[1]


def grade_each(sources: Iterable[str | Path], *, names: list[str] | None,
               references: References, seed: int = DEFAULT_SEED,
               include_hidden: bool = True, select: str | None = None,
               hide: Iterable[Path] = (), time_scale: float = 1.0,
               budget_seconds: float | None = None, budget_wall_seconds: float | None = None,
               draw_figures: bool = False, lanes: LanePool | None = None
               ) -> Iterator[tuple[int, RunResult]]:
    """Grade each submission (folder or .zip) of ``sources``; yield ``(index, result)``
    as each is done: in order in this process, in the order they finish in ``lanes``
    (``autograder.lanes``: the assignments of consecutive submissions share the lanes, and
    each is scored exactly as in one process).

    With ``names`` None, every assignment module found is graded; named assignments that
    are missing score zero with an explanation, as does every assignment of an archive that
    cannot be opened. ``select`` is a pytest ``-k`` expression (e.g. one function's name)
    to run only some tests. ``hide`` adds folders the student's workers must not see (where
    results are written); ``time_scale`` multiplies every time limit (a slow machine wants
    more); ``budget_seconds`` bounds the CPU time each submission's workers use, all its
    assignments together, and ``budget_wall_seconds`` its wall time from when its grading
    begins (past either the remaining tests fail at once, with a message). ``draw_figures``
    draws the HTML report's figures where each assignment is graded (in its lane). Never
    raises for a submission: the grader's own failure on one is a result that says so.
    """
    hide = tuple(str(p) for p in [*private_folders(), *hide])
    opened: dict[int, _Opened] = {}

    def jobs() -> Iterator[tuple[int, dict, Plan]]:
        for index, source in enumerate(sources):
            plan = Plan(seed=seed, include_hidden=include_hidden, select=select,
                        time_scale=time_scale, budget_seconds=budget_seconds,
                        budget_wall_seconds=budget_wall_seconds,
                        started=time.monotonic(), hide=hide, draw_figures=draw_figures)
            opened[index] = _Opened.open(source, names, plan)
            yield index, opened[index].modules, plan

    if lanes is not None:
        outcomes = lanes.grade_each(jobs())
    else:
        outcomes = ((index, grade_or_explain(modules, references, plan))
                    for index, modules, plan in jobs())
    try:
        for index, outcome in outcomes:
            with opened.pop(index) as submission:
                yield index, submission.result(outcome, references.mode)
    finally:
        for submission in opened.values():
            submission.close()


@dataclass
class _Opened:
    """A submission opened for grading: its module copies, or why it has none."""

    name: str
    plan: Plan
    modules: dict[str, tuple[Path | None, str]]  #: assignment -> (module copy, why missing)
    notes: list[str] = field(default_factory=list)  #: for the student, above the results
    errors: list[str] = field(default_factory=list)  #: the grader's own failures
    submission: Submission | None = None

    @classmethod
    def open(cls, source: str | Path, names: list[str] | None, plan: Plan) -> _Opened:
        wanted = names or list(registry.ASSIGNMENTS)
        try:
            submission = Submission(source)
        except UsageError as error:  # an archive that will not unpack: nothing to grade
            why = f"the submission could not be opened: {error}"
            return cls(Path(source).name, plan, {name: (None, why) for name in wanted},
                       notes=[why])
        except Exception as error:  # noqa: BLE001 - this submission's result says so
            return cls(Path(source).name, plan, {}, errors=[f"{type(error).__name__}: {error}"])
        try:
            located = submission.locate(wanted, explicit=names is not None)
            modules = {
                name: (submission.scratch_copy(located.found[name], name)
                       if name in located.found else None, located.missing.get(name, ""))
                for name in wanted if name in located.found or name in located.missing
            }
        except Exception as error:  # noqa: BLE001 - as above
            submission.close()
            return cls(submission.name, plan, {}, errors=[f"{type(error).__name__}: {error}"])
        notes = located.notes + [f"{name}: {why}" for name, why in located.missing.items()]
        return cls(submission.name, plan, modules, notes=notes, submission=submission)

    def result(self, outcome: Outcome, mode: str) -> RunResult:
        errors = self.errors + outcome.errors
        notes = self.notes + [f"GRADER ERROR: {error}" for error in errors]
        if self.errors:
            notes.insert(0, "The grader failed on this submission; please tell the course "
                            "staff.")
        return RunResult(
            submission=self.name,
            tests=sorted(outcome.tests, key=_course_order),
            seed=self.plan.seed,
            versions=library_versions(),
            submission_hash=self.submission.sha256() if self.submission else "",
            execution_time=round(time.monotonic() - self.plan.started, 3),
            output="\n".join(notes),
            mode="check" if mode == "recorded" else "grade",
            grader_errors=errors,
            isolation=outcome.isolation,
            timeline=outcome.timeline,
        )

    def close(self) -> None:
        if self.submission is not None:
            self.submission.close()

    def __enter__(self) -> _Opened:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def grade_modules(modules: dict[str, tuple[Path | None, str]], references: References,
                  plan: Plan, spent: Tally | None = None) -> Outcome:
    """Run the suites of ``modules`` (assignment -> (module copy or None, why missing)) in
    this process, each student module in its own worker; ``spent`` counts the CPU time of
    the submission's budget (a lane's share of the ledger; default: a count of its own)."""
    began = time.monotonic()
    budget = Budget(plan.budget_seconds, plan.budget_wall_seconds, plan.started,
                    spent or Tally()) if plan.budget_seconds else None
    students = {
        name: StudentModule(name, path, scaled(registry.get(name).limits, plan.time_scale),
                            plan.seed, missing=missing, hide=[Path(p) for p in plan.hide],
                            budget=budget)
        for name, (path, missing) in modules.items()
    }
    context = GradingContext(students, {n: references.get(n) for n in modules},
                             seed=plan.seed, include_hidden=plan.include_hidden)
    try:
        for handle in [*students.values(), *context.references.values()]:
            handle.start()  # every import starts now, in parallel
        if modules:
            run_suites(context, list(modules), select=plan.select)
        for name in modules:  # per assignment: the same in a lane as in one process
            bound_figures([test for test in context.results if test.assignment == name])
        if plan.draw_figures:
            html.draw(context.results)
    finally:
        isolation = sorted({note for s in students.values() for note in s.isolation_notes()})
        for student in students.values():
            student.stop()
    span = {"assignments": list(modules), "lane": 0, "start": round(began - plan.started, 3),
            "end": round(time.monotonic() - plan.started, 3)}
    return Outcome(tests=context.results, errors=list(context.errors), isolation=isolation,
                   timeline=[span])


def grade_or_explain(modules: dict[str, tuple[Path | None, str]], references: References,
                     plan: Plan, spent: Tally | None = None) -> Outcome:
    """``grade_modules``, with the grader's own failure on them as the outcome's error (its
    traceback on stderr, for staff): one submission's failure costs no other its result."""
    try:
        return grade_modules(modules, references, plan, spent)
    except Exception as error:  # noqa: BLE001 - reported in the results and on stderr
        traceback.print_exc()
        return Outcome(errors=[f"{', '.join(modules)}: {type(error).__name__}: {error}"])


def scaled(limits: Limits, factor: float) -> Limits:
    """The same limits with every time limit multiplied by ``factor``."""
    if factor == 1.0:
        return limits
    return replace(limits, call_seconds=limits.call_seconds * factor,
                   import_seconds=limits.import_seconds * factor,
                   cpu_seconds=limits.cpu_seconds * max(factor, 1.0))


def run_suites(context: GradingContext, names: list[str], select: str | None = None) -> int:
    """Run the grading suites of ``names`` under pytest, in this process.

    Only the grader's own test files are collected (they live inside the package), with
    plugin autoloading off, so nothing from a submission or the environment joins in.
    """
    arguments = [str(paths.suite_dir(name)) for name in names] + [
        "-c", str(paths.SUITES / "pytest.ini"), "--rootdir", str(paths.SUITES),
        "-p", "autograder.plugin", "-p", "no:cacheprovider", "-p", "no:terminal",
        "-p", "no:stepwise", "-p", "no:pastebin", "-p", "no:junitxml",
        "--import-mode=importlib", "--strict-markers",
        # Nothing to capture here (student output is captured in the workers), and fd
        # capture would fight a Jupyter kernel that runs the self-check.
        "--capture=no",
    ] + (["-k", select] if select else [])
    previous = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        code = pytest.main(arguments, plugins=[context])
    finally:
        if previous is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = previous
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED,
                    pytest.ExitCode.NO_TESTS_COLLECTED):
        context.errors.append(f"pytest ended with exit code {int(code)}")
    return int(code)


def library_versions() -> dict[str, str]:
    """Versions that can change a result, read without importing TensorFlow."""
    versions = {"autograder": __version__, "python": platform.python_version()}
    for package in ("numpy", "tensorflow", "keras", "pytest"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _course_order(result: TestResult) -> tuple[int, str]:
    order = list(registry.ASSIGNMENTS)
    position = order.index(result.assignment) if result.assignment in order else len(order)
    return position, ""  # stable sort keeps pytest's order inside an assignment
