"""Probes for assignment 3, ``upsampling``.

``keras_*`` probes ignore the module: they compute Keras' own answer (the reference side
only). ``overlap_count_2d_with_1d`` hands ``overlap_count_2d`` correct 1-D counts in place
of the student's ``overlap_count``, so a mistake there is graded once. The resize-conv
probes build the student's model in the worker and send back plain data: its layers, or
its output with weights the test chose.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import ModuleType

import numpy as np

from autograder.probes.common import hands_in_answers
from autograder.probes.convert import BadResult, as_array
from autograder.probes.transposed_conv import describe_layer, flat_layers


def keras_upsampling(module: ModuleType, x, size) -> np.ndarray:
    """``keras.layers.UpSampling2D(size, interpolation="nearest")(x)``."""
    import keras

    layer = keras.layers.UpSampling2D(_size(size), interpolation="nearest")
    return keras.ops.convert_to_numpy(layer(x))


def keras_conv_transpose_image(module: ModuleType, image, kernel, stride: int) -> np.ndarray:
    """One (H, W) image through ``Conv2DTranspose(1, kernel, stride, "same", use_bias=False)``
    holding the (kh, kw) ``kernel``: the (H * stride, W * stride) result."""
    import keras

    layer = keras.layers.Conv2DTranspose(1, kernel.shape, stride, "same", use_bias=False)
    layer.build((1, *image.shape, 1))
    layer.set_weights([kernel[:, :, None, None]])
    return keras.ops.convert_to_numpy(layer(image[None, :, :, None]))[0, :, :, 0]


@hands_in_answers
def overlap_count_2d_with_1d(module: ModuleType, shape, kernel_size, stride,
                             table: list[list]) -> np.ndarray:
    """``overlap_count_2d`` with ``overlap_count`` answering from ``table``.

    ``table`` rows are ``[n, kernel_size, stride, counts]``.
    """
    known = {(int(n), int(k), int(s)): np.asarray(counts) for n, k, s, counts in table}
    with _overlap_count_from(module, known):
        result = module.overlap_count_2d(tuple(shape), kernel_size, stride)
    return as_array(result, what="overlap_count_2d(...)")


@contextmanager
def _overlap_count_from(module: ModuleType, known: dict):
    original = getattr(module, "overlap_count", None)

    def overlap_count(n, kernel_size, stride):
        key = (int(n), int(kernel_size), int(stride))
        if key in known:
            return known[key].copy()
        return original(n, kernel_size, stride)

    module.overlap_count = overlap_count
    try:
        yield
    finally:
        module.overlap_count = original


def resize_conv_layers(module: ModuleType, filters: int, kernel_size, size,
                       input_shape) -> dict:
    """Build ``resize_conv(filters, kernel_size, size)`` on ``input_shape``; describe it."""
    model = _resize_conv(module, filters, kernel_size, size)
    output = model(np.zeros((1, *input_shape), np.float32))
    return {"class": type(model).__name__,
            "layers": [describe_layer(layer) for layer in flat_layers(model)],
            "output_shape": [int(d) for d in output.shape]}


def resize_conv_output(module: ModuleType, filters: int, kernel_size, size, x, kernel,
                       bias) -> np.ndarray:
    """``resize_conv(filters, kernel_size, size)`` on ``x``, its Conv2D holding the given
    ``kernel`` (kh, kw, Cin, filters) and ``bias`` (filters,)."""
    import keras

    model = _resize_conv(module, filters, kernel_size, size)
    model(x[:1])  # builds every layer for this input
    convolutions = [layer for layer in flat_layers(model)
                    if isinstance(layer, keras.layers.Conv2D)]
    if len(convolutions) != 1:
        raise BadResult(f"resize_conv(...) has {len(convolutions)} Conv2D layers; the "
                        "contract asks for exactly one")
    convolution = convolutions[0]
    shapes = [tuple(w.shape) for w in convolution.weights]
    if shapes != [kernel.shape, bias.shape]:
        raise BadResult(f"resize_conv(...)'s Conv2D holds weights of shapes {shapes}; "
                        f"expected a kernel {kernel.shape} and a bias {bias.shape}")
    convolution.set_weights([kernel, bias])
    return as_array(model(x), what="resize_conv(...)(x)")


def _resize_conv(module: ModuleType, filters: int, kernel_size, size):
    import keras

    model = module.resize_conv(filters, _size(kernel_size), _size(size))
    if not isinstance(model, keras.Model):
        raise BadResult(f"resize_conv(...) returned a {type(model).__name__}, not a "
                        "keras.Sequential")
    return model


def _size(value):
    """Sizes travel as ints or lists; Keras wants ints or tuples."""
    return tuple(value) if isinstance(value, list) else value
