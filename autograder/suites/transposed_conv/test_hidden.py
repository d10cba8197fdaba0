"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import pytest

from autograder.suites.transposed_conv import checks
from autograder.suites.transposed_conv.cases import (
    PADDINGS,
    Case,
    conv_sweep,
    conv_transpose_sweep,
)

#: Odd and even kernels, kernels shorter than the stride, lengths down to 1.
HIDDEN_CONV = conv_sweep(range(1, 9), range(1, 6), [1, 2, 3])
HIDDEN_TRANSPOSE = {
    f"{padding}-output_padding-{kind}": conv_transpose_sweep(
        [1, 2, 3, 5], range(1, 6), [1, 2, 3], [padding], kind)
    for padding in PADDINGS for kind in ("none", "set")
}
HIDDEN = [Case(3, 4, 3, 2, 4, 2, 4, 3, "valid"),
          Case(2, 5, 5, 1, 2, 3, 3, 2, "valid"),
          Case(2, 4, 5, 3, 3, 3, 3, 2, "same", 1),
          Case(1, 3, 6, 2, 1, 4, 4, 2, "same", 1),
          Case(2, 4, 4, 2, 2, 4, 4, 2, "same"),
          Case(1, 2, 3, 4, 2, 5, 5, 3, "valid", 2),
          Case(2, 5, 5, 3, 1, 1, 1, 2, "valid")]

pytestmark = pytest.mark.visibility("hidden")


@pytest.mark.points(2)
def test_conv_output_length(student, reference):
    """Does conv_output_length match Conv2D on every accepted combination of a sweep?"""
    checks.lengths(student, reference, "conv_output_length", HIDDEN_CONV)


@pytest.mark.points(1)
@pytest.mark.parametrize("sweep", list(HIDDEN_TRANSPOSE))
def test_conv_transpose_output_length(student, reference, sweep):
    """Does conv_transpose_output_length match Conv2DTranspose over this sweep?"""
    checks.lengths(student, reference, "conv_transpose_output_length",
                   HIDDEN_TRANSPOSE[sweep])


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN, ids=str)
def test_conv2d_transpose(student, reference, rng, case):
    """Does conv2d_transpose equal Conv2DTranspose for this kernel, stride and padding?"""
    x, kernel = case.inputs(rng)
    checks.conv2d_transpose(student, reference, x, kernel, case, case.describe())


@pytest.mark.points(1)
def test_build_upsampling_decoder_other_latent_dim(student, rng):
    """Does build_upsampling_decoder(8) take codes of length 8 to (N, 28, 28, 1)?"""
    checks.decoder_shape(checks.decoder(student, 8, rng), 8)
