"""Assignment 3: upsampling without checkerboard artifacts.

A stride-2 transposed convolution with a 3x3 kernel stamps 3-pixel-wide kernels 2 pixels
apart: some output pixels are written by one stamp, some by two, some by four. Even a
constant input comes out as a grid. Generated images inherit that grid: the
*checkerboard artifact*.

The usual cure is a *resize-convolution*: first upsample by repeating pixels
(``UpSampling2D(interpolation="nearest")``), then apply an ordinary ``Conv2D`` with
``padding="same"``. Every output pixel then sees the same number of inputs.

This module counts the overlaps, upsamples in NumPy, builds the resize-convolution, and
measures the artifact with a score defined in the handout (section 4).
"""

from __future__ import annotations

import keras
import numpy as np

#: Added to the variance in ``checkerboard_score``: a flat image scores 0, not 0 / 0.
EPS = 1e-8


def _pair(value) -> tuple[int, int]:
    """An int or a pair of ints, as a (rows, columns) pair, like Keras' size arguments."""
    if np.ndim(value) == 0:
        return int(value), int(value)
    rows, columns = value
    return int(rows), int(columns)


def overlap_count(n: int, kernel_size: int, stride: int) -> np.ndarray:
    """How many (input, kernel tap) pairs write each output of a 1-D transposed convolution.

    Args:
        n: input length.
        kernel_size: kernel length.
        stride: distance between the stamps of two neighbouring inputs.

    Returns:
        Integer array of length ``(n - 1) * stride + kernel_size`` ("valid" padding):
        input ``i`` stamps the kernel on outputs ``i * stride`` to
        ``i * stride + kernel_size - 1``, and each stamp adds 1 there.
    """
    # BEGIN SOLUTION
    counts = np.zeros((n - 1) * stride + kernel_size, dtype=np.int64)
    for i in range(n):
        counts[i * stride:i * stride + kernel_size] += 1
    return counts
    # END SOLUTION


def overlap_count_2d(shape, kernel_size, stride) -> np.ndarray:
    """``overlap_count`` on a 2-D grid: the outer product of the two axes' counts.

    Args:
        shape: (H, W) of the input.
        kernel_size: an int, or (kh, kw).
        stride: an int, or (sh, sw).

    Returns:
        Integer array of shape ``((H - 1) * sh + kh, (W - 1) * sw + kw)``: the number of
        (input pixel, kernel tap) pairs that write each output pixel. A stamp covers a
        rectangle, so the 2-D count is the product of the row count and the column count.
    """
    # BEGIN SOLUTION
    (height, width), (kh, kw), (sh, sw) = _pair(shape), _pair(kernel_size), _pair(stride)
    return np.outer(overlap_count(height, kh, sh), overlap_count(width, kw, sw))
    # END SOLUTION


def nearest_upsample(x, size=2) -> np.ndarray:
    """Nearest-neighbour upsampling in NumPy: every pixel becomes a size x size block.

    Args:
        x: batch of images, shape (N, H, W, C).
        size: an int, or (rows, columns) factors.

    Returns:
        Array of shape (N, H * rows, W * columns, C), equal to
        ``keras.layers.UpSampling2D(size, interpolation="nearest")(x)``.
    """
    x = np.asarray(x)
    rows, columns = _pair(size)
    # BEGIN SOLUTION
    return x.repeat(rows, axis=1).repeat(columns, axis=2)
    # END SOLUTION


def resize_conv(filters: int, kernel_size=3, size=2) -> keras.Sequential:
    """The resize-convolution: nearest upsampling, then an ordinary "same" convolution.

    Args:
        filters: output channels of the convolution.
        kernel_size: the convolution's kernel size (int or pair).
        size: the upsampling factor (int or pair).

    Returns:
        ``keras.Sequential([UpSampling2D(size, interpolation="nearest"),
        Conv2D(filters, kernel_size, padding="same")])``, named "resize_conv": it maps
        (N, H, W, C) to (N, H * size, W * size, filters).
    """
    # BEGIN SOLUTION
    return keras.Sequential([
        keras.layers.UpSampling2D(size, interpolation="nearest"),
        # "same" keeps the upsampled size; stride 1, so every pixel is read equally often.
        keras.layers.Conv2D(filters, kernel_size, padding="same"),
    ], name="resize_conv")
    # END SOLUTION


def checkerboard_score(image, period: int = 2) -> float:
    """The share of an image's variance that the pixel's position modulo ``period`` explains.

    Args:
        image: one single-channel image, shape (H, W), with H and W at least 3 * period.
        period: the period of the artifact (the stride that made it).

    Returns:
        A float in [0, 1]: 0 when the image's values do not depend on (row mod period,
        column mod period), 1 for a pure periodic pattern. Exactly as defined in the
        handout (section 4):
        1. interior: drop ``period`` pixels at every border, then the last rows and columns
           so that the interior's height and width are multiples of ``period``;
        2. phase means: ``m[a, b]`` is the mean of the interior pixels whose row is ``a``
           and whose column is ``b`` modulo ``period``;
        3. score = mean over (a, b) of ``(m[a, b] - mean(m)) ** 2``, divided by
           ``var(interior) + EPS``.
    """
    image = np.asarray(image, dtype=np.float64)
    # BEGIN SOLUTION
    height, width = image.shape
    rows = (height - 2 * period) // period * period
    columns = (width - 2 * period) // period * period
    if rows < period or columns < period:
        raise ValueError(f"a {height}x{width} image has no interior for period {period}")
    interior = image[period:period + rows, period:period + columns]
    # interior[i, j] is pixel (period + i, period + j): the same phase as (i, j).
    blocks = interior.reshape(rows // period, period, columns // period, period)
    phase_means = blocks.mean(axis=(0, 2))  # (period, period)
    between = np.mean((phase_means - phase_means.mean()) ** 2)
    return float(between / (interior.var() + EPS))
    # END SOLUTION
