"""A submission that does not import: it needs a package that is not installed."""

import numpy as np
from keras_contrib.layers import SubPixelUpscaling  # ModuleNotFoundError


def nearest_upsample(x, size=2):
    return np.asarray(x).repeat(size, axis=1).repeat(size, axis=2)
