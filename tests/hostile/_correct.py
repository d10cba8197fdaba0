"""Correct conv_as_matrix code that every hostile case installs into its own module.

The grader copies sibling .py files with a submission, as it would a student's helper
module; ``install(globals())`` defines the four functions so that each calls the module's
own ``conv_matrix`` (a case may wrap it in a trick).
"""

import numpy as np


def _length_and_pad(n, k, stride, padding):
    if padding == "same":
        out = -(-n // stride)
        return out, max((out - 1) * stride + k - n, 0) // 2
    return (n - k) // stride + 1, 0


def multichannel(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, dtype=np.float32)
    kh, kw, cin, cout = kernel.shape
    h, w, _ = input_shape
    ho, top = _length_and_pad(h, kh, stride, padding)
    wo, left = _length_and_pad(w, kw, stride, padding)
    matrix = np.zeros((ho * wo * cout, h * w * cin), dtype=np.float32)
    for r in range(ho):
        for c in range(wo):
            for a in range(kh):
                for b in range(kw):
                    i, j = r * stride - top + a, c * stride - left + b
                    if 0 <= i < h and 0 <= j < w:
                        rows = (r * wo + c) * cout + np.arange(cout)
                        columns = (i * w + j) * cin + np.arange(cin)
                        matrix[np.ix_(rows, columns)] += kernel[a, b].T
    return matrix


def install(ns):
    def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
        kernel = np.asarray(kernel, dtype=np.float32)
        return multichannel(kernel[:, :, None, None], (*input_shape, 1), stride, padding)

    def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
        x, kernel = np.asarray(x, dtype=np.float32), np.asarray(kernel)
        ho, _ = _length_and_pad(x.shape[0], kernel.shape[0], stride, padding)
        wo, _ = _length_and_pad(x.shape[1], kernel.shape[1], stride, padding)
        return (ns["conv_matrix"](kernel, x.shape, stride, padding) @ x.ravel()).reshape(ho, wo)

    def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
        y = np.asarray(y, dtype=np.float32)
        matrix = ns["conv_matrix"](kernel, output_shape, stride, padding)
        return (matrix.T @ y.ravel()).reshape(output_shape)

    ns.update(conv_matrix=conv_matrix, conv2d_as_matmul=conv2d_as_matmul,
              conv2d_transpose_as_matmul=conv2d_transpose_as_matmul,
              conv_matrix_multichannel=multichannel)
