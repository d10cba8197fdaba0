"""Grading a submission's assignments in parallel: a pool of forked grading lanes.

Student workers run single-threaded (fixed thread counts keep every result identical on
every machine), so one grading process keeps one core busy. A lane is a child of the
grader, forked before the grader starts anything else, that grades one assignment at a
time with its own zygote, workers and references. The grader hands the next assignment,
longest first, to whichever lane is free, and merges what comes back in course order:

    grader ──(assignment, module copy, plan)──> lane 1 ── zygote ── workers
           ──(assignment, module copy, plan)──> lane 2 ── zygote ── workers
           <──────── test results (autograder.codec: plain data, no pickle) ──

A run in lanes scores exactly what a serial run scores: each test's seed comes from its id
and the submission's seed, never from the order or the process it runs in. A lane that
dies costs its assignment (a grader error, as any grader failure) and is replaced.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import asdict
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path

from autograder import assignments as registry
from autograder import codec
from autograder.results import tests_from_plain, tests_to_plain
from autograder.session import Outcome, Plan, References, grade_modules


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class LanePool:
    """``count`` lanes grading with references like ``references`` (same mode, same
    precomputed values; what the lanes compute live is added to them). Create it before
    anything else starts (it forks), close it when done; it serves any number of
    submissions."""

    def __init__(self, count: int, references: References) -> None:
        if references.mode == "recording":  # the recording would stay in the lanes
            raise ValueError("a recording run is graded in one process")
        self._references = references
        self._lanes: list[tuple[int, Connection]] = []
        for _ in range(count):
            self._lanes.append(self._fork())

    def grade(self, modules: dict[str, tuple[Path | None, str]], plan: Plan) -> Outcome:
        """Grade ``modules`` (assignment -> (module copy or None, why missing)) as
        ``session.grade_modules`` does, spread over the lanes."""
        queue = sorted(modules, key=lambda name: -registry.get(name).seconds)
        idle, busy = list(self._lanes), {}
        replies: dict[str, dict] = {}
        lane_of: dict[str, int] = {}  #: assignment -> the lane (index) that graded it
        resent: set[str] = set()
        while queue or busy:
            while queue and idle:
                lane, name = idle.pop(0), queue.pop(0)
                path, missing = modules[name]
                request = {"name": name, "path": None if path is None else str(path),
                           "missing": missing, "plan": asdict(plan)}
                try:
                    lane[1].send_bytes(codec.encode(request))
                except OSError as error:
                    # The lane died between two assignments, not through this one: a
                    # fresh lane grades it. Once: a lane that cannot even start is a
                    # grader failure.
                    idle.append(self._replace(lane))
                    if name in resent:
                        replies[name] = _lane_failed(name, error)
                    else:
                        resent.add(name)
                        queue.insert(0, name)
                    continue
                busy[lane[1]] = (lane, name)
                lane_of[name] = self._lanes.index(lane)
            for connection in wait(list(busy)):
                lane, name = busy.pop(connection)
                try:
                    replies[name] = codec.decode(connection.recv_bytes(),
                                                 **codec.TRUSTED_LIMITS)
                except (EOFError, OSError, codec.CodecError) as error:
                    replies[name] = _lane_failed(name, error)
                    lane = self._replace(lane)
                idle.append(lane)
        outcome = Outcome()
        for name in modules:  # course order; the caller sorts tests the same way
            reply = replies[name]
            outcome.tests += tests_from_plain(reply["tests"])
            outcome.timeline += [{**span, "lane": lane_of.get(name, -1)}
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

    def _fork(self) -> tuple[int, Connection]:
        ours, theirs = Pipe(duplex=True)
        pid = os.fork()
        if pid == 0:  # the lane: serve until the grader closes its end, then leave
            code = 1
            try:
                ours.close()
                for _, connection in self._lanes:
                    connection.close()
                _serve(theirs, References(self._references.mode,
                                          preload=self._references.preload))
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
        fresh = self._fork()
        self._lanes[self._lanes.index(lane)] = fresh
        return fresh


def _serve(connection: Connection, references: References) -> None:
    """A lane's life: grade the assignment asked for, reply, repeat."""
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
            try:
                outcome = grade_modules({name: (path, request["missing"])}, references, plan)
            except Exception as error:  # noqa: BLE001 - reported, as a serial run would
                traceback.print_exc()
                outcome = Outcome(errors=[f"{name}: {type(error).__name__}: {error}"])
            connection.send_bytes(codec.encode({
                "tests": tests_to_plain(outcome.tests), "errors": outcome.errors,
                "isolation": outcome.isolation, "timeline": outcome.timeline,
                "computed": references.new_values()}))
    finally:
        references.close()
        Zygote.stop_shared()


def _lane_failed(name: str, error: BaseException) -> dict:
    return {"tests": [], "isolation": [], "timeline": [],
            "errors": [f"{name}: the grading lane ended unexpectedly "
                       f"({type(error).__name__}: {error}); its tests were not run"]}
