"""Batch grading: a whole class, in parallel, resumable after any interruption."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, run_cli

from autograder.errors import UsageError
from autograder.gradebook import Gradebook, student_of

ONLY = ["--assignment", "conv_as_matrix"]
#: Student ids (folder names) that a spreadsheet would run as formulas, or that hold a
#: carriage return or a right-to-left override.
HOSTILE_IDS = ["=1+1", "+cmd", "-2", "@SUM(A1)", "a\rb", "x\u202eevil"]
#: Characters that must never reach the gradebook raw: controls but newline (the CSV's own
#: line ends), and bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                 "\u2066-\u2069]")


def make_class(folder: Path, students: dict[str, str]) -> Path:
    """students: id -> example name; ids ending in .zip become zip archives."""
    folder.mkdir(parents=True)
    for student, example in students.items():
        source = EXAMPLES / example / "conv_as_matrix.py"
        if student.endswith(".zip"):
            with zipfile.ZipFile(folder / student, "w") as archive:
                archive.write(source, f"{student[:-4]}/conv_as_matrix.py")
        else:
            (folder / student).mkdir()
            shutil.copy(source, folder / student / "conv_as_matrix.py")
    return folder


def rows(gradebook: Path) -> list[dict[str, str]]:
    with gradebook.open(newline="") as handle:
        return list(csv.DictReader(handle))


def by_student(gradebook: Path) -> dict[str, dict[str, str]]:
    """The gradebook's rows by student id, each id read back from its cell."""
    return {student_of(row["student"]): row for row in rows(gradebook)}


def assert_written_as_text(gradebook: Path) -> None:
    """No cell a spreadsheet runs as a formula, no control or bidi character raw."""
    assert not RAW.search(gradebook.read_text(encoding="utf-8"))
    for row in rows(gradebook):
        assert not row["student"].startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.slow
def test_batch_grades_a_class_in_parallel_and_writes_every_report(tmp_path):
    folder = make_class(tmp_path / "class", {"ana": "perfect", "ben": "partial",
                                             "cy.zip": "stub", "dee": "broken"})
    (folder / "eve.zip").write_bytes(b"PK\x03\x04 cut off")  # an upload that broke
    out = tmp_path / "out"
    completed = run_cli("batch", str(folder), "--out", str(out), "--jobs", "2", *ONLY)
    assert completed.returncode == 0, completed.stderr
    book = {row["student"]: row for row in rows(out / "gradebook.csv")}
    assert {s: book[s]["conv_as_matrix"] for s in book} == \
        {"ana": "34", "ben": "19", "cy": "0", "dee": "0", "eve": "0"}
    eve = json.loads((out / "students" / "eve" / "results.json").read_text())
    assert "the submission could not be opened" in eve["output"]
    assert eve["extra_data"]["max_score"] == 34 and not eve["extra_data"]["grader_errors"]
    assert all(row["status"] == "graded" and row["max_total"] == "34" for row in book.values())
    for student in book:
        for report in ("results.json", "junit.xml", "report.html", "report.md"):
            assert (out / "students" / student / report).is_file(), (student, report)
    assert "[5/5] 100%" in completed.stderr and "left ~" in completed.stderr
    assert "| ben | 19 | 19 | 34 | graded |" in (out / "summary.md").read_text()


@pytest.mark.slow
def test_batch_grades_for_a_course_in_another_folder(tmp_path):
    """From this checkout, not installed, does `batch --course` grade a course that lies
    elsewhere (each student's grader process must still import this grader)?"""
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns(".reference-cache"))
    shutil.copytree(REPO / "data", course / "data")
    folder = make_class(tmp_path / "class", {"ana": "perfect"})
    out = tmp_path / "out"
    completed = run_cli("batch", str(folder), "--out", str(out), "--course", str(course),
                        *ONLY)
    assert completed.returncode == 0, completed.stderr
    assert rows(out / "gradebook.csv")[0]["conv_as_matrix"] == "34"


@pytest.mark.slow
def test_killed_batch_resumes_without_regrading_or_losing_a_row(tmp_path):
    """kill -9 mid-run, a row cut off mid-write, then the same command again."""
    ids = [*HOSTILE_IDS, "s06", "s07"]  # the kill lands after "+cmd" and "-2"
    students = {student: ["perfect", "partial", "stub"][i % 3] for i, student in enumerate(ids)}
    folder = make_class(tmp_path / "class", students)
    out = tmp_path / "out"
    gradebook = out / "gradebook.csv"
    command = [sys.executable, "-m", "autograder", "batch", str(folder), "--out", str(out),
               "--jobs", "1", *ONLY]
    batch = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and batch.poll() is None:
        if gradebook.exists() and len(rows(gradebook)) >= 2:
            break
        time.sleep(0.2)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    before = by_student(gradebook)
    assert 2 <= len(before) < len(students), "the kill must land mid-batch"
    stamps = {s: (out / "students" / s / "results.json").stat().st_mtime_ns for s in before}
    with gradebook.open("a") as handle:  # power cut in the middle of the next row
        handle.write("s99,3")

    completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert f"resuming: {len(before)} of {len(students)} already graded" in completed.stderr
    after = rows(gradebook)
    assert sorted(student_of(row["student"]) for row in after) == sorted(students)  # once
    expected = {"perfect": "34", "partial": "19", "stub": "0"}
    assert all(row["conv_as_matrix"] == expected[students[student]]
               for student, row in by_student(gradebook).items())
    assert_written_as_text(gradebook)
    for student, stamp in stamps.items():  # graded before the kill: not graded again
        assert (out / "students" / student / "results.json").stat().st_mtime_ns == stamp
    assert gradebook.read_text().endswith("\n") and "s99" not in gradebook.read_text()


def test_results_without_a_row_are_merged_not_graded_again(tmp_path, graded_examples):
    """A results.json already there (a CI matrix job, or a kill after writing it) is
    turned into its gradebook row without running anything."""
    folder = make_class(tmp_path / "class", {"ana": "perfect", "ben": "partial"})
    out = tmp_path / "out"
    for student, example in (("ana", "perfect"), ("ben", "partial")):
        target = out / "students" / student
        target.mkdir(parents=True)
        (target / "results.json").write_text(json.dumps(graded_examples[example]))
    started = time.monotonic()
    completed = run_cli("batch", str(folder), "--out", str(out), *ONLY)
    assert completed.returncode == 0, completed.stderr
    assert time.monotonic() - started < 5  # no reference, no worker: nothing was graded
    assert not (out / "reference").exists()
    scores = {example: graded_examples[example]["extra_data"]["scores"]["conv_as_matrix"]
              for example in ("perfect", "partial")}
    assert {r["student"]: r["conv_as_matrix"] for r in rows(out / "gradebook.csv")} == \
        {"ana": f"{scores['perfect']['score']:g}", "ben": f"{scores['partial']['score']:g}"}



def test_gradebook_writes_every_id_as_text_and_reads_it_back(tmp_path):
    """An id a spreadsheet would run as a formula gets a leading quote; a carriage return, an
    override, a backslash or a quote of its own is written so that reading the file back
    (the csv module, and resuming) gives every id exactly, each in one row."""
    ids = [*HOSTILE_IDS, "c\nd", "tab\tbed", "'quoted", " =spaced", "back\\x0d", "\udcffbytes",
           "ana"]
    path = tmp_path / "gradebook.csv"
    book = Gradebook(path, ["conv_as_matrix"])
    for points, student in enumerate(ids):
        book.add(student, {"conv_as_matrix": (points, 34)}, "graded", 1.0)
    with path.open("a") as handle:  # a power cut mid-row
        handle.write("'=cut,1")
    again = Gradebook(path, ["conv_as_matrix"])
    assert list(again.done) == ids
    assert [row["student"] for row in again.done.values()] == ids
    assert_written_as_text(path)
    cells = [row["student"] for row in rows(path)]
    assert cells[:6] == ["'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "a\\x0db", "x\\u202eevil"]
    assert len(set(cells)) == len(ids) and "ana" in cells
    assert {student_of(row["student"]): row["conv_as_matrix"] for row in rows(path)} == \
        {student: str(points) for points, student in enumerate(ids)}


def test_batch_resumes_a_class_whose_ids_a_spreadsheet_would_misread(tmp_path):
    """Are students whose folder names are formulas, or hold a carriage return or an
    override, given one row each that reads as text, and does the same command read its
    own gradebook back (everyone done, nobody graded or listed twice)?"""
    students = {student: "perfect" for student in HOSTILE_IDS}
    folder = make_class(tmp_path / "class", students)
    out = tmp_path / "out"
    for points, student in enumerate(students):  # as a CI matrix job leaves them
        (out / "students" / student).mkdir(parents=True)
        (out / "students" / student / "results.json").write_text(json.dumps(
            {"score": points, "tests": [], "extra_data": {
                "max_score": 34, "grader_errors": [],
                "scores": {"conv_as_matrix": {"score": points, "max_score": 34}}}}))
    written = []
    for _ in range(2):  # rows from the results, then the same rows read back
        completed = run_cli("batch", str(folder), "--out", str(out), *ONLY)
        assert completed.returncode == 0, completed.stderr
        assert f"resuming: {len(students)} of {len(students)}" in completed.stderr
        written.append((out / "gradebook.csv").read_bytes())
        assert len(rows(out / "gradebook.csv")) == len(students)
        assert {student: row["conv_as_matrix"] for student, row in
                by_student(out / "gradebook.csv").items()} == \
            {student: str(points) for points, student in enumerate(students)}
        assert_written_as_text(out / "gradebook.csv")
        summary = (out / "summary.md").read_text(encoding="utf-8")
        # shown as in the gradebook (Markdown doubles the backslash: it reads as one)
        assert "| x\\\\u202eevil |" in summary and "| a\\\\x0db |" in summary
        assert not RAW.search(summary)
    assert written[0] == written[1]
    assert not (out / "reference").exists()  # nobody was graded


def test_a_grader_error_in_merged_results_is_its_status_and_exit_1(tmp_path):
    """Is a student whose results.json records a grader error (a CI job's, merged) given
    the status batch itself gives, and does batch then exit 1 with a complete gradebook?"""
    folder = make_class(tmp_path / "class", {"ana": "perfect", "ben": "perfect"})
    out = tmp_path / "out"
    for student, errors in (("ana", []), ("ben", ["the reference failed on conv_matrix"])):
        (out / "students" / student).mkdir(parents=True)
        (out / "students" / student / "results.json").write_text(json.dumps(
            {"score": 3, "tests": [], "extra_data": {
                "max_score": 34, "grader_errors": errors,
                "scores": {"conv_as_matrix": {"score": 3, "max_score": 34}}}}))
    completed = run_cli("batch", str(folder), "--out", str(out), *ONLY)
    assert completed.returncode == 1
    assert "the grader failed on 1 student(s): ben" in completed.stderr
    assert {r["student"]: r["status"] for r in rows(out / "gradebook.csv")} == \
        {"ana": "graded", "ben": "grader error (see results.json)"}

def test_a_report_that_cannot_be_written_is_a_grader_error_with_its_traceback(
        tmp_path, monkeypatch):
    """Is a student whose HTML report fails to draw still given their results.json and a
    row, flagged as a grader error with the traceback in their grader.log?"""
    from autograder import batch
    from autograder.results import RunResult, TestResult
    from autograder.views import html

    def broken(run, path):
        raise RuntimeError("the figure drawer broke")

    monkeypatch.setattr(html, "write", broken)
    run = RunResult("ana", [TestResult("conv_as_matrix: x", "conv_as_matrix", 2, 2, "passed")])
    results, status = batch.write_student(tmp_path, "ana", run)
    assert results["score"] == 2 and status == "grader error (see grader.log)"
    assert "RuntimeError: the figure drawer broke" in \
        (tmp_path / "students" / "ana" / "grader.log").read_text()


def test_gradebook_drops_a_cut_off_row_and_refuses_other_columns(tmp_path):
    path = tmp_path / "gradebook.csv"
    book = Gradebook(path, ["conv_as_matrix"])
    book.add("ana", {"conv_as_matrix": (34, 34)}, "graded", 3.2)
    book.add("ana", {"conv_as_matrix": (0, 34)}, "graded", 1.0)  # already there: ignored
    with path.open("a") as handle:
        handle.write("ben,1")
    again = Gradebook(path, ["conv_as_matrix"])
    assert list(again.done) == ["ana"]
    assert path.read_text().splitlines() == [
        "student,conv_as_matrix,total,max_total,status,seconds", "ana,34,34,34,graded,3.2"]
    with pytest.raises(UsageError, match="other assignments"):
        Gradebook(path, ["conv_as_matrix", "vae"])


def test_batch_bad_input(tmp_path):
    completed = run_cli("batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert completed.returncode == 2 and "submissions folder not found" in completed.stderr
    (tmp_path / "empty").mkdir()
    completed = run_cli("batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o"))
    assert completed.returncode == 2 and "holds no submissions" in completed.stderr
    completed = run_cli("batch", str(EXAMPLES), "--out", str(tmp_path / "o"),
                        "--student", "perfect", "--student", "nobody")
    assert completed.returncode == 2 and "no student 'nobody'" in completed.stderr
