"""Does the worker contain whatever student code does: hangs, crashes, memory, prints?"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.worker.client import UNCONFIRMED, Limits, WorkerProcess

CALL = "autograder.probes.common:call"

MODULE = '''
import os, sys, time
import numpy as np
print("hello at import")

def double(x):
    print("doubling", x.shape)
    return x * 2

def hang():
    while True:
        pass

def sleep_then_return(seconds):
    time.sleep(seconds)
    return 1

def burn(seconds):
    """Busy for ``seconds`` of this process's CPU time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return 1

def burn_in_threads(count):
    import threading
    threads = [threading.Thread(target=hang, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    threads[0].join()

def burn_in_children(count):
    import signal
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children collected without wait
    for _ in range(count):
        child = os.fork()
        if child == 0:
            burn(0.4)
            os._exit(0)
        try:
            os.waitpid(child, 0)  # blocks, using no CPU time, until the child is gone
        except ChildProcessError:
            pass
    time.sleep(600)

def hoard():
    return np.ones(50 * 2**30 // 8)

def shared_hoard(megabytes):
    import mmap
    block = mmap.mmap(-1, megabytes * 2**20, flags=mmap.MAP_SHARED)  # not private data
    for offset in range(0, len(block), 4096):
        block[offset] = 1
    return 1

def hard_exit():
    os._exit(3)

def polite_exit():
    sys.exit(4)

def chatter():
    for _ in range(100_000):
        print("x" * 99)
    return 7

def todo():
    raise NotImplementedError("write me")

def returns_none():
    return None

def returns_text():
    return "fifty-seven"
'''


@pytest.fixture
def worker(tmp_path: Path):
    module = tmp_path / "student.py"
    module.write_text(MODULE)
    process = WorkerProcess("student", module, Limits(call_seconds=2, output_bytes=4096))
    yield process
    process.stop()


def call(worker: WorkerProcess, name: str, *args):
    return worker.run(CALL, (name, *args), {}, seed=1)


def test_values_and_prints_come_back(worker):
    """Does a normal call return its value, with what it printed captured?"""
    outcome = call(worker, "double", np.ones((2, 3), np.float32))
    assert outcome.ok and np.array_equal(outcome.value, np.full((2, 3), 2.0))
    assert outcome.output == "doubling (2, 3)\n"
    assert worker.load().output == "hello at import\n"


def test_a_hang_costs_its_time_limit_and_the_worker_comes_back(worker):
    """Is an infinite loop stopped at its limit, 2 s of CPU time, however long that takes
    on a busy machine, and do later calls still work?"""
    outcome = worker.run(CALL, ("hang",), {}, seed=1, wall_seconds=120)  # room to be busy
    assert not outcome.ok and outcome.error["category"] == "timeout"
    assert "timed out: used more than 2 s of CPU time during the call" \
        in outcome.error["message"]
    assert 2 <= outcome.cpu_seconds < 2.5
    assert call(worker, "double", np.ones(1)).ok


def test_a_call_that_sleeps_is_stopped_by_the_wall_clock_cap(worker):
    """A call that sleeps uses no CPU time: is it stopped at the wall-clock cap, five times
    its CPU-time limit, with a message that names that clock?"""
    started = time.monotonic()
    outcome = call(worker, "sleep_then_return", 60)
    assert 10 <= time.monotonic() - started < 10 + 1.5
    assert outcome.error["type"] == "wall_clock"
    assert "did not finish within the wall-clock cap of 10 s during the call, having used " \
        "0.0 s of its 2 s of CPU time" in outcome.error["message"]


def test_threads_count_towards_the_cpu_time_limit(worker):
    """Four spinning threads use four seconds of CPU time a second where there are cores
    for them: is the call stopped at its CPU-time limit, counting every thread?"""
    outcome = worker.run(CALL, ("burn_in_threads", 4), {}, seed=1, wall_seconds=120)
    assert outcome.error["type"] == "cpu_time", outcome.error
    assert outcome.cpu_seconds >= 2


def test_children_collected_without_wait_count_towards_the_limit(worker):
    """Children whose parent ignores SIGCHLD vanish with their CPU time: do the 0.4 s that
    each of ten used still add up past the 2 s limit (the parent uses none; a wall-clock
    cap of 120 s leaves time for that on a busy machine)?"""
    outcome = worker.run(CALL, ("burn_in_children", 10), {}, seed=1, wall_seconds=120)
    assert outcome.error["type"] == "cpu_time", outcome.error
    assert 2 <= outcome.cpu_seconds < 2.5


def test_the_call_reports_the_cpu_time_it_used(worker):
    """Does a call that burns 0.5 s of CPU time and one that sleeps 0.5 s report about
    0.5 s and about nothing?"""
    busy = call(worker, "burn", 0.5)
    assert busy.ok and 0.5 <= busy.cpu_seconds < 0.8, busy.cpu_seconds
    idle = call(worker, "sleep_then_return", 0.5)
    assert idle.ok and idle.cpu_seconds < 0.2 and idle.seconds >= 0.5, idle.cpu_seconds


def test_a_slow_call_within_the_limit_succeeds(worker):
    """Is a call that finishes in time left alone?"""
    assert call(worker, "sleep_then_return", 0.5).ok


def test_memory_bomb_is_reported_as_out_of_memory(worker):
    """Does a 50 GB allocation fail fast as 'out of memory', not as 'Killed'?"""
    outcome = call(worker, "hoard")
    assert outcome.error["category"] == "out_of_memory"
    assert call(worker, "double", np.ones(1)).ok


def test_resident_memory_beyond_the_limit_is_stopped(tmp_path):
    """Memory that RLIMIT_DATA does not count (shared pages) is caught by the watchdog."""
    module = tmp_path / "student.py"
    module.write_text(MODULE)
    process = WorkerProcess("student", module, Limits(call_seconds=60,
                                                      memory_bytes=400 * 2**20))
    try:
        outcome = call(process, "shared_hoard", 800)
    finally:
        process.stop()
    assert outcome.error["category"] == "out_of_memory"
    assert "used more than 400 MiB" in outcome.error["message"]


@pytest.mark.parametrize("name, code", [("hard_exit", "exit code 3")])
def test_os_exit_is_a_failed_call_not_a_crash(worker, name, code):
    """Does os._exit inside a function fail that call only?"""
    outcome = call(worker, name)
    assert outcome.error["category"] == "crashed" and code in outcome.error["message"]
    assert call(worker, "double", np.ones(1)).ok


def test_sys_exit_is_caught_inside_the_worker(worker):
    """Does sys.exit inside a function fail the call without ending the worker?"""
    outcome = call(worker, "polite_exit")
    assert outcome.error["category"] == "exit" and "sys.exit(4)" in outcome.error["message"]


def test_output_is_capped(worker):
    """Are 10 MB of prints cut to the cap, with the rest counted, and the value kept?"""
    outcome = call(worker, "chatter")
    assert outcome.ok and outcome.value == 7
    assert len(outcome.output) < 4096 + 200
    assert "more bytes of output not shown" in outcome.output


@pytest.mark.parametrize("name, category, text", [
    ("todo", "not_implemented", "write me"),
    ("returns_none", "bad_result", "forget a return"),
    ("returns_text", "bad_result", "not a numeric array"),
    ("missing_function", "exception", "no function named"),
])
def test_failures_are_categorised(worker, name, category, text):
    """Does each kind of failure come back with its category and a clear message?"""
    outcome = call(worker, name)
    assert outcome.error["category"] == category
    assert text in outcome.error["message"]


def test_import_errors_are_reported_with_the_interpreters_message(tmp_path):
    """Does a syntax error come back as the interpreter's report, with the line?"""
    module = tmp_path / "broken.py"
    module.write_text("def f(:\n    pass\n")
    process = WorkerProcess("broken", module, Limits())
    try:
        outcome = process.run(CALL, ("f",), {}, seed=0)
    finally:
        process.stop()
    assert outcome.stage == "load" and outcome.error["type"] == "SyntaxError"
    assert 'File "broken.py", line 1' in outcome.error["message"]


def test_solutions_cannot_be_imported_from_the_worker(tmp_path):
    """Is the grader's folder off sys.path, so `import solutions` fails in student code?"""
    module = tmp_path / "sneaky.py"
    module.write_text("def peek():\n    import solutions.conv_as_matrix.conv_as_matrix\n"
                      "    return 1\n")
    process = WorkerProcess("sneaky", module, Limits())
    try:
        outcome = process.run(CALL, ("peek",), {}, seed=0)
    finally:
        process.stop()
    assert not outcome.ok and outcome.error["type"] == "ModuleNotFoundError"


def test_workers_are_forked_from_the_zygote_with_tensorflow_loaded(tmp_path):
    """Is a worker a fork of the zygote, so that importing TensorFlow costs it nothing?"""
    from autograder.worker.zygote import Zygote

    module = tmp_path / "uses_tf.py"
    module.write_text("import tensorflow as tf\n\ndef one():\n    return tf.ones(()).numpy()\n")
    process = WorkerProcess("uses_tf", module, Limits())
    try:
        loaded = process.load()
        parent = Path(f"/proc/{process._process.pid}/status").read_text()
        outcome = process.run(CALL, ("one",), {}, seed=0)
    finally:
        process.stop()
    assert loaded.ok and outcome.ok and outcome.value == 1.0
    assert Zygote._shared is not None and f"PPid:\t{Zygote._shared.pid}\n" in parent
    assert loaded.seconds < 3  # the import happened once, in the zygote


def test_plain_subprocess_workers_when_there_is_no_zygote(worker, monkeypatch):
    """Where the zygote cannot run, workers start as plain processes and behave the same."""
    from autograder.worker.zygote import Zygote

    monkeypatch.setattr(Zygote, "_shared", None)
    monkeypatch.setattr(Zygote, "_failed", True)
    outcome = call(worker, "double", np.ones(2))
    assert outcome.ok and isinstance(worker._process, __import__("subprocess").Popen)
    assert call(worker, "hard_exit").error["message"].startswith(
        "the worker process ended with exit code 3")


def test_an_unreadable_sandbox_is_reported_unconfirmed_not_as_the_outer_process(monkeypatch):
    """As nobody the grader may fail to read the sandbox's namespace links: is that said,
    rather than the outer process (which shares every namespace with the grader) reported
    as the student's, with "the worker could see and signal the grader's processes"?"""
    from autograder.worker import client

    outer, init = os.getpid(), 999_999  # the worker as the grader sees it, and its child
    real = client._namespace
    monkeypatch.setattr(client, "_first_child", lambda pid: init if pid == outer else None)
    monkeypatch.setattr(client, "_namespace",
                        lambda pid, kind="pid": None if pid == init else real(pid, kind))
    assert client.student_process(outer) is None  # the init has no child to measure
    assert client.isolation_facts(outer) == [
        "the grader could not inspect the worker process to confirm its isolation"]
    # With the student's process found under it: each namespace is "not confirmed", and
    # nothing of the outer process (which shares the grader's) is reported as the worker's.
    student = os.getppid()  # any readable process stands in for it
    monkeypatch.setattr(client, "_first_child",
                        lambda pid: init if pid == outer else student if pid == init else None)
    monkeypatch.setattr(client, "_namespace", lambda pid, kind="pid":
                        None if pid in (init, student) else real(pid, kind))
    notes = client.isolation_facts(outer)
    assert all(f"could not confirm the worker's own {kind} namespace" in " ".join(notes)
               for kind in ("mnt", "pid", "net", "ipc")), notes
    assert not any("signal the grader" in note for note in notes), notes


def test_a_worker_that_ends_at_import_is_not_reported_isolated(tmp_path):
    """The grader measures isolation from outside once the import is over; a module that
    ends its worker first must not leave the results claiming full isolation."""
    module = tmp_path / "student.py"
    module.write_text("import os\nos._exit(0)\n")
    process = WorkerProcess("student", module, Limits(), sandbox={"hide": []})
    try:
        assert not process.load().ok
        assert process.isolation_notes() == [UNCONFIRMED]
    finally:
        process.stop()


def test_a_virtual_environment_inside_the_course_is_shown_to_the_worker(tmp_path, monkeypatch):
    """A TA's .venv in the checkout: does the worker see its packages (without them every
    submission fails at `import numpy`) and still nothing else of the course, even where
    the venv is the course folder itself?"""
    from autograder import paths
    from autograder.worker.main import worker_side_folders

    course = tmp_path.resolve() / "course"
    for name in ("solutions", "data", "tests"):
        (course / name).mkdir(parents=True)
    venv = course / ".venv"
    packages = venv / "lib" / "python3.11" / "site-packages"
    packages.mkdir(parents=True)
    monkeypatch.setenv(paths.COURSE_VARIABLE, str(course))
    monkeypatch.setattr(sys, "path", [str(course), str(course / "tests"), str(packages)])
    monkeypatch.setattr(sys, "prefix", str(venv))
    shown = worker_side_folders(tmp_path / "scratch")
    assert str(venv) in shown and str(packages) in shown
    assert not {str(course), str(course / "tests"), str(course / "solutions")} & set(shown)
    monkeypatch.setattr(sys, "path", [str(course / "solutions"), str(course / "tests")])
    monkeypatch.setattr(sys, "prefix", str(course))  # python -m venv . in the checkout
    assert [p for p in worker_side_folders(tmp_path / "scratch") if p.startswith(str(course))] \
        == [str(course / "data")]
