from _correct import install

install(globals())
import numpy as np


def conv_matrix_multichannel(*args, **kwargs):
    return np.ones(50 * 2**30 // 8)  # 50 GB at once
