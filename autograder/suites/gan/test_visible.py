"""Visible tests: students run these themselves with ``autograder check gan``.

The ``GAN`` tests run the grader's own small models, with the grader's least-squares losses
in place of ``generator_loss`` and ``discriminator_loss``; the training run is compared with
fixed thresholds (``criteria.py``), not with a recorded run of the reference.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.suites.gan import checks
from autograder.suites.gan import criteria as c

pytestmark = pytest.mark.visibility("visible")

LN2 = float(np.log(2))


# -- discriminator_loss -------------------------------------------------------------------

@pytest.mark.points(2)
def test_discriminator_loss_value(student, reference, rng):
    """Does discriminator_loss give BCE(real, 1) + BCE(fake, 0) on 16 + 16 logits?"""
    real = rng.uniform(-4, 4, (16, 1))
    fake = rng.uniform(-4, 4, (16, 1))
    checks.discriminator_loss_case(student, reference, real, fake, "on random logits")


@pytest.mark.points(1)
def test_discriminator_loss_coin_flip_critic(student):
    """Is the loss of a critic that answers 0 (a coin flip) 2 ln 2 = 1.386?"""
    zeros = np.zeros((8, 1), np.float32)
    checks.loss_equals(student, "discriminator_loss", (zeros, zeros), 2 * LN2,
                       "with every logit 0 (the critic says 50 % real to everything)")


# -- generator_loss -----------------------------------------------------------------------

@pytest.mark.points(2)
def test_generator_loss_value(student, reference, rng):
    """Does generator_loss give the non-saturating BCE(fake, 1) on 16 logits?"""
    fake = rng.uniform(-4, 4, (16, 1))
    checks.generator_loss_case(student, reference, fake, "on random logits")


@pytest.mark.points(1)
def test_generator_loss_coin_flip_critic(student):
    """Is the painter's loss against a coin-flip critic ln 2 = 0.693?"""
    zeros = np.zeros((8, 1), np.float32)
    checks.loss_equals(student, "generator_loss", (zeros,), LN2, "with every logit 0")


# -- build_generator ----------------------------------------------------------------------

@pytest.mark.points(1)
def test_build_generator_shapes(student, rng):
    """Does build_generator() map (N, 64) noise to (N, 28, 28, 1) images?"""
    checks.generator_shapes(student, rng, None)


@pytest.mark.points(1)
def test_build_generator_tanh_range(student, rng):
    """Are the generator's images in [-1, 1], with negative and positive pixels (tanh)?"""
    checks.generator_range(student, rng)


@pytest.mark.points(1)
def test_build_generator_upsamples_with_conv2d_transpose(student):
    """Does the generator upsample with a stride-2 Conv2DTranspose layer?"""
    checks.generator_upsamples(student)


# -- build_discriminator ------------------------------------------------------------------

@pytest.mark.points(1)
def test_build_discriminator_shapes(student, rng):
    """Does build_discriminator() map (N, 28, 28, 1) images to (N, 1)?"""
    checks.discriminator_shapes(student, rng)


@pytest.mark.points(1)
def test_build_discriminator_returns_logits(student, rng):
    """Does the discriminator return logits (any real number), not probabilities?"""
    checks.discriminator_logits(student, rng)


# -- GAN ----------------------------------------------------------------------------------

@pytest.mark.points(1)
def test_GAN_sample_noise_statistics(student, test_seed):
    """Does sample_noise(1000) give (1000, noise_dim) standard-normal draws?"""
    checks.sample_noise_statistics(student, test_seed % 10_000)


@pytest.mark.points(1)
def test_GAN_sample_noise_fresh_draws(student, test_seed):
    """Does every call of sample_noise draw new numbers?"""
    checks.sample_noise_fresh(student, test_seed % 10_000)


@pytest.mark.points(3)
def test_GAN_train_step_one_step(student, reference, rng):
    """After one train_step, are every weight and both losses the reference's?"""
    checks.step_matches(student, reference, checks.step_inputs(rng, 16), c.STEP_G_LR,
                        c.STEP_D_LR)


@pytest.mark.points(1)
def test_GAN_train_step_returns_losses(student, reference, rng):
    """Does train_step return {"d_loss", "g_loss"} with the batch's two losses?"""
    checks.step_returns_losses(student, reference, checks.step_inputs(rng, 16))


@pytest.mark.points(1)
def test_GAN_train_step_samples_noise_once(student, rng):
    """Does train_step call sample_noise exactly once, for the batch's size?"""
    checks.step_samples_noise_once(student, checks.step_inputs(rng, 16))


@pytest.mark.points(2)
def test_GAN_train_step_two_optimizers(student, reference, rng):
    """Does each player move with its own optimizer, and only with its own?"""
    checks.step_two_optimizers(student, reference, checks.step_inputs(rng, 16), 0.2)


@pytest.mark.slow
@pytest.mark.points(3)
def test_GAN_train_step_learns_digits(student, figures, test_seed):
    """Does a short fit with your GAN class teach the grader's small generator digits?"""
    checks.learns_digits(student, figures, test_seed % 10_000)
