"""Visible tests: students run these themselves with ``autograder check upsampling``."""

from __future__ import annotations

import pytest

from autograder.suites.upsampling import cases, checks

VISIBLE_OVERLAPS = [(5, 3, 1), (4, 2, 3)]
VISIBLE_UPSAMPLE = [((2, 3, 4, 2), 2), ((1, 2, 3, 3), 3)]  # (x shape, size)
VISIBLE_RESIZE = (4, 3, 2, (5, 5, 3))  # (filters, kernel_size, size, input shape)

pytestmark = pytest.mark.visibility("visible")


@pytest.mark.points(2)
def test_overlap_count_lecture_example(student, reference):
    """Kernel 3, stride 2 gives 1-1-2-1-2-1-1; kernel 4, stride 2 is even (2) inside?"""
    for n, kernel_size, stride in cases.LECTURE_OVERLAPS:
        checks.overlap_count(student, reference, n, kernel_size, stride)


@pytest.mark.points(2)
def test_overlap_count_2d_lecture_example(student, reference):
    """Does overlap_count_2d give the lecture's 1-2-4 lattice for kernel 3, stride 2?"""
    checks.overlap_count_2d(student, reference, *cases.LECTURE_OVERLAP_2D)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", VISIBLE_OVERLAPS, ids=cases.case_id)
def test_overlap_count(student, reference, case):
    """Does overlap_count count the stamps on each output position?"""
    checks.overlap_count(student, reference, *case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", VISIBLE_UPSAMPLE, ids=cases.case_id)
def test_nearest_upsample(student, reference, rng, case):
    """Does nearest_upsample equal UpSampling2D(interpolation="nearest")?"""
    checks.nearest_upsample(student, reference, rng, *case)


@pytest.mark.points(2)
def test_resize_conv_layers(student):
    """Is resize_conv exactly [UpSampling2D(nearest), Conv2D(padding="same")]?"""
    checks.resize_conv_layers(student, *VISIBLE_RESIZE)


@pytest.mark.points(1)
def test_resize_conv_output(student, reference, rng):
    """Given its Conv2D's weights, does resize_conv compute what the contract's layers do?"""
    checks.resize_conv_output(student, reference, rng, *VISIBLE_RESIZE)


@pytest.mark.points(1)
def test_checkerboard_score_of_a_flat_image(student, reference, rng):
    """Does a constant image score 0?"""
    checks.score(student, reference, cases.constant(rng), "a constant 14x14 image")


@pytest.mark.points(1)
def test_checkerboard_score_of_a_checkerboard(student, reference, rng):
    """Does a pure checkerboard (+a, -a alternating) score 1 (up to EPS)?"""
    checks.score(student, reference, cases.checkerboard(rng), "a 12x16 checkerboard")


@pytest.mark.points(2)
def test_checkerboard_score_transposed_vs_resized_constant(student, reference, rng):
    """Does a constant image upsampled by Conv2DTranspose score above its resize-conv (0)?"""
    checks.transposed_scores_above_resized(student, reference, cases.constant(rng),
                                           "a constant 14x14 image")
