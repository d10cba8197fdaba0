"""Can a student keep what the grader hands in and replay it in a later test?

Some probes hand the student's code values the reference computed: a correct
``conv_matrix`` for the functions built on it (``conv2d_with_matrix``), correct 1-D counts,
the reference's loss terms. A module that keeps them in a global could answer a later test
that asks for the same value. The worker that saw them must end with the call.
"""

from __future__ import annotations

import numpy as np

from autograder.handles import StudentModule
from autograder.probes import common
from autograder.probes import conv_as_matrix as probes
from autograder.worker.client import Limits

MODULE = '''
import numpy as np

KEPT = []


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    matrix = np.asarray(conv_matrix(kernel, np.shape(x), stride, padding))
    KEPT.append(matrix)  # the grader's correct matrix, kept for later
    return (matrix @ np.asarray(x).reshape(-1)).reshape(2, 2)


def kept():
    return np.array([len(KEPT)])


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    return np.zeros((1, 1))
'''


def test_a_worker_that_was_handed_answers_ends_with_the_call(tmp_path):
    (tmp_path / "conv_as_matrix.py").write_text(MODULE)
    handle = StudentModule("conv_as_matrix", tmp_path / "conv_as_matrix.py",
                           Limits(call_seconds=30, import_seconds=60),
                           hide=[tmp_path / "nothing"])
    try:
        x, kernel = np.arange(16.0).reshape(4, 4), np.ones((3, 3))
        matrix = np.ones((4, 16))
        assert common.hands_in(probes.conv2d_with_matrix)
        got, _ = handle.run(probes.conv2d_with_matrix, (x, kernel, 1, "valid", matrix), {},
                            seed=0)
        assert np.array_equal(got, np.full((2, 2), x.sum()))  # it did use the matrix
        kept, _ = handle.run(common.call, ("kept",), {}, seed=0)
        assert kept.tolist() == [0], "a later call found the handed-in matrix"
        # An ordinary call keeps its worker (no restart cost where nothing was handed in).
        handle.run(common.call, ("conv_matrix", kernel, (4, 4)), {}, seed=0)
        again, _ = handle.run(common.call, ("kept",), {}, seed=0)
        assert again.tolist() == [0]
    finally:
        handle.stop()
