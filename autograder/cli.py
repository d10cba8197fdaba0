"""Command line: ``python -m autograder {grade,check,build} ...``.

A thin layer: each verb's ``main(*, ...)`` does the work and is the Python API too.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder import paths
from autograder.errors import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder", description="Grade the generative deep learning assignments.")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    # Every verb takes --course: given after the verb, where a TA would type it.
    course = argparse.ArgumentParser(add_help=False)
    course.add_argument("--course", metavar="DIR",
                        help="the course folder (solutions/, assignments/, data/); default: "
                             f"${paths.COURSE_VARIABLE}, else the current folder or the "
                             "nearest one above it that holds a course")

    grade = verbs.add_parser("grade", parents=[course],
                             help="grade submissions against the reference solutions")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                       help="a folder or .zip holding any of the assignment modules")
    grade.add_argument("--assignment", action="append", dest="assignments", metavar="NAME",
                       help="grade only this assignment (repeatable); default: every "
                            "module found")
    grade.add_argument("--results", metavar="FILE", help="write Gradescope results.json here")
    grade.add_argument("--junit", metavar="FILE", help="write JUnit XML here")
    grade.add_argument("--format", choices=("table", "json", "md"), default="table",
                       help="what to print (default: table)")
    grade.add_argument("--html", metavar="FILE", help="write an HTML report with figures here")
    grade.add_argument("--markdown", metavar="FILE", help="write a Markdown summary here")
    grade.add_argument("--seed", type=int, default=None,
                       help="base seed (default: the course seed, solutions/course_seed.txt)")
    grade.add_argument("--time-scale", type=float, default=1.0, metavar="X",
                       help="multiply every time limit by X (e.g. 2 on a slow machine)")
    grade.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                       help="CPU time the workers of each whole submission may use, all its "
                            "assignments together; past it the remaining tests fail at once "
                            "and every report is still written (default: 480; 0: none)")
    grade.add_argument("--budget-wall", type=float, default=None, metavar="SECONDS",
                       help="the budget's wall-clock cap on each submission's grading, for "
                            "calls that sleep or block (default: 5 times --budget; the "
                            "Gradescope bundle sets 480, to fit its 10-minute timeout)")
    grade.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="assignments graded at once, each in its own process (default: "
                            "the usable cores; the scores are the same for any N)")

    check = verbs.add_parser("check", parents=[course],
                             help="self-check: visible tests, recorded answers")
    check.add_argument("name", metavar="NAME", help="assignment, e.g. conv_as_matrix")
    check.add_argument("--submission", metavar="DIR",
                       help="folder holding your module (default: assignments/NAME)")
    check.add_argument("--only", metavar="EXPR",
                       help="only tests matching this pytest -k expression, e.g. conv_matrix")

    build = verbs.add_parser("build", parents=[course],
                             help="regenerate assignments/ from solutions/")
    build.add_argument("names", nargs="*", metavar="NAME", help="default: all")
    build.add_argument("--out", metavar="DIR", help="write here instead of assignments/")
    build.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="assignments built at once, each in its own process (default: "
                            "the usable cores; the files are the same for any N)")

    release = verbs.add_parser("release", parents=[course],
                               help="write the student release into a new folder")
    release.add_argument("out", metavar="DIR")

    batch = verbs.add_parser("batch", parents=[course],
                             help="grade a folder of submissions into a gradebook")
    batch.add_argument("submissions_dir", metavar="SUBMISSIONS_DIR",
                       help="one folder or .zip per student")
    batch.add_argument("--out", metavar="DIR", required=True,
                       help="gradebook.csv, per-student reports; run again to resume")
    batch.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="assignments graded at once, each in its own process, taken "
                            "from the students in turn (default: the usable cores; the "
                            "scores are the same for any N)")
    batch.add_argument("--assignment", action="append", dest="assignments", metavar="NAME",
                       help="grade only this assignment (repeatable); default: all")
    batch.add_argument("--student", action="append", dest="students", metavar="ID",
                       help="grade only this student of the folder (repeatable; a CI matrix "
                            "job grades one); default: everyone")

    bundle = verbs.add_parser("gradescope", parents=[course],
                              help="write a Gradescope autograder bundle")
    bundle.add_argument("names", nargs="+", metavar="NAME")
    bundle.add_argument("--out", metavar="FILE.zip", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - pip may be bypassed: say it in one line
        print(f"autograder: error: Python {sys.version.split()[0]} is too old; the grader "
              "needs Python 3.11 to 3.13 (Keras 3.15)", file=sys.stderr)
        return 2
    if os.environ.get("AUTOGRADER_DIE_WITH_PARENT") == "1":  # set by `batch` for its children
        from autograder.worker.lifetime import die_with_parent

        die_with_parent()
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.course:  # absolute, so that children in other folders see the same
            os.environ[paths.COURSE_VARIABLE] = str(Path(arguments.course).resolve())
        if arguments.verb == "grade":
            from autograder import grade

            budget = grade.main.__kwdefaults__["budget"] if arguments.budget is None \
                else arguments.budget
            return grade.main(
                budget=budget, budget_wall=arguments.budget_wall,
                submissions=arguments.submissions, assignments=arguments.assignments,
                results=arguments.results, junit_file=arguments.junit, fmt=arguments.format,
                seed=arguments.seed,
                html_file=arguments.html, markdown_file=arguments.markdown,
                time_scale=arguments.time_scale,
                jobs=arguments.jobs)
        if arguments.verb == "check":
            from autograder import check

            return check.main(name=arguments.name, submission=arguments.submission,
                              only=arguments.only)
        if arguments.verb == "build":
            from autograder.build import pipeline

            return pipeline.main(names=arguments.names or None, out=arguments.out,
                                 jobs=arguments.jobs)
        if arguments.verb == "release":
            from autograder import release

            return release.main(out=arguments.out)
        if arguments.verb == "batch":
            from autograder import batch

            return batch.main(submissions_dir=arguments.submissions_dir, out=arguments.out,
                              jobs=arguments.jobs, assignments=arguments.assignments,
                              students=arguments.students)
        if arguments.verb == "gradescope":
            from autograder import gradescope_bundle

            return gradescope_bundle.main(names=arguments.names, out=arguments.out)
    except UsageError as error:
        print(f"autograder: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130
    raise AssertionError(f"unhandled verb {arguments.verb}")
