"""Is the reference solution right? Checked against TensorFlow itself, not against itself."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import load_solution

tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def reference():
    return load_solution("conv_as_matrix")


def test_lecture_example(reference):
    image = np.array([[2, 1, 0, 3], [0, 0, 1, 2], [3, 1, 2, 0], [0, 2, 2, 1]], np.float32)
    kernel = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    matrix = reference.conv_matrix(kernel, (4, 4))
    assert matrix.shape == (4, 16)
    assert matrix[0].tolist() == [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]
    assert reference.conv2d_as_matmul(image, kernel).tolist() == [[57, 50], [66, 61]]


SWEEP = [(h, w, kh, kw, s, p) for h, w, kh, kw, s, p in itertools.product(
    [5, 6], [4, 7], [1, 2, 3, 4], [2, 3], [1, 2, 3], ["valid", "same"]) if kh <= h and kw <= w]


def test_every_function_matches_tensorflow_over_a_sweep(reference):
    """Odd and even kernels, non-square images, strides 1-3, both paddings, 2-3 channels."""
    rng = np.random.default_rng(0)
    for h, w, kh, kw, s, p in SWEEP:
        x = rng.standard_normal((h, w)).astype(np.float32)
        k = rng.standard_normal((kh, kw)).astype(np.float32)
        want = tf.nn.conv2d(x[None, :, :, None], k[:, :, None, None], s, p.upper())
        np.testing.assert_allclose(reference.conv2d_as_matmul(x, k, s, p),
                                   want[0, :, :, 0], atol=1e-5)
        y = rng.standard_normal(want.shape[1:3]).astype(np.float32)
        want_t = tf.nn.conv2d_transpose(y[None, :, :, None], k[:, :, None, None],
                                        (1, h, w, 1), s, p.upper())
        np.testing.assert_allclose(reference.conv2d_transpose_as_matmul(y, k, (h, w), s, p),
                                   want_t[0, :, :, 0], atol=1e-5)
        big_k = rng.standard_normal((kh, kw, 2, 3)).astype(np.float32)
        big_x = rng.standard_normal((h, w, 2)).astype(np.float32)
        want_m = tf.nn.conv2d(big_x[None], big_k, s, p.upper())[0]
        matrix = reference.conv_matrix_multichannel(big_k, (h, w, 2), s, p)
        np.testing.assert_allclose((matrix @ big_x.reshape(-1)).reshape(want_m.shape), want_m,
                                   atol=1e-5)
