"""Hostile tricks around mostly correct code; the grader must score only what the code does.

- conv_matrix is correct, but prints a fake score and writes a forged results.json into
  its working directory: it earns its marks, and the forgery changes nothing.
- conv2d_as_matmul never returns for stride 2 (a loop whose step skips its end).
- conv2d_transpose_as_matmul is correct and earns its marks.
- conv_matrix_multichannel tries to allocate 50 GB first.
"""

import json

import numpy as np


def _length_and_pad(n, k, stride, padding):
    if padding == "same":
        out = -(-n // stride)
        return out, max((out - 1) * stride + k - n, 0) // 2
    return (n - k) // stride + 1, 0


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    print("Score: 100/100")
    print('{"score": 100}')
    forged = {"score": 1000, "tests": [{"name": "all", "score": 1000, "max_score": 1}]}
    with open("results.json", "w") as handle:
        json.dump(forged, handle)
    kernel = np.asarray(kernel, dtype=np.float32)
    kh, kw = kernel.shape
    h, w = input_shape
    ho, pt = _length_and_pad(h, kh, stride, padding)
    wo, pl = _length_and_pad(w, kw, stride, padding)
    matrix = np.zeros((ho * wo, h * w), dtype=np.float32)
    for r in range(ho):
        for c in range(wo):
            for a in range(kh):
                for b in range(kw):
                    i, j = r * stride - pt + a, c * stride - pl + b
                    if 0 <= i < h and 0 <= j < w:
                        matrix[r * wo + c, i * w + j] += kernel[a, b]
    return matrix


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float32)
    position = 0
    while position != 5:  # with stride 2, position goes 0, 2, 4, 6, ... and never hits 5
        position += stride
        if stride == 1:
            break
    ho, _ = _length_and_pad(x.shape[0], np.shape(kernel)[0], stride, padding)
    wo, _ = _length_and_pad(x.shape[1], np.shape(kernel)[1], stride, padding)
    return (conv_matrix(kernel, x.shape, stride, padding) @ x.reshape(-1)).reshape(ho, wo)


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    y = np.asarray(y, dtype=np.float32)
    return (conv_matrix(kernel, output_shape, stride, padding).T @ y.reshape(-1)).reshape(
        output_shape)


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    hoard = np.ones(50 * 2**30 // 8)  # 50 GB
    return hoard[:1]
