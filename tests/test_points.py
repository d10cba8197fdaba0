"""How a suite spreads its points: a public answer can only ever be worth a little.

A visible test that compares with the reference on fixed inputs (the lecture's worked
example, a fixed list of cases) has the same expected value in the self-check's recordings,
which students have, and in official grading: pasting the recorded answer passes it. Such
answers are public anyway (the lecture shows its example), so the rule is that they are
worth little: at most 2 points a test, and every function such a test checks gets at least
half of its points from hidden tests, whose inputs students never see (drawn from the
course seed, or cases that are not published).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import warnings
from collections import defaultdict

import pytest
from conftest import REPO

from autograder.assignments import ASSIGNMENTS

MAX_FIXED_POINTS = 2
#: fixtures whose values come from the seed: official grading draws other inputs
SEEDED = {"rng", "test_seed"}


def functions_of(assignment: str) -> list[str]:
    """The stub's functions and classes, longest name first (so that a test of
    ``conv_matrix_multichannel`` is not counted as one of ``conv_matrix``)."""
    stub = ast.parse((REPO / "assignments" / assignment / f"{assignment}.py").read_text())
    names = [node.name for node in stub.body
             if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    return sorted(names, key=len, reverse=True)


def suite_tests(assignment: str):
    """(visibility, test name, points of all its parametrized cases, its fixtures)."""
    for visibility in ("visible", "hidden"):
        with warnings.catch_warnings():  # the suites' marks are registered in their own ini
            warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
            module = importlib.import_module(
                f"autograder.suites.{assignment}.test_{visibility}")
        for name, function in vars(module).items():
            if not name.startswith("test_") or not inspect.isfunction(function):
                continue
            marks = getattr(function, "pytestmark", [])
            points, = [mark.args[0] for mark in marks if mark.name == "points"]
            for mark in marks:
                if mark.name == "parametrize":
                    points *= len(list(mark.args[1]))
            yield visibility, name, points, set(inspect.signature(function).parameters)


def public_answers(visibility: str, fixtures: set[str]) -> bool:
    """Is this test's expected value the same in the self-check and in official grading?"""
    return visibility == "visible" and "reference" in fixtures and not fixtures & SEEDED


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_a_public_answer_is_worth_little(assignment):
    names = functions_of(assignment)
    points = defaultdict(lambda: {"fixed": 0, "hidden": 0, "all": 0})
    fixed_tests = []
    for visibility, test, worth, fixtures in suite_tests(assignment):
        function = next((n for n in names if test.removeprefix("test_").startswith(n)), test)
        points[function]["all"] += worth
        points[function]["hidden"] += worth if visibility == "hidden" else 0
        if public_answers(visibility, fixtures):
            points[function]["fixed"] += worth
            fixed_tests.append((test, worth))
    assert all(worth <= MAX_FIXED_POINTS for _, worth in fixed_tests), fixed_tests
    for function, share in points.items():
        if share["fixed"]:
            assert 2 * share["hidden"] >= share["all"], (function, share)
    if assignment == "conv_as_matrix":  # the tests can see what they count
        assert ("test_conv_matrix_lecture_example", 2) in fixed_tests
        assert points["conv_matrix"] == {"fixed": 2, "hidden": 8, "all": 12}
