"""Do comparison failures tell a student what is wrong and where?"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.compare import Mismatch, assert_array_equal, assert_close


def test_report_gives_shape_dtype_errors_index_and_nan_count():
    """Does a wrong value report shape, dtype, max abs/rel error, worst index and NaN/Inf?"""
    want = np.arange(12, dtype=np.float64).reshape(3, 4)
    got = want.astype(np.float32)
    got[1, 2] += 3
    got[2, 3] = np.nan
    with pytest.raises(Mismatch) as failure:
        assert_close(got, want, what="f(x)")
    message = str(failure.value)
    assert "f(x): 2 of 12 values differ" in message
    assert "shape (3, 4)" in message and "dtype float32 (expected float64)" in message
    assert "max abs error inf at [2, 3]" in message  # NaN counts as infinitely wrong
    assert "max rel error" in message
    assert "NaN 1, Inf 0" in message


def test_shape_mismatch_is_reported_with_a_hint():
    """Does a transposed result get a shape message and a hint?"""
    with pytest.raises(Mismatch, match=r"shape \(4, 3\), expected \(3, 4\).*transpose"):
        assert_close(np.zeros((4, 3)), np.zeros((3, 4)), what="f")


def test_float32_rounding_passes():
    """Is float32 arithmetic noise on large values accepted?"""
    want = np.linspace(-500, 500, 101)
    got = (want.astype(np.float32) * np.float32(1 + 3e-7)).astype(np.float32)
    assert_close(got, want, what="f")


def test_exact_comparison_for_counts():
    """Do integer results compare exactly and show the first difference?"""
    assert_array_equal(np.array([1, 2, 1]), np.array([1, 2, 1]), what="counts")
    with pytest.raises(Mismatch, match=r"first at \[1\]: got 3, expected 2"):
        assert_array_equal(np.array([1, 3, 1]), np.array([1, 2, 1]), what="counts")


def test_relative_error_is_given_only_where_it_means_something():
    """No "max rel error 100000" next to an expected 0: those values are left out."""
    with pytest.raises(Mismatch) as failure:
        assert_close(np.array([0.5, 1.5, 2.0]), np.array([0.0, 1.0, 2.0]), what="f")
    assert "max rel error 0.5 (leaving out 1 expected values near 0)" in str(failure.value)
    with pytest.raises(Mismatch) as failure:
        assert_close(np.array([0.5, -1.0]), np.zeros(2), what="f")
    assert "max rel error: not meaningful (every expected value is 0 or nearly)" in \
        str(failure.value)
    assert "max abs error 1 at [1]: got -1, expected 0" in str(failure.value)
