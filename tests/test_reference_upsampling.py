"""Is the upsampling reference right? Checked against Keras' layers and the handout."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import load_solution

from autograder.suites.upsampling.cases import BOX, DIGIT_14X14

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def reference():
    return load_solution("upsampling")


def test_overlap_counts_are_what_conv2dtranspose_stamps_on_ones(reference):
    """A kernel of ones on an input of ones writes, at each pixel, the number of stamps."""
    for (h, w), k, s in itertools.product([(1, 1), (3, 3), (4, 2)], [1, 2, 3, 4], [1, 2, 3]):
        layer = keras.layers.Conv2DTranspose(1, k, s, "valid", output_padding=0,
                                             kernel_initializer="ones", use_bias=False)
        stamped = keras.ops.convert_to_numpy(layer(np.ones((1, h, w, 1), np.float32)))
        counts = reference.overlap_count_2d((h, w), k, s)
        np.testing.assert_array_equal(counts, stamped[0, :, :, 0])
        np.testing.assert_array_equal(counts[:, 0], reference.overlap_count(h, k, s))


def test_the_lecture_lattices(reference):
    assert reference.overlap_count(3, 3, 2).tolist() == [1, 1, 2, 1, 2, 1, 1]
    assert reference.overlap_count(4, 4, 2).tolist() == [1, 1, 2, 2, 2, 2, 2, 2, 1, 1]
    lattice = reference.overlap_count_2d((3, 3), 3, 2)
    assert set(np.unique(lattice[1:-1, 1:-1])) == {1, 2, 4}


def test_nearest_upsample_equals_upsampling2d(reference):
    rng = np.random.default_rng(0)
    for shape, size in itertools.product([(2, 3, 4, 2), (1, 1, 5, 3)], [1, 2, 3, (2, 3)]):
        x = rng.standard_normal(shape).astype(np.float32)
        want = keras.layers.UpSampling2D(size, interpolation="nearest")(x)
        np.testing.assert_array_equal(reference.nearest_upsample(x, size), want)


def test_resize_conv_is_the_two_layers_of_the_contract(reference):
    model = reference.resize_conv(4, 3, 2)
    assert [type(layer).__name__ for layer in model.layers] == ["UpSampling2D", "Conv2D"]
    x = np.random.default_rng(1).standard_normal((2, 5, 6, 3)).astype(np.float32)
    y = keras.ops.convert_to_numpy(model(x))
    kernel, bias = model.layers[1].get_weights()
    conv = keras.layers.Conv2D(4, 3, padding="same")
    conv.build((2, 10, 12, 3))
    conv.set_weights([kernel, bias])
    up = keras.layers.UpSampling2D(2, interpolation="nearest")
    np.testing.assert_allclose(y, conv(up(x)), atol=1e-5)


def _upsampled_twice(reference, image):
    layer = keras.layers.Conv2DTranspose(1, 3, 2, "same", use_bias=False)
    layer.build((1, *image.shape, 1))
    layer.set_weights([BOX[:, :, None, None]])
    transposed = keras.ops.convert_to_numpy(layer(image[None, :, :, None]))[0, :, :, 0]
    model = reference.resize_conv(1, 3, 2)
    model(image[None, :, :, None])
    model.layers[1].set_weights([BOX[:, :, None, None], np.zeros(1, np.float32)])
    resized = keras.ops.convert_to_numpy(model(image[None, :, :, None]))[0, :, :, 0]
    return transposed, resized


def test_checkerboard_score_follows_its_definition(reference):
    """0 for phase-free images, 1 for pure patterns, and the handout's worked example."""
    rng = np.random.default_rng(2)
    assert reference.checkerboard_score(np.full((9, 11), 0.3)) == 0
    parity = np.indices((12, 16)).sum(axis=0) % 2
    assert reference.checkerboard_score(2.0 * parity - 1) == pytest.approx(1, abs=1e-7)
    blocks = rng.random((11, 9)).repeat(2, axis=0).repeat(2, axis=1)
    assert reference.checkerboard_score(blocks) == pytest.approx(0, abs=1e-12)
    worked = np.zeros((8, 8))
    worked[2:6, 2:6] = [[5, 3, 7, 5], [3, 2, 5, 4], [5, 3, 7, 5], [3, 2, 5, 4]]
    assert reference.checkerboard_score(worked) == pytest.approx(1.1875 / 2.1875)
    worked[0, 0], worked[7, 3] = 100, -50  # the border does not count
    assert reference.checkerboard_score(worked) == pytest.approx(1.1875 / 2.1875)


def test_the_handouts_scores(reference):
    """Constant image: lattice (1) against flat (0); the digit: 0.226 against 0.00003."""
    transposed, resized = _upsampled_twice(reference, np.full((14, 14), 0.5, np.float32))
    assert reference.checkerboard_score(transposed) == pytest.approx(0.999997, abs=1e-6)
    assert reference.checkerboard_score(resized) == 0
    transposed, resized = _upsampled_twice(reference, DIGIT_14X14)
    assert reference.checkerboard_score(transposed) == pytest.approx(0.2257, abs=1e-4)
    assert reference.checkerboard_score(resized) == pytest.approx(3.08e-5, abs=1e-7)
    assert reference.checkerboard_score(DIGIT_14X14) == pytest.approx(0.00117, abs=1e-5)
