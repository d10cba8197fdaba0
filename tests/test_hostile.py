"""A class of hostile submissions: every one is graded, explained, and scored as it earns.

Each folder of tests/hostile/ is a conv_as_matrix submission built around one trick (the
shared ``_correct.py`` is copied beside it, as a student's helper module would be). They are
graded in one `autograder grade` run with time limits scaled by 0.2, and each must get
exactly the score below: zero where the trick is all there is, full marks for the correct
code behind a trick that only tries to cheat or to break the grader.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli

CORPUS = Path(__file__).parent / "hostile"
ROOT = os.geteuid() == 0
MULTICHANNEL, TRANSPOSE, CONV_MATRIX, CONV2D = 5, 8, 12, 9  # points of each function

#: case -> (score it must get, a phrase its results must contain)
EXPECTED = {
    "exit_at_import": (0, "SystemExit: called sys.exit(3)"),
    "os_exit_at_import": (0, "exit code 0 while importing the module"),
    "sys_exit_in_function": (34 - MULTICHANNEL, "tried to end the process (called sys.exit"),
    "os_exit_in_function": (34 - TRANSPOSE, "ended with exit code 7"),
    "infinite_loop": (33, "timed out after 1 s"),
    "ignores_sigterm": (33, "timed out after 1 s"),
    "memory_bomb": (34 - MULTICHANNEL, "out of memory"),
    "memory_creep": (34 - MULTICHANNEL, "out of memory"),
    "fork_lingering_processes": (34, ""),
    "threads_never_end": (34, ""),
    "huge_output": (34, "more bytes of output not shown"),
    "fake_score_lines": (34, "Your code printed:\nScore: 100/100"),
    "forged_results_everywhere": (34, ""),
    "monkeypatch_numpy": (0, "shape (1, 1), expected (4, 16)"),
    "monkeypatch_keras_and_tf": (34, ""),
    "monkeypatch_builtins": (34, ""),
    "eq_always_true": (34 - CONV_MATRIX, "not a numeric array"),
    "lying_array": (34 - CONV_MATRIX, "36 of 64 values differ"),
    "pickle_payload": (34 - CONV_MATRIX - CONV2D, "not a numeric array"),
    "conftest_and_test_files": (34, ""),
    "sitecustomize_and_pth": (34, ""),
    "reads_the_solutions": (0, "KeyError"),
    "edits_the_grader": (34, ""),
    "slow_import": (0, "timed out after 12 s while importing the module"),
    "nan_and_inf": (34 - CONV_MATRIX, "NaN 1, Inf 1 in your result"),
    "wrong_dtypes_and_shapes": (0, "unusable result"),
    "kills_the_grader": (34, ""),
    "closes_the_pipes": (34 - CONV_MATRIX, "ended with exit code 1 during the call"),
    "fork_bomb": (34 - MULTICHANNEL, "timed out after 1 s"),
    "network_access": (34, ""),
    # Issue 16, class 9: shown to the TA as text, never obeyed by the terminal.
    "terminal_escapes": (34 - MULTICHANNEL, "\\x1b]0;pwned\\x07"),
}
#: Without root the worker shares the grader's user: these tricks then succeed or would
#: take the grader down, so their expectations hold only as root (as on Gradescope).
NEEDS_ROOT = {"reads_the_solutions", "kills_the_grader", "edits_the_grader"}
MARKERS = ["/tmp/conftest-ran", "/tmp/student-test-ran", "/tmp/sitecustomize-ran",
           "/tmp/usercustomize-ran", "/tmp/pth-ran", "/tmp/pickle-payload-ran"]


def test_the_corpus_has_every_case_and_at_least_25():
    cases = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert cases == set(EXPECTED) and len(cases) >= 25


def tampered_files() -> list[Path]:
    """Grader, suite and solution files holding what edits_the_grader appends."""
    return [path for folder in ("autograder", "solutions") for path in (REPO / folder).rglob("*.py")
            if "raise SystemExit('tampered')" in path.read_text()]


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    if not ROOT:
        for case in NEEDS_ROOT:
            EXPECTED.pop(case, None)
    for marker in MARKERS:
        Path(marker).unlink(missing_ok=True)
    folder = tmp_path_factory.mktemp("class")
    for case in EXPECTED:
        shutil.copytree(CORPUS / case, folder / case)
        shutil.copy(CORPUS / "_correct.py", folder / case / "_correct.py")
    assert not tampered_files()
    completed = run_cli("grade", *[str(folder / case) for case in EXPECTED], "--format", "json",
                        "--assignment", "conv_as_matrix", "--time-scale", "0.2", timeout=1200)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert not tampered_files(), "a submission changed the grader or the solutions"
    return {doc["extra_data"]["submission"]: doc for doc in json.loads(completed.stdout)}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_hostile_submission_gets_the_score_it_earns(graded, case):
    if case not in graded:
        pytest.skip("needs root: the worker shares the grader's user otherwise")
    results = graded[case]
    score, phrase = EXPECTED[case]
    assert len(results["tests"]) == 30 and results["extra_data"]["max_score"] == 34
    assert results["score"] == score, [
        (t["name"], t["output"][:200]) for t in results["tests"] if t["status"] != "passed"]
    everything = results["output"] + "\n".join(t["output"] for t in results["tests"])
    assert phrase in everything
    # No control character but tab and newline, whatever the submission printed or raised.
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", everything)


@pytest.mark.slow
def test_nothing_ran_in_the_grader_and_nothing_is_left_running(graded):
    for marker in MARKERS:
        assert not Path(marker).exists(), f"{marker}: submission code ran outside its worker"
    leftovers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        uid = int(text.split("Uid:")[1].split()[0])
        parent = int(text.split("PPid:")[1].split()[0])
        if uid >= 100_000 and parent == 1:  # a worker's process orphaned and still alive
            leftovers.append(status.parent.name)
    assert not leftovers, f"processes left behind by workers: {leftovers}"


@pytest.mark.slow
def test_same_submission_graded_five_times_gets_identical_results(tmp_path):
    """Seeds, op determinism and fixed threads: the same inputs, the same score, always."""
    copies = []
    for index in range(5):
        copy = tmp_path / f"run{index}"
        shutil.copytree(REPO / "examples" / "submissions" / "partial", copy)
        copies.append(str(copy))
    completed = run_cli("grade", *copies, "--format", "json", "--assignment", "conv_as_matrix")
    documents = json.loads(completed.stdout)
    stable = {json.dumps([(t["name"], t["score"], t["output"]) for t in d["tests"]])
              for d in documents}
    assert len(documents) == 5 and len(stable) == 1
