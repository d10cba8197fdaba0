"""Is every example graded on every module it holds, with the outcome its name promises?

Per-assignment expectations (which test each mistake must fail) live in
``test_examples_<assignment>.py``.
"""

from __future__ import annotations

from conftest import EXAMPLES, module_results

from autograder import assignments as registry


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
    for results in graded_examples.values():
        extra = results["extra_data"]
        assert extra["seed"] == 20261121
        assert {"python", "numpy", "tensorflow", "keras"} <= set(extra["versions"])
        assert len(extra["submission_hash"]) == 64
