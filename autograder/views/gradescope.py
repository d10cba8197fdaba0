"""Gradescope's results.json, the canonical file every other view can be checked against.

Spec: https://gradescope-autograders.readthedocs.io/en/latest/specs/ — top level
``score``, ``execution_time``, ``output``, ``tests``; each test has ``name``, ``score``,
``max_score``, ``status`` ("passed"/"failed"), ``output`` and ``visibility``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from autograder.results import RunResult

#: Hidden tests are shown to students once the instructor publishes grades.
GRADESCOPE_VISIBILITY = {"visible": "visible", "hidden": "after_published"}
REQUIRED_TEST_FIELDS = ("name", "score", "max_score", "status", "output", "visibility")


def to_gradescope(run: RunResult) -> dict:
    tests = []
    for number, test in enumerate(run.tests, start=1):
        entry = {
            "name": test.name,
            "number": str(number),
            "score": test.score,
            "max_score": test.max_score,
            # Gradescope knows passed/failed only; a grader error is a failure for the
            # student, and is flagged for staff in extra_data.
            "status": "passed" if test.status == "passed" else "failed",
            "output": test.output,
            "visibility": GRADESCOPE_VISIBILITY[test.visibility],
            "extra_data": {"status": test.status, "assignment": test.assignment,
                           "seconds": round(test.seconds, 3), "test_id": test.test_id},
        }
        tests.append(entry)
    return {
        "score": run.score,
        "execution_time": math.ceil(run.execution_time),
        "output": summary_text(run),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "max_score": run.max_score,
            "seed": run.seed,
            "versions": run.versions,
            "submission_hash": run.submission_hash,
            "submission": run.submission,
            "mode": run.mode,
            "scores": {name: {"score": s, "max_score": m}
                       for name, (s, m) in run.by_assignment().items()},
            "grader_errors": run.grader_errors,
            "isolation": run.isolation or "full: own user, no network, only its own files",
            "timeline": run.timeline,
        },
    }


def summary_text(run: RunResult) -> str:
    """The always-visible text: totals of the visible tests only. Gradescope itself hides
    the total score while tests are ``after_published``; a total here would give away how
    the hidden tests went, and resubmitting would probe them."""
    visible = run.by_assignment(visible_only=True)
    scored = sum(s for s, _ in visible.values()), sum(m for _, m in visible.values())
    lines = [f"Visible tests: {scored[0]:g} / {scored[1]:g}"]
    for name, (score, max_score) in visible.items():
        lines.append(f"  {name}: {score:g} / {max_score:g}")
    if any(test.visibility != "visible" for test in run.tests):
        lines.append("Hidden tests were graded too; their results and your total score "
                     "appear when grades are published.")
    if run.output:
        lines += ["", run.output]
    return "\n".join(lines)


def dumps(document) -> str:
    """Strict JSON: no NaN or Infinity (the result model holds finite numbers only)."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def write(run: RunResult, path: str | Path) -> None:
    """Write results.json atomically: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(dumps(to_gradescope(run)) + "\n", encoding="utf-8")
    temporary.replace(path)
