"""im2col with an index map: pad a grid of pixel indices (-1 in the padding), cut its
sliding windows, and every window row says where each kernel tap lands in C."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _padding(n, k, stride, padding):
    if padding == "valid":
        return 0, 0
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, np.float32)
    kh, kw, cin, cout = kernel.shape
    h, w, _ = input_shape
    index = np.arange(h * w).reshape(h, w)
    index = np.pad(index, (_padding(h, kh, stride, padding), _padding(w, kw, stride, padding)),
                   constant_values=-1)
    windows = sliding_window_view(index, (kh, kw))[::stride, ::stride]  # (Ho, Wo, kh, kw)
    ho, wo = windows.shape[:2]
    matrix = np.zeros((ho, wo, cout, h * w, cin), np.float32)
    for a in range(kh):
        for b in range(kw):
            where = windows[:, :, a, b]
            rows, cols = np.nonzero(where >= 0)
            matrix[rows, cols, :, where[rows, cols], :] += kernel[a, b].T
    return matrix.reshape(ho * wo * cout, h * w * cin)


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    return conv_matrix_multichannel(np.asarray(kernel)[..., None, None], (*input_shape, 1),
                                    stride, padding)


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    x = np.asarray(x, np.float32)
    matrix = conv_matrix(kernel, x.shape, stride, padding)
    kh, kw = np.shape(kernel)
    ho = math.ceil(x.shape[0] / stride) if padding == "same" else (x.shape[0] - kh) // stride + 1
    return (matrix @ x.reshape(-1)).reshape(ho, -1)


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    matrix = conv_matrix(kernel, output_shape, stride, padding)
    return (matrix.T @ np.asarray(y, np.float32).reshape(-1)).reshape(output_shape)
