"""A correct submission written differently from the reference.

Overlaps come from np.convolve (stamps as a convolution of spikes with a box), nearest
upsampling from index arithmetic, and the checkerboard score from np.bincount over phases.
"""

import keras
import numpy as np


def overlap_count(n, kernel_size, stride):
    spikes = np.zeros((n - 1) * stride + 1, dtype=int)
    spikes[::stride] = 1
    return np.convolve(spikes, np.ones(kernel_size, dtype=int))


def overlap_count_2d(shape, kernel_size, stride):
    rows = overlap_count(shape[0], kernel_size, stride)
    columns = overlap_count(shape[1], kernel_size, stride)
    return np.multiply.outer(rows, columns)


def nearest_upsample(x, size=2):
    x = np.asarray(x)
    rows = np.arange(x.shape[1] * size) // size
    columns = np.arange(x.shape[2] * size) // size
    return x[:, rows][:, :, columns]


def resize_conv(filters, kernel_size=3, size=2):
    model = keras.Sequential(name="upsample_then_convolve")
    model.add(keras.layers.UpSampling2D(size=size, interpolation="nearest"))
    model.add(keras.layers.Conv2D(filters, kernel_size, strides=1, padding="same"))
    return model


def checkerboard_score(image, period=2):
    image = np.asarray(image, dtype=np.float64)
    p = period
    h = p + (image.shape[0] - 2 * p) // p * p
    w = p + (image.shape[1] - 2 * p) // p * p
    inner = image[p:h, p:w]
    i, j = np.indices(inner.shape)
    phase = ((i + p) % p * p + (j + p) % p).ravel()
    means = np.bincount(phase, inner.ravel()) / np.bincount(phase)
    between = np.sum((means - means.mean()) ** 2) / means.size
    total = np.sum((inner - inner.mean()) ** 2) / inner.size
    return between / (total + 1e-8)
