"""Assignment 2: the transposed convolution (``Conv2DTranspose``).

A decoder has to go from a small feature map to a full-size image. The layer that does it,
``keras.layers.Conv2DTranspose``, is the transpose of a convolution (assignment 1): every
input pixel *stamps* a copy of the kernel, scaled by the pixel's value, onto a larger
output grid, ``stride`` pixels apart, and overlapping stamps add up.

This module computes, without calling Keras:
- the output lengths of ``Conv2D`` and ``Conv2DTranspose`` along one axis, exactly as Keras
  gives them, including ``output_padding``;
- the transposed convolution itself, in NumPy, as a scatter-add;
and builds a small decoder that upsamples with two stride-2 ``Conv2DTranspose`` layers.

Conventions (Keras' own): images are channels-last ``(N, H, W, C)``; a ``Conv2DTranspose``
kernel has shape ``(kh, kw, Cout, Cin)``, output channels before input channels, the
reverse of a ``Conv2D`` kernel ``(kh, kw, Cin, Cout)``.
"""

from __future__ import annotations

import keras
import numpy as np


def conv_output_length(n: int, kernel_size: int, stride: int = 1, padding: str = "valid"
                       ) -> int:
    """The output length of ``keras.layers.Conv2D`` along one axis.

    Args:
        n: input length (H or W).
        kernel_size: kernel length along the same axis.
        stride: step between two kernel positions.
        padding: "valid" (the kernel stays inside the input) or "same" (zero padding).

    Returns:
        The output length: what ``Conv2D(..., kernel_size, stride, padding)`` gives for an
        input of length ``n`` (Keras refuses "valid" when ``kernel_size > n``).
    """
    # BEGIN SOLUTION
    if padding == "valid":
        return (n - kernel_size) // stride + 1  # kernel positions that fit inside
    return -(-n // stride)  # "same": ceil(n / stride), one output per stride step
    # END SOLUTION


def conv_transpose_output_length(n: int, kernel_size: int, stride: int = 1,
                                 padding: str = "valid", output_padding: int | None = None
                                 ) -> int:
    """The output length of ``keras.layers.Conv2DTranspose`` along one axis.

    Args:
        n: input length (H or W) of the transposed convolution.
        kernel_size: kernel length along the same axis.
        stride: distance between the stamps of two neighbouring input pixels.
        padding: "valid" or "same".
        output_padding: None (Keras' default) or an int ``0 <= output_padding < stride``:
            which of the input lengths that a convolution maps to ``n`` to give back.

    Returns:
        The output length Keras gives (section 2 of the handout derives every case).

    Raises:
        ValueError: for ``output_padding >= stride``, which Keras refuses too.
    """
    # BEGIN SOLUTION
    if output_padding is not None and not 0 <= output_padding < stride:
        raise ValueError(f"output_padding must be in [0, stride), not {output_padding}")
    if padding == "valid":
        if output_padding is None:
            # Default: no extra rows, except when stamps (kernel_size) are shorter than
            # their spacing (stride): then the last stamp's gap is kept as well.
            output_padding = max(kernel_size, stride) - kernel_size
        # The stamps of n pixels, stride apart, each kernel_size long.
        return (n - 1) * stride + kernel_size + output_padding
    if output_padding is None:
        return n * stride  # "same": the exact inverse of ceil(length / stride)
    # "same" with output_padding: stamps cropped by kernel_size // 2 on each side.
    return (n - 1) * stride + kernel_size % 2 + output_padding
    # END SOLUTION


def conv2d_transpose(x, kernel, stride: int = 1, padding: str = "valid",
                     output_padding: int | None = None) -> np.ndarray:
    """A transposed convolution in NumPy: each input pixel stamps a scaled kernel.

    Args:
        x: batch of feature maps, shape (N, H, W, Cin).
        kernel: shape (kh, kw, Cout, Cin), the layout of a Keras ``Conv2DTranspose`` kernel.
        stride: the same stride along both axes.
        padding: "valid" or "same".
        output_padding: None or an int below ``stride``, for both axes.

    Returns:
        Array of shape (N, Ho, Wo, Cout), with ``Ho = conv_transpose_output_length(H, kh,
        stride, padding, output_padding)`` (and ``Wo`` likewise). It equals
        ``keras.layers.Conv2DTranspose(Cout, (kh, kw), stride, padding,
        output_padding=output_padding, use_bias=False)`` holding ``kernel``.
    """
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    # BEGIN SOLUTION
    batch, height, width, _ = x.shape
    kh, kw, channels_out, _ = kernel.shape
    out_h = conv_transpose_output_length(height, kh, stride, padding, output_padding)
    out_w = conv_transpose_output_length(width, kw, stride, padding, output_padding)
    # Where the output window starts inside the full canvas of stamps. "valid" keeps the
    # canvas from its first row; "same" crops like the convolution it transposes pads:
    # the smaller half of the excess at the top/left, the larger at the bottom/right.
    top = max((height - 1) * stride + kh - out_h, 0) // 2 if padding == "same" else 0
    left = max((width - 1) * stride + kw - out_w, 0) // 2 if padding == "same" else 0
    canvas = np.zeros((batch, max((height - 1) * stride + kh, top + out_h),
                       max((width - 1) * stride + kw, left + out_w), channels_out),
                      dtype=np.result_type(x, kernel, np.float32))
    for i in range(height):
        for j in range(width):
            # Input pixel (i, j) of every image and channel: stamp[n, a, b, o] =
            # sum over c of x[n, i, j, c] * kernel[a, b, o, c].
            stamp = np.tensordot(x[:, i, j, :], kernel, axes=([1], [3]))
            canvas[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :] += stamp
    return canvas[:, top:top + out_h, left:left + out_w, :]
    # END SOLUTION


def build_upsampling_decoder(latent_dim: int = 16) -> keras.Model:
    """A decoder from a latent code to a 28x28 image, upsampling with Conv2DTranspose.

    Args:
        latent_dim: length of the code ``z``.

    Returns:
        A ``keras.Model`` named "upsampling_decoder" mapping ``(N, latent_dim)`` to
        ``(N, 28, 28, 1)`` with values in [0, 1]: Dense, Reshape to 7x7, two stride-2
        ``Conv2DTranspose`` layers (7 -> 14 -> 28), and a sigmoid output layer.
    """
    # BEGIN SOLUTION
    z = keras.Input(shape=(latent_dim,), name="z")
    h = keras.layers.Dense(7 * 7 * 64, activation="relu", name="project")(z)
    h = keras.layers.Reshape((7, 7, 64), name="to_7x7")(h)
    # padding="same" and stride 2: each layer doubles the size exactly (n * stride).
    h = keras.layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu",
                               name="up_to_14x14")(h)
    h = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu",
                               name="up_to_28x28")(h)
    # A stride-1 convolution mixes the 32 channels into one; sigmoid keeps pixels in [0, 1].
    x_hat = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.Model(z, x_hat, name="upsampling_decoder")
    # END SOLUTION
