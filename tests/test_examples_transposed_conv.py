"""Does the partial example lose exactly the transposed_conv tests of its mistakes?
(The perfect, stub and broken examples: test_examples.py.)"""

from __future__ import annotations

from conftest import module_results, outcomes

NAME = "transposed_conv"
TOTAL = 30

#: The partial example's three mistakes, and the tests each one must fail.
PARTIAL_FAILS = {
    # Keras' default output_padding forgotten for "valid" kernels shorter than the stride
    "test_conv_transpose_output_length[valid-output_padding-none]",
    # the kernel read as (kh, kw, Cin, Cout): right only with one channel in and out
    "test_conv2d_transpose[2x3x4x3-k3x3to2-s2-same]",
    "test_conv2d_transpose[2x3x3x2-k2x2to3-s1-valid]",
    "test_conv2d_transpose[3x4x3x2-k2x4to4-s3-valid]",
    "test_conv2d_transpose[2x5x5x1-k3x3to2-s2-valid]",
    "test_conv2d_transpose[2x4x5x3-k3x3to3-s2-same-op1]",
    "test_conv2d_transpose[1x3x6x2-k4x4to1-s2-same-op1]",
    "test_conv2d_transpose[2x4x4x2-k4x4to2-s2-same]",
    "test_conv2d_transpose[1x2x3x4-k5x5to2-s3-valid-op2]",
    "test_conv2d_transpose[2x5x5x3-k1x1to1-s2-valid]",
    # no sigmoid at the end of the decoder
    "test_build_upsampling_decoder_range",
}


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (the lengths inside conv2d_transpose are
    Keras', so the length mistake does not spread)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == TOTAL - len(PARTIAL_FAILS)  # every failed test is worth 1
