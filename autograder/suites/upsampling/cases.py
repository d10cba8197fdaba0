"""What the upsampling tests are made of: lattices, images and a real handwritten digit.

The visible and hidden cases themselves live in their test files, so that the student
release drops the hidden ones with ``test_hidden.py``.
"""

from __future__ import annotations

import numpy as np

#: A real handwritten "3": sample 13 of the UCI "Optical Recognition of Handwritten Digits"
#: data set (as shipped in scikit-learn's ``load_digits``; CC BY 4.0), 8x8 grey levels 0-16.
DIGIT_8X8 = np.array([
    [0, 2, 9, 15, 14, 9, 3, 0],
    [0, 4, 13, 8, 9, 16, 8, 0],
    [0, 0, 0, 6, 14, 15, 3, 0],
    [0, 0, 0, 11, 14, 2, 0, 0],
    [0, 0, 0, 2, 15, 11, 0, 0],
    [0, 0, 0, 0, 2, 15, 4, 0],
    [0, 1, 5, 6, 13, 16, 6, 0],
    [0, 2, 12, 12, 13, 11, 0, 0],
])


def smooth_resize(image: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of a square image to size x size (corners kept), in NumPy."""
    old = np.arange(image.shape[0])
    new = np.linspace(0, image.shape[0] - 1, size)
    columns = np.stack([np.interp(new, old, image[:, j]) for j in range(image.shape[1])], 1)
    return np.stack([np.interp(new, old, columns[i]) for i in range(size)])


#: The digit as a decoder's last 14x14 feature map, in [0, 1]; upsampled twice it is 28x28.
DIGIT_14X14 = smooth_resize(DIGIT_8X8 / 16.0, 14).astype(np.float32)

#: The 3x3 box filter that both upsampling paths use in the checkerboard tests.
BOX = np.full((3, 3), 1 / 9, np.float32)

#: The lecture's lattices: kernel 3, stride 2 overlaps unevenly; kernel 4, stride 2 evenly.
LECTURE_OVERLAPS = [(3, 3, 2), (4, 4, 2)]
LECTURE_OVERLAP_2D = ((3, 3), 3, 2)


def case_id(case) -> str:
    """Readable test ids: ``n3-k3-s2``, ``4x3-k3-s2``, ``2x3x4x2-size2``, ``f4-k3-size2-5x5x3``."""
    def shape(dims) -> str:
        return "x".join(str(d) for d in dims)

    if len(case) == 3 and isinstance(case[0], int):
        return f"n{case[0]}-k{case[1]}-s{case[2]}"
    if len(case) == 3:
        return f"{shape(case[0])}-k{case[1]}-s{case[2]}"
    if len(case) == 2:
        return f"{shape(case[0])}-size{case[1]}"
    return f"f{case[0]}-k{case[1]}-size{case[2]}-{shape(case[3])}"


def constant(rng: np.random.Generator, shape=(14, 14)) -> np.ndarray:
    return np.full(shape, rng.uniform(0.2, 1.0), np.float32)


def checkerboard(rng: np.random.Generator, shape=(12, 16)) -> np.ndarray:
    """+a / -a alternating with the pixel's (row + column) parity, around an offset."""
    parity = np.indices(shape).sum(axis=0) % 2
    return (rng.uniform(-1, 1) + rng.uniform(0.5, 2) * (2 * parity - 1)).astype(np.float32)
