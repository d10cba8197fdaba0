"""``autograder batch SUBMISSIONS_DIR --out DIR [--jobs N]``: grade a whole class.

    SUBMISSIONS_DIR/alice/...  or  SUBMISSIONS_DIR/alice.zip   one entry per student
    DIR/gradebook.csv             one row per student, appended as each is graded
    DIR/students/<id>/            results.json, junit.xml, report.html, report.md (and
                                  grader.log where a report could not be written)
    DIR/summary.md                the class table, for a CI job summary
    DIR/reference/                the reference's expected values, computed once per batch

The reference runs once, over every test (visible and hidden), before any student: this
also proves that the solutions earn full marks. The students are then graded as
``autograder grade`` grades several submissions: by one pool of N lanes (``--jobs``,
default the usable cores) that keeps its TensorFlow loaded from one student to the next,
each lane taking the next assignment, of this student or the next, as soon as it is free;
each student's scores are exactly those of grading them alone. Run the same command again
after an interruption and it carries on: students with a gradebook row are done, a student
whose results.json is complete but whose row was not yet written gets the row from it, and
everyone else is graded.
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from pathlib import Path

from autograder import assignments as registry
from autograder import clean, paths, reference_cache
from autograder.errors import UsageError
from autograder.gradebook import Gradebook
from autograder.lanes import lanes_for, usable_cores
from autograder.progress import Progress
from autograder.results import RunResult
from autograder.roster import list_students
from autograder.session import DEFAULT_BUDGET_SECONDS, References, grade_each, official_seed
from autograder.views import markdown
from autograder.views.files import write_reports


def main(*, submissions_dir: str | Path, out: str | Path, jobs: int | None = None,
         assignments: list[str] | None = None, students: list[str] | None = None,
         seed: int | None = None, log=sys.stderr) -> int:
    """Grade every student of ``submissions_dir`` (or only the ids in ``students``: a CI
    matrix job grades one) into ``out``; returns 0 once everyone has a gradebook row."""
    paths.require_solutions("batch")
    seed = official_seed() if seed is None else seed
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    jobs = jobs or usable_cores()
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
    if todo:
        cache = reference_cache.compute(out / "reference", names, seed, log=log)
        references = References("live", preload=reference_cache.load(cache))
        # One pool of lanes for the whole class: each lane keeps its zygote (TensorFlow
        # imported once per lane, not once per student), and the next student's
        # assignments start on whichever lane is free.
        with lanes_for(min(jobs, len(todo) * len(names)), references) as lanes:
            graded = grade_each([path for _, path in todo], names=names,
                                references=references, seed=seed,
                                budget_seconds=DEFAULT_BUDGET_SECONDS, hide=[out],
                                draw_figures=True, lanes=lanes)
            for index, run in graded:
                student = todo[index][0]
                results, status = write_student(out, student, run)
                _record(gradebook, student, results, status, run.execution_time)
                score = f"{results['score']:g}/{results['extra_data']['max_score']:g}" \
                    if results else status
                progress.update(f"{clean.escaped(student)} {score}")  # a folder name: any bytes
    (out / "summary.md").write_text(class_summary(gradebook), encoding="utf-8")
    print(f"gradebook: {out / 'gradebook.csv'}; reports: {out / 'students'}", file=log)
    troubled = sorted(row["student"] for row in gradebook.done.values()
                      if row["student"] in dict(chosen) and row["status"] != "graded")
    if troubled:  # the gradebook is complete, but its scores for these need staff's eyes
        print(f"the grader failed on {len(troubled)} student(s): "
              f"{', '.join(clean.escaped(student) for student in troubled)} "
              "(the status column says where to look: their results.json or grader.log)",
              file=log)
        return 1
    return 0


def student_dir(out: Path, student: str) -> Path:
    return out / "students" / student


def write_student(out: Path, student: str, run: RunResult) -> tuple[dict | None, str]:
    """Write one student's reports; their results.json as read back, and their status.
    Never raises: a report that cannot be written is a grader error, its traceback in the
    student's grader.log."""
    target = student_dir(out, student)
    try:
        target.mkdir(parents=True, exist_ok=True)
        write_reports(run, results=target / "results.json", junit_file=target / "junit.xml",
                      html_file=target / "report.html", markdown_file=target / "report.md")
    except Exception:  # noqa: BLE001 - one student's reports must not stop the class
        with contextlib.suppress(OSError):
            (target / "grader.log").write_text(traceback.format_exc(), encoding="utf-8")
        return read_results(target / "results.json"), "grader error (see grader.log)"
    results = read_results(target / "results.json")
    return results, status_of(results) if results else "grader error (results unreadable)"


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
        lines.append(f"| {markdown.inline(clean.escaped(row['student']))} | "
                     + " | ".join(row[c] or "–" for c in columns)
                     + f" | {markdown.inline(clean.line(row['status']))} |")
    means = []
    for column in columns:
        values = [float(row[column]) for row in rows if row[column]]
        means.append(f"{sum(values) / len(values):.1f}" if values else "–")
    lines.append("| **mean** | " + " | ".join(means) + " | |")
    return "\n".join(lines) + "\n"
