"""Inputs of the conv_as_matrix tests: the lecture's example and a sweep of shapes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The worked example from the lecture (its valid 3x3 convolution is [[57, 50], [66, 61]]).
LECTURE_IMAGE = np.array([[2, 1, 0, 3], [0, 0, 1, 2], [3, 1, 2, 0], [0, 2, 2, 1]], np.float32)
LECTURE_KERNEL = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
LECTURE_OUTPUT = np.array([[57, 50], [66, 61]], np.float32)


@dataclass(frozen=True)
class Case:
    """One convolution: an (height, width) image, a (kh, kw) kernel, stride and padding."""

    height: int
    width: int
    kh: int
    kw: int
    stride: int = 1
    padding: str = "valid"
    channels_in: int = 1
    channels_out: int = 1

    def __str__(self) -> str:
        channels = (f"-c{self.channels_in}to{self.channels_out}"
                    if self.channels_in * self.channels_out > 1 else "")
        return (f"{self.height}x{self.width}-k{self.kh}x{self.kw}-s{self.stride}-"
                f"{self.padding}{channels}")

    @property
    def input_shape(self) -> tuple[int, int]:
        return self.height, self.width

    @property
    def output_shape(self) -> tuple[int, int]:
        """(Ho, Wo) as tf.nn.conv2d gives it."""
        return (_length(self.height, self.kh, self.stride, self.padding),
                _length(self.width, self.kw, self.stride, self.padding))

    def args(self) -> tuple[int, str]:
        return self.stride, self.padding

    def describe(self, function: str) -> str:
        return (f"{function}(kernel {self.kh}x{self.kw}, input {self.height}x{self.width}, "
                f"stride={self.stride}, padding={self.padding!r})")

    def image(self, rng: np.random.Generator) -> np.ndarray:
        return rng.standard_normal(self.input_shape).astype(np.float32)

    def kernel(self, rng: np.random.Generator) -> np.ndarray:
        return rng.standard_normal((self.kh, self.kw)).astype(np.float32)

    def output(self, rng: np.random.Generator) -> np.ndarray:
        """A random map of the convolution's output size (the input of a transpose)."""
        return rng.standard_normal(self.output_shape).astype(np.float32)


def _length(n: int, k: int, stride: int, padding: str) -> int:
    return -(-n // stride) if padding == "same" else (n - k) // stride + 1
