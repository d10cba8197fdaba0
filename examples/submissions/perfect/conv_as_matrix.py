"""A correct submission written differently from the reference: vectorised NumPy.

It must earn full marks: the grader compares results, not code.
"""

import numpy as np


def _length_and_pad(n, k, stride, padding):
    if padding == "same":
        out = -(-n // stride)
        return out, max((out - 1) * stride + k - n, 0) // 2
    return (n - k) // stride + 1, 0


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, dtype=np.float32)
    kh, kw, cin, cout = kernel.shape
    h, w, _ = input_shape
    ho, pt = _length_and_pad(h, kh, stride, padding)
    wo, pl = _length_and_pad(w, kw, stride, padding)
    # Index grids: output pixel (r, c), tap (a, b) -> input pixel (i, j).
    r, c, a, b = np.meshgrid(np.arange(ho), np.arange(wo), np.arange(kh), np.arange(kw),
                             indexing="ij")
    i, j = r * stride - pt + a, c * stride - pl + b
    inside = (i >= 0) & (i < h) & (j >= 0) & (j < w)
    r, c, a, b, i, j = (v[inside] for v in (r, c, a, b, i, j))
    matrix = np.zeros((ho * wo * cout, h * w * cin), dtype=np.float32)
    for o in range(cout):
        for k in range(cin):
            np.add.at(matrix, ((r * wo + c) * cout + o, (i * w + j) * cin + k),
                      kernel[a, b, k, o])
    return matrix


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, dtype=np.float32)
    return conv_matrix_multichannel(kernel[:, :, None, None], (*input_shape, 1), stride,
                                    padding)


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float32)
    kernel = np.asarray(kernel)
    ho, _ = _length_and_pad(x.shape[0], kernel.shape[0], stride, padding)
    wo, _ = _length_and_pad(x.shape[1], kernel.shape[1], stride, padding)
    return (conv_matrix(kernel, x.shape, stride, padding) @ x.ravel()).reshape(ho, wo)


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    y = np.asarray(y, dtype=np.float32)
    return (conv_matrix(kernel, output_shape, stride, padding).T @ y.ravel()).reshape(
        output_shape)
