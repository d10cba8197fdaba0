"""A partly correct submission with three mistakes students really make.

1. conv_transpose_output_length forgets Keras' default output_padding for "valid" when
   the kernel is shorter than the stride (it always returns (n - 1) * stride + k).
2. conv2d_transpose reads the kernel in Conv2D's layout (kh, kw, Cin, Cout); a
   Conv2DTranspose kernel is (kh, kw, Cout, Cin). Right only with one channel in and out.
3. build_upsampling_decoder has no sigmoid at the end: its pixels leave [0, 1].
Everything else is correct and keeps its marks.
"""

import keras
import numpy as np


def conv_output_length(n, kernel_size, stride=1, padding="valid"):
    if padding == "same":
        return (n + stride - 1) // stride
    return (n - kernel_size) // stride + 1


def conv_transpose_output_length(n, kernel_size, stride=1, padding="valid",
                                 output_padding=None):
    if padding == "same":
        if output_padding is None:
            return n * stride
        return (n - 1) * stride + kernel_size % 2 + output_padding
    return (n - 1) * stride + kernel_size + (output_padding or 0)  # mistake 1


def conv2d_transpose(x, kernel, stride=1, padding="valid", output_padding=None):
    x = np.asarray(x, dtype=np.float32)
    kernel = np.asarray(kernel, dtype=np.float32)
    n, h, w, _ = x.shape
    kh, kw, cin, cout = kernel.shape  # mistake 2: Conv2D's layout
    ho = conv_transpose_output_length(h, kh, stride, padding, output_padding)
    wo = conv_transpose_output_length(w, kw, stride, padding, output_padding)
    full_h, full_w = (h - 1) * stride + kh, (w - 1) * stride + kw
    top = max(full_h - ho, 0) // 2 if padding == "same" else 0
    left = max(full_w - wo, 0) // 2 if padding == "same" else 0
    canvas = np.zeros((n, max(full_h, top + ho), max(full_w, left + wo), cout), np.float32)
    for i in range(h):
        for j in range(w):
            stamp = np.einsum("nc,abco->nabo", x[:, i, j, :], kernel)
            canvas[:, i * stride:i * stride + kh, j * stride:j * stride + kw] += stamp
    return canvas[:, top:top + ho, left:left + wo]


def build_upsampling_decoder(latent_dim=16):
    z = keras.Input((latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same")(h))  # mistake 3
