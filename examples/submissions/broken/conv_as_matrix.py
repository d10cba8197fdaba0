"""A submission that does not even import: a missing colon."""

import numpy as np


def conv_matrix(kernel, input_shape, stride=1, padding="valid")
    return np.zeros((1, 1))
