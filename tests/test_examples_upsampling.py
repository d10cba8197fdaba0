"""Does every example get exactly the upsampling outcome it deserves, test by test?"""

from __future__ import annotations

from conftest import module_results, outcomes

NAME = "upsampling"
TOTAL = 34

#: The partial example's three mistakes, and the tests each one must fail.
PARTIAL_FAILS = {
    # overlap_count_2d adds the two axes' counts instead of multiplying them
    "test_overlap_count_2d_lecture_example", "test_overlap_count_2d[4x3-k3-s2]",
    "test_overlap_count_2d[2x5-k4-s3]", "test_overlap_count_2d[3x3-k2-s2]",
    # np.tile repeats the image, not each pixel (right only for size 1)
    "test_nearest_upsample[2x3x4x2-size2]", "test_nearest_upsample[1x2x3x3-size3]",
    "test_nearest_upsample[2x4x3x1-size4]", "test_nearest_upsample[3x2x2x3-size2]",
    # checkerboard_score keeps the borders (flat, checkerboard and block images still pass)
    "test_checkerboard_score_transposed_vs_resized_constant",
    "test_checkerboard_score_transposed_vs_resized_digit",
    "test_checkerboard_score_of_noise", "test_checkerboard_score_period_3",
}


def test_perfect_scores_full_marks(graded_examples):
    """Does a correct solution written differently from the reference get everything?"""
    results = module_results(graded_examples["perfect"], NAME)
    assert sum(t["max_score"] for t in results["tests"]) == TOTAL
    assert set(outcomes(results).values()) == {"passed"}


def test_stub_scores_zero_as_not_implemented(graded_examples):
    results = module_results(graded_examples["stub"], NAME)
    assert results["score"] == 0 and len(results["tests"]) == 29
    assert all(t["output"].startswith("not implemented") for t in results["tests"])


def test_broken_is_not_gradable_with_the_interpreters_reason(graded_examples):
    """An import of a package that is not installed: every test says so, at zero points."""
    results = module_results(graded_examples["broken"], NAME)
    assert results["score"] == 0 and len(results["tests"]) == 29
    for test in results["tests"]:
        assert test["output"].startswith("not gradable: upsampling.py could not be imported")
        assert "ModuleNotFoundError: No module named 'keras_contrib'" in test["output"]


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (overlap_count keeps its marks although
    overlap_count_2d is built on it)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 19  # 15 points lost: two of the failed tests are worth 2 each
