import numpy as np


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    return np.zeros((input_shape[0] * input_shape[1], 1))  # the wrong shape


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    return "57 50 66 61"  # text


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    return np.zeros(output_shape, dtype=np.complex64)  # complex


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    return [[1, 2], [3]]  # ragged
