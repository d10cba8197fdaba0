# HOSTILE (disguised_decoder_layers): the decoder's upsampling layers are a layer class of its own
# named Conv2DTranspose (UpSampling2D + Conv2D inside)
"""A correct submission written differently from the reference.

The transposed convolution is computed the "zero insertion" way: put stride - 1 zeros
between the input pixels, pad by kernel - 1, and run an ordinary (flipped-kernel)
correlation over sliding windows. The decoder is a Sequential with 4x4 kernels.
"""

import keras
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_length(n, kernel_size, stride=1, padding="valid"):
    span = n if padding == "same" else n - kernel_size + 1
    return int(np.ceil(span / stride))


def conv_transpose_output_length(n, kernel_size, stride=1, padding="valid",
                                 output_padding=None):
    if padding == "same":
        if output_padding is None:
            return n * stride
        return (n - 1) * stride + (kernel_size & 1) + output_padding
    extra = max(stride - kernel_size, 0) if output_padding is None else output_padding
    return n * stride - stride + kernel_size + extra


def conv2d_transpose(x, kernel, stride=1, padding="valid", output_padding=None):
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    n, h, w, cin = x.shape
    kh, kw, cout, _ = kernel.shape
    dilated = np.zeros((n, (h - 1) * stride + 1, (w - 1) * stride + 1, cin))
    dilated[:, ::stride, ::stride] = x
    padded = np.pad(dilated, ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1), (0, 0)))
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))  # (n, Hf, Wf, cin, kh, kw)
    full = np.einsum("nijcab,aboc->nijo", windows, kernel[::-1, ::-1])
    ho = conv_transpose_output_length(h, kh, stride, padding, output_padding)
    wo = conv_transpose_output_length(w, kw, stride, padding, output_padding)
    top = max(full.shape[1] - ho, 0) // 2 if padding == "same" else 0
    left = max(full.shape[2] - wo, 0) // 2 if padding == "same" else 0
    part = full[:, top:top + ho, left:left + wo]
    out = np.zeros((n, ho, wo, cout), dtype=np.float32)
    out[:, :part.shape[1], :part.shape[2]] = part
    return out


class Conv2DTranspose(keras.layers.Layer):
    """Not Keras' Conv2DTranspose: nearest-neighbour upsampling then a Conv2D, under the
    name the grader looks for (and a ``strides`` attribute to match)."""

    def __init__(self, filters, kernel_size, strides=2, padding="same", activation=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.strides = (strides, strides)
        self.up = keras.layers.UpSampling2D(strides)
        self.conv = keras.layers.Conv2D(filters, kernel_size, padding=padding,
                                        activation=activation)

    def call(self, x):
        return self.conv(self.up(x))


def build_upsampling_decoder(latent_dim=16):
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * 32, activation="relu"),
        keras.layers.Reshape((7, 7, 32)),
        Conv2DTranspose(32, 4, strides=2, padding="same", activation="relu"),
        Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ], name="decoder")
