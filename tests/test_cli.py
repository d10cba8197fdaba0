"""Does the command line behave as README.md promises, including on bad input?"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, run_cli

from autograder import paths
from autograder.errors import UsageError
from autograder.views.gradescope import REQUIRED_TEST_FIELDS

GRADESCOPE_VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def validate_gradescope(results: dict) -> None:
    """The fields Gradescope reads, with the types it expects."""
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["execution_time"], (int, float))
    assert isinstance(results["output"], str)
    assert results["visibility"] in GRADESCOPE_VISIBILITIES
    for test in results["tests"]:
        for field in REQUIRED_TEST_FIELDS:
            assert field in test, field
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in GRADESCOPE_VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
    assert results["score"] == sum(t["score"] for t in results["tests"])


@pytest.mark.slow
def test_grade_writes_results_json_and_junit(tmp_path):
    """Does `grade --results --junit` write a valid results.json and parsable JUnit XML?"""
    results_file, junit_file = tmp_path / "results.json", tmp_path / "junit.xml"
    completed = run_cli("grade", str(EXAMPLES / "partial"), "--results", str(results_file),
                        "--junit", str(junit_file), "--assignment", "conv_as_matrix")
    assert completed.returncode == 0, completed.stderr
    assert "Total 19/34" in completed.stdout
    results = json.loads(results_file.read_text())
    validate_gradescope(results)
    assert results["score"] == 19
    root = ET.parse(junit_file).getroot()
    suite = root.find("testsuite")
    assert suite.get("name") == "conv_as_matrix"
    assert len(suite.findall("testcase")) == len(results["tests"])
    assert int(suite.get("failures")) == sum(t["status"] == "failed" for t in results["tests"])


@pytest.mark.slow
def test_results_written_straight_into_the_temp_folder_cost_nothing():
    """Does `grade --results /tmp/results.json` grade as usual? The folder of the results
    is kept from the workers; /tmp also holds each worker's own scratch folder, which once
    got covered too, and a perfect submission scored 0."""
    import os
    import tempfile

    results_file = Path(tempfile.gettempdir()) / f"autograder-test-results-{os.getpid()}.json"
    try:
        completed = run_cli("grade", str(EXAMPLES / "perfect"), "--results", str(results_file),
                            "--assignment", "conv_as_matrix")
        assert completed.returncode == 0, completed.stderr
        assert json.loads(results_file.read_text())["score"] == 34, completed.stdout
    finally:
        results_file.unlink(missing_ok=True)


def test_missing_path_is_a_one_line_error():
    completed = run_cli("grade", "no/such/folder")
    assert completed.returncode == 2
    assert completed.stderr.strip() == "autograder: error: submission not found: no/such/folder"


def test_unknown_assignment_is_a_usage_error():
    completed = run_cli("grade", str(EXAMPLES / "perfect"), "--assignment", "gan_v2")
    assert completed.returncode == 2 and "unknown assignment 'gan_v2'" in completed.stderr


def test_empty_folder_gets_a_valid_results_json_with_an_explanation(tmp_path):
    (tmp_path / "empty").mkdir()
    results_file = tmp_path / "results.json"
    completed = run_cli("grade", str(tmp_path / "empty"), "--results", str(results_file))
    assert completed.returncode == 0, completed.stderr
    results = json.loads(results_file.read_text())
    validate_gradescope(results)
    assert results["score"] == 0 and results["tests"] == []
    assert "No assignment module found" in results["output"]


@pytest.mark.slow
def test_misnamed_module_named_explicitly_scores_zero_with_the_hint(tmp_path):
    """With --assignment, a misnamed file gives every test 0 and says how to fix it."""
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(EXAMPLES / "perfect" / "conv_as_matrix.py", folder / "Conv_As_Matrix (1).py")
    results_file = tmp_path / "results.json"
    completed = run_cli("grade", str(folder), "--assignment", "conv_as_matrix",
                        "--results", str(results_file))
    assert completed.returncode == 0, completed.stderr
    results = json.loads(results_file.read_text())
    validate_gradescope(results)
    assert results["score"] == 0 and len(results["tests"]) == 30
    assert all("rename it to conv_as_matrix.py" in t["output"] for t in results["tests"])


@pytest.mark.slow
def test_zip_with_nested_folders_and_junk_is_graded(tmp_path):
    archive = tmp_path / "submission.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(EXAMPLES / "perfect" / "conv_as_matrix.py", "hw1/code/conv_as_matrix.py")
        zipped.writestr("__MACOSX/hw1/code/._conv_as_matrix.py", "\x00\x05junk")
        zipped.writestr("hw1/README.txt", "my submission")
    completed = run_cli("grade", str(archive), "--format", "json")
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    validate_gradescope(results)
    assert results["score"] == 34


@pytest.mark.slow
def test_markdown_format(tmp_path):
    completed = run_cli("grade", str(EXAMPLES / "stub"), "--format", "md",
                        "--assignment", "conv_as_matrix")
    assert completed.returncode == 0
    assert completed.stdout.startswith("## Autograder: stub — 0 / 34")
    assert "<details><summary>conv_as_matrix:" in completed.stdout


def release_copy(tmp_path):
    """The grader, assignments and data without solutions/: what a student has."""
    release = tmp_path / "release"
    release.mkdir()
    shutil.copytree(REPO / "autograder", release / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__", "test_hidden.py"))
    shutil.copytree(REPO / "assignments", release / "assignments")
    return release


def test_check_works_without_solutions(tmp_path):
    """Does the self-check run the visible tests on the stub with no solutions/ at all?"""
    release = release_copy(tmp_path)
    completed = run_cli("check", "conv_as_matrix", cwd=release)
    assert completed.returncode == 0, completed.stderr
    assert "Total 0/14" in completed.stdout
    assert "not implemented" in completed.stdout
    assert "(hidden)" not in completed.stdout


def test_check_of_a_correct_module_passes_every_visible_test(tmp_path):
    release = release_copy(tmp_path)
    shutil.copy(EXAMPLES / "perfect" / "conv_as_matrix.py",
                release / "assignments" / "conv_as_matrix" / "conv_as_matrix.py")
    completed = run_cli("check", "conv_as_matrix", cwd=release)
    assert completed.returncode == 0, completed.stderr
    assert "Total 14/14" in completed.stdout and "FAIL" not in completed.stdout


@pytest.mark.parametrize("example", ["partial", "hostile_tricks"])
def test_self_check_agrees_with_official_grading_on_visible_tests(tmp_path, graded_examples,
                                                                  example):
    """Do recorded values give the same visible-test scores as the live reference?"""
    release = release_copy(tmp_path)
    completed = run_cli("check", "conv_as_matrix", "--submission", str(EXAMPLES / example),
                        cwd=release)
    assert completed.returncode == 0, completed.stderr
    official = [t for t in graded_examples[example]["tests"] if t["visibility"] == "visible"
                and t["extra_data"]["assignment"] == "conv_as_matrix"]
    score = sum(t["score"] for t in official)
    assert f"Total {score:g}/14" in completed.stdout


@pytest.mark.slow
def test_grading_twice_gives_identical_results(graded_examples):
    """Is the same submission always given the same tests, scores and messages?"""
    completed = run_cli("grade", str(EXAMPLES / "partial"), "--format", "json",
                        "--assignment", "conv_as_matrix")
    again = json.loads(completed.stdout)
    first = {"tests": [t for t in graded_examples["partial"]["tests"]
                       if t["extra_data"]["assignment"] == "conv_as_matrix"]}

    def stable(results):
        return [(t["name"], t["score"], t["status"], t["output"]) for t in results["tests"]]

    assert len(again["tests"]) == len(first["tests"]) == 30

    assert stable(again) == stable(first)
    assert again["extra_data"]["submission_hash"] == \
        graded_examples["partial"]["extra_data"]["submission_hash"]


# -- where the course lives ---------------------------------------------------------------

def test_the_course_is_the_named_one_else_the_nearest_at_or_above_the_folder(tmp_path,
                                                                               monkeypatch):
    """Is the course --course / AUTOGRADER_COURSE, else the nearest course folder at or
    above the current one, else the checkout the grader sits in, and is a named folder
    that holds no course refused rather than searched past?"""
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    below = course / "submissions" / "alice"
    below.mkdir(parents=True)
    release = tmp_path / "release"
    (release / "assignments" / "conv_as_matrix").mkdir(parents=True)
    (release / "assignments" / "conv_as_matrix" / "expected_visible.npz").write_bytes(b"")
    monkeypatch.delenv(paths.COURSE_VARIABLE, raising=False)
    monkeypatch.chdir(below)
    assert paths.course_root() == course.resolve()
    assert paths.SOLUTIONS == course.resolve() / "solutions"
    monkeypatch.chdir(tmp_path)
    assert paths.course_root() == REPO
    monkeypatch.setenv(paths.COURSE_VARIABLE, str(release))
    monkeypatch.chdir(below)
    assert paths.ASSIGNMENTS == release.resolve() / "assignments"
    monkeypatch.setenv(paths.COURSE_VARIABLE, str(tmp_path))
    with pytest.raises(UsageError, match="not a course folder"):
        paths.course_root()
    # A grading worker's view of its course: data/ alone (the sandbox shows nothing else).
    (tmp_path / "data").mkdir()
    assert paths.course_root() == tmp_path.resolve()


@pytest.mark.parametrize("args", [["grade", "x", "--course", "{tmp}"],
                                  ["check", "conv_as_matrix", "--course", "{tmp}"],
                                  ["batch", "x", "--out", "o", "--course", "{tmp}"]])
def test_a_folder_without_a_course_is_one_line_and_exit_2(tmp_path, args):
    completed = run_cli(*[arg.format(tmp=tmp_path) for arg in args])
    assert completed.returncode == 2 and completed.stderr.count("\n") == 1
    assert f"names {tmp_path}, which is not a course folder" in completed.stderr


def test_check_without_its_recorded_answers_is_a_grader_error_not_a_pass(tmp_path):
    """Does a course missing the recorded answers of one assignment make `check` exit 1
    and say so, rather than exit 0 over a table of errors?"""
    release = release_copy(tmp_path)
    (release / "assignments" / "conv_as_matrix" / "expected_visible.npz").unlink()
    completed = run_cli("check", "conv_as_matrix", cwd=release)
    assert completed.returncode == 1, completed.stderr
    assert "expected_visible.npz are missing (staff: run `autograder build`)" in \
        completed.stdout
