"""Numerical comparisons whose failure messages teach: shape, dtype, errors, where, NaN/Inf.

    >>> assert_close(got, want, what="conv_matrix(kernel, (4, 4))")
    AssertionError: conv_matrix(kernel, (4, 4)): 3 of 64 values differ from the expected ones
      shape  (4, 16)  as expected          dtype  float32 (expected float64)
      max abs error  3  at [0, 5]: got 2, expected 5
      max rel error  0.6
      NaN 0, Inf 0 in your result
      tolerance |got - expected| <= 1e-05 + 0.0001 * |expected|
"""

from __future__ import annotations

import numpy as np

#: float32 arithmetic on CPU or GPU, in any summation order, stays well inside these.
RTOL = 1e-4
ATOL = 1e-5


class Mismatch(AssertionError):
    """The student's value differs from the expected one; the message says how.

    ``got`` and ``expected`` keep the two arrays, when there are two of the same shape, for
    the report's side-by-side picture.
    """

    def __init__(self, message: str, got=None, expected=None) -> None:
        super().__init__(message)
        self.got, self.expected = got, expected


def assert_close(got, want, *, what: str, rtol: float = RTOL, atol: float = ATOL,
                 scale_atol: bool = True) -> None:
    """Fail with a full report unless ``|got - want| <= atol' + rtol * |want|`` everywhere.

    With ``scale_atol`` the absolute tolerance grows with the size of the expected values
    (``atol' = atol * max(1, max|want|)``), which float32 rounding in long sums needs.
    """
    got = np.asarray(got)
    want = np.asarray(want)
    if got.shape != want.shape:
        raise Mismatch(f"{what}: shape {got.shape}, expected {want.shape}"
                       f"{_shape_hint(got.shape, want.shape)}")
    if got.dtype.kind not in "biuf":
        raise Mismatch(f"{what}: dtype {got.dtype} is not numeric")
    if want.size == 0:
        return
    got64 = got.astype(np.float64)
    want64 = want.astype(np.float64)
    if scale_atol:
        atol = atol * max(1.0, float(np.nanmax(np.abs(want64))))
    nan = int(np.isnan(got64).sum())
    inf = int(np.isinf(got64).sum())
    error = np.abs(got64 - want64)
    error = np.where(np.isnan(error), np.inf, error)  # NaN never counts as close
    bad = error > atol + rtol * np.abs(want64)
    if not bad.any():
        return
    worst = np.unravel_index(int(np.argmax(error)), error.shape)
    dtype_note = "" if got.dtype == want.dtype else f" (expected {want.dtype})"
    index = list(int(i) for i in worst)
    lines = [
        f"{what}: {int(bad.sum())} of {bad.size} values differ from the expected ones",
        f"  shape {got.shape} as expected, dtype {got.dtype}{dtype_note}",
        f"  max abs error {_fmt(error[worst])} at {index}: "
        f"got {_fmt(got64[worst])}, expected {_fmt(want64[worst])}",
        _relative_line(error, want64, atol),
        f"  NaN {nan}, Inf {inf} in your result",
        f"  tolerance |got - expected| <= {atol:.3g} + {rtol:g} * |expected|",
    ]
    raise Mismatch("\n".join(lines), got=got, expected=want)


def assert_equal_int(got: int, want: int, *, what: str) -> None:
    """Exact comparison for integer results (lengths, counts)."""
    if got != want:
        raise Mismatch(f"{what}: got {got}, expected {want}")


def assert_array_equal(got, want, *, what: str) -> None:
    """Exact comparison for integer arrays (counts), with the first difference shown."""
    got = np.asarray(got)
    want = np.asarray(want)
    if got.shape != want.shape:
        raise Mismatch(f"{what}: shape {got.shape}, expected {want.shape}")
    differ = got != want
    if differ.any():
        first = np.unravel_index(int(np.argmax(differ)), differ.shape)
        raise Mismatch(f"{what}: {int(differ.sum())} of {differ.size} values differ; first at "
                       f"{[int(i) for i in first]}: got {got[first]}, expected {want[first]}\n"
                       f"  got      {np.array2string(got, threshold=64)}\n"
                       f"  expected {np.array2string(want, threshold=64)}")


def _relative_line(error: np.ndarray, want: np.ndarray, atol: float) -> str:
    """The largest relative error, over the values where it means something.

    Next to an expected 0 any error is "infinitely" relative (and dividing by a tolerance
    instead gives numbers like 100000 that say nothing): such values are left out, and
    the line says so; the absolute error above covers them.
    """
    meaningful = np.abs(want) > 10 * atol
    if not meaningful.any():
        return "  max rel error: not meaningful (every expected value is 0 or nearly)"
    relative = float(np.max(error[meaningful] / np.abs(want[meaningful])))
    left_out = int(meaningful.size - meaningful.sum())
    note = f" (leaving out {left_out} expected values near 0)" if left_out else ""
    return f"  max rel error {_fmt(relative)}{note}"


def _fmt(x: float) -> str:
    return f"{float(x):.6g}"


def _shape_hint(got: tuple, want: tuple) -> str:
    if len(got) == len(want) and sorted(got) == sorted(want):
        return " (the same sizes in another order: a transpose or a reshape in the wrong order?)"
    if int(np.prod(got)) == int(np.prod(want)):
        return " (the same number of values: reshape to the expected shape?)"
    return ""
