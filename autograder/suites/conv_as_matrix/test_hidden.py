"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import pytest

from autograder.suites.conv_as_matrix import checks
from autograder.suites.conv_as_matrix.cases import Case

# Hidden cases live here, not in cases.py: the student release drops this file whole.
#: Odd and even kernels, non-square images, strides 1 to 3, both paddings.
HIDDEN_MATRIX = [
    Case(7, 5, 3, 3, 1, "same"),
    Case(6, 6, 4, 4, 2, "valid"),
    Case(8, 5, 2, 2, 2, "same"),
    Case(9, 7, 3, 2, 3, "valid"),
    Case(7, 8, 5, 3, 3, "same"),
    Case(4, 6, 1, 1, 1, "valid"),
    Case(5, 9, 4, 2, 1, "same"),
    Case(10, 6, 3, 3, 2, "valid"),
]
HIDDEN_MATMUL = [Case(7, 5, 3, 3, 1, "same"), Case(8, 6, 4, 2, 2, "valid"),
                 Case(9, 7, 3, 3, 3, "same"), Case(6, 9, 2, 5, 1, "valid")]
#: Stride 2 "valid" is the lecture's "almost the same shape" case.
HIDDEN_TRANSPOSE = [Case(7, 7, 3, 3, 2, "valid"), Case(8, 8, 4, 4, 2, "same"),
                    Case(9, 6, 3, 2, 3, "same"), Case(5, 7, 2, 3, 1, "valid")]
HIDDEN_MULTICHANNEL = [Case(6, 5, 2, 3, 2, "same", 3, 2), Case(7, 7, 3, 3, 2, "valid", 1, 4),
                       Case(5, 6, 4, 4, 3, "same", 2, 2)]

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
def test_conv2d_as_matmul_goes_through_conv_matrix(student, rng, case):
    """Does conv2d_as_matmul multiply by the matrix that conv_matrix returns?"""
    checks.conv2d_goes_through_conv_matrix(student, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_TRANSPOSE, ids=str)
def test_conv2d_transpose_as_matmul(student, reference, rng, case):
    """Does conv2d_transpose_as_matmul equal tf.nn.conv2d_transpose here?"""
    checks.conv2d_transpose(student, reference, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_MULTICHANNEL, ids=str)
def test_conv_matrix_multichannel(student, reference, rng, case):
    """Does conv_matrix_multichannel handle these channels, stride and padding?"""
    checks.conv_matrix_multichannel(student, reference, rng, case)
