"""Hidden tests: official grading only (shown to students once grades are published)."""

from __future__ import annotations

import pytest

from autograder.suites.vae import checks
from autograder.suites.vae.cases import Models

# Hidden cases live here, not in cases.py: the student release drops this file whole.
#: Two-channel images, a wider code, an odd batch, other weights.
OTHER = Models(image_shape=(5, 4, 2), latent_dim=4, hidden=6, weight_seed=9, batch=7)
NORMALISED = Models(weight_seed=12, batch=6)

pytestmark = pytest.mark.visibility("hidden")


@pytest.mark.points(1)
def test_reparameterize_values_one_wide_example(student, reference, rng):
    """Does reparameterize handle one example with a wide code?"""
    checks.reparameterize_values(student, reference, rng, (1, 6))


@pytest.mark.points(1)
def test_reparameterize_gradients_other_shape(student, rng):
    """Do the gradients reach mu and log_var for another shape?"""
    checks.reparameterize_gradients(student, rng, (6, 2))


@pytest.mark.points(1)
def test_kl_divergence_values_large(student, reference, rng):
    """Does kl_divergence give the closed-form KL for wide codes and large values?"""
    checks.kl_values(student, reference, rng, (4, 7), spread=1.8)


@pytest.mark.points(1)
def test_kl_divergence_per_example_shape(student, rng):
    """Does a batch of one example give shape (1,)?"""
    checks.kl_per_example_shape(student, rng, (1, 5))


@pytest.mark.points(2)
def test_kl_divergence_matches_monte_carlo(student, rng):
    """Does kl_divergence agree with a Monte-Carlo estimate of E_q[log q(z) - log p(z)]?"""
    checks.kl_monte_carlo(student, rng, rows=3, latent_dim=2)


@pytest.mark.points(1)
def test_reconstruction_loss_values_full_size(student, reference, rng):
    """Is reconstruction_loss right for a batch of full-size 28x28 images?"""
    checks.reconstruction_values(student, reference, rng, (6, 28, 28, 1))


@pytest.mark.points(1)
def test_reconstruction_loss_two_channels(student, reference, rng):
    """Are the pixels of every channel summed?"""
    checks.reconstruction_values(student, reference, rng, (2, 3, 4, 2))


@pytest.mark.points(1)
def test_vae_loss_batch_mean(student, reference, rng):
    """Is vae_loss the mean over a batch of 7, with beta = 3?"""
    checks.vae_loss_values(student, reference, rng, 7, 3.0)


@pytest.mark.points(1)
def test_build_encoder_outputs_latent5(student):
    """Does build_encoder honour another code size?"""
    checks.encoder_outputs(student, 5)


@pytest.mark.points(1)
def test_build_encoder_heads_differ(student):
    """Are mu and log_var two different heads?"""
    checks.encoder_heads_differ(student, 2)


@pytest.mark.points(1)
def test_build_decoder_outputs_far_codes(student):
    """Does build_decoder(5) stay in [0, 1] even for codes far from the prior?"""
    checks.decoder_outputs(student, 5, scale=10.0)


@pytest.mark.points(1)
def test_VAE_sample_eps_reproducible_for_a_seed(student):
    """Do two VAEs built with one seed draw the same eps, whatever the global state?"""
    checks.sample_eps_seeded(student, (3, 4))


@pytest.mark.points(1)
def test_VAE_sample_eps_fresh_in_compiled_steps(student):
    """Inside tf.function, does sample_eps give new draws at every run?"""
    checks.sample_eps_compiled(student, (3, 4))


@pytest.mark.points(1)
def test_VAE_call_in_inference_mode(student, reference, rng):
    """Does vae(x, training=False) run BatchNormalization in inference mode?"""
    checks.call_reconstructs(student, reference, rng, NORMALISED, training=False)


@pytest.mark.points(2)
def test_VAE_train_step_other_sizes(student, reference, rng):
    """Is train_step right for 2-channel images, latent_dim 4, batch 7, beta 0.5, (x, x) data?"""
    checks.train_step(student, reference, rng, OTHER, beta=0.5, as_tuple=True)


@pytest.mark.points(1)
def test_VAE_train_step_tracks_running_means(student, reference, rng):
    """After two steps, do the metrics hold the running means of the three losses?"""
    checks.train_step(student, reference, rng, NORMALISED, beta=2.0, steps=2,
                      check_metrics=True)


@pytest.mark.points(1)
def test_sample_images_other_sizes(student):
    """Does sample_images honour latent_dim 4 and another seed?"""
    checks.sample_images_from_prior(student, 600, 4, seed=17)


@pytest.mark.points(1)
def test_interpolate_two_steps(student, reference, rng):
    """Does interpolate handle two steps (just the ends) and a wider code?"""
    checks.interpolate_line(student, reference, rng, OTHER, steps=2)
