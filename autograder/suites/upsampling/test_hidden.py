"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.suites.upsampling import cases, checks

#: Kernels shorter than the stride leave gaps (count 0); kernel 1, stride 1 is no overlap.
HIDDEN_OVERLAPS = [(1, 3, 2), (6, 4, 2), (4, 1, 2), (3, 5, 1)]
HIDDEN_OVERLAPS_2D = [((4, 3), 3, 2), ((2, 5), 4, 3), ((3, 3), 2, 2)]
HIDDEN_UPSAMPLE = [((2, 4, 3, 1), 4), ((1, 3, 5, 2), 1), ((3, 2, 2, 3), 2)]
HIDDEN_RESIZE = [(2, 5, 3, (4, 6, 1)), (3, 2, 2, (3, 4, 2))]

pytestmark = pytest.mark.visibility("hidden")


def noise(rng: np.random.Generator, shape=(23, 17)) -> np.ndarray:
    return rng.random(shape).astype(np.float32)


def blocky_noise(rng: np.random.Generator) -> np.ndarray:
    """Noise upsampled by repeating pixels (2x2 blocks): it has no period-2 phase at all."""
    return noise(rng, (11, 9)).repeat(2, axis=0).repeat(2, axis=1)


def period_3_pattern(rng: np.random.Generator, shape=(17, 20)) -> np.ndarray:
    """A random 3x3 tile repeated over the image, plus a little noise."""
    tile = rng.standard_normal((3, 3))
    tiled = np.tile(tile, (shape[0] // 3 + 1, shape[1] // 3 + 1))[:shape[0], :shape[1]]
    return (tiled + 0.3 * rng.standard_normal(shape)).astype(np.float32)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_OVERLAPS, ids=cases.case_id)
def test_overlap_count(student, reference, case):
    """Does overlap_count handle one input, gaps (kernel < stride) and stride 1?"""
    checks.overlap_count(student, reference, *case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_OVERLAPS_2D, ids=cases.case_id)
def test_overlap_count_2d(student, reference, case):
    """Does overlap_count_2d handle non-square inputs and other kernels and strides?"""
    checks.overlap_count_2d(student, reference, *case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_UPSAMPLE, ids=cases.case_id)
def test_nearest_upsample(student, reference, rng, case):
    """Does nearest_upsample equal UpSampling2D for sizes 1 to 4?"""
    checks.nearest_upsample(student, reference, rng, *case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_RESIZE, ids=cases.case_id)
def test_resize_conv_layers(student, case):
    """Does resize_conv pass on filters, kernel size and size?"""
    checks.resize_conv_layers(student, *case)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", HIDDEN_RESIZE, ids=cases.case_id)
def test_resize_conv_output(student, reference, rng, case):
    """Does resize_conv compute the contract's layers for other sizes (even kernel too)?"""
    checks.resize_conv_output(student, reference, rng, *case)


@pytest.mark.points(2)
def test_checkerboard_score_transposed_vs_resized_digit(student, reference):
    """Does a real handwritten digit upsampled by Conv2DTranspose score above its resize-conv?"""
    checks.transposed_scores_above_resized(student, reference, cases.DIGIT_14X14,
                                           "a handwritten 3")


@pytest.mark.points(1)
def test_checkerboard_score_of_blocks(student, reference, rng):
    """Does an image of 2x2 blocks (nearest upsampling) score 0, every phase once per block?"""
    checks.score(student, reference, blocky_noise(rng), "22x18 noise of 2x2 blocks")


@pytest.mark.points(1)
def test_checkerboard_score_of_noise(student, reference, rng):
    """Does an odd-sized noise image use exactly the defined interior and phases?"""
    checks.score(student, reference, noise(rng), "23x17 uniform noise")


@pytest.mark.points(1)
def test_checkerboard_score_period_3(student, reference, rng):
    """Does checkerboard_score use its period argument (a period-3 pattern)?"""
    checks.score(student, reference, period_3_pattern(rng), "a 17x20 period-3 pattern",
                 period=3)
