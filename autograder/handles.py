"""What a grading test talks to: the student's module and the reference, both as handles.

    got = student.run(probes.conv2d_with_matrix, x, kernel, matrix)     # in the student's worker
    want = reference.run(probes.conv2d_with_matrix, x, kernel, matrix)  # solution or recording

Both have the same ``run(probe, args, kwargs, seed)``; one test body serves official
grading (live reference from ``solutions/``) and the student's self-check (values that
``autograder build`` recorded), and the recorder that produces those values.

A live reference caches by *content* (``call_key``: probe, inputs, seed), which is right
on one machine. Recorded values are found by *site* (the test's id and the call's order in
that test, ``site``): inputs that come out of TensorFlow differ in their last bit from one
CPU to another, so a hash of them would miss on a student's machine. A coarse signature of
the call (probe, seed, exact ints and text, shapes and dtypes of arrays) is stored beside
each value, so a stale recording is reported as out of date instead of answering wrongly.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder import codec
from autograder.budget import Budget
from autograder.errors import NotGradable, ReferenceFailure, StudentFailure
from autograder.probes.common import hands_in, runs_what
from autograder.worker.cleanup import remove_tree
from autograder.worker.client import CallOutcome, Limits, WorkerProcess, memory_size


def probe_name(probe: Callable | str) -> str:
    """``"autograder.probes.<module>:<function>"``: how the worker finds a probe."""
    if isinstance(probe, str):
        return probe
    return f"{probe.__module__}:{probe.__name__}"


def call_key(probe: str, args: tuple, kwargs: dict, seed: int) -> str:
    """The identity of one probe call: same probe, inputs and seed, same expected value."""
    return codec.fingerprint({"probe": probe, "args": list(args), "kwargs": kwargs,
                              "seed": seed})


def call_signature(probe: str, args: tuple, kwargs: dict, seed: int) -> str:
    """What identifies a call across machines: floats stand for their type and shape only."""
    return json.dumps({"probe": probe, "seed": seed, "args": _coarse(list(args)),
                       "kwargs": _coarse(kwargs)}, sort_keys=True)


def _coarse(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _coarse(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_coarse(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return "float"
    array = np.asarray(value)
    return f"array{list(array.shape)}:{array.dtype.str}"


@dataclass
class StudentModule:
    """The student's module for one assignment, running in its own worker process.

    ``missing`` explains why there is no module to grade (file not submitted, misnamed);
    then every call fails with that explanation.
    """

    assignment: str
    path: Path | None
    limits: Limits
    seed: int = 0
    missing: str = ""
    #: folders the worker must not see (solutions, suites, recorded values, results)
    hide: list[Path] = field(default_factory=list)
    #: the whole submission's time budget (None: no budget)
    budget: Budget | None = None
    _worker: WorkerProcess | None = field(default=None, init=False, repr=False)
    #: student function -> the test in which it did not return
    _hung: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _not_gradable: str = field(default="", init=False, repr=False)
    _isolation: list[str] = field(default_factory=list, init=False, repr=False)
    #: runs that several tests judge (``plugin.BoundStudent.shared``): key -> (value,
    #: printed) or the StudentFailure it ended in
    shared_runs: dict = field(default_factory=dict, init=False, repr=False)

    def start(self) -> None:
        """Start the worker now, so the import overlaps with other work."""
        if self.path is not None and self._worker is None and not self._not_gradable:
            self._worker = WorkerProcess(self.assignment, self.path, self.limits, self.seed,
                                         sandbox={"hide": self.hide})
            self._worker.start()

    def run(self, probe: Callable | str, args: tuple, kwargs: dict, *, seed: int,
            test: str = "") -> tuple[Any, str]:
        """(value, printed output) of one probe call; ``StudentFailure`` if it failed.

        ``test`` names the calling test: a training function (a probe marked with
        ``probes.common.runs``) that does not return there is not called again (later tests
        that need it fail at once, naming that test)."""
        if self.path is None:
            raise NotGradable(self.missing)
        if self._not_gradable:  # decided once: a failed import is not retried per test
            raise NotGradable(self._not_gradable)
        function = runs_what(probe)
        if function in self._hung:
            raise StudentFailure(f"not run: {function} did not return in "
                                 f"{self._hung[function]} (it was stopped there), so the "
                                 "tests that need it fail at once")
        if self.budget is not None:
            if self.budget.cpu_left() <= 0:
                raise StudentFailure(self._budget_spent("before this test"))
            if self.budget.wall_left() <= 0:
                raise StudentFailure(self._budget_spent("before this test", wall=True))
        self.start()
        outcome = self._worker.run(probe_name(probe), args, kwargs, seed=seed,
                                   budget=self.budget)
        self._isolation = self._isolation or self._worker.isolation_notes()
        if hands_in(probe):
            self.stop()  # what the reference handed in ends with this worker
        error = outcome.error or {}
        if not outcome.ok and error.get("type") in ("budget", "budget_wall"):
            stopped = "the import" if outcome.stage == "load" \
                else function or probe_name(probe).rsplit(":", 1)[-1]
            raise StudentFailure(self._budget_spent(f"during this test ({stopped} was "
                                                    "stopped)",
                                                    wall=error["type"] == "budget_wall"))
        if not outcome.ok and outcome.stage == "load":
            self._not_gradable = explain_import_failure(self.path.name, outcome)
            self.stop()
            raise NotGradable(self._not_gradable)
        if not outcome.ok and error.get("category") == "timeout" and function is not None:
            self._hung[function] = test or "an earlier test"
        if not outcome.ok:
            failure = StudentFailure(explain_call_failure(outcome, self.limits))
            failure.printed = outcome.output  # students need it most when a call fails
            raise failure from None
        return outcome.value, outcome.output

    def _budget_spent(self, when: str, wall: bool = False) -> str:
        spent = (f"the wall-clock cap of the submission's time budget "
                 f"({self.budget.wall_seconds:g} s) was reached" if wall else
                 f"the submission's time budget of {self.budget.cpu_seconds:g} s of CPU time "
                 "was spent")
        return (f"not run: {spent} {when}; every test after it fails at once so that the "
                "results are still written in time (see the earlier tests for what took the "
                "time)")

    def isolation_notes(self) -> list[str]:
        """What the sandbox could not do for this module's worker, if anything."""
        return list(self._isolation)

    def import_output(self) -> str:
        """What the module printed while it was imported (shown once, with its first test)."""
        if self._worker is None:
            return ""
        return self._worker.load().output

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


@dataclass
class LiveReference:
    """The reference solution in a worker; every result is cached by call key.

    One instance serves a whole batch: each expected value is computed once.
    """

    assignment: str
    path: Path
    limits: Limits
    cache: dict[str, Any] = field(default_factory=dict)
    #: start the worker as soon as grading starts; off when the cache was preloaded
    #: (a batch), so that a worker starts only if a value is missing.
    eager: bool = True
    _worker: WorkerProcess | None = field(default=None, init=False, repr=False)
    _scratch: Path | None = field(default=None, init=False, repr=False)

    def start(self) -> None:
        if self.eager:
            self._spawn()

    def _spawn(self) -> None:
        if self._worker is None:
            # A scratch copy: Keras and matplotlib write caches into the working folder
            # and HOME, which must never be solutions/.
            self._scratch = Path(tempfile.mkdtemp(prefix=f"reference-{self.assignment}-"))
            shutil.copyfile(self.path, self._scratch / self.path.name)
            # The reference gets generous limits: it is trusted, and may train models.
            limits = Limits(call_seconds=self.limits.call_seconds * 10,
                            import_seconds=self.limits.import_seconds * 2,
                            memory_bytes=self.limits.memory_bytes * 2)
            self._worker = WorkerProcess(self.assignment, self._scratch / self.path.name,
                                         limits)
            self._worker.start()

    def run(self, probe: Callable | str, args: tuple, kwargs: dict, *, seed: int,
            site: str = "") -> Any:
        """The reference's value; ``site`` (test id and call order) matters only to a
        recording."""
        name = probe_name(probe)
        key = call_key(name, args, kwargs, seed)
        if key not in self.cache:
            self._spawn()
            outcome = self._worker.run(name, args, kwargs, seed=seed)
            if not outcome.ok and outcome.stage == "load":
                raise ReferenceFailure("the reference solution could not be imported: "
                                       + explain_import_failure(self.path.name, outcome))
            if not outcome.ok:
                raise ReferenceFailure(f"the reference failed on {name}: "
                                       + explain_call_failure(outcome, self.limits))
            self.cache[key] = outcome.value
        return self.cache[key]

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
            remove_tree(self._scratch)


@dataclass
class RecordedReference:
    """Expected values that ``autograder build`` recorded: the student's self-check."""

    assignment: str
    path: Path
    _values: dict[str, Any] | None = field(default=None, init=False, repr=False)

    def start(self) -> None:
        pass

    def run(self, probe: Callable | str, args: tuple, kwargs: dict, *, seed: int,
            site: str = "") -> Any:
        if self._values is None:
            self._values = load_recording(self.path)
        entry = self._values.get(site)
        signature = call_signature(probe_name(probe), args, kwargs, seed)
        if not isinstance(entry, dict) or entry.get("call") != signature \
                or "value" not in entry:
            raise ReferenceFailure(
                f"no recorded expected value for this check ({site}) in {self.path.name}; "
                "the assignment files are out of date (staff: run `autograder build`)")
        return entry["value"]

    def stop(self) -> None:
        pass


@dataclass
class RecordingReference(LiveReference):
    """A live reference that remembers every value it produced, for ``build`` (by site)
    and for a batch's cache (by content)."""

    sites: dict[str, Any] = field(default_factory=dict)

    def run(self, probe: Callable | str, args: tuple, kwargs: dict, *, seed: int,
            site: str = "") -> Any:
        value = super().run(probe, args, kwargs, seed=seed)
        if site:
            self.sites[site] = {"call": call_signature(probe_name(probe), args, kwargs, seed),
                                "value": value}
        return value

    def recording(self) -> dict[str, Any]:
        """Values by call key: a batch's reference cache, for this machine only."""
        return dict(sorted(self.cache.items()))

    def recording_by_site(self) -> dict[str, Any]:
        """Values by test id and call order: the recording students check against."""
        return dict(sorted(self.sites.items()))


def save_recording(values: dict[str, Any], path: Path) -> None:
    """Write recorded values (call key -> plain data) reproducibly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(codec.encode(dict(sorted(values.items()))))


def load_recording(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ReferenceFailure(f"recorded expected values {path} are missing "
                               "(staff: run `autograder build`)")
    try:
        values = codec.decode(path.read_bytes(), **codec.TRUSTED_LIMITS)
    except codec.CodecError as error:
        raise ReferenceFailure(
            f"recorded expected values {path} are unreadable: {error}") from None
    if not isinstance(values, dict):
        raise ReferenceFailure(f"recorded expected values {path} have the wrong structure")
    return values


# -- explanations for students ---------------------------------------------------------

def explain_import_failure(file_name: str, outcome: CallOutcome) -> str:
    error = outcome.error or {}
    text = f"not gradable: {file_name} could not be imported.\n"
    message = error.get("message", "")
    kind = error.get("type", "Error")
    if error.get("category") in ("timeout", "crashed", "protocol") \
            or message.startswith(("File ", f"{kind}:")):  # already the interpreter's report
        text += message
    else:
        text += f"{kind}: {message}"
        if error.get("traceback"):
            text += "\n" + error["traceback"].rstrip()
    return text


def explain_call_failure(outcome: CallOutcome, limits: Limits) -> str:
    error = outcome.error or {}
    category = error.get("category", "")
    message = error.get("message", "")
    kind = error.get("type", "Error")
    trace = error.get("traceback", "").rstrip()
    if category == "not_implemented":
        text = f"not implemented: {kind}: {message}" if message else f"not implemented: {kind}"
    elif category == "out_of_memory":
        limit = memory_size(limits.memory_bytes)
        text = message if message.startswith("out of memory") else \
            f"out of memory (the limit is {limit}): {message}"
    elif category == "bad_result":
        text = f"unusable result: {message}"
    elif category == "exit":
        text = f"your code tried to end the process ({message}); the call failed"
    elif category in ("timeout", "crashed", "protocol"):
        text = message
    else:
        text = f"your code raised {kind}: {message}"
    if trace:
        text += "\n" + trace
    return text
