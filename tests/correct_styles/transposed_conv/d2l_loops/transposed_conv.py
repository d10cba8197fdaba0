"""d2l's trans_conv, grown to batches, channels, strides and padding: every input pixel
stamps a scaled copy of the kernel onto a full canvas (explicit loops), then "same" crops
the canvas and output_padding adds rows at the bottom, as Keras does."""

import math

import keras
import numpy as np


def conv_output_length(n, kernel_size, stride=1, padding="valid"):
    if padding == "same":
        return math.ceil(n / stride)
    return math.floor((n - kernel_size) / stride) + 1


def conv_transpose_output_length(n, kernel_size, stride=1, padding="valid",
                                 output_padding=None):
    if output_padding is not None and not 0 <= output_padding < stride:
        raise ValueError("output_padding must be smaller than the stride")
    if output_padding is None:
        if padding == "same":
            return n * stride
        return (n - 1) * stride + kernel_size + max(stride - kernel_size, 0)
    crop = 2 * (kernel_size // 2) if padding == "same" else 0
    return (n - 1) * stride + kernel_size - crop + output_padding


def conv2d_transpose(x, kernel, stride=1, padding="valid", output_padding=None):
    X = np.asarray(x, dtype=np.float64)
    K = np.asarray(kernel, dtype=np.float64)
    n, h, w, cin = X.shape
    kh, kw, cout, _ = K.shape
    full = np.zeros((n, (h - 1) * stride + kh, (w - 1) * stride + kw, cout))
    for i in range(h):
        for j in range(w):
            # (n, cin) pixel values times the (kh, kw, cout, cin) kernel
            stamp = np.einsum("nc,abdc->nabd", X[:, i, j, :], K)
            full[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :] += stamp
    ho = conv_transpose_output_length(h, kh, stride, padding, output_padding)
    wo = conv_transpose_output_length(w, kw, stride, padding, output_padding)
    Y = np.zeros((n, ho, wo, cout))
    top = (full.shape[1] - ho) // 2 if padding == "same" and full.shape[1] > ho else 0
    left = (full.shape[2] - wo) // 2 if padding == "same" and full.shape[2] > wo else 0
    part = full[:, top:top + ho, left:left + wo]
    Y[:, :part.shape[1], :part.shape[2]] = part
    return Y.astype(np.float32)


def build_upsampling_decoder(latent_dim=16):
    model = keras.Sequential(name="decoder")
    model.add(keras.Input(shape=(latent_dim,)))
    model.add(keras.layers.Dense(7 * 7 * 64, activation="relu"))
    model.add(keras.layers.Reshape((7, 7, 64)))
    model.add(keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same",
                                           activation="relu"))
    model.add(keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same",
                                           activation="sigmoid"))
    return model
