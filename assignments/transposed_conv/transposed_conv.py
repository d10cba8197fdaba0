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
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv_output_length is not implemented yet")


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
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv_transpose_output_length is not implemented yet")


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
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv2d_transpose is not implemented yet")


def build_upsampling_decoder(latent_dim: int = 16) -> keras.Model:
    """A decoder from a latent code to a 28x28 image, upsampling with Conv2DTranspose.

    Args:
        latent_dim: length of the code ``z``.

    Returns:
        A ``keras.Model`` named "upsampling_decoder" mapping ``(N, latent_dim)`` to
        ``(N, 28, 28, 1)`` with values in [0, 1]: Dense, Reshape to 7x7, two stride-2
        ``Conv2DTranspose`` layers (7 -> 14 -> 28), and a sigmoid output layer.
    """
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("build_upsampling_decoder is not implemented yet")
