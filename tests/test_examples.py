"""Is every example graded on every module it holds, with the outcome its name promises?

Here, for every assignment: the perfect example (correct, written differently from the
reference) gets every point, the stub gets zero as "not implemented", and the broken example
is "not gradable" with the interpreter's reason. Which tests each of the partial example's
mistakes must fail lives in ``test_examples_<assignment>.py``.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, module_results, outcomes

from autograder import assignments as registry

#: Each assignment's number of tests and of points, and why its broken example won't import.
EXPECTED = {
    "conv_as_matrix": (30, 34, "SyntaxError: expected ':'"),
    "transposed_conv": (25, 30, "NameError: name 'keras' is not defined"),
    "upsampling": (29, 34, "ModuleNotFoundError: No module named 'keras_contrib'"),
    "autoencoder": (24, 32, "ImportError: cannot import name 'Conv2DTransposed'"),
    "vae": (36, 48, "ModuleNotFoundError: No module named 'tensorflow_probability'"),
    "gan": (28, 36, "ModuleNotFoundError: No module named 'tensorflow_gan'"),
}


def test_every_assignment_has_its_expectations():
    assert set(EXPECTED) == set(registry.ASSIGNMENTS)


@pytest.mark.parametrize("name", EXPECTED)
def test_perfect_scores_full_marks(graded_examples, name):
    tests, points, _ = EXPECTED[name]
    results = module_results(graded_examples["perfect"], name)
    assert len(results["tests"]) == tests
    assert sum(t["max_score"] for t in results["tests"]) == results["score"] == points
    assert set(outcomes(results).values()) == {"passed"}


def zero_of_everything(graded_examples: dict, example: str, name: str) -> list[dict]:
    """The example's tests of ``name``: all of them there, all their points, none earned."""
    tests, points, _ = EXPECTED[name]
    results = module_results(graded_examples[example], name)
    assert results["score"] == 0 and len(results["tests"]) == tests
    assert sum(t["max_score"] for t in results["tests"]) == points
    return results["tests"]


@pytest.mark.parametrize("name", EXPECTED)
def test_stub_scores_zero_as_not_implemented(graded_examples, name):
    tests = zero_of_everything(graded_examples, "stub", name)
    assert all(t["output"].startswith("not implemented") for t in tests)


@pytest.mark.parametrize("name", EXPECTED)
def test_broken_is_not_gradable_with_the_interpreters_reason(graded_examples, name):
    """Every test says so, with the interpreter's reason."""
    for test in zero_of_everything(graded_examples, "broken", name):
        assert test["output"].startswith(f"not gradable: {name}.py could not be imported")
        assert EXPECTED[name][2] in test["output"]


def test_every_example_was_graded(graded_examples):
    assert set(graded_examples) == {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    for name, results in graded_examples.items():
        held = {p.stem for p in (EXAMPLES / name).glob("*.py")}
        assert set(results["extra_data"]["scores"]) == held & set(registry.ASSIGNMENTS), name
        assert all(t["name"].startswith(f"{t['extra_data']['assignment']}: ")
                   for t in results["tests"])


def test_perfect_holds_every_assignment_and_scores_full_marks(graded_examples):
    results = graded_examples["perfect"]
    assert set(results["extra_data"]["scores"]) == set(registry.ASSIGNMENTS)
    assert results["score"] == results["extra_data"]["max_score"] > 0


def test_stub_holds_every_assignment_and_scores_zero_as_not_implemented(graded_examples):
    results = graded_examples["stub"]
    assert set(results["extra_data"]["scores"]) == set(registry.ASSIGNMENTS)
    assert results["score"] == 0
    assert all("not implemented" in t["output"] for t in results["tests"])


def test_partial_earns_some_but_not_all_of_each_assignment(graded_examples):
    results = graded_examples["partial"]
    for assignment in results["extra_data"]["scores"]:
        part = module_results(results, assignment)
        maximum = sum(t["max_score"] for t in part["tests"])
        assert 0 < part["score"] < maximum, assignment


def test_results_record_seed_versions_and_hash(graded_examples):
    """Official grading records the course's secret seed, not the self-check's public one."""
    from autograder import paths
    from autograder.session import DEFAULT_SEED

    assert paths.course_seed() not in (None, DEFAULT_SEED)
    for results in graded_examples.values():
        extra = results["extra_data"]
        assert extra["seed"] == paths.course_seed()
        assert {"python", "numpy", "tensorflow", "keras"} <= set(extra["versions"])
        assert len(extra["submission_hash"]) == 64
