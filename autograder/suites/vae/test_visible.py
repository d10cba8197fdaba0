"""Visible tests: students run these themselves with ``autograder check vae``.

The training tests compare with fixed thresholds (``criteria.py``), not with a recorded
training run of the reference, so they mean the same on every machine. Every other test of
the VAE class compares one step of your code with one step of the reference, on the
grader's small models, with the grader's draws in place of ``sample_eps``.
"""

from __future__ import annotations

import pytest

from autograder.suites.vae import checks
from autograder.suites.vae.cases import Models

#: The grader's models for the class tests: BatchNormalization makes training=True matter.
STEP = Models()
PLAIN = Models(batchnorm=False, weight_seed=6, batch=4)

pytestmark = pytest.mark.visibility("visible")


@pytest.mark.points(1)
def test_reparameterize_values(student, reference, rng):
    """Is reparameterize(mu, log_var, eps) equal to mu + exp(0.5 * log_var) * eps?"""
    checks.reparameterize_values(student, reference, rng, (4, 3))


@pytest.mark.points(2)
def test_reparameterize_gradients(student, rng):
    """Do gradients reach mu and log_var, equal to the analytic ones (a GradientTape)?"""
    checks.reparameterize_gradients(student, rng, (4, 3))


@pytest.mark.points(2)
def test_kl_divergence_values(student, reference, rng):
    """Does kl_divergence give the closed-form KL of each example?"""
    checks.kl_values(student, reference, rng, (5, 3))


@pytest.mark.points(1)
def test_kl_divergence_zero_at_prior(student):
    """Is the KL of N(0, I) from the prior exactly 0, one value per example?"""
    checks.kl_zero_at_prior(student, (3, 2))


@pytest.mark.points(1)
def test_kl_divergence_non_negative(student, rng):
    """Is the KL never negative, even for large means and variances?"""
    checks.kl_non_negative(student, rng, (50, 4))


@pytest.mark.points(2)
def test_reconstruction_loss_values(student, reference, rng):
    """Is reconstruction_loss the cross-entropy summed over each image's pixels?"""
    checks.reconstruction_values(student, reference, rng, (3, 5, 4, 1))


@pytest.mark.points(1)
def test_reconstruction_loss_clips(student, reference, rng):
    """With probabilities of exactly 0 and 1, is the loss finite (clipped as Keras does)?"""
    checks.reconstruction_clips(student, reference, rng, (2, 4, 4, 1))


@pytest.mark.points(1)
def test_vae_loss_values(student, reference, rng):
    """Is vae_loss the batch mean of reconstruction + KL (beta = 1 by default)?"""
    checks.vae_loss_values(student, reference, rng, 4, None)


@pytest.mark.points(1)
def test_vae_loss_weights_kl_by_beta(student, reference, rng):
    """With beta = 0.25, is vae_loss the batch mean of reconstruction + beta * KL?"""
    checks.vae_loss_values(student, reference, rng, 4, 0.25)


@pytest.mark.points(1)
def test_build_encoder_outputs(student):
    """Does build_encoder(2) map (N, 28, 28, 1) images to [mu, log_var], each (N, 2)?"""
    checks.encoder_outputs(student, 2)


@pytest.mark.points(1)
def test_build_decoder_outputs(student):
    """Does build_decoder(2) map (N, 2) codes to (N, 28, 28, 1) images in [0, 1]?"""
    checks.decoder_outputs(student, 2, scale=3.0)


@pytest.mark.points(1)
def test_VAE_sample_eps_is_standard_normal(student):
    """Does sample_eps give fresh standard-normal draws of the requested shape?"""
    checks.sample_eps_standard_normal(student, (500, 8))


@pytest.mark.points(1)
def test_VAE_call_reconstructs(student, reference, rng):
    """Does vae(x) encode, sample once with sample_eps, and decode?"""
    checks.call_reconstructs(student, reference, rng, PLAIN)


@pytest.mark.points(3)
def test_VAE_train_step_updates_every_weight(student, reference, rng):
    """Does one train_step (same weights, same draws) move every weight as the reference's?"""
    checks.train_step(student, reference, rng, STEP, beta=1.0)


@pytest.mark.points(2)
def test_VAE_train_step_weights_kl_by_beta(student, reference, rng):
    """With beta = 4, does train_step minimise reconstruction + beta * KL?"""
    checks.train_step(student, reference, rng, STEP, beta=4.0)


@pytest.mark.slow
@pytest.mark.points(3)
def test_VAE_learns_digits(student, figures, test_seed):
    """Does your VAE class train the grader's models to a low negative ELBO on the digits?"""
    checks.learns_digits(student, figures, test_seed)


@pytest.mark.points(2)
def test_sample_images_from_the_prior(student):
    """Does sample_images decode n standard-normal codes, reproducibly for a seed?"""
    checks.sample_images_from_prior(student, 1000, 2, seed=3)


@pytest.mark.points(2)
def test_interpolate_along_a_line(student, reference, rng):
    """Does interpolate decode evenly spaced codes from z_start to z_end, ends included?"""
    checks.interpolate_line(student, reference, rng, PLAIN, steps=7)
