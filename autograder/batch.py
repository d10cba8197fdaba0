"""``autograder batch SUBMISSIONS_DIR --out DIR [--jobs N]``: grade a whole class.

    SUBMISSIONS_DIR/alice/...  or  SUBMISSIONS_DIR/alice.zip   one entry per student
    DIR/gradebook.csv             one row per student, appended as each is graded
    DIR/students/<id>/            results.json, junit.xml, report.html, report.md, grader.log
    DIR/summary.md                the class table, for a CI job summary
    DIR/reference/                the reference's expected values, computed once per batch

The reference runs once, over every test (visible and hidden), before any student: this
also proves that the solutions earn full marks. Each student is then graded by its own
``autograder grade`` process reading those values, N at a time. Run the same command again
after an interruption and it carries on: students with a gradebook row are done, a student
whose results.json is complete but whose row was not yet written gets the row from it, and
everyone else is graded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from autograder import assignments as registry
from autograder import clean, paths, reference_cache
from autograder.errors import UsageError
from autograder.gradebook import Gradebook
from autograder.lanes import usable_cores
from autograder.progress import Progress
from autograder.roster import list_students
from autograder.session import official_seed
from autograder.views import markdown

STUDENT_TIME_LIMIT = 3600  #: seconds for one student's whole grading run


def main(*, submissions_dir: str | Path, out: str | Path, jobs: int = 1,
         assignments: list[str] | None = None, students: list[str] | None = None,
         seed: int | None = None, log=sys.stderr) -> int:
    """Grade every student of ``submissions_dir`` (or only the ids in ``students``: a CI
    matrix job grades one) into ``out``; returns 0 once everyone has a gradebook row."""
    paths.require_solutions("batch")
    seed = official_seed() if seed is None else seed
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    # Absolute: each student is graded by a child process that runs in the course folder.
    folder = Path(submissions_dir).resolve()
    if not folder.is_dir():
        raise UsageError(f"submissions folder not found: {folder}")
    everyone = list_students(folder)
    if not everyone:
        raise UsageError(f"{folder} holds no submissions (a folder or .zip per student)")
    unknown = sorted(set(students or []) - {student for student, _ in everyone})
    if unknown:
        raise UsageError(f"no student {unknown[0]!r} in {folder}")
    chosen = [(s, p) for s, p in everyone if not students or s in students]
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    names = [registry.get(name).name for name in assignments] if assignments \
        else list(registry.ASSIGNMENTS)
    gradebook = Gradebook(out / "gradebook.csv", names)

    todo = []
    for student, path in chosen:
        if student in gradebook.done:
            continue
        recovered = read_results(student_dir(out, student) / "results.json")
        if recovered is not None:  # graded before the interruption, row not yet written
            _record(gradebook, student, recovered, status_of(recovered), 0.0)
        else:
            todo.append((student, path))
    progress = Progress(len(chosen), already_done=len(chosen) - len(todo), stream=log)
    if len(todo) < len(chosen):
        print(f"resuming: {len(chosen) - len(todo)} of {len(chosen)} already graded",
              file=log)
    # Only now, and only if someone is left: a resumed or merged batch costs nothing more.
    cache = reference_cache.compute(out / "reference", names, seed, log=log) if todo else None
    # The cores are shared: `jobs` students at a time, each grading its assignments in
    # cores // jobs lanes; the last students, with fewer left than jobs, get more lanes
    # each, so that the class's tail does not leave cores idle.
    left = iter(range(len(todo), 0, -1))  # students not yet started, this one included

    def grade_next(student: str, path: Path) -> tuple[str, dict | None, str, float]:
        lanes = max(1, usable_cores() // min(jobs, next(left)))
        return grade_student(student, path, out, cache, seed, names, lanes)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(grade_next, student, path) for student, path in todo]
        for future in as_completed(futures):
            student, results, status, seconds = future.result()
            _record(gradebook, student, results, status, seconds)
            score = f"{results['score']:g}/{results['extra_data']['max_score']:g}" \
                if results else status
            progress.update(f"{clean.line(student)} {score}")  # a folder name: any bytes
    (out / "summary.md").write_text(class_summary(gradebook), encoding="utf-8")
    print(f"gradebook: {out / 'gradebook.csv'}; reports: {out / 'students'}", file=log)
    troubled = sorted(row["student"] for row in gradebook.done.values()
                      if row["student"] in dict(chosen) and row["status"] != "graded")
    if troubled:  # the gradebook is complete, but its scores for these need staff's eyes
        print(f"the grader failed on {len(troubled)} student(s): {', '.join(troubled)} "
              "(see the status column and their grader.log)", file=log)
        return 1
    return 0


def student_dir(out: Path, student: str) -> Path:
    return out / "students" / student


def grade_student(student: str, path: Path, out: Path, cache: Path, seed: int,
                  names: list[str], lanes: int = 1) -> tuple[str, dict | None, str, float]:
    """Grade one student in a child process, ``lanes`` assignments at a time; never
    raises."""
    target = student_dir(out, student)
    target.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    command = [sys.executable, "-m", "autograder", "grade", str(path), "--seed", str(seed),
               "--jobs", str(lanes),
               "--reference-cache", str(cache), "--results", str(target / "results.json"),
               "--junit", str(target / "junit.xml"), "--html", str(target / "report.html"),
               "--markdown", str(target / "report.md")]
    for name in names:  # named explicitly: a module the student did not submit scores 0
        command += ["--assignment", name]
    # The child imports this very grader, wherever the course lies (an uninstalled
    # checkout grading a course elsewhere included)
    importable = os.pathsep.join(filter(None, [str(paths.PACKAGE.parent),
                                               os.environ.get("PYTHONPATH")]))
    environment = dict(os.environ, AUTOGRADER_DIE_WITH_PARENT="1", PYTHONPATH=importable,
                       **{paths.COURSE_VARIABLE: str(paths.ROOT)})
    with (target / "grader.log").open("w") as log:
        try:
            completed = subprocess.run(command, cwd=paths.ROOT, stdout=log, stderr=log,
                                       env=environment, timeout=STUDENT_TIME_LIMIT)
            code = completed.returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
    seconds = time.monotonic() - started
    results = read_results(target / "results.json")
    if results is None:
        return student, None, f"grader error ({code}; see grader.log)", seconds
    return student, results, status_of(results) if code in (0, 1) else \
        f"grader error ({code})", seconds


def status_of(results: dict) -> str:
    """A student's gradebook status from their results.json alone, so that a row written
    from a CI job's results is the row batch writes itself: "graded", or "grader error"
    when the grader failed on some test (it then exits 1; results.json says where)."""
    return "grader error (see results.json)" if results["extra_data"].get("grader_errors") \
        else "graded"


def read_results(path: Path) -> dict | None:
    """A complete results.json written by the grader, or None (missing or half-written)."""
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        results["extra_data"]["scores"]  # noqa: B018 - present only in complete files
        return results
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _record(gradebook: Gradebook, student: str, results: dict | None, status: str,
            seconds: float) -> None:
    scores = {}
    if results is not None:
        scores = {name: (entry["score"], entry["max_score"])
                  for name, entry in results["extra_data"]["scores"].items()}
    gradebook.add(student, scores, status, seconds)


def class_summary(gradebook: Gradebook) -> str:
    """The gradebook as a Markdown table, with the class mean of each column."""
    columns = gradebook.header[1:-2]
    rows = list(gradebook.done.values())
    lines = [f"## Class grades ({len(rows)} students)", "",
             "| student | " + " | ".join(columns) + " | status |",
             "|---|" + "---:|" * len(columns) + "---|"]
    for row in sorted(rows, key=lambda r: r["student"]):
        lines.append(f"| {markdown.inline(clean.line(row['student']))} | "
                     + " | ".join(row[c] or "–" for c in columns)
                     + f" | {markdown.inline(clean.line(row['status']))} |")
    means = []
    for column in columns:
        values = [float(row[column]) for row in rows if row[column]]
        means.append(f"{sum(values) / len(values):.1f}" if values else "–")
    lines.append("| **mean** | " + " | ".join(means) + " | |")
    return "\n".join(lines) + "\n"
