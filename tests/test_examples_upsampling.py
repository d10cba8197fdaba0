"""Does the partial example lose exactly the upsampling tests of its mistakes?
(The perfect, stub and broken examples: test_examples.py.)"""

from __future__ import annotations

from conftest import module_results, outcomes

NAME = "upsampling"

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


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (overlap_count keeps its marks although
    overlap_count_2d is built on it)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 19  # 15 points lost: two of the failed tests are worth 2 each
