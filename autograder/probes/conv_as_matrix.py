"""Probes for assignment 1, ``conv_as_matrix``.

``tf_*`` probes ignore the module: they compute TensorFlow's own answer, and run only on
the reference side (their values are recorded for the self-check like any other).
``*_with_matrix`` probes hand the student's function a known-good matrix in place of
their ``conv_matrix``, so a mistake in ``conv_matrix`` never costs the points of the
functions built on it.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import ModuleType

import numpy as np

from autograder.probes.common import hands_in_answers
from autograder.probes.convert import as_array


def tf_conv2d(module: ModuleType, x, kernel, stride: int, padding: str) -> np.ndarray:
    """``tf.nn.conv2d`` of one single-channel (H, W) image: shape (Ho, Wo)."""
    import tensorflow as tf

    result = tf.nn.conv2d(x[None, :, :, None], kernel[:, :, None, None], stride,
                          padding.upper())
    return result.numpy()[0, :, :, 0]


def tf_conv2d_transpose(module: ModuleType, y, kernel, output_shape, stride: int,
                        padding: str) -> np.ndarray:
    """``tf.nn.conv2d_transpose`` of one single-channel (Ho, Wo) map to ``output_shape``."""
    import tensorflow as tf

    height, width = output_shape
    result = tf.nn.conv2d_transpose(y[None, :, :, None], kernel[:, :, None, None],
                                    (1, height, width, 1), stride, padding.upper())
    return result.numpy()[0, :, :, 0]


def tf_conv2d_multichannel(module: ModuleType, x, kernel, stride: int, padding: str
                           ) -> np.ndarray:
    """``tf.nn.conv2d`` of one (H, W, Cin) image with a (kh, kw, Cin, Cout) kernel."""
    import tensorflow as tf

    return tf.nn.conv2d(x[None], kernel, stride, padding.upper()).numpy()[0]


@hands_in_answers
def conv2d_with_matrix(module: ModuleType, x, kernel, stride: int, padding: str, matrix
                       ) -> np.ndarray:
    """``conv2d_as_matmul`` with ``conv_matrix`` replaced by one returning ``matrix``."""
    with _conv_matrix_returning(module, matrix):
        result = module.conv2d_as_matmul(x, kernel, stride, padding)
    return as_array(result, what="conv2d_as_matmul(...)")


@hands_in_answers
def conv2d_transpose_with_matrix(module: ModuleType, y, kernel, output_shape, stride: int,
                                 padding: str, matrix) -> np.ndarray:
    """``conv2d_transpose_as_matmul`` with ``conv_matrix`` returning ``matrix``."""
    with _conv_matrix_returning(module, matrix):
        result = module.conv2d_transpose_as_matmul(y, kernel, tuple(output_shape), stride,
                                                   padding)
    return as_array(result, what="conv2d_transpose_as_matmul(...)")


@contextmanager
def _conv_matrix_returning(module: ModuleType, matrix):
    original = getattr(module, "conv_matrix", None)
    module.conv_matrix = lambda *args, **kwargs: matrix.copy()
    try:
        yield
    finally:
        module.conv_matrix = original
