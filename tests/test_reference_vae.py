"""Is the VAE reference right, checked against computations that do not share its code?

The KL divergence against its closed form in NumPy and a Monte-Carlo estimate; the
reconstruction loss against Keras' BinaryCrossentropy; reparameterize's gradients against
the analytic ones; one train_step against a gradient step written out here; the handout's
worked numbers; and the handout's point that without the KL term sigma collapses. A few
seconds of CPU.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_solution

from autograder.datasets import load_digits

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def reference():
    return load_solution("vae")


def numpy(value) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def test_handout_worked_examples(reference):
    """Section 3's KL (0.6534) and section 4's cross-entropy (1.0217, about 5.5 swapped)."""
    kl = reference.kl_divergence(np.array([[1.0, 0.0]]), np.array([[0.0, np.log(2.0)]]))
    assert numpy(kl) == pytest.approx([0.6534264], abs=1e-5)
    x = np.array([[1.0, 0.0, 0.5]], np.float32)
    x_hat = np.array([[0.9, 0.2, 0.5]], np.float32)
    assert numpy(reference.reconstruction_loss(x, x_hat)) == pytest.approx([1.0216512], abs=1e-5)
    assert numpy(reference.reconstruction_loss(x_hat, x)) == pytest.approx([5.5], abs=0.05)


def test_kl_matches_the_closed_form_and_a_monte_carlo_estimate(reference):
    rng = np.random.default_rng(0)
    mu = rng.standard_normal((4, 3))
    log_var = rng.uniform(-2, 1.5, (4, 3))
    got = numpy(reference.kl_divergence(mu.astype(np.float32), log_var.astype(np.float32)))
    sigma2 = np.exp(log_var)
    closed = 0.5 * np.sum(sigma2 + mu ** 2 - 1 - log_var, axis=1)
    np.testing.assert_allclose(got, closed, rtol=1e-5)
    for row in range(4):  # E_q[log q(z) - log p(z)] from samples of q
        z = mu[row] + np.sqrt(sigma2[row]) * rng.standard_normal((400_000, 3))
        log_q = -0.5 * np.sum((z - mu[row]) ** 2 / sigma2[row] + log_var[row], axis=1)
        log_p = -0.5 * np.sum(z ** 2, axis=1)
        estimate = np.mean(log_q - log_p)
        error = np.std(log_q - log_p) / np.sqrt(len(z))
        assert abs(got[row] - estimate) < 5 * error, (row, got[row], estimate, error)
    assert np.all(numpy(reference.kl_divergence(np.zeros((2, 3)), np.zeros((2, 3)))) == 0)


def test_reconstruction_loss_matches_keras_binary_crossentropy(reference):
    """Per image: Keras' summed cross-entropy (which clips as the contract asks), with
    probabilities of exactly 0 and 1 among the pixels."""
    rng = np.random.default_rng(1)
    x = rng.random((3, 7, 5, 2)).astype(np.float32)
    x_hat = rng.uniform(0.01, 0.99, x.shape).astype(np.float32)
    x_hat.reshape(-1)[::7] = 0.0
    x_hat.reshape(-1)[3::7] = 1.0
    bce = keras.losses.BinaryCrossentropy(reduction="sum")
    want = [float(bce(x[i].reshape(-1, 1), x_hat[i].reshape(-1, 1))) for i in range(len(x))]
    got = numpy(reference.reconstruction_loss(x, x_hat))
    assert got.shape == (3,)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_reparameterize_gradients_are_the_analytic_ones(reference):
    rng = np.random.default_rng(2)
    mu, log_var, eps = (tf.constant(rng.standard_normal((5, 2)), tf.float32) for _ in range(3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([mu, log_var])
        z = reference.reparameterize(mu, log_var, eps)
    np.testing.assert_allclose(numpy(z), numpy(mu + tf.exp(log_var / 2) * eps), rtol=1e-6)
    np.testing.assert_allclose(numpy(tape.gradient(z, mu)), 1.0)
    np.testing.assert_allclose(numpy(tape.gradient(z, log_var)),
                               numpy(0.5 * tf.exp(log_var / 2) * eps), rtol=1e-6)


def test_vae_loss_is_the_batch_mean_of_the_weighted_sum(reference):
    rng = np.random.default_rng(3)
    x, x_hat = rng.random((4, 3, 3, 1)), rng.uniform(0.1, 0.9, (4, 3, 3, 1))
    mu, log_var = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    rec = numpy(reference.reconstruction_loss(x, x_hat))
    kl = numpy(reference.kl_divergence(mu, log_var))
    for beta in (1.0, 0.3):
        got = float(numpy(reference.vae_loss(x, x_hat, mu, log_var, beta)))
        assert got == pytest.approx(np.mean(rec + beta * kl), rel=1e-5)


def small_models(latent_dim: int = 2):
    keras.utils.set_random_seed(4)
    image = keras.Input((4, 4, 1))
    h = keras.layers.BatchNormalization()(keras.layers.Dense(6)(keras.layers.Flatten()(image)))
    h = keras.layers.Activation("tanh")(h)
    encoder = keras.Model(image, [keras.layers.Dense(latent_dim)(h),
                                  keras.layers.Dense(latent_dim)(h)])
    code = keras.Input((latent_dim,))
    out = keras.layers.Dense(16, activation="sigmoid")(keras.layers.Dense(6, "tanh")(code))
    return encoder, keras.Model(code, keras.layers.Reshape((4, 4, 1))(out))


def test_train_step_is_one_gradient_step_on_the_negative_elbo(reference):
    """The same step written out here, with eps given, must move every weight alike."""
    rng = np.random.default_rng(5)
    x = rng.random((6, 4, 4, 1)).astype(np.float32)
    eps = rng.standard_normal((6, 2)).astype(np.float32)
    beta, rate = 2.5, 0.1

    encoder, decoder = small_models()
    start = [w.numpy() for w in encoder.weights + decoder.weights]
    with tf.GradientTape() as tape:  # the independent computation
        mu, log_var = encoder(x, training=True)
        x_hat = decoder(mu + tf.exp(log_var / 2) * eps, training=True)
        rec = tf.reduce_sum(keras.losses.binary_crossentropy(x, x_hat), axis=[1, 2])
        kl = 0.5 * tf.reduce_sum(tf.exp(log_var) + mu ** 2 - 1 - log_var, axis=1)
        loss = tf.reduce_mean(rec + beta * kl)
    variables = encoder.trainable_weights + decoder.trainable_weights
    steps = [rate * g for g in tape.gradient(loss, variables)]
    want = {id(v): v.numpy() - s.numpy() for v, s in zip(variables, steps, strict=True)}
    moved = [w.numpy() for w in encoder.weights + decoder.weights]  # BatchNorm's statistics

    for weight, value in zip(encoder.weights + decoder.weights, start, strict=True):
        weight.assign(value)
    vae = reference.VAE(encoder, decoder, beta=beta, seed=0)
    vae.sample_eps = lambda shape: tf.constant(eps)
    vae.compile(optimizer=keras.optimizers.SGD(learning_rate=rate))
    logs = vae.train_step(tf.constant(x))
    assert float(logs["loss"]) == pytest.approx(float(loss), rel=1e-5)
    assert float(logs["reconstruction_loss"]) == pytest.approx(float(tf.reduce_mean(rec)),
                                                               rel=1e-5)
    assert float(logs["kl_loss"]) == pytest.approx(float(tf.reduce_mean(kl)), rel=1e-5)
    for weight, expected in zip(encoder.weights + decoder.weights, moved, strict=True):
        expected = want.get(id(weight), expected)
        np.testing.assert_allclose(weight.numpy(), expected, rtol=1e-4, atol=1e-6,
                                   err_msg=weight.path)


def test_sample_eps_is_seeded_fresh_and_standard_normal(reference):
    encoder, decoder = small_models()
    first = reference.VAE(encoder, decoder, seed=7)
    draws = numpy(first.sample_eps((2000, 4)))
    assert abs(draws.mean()) < 0.03 and abs(draws.std() - 1) < 0.03
    assert not np.array_equal(draws, numpy(first.sample_eps((2000, 4))))
    again = reference.VAE(encoder, decoder, seed=7)
    np.testing.assert_array_equal(draws, numpy(again.sample_eps((2000, 4))))


def test_models_and_generation_shapes(reference):
    encoder, decoder = reference.build_encoder(3), reference.build_decoder(3)
    mu, log_var = encoder(load_digits("val")[0][:5])
    assert tuple(mu.shape) == tuple(log_var.shape) == (5, 3)
    images = reference.sample_images(decoder, 4, 3, seed=1)
    assert images.shape == (4, 28, 28, 1) and 0 <= images.min() and images.max() <= 1
    np.testing.assert_array_equal(images, reference.sample_images(decoder, 4, 3, seed=1))
    line = reference.interpolate(decoder, np.zeros(3), np.ones(3), 5)
    assert line.shape == (5, 28, 28, 1)
    ends = numpy(decoder(np.array([[0.0] * 3, [1.0] * 3], np.float32)))
    np.testing.assert_allclose(line[[0, -1]], ends, atol=1e-6)


@pytest.mark.slow
def test_without_the_kl_term_sigma_collapses(reference):
    """The handout's section 2, on small dense models: after 4 epochs the codes' sigma is
    about three times smaller with beta = 0 than with beta = 1, and their KL 30 times larger."""
    x_train, x_val = load_digits("train")[0], load_digits("val")[0]
    found = {}
    for beta in (0.0, 1.0):
        keras.utils.set_random_seed(0)
        image = keras.Input((28, 28, 1))
        h = keras.layers.Dense(64, activation="elu")(keras.layers.Flatten()(image))
        encoder = keras.Model(image, [keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)])
        code = keras.Input((2,))
        h = keras.layers.Dense(64, activation="elu")(code)
        out = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, "sigmoid")(h))
        vae = reference.VAE(encoder, keras.Model(code, out), beta=beta, seed=0)
        vae.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3))
        vae.fit(x_train, epochs=4, batch_size=64, verbose=0)
        mu, log_var = (numpy(t) for t in encoder(x_val, training=False))
        found[beta] = (float(np.mean(np.exp(log_var / 2))),
                       float(np.mean(0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1 - log_var, 1))))
    (sigma_0, kl_0), (sigma_1, kl_1) = found[0.0], found[1.0]
    assert sigma_0 < sigma_1 / 2, found  # measured: 0.11 against 0.37
    assert kl_0 > 10 * kl_1, found  # measured: 298 against 9
