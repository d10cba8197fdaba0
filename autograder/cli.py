"""Command line: ``python -m autograder {grade,check,build} ...``.

A thin layer: each verb's ``main(*, ...)`` does the work and is the Python API too.
"""

from __future__ import annotations

import argparse
import sys

from autograder.errors import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder", description="Grade the generative deep learning assignments.")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")

    grade = verbs.add_parser("grade", help="grade submissions against the reference solutions")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                       help="a folder or .zip holding any of the assignment modules")
    grade.add_argument("--assignment", action="append", dest="assignments", metavar="NAME",
                       help="grade only this assignment (repeatable); default: every "
                            "module found")
    grade.add_argument("--results", metavar="FILE", help="write Gradescope results.json here")
    grade.add_argument("--junit", metavar="FILE", help="write JUnit XML here")
    grade.add_argument("--format", choices=("table", "json", "md"), default="table",
                       help="what to print (default: table)")
    grade.add_argument("--seed", type=int, default=None, help="base seed (default: fixed)")

    check = verbs.add_parser("check", help="self-check: visible tests, recorded answers")
    check.add_argument("name", metavar="NAME", help="assignment, e.g. conv_as_matrix")
    check.add_argument("--submission", metavar="DIR",
                       help="folder holding your module (default: assignments/NAME)")
    check.add_argument("--only", metavar="EXPR",
                       help="only tests matching this pytest -k expression, e.g. conv_matrix")

    build = verbs.add_parser("build", help="regenerate assignments/ from solutions/")
    build.add_argument("names", nargs="*", metavar="NAME", help="default: all")
    build.add_argument("--out", metavar="DIR", help="write here instead of assignments/")

    release = verbs.add_parser("release", help="write the student release into a new folder")
    release.add_argument("out", metavar="DIR")

    bundle = verbs.add_parser("gradescope", help="write a Gradescope autograder bundle")
    bundle.add_argument("names", nargs="+", metavar="NAME")
    bundle.add_argument("--out", metavar="FILE.zip", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.verb == "grade":
            from autograder import grade
            from autograder.session import DEFAULT_SEED

            return grade.main(
                submissions=arguments.submissions, assignments=arguments.assignments,
                results=arguments.results, junit_file=arguments.junit, fmt=arguments.format,
                seed=DEFAULT_SEED if arguments.seed is None else arguments.seed)
        if arguments.verb == "check":
            from autograder import check

            return check.main(name=arguments.name, submission=arguments.submission,
                              only=arguments.only)
        if arguments.verb == "build":
            from autograder.build import pipeline

            return pipeline.main(names=arguments.names or None, out=arguments.out)
        if arguments.verb == "release":
            from autograder import release

            return release.main(out=arguments.out)
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
