"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import pytest

from autograder.suites.autoencoder import checks
from autograder.suites.autoencoder.criteria import LATENT_DIM

pytestmark = pytest.mark.visibility("hidden")


@pytest.mark.points(1)
@pytest.mark.parametrize("latent_dim", [2, 32], ids=lambda d: f"latent{d}")
def test_build_conv_autoencoder_shapes(student, latent_dim):
    """Does build_conv_autoencoder honour another code size?"""
    checks.model_shapes(student, latent_dim)


@pytest.mark.points(1)
def test_build_conv_autoencoder_is_convolutional(student):
    """Do the encoder and the decoder both use convolution layers?"""
    checks.convolutional(student, LATENT_DIM)


@pytest.mark.points(1)
def test_add_noise_ignores_global_random_state(student, rng):
    """Is add_noise reproducible for a seed even after the global random state changed?"""
    checks.noise_reproducible(student, rng, disturb=True)


@pytest.mark.points(1)
def test_add_noise_leaves_input_alone(student, rng):
    """Does add_noise return a new array instead of adding noise to x in place?"""
    checks.noise_leaves_input(student, rng)


@pytest.mark.points(1)
@pytest.mark.parametrize("noise_std", [0.0, 0.03, 0.08], ids=lambda s: f"std{s:g}")
def test_add_noise_statistics(student, noise_std):
    """Does the noise have the requested standard deviation (and none for 0)?"""
    checks.noise_statistics(student, noise_std)


@pytest.mark.points(1)
def test_pca_reconstruct_uses_training_mean(student, reference, rng):
    """Does pca_reconstruct centre new images with the training mean, not their own?"""
    checks.pca_random(student, reference, rng, 3, shift=0.5)


@pytest.mark.points(1)
def test_pca_reconstruct_all_components(student, reference, rng):
    """With k equal to the number of pixels, does pca_reconstruct give the images back?"""
    checks.pca_random(student, reference, rng, 36)


@pytest.mark.points(1)
@pytest.mark.parametrize("k", [1, 8], ids=lambda k: f"k{k}")
def test_pca_reconstruct_digits(student, reference, k):
    """Does pca_reconstruct match the grader's SVD on 400 digits for this k?"""
    checks.pca_digits(student, reference, k, n_train=400)


@pytest.mark.slow
@pytest.mark.points(3)
def test_train_autoencoder_denoises(student, test_seed):
    """With noise_std=0.5, does train_autoencoder fit noisy inputs to clean targets?"""
    checks.train_denoises(student, test_seed)


@pytest.mark.slow
@pytest.mark.points(1)
def test_train_autoencoder_uses_mse(student):
    """Is the model compiled with the mean squared error? (Judged on the training run of
    test_train_autoencoder_learns, which is run once for both.)"""
    checks.train_uses_mse(student)
