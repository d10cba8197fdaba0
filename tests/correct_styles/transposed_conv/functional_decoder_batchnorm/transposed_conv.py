"""Lengths from one formula with case analysis, the scatter-add vectorised with np.add.at
over every (pixel, tap) pair, and a functional decoder with BatchNormalization."""

import keras
import numpy as np


def conv_output_length(n, kernel_size, stride=1, padding="valid"):
    if padding == "valid":
        if kernel_size > n:
            raise ValueError("kernel longer than the input")
        return (n - kernel_size) // stride + 1
    return (n - 1) // stride + 1


def conv_transpose_output_length(n, kernel_size, stride=1, padding="valid",
                                 output_padding=None):
    if output_padding is None:
        if padding == "same":
            return n * stride
        return (n - 1) * stride + max(kernel_size, stride)
    if output_padding >= stride:
        raise ValueError("output_padding must be smaller than the stride")
    if padding == "same":
        return (n - 1) * stride + kernel_size % 2 + output_padding
    return (n - 1) * stride + kernel_size + output_padding


def _crop(full, out, padding):
    """Rows cut at the top: "same" removes what is too much, the smaller half first."""
    return max(full - out, 0) // 2 if padding == "same" else 0


def conv2d_transpose(x, kernel, stride=1, padding="valid", output_padding=None):
    x = np.asarray(x, np.float64)
    kernel = np.asarray(kernel, np.float64)
    n, h, w, cin = x.shape
    kh, kw, cout, _ = kernel.shape
    full_h, full_w = (h - 1) * stride + kh, (w - 1) * stride + kw
    i, j, a, b = np.meshgrid(np.arange(h), np.arange(w), np.arange(kh), np.arange(kw),
                             indexing="ij")
    rows, cols = (i * stride + a).ravel(), (j * stride + b).ravel()
    # value of every (pixel, tap) pair: (n, pairs, cout)
    values = np.einsum("npc,pdc->npd", x[:, i.ravel(), j.ravel()], kernel[a.ravel(), b.ravel()])
    full = np.zeros((n, full_h, full_w, cout))
    np.add.at(full, (slice(None), rows, cols), values)
    out_h = conv_transpose_output_length(h, kh, stride, padding, output_padding)
    out_w = conv_transpose_output_length(w, kw, stride, padding, output_padding)
    top, left = _crop(full_h, out_h, padding), _crop(full_w, out_w, padding)
    result = np.zeros((n, out_h, out_w, cout))
    piece = full[:, top:top + out_h, left:left + out_w]
    result[:, :piece.shape[1], :piece.shape[2]] = piece
    return result


def build_upsampling_decoder(latent_dim=16):
    z = keras.Input(shape=(latent_dim,), name="code")
    h = keras.layers.Dense(7 * 7 * 32, use_bias=False)(z)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.LeakyReLU(negative_slope=0.1)(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", use_bias=False)(h)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.LeakyReLU(negative_slope=0.1)(h)
    h = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same")(h)
    h = keras.layers.LeakyReLU(negative_slope=0.1)(h)
    image = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h)
    return keras.Model(z, image, name="upsampling_decoder")
