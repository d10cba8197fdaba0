"""Is the gan reference right, is the digit classifier good, and does the quality check
reject the generators it must?

The reference's losses are checked against Keras' own BinaryCrossentropy; the classifier
against the held-out test digits; the quality check (the classifier's verdict and the
thresholds of ``autograder/suites/gan/criteria.py``) against generators built here to fail:
one that ignores its noise, one collapsed onto a single digit, an untrained one. Then the
reference trains, in-process and seeded, as the handout's figure and the graded run do.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_solution

from autograder.datasets import load_digits
from autograder.probes import digit_classifier
from autograder.probes import gan as probes
from autograder.suites.gan import checks
from autograder.suites.gan import criteria as c

keras = pytest.importorskip("keras")

NOISE_DIM = 32


@pytest.fixture(scope="module")
def reference():
    return load_solution("gan")


@pytest.fixture(autouse=True)
def _no_global_determinism(monkeypatch):
    """The probes switch on TensorFlow's op determinism for the worker process they run in;
    here they run in the test process, which other tests share: leave its settings alone."""
    monkeypatch.setattr("autograder.worker.determinism.configure_frameworks", lambda: None)


def verdict(images) -> dict:
    return digit_classifier.quality(digit_classifier.class_probabilities(images))


def noise(n: int = c.QUALITY_SAMPLES, dim: int = NOISE_DIM, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def constant_generator(image: np.ndarray, wobble: float = 0.0, seed: int = 0):
    """A generator whose output is ``image`` plus ``wobble`` times a random linear function of
    the noise: with wobble 0 it ignores its noise altogether."""
    layers = keras.layers
    z = keras.Input((NOISE_DIM,))
    dense = layers.Dense(28 * 28)
    out = layers.Reshape((28, 28, 1))(dense(z))
    model = keras.Model(z, out)
    kernel = wobble * np.random.default_rng(seed).standard_normal((NOISE_DIM, 28 * 28))
    dense.set_weights([kernel.astype(np.float32), image.reshape(-1).astype(np.float32)])
    return model


# -- the losses ------------------------------------------------------------------------------

@pytest.mark.parametrize("real_shape, fake_shape", [((16, 1), (16, 1)), ((12,), (12,)),
                                                    ((8, 1), (20, 1))])
def test_losses_equal_keras_binary_crossentropy(reference, real_shape, fake_shape):
    rng = np.random.default_rng(sum(real_shape) + 7 * sum(fake_shape))
    real = rng.normal(0, 3, real_shape).astype(np.float32)
    fake = rng.normal(0, 3, fake_shape).astype(np.float32)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    want_d = float(bce(np.ones_like(real), real)) + float(bce(np.zeros_like(fake), fake))
    want_g = float(bce(np.ones_like(fake), fake))
    assert float(reference.discriminator_loss(real, fake)) == pytest.approx(want_d, rel=1e-5)
    assert float(reference.generator_loss(fake)) == pytest.approx(want_g, rel=1e-5)


def test_losses_of_a_coin_flip_critic_and_of_extreme_logits(reference):
    zeros = np.zeros((4, 1), np.float32)
    assert float(reference.discriminator_loss(zeros, zeros)) == pytest.approx(2 * np.log(2))
    assert float(reference.generator_loss(zeros)) == pytest.approx(np.log(2))
    # Logits far beyond float32's sigmoid: the loss stays finite and exact (softplus).
    huge = np.array([[-200.0], [200.0]], np.float32)
    assert float(reference.discriminator_loss(huge, -huge)) == pytest.approx(200.0)
    assert float(reference.generator_loss(huge)) == pytest.approx(100.0)


def test_the_mistakes_named_in_hints_give_other_values():
    """Each mistake the loss tests name must give an answer of its own."""
    rng = np.random.default_rng(3)
    real, fake = rng.uniform(-4, 4, (16, 1)), rng.uniform(-4, 4, (16, 1))
    want_d = float(np.logaddexp(0, -real).mean() + np.logaddexp(0, fake).mean())
    want_g = float(np.logaddexp(0, -fake).mean())
    for mistakes, want in ((checks.discriminator_loss_mistakes(real, fake, want_d), want_d),
                           (checks.generator_loss_mistakes(fake, want_g), want_g)):
        values = [float(v) for v in mistakes.values()] + [want]
        assert min(np.diff(np.sort(values))) > 1e-3, mistakes


# -- the models ------------------------------------------------------------------------------

def test_generator_and_discriminator(reference):
    generator = reference.build_generator()
    images = keras.ops.convert_to_numpy(generator(noise(6, 64) * 10, training=False))
    assert images.shape == (6, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1 and images.min() < -0.05 < 0.05 < images.max()
    kinds = [type(layer).__name__ for layer in generator.layers]
    assert kinds.count("Conv2DTranspose") == 2
    logits = reference.build_discriminator()(images, training=False)
    assert tuple(logits.shape) == (6, 1)
    assert reference.build_discriminator().layers[-1].activation.__name__ == "linear"


# -- the classifier and the quality check -----------------------------------------------------

def test_classifier_is_accurate_and_sure_of_real_digits_only():
    """data/README.md: 96.6 % on the 500 MNIST test digits, mean confidence 0.98; junk 0.10."""
    x_test, y_test = load_digits("test", value_range=(-1, 1))
    probabilities = digit_classifier.class_probabilities(x_test)
    accuracy = float(np.mean(probabilities.argmax(1) == y_test))
    assert accuracy >= 0.96
    assert probabilities.max(1).mean() == pytest.approx(c.REAL_CONFIDENCE, abs=0.02)
    junk = np.random.default_rng(0).uniform(-1, 1, (100, 28, 28, 1))
    assert verdict(junk)["confidence"] < 0.2


def test_frechet_distance_matches_its_closed_form():
    """B = 2 A + c has covariance 4 S_A, so tr(S_A + 4 S_A - 2 (4 S_A^2)^(1/2)) = tr(S_A) and
    the distance is |mean(A) + c|^2 + tr(S_A) exactly; a set is at distance 0 from itself."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 8)) @ rng.standard_normal((8, 8))
    shift = rng.standard_normal(8)
    expected = np.sum((a.mean(0) + shift) ** 2) + np.trace(np.cov(a, rowvar=False))
    assert digit_classifier.frechet_distance(a, 2 * a + shift) == pytest.approx(expected,
                                                                                rel=1e-9)
    assert digit_classifier.frechet_distance(a, a) == pytest.approx(0, abs=1e-8)
    with pytest.raises(ValueError, match="same D"):
        digit_classifier.frechet_distance(a, a[:, :4])


def test_classifier_score_runs_from_one_to_ten():
    sure = np.eye(10)[np.arange(1000) % 10]  # sure of each digit, all ten equally often
    assert digit_classifier.classifier_score(sure) == pytest.approx(10, rel=1e-6)
    assert digit_classifier.classifier_score(np.eye(10)[np.zeros(100, int)]) == \
        pytest.approx(1)  # one digit only
    assert digit_classifier.classifier_score(np.full((100, 10), 0.1)) == pytest.approx(1)


def test_real_digits_are_close_in_classifier_features_and_noise_is_far():
    """The scale of the benchmark's Fréchet distance: training vs test digits, noise vs test."""
    x_train = load_digits("train", value_range=(-1, 1))[0]
    x_test = load_digits("test", value_range=(-1, 1))[0]
    real = digit_classifier.classifier_features(x_test)
    assert real.shape == (500, 64)
    near = digit_classifier.frechet_distance(digit_classifier.classifier_features(x_train), real)
    junk = np.random.default_rng(0).uniform(-1, 1, (500, 28, 28, 1))
    far = digit_classifier.frechet_distance(digit_classifier.classifier_features(junk), real)
    assert near < 10 < 100 < far


def test_real_digits_pass_the_quality_check():
    x_test = load_digits("test", value_range=(-1, 1))[0]
    assert checks.quality_problems(verdict(x_test)) == []


def test_a_generator_that_ignores_its_noise_fails():
    digit = load_digits("train", value_range=(-1, 1))[0][0]
    samples = probes.sample_images(constant_generator(digit), noise())
    assert np.ptp(samples, axis=0).max() == 0  # the same image for every z
    got = verdict(samples)
    assert got["classes"] == 1 and got["entropy"] == 0
    assert any("digits hold" in p for p in checks.quality_problems(got))


def test_a_generator_collapsed_onto_one_digit_fails():
    x, y = load_digits("train", value_range=(-1, 1))
    sevens = x[y == 7]
    generator = constant_generator(sevens.mean(axis=0), wobble=0.02)
    samples = probes.sample_images(generator, noise())
    assert np.ptp(samples, axis=0).max() > 0.1  # the noise does change the image
    got = verdict(samples)
    assert got["histogram"][7] >= 0.95 * c.QUALITY_SAMPLES
    problems = checks.quality_problems(got)
    assert any("digits hold" in p for p in problems) and any("entropy" in p for p in problems)


def test_two_digits_only_fail_the_spread():
    x, y = load_digits("train", value_range=(-1, 1))
    two = np.concatenate([x[y == 1][:40], x[y == 7][:40]])
    problems = checks.quality_problems(verdict(two))
    assert any("digits hold" in p for p in problems) and any("entropy" in p for p in problems)


def test_an_untrained_generator_fails_on_confidence():
    keras.utils.set_random_seed(0)
    samples = probes.sample_images(probes.quality_generator(NOISE_DIM), noise())
    got = verdict(samples)
    assert got["confidence"] < 0.2
    assert any("confidence" in p for p in checks.quality_problems(got))


# -- training ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_graded_run_of_the_reference_passes_with_a_margin(reference):
    """The visible test's run (seed 6399): confidence far above the threshold, every digit."""
    got = probes.learns_digits(reference, c.TRAIN_EPOCHS, c.TRAIN_BATCH, c.TRAIN_LR, 6399,
                               c.QUALITY_SAMPLES)
    assert checks.quality_problems(got) == []
    assert got["confidence"] > c.MIN_CONFIDENCE + 0.1
    assert got["classes"] >= 9 and got["entropy"] > c.MIN_ENTROPY + 0.5


@pytest.mark.slow
def test_the_reference_gan_learns_digits_as_in_the_handout(reference):
    """The reference's own models and losses, 10 epochs as figures.py trains them: the
    classifier finds every digit, with a confidence near the handout's 0.75."""
    keras.utils.set_random_seed(0)
    generator, discriminator = reference.build_generator(64), reference.build_discriminator()
    gan = reference.GAN(generator, discriminator, 64, seed=0)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    history = gan.fit(load_digits("train", value_range=(-1, 1))[0], batch_size=32, epochs=10,
                      verbose=0)
    got = verdict(probes.sample_images(generator, noise(dim=64)))
    assert checks.quality_problems(got) == []
    assert got["confidence"] > 0.6 and got["classes"] == 10
    # Near the equilibrium where the critic can only guess: 2 ln 2 and ln 2.
    assert 1.0 < history.history["d_loss"][-1] < 2 * np.log(2)
    assert np.log(2) < history.history["g_loss"][-1] < 1.0
