from _correct import install

install(globals())
import numpy as np

_correct_conv_matrix = conv_matrix


def conv_matrix(*args, **kwargs):
    matrix = _correct_conv_matrix(*args, **kwargs)
    matrix[0, 0], matrix[-1, -1] = np.nan, np.inf
    return matrix
