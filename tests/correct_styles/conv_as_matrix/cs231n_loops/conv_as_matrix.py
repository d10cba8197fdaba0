"""Convolution as a matrix, CS231n style: explicit loops over output positions and kernel
taps, TensorFlow's "same" padding worked out by hand (the extra pad goes bottom/right)."""

import numpy as np


def _out_and_pad(n, k, stride, padding):
    if padding == "valid":
        return (n - k) // stride + 1, 0
    out = (n + stride - 1) // stride
    total_pad = max((out - 1) * stride + k - n, 0)
    return out, total_pad // 2


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, dtype=np.float64)
    KH, KW, C, F = kernel.shape
    H, W, _ = input_shape
    HO, pad_top = _out_and_pad(H, KH, stride, padding)
    WO, pad_left = _out_and_pad(W, KW, stride, padding)
    M = np.zeros((HO * WO * F, H * W * C))
    for i in range(HO):
        for j in range(WO):
            for f in range(F):
                row = (i * WO + j) * F + f
                for a in range(KH):
                    for b in range(KW):
                        r = i * stride + a - pad_top
                        c = j * stride + b - pad_left
                        if 0 <= r < H and 0 <= c < W:
                            for ch in range(C):
                                M[row, (r * W + c) * C + ch] += kernel[a, b, ch, f]
    return M


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel, dtype=np.float64)
    H, W = input_shape
    return conv_matrix_multichannel(kernel.reshape(*kernel.shape, 1, 1), (H, W, 1), stride,
                                    padding)


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel)
    H, W = x.shape
    HO, _ = _out_and_pad(H, kernel.shape[0], stride, padding)
    WO, _ = _out_and_pad(W, kernel.shape[1], stride, padding)
    C = conv_matrix(kernel, (H, W), stride, padding)
    out = C.dot(x.reshape(-1))
    return out.reshape(HO, WO)


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    y = np.asarray(y, dtype=np.float64)
    C = conv_matrix(kernel, output_shape, stride, padding)
    return C.T.dot(y.reshape(-1)).reshape(output_shape)
