"""A submission that does not import: it uses keras at import time without importing it."""

import numpy as np

OUTPUT_ACTIVATION = keras.activations.sigmoid  # NameError: name 'keras' is not defined


def conv_output_length(n, kernel_size, stride=1, padding="valid"):
    return int(np.ceil(n / stride))
