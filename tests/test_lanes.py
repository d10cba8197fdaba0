"""Parallel grading lanes and the course's kept reference values: faster, never different.

The lanes (``autograder.lanes``) grade a submission's assignments in forked processes; the
course's cache (``autograder.reference_cache``) keeps the reference's expected values
between runs. Each must leave every test, score and message exactly as one process with a
live reference gives them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import EXAMPLES, REPO, run_cli

from autograder import codec
from autograder.lanes import usable_cores


def stable(results: dict) -> list[tuple]:
    """What a student sees of each test, without its timing."""
    return [(t["name"], t["score"], t["status"], t["output"]) for t in results["tests"]]


@pytest.mark.slow
def test_lanes_grade_exactly_as_one_process_does(graded_examples):
    """Do three lanes (graded_examples) give the tests, scores and messages of one process,
    for a submission with right and wrong answers in all six assignments? (Submissions of
    one assignment are graded in one process either way: test_cli and test_hostile.)"""
    names = ["partial"]
    completed = run_cli("grade", *[str(EXAMPLES / name) for name in names],
                        "--format", "json", "--jobs", "1")
    assert completed.returncode == 0, completed.stderr
    documents = json.loads(completed.stdout)  # one submission: one document, not a list
    documents = documents if isinstance(documents, list) else [documents]
    for name, serial in zip(names, documents, strict=True):
        assert stable(serial) == stable(graded_examples[name]), name
        assert serial["score"] == graded_examples[name]["score"]


# A driver run in its own process: a lane is a fork of the grader, and the test process
# (pytest, with its capture) is no grader to fork.
KILL_A_LANE = """
import json, os, shutil, sys, tempfile, threading, time
from pathlib import Path
from autograder.lanes import LanePool
from autograder.session import DEFAULT_SEED, Plan, References, private_folders

scratch = Path(tempfile.mkdtemp())
modules = {}
for name in ("vae", "conv_as_matrix"):
    folder = scratch / name
    folder.mkdir()
    shutil.copy(Path("examples/submissions/perfect") / f"{name}.py", folder)
    modules[name] = (folder / f"{name}.py", "")
references = References("live")
pool = LanePool(2, references)
plan = Plan(seed=DEFAULT_SEED, started=time.monotonic(),
            hide=tuple(str(p) for p in private_folders()))
vae_lane = pool._lanes[0][0]  # the longest assignment goes to the first free lane
threading.Timer(3.0, os.kill, (vae_lane, 9)).start()
first = next(pool.grade_each([(0, modules, plan)]))[1]
again = next(pool.grade_each([(1, {"conv_as_matrix": modules["conv_as_matrix"]}, plan)]))[1]
pool.close()
print(json.dumps({
    "errors": first.errors,
    "graded": sorted({t.assignment for t in first.tests}),
    "conv_score": sum(t.score for t in first.tests if t.assignment == "conv_as_matrix"),
    "again_score": sum(t.score for t in again.tests), "again_errors": again.errors}))
"""


@pytest.mark.slow
def test_a_lane_that_dies_costs_its_assignment_only_and_is_replaced():
    """When a lane is killed while it grades the VAE, is the VAE a grader error, the other
    assignment graded in full, and does a fresh lane grade what comes next?"""
    completed = subprocess.run([sys.executable, "-c", KILL_A_LANE], cwd=REPO, text=True,
                               capture_output=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.splitlines()[-1])
    assert len(report["errors"]) == 1
    assert report["errors"][0].startswith("vae: the grading lane ended unexpectedly")
    assert report["graded"] == ["conv_as_matrix"]
    assert report["conv_score"] == report["again_score"] == 34
    assert report["again_errors"] == []


INTERLEAVE = """
import json, shutil, tempfile, time
from pathlib import Path
from autograder.lanes import LanePool
from autograder.session import DEFAULT_SEED, Plan, References, private_folders

scratch = Path(tempfile.mkdtemp())
events = []

def jobs():
    for index, example in enumerate(["perfect", "stub", "partial"]):
        folder = scratch / example
        folder.mkdir()
        shutil.copy(Path("examples/submissions") / example / "conv_as_matrix.py", folder)
        events.append(("taken", index))
        plan = Plan(seed=DEFAULT_SEED, started=time.monotonic(),
                    hide=tuple(str(p) for p in private_folders()))
        yield index, {"conv_as_matrix": (folder / "conv_as_matrix.py", "")}, plan

pool = LanePool(2, References("live"))
scores = {}
for index, outcome in pool.grade_each(jobs()):
    events.append(("done", index))
    scores[index] = sum(t.score for t in outcome.tests)
pool.close()
print(json.dumps({"events": events, "scores": scores}))
"""


@pytest.mark.slow
def test_the_next_submission_starts_on_a_free_lane_before_the_last_one_ends():
    """With two lanes and one assignment per submission, is the second submission taken
    while the first is still being graded (no lane idles between submissions), and is
    each scored as when graded alone?"""
    completed = subprocess.run([sys.executable, "-c", INTERLEAVE], cwd=REPO, text=True,
                               capture_output=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.splitlines()[-1])
    events = [tuple(event) for event in report["events"]]
    assert events[:2] == [("taken", 0), ("taken", 1)]
    assert sorted(events) == sorted([*(("taken", i) for i in range(3)),
                                     *(("done", i) for i in range(3))])
    assert report["scores"] == {"0": 34, "1": 0, "2": 19}


# A GAN whose samples are huge integer arrays (forged here, by replacing the probe that
# trains the grader's small GAN and draws them: a reply well within the worker's limit,
# eight times larger once the grader scales it to [0, 1] for the report).
HUGE_SAMPLES = """

import numpy as _np

import autograder.probes.gan as _probes


def _huge_samples(module, *args, **kwargs):
    return {"confidence": 0.99, "classes": 10, "entropy": 3.3, "histogram": [50] * 10,
            "samples": _np.ones((8, 2900, 2900, 1), _np.int8), "seconds": 0.0,
            "history": {}}


_probes.learns_digits = _huge_samples
"""

GRADE_IN_A_LANE = """
import json, sys, tempfile, time
from pathlib import Path
from autograder.lanes import LanePool
from autograder.session import DEFAULT_SEED, Plan, References, private_folders

folder = Path(tempfile.mkdtemp()) / "gan"
folder.mkdir()
(folder / "gan.py").write_text(Path("examples/submissions/perfect/gan.py").read_text()
                               + sys.argv[1])
pool = LanePool(2, References("live"))
plan = Plan(seed=DEFAULT_SEED, started=time.monotonic(), select=sys.argv[2],
            hide=tuple(str(p) for p in private_folders()))
outcome = next(pool.grade_each([(0, {"gan": (folder / "gan.py", "")}, plan)]))[1]
pool.close()
print(json.dumps({"errors": outcome.errors,
                  "tests": {t.name: [t.score, t.max_score, t.status, t.output]
                            for t in outcome.tests}}))
"""


@pytest.mark.slow
def test_huge_student_arrays_cost_their_test_not_the_lane_s_message():
    """A GAN whose samples were huge integer arrays once made the lane's reply larger than
    the 512 MiB the grader reads ("the grading lane ended unexpectedly (CodecError ...)"),
    and the whole assignment scored 0/0. Now the test that got the samples fails, saying
    why, and the other test is graded."""
    select = "learns_digits or generator_loss_value"
    completed = subprocess.run([sys.executable, "-c", GRADE_IN_A_LANE, HUGE_SAMPLES, select],
                               cwd=REPO, text=True, capture_output=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.splitlines()[-1])
    assert report["errors"] == []
    fit = report["tests"]["gan: Does a short fit with your GAN class teach the grader's small "
                          "generator digits?"]
    assert fit[:3] == [0, 3, "failed"]
    assert "drew samples of shape (8, 2900, 2900, 1) and dtype int8, not 8 float images" in \
        fit[3]
    loss = report["tests"]["gan: Does generator_loss give the non-saturating BCE(fake, 1) on "
                           "16 logits?"]
    assert loss[:3] == [2, 2, "passed"]


def test_usable_cores_are_this_process_s_share():
    """Is the default number of lanes the CPUs this process may run on?"""
    import os

    assert usable_cores() == len(os.sched_getaffinity(0))


# -- the course's kept reference values ---------------------------------------------------

def _poisoned(value):
    """The same structure with every number zero: expected values no correct code meets."""
    if isinstance(value, dict):
        return {key: _poisoned(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_poisoned(item) for item in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return np.zeros_like(value) + 7
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 7
    return value


@pytest.mark.slow
def test_the_course_keeps_the_reference_values_and_drops_them_when_a_solution_changes(
        tmp_path):
    """Does a first `grade` keep the reference's values in solutions/.reference-cache, a
    second read them (proved by poisoning them), and a changed solution ignore them?"""
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns(".reference-cache"))
    shutil.copytree(REPO / "data", course / "data")
    args = ["grade", str(EXAMPLES / "perfect"), "--assignment", "conv_as_matrix",
            "--course", str(course), "--format", "json"]
    cold = run_cli(*args)
    assert cold.returncode == 0, cold.stderr
    assert json.loads(cold.stdout)["score"] == 34
    kept = list((course / "solutions" / ".reference-cache").glob("reference-*.npz"))
    assert len(kept) == 1
    values = codec.decode(kept[0].read_bytes(), **codec.TRUSTED_LIMITS)
    assert len(values) >= 20  # every reference call of the suite

    warm = run_cli(*args)
    assert stable(json.loads(warm.stdout)) == stable(json.loads(cold.stdout))

    kept[0].write_bytes(codec.encode({key: _poisoned(v) for key, v in values.items()}))
    poisoned = json.loads(run_cli(*args).stdout)
    assert poisoned["score"] < 20  # the values were read from the file, not computed

    solution = course / "solutions" / "conv_as_matrix" / "conv_as_matrix.py"
    solution.write_text(solution.read_text() + "\n# a comment changes the fingerprint\n")
    changed = json.loads(run_cli(*args).stdout)
    assert stable(changed) == stable(json.loads(cold.stdout))
    assert len(list(kept[0].parent.glob("reference-*.npz"))) == 2
