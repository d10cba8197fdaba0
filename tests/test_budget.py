"""Bounded time: a function that hangs once is not waited for again, and a whole submission
ends within its budget with every report written (Gradescope shows nothing past its
timeout)."""

from __future__ import annotations

import json
import os
import time

import pytest
from conftest import run_cli

from autograder import paths
from autograder.errors import StudentFailure
from autograder.handles import Budget, StudentModule
from autograder.probes import common
from autograder.worker import channel
from autograder.worker.client import Limits

MODULE = '''
import time


def slow(seconds):
    time.sleep(seconds)
    return 1


def hangs():
    while True:
        time.sleep(1)


def quick():
    return 2
'''


@pytest.fixture
def module(tmp_path):
    (tmp_path / "demo.py").write_text(MODULE)
    handles = []

    def make(call_seconds: float = 3.0, budget: Budget | None = None) -> StudentModule:
        handle = StudentModule("demo", tmp_path / "demo.py",
                               Limits(call_seconds=call_seconds, import_seconds=60),
                               budget=budget)
        handles.append(handle)
        return handle

    yield make
    for handle in handles:
        handle.stop()


def call(handle: StudentModule, function: str, *args, test: str = "test_x"):
    return handle.run(common.call, (function, *args), {}, seed=0, test=test)[0]


def marked_call():
    """What the grader sees of a training probe: ``common.call`` in the worker, marked with
    the function it runs (as the GAN's and VAE's training probes are)."""


marked_call.__module__, marked_call.__name__ = common.__name__, "call"
marked_call = common.runs("demo.train")(marked_call)


def test_a_training_function_that_hung_fails_at_once_in_later_tests(module):
    """After the marked probe's function timed out in test_first, does test_second fail at
    once, naming test_first, while unmarked probes still run?"""
    handle = module(call_seconds=2.0)
    with pytest.raises(StudentFailure, match="timed out after 2 s"):
        handle.run(marked_call, ("hangs",), {}, seed=0, test="test_first")
    started = time.monotonic()
    with pytest.raises(StudentFailure, match="not run: demo.train did not return in "
                                             "test_first"):
        handle.run(marked_call, ("quick",), {}, seed=0, test="test_second")
    assert time.monotonic() - started < 0.5
    assert call(handle, "quick") == 2


def test_a_quick_function_that_hung_is_tried_again(module):
    """A plain function that hung on some input is called again in later tests (it may
    hang on some inputs only): does its next call run?"""
    handle = module(call_seconds=2.0)
    with pytest.raises(StudentFailure, match="timed out after 2 s"):
        call(handle, "hangs", test="test_first")
    assert call(handle, "slow", 0.1) == 1


def test_the_budget_cuts_a_call_short_and_ends_the_rest(module):
    """With 4 s left, does a 30 s call stop at the budget, and the next call fail at once
    with the budget's message?"""
    handle = module(call_seconds=30.0, budget=Budget(4.0))
    assert call(handle, "quick") == 2  # starts the worker inside the budget
    started = time.monotonic()
    with pytest.raises(StudentFailure, match="time budget of 4 s was spent during this test"):
        call(handle, "slow", 30)
    assert time.monotonic() - started < 6
    with pytest.raises(StudentFailure, match="time budget of 4 s was spent before this test"):
        call(handle, "quick")


def test_a_reply_that_arrived_in_time_is_read_after_its_deadline():
    """A module that imported in time, whose reply waited while earlier assignments' tests
    ran past its import deadline: is the reply read (not a timeout)?"""
    read, write = os.pipe()
    try:
        channel.send(write, {"ok": True})
        assert channel.receive(read, deadline=time.monotonic() - 10) == {"ok": True}
        with pytest.raises(channel.ChannelTimeout):
            channel.receive(read, deadline=time.monotonic() + 0.1)
    finally:
        os.close(read)
        os.close(write)


def _hanging_submission(folder):
    """The reference solutions of the three training assignments, each with its training
    function replaced by one that never returns."""
    hang = ("\n\ndef _never_returns(*args, **kwargs):\n    import time\n\n"
            "    while True:\n        time.sleep(1)\n")
    endings = {"autoencoder": "\ntrain_autoencoder = _never_returns\n",
               "vae": "\nVAE.train_step = _never_returns\n",
               "gan": "\nGAN.train_step = _never_returns\n"}
    for name, ending in endings.items():
        source = paths.solution_file(name).read_text()
        (folder / f"{name}.py").write_text(source + hang + ending)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hanging_training_functions_are_graded_within_the_budget(tmp_path, jobs):
    """Does a submission whose train_autoencoder, VAE.train_step and GAN.train_step never
    return finish within its budget, with every report written and each hang explained,
    in one process and in two lanes (which share the one budget)?"""
    submission = tmp_path / "hanging"
    submission.mkdir()
    _hanging_submission(submission)
    out = tmp_path / "out"
    out.mkdir()
    # One process: the autoencoder's first hang costs its call limit (90 s), and the VAE's
    # is cut short by the budget. Two lanes: the autoencoder and the VAE hang side by side
    # and are both cut short by the one budget; the GAN comes after and fails at once.
    budget = 120 if jobs == "1" else 40
    reports = {"--results": out / "results.json", "--junit": out / "junit.xml",
               "--html": out / "report.html", "--markdown": out / "report.md"}
    arguments = [item for flag, path in reports.items() for item in (flag, str(path))]
    started = time.monotonic()
    completed = run_cli("grade", str(submission), "--budget", str(budget), *arguments,
                        "--jobs", jobs)
    elapsed = time.monotonic() - started
    assert completed.returncode == 0, completed.stderr
    # The budget bounds the grading; the grader's start (TensorFlow, the reference's first
    # imports) and the reports come on top.
    assert elapsed < budget + 60, elapsed
    assert all(path.is_file() and path.stat().st_size > 0 for path in reports.values())
    results = json.loads(reports["--results"].read_text())
    by_assignment: dict[str, list[str]] = {}
    for test in results["tests"]:
        by_assignment.setdefault(test["extra_data"]["assignment"], []).append(
            test.get("output", ""))
    assert set(by_assignment) == {"autoencoder", "vae", "gan"}
    outputs = "\n".join(o for outputs in by_assignment.values() for o in outputs)
    if jobs == "1":
        assert "not run: train_autoencoder did not return in" in outputs
        assert "was spent during this test (VAE.train_step was stopped)" in outputs
        assert "\n".join(by_assignment["gan"]).count("was spent before this test") >= 5
    else:
        for name, function in (("autoencoder", "train_autoencoder"),
                                ("vae", "VAE.train_step")):
            assert f"was spent during this test ({function} was stopped)" in \
                "\n".join(by_assignment[name]), name
        assert "\n".join(by_assignment["gan"]).count("was spent before this test") >= 5
