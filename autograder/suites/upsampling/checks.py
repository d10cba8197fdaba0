"""Checks shared by the visible and hidden upsampling tests.

``overlap_count_2d`` is given correct 1-D counts in place of the student's
``overlap_count``; the checkerboard images are made on the reference side (Keras'
Conv2DTranspose, and the reference's resize_conv), so ``checkerboard_score`` is graded on
its own.
"""

from __future__ import annotations

import numpy as np

from autograder.compare import Mismatch, assert_array_equal, assert_close
from autograder.probes import upsampling as probes
from autograder.suites.upsampling.cases import BOX


def overlap_count(student, reference, n: int, kernel_size: int, stride: int) -> None:
    got = student.call("overlap_count", n, kernel_size, stride)
    want = reference.call("overlap_count", n, kernel_size, stride)
    _integers(got, "overlap_count")
    assert_array_equal(got, want, what=f"overlap_count({n}, kernel_size={kernel_size}, "
                       f"stride={stride})")


def overlap_count_2d(student, reference, shape, kernel_size: int, stride: int) -> None:
    table = [[n, kernel_size, stride, reference.call("overlap_count", n, kernel_size, stride)]
             for n in shape]
    got = student.run(probes.overlap_count_2d_with_1d, shape, kernel_size, stride, table)
    want = reference.run(probes.overlap_count_2d_with_1d, shape, kernel_size, stride, table)
    _integers(got, "overlap_count_2d")
    assert_array_equal(got, want, what=f"overlap_count_2d({tuple(shape)}, "
                       f"kernel_size={kernel_size}, stride={stride})")


def _integers(got: np.ndarray, function: str) -> None:
    if got.dtype.kind not in "iu" and not np.array_equal(got, np.round(got)):
        raise Mismatch(f"{function} must return whole counts; got {got.dtype} values such as "
                       f"{got.reshape(-1)[:4]}")


def nearest_upsample(student, reference, rng: np.random.Generator, shape, size: int) -> None:
    x = rng.standard_normal(shape).astype(np.float32)
    got = student.call("nearest_upsample", x, size)
    want = reference.run(probes.keras_upsampling, x, size)
    assert_close(got, want, what=f"nearest_upsample(x {shape}, size={size}) vs "
                 "keras.layers.UpSampling2D(interpolation='nearest')")


def resize_conv_layers(student, filters: int, kernel_size: int, size: int, input_shape
                       ) -> None:
    """Exactly the contract's two layers, with the contract's settings."""
    call = f"resize_conv({filters}, kernel_size={kernel_size}, size={size})"
    description = student.run(probes.resize_conv_layers, filters, kernel_size, size,
                              input_shape)
    layers = description["layers"]
    names = [layer["class"] for layer in layers]
    if names != ["UpSampling2D", "Conv2D"]:
        raise Mismatch(f"{call} has the layers {names}; the contract asks for exactly "
                       "['UpSampling2D', 'Conv2D'], in that order")
    upsampling, convolution = layers
    problems = []
    if upsampling.get("size") != [size, size]:
        problems.append(f"UpSampling2D size {upsampling.get('size')}, expected {[size, size]}")
    if upsampling.get("interpolation") != "nearest":
        problems.append(f"UpSampling2D interpolation {upsampling.get('interpolation')!r}, "
                        "expected 'nearest'")
    expected = {"filters": filters, "kernel_size": [kernel_size, kernel_size],
                "strides": [1, 1], "padding": "same"}
    for key, value in expected.items():
        if convolution.get(key) != value:
            problems.append(f"Conv2D {key} {convolution.get(key)!r}, expected {value!r}")
    if problems:
        raise Mismatch(f"{call}: " + "; ".join(problems))
    want_shape = [1, input_shape[0] * size, input_shape[1] * size, filters]
    if description["output_shape"] != want_shape:
        raise Mismatch(f"{call} maps {(1, *input_shape)} to "
                       f"{tuple(description['output_shape'])}, expected {tuple(want_shape)}")


def resize_conv_output(student, reference, rng: np.random.Generator, filters: int,
                       kernel_size: int, size: int, input_shape) -> None:
    x = rng.standard_normal((2, *input_shape)).astype(np.float32)
    kernel = rng.standard_normal((kernel_size, kernel_size, input_shape[-1], filters))
    bias = rng.standard_normal(filters)
    arguments = (filters, kernel_size, size, x, kernel.astype(np.float32),
                 bias.astype(np.float32))
    got = student.run(probes.resize_conv_output, *arguments)
    want = reference.run(probes.resize_conv_output, *arguments)
    assert_close(got, want, what=f"resize_conv({filters}, kernel_size={kernel_size}, "
                 f"size={size})(x {x.shape}) with a given kernel and bias")


def upsampled_twice(reference, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``image`` (H, W) upsampled 2x by a stride-2 Conv2DTranspose and by a resize-conv,
    both with the 3x3 box filter and no bias."""
    transposed = reference.run(probes.keras_conv_transpose_image, image, BOX, 2)
    resized = reference.run(probes.resize_conv_output, 1, 3, 2, image[None, :, :, None],
                            BOX[:, :, None, None], np.zeros(1, np.float32))
    return transposed, resized[0, :, :, 0]


def score(student, reference, image: np.ndarray, what: str, period: int = 2) -> float:
    """The student's checkerboard_score of ``image``, compared with the reference's."""
    got = student.call("checkerboard_score", image, period)
    want = reference.call("checkerboard_score", image, period)
    if got.shape != ():
        raise Mismatch(f"checkerboard_score({what}) returned an array of shape {got.shape}; "
                       "expected one number")
    assert_close(got, want, what=f"checkerboard_score({what}, period={period})")
    return float(got)


def transposed_scores_above_resized(student, reference, image: np.ndarray, what: str
                                    ) -> None:
    transposed, resized = upsampled_twice(reference, image)
    high = score(student, reference, transposed, f"Conv2DTranspose of {what}")
    low = score(student, reference, resized, f"resize-conv of {what}")
    if not high > low:
        raise Mismatch(f"the transposed convolution of {what} scores {high:.4g}, not above "
                       f"the resize-convolution's {low:.4g}")
