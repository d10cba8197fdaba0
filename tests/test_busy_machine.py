"""A busy machine costs no points: time limits count the CPU time a worker used.

Issue 24: on a TA's laptop running other work (a load of 5 to 15 on 2 cores), correct
training calls ran past their 60 s and lost their points, because the limits read the
wall clock. Here the machine is saturated by three busy loops per usable core while a
correct stand-in is graded with limits scaled down so far that the saturation alone would
break a wall-clock limit: every call must still pass, within the submission's budget.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder.handles import Budget, StudentModule
from autograder.lanes import usable_cores
from autograder.probes import common
from autograder.worker.client import Limits

#: a correct module whose function uses 0.4 s of CPU time, a small training call's worth
MODULE = '''
import time


def train(seconds):
    end = time.process_time() + seconds
    steps = 0
    while time.process_time() < end:
        steps += 1
    return 1
'''
CALL_LIMIT = 1.0  #: seconds of CPU time per call: 2.5 times what the call needs
WORK = 0.4
CALLS = 3
BUDGET = 4.0  #: seconds of CPU time for the whole submission: over 3 times what it needs


@pytest.fixture
def saturated():
    """Three busy loops per usable core while the test runs, each in a session of its own
    as other programs are: Linux shares the CPU fairly between sessions (autogroups), and
    workers have sessions of their own, so loops in the test's session would only compete
    with the test."""
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                              start_new_session=True)
             for _ in range(3 * usable_cores())]
    time.sleep(0.5)  # let them start
    yield len(loops)
    for loop in loops:
        loop.kill()
    for loop in loops:
        loop.wait()


def test_a_correct_submission_keeps_every_point_on_a_saturated_machine(tmp_path, saturated):
    """Do three calls that each use 0.4 s of CPU time pass their 1 s limit, and a 4 s
    budget, while the machine is saturated (each then takes well over 1 s of wall time,
    which a wall-clock limit would have stopped)?"""
    (tmp_path / "demo.py").write_text(MODULE)
    handle = StudentModule("demo", tmp_path / "demo.py",
                           Limits(call_seconds=CALL_LIMIT, import_seconds=60))
    try:
        handle.start()
        handle.import_output()  # the import (TensorFlow's, in the zygote) is not timed here
        handle.budget = Budget(BUDGET)  # and a wall-clock cap of 5 x 4 s from here
        walls = []
        for test in range(CALLS):
            started = time.monotonic()
            value, _ = handle.run(common.call, ("train", WORK), {}, seed=0, test=f"test_{test}")
            walls.append(time.monotonic() - started)
            assert value == 1
    finally:
        handle.stop()
    # The saturation was real: the calls took longer on the wall clock than their limit.
    assert max(walls) > CALL_LIMIT, (walls, saturated)
    # The budget counted the CPU time the calls used, not the wall time they took.
    assert CALLS * WORK <= BUDGET - handle.budget.cpu_left() < CALLS * WORK + 0.5

