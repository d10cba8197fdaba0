"""Seeding and deterministic settings for every probe call inside the worker.

TensorFlow and Keras are configured only when the student's module (or a probe) has
imported them: a NumPy-only assignment never pays for importing TensorFlow.
"""

from __future__ import annotations

import random
import sys

import numpy as np

_configured: set[str] = set()


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and, when loaded, Keras and TensorFlow with the same seed."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    elif "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)


def configure_frameworks() -> None:
    """Turn on TensorFlow op determinism and turn off TF32, once, if TensorFlow is loaded.

    Thread counts are fixed by the environment the grader starts the worker with
    (TF_NUM_INTRAOP_THREADS, TF_NUM_INTEROP_THREADS, OMP_NUM_THREADS).
    """
    if "tensorflow" in sys.modules and "tensorflow" not in _configured:
        tf = sys.modules["tensorflow"]
        tf.config.experimental.enable_op_determinism()
        tf.config.experimental.enable_tensor_float_32_execution(False)
        _configured.add("tensorflow")
