"""Upsampling with whole-array tools: overlaps as the sum of shifted stamp masks,
nearest upsampling as a Kronecker product with a block of ones, and the phase means
from a reshape into period x period blocks."""

import keras
import numpy as np


def overlap_count(n, kernel_size, stride):
    length = (n - 1) * stride + kernel_size
    masks = np.zeros((n, length), dtype=np.int64)
    for i in range(n):
        masks[i, i * stride:i * stride + kernel_size] = 1
    return masks.sum(axis=0)


def overlap_count_2d(shape, kernel_size, stride):
    return np.outer(overlap_count(shape[0], kernel_size, stride),
                    overlap_count(shape[1], kernel_size, stride))


def nearest_upsample(x, size=2):
    x = np.asarray(x)
    return np.kron(x, np.ones((1, size, size, 1), dtype=x.dtype))


def resize_conv(filters, kernel_size=3, size=2):
    model = keras.Sequential(name="resize_conv")
    model.add(keras.layers.UpSampling2D(size))
    model.add(keras.layers.Conv2D(filters, kernel_size, padding="same"))
    return model


def checkerboard_score(image, period=2):
    p = period
    image = np.asarray(image, np.float64)
    rows = (image.shape[0] - 2 * p) // p
    cols = (image.shape[1] - 2 * p) // p
    interior = image[p:p + rows * p, p:p + cols * p]
    phases = interior.reshape(rows, p, cols, p).transpose(1, 3, 0, 2).reshape(p, p, -1)
    means = phases.mean(axis=-1)
    return float(np.var(means) / (np.var(interior) + 1e-8))
