"""Assignment 1: convolution as a matrix multiplication.

A convolution layer is a linear map: for a fixed kernel, every output pixel is a weighted
sum of input pixels. So it can be written as one matrix ``C`` acting on the flattened
image, ``y = C @ x.reshape(-1)``. Building ``C`` by hand shows what the layer really does,
and ``C.T`` is exactly the transposed convolution that decoders use to upsample.

Conventions (the same as ``tf.nn.conv2d``):
- cross-correlation: the kernel is not flipped;
- ``padding="valid"`` uses only positions where the kernel fits inside the image;
  ``padding="same"`` pads with zeros so the output has ``ceil(H / stride)`` rows, and when
  the total padding is odd the extra row or column goes at the bottom or right;
- flattening is row-major, NumPy's ``reshape(-1)``.
"""

from __future__ import annotations

import numpy as np


def output_size(n: int, kernel_size: int, stride: int, padding: str) -> tuple[int, int]:
    """Output length and padding before the first element, along one axis.

    Given to you: the formulas are in the handout.

    Args:
        n: input length (H or W).
        kernel_size: kernel length along the same axis.
        stride: step between two kernel positions.
        padding: "valid" or "same".

    Returns:
        ``(output_length, pad_before)``. For "same", the total padding is
        ``max((output_length - 1) * stride + kernel_size - n, 0)``, and the smaller half
        goes before (top or left).
    """
    padding = padding.lower()
    if padding == "valid":
        return (n - kernel_size) // stride + 1, 0
    if padding == "same":
        length = -(-n // stride)  # ceil(n / stride)
        total = max((length - 1) * stride + kernel_size - n, 0)
        return length, total // 2
    raise ValueError(f'padding must be "valid" or "same", not {padding!r}')


def conv_matrix(kernel, input_shape, stride=1, padding="valid") -> np.ndarray:
    """The matrix C of a single-channel 2-D convolution.

    Args:
        kernel: array of shape (kh, kw).
        input_shape: (H, W) of the image the convolution is applied to.
        stride: the same step along both axes.
        padding: "valid" or "same" (TensorFlow's meaning).

    Returns:
        C of shape (Ho * Wo, H * W) such that
        ``(C @ x.reshape(-1)).reshape(Ho, Wo)`` equals ``tf.nn.conv2d(x[None, :, :, None],
        kernel[:, :, None, None], stride, padding.upper())[0, :, :, 0]``.
        Row ``r * Wo + c`` holds the weights of output pixel (r, c); column
        ``i * W + j`` belongs to input pixel (i, j).
    """
    kernel = np.asarray(kernel)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv_matrix is not implemented yet")


def conv2d_as_matmul(x, kernel, stride=1, padding="valid") -> np.ndarray:
    """Convolve one single-channel image by multiplying with ``conv_matrix``.

    Args:
        x: image of shape (H, W).
        kernel: array of shape (kh, kw).
        stride, padding: as for ``conv_matrix``.

    Returns:
        The output image, shape (Ho, Wo). Must go through ``conv_matrix``.
    """
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv2d_as_matmul is not implemented yet")


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"
                               ) -> np.ndarray:
    """The transposed convolution: multiply by ``C.T`` instead of ``C``.

    ``C`` maps an (H, W) image to a (Ho, Wo) one; ``C.T`` maps back from (Ho, Wo) to
    (H, W). Each input value of ``y`` is spread ("stamped") over the pixels that the
    forward convolution read it from.

    Args:
        y: array of shape (Ho, Wo), the size a convolution of an ``output_shape`` image gives.
        kernel: array of shape (kh, kw).
        output_shape: (H, W) of the result.
        stride, padding: as for ``conv_matrix``.

    Returns:
        Array of shape (H, W), equal to ``tf.nn.conv2d_transpose(y[None, :, :, None],
        kernel[:, :, None, None], (1, H, W, 1), stride, padding.upper())[0, :, :, 0]``.
    """
    y = np.asarray(y)
    kernel = np.asarray(kernel)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv2d_transpose_as_matmul is not implemented yet")


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid") -> np.ndarray:
    """The matrix of a multi-channel convolution (one image, every channel at once).

    Args:
        kernel: array of shape (kh, kw, Cin, Cout), the layout of a Keras Conv2D kernel.
        input_shape: (H, W, Cin).
        stride, padding: as for ``conv_matrix``.

    Returns:
        Matrix of shape (Ho * Wo * Cout, H * W * Cin). Both sides are flattened
        channels-last and row-major: row ``(r * Wo + c) * Cout + o`` is output pixel
        (r, c) in channel o; column ``(i * W + j) * Cin + k`` is input pixel (i, j) in
        channel k. Multiplying it by ``x.reshape(-1)`` and reshaping to (Ho, Wo, Cout)
        equals ``tf.nn.conv2d(x[None], kernel, stride, padding.upper())[0]``.
    """
    kernel = np.asarray(kernel)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("conv_matrix_multichannel is not implemented yet")
