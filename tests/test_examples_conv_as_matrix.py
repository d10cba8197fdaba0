"""Does the partial example lose exactly the conv_as_matrix tests of its mistakes?
(The perfect, stub and broken examples: test_examples.py.)"""

from __future__ import annotations

from conftest import EXAMPLES, module_results, outcomes

NAME = "conv_as_matrix"
TOTAL = 34

#: The partial example's three mistakes, and the tests each one must fail.
PARTIAL_FAILS = {
    # "same" padding with the extra pad at the top/left: odd total padding only
    "test_conv_matrix[8x5-k2x2-s2-same]", "test_conv_matrix[7x8-k5x3-s3-same]",
    "test_conv_matrix[5x9-k4x2-s1-same]",
    # column-major reshape in the transpose
    "test_conv2d_transpose_as_matmul_lecture_example",
    "test_conv2d_transpose_as_matmul[5x5-k3x3-s1-valid]",
    "test_conv2d_transpose_as_matmul[6x7-k2x3-s2-same]",
    "test_conv2d_transpose_as_matmul[7x7-k3x3-s2-valid]",
    "test_conv2d_transpose_as_matmul[8x8-k4x4-s2-same]",
    "test_conv2d_transpose_as_matmul[9x6-k3x2-s3-same]",
    "test_conv2d_transpose_as_matmul[5x7-k2x3-s1-valid]",
    # channels-first columns (invisible with one input channel)
    "test_conv_matrix_multichannel[5x4-k3x3-s1-valid-c2to3]",
    "test_conv_matrix_multichannel[6x5-k2x3-s2-same-c3to2]",
    "test_conv_matrix_multichannel[5x6-k4x4-s3-same-c2to2]",
}

#: conv2d_as_matmul hangs for strides above 1; multichannel allocates 50 GB.
HOSTILE_TIMEOUTS = {"test_conv2d_as_matmul[6x7-k2x3-s2-same]",
                    "test_conv2d_as_matmul[8x6-k4x2-s2-valid]",
                    "test_conv2d_as_matmul[9x7-k3x3-s3-same]"}
HOSTILE_OUT_OF_MEMORY = {"test_conv_matrix_multichannel[5x4-k3x3-s1-valid-c2to3]",
                         "test_conv_matrix_multichannel[6x5-k2x3-s2-same-c3to2]",
                         "test_conv_matrix_multichannel[7x7-k3x3-s2-valid-c1to4]",
                         "test_conv_matrix_multichannel[5x6-k4x4-s3-same-c2to2]"}


def test_a_module_that_exits_while_imported_is_not_gradable(graded_examples):
    """sys.exit(0) at import time is no way out: every test says why, at zero points."""
    results = module_results(graded_examples["hostile_exit_at_import"], NAME)
    assert results["score"] == 0 and len(results["tests"]) == 30
    for test in results["tests"]:
        assert test["output"].startswith("not gradable: conv_as_matrix.py could not be imported")
        assert "exit code 0 while importing the module" in test["output"]


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (conv2d_as_matmul keeps its marks)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 19  # 15 points lost: two of the failed tests are worth 2


def test_hostile_tricks_are_contained_and_correct_code_still_scores(graded_examples):
    """Hang, memory bomb, fake score, forged results.json: each costs only its own tests."""
    results = module_results(graded_examples["hostile_tricks"], NAME)
    by_id = {t["extra_data"]["test_id"].split("::")[1]: t for t in results["tests"]}
    failed = {test for test, t in by_id.items() if t["status"] != "passed"}
    assert failed == HOSTILE_TIMEOUTS | HOSTILE_OUT_OF_MEMORY
    assert results["score"] == TOTAL - 3 - 5  # 1 point each, multichannel visible is 2
    for test in HOSTILE_TIMEOUTS:
        # "used more than 5 s of CPU time"; on a machine too busy to give it that in 25 s,
        # "did not finish within the wall-clock cap of 25 s ... of its 5 s of CPU time"
        assert "5 s of CPU time" in by_id[test]["output"]
        # A hang costs at most its wall-clock cap (5 x 5 s), plus a little to stop it.
        assert by_id[test]["extra_data"]["seconds"] < 5 * 5 + 2
    for test in HOSTILE_OUT_OF_MEMORY:
        assert by_id[test]["output"].startswith("out of memory")
    printed = by_id["test_conv_matrix_lecture_example"]["output"]
    assert "Your code printed:\nScore: 100/100" in printed  # shown as its output, nothing more
    assert not (EXAMPLES / "hostile_tricks" / "results.json").exists()
