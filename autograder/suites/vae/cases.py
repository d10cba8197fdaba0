"""What the vae tests are made of: random inputs, the grader's small models, step inputs.

The visible and hidden cases themselves live in their test files, so that the student
release drops the hidden ones with ``test_hidden.py``. Every input comes from the test's
``rng`` (or is a constant), so the self-check replays the visible tests exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: SGD's learning rate in the train_step tests: every weight moves by -0.05 * its gradient.
LEARNING_RATE = 0.05


@dataclass(frozen=True)
class Models:
    """The grader's encoder and decoder (``probes.vae.grader_models``) and a batch size."""

    image_shape: tuple[int, ...] = (6, 6, 1)
    latent_dim: int = 3
    hidden: int = 8
    batchnorm: bool = True
    weight_seed: int = 4
    batch: int = 5

    def __str__(self) -> str:
        norm = "-bn" if self.batchnorm else ""
        shape = "x".join(str(d) for d in self.image_shape)
        return f"{shape}-latent{self.latent_dim}-batch{self.batch}{norm}"

    def spec(self) -> dict:
        return {"image_shape": list(self.image_shape), "latent_dim": self.latent_dim,
                "hidden": self.hidden, "batchnorm": self.batchnorm,
                "weight_seed": self.weight_seed}

    def describe(self) -> str:
        norm = " with BatchNormalization" if self.batchnorm else ""
        return (f"the grader's dense encoder and decoder{norm} (images "
                f"{self.image_shape}, latent_dim {self.latent_dim}), a batch of {self.batch}")

    def batches(self, rng: np.random.Generator, steps: int = 1) -> list[np.ndarray]:
        return [images(rng, (self.batch, *self.image_shape)) for _ in range(steps)]

    def draws(self, rng: np.random.Generator, steps: int = 1) -> list[np.ndarray]:
        return [rng.standard_normal((self.batch, self.latent_dim)).astype(np.float32)
                for _ in range(steps)]


def images(rng: np.random.Generator, shape) -> np.ndarray:
    """Grey images in [0, 1] (not only 0 and 1: the targets of a cross-entropy may be grey)."""
    return rng.random(shape).astype(np.float32)


def probabilities(rng: np.random.Generator, shape, low: float = 0.02) -> np.ndarray:
    """Decoder outputs strictly inside (0, 1)."""
    return rng.uniform(low, 1.0 - low, shape).astype(np.float32)


def gaussian_codes(rng: np.random.Generator, shape, spread: float = 1.0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(mu, log_var): means around 0, log-variances from -2.5 to 1.5 (times ``spread``)."""
    mu = (spread * rng.standard_normal(shape)).astype(np.float32)
    log_var = (spread * rng.uniform(-2.5, 1.5, shape)).astype(np.float32)
    return mu, log_var


def normal(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)
