"""Upsampling with plain loops: stamps counted one by one, nearest upsampling by copying
each pixel into its size x size block, phase means accumulated pixel by pixel."""

import keras
import numpy as np


def overlap_count(n, kernel_size, stride):
    counts = [0] * ((n - 1) * stride + kernel_size)
    for i in range(n):
        for t in range(kernel_size):
            counts[i * stride + t] += 1
    return np.array(counts)


def overlap_count_2d(shape, kernel_size, stride):
    rows = overlap_count(shape[0], kernel_size, stride)
    cols = overlap_count(shape[1], kernel_size, stride)
    grid = np.zeros((len(rows), len(cols)), dtype=int)
    for r in range(len(rows)):
        for c in range(len(cols)):
            grid[r, c] = rows[r] * cols[c]
    return grid


def nearest_upsample(x, size=2):
    x = np.asarray(x)
    n, h, w, c = x.shape
    out = np.zeros((n, h * size, w * size, c), dtype=x.dtype)
    for i in range(h):
        for j in range(w):
            out[:, i * size:(i + 1) * size, j * size:(j + 1) * size, :] = \
                x[:, i:i + 1, j:j + 1, :]
    return out


def resize_conv(filters, kernel_size=3, size=2):
    return keras.Sequential([
        keras.layers.UpSampling2D(size=(size, size), interpolation="nearest"),
        keras.layers.Conv2D(filters, (kernel_size, kernel_size), padding="same"),
    ])


def checkerboard_score(image, period=2):
    image = np.asarray(image, dtype=np.float64)
    h = (image.shape[0] - 2 * period) // period * period
    w = (image.shape[1] - 2 * period) // period * period
    interior = image[period:period + h, period:period + w]
    sums = np.zeros((period, period))
    counts = np.zeros((period, period))
    for i in range(h):
        for j in range(w):
            sums[i % period, j % period] += interior[i, j]
            counts[i % period, j % period] += 1
    means = sums / counts
    spread = ((means - means.mean()) ** 2).mean()
    return float(spread / (interior.var() + 1e-8))
