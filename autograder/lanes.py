"""Grading assignments in parallel: a pool of forked grading lanes.

Student workers run single-threaded (fixed thread counts keep every result identical on
every machine), so one grading process keeps one core busy. A lane is a child of the
grader, forked before the grader starts anything else, that grades one assignment at a
time with its own zygote, workers and references. The grader hands the next assignment,
longest first, to whichever lane is free, and merges what comes back in course order:

    grader ──(assignment, module copy, plan)──> lane 1 ── zygote ── workers
           ──(assignment, module copy, plan)──> lane 2 ── zygote ── workers
           <──────── test results (autograder.codec: plain data, no pickle) ──

One pool serves any number of submissions (``grade`` of several, a ``batch`` class): a
lane keeps its zygote, and TensorFlow loaded, from one submission to the next, and a free
lane starts on the next submission while the last assignment of the previous one runs.
A run in lanes scores exactly what a serial run scores: each test's seed comes from its id
and the submission's seed, never from the order or the process it runs in. A submission's
assignments share its time budget across lanes through a ``budget.Ledger``. A lane that
dies costs its assignment (a grader error, as any grader failure) and is replaced.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path

from autograder import assignments as registry
from autograder import codec
from autograder.budget import Ledger
from autograder.results import tests_from_plain, tests_to_plain
from autograder.session import Outcome, Plan, References, grade_or_explain

#: The largest reply a lane sends and the grader reads (``_reply`` keeps within it).
REPLY_BYTES = 512 * 2**20


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@contextmanager
def lanes_for(count: int, references: References) -> Iterator[LanePool | None]:
    """``count`` lanes grading with ``references``, or None for one lane (this process
    grades); on leaving, the lanes and the references are closed. Enter it before anything
    else starts: the lanes are forked."""
    from autograder.worker.client import become_subreaper

    lanes = LanePool(count, references) if count > 1 else None
    become_subreaper()  # orphans of student processes come back to us, to be ended
    try:
        yield lanes
    finally:
        if lanes is not None:
            lanes.close()
        references.close()


class LanePool:
    """``count`` lanes grading with references like ``references`` (same mode, same
    precomputed values; what the lanes compute live is added to them). Create it before
    anything else starts (it forks), close it when done; it serves any number of
    submissions."""

    def __init__(self, count: int, references: References) -> None:
        if references.mode == "recording":  # the recording would stay in the lanes
            raise ValueError("a recording run is graded in one process")
        self._references = references
        # Made before the lanes fork, so that they share it. Open submissions: those with
        # a lane busy on them, and at most one waiting for a lane (see grade_each).
        self._ledger = Ledger(slots=2 * count + 2, lanes=count)
        self._free_slots = list(range(self._ledger.slots))
        self._lanes: list[tuple[int, Connection]] = []
        for index in range(count):
            self._lanes.append(self._fork(index))

    def grade_each(self, jobs: Iterable[tuple[Hashable, dict, Plan]]
                   ) -> Iterator[tuple[Hashable, Outcome]]:
        """Grade each job ``(key, modules, plan)``, its modules (assignment -> (module copy
        or None, why missing)) as ``session.grade_modules`` does, spread over the lanes;
        yield ``(key, outcome)`` as each is done.

        The submissions' assignments share the lanes: a free lane takes the next
        assignment (longest first) of the earliest submission with one waiting, and the
        next job is taken from ``jobs`` only when no assignment waits. So no lane idles
        while a submission's last, longest assignment runs, and only about as many
        submissions are open at once as there are lanes. A job's plan should be made
        when it is taken (its budget runs from ``plan.started``).
        """
        jobs = iter(jobs)
        opened: dict[Hashable, _Job] = {}  # in the order taken
        waiting: deque[tuple[Hashable, str]] = deque()
        idle = list(self._lanes)
        busy: dict[Connection, tuple[tuple[int, Connection], Hashable, str]] = {}
        more = True
        try:
            while True:
                while idle and (waiting or more):  # keep every lane busy
                    if not waiting:
                        try:
                            key, modules, plan = next(jobs)
                        except StopIteration:
                            more = False
                            break
                        opened[key] = _Job(modules, self._with_slot(plan))
                        waiting.extend((key, name) for name in sorted(
                            modules, key=lambda name: -registry.get(name).seconds))
                        continue
                    key, name = waiting.popleft()
                    lane, job = idle.pop(0), opened[key]
                    try:
                        lane[1].send_bytes(codec.encode(job.request(name)))
                    except OSError as error:
                        # The lane died between two assignments, not through this one: a
                        # fresh lane grades it. Once: a lane that cannot even start is a
                        # grader failure.
                        idle.append(self._replace(lane))
                        if name in job.resent:
                            job.replies[name] = _lane_failed(name, error)
                        else:
                            job.resent.add(name)
                            waiting.appendleft((key, name))
                        continue
                    busy[lane[1]] = (lane, key, name)
                    job.lane_of[name] = self._lanes.index(lane)
                for key in [key for key, job in opened.items() if job.done()]:
                    job = opened.pop(key)
                    if job.plan.budget_slot >= 0:
                        self._free_slots.append(job.plan.budget_slot)
                    yield key, self._merge(job)
                if not busy:
                    if not (waiting or more or opened):
                        return
                    continue
                for connection in wait(list(busy)):
                    lane, key, name = busy.pop(connection)
                    try:
                        reply = codec.decode(connection.recv_bytes(), max_bytes=REPLY_BYTES,
                                             **codec.TRUSTED_LIMITS)
                    except (EOFError, OSError, codec.CodecError) as error:
                        reply = _lane_failed(name, error)
                        lane = self._replace(lane)
                    opened[key].replies[name] = reply
                    idle.append(lane)
        finally:
            # Left early (the caller stopped or failed): a lane still grading would send
            # its reply to the next caller, so it is replaced.
            for lane, _, _ in busy.values():
                self._replace(lane)
            self._free_slots += [job.plan.budget_slot for job in opened.values()
                                 if job.plan.budget_slot >= 0]

    def _with_slot(self, plan: Plan) -> Plan:
        """``plan`` with a fresh row of the ledger for its budget (none left, which the
        bound on open submissions rules out: each lane counts the budget on its own)."""
        if not self._free_slots:
            return plan
        slot = self._free_slots.pop(0)
        self._ledger.clear(slot)
        return replace(plan, budget_slot=slot)

    def _merge(self, job: _Job) -> Outcome:
        outcome = Outcome()
        for name in job.modules:  # course order; the caller sorts tests the same way
            reply = job.replies[name]
            outcome.tests += tests_from_plain(reply["tests"])
            outcome.timeline += [{**span, "lane": job.lane_of.get(name, -1)}
                                 for span in reply["timeline"]]
            outcome.errors += [str(error) for error in reply["errors"]]
            outcome.isolation += [str(note) for note in reply["isolation"]]
            self._references.add(reply.get("computed") or {})
        outcome.isolation = sorted(set(outcome.isolation))
        outcome.timeline.sort(key=lambda span: span["start"])
        return outcome

    def close(self) -> None:
        """End every lane (each ends its zygote and workers) and wait for them."""
        for _, connection in self._lanes:
            connection.close()  # the lane reads end-of-file and leaves
        for pid, _ in self._lanes:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self._lanes = []

    def _fork(self, index: int) -> tuple[int, Connection]:
        ours, theirs = Pipe(duplex=True)
        pid = os.fork()
        if pid == 0:  # the lane: serve until the grader closes its end, then leave
            code = 1
            try:
                from autograder.worker.zygote import Zygote

                Zygote.disown()  # the grader's, if it has one, is not the lane's
                ours.close()
                for _, connection in self._lanes:
                    connection.close()
                _serve(theirs, References(self._references.mode,
                                          preload=self._references.preload),
                       self._ledger, index)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        return pid, ours

    def _replace(self, lane: tuple[int, Connection]) -> tuple[int, Connection]:
        pid, connection = lane
        connection.close()
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        index = self._lanes.index(lane)
        fresh = self._fork(index)
        self._lanes[index] = fresh
        return fresh


def _serve(connection: Connection, references: References, ledger: Ledger,
           index: int) -> None:
    """A lane's life (lane ``index``): grade the assignment asked for, reply, repeat."""
    from autograder.worker.client import become_subreaper
    from autograder.worker.lifetime import die_with_parent
    from autograder.worker.zygote import Zygote

    die_with_parent()
    become_subreaper()  # not inherited across fork: the lane adopts its workers' orphans
    try:
        while True:
            try:
                request = codec.decode(connection.recv_bytes(), **codec.TRUSTED_LIMITS)
            except (EOFError, OSError):
                return
            name = request["name"]
            path = None if request["path"] is None else Path(request["path"])
            plan = Plan(**{**request["plan"], "hide": tuple(request["plan"]["hide"])})
            spent = ledger.tally(plan.budget_slot, index) if plan.budget_slot >= 0 else None
            outcome = grade_or_explain({name: (path, request["missing"])}, references, plan,
                                       spent)
            connection.send_bytes(_reply(outcome, references.new_values()))
    finally:
        references.close()
        Zygote.stop_shared()


def _reply(outcome: Outcome, computed: dict) -> bytes:
    """The lane's reply for ``outcome``, never over ``REPLY_BYTES`` and always sendable.

    The model bounds its figures (``results.bound_figures``), so this is a last resort: a
    reply that is still too large, or that cannot be encoded, goes without its figures (the
    tests say so), and then without the reference values it computed (they are computed
    again where needed). The scores are never what is dropped."""
    def encoded(tests: list, values: dict) -> bytes | None:
        try:
            message = codec.encode({
                "tests": tests_to_plain(tests), "errors": outcome.errors,
                "isolation": outcome.isolation, "timeline": outcome.timeline,
                "computed": values})
        except (TypeError, ValueError):  # something in it is no plain data
            return None
        return message if len(message) <= REPLY_BYTES else None

    message = encoded(outcome.tests, computed)
    if message is None:
        for test in outcome.tests:
            if test.figures:
                test.figures = []
                test.output = (f"{test.output}\n\n" if test.output else "") + \
                    "(this test's figures were left out of the report: too large to send)"
        message = encoded(outcome.tests, computed) or encoded(outcome.tests, {})
    if message is None:
        raise codec.CodecError("the lane's reply is too large even without its figures")
    return message


@dataclass
class _Job:
    """One submission's assignments on their way through the lanes."""

    modules: dict[str, tuple[Path | None, str]]
    plan: Plan
    replies: dict[str, dict] = field(default_factory=dict)  #: assignment -> lane's reply
    lane_of: dict[str, int] = field(default_factory=dict)  #: assignment -> lane (index)
    resent: set[str] = field(default_factory=set)

    def request(self, name: str) -> dict:
        path, missing = self.modules[name]
        return {"name": name, "path": None if path is None else str(path),
                "missing": missing, "plan": asdict(self.plan)}

    def done(self) -> bool:
        return len(self.replies) == len(self.modules)


def _lane_failed(name: str, error: BaseException) -> dict:
    return {"tests": [], "isolation": [], "timeline": [],
            "errors": [f"{name}: the grading lane ended unexpectedly "
                       f"({type(error).__name__}: {error}); its tests were not run"]}
