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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli, run_cli_unprivileged, run_cli_without_namespaces

from autograder.worker.cleanup import remove_tree
from autograder.worker.client import UNCONFIRMED

CORPUS = Path(__file__).parent / "hostile"
ROOT = os.geteuid() == 0
MULTICHANNEL, TRANSPOSE, CONV_MATRIX, CONV2D = 5, 8, 12, 9  # points of each function

#: case -> (score it must get, a phrase its results must contain)
EXPECTED = {
    "exit_at_import": (0, "SystemExit: called sys.exit(3)"),
    "os_exit_at_import": (0, "exit code 0 while importing the module"),
    "sys_exit_in_function": (34 - MULTICHANNEL, "tried to end the process (called sys.exit"),
    "os_exit_in_function": (34 - TRANSPOSE, "ended with exit code 7"),
    # "used more than 1 s of CPU time", or on a machine too busy to give it 1 s of CPU time
    # in 5 s, "did not finish within the wall-clock cap of 5 s ... of its 1 s of CPU time"
    "infinite_loop": (33, "1 s of CPU time"),
    "ignores_sigterm": (33, "1 s of CPU time"),
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
    # sleeps: no CPU time, so the wall-clock cap (5 times the 12 s import limit) ends it
    "slow_import": (0, "did not finish within the wall-clock cap of 60 s while importing"),
    "nan_and_inf": (34 - CONV_MATRIX, "NaN 1, Inf 1 in your result"),
    "wrong_dtypes_and_shapes": (0, "unusable result"),
    "kills_the_grader": (34, ""),
    "closes_the_pipes": (34 - CONV_MATRIX, "ended with exit code 1 during the call"),
    # its forks may pass the CPU-time limit, else its sleep meets the wall-clock cap
    "fork_bomb": (34 - MULTICHANNEL, "timed out: "),
    "network_access": (34, ""),
    # Issue 16, class 9: shown to the TA as text, never obeyed by the terminal.
    "terminal_escapes": (34 - MULTICHANNEL, "\\x1b]0;pwned\\x07"),
    # class 1: processes that outlive their worker, a root chown race
    "pid_hopper": (34, ""),
    "symlink_swap_race": (34 - MULTICHANNEL, "1 s of CPU time"),
    "escapes_the_root": (0, "still inside"),
    # class 2 and 3(a): what else the worker can see
    "snoops_files": (0, "nothing to copy"),
    "snoops_processes": (0, "nothing to copy"),
    "imports_hidden_code": (0, "nothing to copy"),
    # class 5: replies made to hurt the grader
    "forged_replies": (34 - CONV_MATRIX, "unusable reply"),
    "ragged_values": (34 - CONV_MATRIX, "unusable result: conv_matrix(...) returned a list"),
    # issue 24, class 4: a ragged value written straight to the reply pipe
    "forged_ragged_reply": (34 - CONV_MATRIX, "unusable result: conv_matrix(...) returned a"),
    # class 6: resources outside the process caps
    "sysv_shared_memory": (34, ""),
    "fills_the_disk": (34, ""),
    "deep_folders": (34, ""),
    # class 7: notebooks
    "notebook_with_magics": (34, "graded as conv_as_matrix.py"),
    "notebook_cells_null": (0, "not a list of cells"),
    "notebook_nested_parentheses": (CONV_MATRIX,
                                    "cell 2: SyntaxError: too many nested parentheses"),
    # issue 25, class 6: memory that no limit counts is refused (the system-call filter)
    "memfd_hoard": (34 - MULTICHANNEL, "Operation not permitted"),
    # issue 25, class 7: answers handed in (a correct conv_matrix) kept for later tests
    "replays_handed_in_answers": (34 - CONV_MATRIX, "shape (1, 1), expected (4, 16)"),
    # issue 24, class 3: scratch cells that do not parse, or are not text, are left out
    "notebook_broken_scratch_cells": (34, "cell 3: SyntaxError: '(' was never closed"),
    # class 10: what the code printed before it failed
    "prints_then_fails": (34 - TRANSPOSE, "Your code printed:\ndebug: entering the transpose"),
    "prints_then_hangs": (33, "debug: about to loop on"),
}
#: Without root, and without user namespaces, the worker shares the grader's user and sees
#: what it sees: these tricks then succeed or would take the grader down, so there their
#: expectations hold only as root (as on Gradescope). With user namespaces (the usual Linux
#: laptop) they hold without root too.
NEEDS_ISOLATION = {"reads_the_solutions", "kills_the_grader", "edits_the_grader", "pid_hopper",
                   "escapes_the_root", "snoops_files", "snoops_processes",
                   "imports_hidden_code", "sysv_shared_memory", "fills_the_disk"}
#: what a results.json's isolation field says when the worker saw the grader's files
NOT_ISOLATED = "read every file the grader's user can"
STANDIN = Path("/tmp/hostile-standin")  # root-owned, 0600: symlink_swap_race's target
SHM_SIZE = 2**30 + 4097  # sysv_shared_memory's segments
MARKERS = ["/tmp/conftest-ran", "/tmp/student-test-ran", "/tmp/sitecustomize-ran",
           "/tmp/usercustomize-ran", "/tmp/pth-ran", "/tmp/pickle-payload-ran"]


def test_the_corpus_has_every_case_and_at_least_25():
    cases = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert cases == set(EXPECTED) and len(cases) >= 45


def tampered_files() -> list[Path]:
    """Grader, suite and solution files holding what edits_the_grader appends."""
    return [path for folder in ("autograder", "solutions") for path in (REPO / folder).rglob("*.py")
            if "raise SystemExit('tampered')" in path.read_text()]


def grade_the_corpus(run, cases: list[str]) -> dict[str, dict]:
    """Grade every case in one `autograder grade` run (``run``: as root, or as nobody)."""
    for marker in MARKERS:
        Path(marker).unlink(missing_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="hostile-class-"))
    folder.chmod(0o755)  # readable by nobody too
    for case in cases:
        shutil.copytree(CORPUS / case, folder / case)
        shutil.copy(CORPUS / "_correct.py", folder / case / "_correct.py")
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert not tampered_files()
    try:
        completed = run("grade", *[str(folder / case) for case in cases], "--format", "json",
                        "--assignment", "conv_as_matrix", "--time-scale", "0.2", timeout=1800)
    finally:
        remove_tree(folder)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert not tampered_files(), "a submission changed the grader or the solutions"
    return {doc["extra_data"]["submission"]: doc for doc in json.loads(completed.stdout)}


@pytest.fixture(scope="module")
def standin():
    """A root-owned file that no worker may ever own, read or change."""
    if not ROOT:
        pytest.skip("needs root to make a root-owned file")
    STANDIN.mkdir(mode=0o700, exist_ok=True)
    secret = STANDIN / "secret.txt"
    secret.write_text("stand-in for a root-owned file\n")
    secret.chmod(0o600)
    os.chown(STANDIN, 0, 0)
    os.chown(secret, 0, 0)
    yield secret
    remove_tree(STANDIN)


@pytest.fixture(scope="module")
def graded(request) -> dict[str, dict]:
    """As the tests' own user: root (as on Gradescope), or a developer without root."""
    if ROOT:
        request.getfixturevalue("standin")
    return grade_the_corpus(run_cli, sorted(EXPECTED))


@pytest.fixture(scope="module")
def graded_unprivileged(standin) -> dict[str, dict]:
    if not ROOT:
        pytest.skip("the corpus runs as root, and as nobody from root")
    return grade_the_corpus(run_cli_unprivileged, sorted(EXPECTED))


@pytest.fixture(scope="module")
def graded_unisolated() -> dict[str, dict]:
    """Only the cases that need no isolation: the others would succeed, or end the run."""
    if not ROOT:
        pytest.skip("the corpus runs as root, and as nobody from root")
    return grade_the_corpus(run_cli_without_namespaces, sorted(set(EXPECTED) - NEEDS_ISOLATION))


def check_case(results: dict, case: str) -> None:
    if case in NEEDS_ISOLATION and any(NOT_ISOLATED in note
                                       for note in results["extra_data"]["isolation"]):
        pytest.skip("no root and no user namespaces here: the worker sees what the grader sees")
    score, phrase = EXPECTED[case]
    assert len(results["tests"]) == 30 and results["extra_data"]["max_score"] == 34
    assert results["score"] == score, [
        (t["name"], t["output"][:300]) for t in results["tests"] if t["status"] != "passed"]
    everything = results["output"] + "\n".join(t["output"] for t in results["tests"])
    assert phrase in everything
    # No control character but tab and newline, whatever the submission printed or raised.
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", everything)
    assert not results["extra_data"]["grader_errors"]
    assert all(t["extra_data"]["status"] != "error" for t in results["tests"]), \
        "a student's trick showed as a grader problem"


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_hostile_submission_gets_the_score_it_earns(graded, case):
    check_case(graded[case], case)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_hostile_submission_gets_the_score_it_earns_without_root(graded_unprivileged, case):
    check_case(graded_unprivileged[case], case)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(set(EXPECTED) - NEEDS_ISOLATION))
def test_hostile_submission_gets_the_score_it_earns_unisolated(graded_unisolated, case):
    check_case(graded_unisolated[case], case)


@pytest.mark.slow
def test_an_unisolated_worker_is_reported_as_such(graded_unisolated):
    """forged_replies claims full isolation; the grader reports what it measured."""
    notes = graded_unisolated["forged_replies"]["extra_data"]["isolation"]
    assert any(NOT_ISOLATED in note for note in notes)
    assert any("signal the grader's processes" in note for note in notes)


@pytest.mark.slow
def test_a_worker_that_ends_before_it_is_measured_is_not_called_isolated(graded_unisolated):
    """os_exit_at_import ends its worker before the grader can look at it: unisolated, a
    results.json claiming "full" isolation would be false (it could read the solutions)."""
    assert graded_unisolated["os_exit_at_import"]["extra_data"]["isolation"] == [UNCONFIRMED]


@pytest.mark.slow
def test_isolation_is_measured_by_the_grader_not_claimed_by_the_worker(graded,
                                                                       graded_unprivileged):
    """forged_replies claims an isolation report; only the grader's measurement counts."""
    assert graded["forged_replies"]["extra_data"]["isolation"].startswith("full")
    assert "the worker ran as the grader's own user id" in \
        graded_unprivileged["forged_replies"]["extra_data"]["isolation"]


@pytest.mark.slow
def test_nothing_ran_in_the_grader_and_nothing_is_left_running(graded, graded_unprivileged):
    for marker in MARKERS:
        assert not Path(marker).exists(), f"{marker}: submission code ran outside its worker"
    time.sleep(1)
    leftovers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        uid = int(text.split("Uid:")[1].split()[0])
        parent = int(text.split("PPid:")[1].split()[0])
        name = text.split("Name:")[1].split()[0]
        if (uid >= 100_000 and parent == 1) or name == "hostile-hopper":
            leftovers.append(f"{status.parent.name} ({name})")
    assert not leftovers, f"processes left behind by workers: {leftovers}"


@pytest.mark.slow
def test_no_root_owned_file_changed_hands(graded, graded_unprivileged, standin):
    """symlink_swap_race raced the grader's old chown of a restarted worker's folder."""
    info = standin.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (0, 0, 0o600)
    assert standin.read_text() == "stand-in for a root-owned file\n"
    assert STANDIN.stat().st_uid == 0


@pytest.mark.slow
def test_no_shared_memory_outlives_its_worker(graded, graded_unprivileged):
    sizes = [line.split()[3] for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]]
    assert str(SHM_SIZE) not in sizes


@pytest.mark.slow
@pytest.mark.parametrize("run", [run_cli, run_cli_unprivileged], ids=["root", "nobody"])
def test_workers_die_when_the_grader_is_killed(tmp_path, run):
    """A platform's timeout or a TA's kill -9 ends the grader: its workers, and whatever
    they started, end with it."""
    if not ROOT:
        pytest.skip("runs as root, and as nobody from root")
    folder = Path(tempfile.mkdtemp(prefix="hostile-kill-"))
    folder.chmod(0o755)
    shutil.copy(CORPUS / "pid_hopper" / "conv_as_matrix.py", folder)
    shutil.copy(CORPUS / "_correct.py", folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    process = run("grade", str(folder), "--assignment", "conv_as_matrix", background=True)
    try:
        deadline = time.monotonic() + 300
        while not hoppers() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hoppers() or hoppers(), "the case never started"
        process.kill()
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while hoppers() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not hoppers(), "a worker's process outlived the killed grader"
    finally:
        process.kill()
        remove_tree(folder)


def hoppers() -> list[str]:
    """The pids of pid_hopper's daemon. It takes a new pid every few milliseconds, so the
    newest pids are read first: in listing order a long process table (a full test run)
    let it move on before its turn came, and it was missed."""
    found = []
    pids = sorted((int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()),
                  reverse=True)
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "hostile-hopper":
                found.append(str(pid))
        except OSError:
            pass
    return found


@pytest.mark.slow
def test_grading_from_inside_a_submission_never_imports_it(tmp_path):
    """`python -m autograder grade .` in a folder with a numpy.py: the grader must not
    import it (Python puts the current folder first on sys.path)."""
    shutil.copy(REPO / "examples" / "submissions" / "perfect" / "conv_as_matrix.py", tmp_path)
    for name in ("numpy", "keras", "pytest", "json"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('student code ran in the grader')\n")
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", ".", "--assignment", "conv_as_matrix",
         "--format", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout)["score"] == 34


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


@pytest.mark.slow
def test_a_batch_shows_a_student_nothing_of_the_others_or_the_grader(tmp_path):
    """In `autograder batch` the grader's command line names the reference cache, and the
    output folder holds the gradebook and everyone's reports: the snooping cases find
    none of it (nor the classmate graded beside them), and score zero."""
    folder = tmp_path / "class"
    for case in ("snoops_files", "snoops_processes", "imports_hidden_code"):
        shutil.copytree(CORPUS / case, folder / case)
        shutil.copy(CORPUS / "_correct.py", folder / case / "_correct.py")
    shutil.copytree(REPO / "examples" / "submissions" / "perfect", folder / "classmate")
    out = tmp_path / "out"
    completed = run_cli("batch", str(folder), "--out", str(out), "--jobs", "2",
                        "--assignment", "conv_as_matrix", timeout=1800)
    assert completed.returncode == 0, completed.stderr[-2000:]
    book = (out / "gradebook.csv").read_text()
    scores = {line.split(",")[0]: line.split(",")[1] for line in book.splitlines()[1:]}
    assert scores == {"snoops_files": "0", "snoops_processes": "0", "imports_hidden_code": "0",
                      "classmate": "34"}, book


@pytest.mark.slow
def test_zygote_homes_do_not_pile_up():
    """Each grading run's zygote HOME goes when the run ends; one left by a grader that was
    killed (no exit handlers) goes with the next run."""
    temp = Path(tempfile.gettempdir())
    stale = temp / "autograder-zygote-999999999-left"  # no such pid can be alive
    stale.mkdir(exist_ok=True)
    process = run_cli("grade", str(REPO / "examples" / "submissions" / "perfect"),
                      "--assignment", "conv_as_matrix", background=True)
    assert process.wait(timeout=600) == 0
    assert not stale.exists()
    assert not list(temp.glob(f"autograder-zygote-{process.pid}-*"))

