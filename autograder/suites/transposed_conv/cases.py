"""What the transposed_conv tests are made of: the lecture's shapes, sweeps, cases.

The visible and hidden cases themselves live in their test files, so that the student
release drops the hidden ones with ``test_hidden.py``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

PADDINGS = ("valid", "same")


def conv_sweep(ns, kernels, strides) -> list[list]:
    """Every [n, kernel_size, stride, padding] combination (Keras decides which it accepts)."""
    return [[n, k, s, p] for n, k, s, p in itertools.product(ns, kernels, strides, PADDINGS)]


def conv_transpose_sweep(ns, kernels, strides, paddings=PADDINGS, output_padding="all"
                         ) -> list[list]:
    """[n, kernel_size, stride, padding, output_padding] with output_padding None
    ("none"), each value below the stride ("set"), or both ("all")."""
    combos = []
    for n, k, s, p in itertools.product(ns, kernels, strides, paddings):
        values = {"none": [None], "set": list(range(s)), "all": [None, *range(s)]}
        combos += [[n, k, s, p, op] for op in values[output_padding]]
    return combos


#: The lecture's cases: a stride-1 convolution and its transpose give the shape back; with
#: stride 2, 28 -> 13 -> 27 is "almost" 28 and output_padding=1 fixes it; "same" doubles.
LECTURE_CONV = [[28, 3, 1, "same"], [28, 3, 1, "valid"], [28, 3, 2, "valid"],
                [28, 3, 2, "same"], [7, 3, 2, "same"]]
LECTURE_TRANSPOSE = [[28, 3, 1, "same", None], [26, 3, 1, "valid", None],
                     [13, 3, 2, "valid", None], [13, 3, 2, "valid", 1],
                     [14, 3, 2, "same", None], [4, 3, 2, "same", None], [4, 3, 2, "same", 0]]


@dataclass(frozen=True)
class Case:
    """One transposed convolution: a (N, H, W, Cin) batch and a (kh, kw, Cout, Cin) kernel."""

    batch: int
    height: int
    width: int
    channels_in: int
    channels_out: int
    kh: int
    kw: int
    stride: int = 1
    padding: str = "valid"
    output_padding: int | None = None

    def __str__(self) -> str:
        extra = "" if self.output_padding is None else f"-op{self.output_padding}"
        return (f"{self.batch}x{self.height}x{self.width}x{self.channels_in}-"
                f"k{self.kh}x{self.kw}to{self.channels_out}-s{self.stride}-{self.padding}"
                f"{extra}")

    def args(self) -> tuple:
        return self.stride, self.padding, self.output_padding

    def describe(self) -> str:
        return (f"conv2d_transpose(x {(self.batch, self.height, self.width, self.channels_in)}"
                f", kernel {(self.kh, self.kw, self.channels_out, self.channels_in)}, "
                f"stride={self.stride}, padding={self.padding!r}, "
                f"output_padding={self.output_padding})")

    def inputs(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal((self.batch, self.height, self.width, self.channels_in))
        kernel = rng.standard_normal((self.kh, self.kw, self.channels_out, self.channels_in))
        return x.astype(np.float32), kernel.astype(np.float32)


#: Assignment 1's lecture example: its 2x2 output [[57, 50], [66, 61]] stamped back to 4x4.
LECTURE_Y = np.array([[57, 50], [66, 61]], np.float32).reshape(1, 2, 2, 1)
LECTURE_KERNEL = np.arange(1, 10, dtype=np.float32).reshape(3, 3, 1, 1)

#: Sizes a small 28x28 decoder sensibly has (the reference has 108,993 parameters).
MIN_PARAMS, MAX_PARAMS = 10_000, 2_000_000
