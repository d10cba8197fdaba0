"""Visible tests: students run these themselves with ``autograder check transposed_conv``."""

from __future__ import annotations

import pytest

from autograder.suites.transposed_conv import checks
from autograder.suites.transposed_conv.cases import (
    LECTURE_CONV,
    LECTURE_KERNEL,
    LECTURE_TRANSPOSE,
    LECTURE_Y,
    Case,
    conv_sweep,
    conv_transpose_sweep,
)

VISIBLE_CONV = conv_sweep([5, 6], [2, 3], [1, 2])
VISIBLE_TRANSPOSE = conv_transpose_sweep([3, 4], [2, 3], [1, 2])
VISIBLE = [Case(2, 3, 4, 3, 2, 3, 3, 2, "same"),
           Case(1, 4, 4, 1, 1, 3, 3, 2, "valid", 1),
           Case(2, 3, 3, 2, 3, 2, 2, 1, "valid")]

pytestmark = pytest.mark.visibility("visible")


@pytest.mark.points(1)
def test_conv_output_length_lecture_example(student, reference):
    """Does conv_output_length give Conv2D's lengths for the lecture's 28-pixel image?"""
    checks.lengths(student, reference, "conv_output_length", LECTURE_CONV)


@pytest.mark.points(2)
def test_conv_transpose_output_length_lecture_example(student, reference):
    """Do stride 1 give the shape back, stride 2 "almost" (27), and output_padding=1 fix it?"""
    checks.lengths(student, reference, "conv_transpose_output_length", LECTURE_TRANSPOSE)


@pytest.mark.points(1)
def test_conv_output_length(student, reference):
    """Does conv_output_length match Conv2D for both paddings, strides 1-2, kernels 2-3?"""
    checks.lengths(student, reference, "conv_output_length", VISIBLE_CONV)


@pytest.mark.points(2)
def test_conv_transpose_output_length(student, reference):
    """Does conv_transpose_output_length match Conv2DTranspose, output_padding included?"""
    checks.lengths(student, reference, "conv_transpose_output_length", VISIBLE_TRANSPOSE)


@pytest.mark.points(2)
def test_conv2d_transpose_lecture_example(student, reference):
    """Does conv2d_transpose stamp assignment 1's [[57, 50], [66, 61]] back like Keras?"""
    case = Case(1, 2, 2, 1, 1, 3, 3)
    checks.conv2d_transpose(student, reference, LECTURE_Y, LECTURE_KERNEL, case,
                            "conv2d_transpose(lecture output, lecture kernel)")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", VISIBLE, ids=str)
def test_conv2d_transpose(student, reference, rng, case):
    """Does conv2d_transpose equal Keras' Conv2DTranspose, batch and channels included?"""
    x, kernel = case.inputs(rng)
    checks.conv2d_transpose(student, reference, x, kernel, case, case.describe())


@pytest.mark.points(1)
def test_build_upsampling_decoder_shape(student, rng):
    """Does build_upsampling_decoder(16) map (N, 16) codes to (N, 28, 28, 1) images?"""
    checks.decoder_shape(checks.decoder(student, 16, rng), 16)


@pytest.mark.points(1)
def test_build_upsampling_decoder_range(student, rng):
    """Do the decoder's pixels stay in [0, 1], even for large codes?"""
    checks.decoder_range(checks.decoder(student, 16, rng, scale=10.0))


@pytest.mark.points(2)
def test_build_upsampling_decoder_layers(student, rng):
    """Does the decoder go Dense, Reshape to 7x7, then two stride-2 Conv2DTranspose?"""
    checks.decoder_layers(checks.decoder(student, 16, rng))


@pytest.mark.points(1)
def test_build_upsampling_decoder_trainable_and_size(student, rng):
    """Is the decoder trainable, with between 10 thousand and 2 million parameters?"""
    checks.decoder_trainable_and_size(checks.decoder(student, 16, rng))
