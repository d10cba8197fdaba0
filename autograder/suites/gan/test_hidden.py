"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import pytest

from autograder.suites.gan import checks

pytestmark = pytest.mark.visibility("hidden")


# -- discriminator_loss -------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("real_shape, fake_shape", [((12,), (12,)), ((12, 1), (20, 1))],
                         ids=["flat", "unequal_batches"])
def test_discriminator_loss_other_shapes(student, reference, rng, real_shape, fake_shape):
    """Does discriminator_loss work on (N,) logits, and average each term over its own
    batch when the real and fake batches differ in size?"""
    real = rng.uniform(-5, 5, real_shape)
    fake = rng.uniform(-5, 5, fake_shape)
    checks.discriminator_loss_case(student, reference, real, fake, "")


@pytest.mark.points(1)
def test_discriminator_loss_confident_critic(student, reference, rng):
    """Is the loss small and right when the critic tells real from fake with confidence?"""
    real = rng.uniform(4, 6, (16, 1))
    fake = rng.uniform(-6, -4, (16, 1))
    checks.discriminator_loss_case(student, reference, real, fake,
                                   "for a confident, correct critic")


# -- generator_loss -----------------------------------------------------------------------

@pytest.mark.points(1)
def test_generator_loss_flat_logits(student, reference, rng):
    """Does generator_loss work on (N,) logits?"""
    checks.generator_loss_case(student, reference, rng.uniform(-5, 5, (24,)), "")


@pytest.mark.points(1)
def test_generator_loss_when_the_critic_wins(student, reference, rng):
    """When the critic spots every fake, is the painter's loss large (non-saturating)?"""
    fake = rng.uniform(-6, -4, (16, 1))
    checks.generator_loss_case(student, reference, fake,
                               "when the critic rejects every fake")


# -- build_generator ----------------------------------------------------------------------

@pytest.mark.points(1)
def test_build_generator_other_noise_dim(student, rng):
    """Does build_generator(16) take (N, 16) noise to (N, 28, 28, 1) images?"""
    checks.generator_shapes(student, rng, 16)


# -- GAN.sample_noise ---------------------------------------------------------------------

@pytest.mark.points(1)
def test_GAN_sample_noise_reproducible(student, test_seed):
    """Do two GANs made with the same seed draw the same noise, and another seed other
    noise?"""
    checks.sample_noise_reproducible(student, test_seed % 10_000)


@pytest.mark.points(1)
def test_GAN_sample_noise_in_graph(student, test_seed):
    """Inside a tf.function (as under fit), does sample_noise still draw new numbers?"""
    checks.sample_noise_in_graph(student, test_seed % 10_000)


# -- GAN.train_step -----------------------------------------------------------------------

@pytest.mark.points(2)
def test_GAN_train_step_one_step_other_batch(student, reference, rng):
    """One step on 24 digits, the discriminator learning faster: the reference's weights?"""
    checks.step_matches(student, reference, checks.step_inputs(rng, 24), 0.05, 0.2)


@pytest.mark.points(1)
def test_GAN_train_step_training_mode(student, rng):
    """Does train_step run both models with training=True?"""
    checks.step_training_mode(student, checks.step_inputs(rng, 16))


@pytest.mark.points(1)
def test_GAN_train_step_generator_gradients(student, reference, rng):
    """With only the generator learning, does it follow the gradient of g_loss?"""
    checks.step_generator_gradients(student, reference, checks.step_inputs(rng, 16), 0.5)


@pytest.mark.points(1)
def test_GAN_train_step_discriminator_leaves_generator(student, reference, rng):
    """With only the discriminator learning, does the generator stay where it was?"""
    checks.step_discriminator_leaves_generator(student, reference,
                                               checks.step_inputs(rng, 16), 0.5)

