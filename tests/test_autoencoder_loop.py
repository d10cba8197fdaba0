"""Does the grader's loop for build_conv_autoencoder judge the architecture, not the recipe?

Two parts of ``checks.loop_learns`` make a sound design pass whatever its taste in
training: it tries the learning rates of ``LOOP_RATES`` in turn (``rate_trials``), and
before measuring the validation MSE it measures the BatchNormalization statistics on the
training digits (``settle_batch_norm``). Whole designs are graded by
test_correct_styles.py; the margins are bench/calibrate.py's.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.probes.autoencoder import settle_batch_norm
from autograder.suites.autoencoder import checks
from autograder.suites.autoencoder import criteria as c

keras = pytest.importorskip("keras")


def test_rate_trials_stop_at_the_first_rate_that_learns():
    mse = {c.LOOP_RATES[0]: 0.11, c.LOOP_RATES[1]: 0.02}
    tried = []

    def train(rate):
        tried.append(rate)
        return {"learning_rate": rate, "val_mse": mse.get(rate, 0.01)}

    runs = checks.rate_trials(train)
    assert tried == list(c.LOOP_RATES[:2])
    assert [run["val_mse"] for run in runs] == [0.11, 0.02]


def test_rate_trials_try_every_rate_on_a_model_that_never_learns():
    runs = checks.rate_trials(lambda rate: {"learning_rate": rate, "val_mse": 0.0672})
    assert [run["learning_rate"] for run in runs] == list(c.LOOP_RATES)
    assert len(c.LOOP_RATES) >= 2 and c.LOOP_RATES[0] == 3e-3  # the reference's rate first


def test_settle_batch_norm_sets_the_statistics_of_the_images_and_leaves_the_weights():
    keras.utils.set_random_seed(0)
    image = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(4, 3, padding="same", name="conv")(image)
    inner = keras.Sequential([keras.Input((28, 28, 4)), keras.layers.BatchNormalization()])
    out = keras.layers.BatchNormalization(momentum=0.9, name="outer")(inner(h))
    model = keras.Model(image, out)
    x = np.random.default_rng(0).random((200, 28, 28, 1)).astype(np.float32)
    weights = [w.numpy().copy() for w in model.trainable_weights]

    assert settle_batch_norm(model, x, batch=50) == 2  # the nested one too
    features = keras.ops.convert_to_numpy(model.get_layer("conv")(x))
    batches = features.reshape(4, 50, 28, 28, 4)
    norm = inner.layers[0]
    np.testing.assert_allclose(norm.moving_mean.numpy(), batches.mean((1, 2, 3)).mean(0),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(norm.moving_variance.numpy(), batches.var((1, 2, 3)).mean(0),
                               rtol=1e-3)
    assert model.get_layer("outer").momentum == 0.9  # restored
    for before, after in zip(weights, model.trainable_weights, strict=True):
        np.testing.assert_array_equal(before, after.numpy())


def test_settle_batch_norm_leaves_a_model_without_it_alone():
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3)])
    assert settle_batch_norm(model, np.zeros((8, 28, 28, 1), np.float32)) == 0
