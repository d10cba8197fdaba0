"""Visible tests: students run these themselves with ``autograder check autoencoder``.

The training tests compare with fixed thresholds (``criteria.py``), not with a recorded
training run of the reference, so they mean the same on every machine.
"""

from __future__ import annotations

import pytest

from autograder.suites.autoencoder import checks
from autograder.suites.autoencoder.criteria import LATENT_DIM

pytestmark = pytest.mark.visibility("visible")


@pytest.mark.points(2)
def test_build_conv_autoencoder_shapes(student):
    """Does build_conv_autoencoder(16) map (N, 28, 28, 1) to a (N, 16) code and back?"""
    checks.model_shapes(student, LATENT_DIM)


@pytest.mark.points(1)
def test_build_conv_autoencoder_chains_decoder_after_encoder(student):
    """Is autoencoder(x) exactly decoder(encoder(x)), with nothing around the bottleneck?"""
    checks.composition(student, LATENT_DIM)


@pytest.mark.points(1)
def test_build_conv_autoencoder_output_range(student):
    """Do the autoencoder and the decoder (even on large codes) give images in [0, 1]?"""
    checks.output_range(student, LATENT_DIM)


@pytest.mark.slow
@pytest.mark.points(3)
def test_build_conv_autoencoder_learns(student, test_seed):
    """Does the grader's training loop bring your autoencoder below the MSE threshold?"""
    checks.loop_learns(student, test_seed)


@pytest.mark.points(1)
def test_add_noise_is_reproducible(student, rng):
    """Does add_noise give the same noise for the same seed, and other noise for another?"""
    checks.noise_reproducible(student, rng, disturb=False)


@pytest.mark.points(1)
def test_add_noise_is_clipped(student, rng):
    """Are noisy images clipped back into [0, 1] (not squashed or rescaled)?"""
    checks.noise_clipped(student, rng)


@pytest.mark.points(1)
def test_add_noise_statistics(student):
    """Is the noise Gaussian-like with mean 0 and the requested standard deviation 0.1?"""
    checks.noise_statistics(student, 0.1)


@pytest.mark.points(2)
def test_pca_reconstruct_matches_svd(student, reference, rng):
    """Does pca_reconstruct with k=3 equal the top-3 SVD reconstruction of small images?"""
    checks.pca_random(student, reference, rng, 3)


@pytest.mark.points(1)
def test_pca_reconstruct_digits(student, reference):
    """Does pca_reconstruct with k=16 on the digits equal the grader's SVD reconstruction?"""
    checks.pca_digits(student, reference, 16)


@pytest.mark.slow
@pytest.mark.points(3)
def test_train_autoencoder_learns(student):
    """Does train_autoencoder train the grader's model to a low validation MSE?"""
    checks.train_learns(student)
