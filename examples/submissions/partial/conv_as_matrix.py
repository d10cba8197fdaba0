"""A partly correct submission with three mistakes students really make.

1. conv_matrix puts the extra row/column of "same" padding at the top/left (TensorFlow
   puts it at the bottom/right): only "same" cases with odd total padding fail.
2. conv2d_transpose_as_matmul reshapes in column-major order (a transposed image).
3. conv_matrix_multichannel flattens the input channels-first.
conv2d_as_matmul is correct, and keeps its marks although conv_matrix is wrong.
"""

import numpy as np


def _length_and_pad(n, k, stride, padding):
    if padding == "same":
        out = -(-n // stride)
        total = max((out - 1) * stride + k - n, 0)
        return out, total - total // 2  # mistake 1: the larger half before
    return (n - k) // stride + 1, 0


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
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
    kernel = np.asarray(kernel)
    h, w = x.shape
    if padding == "same":
        ho, wo = -(-h // stride), -(-w // stride)
    else:
        ho, wo = (h - kernel.shape[0]) // stride + 1, (w - kernel.shape[1]) // stride + 1
    return (conv_matrix(kernel, x.shape, stride, padding) @ x.reshape(-1)).reshape(ho, wo)


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    y = np.asarray(y, dtype=np.float32)
    flat = conv_matrix(kernel, output_shape, stride, padding).T @ y.reshape(-1)
    return flat.reshape(output_shape, order="F")  # mistake 2: column-major


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, dtype=np.float32)
    kh, kw, cin, cout = kernel.shape
    h, w, _ = input_shape
    ho, pt = _length_and_pad(h, kh, stride, padding)
    wo, pl = _length_and_pad(w, kw, stride, padding)
    matrix = np.zeros((ho * wo * cout, h * w * cin), dtype=np.float32)
    for r in range(ho):
        for c in range(wo):
            for a in range(kh):
                for b in range(kw):
                    i, j = r * stride - pt + a, c * stride - pl + b
                    if 0 <= i < h and 0 <= j < w:
                        for k in range(cin):
                            for o in range(cout):
                                column = k * h * w + i * w + j  # mistake 3: channels first
                                matrix[(r * wo + c) * cout + o, column] += kernel[a, b, k, o]
    return matrix
