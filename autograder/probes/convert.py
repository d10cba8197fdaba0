"""Turning whatever student code returns into plain NumPy data, with clear complaints."""

from __future__ import annotations

from typing import Any

import numpy as np

# Bound before any student module is imported: a submission that replaces np.asarray or
# np.array changes its own arithmetic, never how the grader reads its results.
_asarray, _array = np.asarray, np.array


class BadResult(TypeError):
    """The student's function returned something the grader cannot compare."""


def as_array(value: Any, *, what: str) -> np.ndarray:
    """``np.asarray(value)`` for a numeric result: arrays, tensors, lists, numbers.

    Raises ``BadResult`` naming ``what`` (e.g. ``"conv_matrix(...)"``) for None, ragged
    lists, text or other non-numeric results.
    """
    if value is None:
        raise BadResult(f"{what} returned None; did you forget a return statement?")
    try:
        array = _asarray(value)
    except Exception as error:  # noqa: BLE001 - ragged lists, lying __array__, ...
        raise BadResult(f"{what} returned a {type(value).__name__} that is not an array: "
                        f"{error}") from None
    if array.dtype.kind not in "biuf":
        raise BadResult(f"{what} returned a {type(value).__name__} of dtype {array.dtype}, "
                        "not a numeric array")
    # A fresh, plain ndarray: nothing of the student's object survives the conversion.
    return _array(array, dtype=array.dtype, copy=True)


def as_int(value: Any, *, what: str) -> int:
    """A Python int from an int-like result (``int``, NumPy integer, 0-d integer array)."""
    array = as_array(value, what=what)
    if array.ndim != 0 or array.dtype.kind not in "iub":
        raise BadResult(f"{what} returned {array.dtype} of shape {array.shape}; "
                        "expected a single integer")
    return int(array)
