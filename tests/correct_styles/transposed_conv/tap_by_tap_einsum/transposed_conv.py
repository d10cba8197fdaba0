"""The scatter-add done one kernel tap at a time: tap (a, b) sends every input pixel to
the canvas position (i * stride + a, j * stride + b), i.e. one strided slice of the canvas
gets x @ K[a, b].T. Lengths from the canvas size minus what "same" crops."""

import keras
import numpy as np


def conv_output_length(n, kernel_size, stride=1, padding="valid"):
    span = n if padding == "same" else n - kernel_size + 1
    return -(-span // stride)


def conv_transpose_output_length(n, kernel_size, stride=1, padding="valid",
                                 output_padding=None):
    if output_padding is not None and output_padding >= stride:
        raise ValueError(f"output_padding {output_padding} must be below stride {stride}")
    canvas = (n - 1) * stride + kernel_size
    if padding == "same":
        if output_padding is None:
            return n * stride
        return canvas - 2 * (kernel_size // 2) + output_padding
    if output_padding is None:
        return canvas + max(0, stride - kernel_size)
    return canvas + output_padding


def conv2d_transpose(x, kernel, stride=1, padding="valid", output_padding=None):
    x = np.asarray(x, np.float32)
    kernel = np.asarray(kernel, np.float32)
    batch, h, w, _ = x.shape
    kh, kw, cout, _ = kernel.shape
    canvas = np.zeros((batch, (h - 1) * stride + kh, (w - 1) * stride + kw, cout), np.float32)
    for a in range(kh):
        for b in range(kw):
            canvas[:, a:a + (h - 1) * stride + 1:stride, b:b + (w - 1) * stride + 1:stride] += \
                np.einsum("nhwc,oc->nhwo", x, kernel[a, b])
    height = conv_transpose_output_length(h, kh, stride, padding, output_padding)
    width = conv_transpose_output_length(w, kw, stride, padding, output_padding)
    # "same" crops what the canvas has too much, the smaller half at the top and left
    # (TensorFlow's rule for the convolution this one transposes).
    top = max(canvas.shape[1] - height, 0) // 2 if padding == "same" else 0
    left = max(canvas.shape[2] - width, 0) // 2 if padding == "same" else 0
    out = np.zeros((batch, height, width, cout), np.float32)
    piece = canvas[:, top:top + height, left:left + width]
    out[:, :piece.shape[1], :piece.shape[2]] = piece
    return out


def build_upsampling_decoder(latent_dim=16):
    z = keras.Input((latent_dim,))
    h = keras.layers.Dense(7 * 7 * 16, activation="elu")(z)
    h = keras.layers.Reshape((7, 7, 16))(h)
    h = keras.layers.Conv2DTranspose(16, 5, strides=2, padding="same", activation="elu")(h)
    out = keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same",
                                       activation="sigmoid")(h)
    return keras.Model(z, out, name="decoder")
