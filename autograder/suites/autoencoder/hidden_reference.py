"""Reference-side probes of assignment 4 whose code would give a solution away.

PCA's expected reconstructions are computed here, in NumPy, independently of the reference
module (which these probes ignore). This file lives with the grading suites, outside the
grader code a student's worker can see (its sandbox shows the package without suites/),
and, named ``hidden*``, is left out of the student release: the self-check replays the
values ``autograder build`` recorded from these probes. Only ``reference.run`` may call
them.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from autograder.datasets import grading_digits


def pca_expected(module: ModuleType, x_train, x, k: int) -> np.ndarray:
    """Shape (3, *x.shape), float64: the top-k SVD reconstruction of ``x``, then what two
    usual mistakes give: no centring at all, and centring ``x`` with its own mean."""
    train = np.asarray(x_train, np.float64).reshape(len(x_train), -1)
    flat = np.asarray(x, np.float64).reshape(len(x), -1)
    versions = [_reconstruct(train, flat, k, centre=True),
                _reconstruct(train, flat, k, centre=False),
                _reconstruct(train, flat, k, centre=True, own_mean=True)]
    return np.stack([v.reshape(np.shape(x)) for v in versions])


def pca_expected_on_digits(module: ModuleType, k: int, n_train: int, n: int) -> np.ndarray:
    """The top-k SVD reconstruction of the first ``n`` validation digits from the first
    ``n_train`` training digits, float32 (N, 28, 28, 1)."""
    x_train, x = grading_digits("train")[0][:n_train], grading_digits("val")[0][:n]
    train = x_train.reshape(n_train, -1).astype(np.float64)
    flat = x.reshape(n, -1).astype(np.float64)
    return _reconstruct(train, flat, k, centre=True).reshape(x.shape).astype(np.float32)


def _reconstruct(train: np.ndarray, flat: np.ndarray, k: int, *, centre: bool,
                 own_mean: bool = False) -> np.ndarray:
    mean = train.mean(axis=0) if centre else np.zeros(train.shape[1])
    axes = np.linalg.svd(train - mean, full_matrices=False)[2][:k]  # (k, D)
    shift = flat.mean(axis=0) if own_mean else mean
    return shift + ((flat - shift) @ axes.T) @ axes
