"""Checks shared by the visible and hidden conv_as_matrix tests.

Each check grades one function on one case. ``conv2d_as_matmul`` and
``conv2d_transpose_as_matmul`` are given the reference's matrix in place of the student's
``conv_matrix``: a mistake there is graded once, in the ``conv_matrix`` tests.
"""

from __future__ import annotations

import numpy as np

from autograder.compare import Mismatch, assert_close
from autograder.probes import conv_as_matrix as probes
from autograder.suites.conv_as_matrix.cases import Case


def conv_matrix(student, reference, rng: np.random.Generator, case: Case) -> None:
    kernel = case.kernel(rng)
    arguments = (kernel, case.input_shape, *case.args())
    got = student.call("conv_matrix", *arguments)
    want = reference.call("conv_matrix", *arguments)
    try:
        assert_close(got, want, what=case.describe("conv_matrix"))
    except Mismatch as mismatch:
        raise Mismatch(f"{mismatch}\n{_pixel_hint(got, want, case)}") from None


def conv2d_as_matmul(student, reference, rng: np.random.Generator, case: Case) -> None:
    x, kernel = case.image(rng), case.kernel(rng)
    matrix = reference.call("conv_matrix", kernel, case.input_shape, *case.args())
    got = student.run(probes.conv2d_with_matrix, x, kernel, *case.args(), matrix)
    want = reference.run(probes.tf_conv2d, x, kernel, *case.args())
    assert_close(got, want, what=case.describe("conv2d_as_matmul") + " vs tf.nn.conv2d")


def conv2d_goes_through_conv_matrix(student, rng: np.random.Generator, case: Case) -> None:
    x, kernel = case.image(rng), case.kernel(rng)
    rows = int(np.prod(case.output_shape))
    matrix = rng.standard_normal((rows, x.size)).astype(np.float32)  # not a convolution
    got = student.run(probes.conv2d_with_matrix, x, kernel, *case.args(), matrix)
    want = (matrix @ x.reshape(-1)).reshape(case.output_shape)
    assert_close(got, want, what="conv2d_as_matmul must multiply by the matrix that "
                 "conv_matrix returns; given another matrix, its result did not follow")


def conv2d_transpose(student, reference, rng: np.random.Generator, case: Case) -> None:
    y, kernel = case.output(rng), case.kernel(rng)
    matrix = reference.call("conv_matrix", kernel, case.input_shape, *case.args())
    got = student.run(probes.conv2d_transpose_with_matrix, y, kernel, case.input_shape,
                      *case.args(), matrix)
    want = reference.run(probes.tf_conv2d_transpose, y, kernel, case.input_shape,
                         *case.args())
    assert_close(got, want, what=case.describe("conv2d_transpose_as_matmul")
                 + " vs tf.nn.conv2d_transpose")


def conv_matrix_multichannel(student, reference, rng: np.random.Generator, case: Case
                             ) -> None:
    kernel = rng.standard_normal((case.kh, case.kw, case.channels_in, case.channels_out)
                                 ).astype(np.float32)
    x = rng.standard_normal((*case.input_shape, case.channels_in)).astype(np.float32)
    shape_in = (*case.input_shape, case.channels_in)
    what = (f"conv_matrix_multichannel(kernel {kernel.shape}, input {shape_in}, "
            f"stride={case.stride}, padding={case.padding!r})")
    got = student.call("conv_matrix_multichannel", kernel, shape_in, *case.args())
    rows, columns = int(np.prod(case.output_shape)) * case.channels_out, x.size
    if got.shape != (rows, columns):
        raise Mismatch(f"{what}: shape {got.shape}, expected {(rows, columns)} "
                       "= (Ho * Wo * Cout, H * W * Cin)")
    applied = (got.astype(np.float64) @ x.reshape(-1)).reshape(*case.output_shape, -1)
    want = reference.run(probes.tf_conv2d_multichannel, x, kernel, *case.args())
    assert_close(applied, want, what=f"{what} @ x.reshape(-1) vs tf.nn.conv2d")
    assert_close(got, reference.call("conv_matrix_multichannel", kernel, shape_in,
                                     *case.args()), what=what)


def _pixel_hint(got: np.ndarray, want: np.ndarray, case: Case) -> str:
    """Translate the worst matrix entry into the output and input pixels it connects."""
    if got.shape != want.shape:
        return ("  hint: C has one row per output pixel (Ho * Wo rows) and one column per "
                "input pixel (H * W columns)")
    row, column = np.unravel_index(int(np.argmax(np.abs(got - want))), got.shape)
    out_w, width = case.output_shape[1], case.width
    return (f"  hint: entry [{row}, {column}] is the weight of input pixel "
            f"({column // width}, {column % width}) in output pixel "
            f"({row // out_w}, {row % out_w})")
