"""Visible tests: students run these themselves with ``autograder check conv_as_matrix``."""

from __future__ import annotations

import pytest

from autograder.compare import assert_close
from autograder.probes import conv_as_matrix as probes
from autograder.suites.conv_as_matrix import checks
from autograder.suites.conv_as_matrix.cases import (
    LECTURE_IMAGE,
    LECTURE_KERNEL,
    LECTURE_OUTPUT,
    Case,
)

VISIBLE = [Case(5, 5, 3, 3), Case(6, 7, 2, 3, 2, "same")]
VISIBLE_MULTICHANNEL = [Case(5, 4, 3, 3, 1, "valid", 2, 3)]

pytestmark = pytest.mark.visibility("visible")


@pytest.mark.points(2)
def test_conv_matrix_lecture_example(student, reference, figures):
    """Does conv_matrix build the lecture's 4x16 matrix for the 3x3 kernel on a 4x4 image?"""
    got = student.call("conv_matrix", LECTURE_KERNEL, (4, 4))
    figures.add("your conv_matrix of the lecture's 3x3 kernel on a 4x4 image", {"C": got})
    want = reference.call("conv_matrix", LECTURE_KERNEL, (4, 4))
    assert_close(got, want, what="conv_matrix(lecture kernel, (4, 4))")


@pytest.mark.points(2)
def test_conv2d_as_matmul_lecture_example(student, reference):
    """Does conv2d_as_matmul give the lecture's output [[57, 50], [66, 61]]?"""
    matrix = reference.call("conv_matrix", LECTURE_KERNEL, (4, 4))
    got = student.run(probes.conv2d_with_matrix, LECTURE_IMAGE, LECTURE_KERNEL, 1, "valid",
                      matrix)
    assert_close(got, LECTURE_OUTPUT, what="conv2d_as_matmul(lecture image, lecture kernel)")


@pytest.mark.points(2)
def test_conv2d_transpose_as_matmul_lecture_example(student, reference):
    """Does conv2d_transpose_as_matmul map the lecture's 2x2 output back to 4x4 like TF?"""
    matrix = reference.call("conv_matrix", LECTURE_KERNEL, (4, 4))
    got = student.run(probes.conv2d_transpose_with_matrix, LECTURE_OUTPUT, LECTURE_KERNEL,
                      (4, 4), 1, "valid", matrix)
    want = reference.run(probes.tf_conv2d_transpose, LECTURE_OUTPUT, LECTURE_KERNEL, (4, 4),
                         1, "valid")
    assert_close(got, want, what="conv2d_transpose_as_matmul(lecture output, lecture "
                 "kernel, (4, 4)) vs tf.nn.conv2d_transpose")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", VISIBLE, ids=str)
def test_conv_matrix(student, reference, rng, case):
    """Does conv_matrix give the matrix of tf.nn.conv2d?"""
    checks.conv_matrix(student, reference, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", VISIBLE, ids=str)
def test_conv2d_as_matmul(student, reference, rng, case):
    """Does conv2d_as_matmul equal tf.nn.conv2d?"""
    checks.conv2d_as_matmul(student, reference, rng, case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", VISIBLE, ids=str)
def test_conv2d_transpose_as_matmul(student, reference, rng, case):
    """Does conv2d_transpose_as_matmul equal tf.nn.conv2d_transpose?"""
    checks.conv2d_transpose(student, reference, rng, case)


@pytest.mark.points(2)
@pytest.mark.parametrize("case", VISIBLE_MULTICHANNEL, ids=str)
def test_conv_matrix_multichannel(student, reference, rng, case):
    """Does conv_matrix_multichannel give the matrix of a multi-channel tf.nn.conv2d?"""
    checks.conv_matrix_multichannel(student, reference, rng, case)
