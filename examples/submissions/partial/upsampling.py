"""A partly correct submission with three mistakes students really make.

1. overlap_count_2d adds the row and column counts (np.add.outer) instead of multiplying:
   a stamp covers a rectangle, so the counts multiply.
2. nearest_upsample uses np.tile, which repeats the whole image, not each pixel (right
   only for size 1).
3. checkerboard_score forgets to drop the borders: a resize-conv's zero-padded edges, and
   the edges of a transposed convolution, count as "artifacts".
overlap_count and resize_conv are correct and keep their marks.
"""

import keras
import numpy as np


def overlap_count(n, kernel_size, stride):
    counts = np.zeros((n - 1) * stride + kernel_size, dtype=int)
    for i in range(n):
        counts[i * stride:i * stride + kernel_size] += 1
    return counts


def overlap_count_2d(shape, kernel_size, stride):
    return np.add.outer(overlap_count(shape[0], kernel_size, stride),
                        overlap_count(shape[1], kernel_size, stride))  # mistake 1


def nearest_upsample(x, size=2):
    return np.tile(np.asarray(x), (1, size, size, 1))  # mistake 2


def resize_conv(filters, kernel_size=3, size=2):
    return keras.Sequential([
        keras.layers.UpSampling2D(size, interpolation="nearest"),
        keras.layers.Conv2D(filters, kernel_size, padding="same"),
    ])


def checkerboard_score(image, period=2):
    image = np.asarray(image, dtype=np.float64)
    h = image.shape[0] // period * period  # mistake 3: the borders are kept
    w = image.shape[1] // period * period
    inner = image[:h, :w]
    means = inner.reshape(h // period, period, w // period, period).mean(axis=(0, 2))
    return float(np.mean((means - means.mean()) ** 2) / (inner.var() + 1e-8))
