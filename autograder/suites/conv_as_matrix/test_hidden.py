"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import pytest

from autograder.suites.conv_as_matrix import checks
from autograder.suites.conv_as_matrix.cases import (
    HIDDEN_MATMUL,
    HIDDEN_MATRIX,
    HIDDEN_MULTICHANNEL,
    HIDDEN_TRANSPOSE,
)

pytestmark = pytest.mark.visibility("hidden")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_MATRIX, ids=str)
def test_conv_matrix(student, reference, rng, case):
    """Does conv_matrix handle this kernel size, stride and padding?"""
    checks.conv_matrix(student, reference, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_MATMUL, ids=str)
def test_conv2d_as_matmul(student, reference, rng, case):
    """Does conv2d_as_matmul equal tf.nn.conv2d here?"""
    checks.conv2d_as_matmul(student, reference, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_MATMUL[:1], ids=str)
def test_conv2d_goes_through_conv_matrix(student, rng, case):
    """Does conv2d_as_matmul multiply by the matrix that conv_matrix returns?"""
    checks.conv2d_goes_through_conv_matrix(student, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_TRANSPOSE, ids=str)
def test_conv2d_transpose(student, reference, rng, case):
    """Does conv2d_transpose_as_matmul equal tf.nn.conv2d_transpose here?"""
    checks.conv2d_transpose(student, reference, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_MULTICHANNEL, ids=str)
def test_conv_matrix_multichannel(student, reference, rng, case):
    """Does conv_matrix_multichannel handle these channels, stride and padding?"""
    checks.conv_matrix_multichannel(student, reference, rng, case)
